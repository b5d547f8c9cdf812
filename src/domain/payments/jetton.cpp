#include "domain/payments/jetton.hpp"

#include "domain/nft/manager.hpp"
#include "ton/boc.hpp"
#include "ton/codec.hpp"
#include "ton/comment.hpp"
#include "ton/jetton.hpp"

namespace onton::payments {
namespace {

std::string Boc(const ton::CellPtr& cell) { return ton::ToBase64(ton::SerializeBoc(cell)); }

Result<ton::Address> AskWalletAddress(ports::Chain& chain,
                                      const ton::Address& master,
                                      const ton::Address& owner) {
    auto argument = ton::WalletAddressArgument(owner);
    if (!argument) return argument.error();
    auto result = chain.RunGetMethod(
        master.ToString(), "get_wallet_address", {ports::StackEntry::Slice(Boc(*argument))});
    if (!result) return result.error();
    if (result->exit_code != 0 && result->exit_code != 1) {
        return Error{"chain.bad_response",
                     "get_wallet_address exited with " + std::to_string(result->exit_code)};
    }
    auto address = ton::ParseWalletAddress(nft::StackJson(result->stack));
    if (!address) return Error{"chain.bad_response", "get_wallet_address: " + address.error().message};
    return *address;
}

}  // namespace

Result<JettonAccount> ResolveJettonAccount(ports::Chain& chain,
                                           std::string_view master,
                                           const ton::Address& owner,
                                           std::string_view setting) {
    const auto invalid = [&](const std::string& why) {
        return Error{"config.invalid", std::string(setting) + " " + std::string(master) + ": " + why};
    };
    auto parsed = ton::ParseAddress(master);
    if (!parsed) return invalid("not a TON address");
    JettonAccount account;
    account.master = parsed->address;
    account.owner = owner;
    auto data = chain.RunGetMethod(account.master.ToString(), "get_jetton_data", {});
    if (!data) return data.error();
    if (data->exit_code != 0 && data->exit_code != 1) {
        return invalid("not a jetton master (get_jetton_data exited with " + std::to_string(data->exit_code) +
                       "; is the contract deployed on this network?)");
    }
    if (auto jetton = ton::ParseJettonData(nft::StackJson(data->stack)); !jetton) {
        return invalid("not a jetton master (get_jetton_data: " + jetton.error().message + ")");
    }
    auto wallet = AskWalletAddress(chain, account.master, owner);
    if (!wallet) {
        if (wallet.error().code == "chain.bad_response") return invalid(wallet.error().message);
        return wallet.error();
    }
    account.wallet = *wallet;
    return account;
}

JettonPayments::JettonPayments(ports::Chain& chain, JettonAccount account, JettonSettings settings)
    : chain_(chain), account_(std::move(account)), settings_(settings) {}

Result<ton::Address> JettonPayments::WalletOf(const ton::Address& owner) {
    const auto key = owner.ToRaw();
    if (owner == account_.owner) return account_.wallet;
    {
        std::lock_guard lock(mutex_);
        if (const auto it = wallets_.find(key); it != wallets_.end()) return it->second;
    }
    // Asked without the lock: a second caller for the same owner asks too, and gets the same answer.
    auto wallet = AskWalletAddress(chain_, account_.master, owner);
    if (!wallet) return wallet.error();
    std::lock_guard lock(mutex_);
    if (wallets_.size() >= settings_.wallet_cache_size) wallets_.clear();
    wallets_.emplace(key, *wallet);
    return *wallet;
}

Result<PayerTransfer> JettonPayments::PayerTransferFor(const ton::Address& owner,
                                                       std::uint64_t units,
                                                       const std::string& comment) {
    auto payload = ton::BuildComment(comment);
    if (!payload) return payload.error();
    auto wallet = WalletOf(owner);
    if (!wallet) return wallet.error();
    ton::JettonTransfer transfer;
    // The query id only labels the message; the comment names the order.
    transfer.query_id = 0;
    transfer.amount = units;
    transfer.destination = account_.owner;
    transfer.response_destination = owner;
    transfer.forward_ton_amount = settings_.forward_ton;
    transfer.forward_payload = *payload;
    auto body = ton::BuildJettonTransfer(transfer);
    if (!body) return body.error();
    PayerTransfer out;
    out.jetton_wallet = *wallet;
    out.amount = settings_.transfer_ton;
    out.payload_boc = Boc(*body);
    out.units = units;
    out.forward_ton = settings_.forward_ton;
    out.comment = comment;
    return out;
}

Result<wallet::Outgoing> JettonPayments::RefundMessage(std::uint64_t query_id,
                                                       std::string_view destination,
                                                       std::uint64_t units,
                                                       const std::string& comment,
                                                       std::string idempotency_key) const {
    auto to = ton::ParseAddress(destination);
    if (!to) return to.error();
    auto payload = ton::BuildComment(comment);
    if (!payload) return payload.error();
    ton::JettonTransfer transfer;
    transfer.query_id = query_id;
    transfer.amount = units;
    transfer.destination = to->address;
    transfer.response_destination = account_.owner;
    transfer.forward_ton_amount = settings_.refund_forward_ton;
    transfer.forward_payload = *payload;
    auto body = ton::BuildJettonTransfer(transfer);
    if (!body) return body.error();
    wallet::Outgoing message;
    message.destination = account_.wallet.ToRaw();
    message.amount = settings_.refund_ton;
    message.body = *body;
    // Bounceable: a transfer the jetton wallet refuses (not enough jettons) brings the TON back.
    message.bounce = true;
    message.idempotency_key = std::move(idempotency_key);
    return message;
}

}  // namespace onton::payments
