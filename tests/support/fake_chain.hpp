#pragma once
/// A fake TON chain behind the Chain port for the unit tests of the wallet sender and the NFT manager: one v4r2
/// wallet that checks seqno and valid_until and executes its signed externals (ext message → wallet transaction with
/// the out messages it carried), NFT collections deployed by a state init and items minted by op 1 (indexes in
/// order, as the reference collection), and the get-methods `get_collection_data`, `get_nft_address_by_index`,
/// `get_nft_data`. Faults are scripted per call. Thread-safe. Link onton_fake_chain.

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ports/clock.hpp"
#include "ports/chain.hpp"
#include "ton/address.hpp"
#include "ton/wallet.hpp"

namespace onton::test {

class FakeChain final : public ports::Chain {
public:
    /// What the next SendMessage does.
    enum class SendFault {
        kNone,
        kRefuse,      ///< not executed; chain.rejected
        kLoseReply,   ///< executed; the reply is lost (chain.unavailable)
        kDrop,        ///< accepted by the API but never executed (reply ok)
    };

    FakeChain(const ports::Clock& clock, ton::Address wallet);

    void QueueSendFault(SendFault fault);
    /// The next `count` reads (every method but SendMessage) answer chain.unavailable.
    void FailReads(int count);
    /// After the next SendMessage, the next `count` reads answer chain.unavailable (a crash before observing).
    void FailReadsAfterNextSend(int count);
    /// Another signer uses the wallet's current seqno (the seqno moves on without any out message).
    void ForeignExternal();
    /// Collections refuse mints from now on (the mint bounces; no item appears).
    void SetRefuseMints(bool refuse);

    struct Item {
        ton::Address collection;
        std::uint64_t index = 0;
        ton::Address owner;
    };
    /// Every internal message the wallet sent, oldest first.
    [[nodiscard]] std::vector<ton::InternalMessage> SentMessages() const;
    [[nodiscard]] std::uint32_t seqno() const;
    [[nodiscard]] int executed_externals() const;
    [[nodiscard]] std::vector<Item> Items() const;
    [[nodiscard]] bool IsCollection(const ton::Address& address) const;

    Result<ports::SentMessage> SendMessage(std::string_view boc_base64) override;
    Result<std::vector<ports::ChainTransaction>> GetTransactions(const ports::TransactionsQuery& query) override;
    Result<ports::GetMethodResult> RunGetMethod(std::string_view address,
                                                std::string_view method,
                                                const std::vector<ports::StackEntry>& stack) override;
    Result<ports::AccountState> GetAccountState(std::string_view address) override;
    Result<ports::WalletInfo> GetWalletInfo(std::string_view address) override;

private:
    Result<void> ReadFault();
    Result<ports::SentMessage> Execute(std::string_view boc_base64, bool apply);
    void Deliver(const ton::InternalMessage& message);

    const ports::Clock& clock_;
    ton::Address wallet_;
    mutable std::mutex mutex_;
    std::vector<SendFault> send_faults_;
    int failing_reads_ = 0;
    int failing_reads_after_send_ = 0;
    bool refuse_mints_ = false;
    std::uint32_t seqno_ = 0;
    int executed_ = 0;
    std::uint64_t lt_ = 1000;
    std::vector<ports::ChainTransaction> transactions_;  // the wallet's, oldest first
    std::vector<ton::InternalMessage> sent_;
    struct Collection {
        ton::Address owner;
        std::uint64_t next_index = 0;
        ton::CellPtr item_code;
    };
    std::map<std::string, Collection> collections_;  // by raw address
    std::map<std::string, Item> items_;              // by raw address
};

}  // namespace onton::test
