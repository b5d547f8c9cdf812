// The NFT manager's state machines against a fake chain (tests/support/fake_chain) over a real SQLite store:
// collections deployed for published NFT events, one item per paid NFT ticket minted to the holder's wallet,
// never two, whatever crashes or refusals happen on the way.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "domain/fulfilment/fulfilment.hpp"
#include "domain/nft/fulfilment.hpp"
#include "domain/nft/manager.hpp"
#include "support/fake_chain.hpp"
#include "support/fakes.hpp"
#include "support/process.hpp"
#include "support/seeded_wallet.hpp"
#include "support/test_store.hpp"
#include "ton/nft.hpp"

namespace onton::nft {
namespace {

using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;
using test::FakeChain;

ton::Address Holder(std::uint8_t n) {
    ton::Address a;
    a.hash.fill(n);
    return a;
}

/// The parsed `order.paid` message of an order of user 1 (the hook reads only the order's uuid).
fulfilment::PaidOrder Paid(const std::string& order_uuid) {
    fulfilment::PaidOrder order;
    order.order_uuid = order_uuid;
    order.user_id = 1;
    order.event_uuid = "ev-1";
    order.title = "Party";
    return order;
}

class NftManagerTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = test::OpenTestStore("sqlite", dir_.path());
        store_ = db_.store.get();
        Restart();
        const auto now = clock_.NowUnix();
        store_->InTransaction([&](ports::Transaction& tx) {
            for (std::int64_t user = 1; user <= 3; ++user) {
                tx.Execute("INSERT INTO users (user_id, first_name, created_at, updated_at) VALUES ($1, 'u', $2, $2)",
                           {user, now});
            }
            tx.Execute("UPDATE users SET wallet_address = $1 WHERE user_id = 1", {Holder(0xA1).ToString()});
            tx.Execute("INSERT INTO events (event_uuid, owner_id, title, description, start_date, end_date, "
                       "participation_type, status, created_at, updated_at) "
                       "VALUES ('ev-1', 3, 'Party', 'A party', $1, $1, 'in_person', 'published', $1, $1)",
                       {now});
            event_id_ = AsInt(tx.Execute("SELECT event_id FROM events WHERE event_uuid = 'ev-1'").rows[0][0]);
            tx.Execute("INSERT INTO ticket_types (event_id, name, price, is_nft, created_at, updated_at) "
                       "VALUES ($1, 'VIP', 100, 1, $2, $2)",
                       {event_id_, now});
            tx.Execute("INSERT INTO ticket_types (event_id, name, price, is_nft, created_at, updated_at) "
                       "VALUES ($1, 'Plain', 100, 0, $2, $2)",
                       {event_id_, now});
        });
    }
    void TearDown() override {
        manager_.reset();
        sender_.reset();
    }
    /// A new process over the same database and chain.
    void Restart() {
        manager_.reset();
        wallet::SenderSettings sender_settings;
        sender_settings.max_attempts = 3;
        sender_ = std::make_unique<wallet::WalletSender>(*store_, chain_, clock_, wallet_, sender_settings);
        NftSettings settings;
        settings.public_url = "https://onton.test/";
        settings.max_attempts = 3;
        manager_ = std::make_unique<NftManager>(*store_, chain_, clock_, *sender_, settings);
    }
    std::int64_t Ticket(std::int64_t holder, const std::string& type, const std::string& order_state = "paid") {
        return store_->Transact([&](ports::Transaction& tx) {
            const auto now = clock_.NowUnix();
            const auto type_id = AsInt(
                tx.Execute("SELECT ticket_type_id FROM ticket_types WHERE name = $1", {type}).rows[0][0]);
            const auto uuid = "order-" + std::to_string(++orders_);
            tx.Execute("INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, type, "
                       "created_at, updated_at) VALUES ($1, $2, $3, $4, 1, 100, $5, 'ticket', $6, $6)",
                       {uuid, holder, event_id_, type_id, order_state, now});
            tx.Execute("INSERT INTO tickets (order_uuid, event_id, ticket_type_id, holder_id, check_in_code, created_at, "
                       "updated_at) VALUES ($1, $2, $3, $4, $1, $5, $5)",
                       {uuid, event_id_, type_id, holder, now});
            return AsInt(tx.Execute("SELECT ticket_id FROM tickets WHERE order_uuid = $1", {uuid}).rows[0][0]);
        });
    }
    /// A paid order of `count` tickets of `type` and its `order.paid` message (as orders::OrderService writes
    /// it).
    ports::BusMessage PaidOrder(std::int64_t holder, const std::string& type, int count) {
        return store_->Transact([&](ports::Transaction& tx) {
            const auto now = clock_.NowUnix();
            const auto type_id = AsInt(
                tx.Execute("SELECT ticket_type_id FROM ticket_types WHERE name = $1", {type}).rows[0][0]);
            const auto uuid = "order-" + std::to_string(++orders_);
            tx.Execute(
                "INSERT INTO orders (uuid, user_id, event_id, ticket_type_id, quantity, total_price, state, "
                "type, "
                "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, 100, 'paid', 'ticket', $6, $6)",
                {uuid, holder, event_id_, type_id, std::int64_t{count}, now});
            for (int i = 0; i < count; ++i) {
                tx.Execute(
                    "INSERT INTO tickets (order_uuid, event_id, ticket_type_id, holder_id, check_in_code, "
                    "created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)",
                    {uuid, event_id_, type_id, holder, uuid + "-" + std::to_string(i), now});
            }
            const nlohmann::json payload = {{"order_uuid", uuid},
                                            {"user_id", holder},
                                            {"event_id", event_id_},
                                            {"event_uuid", "ev-1"},
                                            {"title", "Party"},
                                            {"ticket_type_id", type_id},
                                            {"quantity", count}};
            return ports::BusMessage{"order.paid:" + uuid, "order.paid", uuid, payload.dump()};
        });
    }
    /// What `onton serve` does every few seconds.
    void Drive(int steps) {
        for (int i = 0; i < steps; ++i) {
            (void)manager_->Sweep();
            (void)manager_->Advance();
            (void)sender_->Pump();
            clock_.Advance(10);
        }
    }
    ports::ResultSet Query(const std::string& sql, const ports::SqlParams& params = {}) {
        return store_->Transact([&](ports::Transaction& tx) { return tx.Execute(sql, params); });
    }
    std::string ItemState(std::int64_t item_id) {
        return AsText(Query("SELECT state FROM nft_items WHERE item_id = $1", {item_id}).rows.at(0)[0]);
    }

    test::TempDir dir_;
    test::TestStore db_;
    ports::Store* store_ = nullptr;
    test::FakeClock clock_;
    wallet::PlatformWallet wallet_ = test::SeededWallet(9);
    FakeChain chain_{clock_, wallet_.address};
    std::unique_ptr<wallet::WalletSender> sender_;
    std::unique_ptr<NftManager> manager_;
    std::int64_t event_id_ = 0;
    int orders_ = 0;
};

TEST_F(NftManagerTest, PublishedNftEventGetsItsCollectionAndPaidTicketsTheirItems) {
    const auto with_wallet = Ticket(1, "VIP");
    const auto without_wallet = Ticket(2, "VIP");
    const auto plain = Ticket(1, "Plain");
    const auto unpaid = Ticket(1, "VIP", "created");
    Drive(4);

    const auto collection = Query("SELECT address, state, metadata_url FROM nft_collections WHERE kind = 'ticket'");
    ASSERT_EQ(collection.rows.size(), 1u);
    EXPECT_EQ(AsText(collection.rows[0][1]), "deployed");
    EXPECT_EQ(AsText(collection.rows[0][2]), "https://onton.test/nft/events/ev-1/collection.json");
    const auto collection_address = *ton::ParseAddress(AsText(collection.rows[0][0]));
    EXPECT_TRUE(chain_.IsCollection(collection_address.address));
    EXPECT_EQ(AsOptionalText(Query("SELECT ticket_nft_collection FROM events").rows[0][0]),
              collection_address.address.ToString());

    const auto items = chain_.Items();
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].index, 0u);
    EXPECT_EQ(items[0].owner, Holder(0xA1));
    EXPECT_EQ(items[0].collection, collection_address.address);

    const auto ticket = Query("SELECT nft_item_id, nft_item_address FROM tickets WHERE ticket_id = $1", {with_wallet});
    const auto item_id = AsInt(ticket.rows[0][0]);
    EXPECT_EQ(ItemState(item_id), "minted");
    const auto expected =
        *ton::NftItemAddress(ton::NftCode(ton::NftContract::kItem), collection_address.address, 0);
    EXPECT_EQ(AsText(ticket.rows[0][1]), expected.ToRaw());

    // The holder without a wallet waits in `created`, without an index, until one is linked.
    const auto waiting = AsInt(Query("SELECT nft_item_id FROM tickets WHERE ticket_id = $1", {without_wallet}).rows[0][0]);
    EXPECT_EQ(ItemState(waiting), "created");
    EXPECT_FALSE(AsOptionalInt(Query("SELECT item_index FROM nft_items WHERE item_id = $1", {waiting}).rows[0][0]));
    EXPECT_FALSE(AsOptionalInt(Query("SELECT nft_item_id FROM tickets WHERE ticket_id = $1", {plain}).rows[0][0]));
    EXPECT_FALSE(AsOptionalInt(Query("SELECT nft_item_id FROM tickets WHERE ticket_id = $1", {unpaid}).rows[0][0]));

    Query("UPDATE users SET wallet_address = $1 WHERE user_id = 2", {Holder(0xB2).ToRaw()});
    Drive(3);
    EXPECT_EQ(ItemState(waiting), "minted");
    ASSERT_EQ(chain_.Items().size(), 2u);
    // One deploy and two mints, nothing more, however many steps ran.
    Drive(3);
    EXPECT_EQ(chain_.SentMessages().size(), 3u);
    auto view = manager_->RequestTicketMint(without_wallet);
    ASSERT_TRUE(view.ok());
    EXPECT_EQ(view->state, "minted");
    EXPECT_EQ(view->index, 1);
    EXPECT_EQ(view->owner_address, Holder(0xB2).ToRaw());
}

TEST_F(NftManagerTest, RequestTicketMintIsIdempotentAndChecksTheTicket) {
    const auto ticket = Ticket(1, "VIP");
    auto first = manager_->RequestTicketMint(ticket);
    ASSERT_TRUE(first.ok()) << first.error().message;
    EXPECT_EQ(first->state, "created");
    auto again = manager_->RequestTicketMint(ticket);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->item_id, first->item_id);
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM nft_items").rows[0][0]), 1);
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM nft_collections").rows[0][0]), 1);
    EXPECT_EQ(manager_->RequestTicketMint(Ticket(1, "Plain")).error().code, "nft.not_nft");
    EXPECT_EQ(manager_->RequestTicketMint(Ticket(1, "VIP", "created")).error().code, "nft.not_paid");
    EXPECT_EQ(manager_->RequestTicketMint(424242).error().code, "nft.ticket_not_found");
    EXPECT_EQ(manager_->EnsureCollection(424242, CollectionKind::kTicket).error().code, "nft.event_not_found");
}

TEST_F(NftManagerTest, OrderPaidRequestsOneMintPerNftTicketInTheFulfilmentTransactionEvenWhenDeliveredTwice) {
    TicketMintFulfilment hook(*manager_);
    fulfilment::FulfilmentConsumer consumer(*store_, clock_, hook);
    const auto nft_order = PaidOrder(1, "VIP", 2);
    const auto plain_order = PaidOrder(1, "Plain", 1);
    consumer.Handle(nft_order);
    consumer.Handle(nft_order);  // the relay or the consumer died before the ack: delivered again
    consumer.Handle(plain_order);

    EXPECT_EQ(
        AsInt(Query("SELECT COUNT(*) FROM processed_messages WHERE consumer = 'fulfilment'").rows[0][0]), 2);
    const auto items = Query(
        "SELECT i.item_id, i.state, i.user_id, t.order_uuid FROM nft_items i "
        "JOIN tickets t ON t.nft_item_id = i.item_id ORDER BY i.item_id");
    ASSERT_EQ(items.rows.size(), 2u) << "one item per NFT ticket of the paid order, none for the plain one";
    for (const auto& row : items.rows) {
        EXPECT_EQ(AsText(row[1]), "created");
        EXPECT_EQ(AsInt(row[2]), 1);
        EXPECT_EQ(AsText(row[3]), nft_order.key);
    }
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM nft_items").rows[0][0]), 2);
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM tickets WHERE order_uuid = $1 AND nft_item_id IS NULL",
                          {plain_order.key})
                        .rows[0][0]),
              1);
    // The event's collection came with the first request, its deploy queued in the same transaction.
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM nft_collections WHERE kind = 'ticket'").rows[0][0]), 1);
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM wallet_messages").rows[0][0]), 1);

    // The request itself is idempotent per ticket: the hook run again (past the consumer's dedupe) adds
    // nothing, and the Sweep safety net finds nothing left to request.
    store_->InTransaction(
        [&](ports::Transaction& tx) { hook.OnOrderPaid(tx, Paid(nft_order.key), clock_.NowUnix()); });
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM nft_items").rows[0][0]), 2);
    EXPECT_EQ(manager_->Sweep().items_requested, 0);

    // The worker's steps mint them: two items on chain, never more.
    Drive(4);
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM nft_items WHERE state = 'minted'").rows[0][0]), 2);
    EXPECT_EQ(chain_.Items().size(), 2u);
}

TEST_F(NftManagerTest, OrderPaidHookSkipsOrdersNoLongerPaidAndLeavesPreviousItemsAlone) {
    TicketMintFulfilment hook(*manager_);
    const auto swept = Ticket(1, "VIP");
    (void)manager_->Sweep();  // an order paid before the hook: the Sweep already gave its ticket an item
    const auto item =
        AsInt(Query("SELECT nft_item_id FROM tickets WHERE ticket_id = $1", {swept}).rows[0][0]);
    const auto order =
        AsText(Query("SELECT order_uuid FROM tickets WHERE ticket_id = $1", {swept}).rows[0][0]);
    store_->InTransaction(
        [&](ports::Transaction& tx) { hook.OnOrderPaid(tx, Paid(order), clock_.NowUnix()); });
    EXPECT_EQ(AsInt(Query("SELECT nft_item_id FROM tickets WHERE ticket_id = $1", {swept}).rows[0][0]), item);
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM nft_items").rows[0][0]), 1);

    // Refunded between its payment and the message's consumption: nothing is minted.
    const auto refunded = PaidOrder(1, "VIP", 1);
    store_->InTransaction([&](ports::Transaction& tx) {
        tx.Execute("UPDATE orders SET state = 'refunded' WHERE uuid = $1", {refunded.key});
    });
    fulfilment::FulfilmentConsumer consumer(*store_, clock_, hook);
    consumer.Handle(refunded);
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM nft_items").rows[0][0]), 1);
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM processed_messages").rows[0][0]), 1) << "still consumed";
}

TEST_F(NftManagerTest, CrashBetweenSendAndObservationLeavesOneItemAndOneMint) {
    Drive(2);  // the published event's collection is deployed
    const auto ticket = Ticket(1, "VIP");
    ASSERT_EQ(AsText(Query("SELECT state FROM nft_collections").rows[0][0]), "deployed");
    ASSERT_TRUE(manager_->RequestTicketMint(ticket).ok());
    (void)manager_->Advance();  // index assigned, mint queued
    chain_.QueueSendFault(FakeChain::SendFault::kLoseReply);
    chain_.FailReadsAfterNextSend(1);
    EXPECT_FALSE(sender_->Pump().ok());  // sent, then the process "dies" before it sees the transaction
    Restart();
    Drive(5);
    const auto item_id = AsInt(Query("SELECT nft_item_id FROM tickets WHERE ticket_id = $1", {ticket}).rows[0][0]);
    EXPECT_EQ(ItemState(item_id), "minted");
    EXPECT_EQ(chain_.Items().size(), 1u);
    EXPECT_EQ(chain_.SentMessages().size(), 2u);  // the deploy and one mint
    EXPECT_EQ(AsInt(Query("SELECT COUNT(*) FROM wallet_messages").rows[0][0]), 2);
}

TEST_F(NftManagerTest, MintsThatNeverShowAreRetriedThenFailed) {
    Drive(2);
    chain_.SetRefuseMints(true);
    const auto ticket = Ticket(1, "VIP");
    Drive(30);
    const auto item_id = AsInt(Query("SELECT nft_item_id FROM tickets WHERE ticket_id = $1", {ticket}).rows[0][0]);
    EXPECT_EQ(ItemState(item_id), "failed");
    EXPECT_EQ(AsInt(Query("SELECT attempts FROM nft_items WHERE item_id = $1", {item_id}).rows[0][0]), 3);
    EXPECT_TRUE(chain_.Items().empty());
    // Every retry re-sent the same index to the same collection: three mints, no second index used.
    EXPECT_EQ(chain_.SentMessages().size(), 1u + 3u);
    EXPECT_EQ(AsInt(Query("SELECT next_item_index FROM nft_collections").rows[0][0]), 1);
}

TEST_F(NftManagerTest, RewardSbtIsMintedFromItsOwnCollection) {
    auto sbt = manager_->RequestSbtMint(1, event_id_);
    ASSERT_TRUE(sbt.ok()) << sbt.error().message;
    EXPECT_EQ(manager_->RequestSbtMint(1, event_id_)->item_id, sbt->item_id);
    EXPECT_EQ(manager_->RequestSbtMint(99, event_id_).error().code, "nft.user_not_found");
    Drive(4);
    const auto collection = Query("SELECT address, metadata_url FROM nft_collections WHERE kind = 'sbt'");
    ASSERT_EQ(collection.rows.size(), 1u);
    EXPECT_EQ(AsText(collection.rows[0][1]), "https://onton.test/nft/events/ev-1/sbt/collection.json");
    const auto address = ton::ParseAddress(AsText(collection.rows[0][0]))->address;
    const auto items = chain_.Items();
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].collection, address);
    EXPECT_EQ(ItemState(sbt->item_id), "minted");
    const auto stored = AsText(Query("SELECT address FROM nft_items WHERE item_id = $1", {sbt->item_id}).rows[0][0]);
    EXPECT_EQ(stored, ton::NftItemAddress(ton::NftCode(ton::NftContract::kSbtItem), address, 0)->ToRaw());
}

TEST_F(NftManagerTest, MetadataDescribesTheEventAndTheTicket) {
    Ticket(1, "VIP");
    Drive(3);
    auto collection = manager_->CollectionMetadata("ev-1", CollectionKind::kTicket);
    ASSERT_TRUE(collection.ok());
    EXPECT_EQ((*collection)["name"], "Party");
    EXPECT_EQ((*collection)["description"], "A party");
    auto item = manager_->ItemMetadata("ev-1", CollectionKind::kTicket, 0);
    ASSERT_TRUE(item.ok());
    EXPECT_EQ((*item)["name"], "Party — VIP #0");
    EXPECT_EQ((*item)["attributes"][1]["value"], "VIP");
    EXPECT_EQ(manager_->ItemMetadata("ev-1", CollectionKind::kTicket, 5).error().code, "nft.not_found");
    EXPECT_EQ(manager_->CollectionMetadata("nope", CollectionKind::kTicket).error().code, "nft.not_found");
}

}  // namespace
}  // namespace onton::nft
