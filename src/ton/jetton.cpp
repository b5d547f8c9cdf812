#include "ton/jetton.hpp"

#include "ton/cell_writer.hpp"
#include "ton/comment.hpp"
#include "ton/nft.hpp"

namespace onton::ton {
namespace {

Error Invalid(const std::string& why) {
    return Error{"ton.invalid_jetton_message", "invalid jetton message: " + why};
}
Error InvalidStack(const std::string& why) {
    return Error{"ton.invalid_stack", "invalid get-method stack: " + why};
}

/// Keeps range and address errors (they say what was wrong with a well-formed field); anything else (an
/// underflow) means the body is not the message it claims to be.
Error Field(const Error& error, const std::string& field) {
    if (error.code == "ton.value_out_of_range" || error.code == "ton.unsupported_address") {
        return Error{error.code, field + ": " + error.message};
    }
    return Invalid(field + ": " + error.message);
}

Result<void> ExpectOp(Slice& s, std::uint32_t op, const char* name) {
    auto got = s.LoadUint(32);
    if (!got || *got != op) return Invalid(std::string("not a ") + name);
    return Ok();
}

/// `forward_payload:(Either Cell ^Cell)`: the ref, or the rest of the slice as a cell (nullptr when nothing
/// is left). Leaves `s` empty of what it read.
Result<CellPtr> LoadEitherPayload(Slice& s) {
    auto in_ref = s.LoadBit();
    if (!in_ref) return Field(in_ref.error(), "forward_payload");
    if (*in_ref) {
        auto ref = s.LoadRef();
        if (!ref) return Field(ref.error(), "forward_payload");
        return *ref;
    }
    if (s.empty()) return CellPtr{};
    auto rest = s.ToCell();
    if (!rest) return Field(rest.error(), "forward_payload");
    return *rest;
}

void StoreEitherPayload(CellWriter& w, const CellPtr& payload, bool inline_payload) {
    if (!payload) {
        w.Bit(false);
    } else if (inline_payload) {
        w.Bit(false).Inline(payload);
    } else {
        w.Bit(true).Ref(payload);
    }
}

Result<std::uint64_t> StackUint64(const StackEntry& e, const char* what) {
    if (e.kind != StackEntry::Kind::kNum || e.negative || e.num.size() > 8) {
        return InvalidStack(std::string(what) + " is not a u64");
    }
    std::uint64_t v = 0;
    for (const auto b : e.num) v = (v << 8) | b;
    return v;
}

Result<std::optional<Address>> StackAddress(const StackEntry& e, const char* what) {
    if (e.kind == StackEntry::Kind::kNull) return std::optional<Address>{};
    if (e.kind != StackEntry::Kind::kCell)
        return InvalidStack(std::string(what) + " is not an address slice");
    Slice s(e.cell);
    auto a = s.LoadAddress();
    if (!a) return InvalidStack(std::string(what) + ": " + a.error().message);
    return *a;
}

}  // namespace

std::optional<std::uint32_t> BodyOp(const CellPtr& body) {
    if (!body) return std::nullopt;
    Slice s(body);
    auto op = s.LoadUint(32);
    if (!op) return std::nullopt;
    return static_cast<std::uint32_t>(*op);
}

Result<CellPtr> BuildJettonTransfer(const JettonTransfer& t) {
    CellWriter w;
    w.Uint(jetton_op::kTransfer, 32)
        .Uint(t.query_id, 64)
        .Coins(t.amount)
        .Addr(t.destination)
        .MaybeAddr(t.response_destination)
        .MaybeRef(t.custom_payload)
        .Coins(t.forward_ton_amount.value);
    StoreEitherPayload(w, t.forward_payload, t.forward_payload_inline);
    return w.Build();
}

Result<JettonTransfer> ParseJettonTransfer(const CellPtr& body) {
    Slice s(body);
    if (auto ok = ExpectOp(s, jetton_op::kTransfer, "jetton transfer"); !ok) return ok.error();
    JettonTransfer t;
    auto query_id = s.LoadUint(64);
    if (!query_id) return Field(query_id.error(), "query_id");
    t.query_id = *query_id;
    auto amount = s.LoadCoins();
    if (!amount) return Field(amount.error(), "amount");
    t.amount = *amount;
    auto destination = s.LoadAddress();
    if (!destination) return Field(destination.error(), "destination");
    if (!*destination) return Invalid("destination: addr_none");
    t.destination = **destination;
    auto response = s.LoadAddress();
    if (!response) return Field(response.error(), "response_destination");
    t.response_destination = *response;
    auto custom = s.LoadMaybeRef();
    if (!custom) return Field(custom.error(), "custom_payload");
    t.custom_payload = *custom;
    auto forward_ton = s.LoadCoins();
    if (!forward_ton) return Field(forward_ton.error(), "forward_ton_amount");
    t.forward_ton_amount = Nanotons{*forward_ton};
    const bool inline_payload = s.remaining_bits() > 0 && !s.cell()->Bit(s.bit_position());
    auto payload = LoadEitherPayload(s);
    if (!payload) return payload.error();
    t.forward_payload = *payload;
    t.forward_payload_inline = inline_payload && *payload != nullptr;
    return t;
}

Result<CellPtr> BuildTransferNotification(const TransferNotification& n, bool forward_payload_inline) {
    CellWriter w;
    w.Uint(jetton_op::kTransferNotification, 32).Uint(n.query_id, 64).Coins(n.amount).MaybeAddr(n.sender);
    StoreEitherPayload(w, n.forward_payload, forward_payload_inline);
    return w.Build();
}

Result<TransferNotification> ParseTransferNotification(const CellPtr& body) {
    Slice s(body);
    if (auto ok = ExpectOp(s, jetton_op::kTransferNotification, "jetton transfer notification"); !ok) {
        return ok.error();
    }
    TransferNotification n;
    auto query_id = s.LoadUint(64);
    if (!query_id) return Field(query_id.error(), "query_id");
    n.query_id = *query_id;
    auto amount = s.LoadCoins();
    if (!amount) return Field(amount.error(), "amount");
    n.amount = *amount;
    auto sender = s.LoadAddress();
    if (!sender) return Field(sender.error(), "sender");
    n.sender = *sender;
    auto payload = LoadEitherPayload(s);
    if (!payload) return payload.error();
    n.forward_payload = *payload;
    if (n.forward_payload) {
        if (auto text = ParseComment(n.forward_payload)) n.comment = std::move(*text);
    }
    return n;
}

Result<CellPtr> BuildExcesses(std::uint64_t query_id) {
    CellWriter w;
    w.Uint(jetton_op::kExcesses, 32).Uint(query_id, 64);
    return w.Build();
}

Result<std::uint64_t> ParseExcesses(const CellPtr& body) {
    Slice s(body);
    if (auto ok = ExpectOp(s, jetton_op::kExcesses, "jetton excesses message"); !ok) return ok.error();
    auto query_id = s.LoadUint(64);
    if (!query_id) return Field(query_id.error(), "query_id");
    return *query_id;
}

Result<CellPtr> WalletAddressArgument(const Address& owner) {
    CellWriter w;
    w.Addr(owner);
    return w.Build();
}

Result<Address> ParseWalletAddress(const nlohmann::json& stack) {
    auto entries = ParseStack(stack);
    if (!entries) return entries.error();
    if (entries->size() != 1) return InvalidStack("get_wallet_address returns 1 value");
    auto address = StackAddress(entries->front(), "the jetton wallet address");
    if (!address) return address.error();
    if (!*address) return InvalidStack("get_wallet_address returned addr_none");
    return **address;
}

Result<JettonData> ParseJettonData(const nlohmann::json& stack) {
    auto entries = ParseStack(stack);
    if (!entries) return entries.error();
    if (entries->size() != 5) return InvalidStack("get_jetton_data returns 5 values");
    const auto& e = *entries;
    JettonData data;
    if (e[0].kind != StackEntry::Kind::kNum || e[0].negative)
        return InvalidStack("total_supply is not a number ≥ 0");
    data.total_supply = e[0].num;
    if (e[1].kind != StackEntry::Kind::kNum) return InvalidStack("mintable is not a number");
    data.mintable = !e[1].num.empty();
    auto admin = StackAddress(e[2], "admin_address");
    if (!admin) return admin.error();
    data.admin = *admin;
    if (e[3].kind != StackEntry::Kind::kCell) return InvalidStack("jetton_content is not a cell");
    data.content = e[3].cell;
    if (e[4].kind != StackEntry::Kind::kCell) return InvalidStack("jetton_wallet_code is not a cell");
    data.wallet_code = e[4].cell;
    return data;
}

Result<JettonWalletData> ParseJettonWalletData(const nlohmann::json& stack) {
    auto entries = ParseStack(stack);
    if (!entries) return entries.error();
    if (entries->size() != 4) return InvalidStack("get_wallet_data returns 4 values");
    const auto& e = *entries;
    JettonWalletData data;
    auto balance = StackUint64(e[0], "balance");
    if (!balance) return balance.error();
    data.balance = *balance;
    auto owner = StackAddress(e[1], "owner");
    if (!owner) return owner.error();
    if (!*owner) return InvalidStack("owner is addr_none");
    data.owner = **owner;
    auto master = StackAddress(e[2], "jetton_master");
    if (!master) return master.error();
    if (!*master) return InvalidStack("jetton_master is addr_none");
    data.master = **master;
    if (e[3].kind != StackEntry::Kind::kCell) return InvalidStack("jetton_wallet_code is not a cell");
    data.wallet_code = e[3].cell;
    return data;
}

}  // namespace onton::ton
