#pragma once
/// Chain port: what the platform needs from the TON blockchain (design.md §2). Send an external message, read
/// an account's transactions newest first with lt/hash paging, run a get-method, read an account's state and
/// a wallet's seqno. The production adapter is a toncenter v2 client (adapters/chain/toncenter); the embedded
/// default points the same client at tools/ton-emulator.
///
/// Addresses and BOCs are strings here: addresses as the caller or the API wrote them (raw `0:hex` or
/// user-friendly; compare them only after normalising with the ton/ library), BOCs and hashes as standard
/// base64. Amounts are nanotons in unsigned 64-bit integers (the whole TON supply fits). Every call blocks
/// the calling thread; an implementation is safe to call from several threads at once.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

namespace onton::ports {

/// One transaction of one account: logical time plus the transaction hash (base64, 32 bytes).
struct ChainTxId {
    std::uint64_t lt = 0;
    std::string hash;

    friend bool operator==(const ChainTxId&, const ChainTxId&) = default;
};

/// A message as an indexer reports it (toncenter raw.message).
struct ChainMessage {
    std::string hash;         ///< base64 representation hash of the message cell ("" when the API omits it)
    std::string source;       ///< "" for an external-in message
    std::string destination;  ///< "" for an external-out message
    std::uint64_t value_nanotons = 0;
    std::uint64_t fwd_fee_nanotons = 0;
    std::uint64_t created_lt = 0;
    std::string body_hash;  ///< base64
    /// The text comment (op 0 + UTF-8 snake text), exactly as its bytes were sent; nullopt for any other
    /// body.
    std::optional<std::string> comment;
    /// base64 BOC of the body when it is not a text comment ("" otherwise or when the API did not send it).
    std::string body_boc;
    std::string init_state_boc;  ///< base64 StateInit BOC carried by the message, "" when none

    [[nodiscard]] bool IsExternalIn() const noexcept { return source.empty(); }
};

/// One executed transaction (toncenter raw.transaction).
struct ChainTransaction {
    std::string account;  ///< address of the account the transaction belongs to, as the API wrote it
    ChainTxId id;
    std::int64_t utime = 0;  ///< unix seconds
    std::uint64_t fee_nanotons = 0;
    std::uint64_t storage_fee_nanotons = 0;
    std::optional<ChainMessage> in_msg;  ///< nullopt for tick-tock and similar transactions without one
    std::vector<ChainMessage> out_msgs;
    /// base64 BOC of the whole transaction (compute phase, bounce, aborted), "" if absent.
    std::string data_boc;
};

/// Which transactions of `address` to read. Results are newest first.
struct TransactionsQuery {
    std::string address;
    std::uint32_t limit = 10;  ///< 1..100
    /// Paging: only transactions strictly older than this one (the last of the previous page). nullopt = from
    /// the newest.
    std::optional<ChainTxId> before;
    /// Only transactions with lt > after_lt (an exclusive lower bound, e.g. a stored cursor); 0 = no bound.
    std::uint64_t after_lt = 0;
    bool archival = false;
};

/// One TVM stack entry of a get-method's arguments or result.
struct StackEntry {
    enum class Kind { kNum, kCell, kSlice, kTuple, kNull, kUnsupported };
    Kind kind = Kind::kNull;
    /// kNum: the integer as toncenter writes it: `0x1f`, `-0x1f` (results), or decimal (arguments may use
    /// either). Integers are up to 257 bits, hence a string; see AsInt64.
    std::string number;
    std::string boc;                ///< kCell, kSlice: base64 BOC
    std::vector<StackEntry> items;  ///< kTuple

    static StackEntry Num(std::string number_text);
    static StackEntry Cell(std::string boc_base64);
    static StackEntry Slice(std::string boc_base64);

    /// The kNum value when it fits in int64 (hex with 0x or decimal, optional minus); nullopt otherwise.
    [[nodiscard]] std::optional<std::int64_t> AsInt64() const;
};

struct GetMethodResult {
    std::int32_t exit_code = 0;  ///< 0 or 1 is success; anything else is the TVM's exit code
    std::uint64_t gas_used = 0;
    std::vector<StackEntry> stack;
};

enum class AccountStatus { kUninit, kActive, kFrozen };

struct AccountState {
    std::uint64_t balance_nanotons = 0;
    AccountStatus status = AccountStatus::kUninit;
    std::string code_boc;  ///< base64, "" unless active
    std::string data_boc;  ///< base64, "" unless active
    ChainTxId last_tx;     ///< lt 0 for an account without transactions
    std::int64_t sync_utime = 0;
};

struct WalletInfo {
    bool is_wallet =
        false;  ///< false when the code is not a wallet the API recognises; the rest is then unset
    std::string wallet_type;  ///< e.g. `wallet v4 r2`, `wallet v5 r1`
    std::uint32_t seqno = 0;
    std::int64_t wallet_id = 0;
    std::uint64_t balance_nanotons = 0;
    AccountStatus status = AccountStatus::kUninit;
    ChainTxId last_tx;
};

/// What the API says about an accepted external message.
struct SentMessage {
    std::string hash;       ///< base64 representation hash of the external message
    std::string hash_norm;  ///< base64 TEP-467 normalized hash, "" when the API does not report it
};

/// Errors (Error::code): `chain.unavailable` (network, timeout, 5xx after retries), `chain.rate_limited` (429
/// after retries), `chain.bad_response` (not the JSON the API promises), `chain.rejected` (the API refused
/// the request: an external message the contract did not accept, a malformed address or BOC, a bad API key).
/// Details carry `http_status` and the API's own `error` text where there was one.
class Chain {
   public:
    virtual ~Chain() = default;

    /// Broadcasts an external-in message (base64 BOC). Sending the same message twice is harmless (the
    /// wallet's seqno refuses the replay), so a caller that got `chain.unavailable` may retry; a
    /// `chain.rejected` after such a retry may mean the first attempt landed, which the caller confirms by
    /// reading transactions.
    virtual Result<SentMessage> SendMessage(std::string_view boc_base64) = 0;

    /// Transactions of one account, newest first; at most query.limit of them.
    virtual Result<std::vector<ChainTransaction>> GetTransactions(const TransactionsQuery& query) = 0;

    /// Runs a get-method by name on the account's current state. A non-zero exit code is a result, not an
    /// error.
    virtual Result<GetMethodResult> RunGetMethod(std::string_view address,
                                                 std::string_view method,
                                                 const std::vector<StackEntry>& stack) = 0;

    virtual Result<AccountState> GetAccountState(std::string_view address) = 0;

    /// Wallet type, seqno and wallet id of a wallet contract (seqno 0 for a wallet that is not deployed yet).
    virtual Result<WalletInfo> GetWalletInfo(std::string_view address) = 0;
};

}  // namespace onton::ports
