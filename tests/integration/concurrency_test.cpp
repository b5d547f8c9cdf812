// OrderService under real concurrency on both stores: the last seats of a ticket type raced for by threads
// and by separate processes, each race run a second time with the oversell guard switched off (the test-only
// OrderSettings::unsafe_disable_oversell_guard, on the same purchase path) to prove that the race is real and
// that the test catches it; expiry sweepers racing each other and payments, simultaneous scans of one ticket,
// and simultaneous retries under one Idempotency-Key.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <latch>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "adapters/storage/store_factory.hpp"
#include "adapters/system/system.hpp"
#include "domain/events/events.hpp"
#include "domain/orders/orders.hpp"
#include "support/fakes.hpp"
#include "support/pg_database.hpp"
#include "support/process.hpp"
#include "support/principal.hpp"

namespace onton::orders {
namespace {

using nlohmann::json;
using test::As;

constexpr std::int64_t kDay = 86400;
constexpr std::int64_t kOwner = 100;
constexpr std::int64_t kStaff = 101;
constexpr std::int64_t kFiller = 102;  ///< holds the seats already taken before a race
constexpr std::int64_t kFirstBuyer = 1000;

constexpr std::int64_t kSupply = 50;
constexpr std::int64_t kTaken = 45;  ///< taken before the race: 5 orders of 9 seats, 2 of them paid
constexpr std::int64_t kRemaining = kSupply - kTaken;
constexpr int kThreads = 32;
constexpr int kAttemptsPerThread = 3;
constexpr int kPoolSize = 16;
constexpr int kReplicas =
    4;  ///< OrderServices sharing the store in a thread race, as replicas of `onton serve`
constexpr int kGuardOffRounds = 3;  ///< a guard-off race is run again (on a fresh event) until it oversells
constexpr int kChildren = 6;        ///< buyer processes in a process race ...
constexpr std::int64_t kBuyersPerChild = 5;  ///< ... each buying for this many buyers ...
constexpr int kAttemptsPerBuyer = 2;         ///< ... this many times

/// What the racing buyers saw.
struct Tally {
    std::int64_t placed = 0;
    std::int64_t sold_out = 0;
    std::int64_t other = 0;
    std::map<std::string, std::int64_t> other_codes;
};

/// The figures of one ticket type that the invariants speak about.
struct Seats {
    std::int64_t supply = 0;
    std::int64_t sold = 0;
    std::int64_t reserved = 0;
    std::int64_t live_quantity = 0;  ///< SUM(quantity) of its created|paid orders
    std::int64_t orders = 0;         ///< all its orders, whatever the state
};

/// One child process's report through the pipe: a fixed-size record, written in one write() (atomic below PIPE_BUF).
struct ChildReport {
    std::int64_t child = 0;
    std::int64_t placed = 0;
    std::int64_t sold_out = 0;
    std::int64_t other = 0;
};

/// What one race for the last seats ended with.
struct RaceOutcome {
    std::int64_t placed = 0;
    std::int64_t sold_out = 0;
    std::int64_t other = 0;
    std::string described;  ///< the buyers' tally, for messages
    Seats seats;
};

std::string Key(std::int64_t buyer, int attempt) { return "race-" + std::to_string(buyer) + "-" + std::to_string(attempt); }

class Concurrency : public ::testing::TestWithParam<std::string> {
protected:
    void SetUp() override {
        if (GetParam() == "postgres") {
            pg_ = std::make_unique<test::PgDatabase>();
            url_ = pg_->url();
        } else {
            url_ = "sqlite://" + (dir_.path() / "concurrency.db").string();
        }
        OpenParentStore();
        (void)store_->Migrate();
        for (const std::int64_t id : {kOwner, kStaff, kFiller}) AddUser(id);
    }

    void OpenParentStore() {
        store_ = storage::OpenStore({.url = url_, .pool_size = kPoolSize});
        events_ = std::make_unique<events::EventService>(*store_, clock_, fake_random_);
    }

    void CloseParentStore() {
        events_.reset();
        store_.reset();
    }

    void AddUser(std::int64_t id) {
        store_->Transact([&](ports::Transaction& tx) {
            tx.Execute("INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, $2, 'user', 1, 1)",
                       {id, "U" + std::to_string(id)});
        });
    }

    void AddBuyers(std::int64_t count) {
        store_->Transact([&](ports::Transaction& tx) {
            for (std::int64_t i = 0; i < count; ++i) {
                tx.Execute(
                    "INSERT INTO users (user_id, first_name, role, created_at, updated_at) VALUES ($1, $2, 'user', 1, 1)",
                    {kFirstBuyer + i, "Buyer" + std::to_string(i)});
            }
        });
    }

    std::unique_ptr<OrderService> MakeOrders(bool unsafe = false,
                                             std::int64_t max_batch = 256,
                                             std::int64_t sold_out_hint_ms = 500) {
        OrderSettings settings;
        settings.unsafe_disable_oversell_guard = unsafe;
        settings.max_batch = max_batch;
        settings.sold_out_hint_ms = sold_out_hint_ms;
        return std::make_unique<OrderService>(*store_, clock_, system_random_, settings);
    }

    /// A published event with one ticket type; returns {event_uuid, ticket_type_id}.
    std::pair<std::string, std::int64_t> PublishedEvent(const std::string& price, std::int64_t supply) {
        const json body = {{"title", "Last seats"},
                           {"description", "A race for the last seats"},
                           {"start_date", clock_.NowUnix() + 10 * kDay},
                           {"end_date", clock_.NowUnix() + 10 * kDay + 3600},
                           {"participation_type", "in_person"},
                           {"location", "Berlin"},
                           {"category", "meetup"}};
        auto e = events_->Create(As(kOwner), body);
        EXPECT_TRUE(e) << e.error().message;
        auto t = events_->AddTicketType(As(kOwner), e->event_uuid,
                                        {{"name", "General"}, {"price", price}, {"supply", supply}});
        EXPECT_TRUE(t) << t.error().message;
        auto p = events_->Publish(As(kOwner), e->event_uuid);
        EXPECT_TRUE(p) << p.error().message;
        return {e->event_uuid, t->id};
    }

    /// The race setup: supply 50, of which 45 are taken by the filler's 5 orders of 9 (2 paid, 3 unpaid), so that
    /// both `sold` and `reserved` are in play. Leaves 5 seats.
    std::pair<std::string, std::int64_t> LastSeatsEvent() {
        const auto [event_uuid, type_id] = PublishedEvent("1000000000", kSupply);
        auto orders = MakeOrders();
        for (int i = 0; i < 5; ++i) {
            auto placed =
                orders->Place(As(kFiller),
                              {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 9}},
                              "filler-" + event_uuid + "-" + std::to_string(i));
            EXPECT_TRUE(placed) << placed.error().message;
            if (placed && i < 2) {
                EXPECT_TRUE(orders->MarkPaid(placed->order.uuid, "tx-filler-" + std::to_string(i)));
            }
        }
        const auto seats = SeatsOf(type_id);
        EXPECT_EQ(seats.sold, 18);
        EXPECT_EQ(seats.reserved, kTaken - 18);
        return {event_uuid, type_id};
    }

    Seats SeatsOf(std::int64_t type_id) {
        return store_->Transact([&](ports::Transaction& tx) {
            Seats s;
            const auto tt =
                tx.Execute("SELECT supply, sold, reserved FROM ticket_types WHERE ticket_type_id = $1", {type_id});
            s.supply = ports::AsInt(tt.rows.at(0)[0]);
            s.sold = ports::AsInt(tt.rows.at(0)[1]);
            s.reserved = ports::AsInt(tt.rows.at(0)[2]);
            s.live_quantity = ports::AsInt(tx.Execute("SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE "
                                                      "ticket_type_id = $1 AND state IN ('created', 'paid')",
                                                      {type_id})
                                               .rows.at(0)[0]);
            s.orders = ports::AsInt(
                tx.Execute("SELECT count(*) FROM orders WHERE ticket_type_id = $1", {type_id}).rows.at(0)[0]);
            return s;
        });
    }

    std::int64_t Count(const std::string& sql, const ports::SqlParams& params) {
        return store_->Transact(
            [&](ports::Transaction& tx) { return ports::AsInt(tx.Execute(sql, params).rows.at(0)[0]); });
    }

    /// 32 threads, each its own buyer, released together, each trying 3 orders of one seat; thread t buys
    /// through services[t % size].
    Tally RaceThreads(const std::vector<OrderService*>& services,
                      const std::string& event_uuid,
                      std::int64_t type_id) {
        std::vector<Tally> per_thread(kThreads);
        std::latch start(kThreads);
        std::vector<std::thread> threads;
        threads.reserve(kThreads);
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                const auto buyer = kFirstBuyer + t;
                auto& tally = per_thread[static_cast<std::size_t>(t)];
                auto& orders = *services[static_cast<std::size_t>(t) % services.size()];
                start.arrive_and_wait();
                for (int attempt = 0; attempt < kAttemptsPerThread; ++attempt) {
                    try {
                        auto placed = orders.Place(
                            As(buyer),
                            {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 1}},
                            event_uuid + Key(buyer, attempt));
                        if (placed && placed->created) {
                            ++tally.placed;
                        } else if (placed) {
                            ++tally.other;
                            ++tally.other_codes["replayed"];
                        } else if (placed.error().code == "ticket.sold_out") {
                            ++tally.sold_out;
                        } else {
                            ++tally.other;
                            ++tally.other_codes[placed.error().code];
                        }
                    } catch (const std::exception& e) {
                        ++tally.other;
                        ++tally.other_codes[std::string("exception: ") + e.what()];
                    }
                }
            });
        }
        for (auto& thread : threads) thread.join();
        Tally total;
        for (const auto& t : per_thread) {
            total.placed += t.placed;
            total.sold_out += t.sold_out;
            total.other += t.other;
            for (const auto& [code, n] : t.other_codes) total.other_codes[code] += n;
        }
        return total;
    }

    RaceOutcome ProcessRace(bool guard_off);

    /// The schema's CHECK (sold + reserved <= supply) is a second line behind the guard: with the guard off
    /// it turns the oversell into a failed write (a 500 for the buyer) instead. The guard-off controls lift
    /// it in this test's own database, so that they show what the guard alone prevents. PostgreSQL: DROP
    /// CONSTRAINT; SQLite: the CHECK is taken out of the stored schema (the writable_schema procedure SQLite
    /// documents for removing CHECK constraints), with every connection closed meanwhile.
    void LiftSeatCheck() {
        if (GetParam() == "postgres") {
            // Through the store: its connections see the schema the tables live in.
            constexpr std::string_view kFind =
                "SELECT conname FROM pg_constraint WHERE conrelid = 'ticket_types'::regclass AND contype = "
                "'c' AND "
                "pg_get_constraintdef(oid) LIKE '%sold + reserved%'";
            const auto name = store_->Transact(
                [&](ports::Transaction& tx) { return ports::AsText(tx.Execute(kFind).rows.at(0)[0]); });
            store_->Transact([&](ports::Transaction& tx) {
                tx.Execute("ALTER TABLE ticket_types DROP CONSTRAINT \"" + name + "\"");
            });
            EXPECT_TRUE(store_->Transact([&](ports::Transaction& tx) { return tx.Execute(kFind).empty(); }));
            return;
        }
        CloseParentStore();
        sqlite3* db = nullptr;
        ASSERT_EQ(sqlite3_open((dir_.path() / "concurrency.db").c_str(), &db), SQLITE_OK);
        const auto exec = [db](const std::string& sql) {
            char* error = nullptr;
            const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
            EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (error != nullptr ? error : "");
            sqlite3_free(error);
        };
        exec("BEGIN IMMEDIATE");
        exec("PRAGMA writable_schema = ON");
        exec(
            "UPDATE sqlite_schema SET sql = replace(sql, 'CHECK (supply IS NULL OR sold + reserved <= "
            "supply),', '') "
            "WHERE type = 'table' AND name = 'ticket_types'");
        EXPECT_EQ(sqlite3_changes(db), 1);
        sqlite3_stmt* version = nullptr;
        ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA schema_version", -1, &version, nullptr), SQLITE_OK);
        ASSERT_EQ(sqlite3_step(version), SQLITE_ROW);
        const auto next = sqlite3_column_int64(version, 0) + 1;
        sqlite3_finalize(version);
        exec("PRAGMA schema_version = " + std::to_string(next));
        exec("PRAGMA writable_schema = OFF");
        exec("COMMIT");
        sqlite3_close(db);
        OpenParentStore();
        const auto sql = store_->Transact([](ports::Transaction& tx) {
            return ports::AsText(
                tx.Execute("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'ticket_types'")
                    .rows.at(0)[0]);
        });
        EXPECT_EQ(sql.find("sold + reserved <= supply"), std::string::npos) << sql;
    }

    /// The last-seats race of threads: a fresh event with 5 of 50 seats left, `replicas` OrderServices
    /// (batching up to `max_batch`; the guard on or off) sharing the store, the 32 buyers of RaceThreads.
    RaceOutcome ThreadRace(bool guard_off, int replicas, std::int64_t max_batch) {
        const auto [event_uuid, type_id] = LastSeatsEvent();
        std::vector<std::unique_ptr<OrderService>> owned;
        std::vector<OrderService*> services;
        for (int i = 0; i < replicas; ++i) {
            owned.push_back(MakeOrders(guard_off, max_batch));
            services.push_back(owned.back().get());
        }
        const auto tally = RaceThreads(services, event_uuid, type_id);
        return RaceOutcome{tally.placed, tally.sold_out, tally.other, Describe(tally), SeatsOf(type_id)};
    }

    static std::string Describe(const Tally& tally) {
        std::string out = "placed=" + std::to_string(tally.placed) + " sold_out=" + std::to_string(tally.sold_out) +
                          " other=" + std::to_string(tally.other);
        for (const auto& [code, n] : tally.other_codes) out += " [" + code + "]x" + std::to_string(n);
        return out;
    }

    /// `count` unpaid single-seat orders, one per buyer (buyers must exist); returns their uuids in creation order.
    std::vector<std::string> UnpaidOrders(OrderService& orders,
                                          const std::string& event_uuid,
                                          std::int64_t type_id,
                                          std::int64_t count) {
        std::vector<std::string> uuids;
        for (std::int64_t i = 0; i < count; ++i) {
            auto placed = orders.Place(As(kFirstBuyer + i),
                                       {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 1}},
                                       "unpaid-" + std::to_string(i));
            EXPECT_TRUE(placed) << placed.error().message;
            if (placed) uuids.push_back(placed->order.uuid);
        }
        return uuids;
    }

    test::TempDir dir_;
    std::unique_ptr<test::PgDatabase> pg_;
    std::string url_;
    std::unique_ptr<ports::Store> store_;
    test::FakeClock clock_;
    test::FakeRandom fake_random_;
    system::SystemRandom system_random_;
    std::unique_ptr<events::EventService> events_;
};

std::string Report(const std::string& race, const std::string& store, const RaceOutcome& r) {
    return "[" + race + ", " + store + "] " + r.described + " supply=" + std::to_string(r.seats.supply) +
           " sold=" + std::to_string(r.seats.sold) + " reserved=" + std::to_string(r.seats.reserved) +
           " live_quantity=" + std::to_string(r.seats.live_quantity) + " (" + std::to_string(kRemaining) +
           " seats were left)";
}

/// With the guard on: exactly the seats left were sold, everyone else heard ticket.sold_out, and the books
/// hold.
void ExpectNoOversell(const RaceOutcome& r, std::int64_t attempts) {
    EXPECT_EQ(r.placed, kRemaining) << r.described;
    EXPECT_EQ(r.sold_out, attempts - kRemaining) << r.described;
    EXPECT_EQ(r.other, 0) << r.described;
    EXPECT_EQ(r.seats.sold + r.seats.reserved, kSupply);
    EXPECT_LE(r.seats.sold + r.seats.reserved, r.seats.supply);
    EXPECT_EQ(r.seats.live_quantity, r.seats.sold + r.seats.reserved);
    EXPECT_EQ(r.seats.orders - 5, r.placed) << "the filler's 5 orders plus one per success";
}

/// With the guard off the same race oversells: more orders than seats, and sold + reserved past the supply
/// (the counters themselves stay consistent with the orders: only the guard is gone).
bool Oversold(const RaceOutcome& r) {
    return r.placed > kRemaining && r.seats.sold + r.seats.reserved > r.seats.supply;
}
void ExpectOversellCaught(const RaceOutcome& r) {
    EXPECT_TRUE(Oversold(r)) << "without the guard the race should oversell: " << r.described;
    EXPECT_EQ(r.other, 0) << r.described;
    EXPECT_EQ(r.seats.live_quantity, r.seats.sold + r.seats.reserved);
    EXPECT_EQ(r.seats.orders - 5, r.placed);
}

TEST_P(Concurrency, LastSeatsRaceThreads) {
    AddBuyers(kThreads);
    const auto outcome = ThreadRace(/*guard_off=*/false, kReplicas, 256);
    ExpectNoOversell(outcome, std::int64_t{kThreads} * kAttemptsPerThread);
    std::printf("%s\n", Report("threads, guard on", GetParam(), outcome).c_str());
}

TEST_P(Concurrency, LastSeatsRaceThreadsGuardOff) {
    LiftSeatCheck();
    if (HasFatalFailure()) return;
    AddBuyers(kThreads);
    RaceOutcome outcome;
    for (int round = 0; round < kGuardOffRounds && !Oversold(outcome); ++round) {
        outcome = ThreadRace(/*guard_off=*/true, kReplicas, 256);
        std::printf("%s\n", Report("threads, guard off", GetParam(), outcome).c_str());
    }
    ExpectOversellCaught(outcome);
    RecordProperty("placed", std::to_string(outcome.placed));
    RecordProperty("sold_plus_reserved", std::to_string(outcome.seats.sold + outcome.seats.reserved));
}

TEST_P(Concurrency, LastSeatsRaceThreadsWithoutBatching) {
    AddBuyers(kThreads);
    const auto outcome = ThreadRace(/*guard_off=*/false, 1, 1);  // every order in its own transaction
    ExpectNoOversell(outcome, std::int64_t{kThreads} * kAttemptsPerThread);
    std::printf("%s\n", Report("threads without batching, guard on", GetParam(), outcome).c_str());
}

TEST_P(Concurrency, LastSeatsRaceThreadsWithoutBatchingGuardOff) {
    LiftSeatCheck();
    if (HasFatalFailure()) return;
    AddBuyers(kThreads);
    RaceOutcome outcome;
    for (int round = 0; round < kGuardOffRounds && !Oversold(outcome); ++round) {
        outcome = ThreadRace(/*guard_off=*/true, 1, 1);
        std::printf("%s\n", Report("threads without batching, guard off", GetParam(), outcome).c_str());
    }
    ExpectOversellCaught(outcome);
}

TEST(ConcurrencyGuard, TheSwitchIsOffByDefault) {
    EXPECT_FALSE(OrderSettings{}.unsafe_disable_oversell_guard);
}

TEST_P(Concurrency, ConcurrentBuyersShareTransactions) {
    const auto [event_uuid, type_id] = PublishedEvent("1000000000", 100000);
    AddBuyers(kThreads);
    auto orders = MakeOrders();
    // Rounds of 32 simultaneous buyers until one batch has carried more than one order; every round must keep the
    // books straight. (Batches form whenever buyers arrive while a transaction is running, which on a real store
    // happens in the first round in practice; the loop only keeps the test from depending on the scheduler.)
    std::int64_t placed = 0;
    for (int round = 0; round < 20 && orders->batches() == orders->batched_orders(); ++round) {
        std::latch start(kThreads);
        std::vector<std::thread> threads;
        std::atomic<std::int64_t> ok{0};
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                start.arrive_and_wait();
                auto r = orders->Place(As(kFirstBuyer + t),
                                       {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 1}},
                                       Key(kFirstBuyer + t, 100 + round));
                if (r && r->created) ++ok;
            });
        }
        for (auto& thread : threads) thread.join();
        EXPECT_EQ(ok.load(), kThreads) << "every buyer gets a seat and an answer of their own";
        placed += ok.load();
    }
    EXPECT_LT(orders->batches(), orders->batched_orders()) << "no batch ever carried two orders";
    EXPECT_EQ(orders->batched_orders(), placed);
    const auto seats = SeatsOf(type_id);
    EXPECT_EQ(seats.reserved, placed);
    EXPECT_EQ(seats.live_quantity, placed);
    EXPECT_EQ(seats.orders, placed);
}

/// The body of one buyer process: its own Store, OrderService, SystemRandom and FakeClock; waits for the start gate,
/// buys for its own buyers, reports through `report_fd` and leaves with _exit (never back through gtest).
[[noreturn]] void BuyerProcess(const std::string& url,
                               std::int64_t now,
                               std::int64_t child,
                               std::int64_t first_buyer,
                               std::int64_t buyers,
                               int attempts,
                               const std::string& event_uuid,
                               std::int64_t type_id,
                               bool guard_off,
                               int start_fd,
                               int report_fd) {
    ChildReport report;
    report.child = child;
    int code = 0;
    try {
        char gate = 0;
        while (read(start_fd, &gate, 1) < 0 && errno == EINTR) {
        }
        auto store = storage::OpenStore({.url = url, .pool_size = 2});
        test::FakeClock clock(now);
        system::SystemRandom random;
        OrderSettings settings;
        settings.unsafe_disable_oversell_guard = guard_off;
        OrderService orders(*store, clock, random, settings);
        for (int attempt = 0; attempt < attempts; ++attempt) {
            for (std::int64_t b = first_buyer; b < first_buyer + buyers; ++b) {
                auto placed =
                    orders.Place(As(b),
                                 {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 1}},
                                 event_uuid + Key(b, attempt));
                if (placed && placed->created) {
                    ++report.placed;
                } else if (!placed && placed.error().code == "ticket.sold_out") {
                    ++report.sold_out;
                } else {
                    ++report.other;
                }
            }
        }
    } catch (...) {
        ++report.other;
        code = 2;
    }
    if (write(report_fd, &report, sizeof report) != static_cast<ssize_t>(sizeof report)) code = 3;
    _exit(code);
}

/// The last-seats race of processes: a fresh event with 5 of 50 seats left; 6 forked buyer processes, each
/// with its own store connections and OrderService (the guard on or off), 5 buyers each, 2 attempts per
/// buyer.
RaceOutcome Concurrency::ProcessRace(bool guard_off) {
    const auto [event_uuid, type_id] = LastSeatsEvent();
    // No connection, handle or thread of the parent's may live across fork().
    CloseParentStore();

    std::array<int, 2> start{};
    std::array<int, 2> report{};
    if (pipe(start.data()) != 0 || pipe(report.data()) != 0) {
        ADD_FAILURE() << "pipe failed: errno " << errno;
        OpenParentStore();
        return {};
    }
    std::vector<pid_t> children;
    for (int c = 0; c < kChildren; ++c) {
        const pid_t pid = fork();
        if (pid < 0) {
            ADD_FAILURE() << "fork failed: errno " << errno;
            break;
        }
        if (pid == 0) {
            close(start[1]);
            close(report[0]);
            BuyerProcess(url_,
                         clock_.NowUnix(),
                         c,
                         kFirstBuyer + c * kBuyersPerChild,
                         kBuyersPerChild,
                         kAttemptsPerBuyer,
                         event_uuid,
                         type_id,
                         guard_off,
                         start[0],
                         report[1]);
        }
        children.push_back(pid);
    }
    close(start[0]);
    close(report[1]);
    close(start[1]);  // the start gate: every child's read() returns now

    // Wait for the children; a hung child is killed (a safety net, not a timing assertion).
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::vector<int> statuses;
    for (const pid_t pid : children) {
        int status = 0;
        while (true) {
            const pid_t done = waitpid(pid, &status, WNOHANG);
            if (done == pid) break;
            if (done < 0 && errno != EINTR) break;
            if (std::chrono::steady_clock::now() > deadline) {
                kill(pid, SIGKILL);
                (void)waitpid(pid, &status, 0);
                ADD_FAILURE() << "child " << pid << " hung and was killed";
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        statuses.push_back(status);
    }
    ChildReport total;
    int reports = 0;
    ChildReport one;
    while (read(report[0], &one, sizeof one) == static_cast<ssize_t>(sizeof one)) {
        ++reports;
        total.placed += one.placed;
        total.sold_out += one.sold_out;
        total.other += one.other;
    }
    close(report[0]);
    for (const int status : statuses) {
        EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
    }
    EXPECT_EQ(reports, kChildren);
    OpenParentStore();
    const std::string described = "placed=" + std::to_string(total.placed) +
                                  " sold_out=" + std::to_string(total.sold_out) +
                                  " other=" + std::to_string(total.other);
    return RaceOutcome{total.placed, total.sold_out, total.other, described, SeatsOf(type_id)};
}

TEST_P(Concurrency, LastSeatsRaceProcesses) {
    AddBuyers(kChildren * kBuyersPerChild);
    const auto outcome = ProcessRace(/*guard_off=*/false);
    ExpectNoOversell(outcome, kChildren * kBuyersPerChild * kAttemptsPerBuyer);
    std::printf("%s\n", Report("processes, guard on", GetParam(), outcome).c_str());
}

TEST_P(Concurrency, LastSeatsRaceProcessesGuardOff) {
    LiftSeatCheck();
    if (HasFatalFailure()) return;
    AddBuyers(kChildren * kBuyersPerChild);
    RaceOutcome outcome;
    for (int round = 0; round < kGuardOffRounds && !Oversold(outcome); ++round) {
        outcome = ProcessRace(/*guard_off=*/true);
        std::printf("%s\n", Report("processes, guard off", GetParam(), outcome).c_str());
    }
    ExpectOversellCaught(outcome);
}

TEST_P(Concurrency, ExpirySweepersReleaseOnce) {
    constexpr std::int64_t kOrders = 40;
    constexpr int kSweepers = 4;
    const auto [event_uuid, type_id] = PublishedEvent("1000000000", 100);
    AddBuyers(kOrders);
    auto placer = MakeOrders();
    const auto uuids = UnpaidOrders(*placer, event_uuid, type_id, kOrders);
    ASSERT_EQ(static_cast<std::int64_t>(uuids.size()), kOrders);
    EXPECT_EQ(SeatsOf(type_id).reserved, kOrders);

    clock_.Advance(placer->settings().order_ttl_seconds + 1);
    std::vector<std::unique_ptr<OrderService>> sweepers;
    for (int i = 0; i < kSweepers; ++i) sweepers.push_back(MakeOrders());
    std::vector<std::int64_t> expired(kSweepers, 0);
    std::vector<std::string> failures(kSweepers);
    std::latch start(kSweepers);
    std::vector<std::thread> threads;
    for (int i = 0; i < kSweepers; ++i) {
        threads.emplace_back([&, i] {
            const auto slot = static_cast<std::size_t>(i);
            start.arrive_and_wait();
            try {
                expired[slot] = sweepers[slot]->ExpireDue();
            } catch (const std::exception& e) {
                failures[slot] = e.what();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& failure : failures) EXPECT_EQ(failure, "");

    std::int64_t total = 0;
    for (const auto n : expired) total += n;
    EXPECT_EQ(total, kOrders);
    const auto seats = SeatsOf(type_id);
    EXPECT_EQ(seats.reserved, 0);
    EXPECT_EQ(seats.sold, 0);
    EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE ticket_type_id = $1 AND state = 'expired'", {type_id}), kOrders);
    EXPECT_EQ(sweepers[0]->ExpireDue(), 0) << "nothing left to expire";
}

TEST_P(Concurrency, PaymentVersusExpiryRace) {
    constexpr std::int64_t kOrders = 40;
    const auto [event_uuid, type_id] = PublishedEvent("1000000000", 100);
    AddBuyers(kOrders);
    auto payer = MakeOrders();
    auto sweeper = MakeOrders();
    const auto uuids = UnpaidOrders(*payer, event_uuid, type_id, kOrders);
    ASSERT_EQ(static_cast<std::int64_t>(uuids.size()), kOrders);

    clock_.Advance(payer->settings().order_ttl_seconds);  // exactly at expiry: expires_at <= now
    std::int64_t paid_calls = 0;
    std::int64_t expired_calls = 0;
    std::string pay_failure;
    std::string sweep_failure;
    std::latch start(2);
    std::thread pay([&] {
        start.arrive_and_wait();
        try {
            // From the newest order back, while the sweeper goes from the oldest: they meet somewhere inside.
            for (auto it = uuids.rbegin(); it != uuids.rend(); ++it) {
                if (payer->MarkPaid(*it, "tx-" + *it)) ++paid_calls;
            }
        } catch (const std::exception& e) {
            pay_failure = e.what();
        }
    });
    std::thread sweep([&] {
        start.arrive_and_wait();
        try {
            // Small batches so that sweeping and paying interleave; a batch whose every order was paid first returns
            // 0, so sweep until a second pass also finds nothing.
            int idle = 0;
            while (idle < 2) {
                const auto n = sweeper->ExpireDue(4);
                expired_calls += n;
                idle = n == 0 ? idle + 1 : 0;
                // SQLite hands its write lock straight back to the thread that just released it; a pause lets the
                // payer in, so that both outcomes occur (only for coverage: nothing below depends on the mix).
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
        } catch (const std::exception& e) {
            sweep_failure = e.what();
        }
    });
    pay.join();
    sweep.join();
    EXPECT_EQ(pay_failure, "");
    EXPECT_EQ(sweep_failure, "");

    std::int64_t paid = 0;
    std::int64_t expired = 0;
    for (const auto& uuid : uuids) {
        const auto state = store_->Transact([&](ports::Transaction& tx) {
            return ports::AsText(tx.Execute("SELECT state FROM orders WHERE uuid = $1", {uuid}).rows.at(0)[0]);
        });
        const auto tickets = Count("SELECT count(*) FROM tickets WHERE order_uuid = $1", {uuid});
        if (state == "paid") {
            ++paid;
            EXPECT_EQ(tickets, 1) << uuid;
        } else if (state == "expired") {
            ++expired;
            EXPECT_EQ(tickets, 0) << uuid;
        } else {
            ADD_FAILURE() << uuid << " ended " << state;
        }
    }
    EXPECT_EQ(paid + expired, kOrders);
    EXPECT_EQ(paid, paid_calls);
    EXPECT_EQ(expired, expired_calls);
    const auto seats = SeatsOf(type_id);
    EXPECT_EQ(seats.sold, paid);
    EXPECT_EQ(seats.reserved, 0);
    EXPECT_EQ(Count("SELECT count(*) FROM tickets WHERE ticket_type_id = $1", {type_id}), paid);
    std::printf("[payment vs expiry, %s] paid=%lld expired=%lld\n", GetParam().c_str(), static_cast<long long>(paid),
                static_cast<long long>(expired));
}

TEST_P(Concurrency, ConcurrentScansAdmitOnce) {
    constexpr int kScanners = 16;
    const auto [event_uuid, type_id] = PublishedEvent("0", 10);
    ASSERT_TRUE(events_->GrantRole(As(kOwner), event_uuid, kStaff, "checkin_staff"));
    AddBuyers(1);
    auto orders = MakeOrders();
    auto placed = orders->Place(As(kFirstBuyer), {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}}, "free");
    ASSERT_TRUE(placed) << placed.error().message;
    ASSERT_EQ(placed->order.state, OrderState::kPaid);
    ASSERT_EQ(placed->order.tickets.size(), 1U);
    const auto code = placed->order.tickets[0].check_in_code;

    std::vector<std::string> results(kScanners);
    std::latch start(kScanners);
    std::vector<std::thread> threads;
    for (int i = 0; i < kScanners; ++i) {
        threads.emplace_back([&, i] {
            auto& result = results[static_cast<std::size_t>(i)];
            start.arrive_and_wait();
            try {
                auto scanned = orders->CheckIn(As(kStaff), event_uuid, code, false);
                result = scanned ? scanned->result : "error: " + scanned.error().code;
            } catch (const std::exception& e) {
                result = std::string("exception: ") + e.what();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    int admitted = 0;
    int already_used = 0;
    for (const auto& r : results) {
        if (r == "admitted") {
            ++admitted;
        } else if (r == "already_used") {
            ++already_used;
        } else {
            ADD_FAILURE() << "unexpected scan result " << r;
        }
    }
    EXPECT_EQ(admitted, 1);
    EXPECT_EQ(already_used, kScanners - 1);
    const auto checked_in_by = store_->Transact([&](ports::Transaction& tx) {
        return ports::AsOptionalInt(
            tx.Execute("SELECT checked_in_by FROM tickets WHERE check_in_code = $1", {code}).rows.at(0)[0]);
    });
    EXPECT_EQ(checked_in_by, kStaff);

    auto undone = orders->CheckIn(As(kStaff), event_uuid, code, true);
    ASSERT_TRUE(undone) << undone.error().message;
    EXPECT_EQ(undone->result, "undone");
    auto again = orders->CheckIn(As(kStaff), event_uuid, code, false);
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->result, "admitted");
}

TEST_P(Concurrency, IdempotentRetriesUnderConcurrency) {
    constexpr int kRetries = 8;
    const auto [event_uuid, type_id] = PublishedEvent("1000000000", 100);
    AddBuyers(1);
    auto orders = MakeOrders();
    const json body = {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 2}};

    std::vector<std::string> uuids(kRetries);
    std::vector<int> created(kRetries, -1);
    std::vector<std::string> failures(kRetries);
    std::latch start(kRetries);
    std::vector<std::thread> threads;
    for (int i = 0; i < kRetries; ++i) {
        threads.emplace_back([&, i] {
            const auto slot = static_cast<std::size_t>(i);
            start.arrive_and_wait();
            try {
                auto placed = orders->Place(As(kFirstBuyer), body, "same-key");
                if (placed) {
                    uuids[slot] = placed->order.uuid;
                    created[slot] = placed->created ? 1 : 0;
                } else {
                    failures[slot] = placed.error().code;
                }
            } catch (const std::exception& e) {
                failures[slot] = std::string("exception: ") + e.what();
            }
        });
    }
    for (auto& thread : threads) thread.join();
    for (const auto& failure : failures) EXPECT_EQ(failure, "");
    int created_count = 0;
    for (const int c : created) created_count += c == 1 ? 1 : 0;
    EXPECT_EQ(created_count, 1);
    ASSERT_FALSE(uuids[0].empty());
    for (const auto& uuid : uuids) EXPECT_EQ(uuid, uuids[0]);

    EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE user_id = $1", {kFirstBuyer}), 1);
    const auto seats = SeatsOf(type_id);
    EXPECT_EQ(seats.reserved, 2) << "the losers' reservations rolled back";
    EXPECT_EQ(seats.live_quantity, 2);

    auto mismatch = orders->Place(
        As(kFirstBuyer), {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 3}}, "same-key");
    ASSERT_FALSE(mismatch);
    EXPECT_EQ(mismatch.error().code, "request.idempotency_mismatch");
    EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE user_id = $1", {kFirstBuyer}), 1);
}

TEST_P(Concurrency, SoldOutHintAnswersWithoutATransactionUntilASeatReturns) {
    const auto [event_uuid, type_id] = PublishedEvent("1000000000", 2);
    AddBuyers(4);
    auto orders = MakeOrders(false, 256, 60'000);  // a hint that outlives the test: only releases void it
    const json one = {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 1}};
    auto first = orders->Place(As(kFirstBuyer), one, "k0");
    auto second = orders->Place(As(kFirstBuyer + 1), one, "k1");
    ASSERT_TRUE(first && second);
    auto refused = orders->Place(As(kFirstBuyer + 2), one, "k2");  // learnt in a transaction: sets the hint
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, "ticket.sold_out");
    const auto batches = orders->batches();

    // From the hint: no batch transaction runs, the answer is the same.
    auto hinted = orders->Place(As(kFirstBuyer + 3), one, "");
    ASSERT_FALSE(hinted);
    EXPECT_EQ(hinted.error().code, "ticket.sold_out");
    EXPECT_EQ(hinted.error().details["seats_held_for_waitlist"], 0);
    // A retry under an Idempotency-Key still gets its order (or the mismatch), not "sold out".
    auto retried = orders->Place(As(kFirstBuyer + 1), one, "k1");
    ASSERT_TRUE(retried) << retried.error().code;
    EXPECT_FALSE(retried->created);
    EXPECT_EQ(retried->order.uuid, second->order.uuid);
    auto other_body = orders->Place(
        As(kFirstBuyer + 1), {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 2}}, "k1");
    ASSERT_FALSE(other_body);
    EXPECT_EQ(other_body.error().code, "request.idempotency_mismatch");
    EXPECT_EQ(orders->batches(), batches) << "the hint answered without a reservation transaction";

    // The hint is bounded, not exact: a seat added behind this process's back is not seen while it lasts (the
    // default lasts 500 ms) ...
    store_->Transact([&](ports::Transaction& tx) {
        tx.Execute("UPDATE ticket_types SET supply = 3 WHERE ticket_type_id = $1", {type_id});
    });
    auto stale = orders->Place(As(kFirstBuyer + 3), one, "");
    ASSERT_FALSE(stale);
    EXPECT_EQ(stale.error().code, "ticket.sold_out");
    // ... while a seat this process releases voids it at once.
    ASSERT_TRUE(orders->Cancel(As(kFirstBuyer), first->order.uuid));
    auto after_cancel = orders->Place(As(kFirstBuyer + 3), one, "k3");
    ASSERT_TRUE(after_cancel) << after_cancel.error().code;
    auto last = orders->Place(As(kFirstBuyer + 2), one, "k2b");  // the seat added by SQL
    ASSERT_TRUE(last) << last.error().code;
    const auto seats = SeatsOf(type_id);
    EXPECT_EQ(seats.reserved, 3);
    EXPECT_EQ(seats.live_quantity, 3);

    // Switched off, the seat added behind its back is sold at once.
    auto unhinted = MakeOrders(false, 256, 0);
    ASSERT_FALSE(unhinted->Place(As(kFirstBuyer), one, "k4"));
    store_->Transact([&](ports::Transaction& tx) {
        tx.Execute("UPDATE ticket_types SET supply = 4 WHERE ticket_type_id = $1", {type_id});
    });
    auto fresh = unhinted->Place(As(kFirstBuyer), one, "k5");
    ASSERT_TRUE(fresh) << fresh.error().code;
}

/// Requests queued while a batch is running (from the leader's own answer callback, so deterministically) make
/// the next batch: one transaction that grants seats in arrival order while they fit.
TEST_P(Concurrency, QueuedBuyersShareOneTransactionInArrivalOrder) {
    const auto [event_uuid, type_id] = PublishedEvent("1000000000", 5);
    AddBuyers(8);
    auto orders = MakeOrders();
    const auto body = [&](std::int64_t quantity) {
        return json{{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", quantity}};
    };
    // After the first seat: 4 left for 1, 1, 3 (does not fit), 1, 1, 1 (none left), 1 (none left).
    const std::vector<std::int64_t> quantities = {1, 1, 3, 1, 1, 1, 1};
    std::vector<std::optional<OrderService::PlaceOutcome>> outcomes(quantities.size());
    std::int64_t batches_after_first = 0;
    std::optional<OrderService::PlaceOutcome> first;
    orders->PlaceAsync(As(kFirstBuyer), body(1), "first", [&](OrderService::PlaceOutcome outcome) {
        first = std::move(outcome);
        batches_after_first = orders->batches();
        for (std::size_t i = 0; i < quantities.size(); ++i) {
            orders->PlaceAsync(As(kFirstBuyer + 1 + static_cast<std::int64_t>(i)), body(quantities[i]), "",
                               [&outcomes, i](OrderService::PlaceOutcome o) { outcomes[i] = std::move(o); });
        }
    });
    // PlaceAsync led every batch on this thread, so all answers are in.
    ASSERT_TRUE(first && first->result && first->result->ok());
    EXPECT_EQ(orders->batches(), batches_after_first + 1) << "the seven queued buyers made one transaction";
    const std::vector<std::string> expected = {"created", "created", "ticket.sold_out", "created", "created",
                                               "ticket.sold_out", "ticket.sold_out"};
    for (std::size_t i = 0; i < quantities.size(); ++i) {
        ASSERT_TRUE(outcomes[i] && outcomes[i]->result) << i;
        const auto& result = *outcomes[i]->result;
        EXPECT_EQ(result.ok() ? std::string("created") : result.error().code, expected[i]) << i;
        if (result.ok()) {
            EXPECT_EQ(result->order.quantity, quantities[i]);
        }
    }
    const auto seats = SeatsOf(type_id);
    EXPECT_EQ(seats.reserved, 5);
    EXPECT_EQ(seats.live_quantity, 5);
    EXPECT_EQ(seats.orders, 5);
}

/// Buyers still queued when a batch learns the type is sold out get the hint's answer at once, not one more
/// transaction each batch: with batches of two, the two after the sold-out batch make no third. A queued retry
/// under an Idempotency-Key still gets its own order back.
TEST_P(Concurrency, BuyersQueuedBehindASoldOutBatchAreAnsweredFromTheHint) {
    const auto [event_uuid, type_id] = PublishedEvent("1000000000", 2);
    AddBuyers(6);
    auto orders = MakeOrders(false, 2);
    const json one = {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 1}};
    std::vector<std::optional<OrderService::PlaceOutcome>> outcomes(4);
    std::optional<OrderService::PlaceOutcome> first;
    std::int64_t batches_after_first = 0;
    orders->PlaceAsync(As(kFirstBuyer), one, "first", [&](OrderService::PlaceOutcome outcome) {
        first = std::move(outcome);
        batches_after_first = orders->batches();
        // Batch [0, 1]: 0 takes the last seat, 1 is turned away (the hint is learnt); 2 and 3 are still queued.
        const std::vector<std::pair<std::int64_t, std::string>> buyers = {
            {kFirstBuyer + 1, ""}, {kFirstBuyer + 2, ""}, {kFirstBuyer + 3, ""}, {kFirstBuyer, "first"}};
        for (std::size_t i = 0; i < buyers.size(); ++i) {
            orders->PlaceAsync(As(buyers[i].first), one, buyers[i].second,
                               [&outcomes, i](OrderService::PlaceOutcome o) { outcomes[i] = std::move(o); });
        }
    });
    ASSERT_TRUE(first && first->result && first->result->ok());
    EXPECT_EQ(orders->batches(), batches_after_first + 1) << "no transaction for the buyers queued behind it";
    for (const auto& outcome : outcomes) ASSERT_TRUE(outcome && outcome->result);
    EXPECT_TRUE(outcomes[0]->result->ok());
    for (std::size_t i = 1; i < 3; ++i) {
        ASSERT_FALSE(outcomes[i]->result->ok()) << i;
        EXPECT_EQ(outcomes[i]->result->error().code, "ticket.sold_out") << i;
    }
    ASSERT_TRUE(outcomes[3]->result->ok()) << outcomes[3]->result->error().code;
    EXPECT_FALSE((*outcomes[3]->result)->created);
    EXPECT_EQ((*outcomes[3]->result)->order.uuid, (*first->result)->order.uuid);
    const auto seats = SeatsOf(type_id);
    EXPECT_EQ(seats.reserved, 2);
    EXPECT_EQ(seats.orders, 2);
}

/// One Idempotency-Key twice in one batch: the bulk insert meets the unique key, the batch is undone and each
/// request is placed on its own, so the second gets the first's order.
TEST_P(Concurrency, RepeatedKeyInOneBatchFallsBackToOnePerTransaction) {
    const auto [event_uuid, type_id] = PublishedEvent("1000000000", 5);
    AddBuyers(2);
    auto orders = MakeOrders();
    const json one = {{"event_uuid", event_uuid}, {"ticket_type_id", type_id}, {"quantity", 1}};
    std::vector<std::optional<OrderService::PlaceOutcome>> outcomes(2);
    orders->PlaceAsync(As(kFirstBuyer), one, "lead", [&](OrderService::PlaceOutcome) {
        for (std::size_t i = 0; i < 2; ++i) {
            orders->PlaceAsync(As(kFirstBuyer + 1), one, "twice",
                               [&outcomes, i](OrderService::PlaceOutcome o) { outcomes[i] = std::move(o); });
        }
    });
    ASSERT_TRUE(outcomes[0] && outcomes[0]->result && outcomes[0]->result->ok());
    ASSERT_TRUE(outcomes[1] && outcomes[1]->result && outcomes[1]->result->ok());
    EXPECT_TRUE((*outcomes[0]->result)->created);
    EXPECT_FALSE((*outcomes[1]->result)->created);
    EXPECT_EQ((*outcomes[0]->result)->order.uuid, (*outcomes[1]->result)->order.uuid);
    EXPECT_EQ(SeatsOf(type_id).reserved, 2);
    EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE user_id = $1", {kFirstBuyer + 1}), 1);
}

INSTANTIATE_TEST_SUITE_P(Stores,
                         Concurrency,
                         ::testing::Values("sqlite", "postgres"),
                         [](const ::testing::TestParamInfo<std::string>& param_info) { return param_info.param; });

}  // namespace
}  // namespace onton::orders
