#pragma once
/// The wallet sender: the platform wallet's outgoing internal messages (NFT deploys and mints now, refunds
/// with issue #5), each a row of `wallet_messages` (nft database) written before anything is signed or sent.
///
/// Exactly one effect per row, whatever crashes: the rows due are sent in one external message signed with
/// the wallet's current seqno (up to `max_batch` rows, within the wallet's limit), after the row records that
/// seqno, the external's hash and its valid_until. A row is `confirmed` only when the wallet's transaction
/// for that very external is seen on chain with the row's message among its outgoing messages. While the
/// wallet's seqno has not moved past the row's, nothing else is sent: either the external lands (and its
/// transaction confirms the row) or its valid_until passes, and only then is the row signed again, with the
/// seqno the chain then reports. A new sender over the same database (after a crash between send and
/// observation) does exactly this from the rows.
///
/// Several processes may hold a sender for the same wallet (serve, workers): given a lease (`wallet:<raw
/// address>`, domain/lease), only its holder pumps, and the transaction that records a batch's seqno commits
/// only while the lease is still held, so no seqno is ever signed by two processes.
///
/// Row states: queued → sent → confirmed | failed; sent → queued again when the external was refused, expired
/// or its seqno was taken by another external, after a backoff; failed after `max_attempts`. A signer outside
/// the platform (no lease) only costs a retry.

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "domain/lease/lease.hpp"
#include "domain/wallet/platform_wallet.hpp"
#include "ports/chain.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"
#include "ton/cell.hpp"
#include "ton/wallet.hpp"

namespace onton::wallet {

/// One internal message to send from the platform wallet.
struct Outgoing {
    std::string destination;  ///< any address form ton::ParseAddress accepts
    ton::Nanotons amount;
    ton::CellPtr body;    ///< nullptr: `comment` (when not empty) or the empty body
    std::string comment;  ///< a text comment (op 0), used only when `body` is null
    bool bounce = true;
    std::optional<ton::StateInit> init;  ///< deploys the destination
    /// Unique per wallet: enqueueing the same key again returns the first row, whatever the rest says.
    std::string idempotency_key;
};

enum class MessageState { kQueued, kSent, kConfirmed, kFailed };
std::string_view MessageStateName(MessageState state);

struct MessageStatus {
    std::int64_t id = 0;
    MessageState state = MessageState::kQueued;
    std::int64_t attempts = 0;
    std::optional<std::uint32_t> seqno;  ///< of the last external that carried it
    std::string tx_hash;                 ///< the wallet transaction that sent it, once confirmed
    std::string last_error;
};

struct SenderSettings {
    std::uint32_t valid_for_seconds = 60;  ///< valid_until = now + this
    /// How long after valid_until an external that has not landed still might (clock skew, a slow
    /// liteserver): only then is the row signed again.
    std::int64_t grace_seconds = 15;
    std::size_t max_batch = 4;  ///< rows per external; at most 4 for v4r2 and 255 for v5r1
    std::int64_t max_attempts = 5;
    std::int64_t initial_backoff_seconds = 5;
    std::int64_t max_backoff_seconds = 300;
    std::uint32_t history_page = 50;   ///< transactions per GetTransactions call when looking for an external
    /// Pages read back (the transactions since the send) before the step gives up with an error.
    std::uint32_t history_pages = 200;
    std::uint8_t send_mode = ton::send_mode::kPayFeesSeparately | ton::send_mode::kIgnoreErrors;
};

struct PumpTally {
    std::int64_t sent = 0;       ///< rows signed and broadcast in this pump
    std::int64_t confirmed = 0;  ///< rows seen sent on chain
    std::int64_t retried = 0;    ///< rows back in the queue (refused, expired, seqno taken, skipped)
    std::int64_t failed = 0;     ///< rows that reached max_attempts
};

class WalletSender {
public:
 WalletSender(ports::Store& store,
              ports::Chain& chain,
              const ports::Clock& clock,
              PlatformWallet wallet,
              SenderSettings settings = {},
              lease::Lease* lease = nullptr);

 /// Records a message to send, within the caller's transaction (so it commits with whatever asked for it).
 /// Idempotent by `idempotency_key`: returns the row id. Errors: `wallet.invalid_message` (bad destination,
 /// empty key, or a message the wallet cannot carry).
 Result<std::int64_t> Enqueue(ports::Transaction& tx, const Outgoing& message) const;
 /// The same in a transaction of its own.
 Result<std::int64_t> Enqueue(const Outgoing& message) const;

 /// The row's state; nullopt for an unknown id.
 std::optional<MessageStatus> Status(ports::Transaction& tx, std::int64_t id) const;
 std::optional<MessageStatus> Status(std::int64_t id) const;

 /// One step, called periodically from one place (a second concurrent call waits): reconciles the rows in
 /// flight with the chain, then, when none is left in flight, signs and sends the next batch. A chain error
 /// ends the step with every row where it was. With a lease: a step that cannot take it does nothing; one
 /// that lost it before recording a batch's seqno sends nothing and answers `wallet.lease_lost`.
 Result<PumpTally> Pump();

 /// The wallet's address, raw form (what `wallet_messages.wallet` holds).
 [[nodiscard]] const std::string& address() const noexcept { return address_; }
 [[nodiscard]] const PlatformWallet& wallet() const noexcept { return wallet_; }

private:
    struct Row;
    Result<void> Reconcile(const std::vector<Row>& rows, bool refused, const std::string& send_error, PumpTally& tally);
    Result<std::optional<ports::ChainTransaction>> FindExternal(const std::string& ext_hash, std::uint64_t after_lt);
    void Requeue(const Row& row, const std::string& why, PumpTally& tally);

    ports::Store& store_;
    ports::Chain& chain_;
    const ports::Clock& clock_;
    PlatformWallet wallet_;
    SenderSettings settings_;
    lease::Lease* lease_;
    std::string address_;
    std::mutex pump_mutex_;
};

}  // namespace onton::wallet
