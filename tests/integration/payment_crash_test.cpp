// Crash safety, proven (issue #5): `onton serve` and `onton worker` as child processes on PostgreSQL +
// RabbitMQ + the TON emulator, SIGKILLed at random (seeded) points during a burst of purchases over HTTP and
// payments from emulator wallets, then restarted. Both run singleton workers (payments, refunds) and competing
// ones (relay, notifications), so the leases and the consumers' dedupe are exercised across processes.
//
// The platform wallet is a real emulator wallet (v5r1) whose mnemonic both processes have, so money and NFTs
// leave it while they are killed: half the orders buy an `is_nft` ticket type (the collection is deployed and
// each ticket minted to its buyer's wallet), and the organizer refunds a seeded third of the orders through the
// API as soon as they are paid. Both processes pump the wallet's sender (serve's `refunds` worker, the worker's
// `nft` and `refunds`); the wallet's lease keeps it to one signer. Besides the kills at random points, twice the
// process holding the wallet's lease is SIGKILLed while one of its externals is in flight (recorded `sent`, not
// yet confirmed): its successor must settle that from the chain alone.
//
// Afterwards, from the database: every payment recorded once, every paid order has one ticket per seat, no
// order paid twice, no ticket without a payment, every notification sent at most once (once, unless its sender
// died mid-send: then it is marked uncertain, never repeated), nothing left unpublished in the outbox. And from
// the chain (the emulator's toncenter API): each refunded order's payer received exactly one refund, of the
// order's amount, with its comment, and nobody else received one; each NFT ticket has one item, minted once to
// its buyer's wallet, and the collection made no other; the platform wallet's seqno moved by exactly the number
// of externals the database recorded as confirmed, and those externals carried exactly the confirmed messages.
//
// The seed is printed; ONTON_CRASH_SEED=N replays a run.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <thread>

#include "adapters/chain/toncenter.hpp"
#include "domain/nft/manager.hpp"
#include "support/api_client.hpp"
#include "support/emulator_control.hpp"
#include "support/fake_bot_api.hpp"
#include "support/process.hpp"
#include "support/test_store.hpp"
#include "ton/address.hpp"
#include "ton/nft.hpp"

namespace onton::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int kOrders = 12;
constexpr int kRefunds = 4;  // orders the organizer refunds once they are paid
constexpr std::int64_t kOwner = 7000;
constexpr std::int64_t kFirstBuyer = 7001;
constexpr std::int64_t kPrice = 100'000'000;  // 0.1 TON a seat
constexpr int kKillsEach = 2;                 // SIGKILLs of the worker, and of the server, at random points
constexpr int kSignerKills = 2;               // SIGKILLs of the wallet's signer with an external in flight

struct Placed {
    std::string uuid;
    std::string comment;
    std::int64_t quantity = 0;
    std::int64_t buyer = 0;
    std::string wallet;  // the buyer's emulator wallet: pays, is refunded, holds the NFTs
    bool nft = false;
    bool refund = false;  // the organizer refunds it once it is paid
    bool refund_requested = false;
};

ton::Address Addr(const std::string& text) {
    auto parsed = ton::ParseAddress(text);
    if (!parsed) throw std::runtime_error("not an address: " + text);
    return parsed->address;
}

class PaymentCrash : public ::testing::Test {
   protected:
    void SetUp() override {
        for (const char* name : {"ONTON_TEST_PG_URL", "ONTON_TEST_AMQP_URL", "ONTON_TEST_TON_URL"}) {
            if (Env(name).empty()) GTEST_SKIP() << "run under ctest: " << name << " is unset";
        }
        const auto seed_text = Env("ONTON_CRASH_SEED");
        seed_ =
            seed_text.empty() ? std::random_device{}() : static_cast<std::uint32_t>(std::stoul(seed_text));
        std::cout << "payment crash test seed: " << seed_ << " (replay with ONTON_CRASH_SEED=" << seed_
                  << ")\n";
        RecordProperty("seed", std::to_string(seed_));
        rng_.seed(seed_);

        chain::ToncenterConfig chain_config;
        chain_config.base_url = Env("ONTON_TEST_TON_URL");
        chain_config.requests_per_second = 0;
        chain_config.initial_backoff = 50ms;
        chain_config.max_backoff = 400ms;
        chain_ = std::make_unique<chain::ToncenterChain>(chain_config);

        db_ = OpenTestStore("postgres", dir_.path());
        // The platform wallet signs: the processes get its mnemonic. It starts with enough for the collection's
        // deploy and the mints; refunds are paid from what the buyers pay in.
        const auto platform =
            Control("POST", "/wallets", json{{"version", "v5r1"}, {"balance_nano", "3000000000"}});
        std::string words;
        if (platform["mnemonic"].is_string()) {
            words = platform["mnemonic"].get<std::string>();
        } else {
            for (const auto& w : platform["mnemonic"]) words += (words.empty() ? "" : " ") + w.get<std::string>();
        }
        platform_ = platform["address"].get<std::string>();
        const auto before = chain_->GetWalletInfo(Addr(platform_).ToRaw());
        if (!before) throw std::runtime_error("the platform wallet: " + before.error().message);
        seqno_before_ = before->seqno;
        lt_before_ = before->last_tx.lt;
        env_ = {{"ONTON_DATABASE_URL", db_.pg->url()},
                {"ONTON_AMQP_URL", Env("ONTON_TEST_AMQP_URL")},
                // Queues of their own: other tests on the same broker never see these messages.
                {"ONTON_AMQP_PREFIX", "crash-" + std::to_string(getpid()) + "-" + std::to_string(seed_)},
                {"ONTON_TON_API_URL", Env("ONTON_TEST_TON_URL")},
                {"ONTON_PLATFORM_WALLET_ADDRESS", platform_},
                {"ONTON_PLATFORM_WALLET_MNEMONIC", words},
                {"ONTON_PLATFORM_WALLET_VERSION", "v5r1"},
                {"ONTON_BOT_TOKEN", "123456:fake-token-for-tests"},
                {"ONTON_BOT_API_URL", bot_.base_url()},
                {"ONTON_PUBLIC_URL", "https://onton.example"},
                {"ONTON_BUS_RETRY_BASE_SECONDS", "1"},
                {"ONTON_WALLET_LEASE_SECONDS", "3"},  // a killed singleton's successor waits 3-4 s
                {"ONTON_NFT_SWEEP_SECONDS", "1"},
                {"ONTON_REFUNDS_SWEEP_SECONDS", "1"},
                // An external recorded but never broadcast (its sender killed in between) is signed again
                // after 10 + 15 s instead of 60 + 15 s.
                {"ONTON_WALLET_MESSAGE_TTL_SECONDS", "10"},
                {"ONTON_LOG_LEVEL", "info"}};
    }

    void StartServe() {
        auto env = env_;
        // Besides the API, the server competes with the worker for the payment watcher and the refunds (singletons:
        // one of them holds each lease; the refunds worker pumps the wallet's sender, so the wallet's lease is
        // contended too), the relay and the notifications.
        env["ONTON_SERVE_WORKERS"] = "payments,refunds,relay,notifications";
        const auto dir = dir_.path() / ("serve-" + std::to_string(serve_starts_++));
        std::filesystem::create_directories(dir);
        serve_ = std::make_unique<ServeProcess>(env, dir);
        for (auto& client : clients_) client.Retarget(serve_->port());
    }

    void StartWorker() {
        const auto dir = dir_.path() / ("worker-" + std::to_string(worker_starts_++));
        std::filesystem::create_directories(dir);
        worker_ = std::make_unique<WorkerProcess>(std::vector<std::string>{}, env_, dir);
    }

    void Kill(bool server, const std::string& when) {
        if (server) {
            EXPECT_EQ(serve_->Stop(SIGKILL), -SIGKILL);
            std::cout << "  SIGKILL serve" << when << "\n";
            StartServe();
        } else {
            EXPECT_EQ(worker_->Stop(SIGKILL), -SIGKILL);
            std::cout << "  SIGKILL worker" << when << "\n";
            StartWorker();
        }
    }

    /// SIGKILLs the worker or the server after a random pause (so at a random point of its work) and restarts
    /// it.
    void Crash(bool server) {
        std::this_thread::sleep_for(
            std::chrono::milliseconds(std::uniform_int_distribution<int>(0, 400)(rng_)));
        Kill(server, "");
    }

    /// SIGKILLs whichever process signs for the platform wallet (the holder of its lease) while one of its
    /// externals is in flight: rows recorded `sent` (signed, maybe broadcast), not yet seen on chain. The
    /// successor must settle them from the chain alone. Sends happen about once a second here (the nft and
    /// refunds sweeps); gives up after 4 s.
    void CrashSigner() {
        const auto lease = "wallet:" + Addr(platform_).ToRaw();
        const auto deadline = std::chrono::steady_clock::now() + 4s;
        while (std::chrono::steady_clock::now() < deadline) {
            const auto holder = db_.store->Transact([&](ports::Transaction& tx) {
                return tx.Execute(
                    "SELECT holder FROM leases WHERE name = $1 AND EXISTS (SELECT 1 FROM wallet_messages "
                    "WHERE state = 'sent')",
                    {lease});
            });
            if (!holder.empty()) {
                const auto text = ports::AsText(holder.rows[0][0]);  // <host>:<pid>:<random>
                const auto end = text.rfind(':');
                const auto start = text.rfind(':', end - 1);
                const auto pid = std::stoi(text.substr(start + 1, end - start - 1));
                if (pid == serve_->pid() || pid == worker_->pid()) {
                    Kill(pid == serve_->pid(), " while it signs");
                    ++signer_kills_;
                    return;
                }
            }
            std::this_thread::sleep_for(2ms);
        }
        std::cout << "  (no send in flight caught)\n";
    }

    /// The organizer refunds each order picked for it once the payment watcher has it paid.
    void RequestDueRefunds(std::vector<Placed>& placed, const std::string& event_uuid) {
        for (auto& p : placed) {
            if (!p.refund || p.refund_requested) continue;
            if (Count("SELECT count(*) FROM orders WHERE uuid = $1 AND state = 'paid'", {p.uuid}) == 0) continue;
            const auto answer =
                clients_[0].Post("/api/v1/events/" + event_uuid + "/orders/" + p.uuid + "/refund");
            ASSERT_EQ(answer.result_int(), 204U) << answer.body();
            p.refund_requested = true;
        }
    }

    std::int64_t Count(const std::string& sql, const ports::SqlParams& params = {}) {
        return db_.store->Transact(
            [&](ports::Transaction& tx) { return ports::AsInt(tx.Execute(sql, params).rows.at(0).at(0)); });
    }

    /// Every transaction of `address` after lt `after_lt`, newest first.
    std::vector<ports::ChainTransaction> History(const std::string& address, std::uint64_t after_lt = 0) {
        ports::TransactionsQuery query;
        query.address = address;
        query.limit = 100;
        query.after_lt = after_lt;
        std::vector<ports::ChainTransaction> out;
        for (;;) {
            auto page = chain_->GetTransactions(query);
            if (!page) throw std::runtime_error("getTransactions " + address + ": " + page.error().message);
            out.insert(out.end(), page->begin(), page->end());
            if (page->size() < query.limit) return out;
            query.before = page->back().id;
        }
    }

    /// A get-method's stack as the ton/ parsers take it; null when the call failed.
    json GetMethod(const std::string& address, const std::string& method) {
        auto result = chain_->RunGetMethod(address, method, {});
        if (!result || result->exit_code != 0) return nullptr;
        return nft::StackJson(result->stack);
    }

    TempDir dir_;
    TestStore db_;
    FakeBotApi bot_;
    std::unique_ptr<chain::ToncenterChain> chain_;
    std::string platform_;
    std::uint32_t seqno_before_ = 0;
    std::uint64_t lt_before_ = 0;
    std::uint32_t seed_ = 0;
    std::mt19937 rng_;
    std::map<std::string, std::string> env_;
    std::unique_ptr<ServeProcess> serve_;
    std::unique_ptr<WorkerProcess> worker_;
    std::vector<ApiClient> clients_;  // [0] the organizer, then one per buyer
    int serve_starts_ = 0;
    int worker_starts_ = 0;
    int signer_kills_ = 0;
};

TEST_F(PaymentCrash, PaymentsRefundsAndMintsCountOnceThroughServerAndWorkerKills) {
    StartServe();
    StartWorker();
    clients_.emplace_back(serve_->port(), env_, kOwner);
    for (int i = 0; i < kOrders; ++i) clients_.emplace_back(serve_->port(), env_, kFirstBuyer + i);

    // One event with a plain and an NFT ticket type; publishing it has the collection deployed.
    const auto& organizer = clients_[0];
    const auto event = organizer.Post("/api/v1/events",
                                      {{"title", "Crash test"},
                                       {"description", "SIGKILLed on purpose"},
                                       {"start_date", 4'000'000'000},
                                       {"end_date", 4'000'003'600},
                                       {"participation_type", "in_person"},
                                       {"location", "Dubai"}});
    ASSERT_EQ(event.result_int(), 201U) << event.body();
    const auto event_uuid = json::parse(event.body())["event_uuid"].get<std::string>();
    std::array<std::int64_t, 2> types{};  // [0] plain, [1] NFT
    for (const bool nft : {false, true}) {
        const auto type = organizer.Post(
            "/api/v1/events/" + event_uuid + "/ticket-types",
            {{"name", nft ? "NFT" : "Standard"}, {"price", std::to_string(kPrice)}, {"supply", 100}, {"is_nft", nft}});
        ASSERT_EQ(type.result_int(), 201U) << type.body();
        types[nft ? 1 : 0] = json::parse(type.body())["id"].get<std::int64_t>();
    }
    const auto published = organizer.Post("/api/v1/events/" + event_uuid + "/publish");
    ASSERT_EQ(published.result_int(), 200U) << published.body();

    // Which steps end in a crash: kKillsEach of the worker and of the server, at seeded places in the burst,
    // and kSignerKills of the wallet's signer mid-send in its second half (once mints and refunds flow);
    // which orders are NFT tickets (every other one) and which get refunded (kRefunds, seeded).
    std::vector<int> schedule(kOrders, 0);  // bits: 1 worker, 2 server, 4 the signer
    std::vector<int> steps(kOrders);
    for (int i = 0; i < kOrders; ++i) steps[static_cast<std::size_t>(i)] = i;
    for (const int kind : {1, 2}) {
        std::shuffle(steps.begin(), steps.end(), rng_);
        for (int k = 0; k < kKillsEach; ++k)
            schedule[static_cast<std::size_t>(steps[static_cast<std::size_t>(k)])] |= kind;
    }
    std::vector<int> late(kOrders - kOrders / 2);
    std::iota(late.begin(), late.end(), kOrders / 2);
    std::shuffle(late.begin(), late.end(), rng_);
    for (int k = 0; k < kSignerKills; ++k)
        schedule[static_cast<std::size_t>(late[static_cast<std::size_t>(k)])] |= 4;
    std::shuffle(steps.begin(), steps.end(), rng_);
    const std::set<int> refunded(steps.begin(), steps.begin() + kRefunds);

    std::vector<Placed> placed;
    std::int64_t seats = 0;
    for (int i = 0; i < kOrders; ++i) {
        auto& buyer = clients_[static_cast<std::size_t>(i + 1)];
        const bool nft = i % 2 == 1;
        // Each buyer pays from a wallet of their own, linked to their account (the NFT goes there).
        const auto wallet =
            Control("POST", "/wallets", json{{"version", "v4r2"}, {"balance_nano", "1000000000"}})["address"]
                .get<std::string>();
        db_.store->InTransaction([&](ports::Transaction& tx) {
            tx.Execute("UPDATE users SET wallet_address = $1 WHERE user_id = $2", {wallet, buyer.user_id()});
        });
        const auto quantity = std::uniform_int_distribution<std::int64_t>(1, 3)(rng_);
        const auto answer = buyer.Post("/api/v1/orders",
                                       {{"event_uuid", event_uuid},
                                        {"ticket_type_id", types[nft ? 1 : 0]},
                                        {"quantity", quantity}});
        ASSERT_EQ(answer.result_int(), 201U) << answer.body();
        const auto order = json::parse(answer.body());
        ASSERT_EQ(order["payment"]["amount"], std::to_string(kPrice * quantity));
        ASSERT_EQ(Addr(order["payment"]["address"].get<std::string>()), Addr(platform_));
        placed.push_back({order["uuid"], order["payment"]["comment"], quantity, buyer.user_id(), wallet, nft,
                          refunded.count(i) > 0});
        seats += quantity;
        // The buyer pays with the order's comment; the TVM executes it at once.
        Control("POST",
                "/transfer",
                json{{"from", wallet},
                     {"to", order["payment"]["address"]},
                     {"amount_nano", order["payment"]["amount"]},
                     {"comment", order["payment"]["comment"]}});
        RequestDueRefunds(placed, event_uuid);
        const auto crash = schedule[static_cast<std::size_t>(i)];
        if ((crash & 1) != 0) Crash(false);
        if ((crash & 2) != 0) Crash(true);
        if ((crash & 4) != 0) CrashSigner();
    }
    const auto nft_seats = [&] {
        std::int64_t n = 0;
        for (const auto& p : placed) n += p.nft ? p.quantity : 0;
        return n;
    }();

    // Let the survivors finish: every order paid (and the picked ones refunded), fulfilled, and its
    // notifications settled; the outbox relayed; every refund sent, every NFT ticket minted, nothing left to
    // send from the wallet.
    const auto settled = [&] {
        RequestDueRefunds(placed, event_uuid);
        return Count("SELECT count(*) FROM orders WHERE state = 'paid'") == kOrders - kRefunds &&
               Count("SELECT count(*) FROM orders WHERE state = 'refunded'") == kRefunds &&
               Count("SELECT count(*) FROM processed_messages WHERE consumer = 'fulfilment'") == kOrders &&
               Count("SELECT count(*) FROM notifications WHERE status = 'pending' AND claimed_at IS NULL") ==
                   0 &&
               Count("SELECT count(*) FROM notifications WHERE kind = 'order.paid'") == kOrders &&
               Count("SELECT count(*) FROM outbox WHERE sent_at IS NULL") == 0 &&
               Count("SELECT count(*) FROM refunds WHERE state = 'sent'") == kRefunds &&
               Count("SELECT count(*) FROM nft_items WHERE state IN ('created', 'mint_request')") == 0 &&
               Count("SELECT count(*) FROM tickets t JOIN ticket_types tt ON tt.ticket_type_id = "
                     "t.ticket_type_id WHERE tt.is_nft AND t.status = 'valid' AND t.nft_item_id IS NULL") == 0 &&
               Count("SELECT count(*) FROM wallet_messages WHERE state IN ('queued', 'sent')") == 0;
    };
    const auto settle_start = std::chrono::steady_clock::now();
    while (!settled() && std::chrono::steady_clock::now() - settle_start < 90s) std::this_thread::sleep_for(100ms);
    std::cout << "  settled in "
              << std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                       settle_start)
                     .count()
              << " ms after the burst\n";
    EXPECT_EQ(worker_->Stop(SIGTERM), 0) << worker_->Log();
    EXPECT_EQ(serve_->Terminate(), 0) << serve_->Log();

    // Every payment recorded once, and matched to its order.
    for (const auto& p : placed) {
        EXPECT_EQ(Count("SELECT count(*) FROM transactions WHERE comment = $1", {p.comment}), 1) << p.comment;
        EXPECT_EQ(Count("SELECT count(*) FROM transactions WHERE comment = $1 AND outcome = 'paid' AND "
                        "order_uuid = $2",
                        {p.comment, p.uuid}),
                  1)
            << p.uuid;
        // Paid once (and refunded when picked): one order.paid message, applied once; one ticket per seat.
        EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE uuid = $1 AND state = $2",
                        {p.uuid, std::string(p.refund ? "refunded" : "paid")}),
                  1)
            << p.uuid;
        EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE message_id = $1", {"order.paid:" + p.uuid}), 1);
        EXPECT_EQ(
            Count("SELECT count(*) FROM processed_messages WHERE consumer = 'fulfilment' AND message_id = $1",
                  {"order.paid:" + p.uuid}),
            1);
        EXPECT_EQ(Count("SELECT count(*) FROM tickets WHERE order_uuid = $1", {p.uuid}), p.quantity)
            << p.uuid;
        if (p.refund) {
            EXPECT_EQ(Count("SELECT count(*) FROM tickets WHERE order_uuid = $1 AND status = 'refunded'", {p.uuid}),
                      p.quantity);
        }
        EXPECT_EQ(Count("SELECT count(*) FROM refunds WHERE order_uuid = $1", {p.uuid}), p.refund ? 1 : 0);
    }
    EXPECT_EQ(Count("SELECT count(*) FROM tickets"), seats) << "no ticket beyond the paid seats";
    EXPECT_EQ(Count("SELECT count(*) FROM tickets t JOIN orders o ON o.uuid = t.order_uuid WHERE o.state NOT IN "
                    "('paid', 'refunded')"),
              0)
        << "no ticket without a payment";
    EXPECT_EQ(Count("SELECT count(*) FROM outbox WHERE sent_at IS NULL"), 0) << "the outbox is relayed";

    // Notifications: one order.paid per order, one order.refunded per refund; Telegram got each at most once
    // (exactly once unless its sender died mid-send).
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE kind = 'order.paid'"), kOrders);
    EXPECT_EQ(Count("SELECT count(*) FROM notifications WHERE kind = 'order.refunded'"), kRefunds);
    std::map<std::int64_t, int> sends_per_chat;
    for (const auto& r : bot_.Requests()) {
        if (r.method == "sendMessage") ++sends_per_chat[r.body["chat_id"].get<std::int64_t>()];
    }
    for (const auto& p : placed)
        EXPECT_LE(sends_per_chat[p.buyer], p.refund ? 2 : 1) << "buyer " << p.buyer << " messaged twice";
    const std::string orders_kinds = " AND kind IN ('order.paid', 'order.refunded')";
    const auto sent = Count("SELECT count(*) FROM notifications WHERE status = 'sent'" + orders_kinds);
    // Claimed by a sender that was killed before it could record the outcome: left alone (pending and
    // claimed), or marked failed as uncertain by the next sender; never handed to Telegram again.
    const auto uncertain = Count(
        "SELECT count(*) FROM notifications WHERE claimed_at IS NOT NULL AND "
        "((status = 'pending') OR "
        "(status = 'failed' AND last_error LIKE 'uncertain%'))" +
        orders_kinds);
    EXPECT_EQ(sent + uncertain, kOrders + kRefunds)
        << "each notification is sent, or was claimed by a killed sender";
    EXPECT_LE(uncertain, 2 * kKillsEach + kSignerKills);
    std::int64_t messages = 0;
    for (const auto& [chat, n] : sends_per_chat) messages += n;
    EXPECT_GE(messages, sent);
    EXPECT_LE(messages, sent + uncertain);

    // On chain. Money left the platform wallet once per refund: each refunded order's payer received exactly
    // one message from the platform wallet, of the order's amount (the platform pays the fees), with the
    // refund's comment; the others received nothing from it.
    const auto platform = Addr(platform_);
    for (const auto& p : placed) {
        std::vector<ports::ChainMessage> from_platform;
        for (const auto& t : History(p.wallet)) {
            if (t.in_msg && !t.in_msg->IsExternalIn() && Addr(t.in_msg->source) == platform)
                from_platform.push_back(*t.in_msg);
        }
        ASSERT_EQ(from_platform.size(), p.refund ? 1U : 0U) << "refunds of order " << p.uuid;
        if (!p.refund) continue;
        EXPECT_EQ(from_platform[0].value_nanotons, static_cast<std::uint64_t>(kPrice * p.quantity)) << p.uuid;
        EXPECT_EQ(from_platform[0].comment.value_or(""), "Onton refund for order " + p.uuid);
    }

    // One item per NFT ticket, minted once to its buyer's wallet; the collection made exactly as many items as
    // the database assigned indexes (so no second item for any ticket).
    EXPECT_EQ(Count("SELECT count(*) FROM nft_collections WHERE state = 'deployed'"), 1);
    const auto collection = db_.store->Transact([&](ports::Transaction& tx) {
        return ports::AsText(tx.Execute("SELECT address FROM nft_collections").rows.at(0).at(0));
    });
    const auto collection_data = ton::ParseCollectionData(GetMethod(collection, "get_collection_data"));
    ASSERT_TRUE(collection_data.ok()) << collection_data.error().message;
    EXPECT_EQ(collection_data->owner, platform);
    const auto indexed = Count("SELECT count(*) FROM nft_items WHERE item_index IS NOT NULL");
    EXPECT_EQ(collection_data->next_item_index, static_cast<std::uint64_t>(indexed));
    EXPECT_EQ(Count("SELECT count(*) FROM nft_items WHERE state = 'minted'"), indexed);
    EXPECT_EQ(Count("SELECT count(*) FROM nft_items WHERE ticket_id IS NOT NULL"),
              Count("SELECT count(DISTINCT ticket_id) FROM nft_items WHERE ticket_id IS NOT NULL"))
        << "one item per ticket";
    std::int64_t paid_nft_seats = 0;
    for (const auto& p : placed) {
        if (!p.nft) {
            EXPECT_EQ(Count("SELECT count(*) FROM nft_items i JOIN tickets t ON t.ticket_id = i.ticket_id WHERE "
                            "t.order_uuid = $1",
                            {p.uuid}),
                      0);
            continue;
        }
        const auto items = db_.store->Transact([&](ports::Transaction& tx) {
            return tx.Execute(
                "SELECT i.address, i.item_index FROM nft_items i JOIN tickets t ON t.ticket_id = i.ticket_id "
                "WHERE t.order_uuid = $1",
                {p.uuid});
        });
        if (!p.refund) {
            paid_nft_seats += p.quantity;
            EXPECT_EQ(static_cast<std::int64_t>(items.rows.size()), p.quantity) << "an item per ticket of " << p.uuid;
        } else {
            // Refunded before or after its fulfilment: an item per ticket, or none.
            EXPECT_LE(static_cast<std::int64_t>(items.rows.size()), p.quantity) << p.uuid;
        }
        for (const auto& row : items.rows) {
            const auto data = ton::ParseNftData(GetMethod(ports::AsText(row.at(0)), "get_nft_data"));
            ASSERT_TRUE(data.ok()) << data.error().message;
            EXPECT_TRUE(data->initialized);
            EXPECT_EQ(data->index, static_cast<std::uint64_t>(ports::AsInt(row.at(1))));
            EXPECT_EQ(data->collection, Addr(collection));
            EXPECT_EQ(data->owner, Addr(p.wallet)) << "the NFT of " << p.uuid << " is not its buyer's";
        }
    }
    EXPECT_LE(paid_nft_seats, indexed);
    EXPECT_LE(indexed, nft_seats);

    // No seqno signed twice, nothing sent unrecorded: the platform wallet's seqno moved by exactly the number
    // of externals the database saw confirmed, and the wallet's transactions since the start, those of an
    // external, carried exactly the confirmed messages (no failed or skipped one).
    EXPECT_EQ(Count("SELECT count(*) FROM wallet_messages WHERE state <> 'confirmed'"), 0);
    const auto confirmed = Count("SELECT count(*) FROM wallet_messages");
    const auto externals = Count("SELECT count(DISTINCT ext_hash) FROM wallet_messages");
    const auto after = chain_->GetWalletInfo(platform.ToRaw());
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(static_cast<std::int64_t>(after->seqno - seqno_before_), externals);
    std::int64_t chain_externals = 0;
    std::int64_t chain_out = 0;
    for (const auto& t : History(platform.ToRaw(), lt_before_)) {
        if (!t.in_msg || !t.in_msg->IsExternalIn()) continue;
        ++chain_externals;
        chain_out += static_cast<std::int64_t>(t.out_msgs.size());
        EXPECT_EQ(Count("SELECT count(*) FROM wallet_messages WHERE tx_hash = $1", {t.id.hash}),
                  static_cast<std::int64_t>(t.out_msgs.size()))
            << "an external of the platform wallet the database does not account for";
    }
    EXPECT_EQ(chain_externals, externals);
    EXPECT_EQ(chain_out, confirmed);
    EXPECT_EQ(Count("SELECT count(*) FROM wallet_messages WHERE idempotency_key LIKE 'refund:%'"), kRefunds);

    std::cout << "  " << serve_starts_ << " server starts, " << worker_starts_ << " worker starts ("
              << signer_kills_ << " killed while signing), " << sent << " notifications sent, " << uncertain
              << " uncertain; " << confirmed << " wallet messages in " << externals << " externals ("
              << kRefunds << " refunds, " << indexed << " NFT items)\n";
    RecordProperty("uncertain_notifications", static_cast<int>(uncertain));
    RecordProperty("signer_kills", signer_kills_);
}

}  // namespace
}  // namespace onton::test
