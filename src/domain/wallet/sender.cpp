#include "domain/wallet/sender.hpp"

#include <algorithm>
#include <limits>

#include "common/backoff.hpp"
#include "ton/boc.hpp"
#include "ton/codec.hpp"
#include "ton/comment.hpp"

namespace onton::wallet {
namespace {

using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;

constexpr std::string_view kInsertSql = R"(
INSERT INTO wallet_messages (wallet, idempotency_key, destination, amount, bounce, body_boc, init_boc, state,
                             created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, 'queued', $8, $8)
ON CONFLICT (wallet, idempotency_key) DO NOTHING)";
constexpr std::string_view kRowColumns =
    "message_id, destination, amount, bounce, body_boc, init_boc, attempts, seqno, valid_until, ext_hash, after_lt";
constexpr std::string_view kMarkSentSql = R"(
UPDATE wallet_messages SET state = 'sent', seqno = $2, valid_until = $3, ext_hash = $4, after_lt = $6,
                           attempts = attempts + 1, last_error = NULL, updated_at = $5
WHERE message_id = $1 AND state = 'queued')";

Error InvalidMessage(const std::string& why) { return Error{"wallet.invalid_message", why}; }

std::string Base64Boc(const ton::CellPtr& cell) { return ton::ToBase64(ton::SerializeBoc(cell)); }

Result<ton::CellPtr> CellOf(const std::optional<std::string>& boc) {
    if (!boc) return ton::CellPtr{};
    auto roots = ton::ParseBocText(*boc);
    if (!roots) return roots.error();
    if (roots->size() != 1) return InvalidMessage("a stored BOC must have one root");
    return roots->front();
}

bool SameHash(const std::string& a, const std::string& b) {
    const auto x = ton::FromBase64(a);
    const auto y = ton::FromBase64(b);
    return x && y && *x == *y;
}

bool SameAddress(const std::string& a, const std::string& b) {
    const auto x = ton::ParseAddress(a);
    const auto y = ton::ParseAddress(b);
    return x && y && x->address == y->address;
}

MessageState StateOf(const std::string& text) {
    if (text == "sent") return MessageState::kSent;
    if (text == "confirmed") return MessageState::kConfirmed;
    if (text == "failed") return MessageState::kFailed;
    return MessageState::kQueued;
}

}  // namespace

std::string_view MessageStateName(MessageState state) {
    switch (state) {
        case MessageState::kQueued:
            return "queued";
        case MessageState::kSent:
            return "sent";
        case MessageState::kConfirmed:
            return "confirmed";
        case MessageState::kFailed:
            break;
    }
    return "failed";
}

struct WalletSender::Row {
    std::int64_t id = 0;
    std::string destination;
    std::uint64_t amount = 0;
    bool bounce = true;
    std::optional<std::string> body_boc;
    std::optional<std::string> init_boc;
    std::int64_t attempts = 0;
    std::uint32_t seqno = 0;
    std::int64_t valid_until = 0;
    std::string ext_hash;
    std::uint64_t after_lt = 0;

    static Row From(const std::vector<ports::SqlValue>& r) {
        Row row;
        row.id = AsInt(r[0]);
        row.destination = AsText(r[1]);
        row.amount = static_cast<std::uint64_t>(AsInt(r[2]));
        row.bounce = AsInt(r[3]) != 0;
        row.body_boc = AsOptionalText(r[4]);
        row.init_boc = AsOptionalText(r[5]);
        row.attempts = AsInt(r[6]);
        row.seqno = static_cast<std::uint32_t>(AsOptionalInt(r[7]).value_or(0));
        row.valid_until = AsOptionalInt(r[8]).value_or(0);
        row.ext_hash = AsOptionalText(r[9]).value_or("");
        row.after_lt = static_cast<std::uint64_t>(AsOptionalInt(r[10]).value_or(0));
        return row;
    }

    [[nodiscard]] Result<ton::OutMessage> Build(std::uint8_t mode) const {
        auto destination_address = ton::ParseAddress(destination);
        if (!destination_address) return destination_address.error();
        auto body = CellOf(body_boc);
        if (!body) return body.error();
        ton::OutMessage out;
        out.mode = mode;
        out.message.destination = destination_address->address;
        out.message.value = ton::Nanotons{amount};
        out.message.bounce = bounce;
        out.message.body = *body;
        if (init_boc) {
            auto init_cell = CellOf(init_boc);
            if (!init_cell) return init_cell.error();
            auto init = ton::ParseStateInit(*init_cell);
            if (!init) return init.error();
            out.message.init = *init;
        }
        return out;
    }
};

WalletSender::WalletSender(ports::Store& store,
                           ports::Chain& chain,
                           const ports::Clock& clock,
                           PlatformWallet wallet,
                           SenderSettings settings,
                           lease::Lease* lease)
    : store_(store),
      chain_(chain),
      clock_(clock),
      wallet_(std::move(wallet)),
      settings_(settings),
      lease_(lease),
      address_(wallet_.address.ToRaw()) {
    const std::size_t limit = wallet_.spec.version == ton::WalletVersion::kV4R2 ? 4 : 255;
    settings_.max_batch = std::clamp<std::size_t>(settings_.max_batch, 1, limit);
}

Result<std::int64_t> WalletSender::Enqueue(ports::Transaction& tx, const Outgoing& message) const {
    if (message.idempotency_key.empty()) return InvalidMessage("an idempotency key is required");
    auto destination = ton::ParseAddress(message.destination);
    if (!destination) return InvalidMessage("destination: " + destination.error().message);
    ton::CellPtr body = message.body;
    if (!body && !message.comment.empty()) {
        auto comment = ton::BuildComment(message.comment);
        if (!comment) return InvalidMessage("comment: " + comment.error().message);
        body = *comment;
    }
    std::optional<std::string> init_boc;
    if (message.init) {
        auto init = ton::BuildStateInit(*message.init);
        if (!init) return InvalidMessage("state init: " + init.error().message);
        init_boc = Base64Boc(*init);
    }
    // The wallet must be able to carry it: build it once now rather than fail at send time.
    ton::InternalMessage probe{destination->address, message.amount, message.bounce, message.init, body};
    if (auto built = ton::BuildInternalMessage(probe); !built) return InvalidMessage(built.error().message);
    if (message.amount.value > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        return InvalidMessage("amount too large");
    }
    tx.Execute(kInsertSql,
               {address_, message.idempotency_key, destination->address.ToRaw(),
                static_cast<std::int64_t>(message.amount.value), std::int64_t{message.bounce ? 1 : 0},
                body ? ports::SqlValue(Base64Boc(body)) : ports::SqlValue(std::monostate{}),
                init_boc ? ports::SqlValue(*init_boc) : ports::SqlValue(std::monostate{}), clock_.NowUnix()});
    const auto rs = tx.Execute("SELECT message_id FROM wallet_messages WHERE wallet = $1 AND idempotency_key = $2",
                               {address_, message.idempotency_key});
    return AsInt(rs.rows.at(0)[0]);
}

Result<std::int64_t> WalletSender::Enqueue(const Outgoing& message) const {
    return store_.Transact([&](ports::Transaction& tx) { return Enqueue(tx, message); });
}

std::optional<MessageStatus> WalletSender::Status(ports::Transaction& tx, std::int64_t id) const {
    const auto rs = tx.Execute(
        "SELECT state, attempts, seqno, tx_hash, last_error FROM wallet_messages WHERE message_id = $1", {id});
    if (rs.empty()) return std::nullopt;
    const auto& r = rs.rows[0];
    MessageStatus status;
    status.id = id;
    status.state = StateOf(AsText(r[0]));
    status.attempts = AsInt(r[1]);
    if (const auto seqno = AsOptionalInt(r[2])) status.seqno = static_cast<std::uint32_t>(*seqno);
    status.tx_hash = AsOptionalText(r[3]).value_or("");
    status.last_error = AsOptionalText(r[4]).value_or("");
    return status;
}

std::optional<MessageStatus> WalletSender::Status(std::int64_t id) const {
    return store_.Transact([&](ports::Transaction& tx) { return Status(tx, id); }, {.read_only = true});
}

Result<PumpTally> WalletSender::Pump() {
    std::lock_guard lock(pump_mutex_);
    PumpTally tally;
    // Another process signs for this wallet now: reading the rows it has in flight could only race it.
    if (lease_ != nullptr && !lease_->Acquire()) return tally;
    auto load = [&](std::string_view where, const ports::SqlParams& params) {
        return store_.Transact(
            [&](ports::Transaction& tx) {
                std::vector<Row> rows;
                const auto rs = tx.Execute("SELECT " + std::string(kRowColumns) + " FROM wallet_messages WHERE " +
                                               std::string(where) + " ORDER BY message_id",
                                           params);
                for (const auto& r : rs.rows) rows.push_back(Row::From(r));
                return rows;
            },
            {.read_only = true});
    };
    const auto in_flight = load("wallet = $1 AND state = 'sent'", {address_});
    if (!in_flight.empty()) {
        if (auto done = Reconcile(in_flight, false, "", tally); !done) return done.error();
        if (!load("wallet = $1 AND state = 'sent'", {address_}).empty()) return tally;  // still waiting
    }
    const auto now = clock_.NowUnix();
    auto due = load("wallet = $1 AND state = 'queued' AND next_attempt_at <= $2", {address_, now});
    if (due.empty()) return tally;
    if (due.size() > settings_.max_batch) due.resize(settings_.max_batch);

    auto info = chain_.GetWalletInfo(address_);
    if (!info) return info.error();
    ton::TransferRequest request;
    request.seqno = info->seqno;
    request.valid_until = static_cast<std::uint32_t>(now + settings_.valid_for_seconds);
    std::vector<Row> batch;
    for (const auto& row : due) {
        auto out = row.Build(settings_.send_mode);
        if (!out) {  // a row that cannot be built never will be: fail it alone
            store_.InTransaction([&](ports::Transaction& tx) {
                tx.Execute("UPDATE wallet_messages SET state = 'failed', last_error = $2, updated_at = $3 "
                           "WHERE message_id = $1",
                           {row.id, out.error().message, now});
            });
            ++tally.failed;
            continue;
        }
        request.messages.push_back(*out);
        batch.push_back(row);
    }
    if (batch.empty()) return tally;
    auto signed_external = ton::BuildTransfer(wallet_.spec, wallet_.keys, request);
    if (!signed_external) return signed_external.error();
    const auto ext_hash = ton::ToBase64(signed_external->hash);
    // The intent is durable before the broadcast: a crash after it is resolved from the chain by seqno and
    // hash. It commits only while this process still holds the wallet's lease: a sender that stalled past its
    // expiry (and whose rows another holder may have signed with this very seqno since) sends nothing.
    bool lease_lost = false;
    store_.InTransaction([&](ports::Transaction& tx) {
        if (lease_ != nullptr && !lease_->Renew(tx)) {
            lease_lost = true;
            return;
        }
        for (auto& row : batch) {
            tx.Execute(kMarkSentSql, {row.id, std::int64_t{request.seqno}, std::int64_t{request.valid_until}, ext_hash, now,
                        static_cast<std::int64_t>(info->last_tx.lt)});
        }
    });
    if (lease_lost) {
        return Error{"wallet.lease_lost",
                     "the wallet's lease " + lease_->name() + " passed to another process"};
    }
    for (auto& row : batch) {
        row.seqno = request.seqno;
        row.valid_until = request.valid_until;
        row.ext_hash = ext_hash;
        row.after_lt = info->last_tx.lt;
        ++row.attempts;
    }
    tally.sent += static_cast<std::int64_t>(batch.size());
    auto sent = chain_.SendMessage(signed_external->boc_base64);
    const bool refused = !sent && sent.error().code == "chain.rejected";
    if (auto done = Reconcile(batch, refused, sent ? "" : sent.error().message, tally); !done) return done.error();
    return tally;
}

Result<void> WalletSender::Reconcile(const std::vector<Row>& rows,
                                     bool refused,
                                     const std::string& send_error,
                                     PumpTally& tally) {
    auto info = chain_.GetWalletInfo(address_);
    if (!info) return info.error();
    const auto now = clock_.NowUnix();
    // Rows of one external share seqno and hash; rows from different pumps cannot be in flight together.
    const auto& first = rows.front();
    if (info->seqno <= first.seqno) {
        if (refused) {
            for (const auto& row : rows) Requeue(row, "the external message was refused: " + send_error, tally);
        } else if (now > first.valid_until + settings_.grace_seconds) {
            for (const auto& row : rows) Requeue(row, "the external message expired unseen", tally);
        }
        return Ok();
    }
    auto found = FindExternal(first.ext_hash, first.after_lt);
    if (!found) return found.error();
    if (!*found) {
        // The seqno moved on without our external: it can never land now, so signing again is safe.
        for (const auto& row : rows) Requeue(row, "seqno " + std::to_string(first.seqno) + " was used by another external", tally);
        return Ok();
    }
    const auto& transaction = **found;
    for (const auto& row : rows) {
        const bool carried = std::any_of(transaction.out_msgs.begin(), transaction.out_msgs.end(), [&](const auto& m) {
            return m.value_nanotons == row.amount && SameAddress(m.destination, row.destination);
        });
        if (!carried) {
            // The wallet accepted the external but skipped this message (mode IGNORE_ERRORS, e.g. low balance).
            Requeue(row, "the wallet's transaction did not send this message", tally);
            continue;
        }
        store_.InTransaction([&](ports::Transaction& tx) {
            tx.Execute(
                "UPDATE wallet_messages SET state = 'confirmed', tx_hash = $2, last_error = NULL, "
                "updated_at = $3 WHERE message_id = $1 AND state = 'sent' AND ext_hash = $4",
                {row.id, transaction.id.hash, now, row.ext_hash});
        });
        ++tally.confirmed;
    }
    return Ok();
}

Result<std::optional<ports::ChainTransaction>> WalletSender::FindExternal(const std::string& ext_hash,
                                                                          std::uint64_t after_lt) {
    ports::TransactionsQuery query;
    query.address = address_;
    query.limit = settings_.history_page;
    query.after_lt = after_lt;
    // Every transaction after the one the wallet had before the send: the external, if it landed, is among them.
    for (std::uint32_t page = 0;; ++page) {
        if (page == settings_.history_pages) {
            return Error{"chain.bad_response", "too many wallet transactions to look through for an external"};
        }
        auto transactions = chain_.GetTransactions(query);
        if (!transactions) return transactions.error();
        for (auto& t : *transactions) {
            if (t.in_msg && t.in_msg->IsExternalIn() && SameHash(t.in_msg->hash, ext_hash)) {
                return std::optional<ports::ChainTransaction>(std::move(t));
            }
        }
        if (transactions->size() < query.limit) break;
        query.before = transactions->back().id;
    }
    return std::optional<ports::ChainTransaction>{};
}

void WalletSender::Requeue(const Row& row, const std::string& why, PumpTally& tally) {
    const auto now = clock_.NowUnix();
    const bool give_up = row.attempts >= settings_.max_attempts;
    const auto backoff = BackoffSeconds(row.attempts, settings_.initial_backoff_seconds, settings_.max_backoff_seconds);
    // Only the attempt this step looked at: a step that stalled past the wallet's lease may hold a stale
    // snapshot of a row the next holder has signed again since (another ext_hash, maybe already landed).
    // Putting that row back in the queue would sign it a second time.
    const auto changed = store_.Transact([&](ports::Transaction& tx) {
        return tx
            .Execute(
                "UPDATE wallet_messages SET state = $2, next_attempt_at = $3, last_error = $4, "
                "updated_at = $5 WHERE message_id = $1 AND state = 'sent' AND ext_hash = $6",
                {row.id, std::string(give_up ? "failed" : "queued"), now + backoff, why, now, row.ext_hash})
            .rows_affected;
    });
    if (changed == 0) return;
    ++(give_up ? tally.failed : tally.retried);
}

}  // namespace onton::wallet
