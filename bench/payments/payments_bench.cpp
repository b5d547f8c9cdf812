// bench/payments: how many incoming transfers per second the payment watcher matches to their orders.
//
//   onton_payments_bench DATABASE_URL [PAYMENTS=20000] [PAGE=100]
//
// Migrates the database, seeds PAYMENTS unpaid orders of one ticket type (1 TON each, one seat, each with its
// own payment comment), then serves the platform wallet's history, PAYMENTS transfers of exactly 1 TON with
// those comments, from an in-memory chain (so the figure is the watcher and the database, not an emulator),
// and times PaymentWatcher::Poll until every transfer is applied. Afterwards SQL checks that each transfer
// was recorded once and paid its order, each order has its ticket and its `order.paid` message, and the seat
// counters add up; a broken invariant prints FAIL instead of the figure. Prints `key=value` lines; exits 0, 1
// on a broken invariant, 2 on bad arguments. bench/payments/run.sh runs it on PostgreSQL (beside pgbench
// running the same SQL naively) and SQLite.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "adapters/storage/store_factory.hpp"
#include "adapters/system/system.hpp"
#include "common/encoding.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/watcher.hpp"
#include "ports/chain.hpp"
#include "ton/address.hpp"
#include "ton/codec.hpp"

namespace {

using onton::Error;
using onton::Result;
namespace ports = onton::ports;

constexpr std::int64_t kPrice = 1'000'000'000;  // 1 TON
constexpr std::int64_t kBuyers = 1000;

/// The platform wallet's history, newest first with lt paging, as toncenter serves it.
class MemoryChain final : public ports::Chain {
   public:
    MemoryChain(std::string wallet, std::string payer)
        : wallet_(std::move(wallet)), payer_(std::move(payer)) {}

    void Receive(std::string comment, std::uint64_t value) {
        ports::ChainTransaction t;
        t.account = wallet_;
        t.id.lt = 1000 * (history_.size() + 1);
        t.id.hash = onton::ton::ToBase64(
            *onton::ton::FromHex(onton::Sha256Hex(wallet_ + ":" + std::to_string(t.id.lt))));
        t.utime = 1'700'000'000;
        ports::ChainMessage m;
        m.source = payer_;
        m.destination = wallet_;
        m.value_nanotons = value;
        m.comment = std::move(comment);
        t.in_msg = std::move(m);
        history_.push_back(std::move(t));  // oldest first, lt ascending
    }

    Result<std::vector<ports::ChainTransaction>> GetTransactions(const ports::TransactionsQuery& q) override {
        // Newest first: from just below `before` (or the newest) down to, not including, after_lt.
        auto end = history_.end();
        if (q.before) {
            end = std::lower_bound(
                history_.begin(),
                history_.end(),
                q.before->lt,
                [](const ports::ChainTransaction& t, std::uint64_t lt) { return t.id.lt < lt; });
        }
        std::vector<ports::ChainTransaction> out;
        for (auto it = end; it != history_.begin() && out.size() < q.limit;) {
            --it;
            if (it->id.lt <= q.after_lt) break;
            out.push_back(*it);
        }
        return out;
    }
    Result<ports::SentMessage> SendMessage(std::string_view) override {
        return Error{"chain.rejected", "bench"};
    }
    Result<ports::GetMethodResult> RunGetMethod(std::string_view,
                                                std::string_view,
                                                const std::vector<ports::StackEntry>&) override {
        return Error{"chain.rejected", "bench"};
    }
    Result<ports::AccountState> GetAccountState(std::string_view) override { return ports::AccountState{}; }
    Result<ports::WalletInfo> GetWalletInfo(std::string_view) override { return ports::WalletInfo{}; }

   private:
    std::string wallet_;
    std::string payer_;
    std::vector<ports::ChainTransaction> history_;
};

std::int64_t Count(ports::Store& store, const std::string& sql, ports::SqlParams params = {}) {
    return store.Transact(
        [&](ports::Transaction& tx) { return ports::AsInt(tx.Execute(sql, params).rows.at(0)[0]); },
        {.read_only = true});
}

/// Users, a published event, one ticket type with `payments` seats all reserved, and `payments` unpaid orders
/// with comments bench-1 ... bench-N; returns the ticket type's id.
std::int64_t Seed(ports::Store& store, std::int64_t payments, std::int64_t now, const std::string& salt) {
    return store.Transact([&](ports::Transaction& tx) {
        tx.Execute(
            "INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES (1, 'organizer', "
            "'organizer', $1, $1) ON CONFLICT (user_id) DO NOTHING",
            {now});
        for (std::int64_t from = 0; from < kBuyers; from += 250) {
            std::string sql = "INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES ";
            for (std::int64_t i = from; i < from + 250; ++i) {
                sql += (i > from ? ", (" : "(") + std::to_string(1001 + i) + ", 'buyer', " +
                       std::to_string(now) + ", " + std::to_string(now) + ")";
            }
            tx.Execute(sql + " ON CONFLICT (user_id) DO NOTHING");
        }
        const auto event_uuid = "bench-" + salt;
        tx.Execute(
            "INSERT INTO events (event_uuid, owner_id, title, description, location, start_date, end_date, "
            "participation_type, status, created_at, updated_at) VALUES ($1, 1, 'Payments', '', 'Loopback', "
            "$2, $3, 'in_person', 'published', $4, $4)",
            {event_uuid, now + 86400, now + 90000, now});
        const auto event_id = ports::AsInt(
            tx.Execute("SELECT event_id FROM events WHERE event_uuid = $1", {event_uuid}).rows.at(0)[0]);
        tx.Execute(
            "INSERT INTO ticket_types (event_id, name, price, supply, reserved, created_at, updated_at) "
            "VALUES ($1, 'Paid', $2, $3, $3, $4, $4)",
            {event_id, kPrice, payments, now});
        const auto type_id =
            ports::AsInt(tx.Execute("SELECT ticket_type_id FROM ticket_types WHERE event_id = $1", {event_id})
                             .rows.at(0)[0]);
        constexpr std::int64_t kRows = 200;
        for (std::int64_t from = 0; from < payments; from += kRows) {
            std::string sql =
                "INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, "
                "type, "
                "payment_comment, expires_at, created_at, updated_at, currency) VALUES ";
            ports::SqlParams params;
            const auto to = std::min(payments, from + kRows);
            for (std::int64_t i = from; i < to; ++i) {
                const auto p = [&](int k) { return "$" + std::to_string((i - from) * 3 + k); };
                sql += (i > from ? ", (" : "(") + p(1) + ", " + p(2) + ", " + std::to_string(event_id) +
                       ", " + std::to_string(type_id) + ", 1, " + std::to_string(kPrice) +
                       ", 'created', 'ticket', " + p(3) + ", " + std::to_string(now + 86400) + ", " +
                       std::to_string(now) + ", " + std::to_string(now) + ", 'TON')";
                params.emplace_back(salt + "-order-" + std::to_string(i + 1));
                params.emplace_back(std::int64_t{1001 + i % kBuyers});
                params.emplace_back(salt + "-" + std::to_string(i + 1));
            }
            tx.Execute(sql, params);
        }
        return type_id;
    });
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << "usage: onton_payments_bench DATABASE_URL [PAYMENTS=20000] [PAGE=100]\n";
        return 2;
    }
    const std::string url = argv[1];
    const std::int64_t payments = argc > 2 ? std::stoll(argv[2]) : 20000;
    const auto page = static_cast<std::uint32_t>(argc > 3 ? std::stoul(argv[3]) : 100);
    if (payments < 1 || page < 1 || page > 100) {
        std::cerr << "PAYMENTS must be positive and PAGE 1..100\n";
        return 2;
    }
    onton::storage::StoreSettings store_settings;
    store_settings.url = url;
    auto store = onton::storage::OpenStore(store_settings);
    (void)store->Migrate();

    onton::system::SystemClock clock;
    onton::system::SystemRandom random;
    const auto now = clock.NowUnix();
    const auto salt = onton::Hex(random.Bytes(4));
    const auto type_id = Seed(*store, payments, now, salt);

    const auto payer = onton::ton::ParseAddress("0:" + std::string(64, 'b'))->address.ToString();
    // Another platform wallet per run: each run starts from an empty cursor.
    const auto wallet = onton::ton::ParseAddress("0:" + onton::Sha256Hex(salt))->address.ToString();
    MemoryChain chain(wallet, payer);
    for (std::int64_t i = 1; i <= payments; ++i) chain.Receive(salt + "-" + std::to_string(i), kPrice);

    onton::orders::OrderSettings order_settings;
    order_settings.platform_wallet_address = wallet;
    onton::orders::OrderService orders(*store, clock, random, order_settings);
    onton::payments::PaymentWatcher watcher(*store, chain, orders, clock, {wallet, page, std::nullopt});

    const auto start = std::chrono::steady_clock::now();
    std::int64_t paid = 0;
    std::int64_t seen = 0;
    int passes = 0;
    while (seen < payments && passes < 1000) {
        auto tally = watcher.Poll();
        if (!tally) {
            std::cerr << "poll failed: " << tally.error().message << "\n";
            return 1;
        }
        seen += tally->seen;
        paid += tally->paid;
        ++passes;
        if (tally->seen == 0) break;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

    const auto recorded = Count(*store, "SELECT count(*) FROM transactions WHERE account = $1", {wallet});
    const auto recorded_paid =
        Count(*store, "SELECT count(*) FROM transactions WHERE account = $1 AND outcome = 'paid'", {wallet});
    const auto orders_paid =
        Count(*store, "SELECT count(*) FROM orders WHERE ticket_type_id = $1 AND state = 'paid'", {type_id});
    const auto tickets = Count(*store, "SELECT count(*) FROM tickets WHERE ticket_type_id = $1", {type_id});
    const auto announced =
        Count(*store,
              "SELECT count(*) FROM outbox o JOIN orders r ON r.uuid = o.message_key WHERE "
              "o.topic = 'order.paid' AND r.ticket_type_id = $1",
              {type_id});
    const auto sold = Count(*store, "SELECT sold FROM ticket_types WHERE ticket_type_id = $1", {type_id});
    const auto reserved =
        Count(*store, "SELECT reserved FROM ticket_types WHERE ticket_type_id = $1", {type_id});

    std::printf(
        "payments=%lld\npasses=%d\nseconds=%.3f\n", static_cast<long long>(payments), passes, seconds);
    std::printf(
        "recorded=%lld\npaid_outcomes=%lld\norders_paid=%lld\ntickets=%lld\norder_paid_messages=%lld\n"
        "sold=%lld\nreserved=%lld\n",
        static_cast<long long>(recorded),
        static_cast<long long>(recorded_paid),
        static_cast<long long>(orders_paid),
        static_cast<long long>(tickets),
        static_cast<long long>(announced),
        static_cast<long long>(sold),
        static_cast<long long>(reserved));
    const bool ok = seen == payments && paid == payments && recorded == payments &&
                    recorded_paid == payments && orders_paid == payments && tickets == payments &&
                    announced == payments && sold == payments && reserved == 0;
    if (!ok) {
        std::printf("invariants=FAIL\nmatched_per_second=FAIL\n");
        return 1;
    }
    std::printf("invariants=ok\nmatched_per_second=%.1f\n", static_cast<double>(payments) / seconds);
    return 0;
}
