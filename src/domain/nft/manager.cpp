#include "domain/nft/manager.hpp"

#include <algorithm>
#include <stdexcept>

#include "common/backoff.hpp"
#include "ton/boc.hpp"
#include "ton/nft.hpp"

namespace onton::nft {
namespace {

using nlohmann::json;
using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsOptionalText;
using ports::AsText;
using ports::SqlValue;

constexpr std::string_view kInsertCollectionSql = R"(
INSERT INTO nft_collections (event_id, kind, address, metadata_url, owner_address, next_item_index, state, attempts,
                             event_uuid, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, 0, 'deploy_request', 0, $6, $7, $7)
ON CONFLICT DO NOTHING)";
constexpr std::string_view kItemViewSql = R"(
SELECT i.item_id, i.state, i.item_index, i.address, c.address, i.owner_address
FROM nft_items i JOIN nft_collections c ON c.collection_id = i.collection_id WHERE i.item_id = $1)";
constexpr std::string_view kDueCollectionsSql = R"(
SELECT collection_id, event_id, kind, address, message_id, attempts, next_check_at FROM nft_collections
WHERE state = 'deploy_request' AND next_check_at <= $1 ORDER BY collection_id LIMIT $2)";
constexpr std::string_view kCreatedItemsSql = R"(
SELECT i.item_id, i.collection_id, i.ticket_id, i.user_id, c.address, c.kind, c.event_uuid
FROM nft_items i JOIN nft_collections c ON c.collection_id = i.collection_id
WHERE i.state = 'created' AND c.state = 'deployed' ORDER BY i.item_id LIMIT $1)";
constexpr std::string_view kRequestedItemsSql = R"(
SELECT i.item_id, i.item_index, i.address, i.owner_address, i.message_id, i.attempts, i.next_check_at, c.address,
       c.kind, c.event_uuid
FROM nft_items i JOIN nft_collections c ON c.collection_id = i.collection_id
WHERE i.state = 'mint_request' AND i.next_check_at <= $1 ORDER BY i.item_index LIMIT $2)";
constexpr std::string_view kSweepEventsSql = R"(
SELECT DISTINCT e.event_id FROM events e JOIN ticket_types tt ON tt.event_id = e.event_id
WHERE tt.is_nft AND e.status = 'published'
  AND NOT EXISTS (SELECT 1 FROM nft_collections c WHERE c.event_id = e.event_id AND c.kind = 'ticket')
ORDER BY e.event_id LIMIT $1)";
// Refused tickets last, least recently tried first, so that a batch of refusals cannot starve the others.
constexpr std::string_view kSweepTicketsSql = R"(
SELECT t.ticket_id, t.order_uuid FROM tickets t JOIN ticket_types tt ON tt.ticket_type_id = t.ticket_type_id
JOIN orders o ON o.uuid = t.order_uuid
LEFT JOIN nft_mint_refusals r ON r.ticket_id = t.ticket_id
WHERE tt.is_nft AND o.state = 'paid' AND t.nft_item_id IS NULL AND t.status IN ('valid', 'used')
ORDER BY r.ticket_id IS NOT NULL, r.updated_at, t.ticket_id LIMIT $1)";
constexpr std::string_view kRecordRefusalSql = R"(
INSERT INTO nft_mint_refusals (ticket_id, order_uuid, source, code, last_error, attempts, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, 1, $6, $6)
ON CONFLICT (ticket_id) DO UPDATE SET source = excluded.source, code = excluded.code,
    last_error = excluded.last_error, attempts = nft_mint_refusals.attempts + 1, updated_at = excluded.updated_at)";

/// A request the sweep was refused: thrown to undo what it wrote before the refusal.
struct SweepRefused : std::runtime_error {
    explicit SweepRefused(Error refusal) : std::runtime_error(refusal.message), error(std::move(refusal)) {}
    Error error;
};

std::string KindName(CollectionKind kind) { return kind == CollectionKind::kSbt ? "sbt" : "ticket"; }
CollectionKind KindOf(const std::string& name) { return name == "sbt" ? CollectionKind::kSbt : CollectionKind::kTicket; }

const ton::CellPtr& ItemCode(CollectionKind kind) {
    return ton::NftCode(kind == CollectionKind::kSbt ? ton::NftContract::kSbtItem : ton::NftContract::kItem);
}

std::optional<ItemView> LoadItem(ports::Transaction& tx, std::int64_t item_id) {
    const auto rs = tx.Execute(kItemViewSql, {item_id});
    if (rs.empty()) return std::nullopt;
    const auto& r = rs.rows[0];
    ItemView view;
    view.item_id = AsInt(r[0]);
    view.state = AsText(r[1]);
    view.index = AsOptionalInt(r[2]);
    view.address = AsOptionalText(r[3]).value_or("");
    view.collection_address = AsOptionalText(r[4]).value_or("");
    view.owner_address = AsOptionalText(r[5]).value_or("");
    return view;
}

/// Runs a get-method and parses its stack; nullopt when the method did not succeed (exit code other than 0/1,
/// e.g. -13 for an account that is not active) or its stack did not parse.
Result<std::optional<std::vector<ton::StackEntry>>> RunGet(ports::Chain& chain,
                                                          const std::string& address,
                                                          std::string_view method,
                                                          const std::vector<ports::StackEntry>& args = {}) {
    auto result = chain.RunGetMethod(address, method, args);
    if (!result) return result.error();
    using Out = std::optional<std::vector<ton::StackEntry>>;
    if (result->exit_code != 0 && result->exit_code != 1) return Out{};
    auto stack = ton::ParseStack(StackJson(result->stack));
    if (!stack) return Out{};
    return Out{*stack};
}

}  // namespace

json StackJson(const std::vector<ports::StackEntry>& stack) {
    json out = json::array();
    for (const auto& entry : stack) {
        switch (entry.kind) {
            case ports::StackEntry::Kind::kNum:
                out.push_back(json::array({"num", entry.number}));
                break;
            case ports::StackEntry::Kind::kCell:
            case ports::StackEntry::Kind::kSlice:
                out.push_back(json::array({"cell", json{{"bytes", entry.boc}}}));
                break;
            case ports::StackEntry::Kind::kTuple:
            case ports::StackEntry::Kind::kUnsupported:
                out.push_back(json::array({"unsupported"}));
                break;
            case ports::StackEntry::Kind::kNull:
                out.push_back(json::array({"null"}));
                break;
        }
    }
    return out;
}

NftManager::NftManager(ports::Store& store,
                       ports::Chain& chain,
                       const ports::Clock& clock,
                       wallet::WalletSender& sender,
                       NftSettings settings)
    : store_(store), chain_(chain), clock_(clock), sender_(sender), settings_(std::move(settings)) {
    while (!settings_.public_url.empty() && settings_.public_url.back() == '/') settings_.public_url.pop_back();
}

std::string NftManager::MetadataBase(const std::string& event_uuid, CollectionKind kind) const {
    return settings_.public_url + "/nft/events/" + event_uuid + (kind == CollectionKind::kSbt ? "/sbt/" : "/");
}

void NftManager::RetryUnseen(const Unseen& row, StepTally& tally) {
    const auto status = row.message_id ? sender_.Status(*row.message_id) : std::nullopt;
    if (status && (status->state == wallet::MessageState::kQueued || status->state == wallet::MessageState::kSent)) return;
    const auto now = clock_.NowUnix();
    const auto table = std::string(row.table);
    const auto where = " WHERE " + std::string(row.id_column) + " = $1";
    if (status && status->state == wallet::MessageState::kConfirmed && !row.waited) {
        // Sent: give the chain a moment to run it before counting it as lost.
        store_.InTransaction([&](ports::Transaction& tx) {
            tx.Execute("UPDATE " + table + " SET next_check_at = $2" + where, {row.id, now + settings_.initial_backoff_seconds});
        });
        return;
    }
    std::string why = "the " + std::string(row.what) + " was sent but did not show on chain";
    if (status && status->state == wallet::MessageState::kFailed) {
        why = "the " + std::string(row.what) + " was not sent: " + status->last_error;
    }
    const auto tried = row.attempts + 1;
    store_.InTransaction([&](ports::Transaction& tx) {
        if (tried >= settings_.max_attempts) {
            tx.Execute("UPDATE " + table + " SET state = 'failed', attempts = $2, last_error = $3, updated_at = $4" + where,
                       {row.id, tried, why, now});
            return;
        }
        // The same message again (same state init, same index): it can only make the same contract, never another.
        const auto previous = tx.Execute(
            "SELECT destination, amount, body_boc, init_boc FROM wallet_messages WHERE message_id = $1", {row.message_id.value_or(0)});
        std::optional<std::int64_t> next_message;
        if (!previous.empty()) {
            next_message = RequeueCopy(tx, previous.rows[0], row.key_prefix + std::to_string(tried), row.bounce);
        }
        tx.Execute("UPDATE " + table + " SET attempts = $2, last_error = $3, next_check_at = $4, message_id = $5, "
                   "updated_at = $6" + where,
                   {row.id, tried, why,
                    now + BackoffSeconds(tried, settings_.initial_backoff_seconds, settings_.max_backoff_seconds),
                    ports::IntOrNull(next_message), now});
    });
    ++(tried >= settings_.max_attempts ? tally.failed : tally.retried);
}

Result<std::int64_t> NftManager::EnsureCollection(std::int64_t event_id, CollectionKind kind) {
    return store_.Transact([&](ports::Transaction& tx) { return EnsureCollection(tx, event_id, kind); });
}

Result<std::int64_t> NftManager::EnsureCollection(ports::Transaction& tx, std::int64_t event_id, CollectionKind kind) {
    const auto kind_name = KindName(kind);
    const auto existing =
        tx.Execute("SELECT collection_id FROM nft_collections WHERE event_id = $1 AND kind = $2", {event_id, kind_name});
    if (!existing.empty()) return AsInt(existing.rows[0][0]);
    const auto event = tx.Execute("SELECT event_uuid FROM events WHERE event_id = $1", {event_id});
    if (event.empty()) return Error{"nft.event_not_found", "no event " + std::to_string(event_id)};
    const auto event_uuid = AsText(event.rows[0][0]);
    const auto base = MetadataBase(event_uuid, kind);
    const auto& owner = sender_.wallet().address;
    ton::NftCollectionConfig config;
    config.owner = owner;
    config.collection_content_url = base + "collection.json";
    config.common_content_prefix = base + "items/";
    config.item_code = ItemCode(kind);
    config.royalty = ton::RoyaltyParams{0, 1000, owner};
    const auto& code = ton::NftCode(ton::NftContract::kCollection);
    auto address = ton::NftCollectionAddress(code, config);
    if (!address) return address.error();
    auto deploy = ton::NftCollectionDeployMessage(code, config, settings_.deploy_amount);
    if (!deploy) return deploy.error();
    const auto now = clock_.NowUnix();
    tx.Execute(kInsertCollectionSql, {event_id, kind_name, address->ToRaw(), config.collection_content_url,
                                      owner.ToRaw(), event_uuid, now});
    const auto id = AsInt(
        tx.Execute("SELECT collection_id FROM nft_collections WHERE event_id = $1 AND kind = $2", {event_id, kind_name})
            .rows.at(0)[0]);
    wallet::Outgoing message;
    message.destination = address->ToRaw();
    message.amount = settings_.deploy_amount;
    message.body = deploy->body;
    message.bounce = false;
    message.init = deploy->init;
    message.idempotency_key = "nft-collection:" + std::to_string(id) + ":0";
    auto queued = sender_.Enqueue(tx, message);
    if (!queued) return queued.error();
    tx.Execute("UPDATE nft_collections SET message_id = $2 WHERE collection_id = $1", {id, *queued});
    return id;
}

Result<ItemView> NftManager::RequestTicketMint(std::int64_t ticket_id) {
    return store_.Transact([&](ports::Transaction& tx) { return RequestTicketMint(tx, ticket_id); });
}

Result<ItemView> NftManager::RequestTicketMint(ports::Transaction& tx, std::int64_t ticket_id) {
    const auto rs = tx.Execute(
        "SELECT t.event_id, t.holder_id, tt.is_nft, o.state FROM tickets t "
        "JOIN ticket_types tt ON tt.ticket_type_id = t.ticket_type_id JOIN orders o ON o.uuid = t.order_uuid "
        "WHERE t.ticket_id = $1",
        {ticket_id});
    if (rs.empty()) return Error{"nft.ticket_not_found", "no ticket " + std::to_string(ticket_id)};
    const auto& r = rs.rows[0];
    if (AsInt(r[2]) == 0) return Error{"nft.not_nft", "the ticket's type is not an NFT ticket type"};
    if (AsText(r[3]) != "paid") return Error{"nft.not_paid", "the ticket's order is not paid"};
    const auto existing = tx.Execute("SELECT item_id FROM nft_items WHERE ticket_id = $1", {ticket_id});
    if (!existing.empty()) return *LoadItem(tx, AsInt(existing.rows[0][0]));
    auto collection = EnsureCollection(tx, AsInt(r[0]), CollectionKind::kTicket);
    if (!collection) return collection.error();
    const auto now = clock_.NowUnix();
    tx.Execute(
        "INSERT INTO nft_items (collection_id, ticket_id, user_id, state, attempts, created_at, updated_at) "
        "VALUES ($1, $2, $3, 'created', 0, $4, $4) ON CONFLICT DO NOTHING",
        {*collection, ticket_id, AsInt(r[1]), now});
    const auto item_id =
        AsInt(tx.Execute("SELECT item_id FROM nft_items WHERE ticket_id = $1", {ticket_id}).rows.at(0)[0]);
    tx.Execute("UPDATE tickets SET nft_item_id = $2, updated_at = $3 WHERE ticket_id = $1",
               {ticket_id, item_id, now});
    return *LoadItem(tx, item_id);
}

Result<ItemView> NftManager::RequestSbtMint(std::int64_t user_id, std::int64_t event_id) {
    return store_.Transact([&](ports::Transaction& tx) -> Result<ItemView> {
        if (tx.Execute("SELECT 1 FROM users WHERE user_id = $1", {user_id}).empty()) {
            return Error{"nft.user_not_found", "no user " + std::to_string(user_id)};
        }
        auto collection = EnsureCollection(tx, event_id, CollectionKind::kSbt);
        if (!collection) return collection.error();
        const auto now = clock_.NowUnix();
        tx.Execute("INSERT INTO nft_items (collection_id, user_id, state, attempts, created_at, updated_at) "
                   "VALUES ($1, $2, 'created', 0, $3, $3) ON CONFLICT DO NOTHING",
                   {*collection, user_id, now});
        const auto item_id = AsInt(tx.Execute("SELECT item_id FROM nft_items WHERE collection_id = $1 AND user_id = $2 "
                                              "AND ticket_id IS NULL",
                                              {*collection, user_id})
                                       .rows.at(0)[0]);
        return *LoadItem(tx, item_id);
    });
}

StepTally NftManager::Sweep() {
    StepTally tally;
    const auto events = store_.Transact([&](ports::Transaction& tx) { return tx.Execute(kSweepEventsSql, {settings_.batch}); },
                                        {.read_only = true});
    for (const auto& row : events.rows) {
        if (EnsureCollection(AsInt(row[0]), CollectionKind::kTicket)) ++tally.collections_requested;
    }
    const auto tickets = store_.Transact([&](ports::Transaction& tx) { return tx.Execute(kSweepTicketsSql, {settings_.batch}); },
                                         {.read_only = true});
    for (const auto& row : tickets.rows) {
        const auto ticket_id = AsInt(row[0]);
        try {
            store_.InTransaction([&](ports::Transaction& tx) {
                auto item = RequestTicketMint(tx, ticket_id);
                if (!item) throw SweepRefused{item.error()};
                tx.Execute("DELETE FROM nft_mint_refusals WHERE ticket_id = $1", {ticket_id});
            });
            ++tally.items_requested;
        } catch (const SweepRefused& refused) {
            store_.InTransaction([&](ports::Transaction& tx) {
                RecordMintRefusal(tx,
                                  ticket_id,
                                  AsText(row[1]),
                                  "sweep",
                                  refused.error.code,
                                  refused.error.message,
                                  clock_.NowUnix());
            });
            ++tally.refused;
        }
    }
    return tally;
}

void RecordMintRefusal(ports::Transaction& tx,
                       std::int64_t ticket_id,
                       const std::string& order_uuid,
                       std::string_view source,
                       const std::string& code,
                       const std::string& message,
                       std::int64_t now) {
    tx.Execute(kRecordRefusalSql, {ticket_id, order_uuid, std::string(source), code, message, now});
}

std::vector<MintRefusal> ListMintRefusals(ports::Store& store, std::int64_t limit) {
    const auto rows = store.Transact(
        [&](ports::Transaction& tx) {
            return tx.Execute(
                "SELECT ticket_id, order_uuid, source, code, last_error, attempts, created_at, updated_at "
                "FROM nft_mint_refusals ORDER BY updated_at DESC, ticket_id LIMIT $1",
                {limit});
        },
        {.read_only = true});
    std::vector<MintRefusal> out;
    out.reserve(rows.rows.size());
    for (const auto& r : rows.rows) {
        out.push_back({.ticket_id = ports::AsInt(r[0]),
                       .order_uuid = ports::AsText(r[1]),
                       .source = ports::AsText(r[2]),
                       .code = ports::AsText(r[3]),
                       .last_error = ports::AsText(r[4]),
                       .attempts = ports::AsInt(r[5]),
                       .created_at = ports::AsInt(r[6]),
                       .updated_at = ports::AsInt(r[7])});
    }
    return out;
}

StepTally NftManager::Advance() {
    StepTally tally;
    const auto now = clock_.NowUnix();
    const auto collections = store_.Transact(
        [&](ports::Transaction& tx) { return tx.Execute(kDueCollectionsSql, {now, settings_.batch}); }, {.read_only = true});
    for (const auto& row : collections.rows) AdvanceCollection(row, tally);
    const auto created = store_.Transact(
        [&](ports::Transaction& tx) { return tx.Execute(kCreatedItemsSql, {settings_.batch}); }, {.read_only = true});
    for (const auto& row : created.rows) QueueMint(row, tally);
    const auto requested = store_.Transact(
        [&](ports::Transaction& tx) { return tx.Execute(kRequestedItemsSql, {now, settings_.batch}); }, {.read_only = true});
    for (const auto& row : requested.rows) CheckMint(row, tally);
    return tally;
}

void NftManager::AdvanceCollection(const std::vector<SqlValue>& row, StepTally& tally) {
    const auto id = AsInt(row[0]);
    const auto event_id = AsInt(row[1]);
    const auto kind = AsText(row[2]);
    const auto address = AsText(row[3]);
    const auto message_id = AsOptionalInt(row[4]);
    const auto attempts = AsInt(row[5]);
    const auto waited = AsInt(row[6]) != 0;
    auto data = RunGet(chain_, address, "get_collection_data");
    if (!data) return;  // the chain did not answer: next step
    const auto now = clock_.NowUnix();
    bool deployed = false;
    if (*data && (*data)->size() == 3) {
        auto owner = ton::ParseAddressEntry((**data)[2]);
        deployed = owner && *owner == sender_.wallet().address;
    }
    if (deployed) {
        store_.InTransaction([&](ports::Transaction& tx) {
            tx.Execute("UPDATE nft_collections SET state = 'deployed', last_error = NULL, updated_at = $2 "
                       "WHERE collection_id = $1 AND state = 'deploy_request'",
                       {id, now});
            if (kind == "ticket") {
                const auto friendly = ton::ParseAddress(address)->address.ToString();
                tx.Execute("UPDATE events SET ticket_nft_collection = $2 WHERE event_id = $1", {event_id, friendly});
            }
        });
        ++tally.collections_deployed;
        return;
    }
    RetryUnseen({"nft_collections", "collection_id", id, message_id, attempts, waited, "deploy",
                 "nft-collection:" + std::to_string(id) + ":", false},
                tally);
}

std::optional<std::int64_t> NftManager::RequeueCopy(ports::Transaction& tx,
                                                    const std::vector<SqlValue>& previous,
                                                    const std::string& key,
                                                    bool bounce) {
    wallet::Outgoing message;
    message.destination = AsText(previous[0]);
    message.amount = ton::Nanotons{static_cast<std::uint64_t>(AsInt(previous[1]))};
    if (const auto body = AsOptionalText(previous[2])) {
        auto roots = ton::ParseBocText(*body);
        if (roots && roots->size() == 1) message.body = roots->front();
    }
    if (const auto init = AsOptionalText(previous[3])) {
        auto roots = ton::ParseBocText(*init);
        if (roots && roots->size() == 1) {
            auto parsed = ton::ParseStateInit(roots->front());
            if (parsed) message.init = *parsed;
        }
    }
    message.bounce = bounce;
    message.idempotency_key = key;
    auto queued = sender_.Enqueue(tx, message);
    if (!queued) return std::nullopt;
    return *queued;
}

void NftManager::QueueMint(const std::vector<SqlValue>& row, StepTally& tally) {
    const auto item_id = AsInt(row[0]);
    const auto collection_id = AsInt(row[1]);
    const auto ticket_id = AsOptionalInt(row[2]);
    const auto user_id = AsOptionalInt(row[3]);
    const auto collection_text = AsText(row[4]);
    const auto kind = KindOf(AsText(row[5]));
    const auto event_uuid = AsOptionalText(row[6]).value_or("");
    const auto collection = ton::ParseAddress(collection_text);
    if (!collection || !user_id) return;
    const auto now = clock_.NowUnix();
    store_.InTransaction([&](ports::Transaction& tx) {
        const auto wallet = tx.Execute("SELECT wallet_address FROM users WHERE user_id = $1", {*user_id});
        const auto text = wallet.empty() ? std::nullopt : AsOptionalText(wallet.rows[0][0]);
        if (!text || text->empty()) return;  // no linked wallet yet: the item waits in `created`
        const auto owner = ton::ParseAddress(*text);
        if (!owner) {
            tx.Execute("UPDATE nft_items SET last_error = $2 WHERE item_id = $1",
                       {item_id, "the holder's wallet address does not parse"});
            return;
        }
        // Lock the collection row first, then read the index this item gets.
        tx.Execute("UPDATE nft_collections SET next_item_index = next_item_index + 1, updated_at = $2 "
                   "WHERE collection_id = $1",
                   {collection_id, now});
        const auto index = AsInt(tx.Execute("SELECT next_item_index FROM nft_collections WHERE collection_id = $1",
                                            {collection_id})
                                     .rows.at(0)[0]) -
                           1;
        const auto uindex = static_cast<std::uint64_t>(index);
        auto item_address = ton::NftItemAddress(ItemCode(kind), collection->address, uindex);
        ton::NftMintItem item;
        item.index = uindex;
        item.amount = settings_.item_amount;
        item.owner = owner->address;
        item.content = std::to_string(index) + ".json";
        if (kind == CollectionKind::kSbt) item.authority = sender_.wallet().address;
        auto body = ton::NftMintBody(static_cast<std::uint64_t>(item_id), item);
        if (!item_address || !body) throw std::logic_error("cannot build a mint message");
        wallet::Outgoing message;
        message.destination = collection->address.ToRaw();
        message.amount = settings_.mint_amount;
        message.body = *body;
        message.bounce = true;
        message.idempotency_key = "nft-mint:" + std::to_string(item_id) + ":0";
        auto queued = sender_.Enqueue(tx, message);
        if (!queued) throw std::logic_error("cannot queue a mint message: " + queued.error().message);
        const auto updated = tx.Execute(
            "UPDATE nft_items SET item_index = $2, owner_address = $3, address = $4, content_url = $5, "
            "state = 'mint_request', message_id = $6, next_check_at = 0, last_error = NULL, updated_at = $7 "
            "WHERE item_id = $1 AND state = 'created'",
            {item_id, index, owner->address.ToRaw(), item_address->ToRaw(),
             MetadataBase(event_uuid, kind) + "items/" + item.content, *queued, now});
        if (updated.rows_affected != 1) throw std::logic_error("item left `created` during its mint request");
        if (ticket_id) {
            tx.Execute("UPDATE tickets SET nft_item_address = $2, updated_at = $3 WHERE ticket_id = $1",
                       {*ticket_id, item_address->ToRaw(), now});
        }
        ++tally.mints_queued;
    });
}

void NftManager::CheckMint(const std::vector<SqlValue>& row, StepTally& tally) {
    const auto item_id = AsInt(row[0]);
    const auto index = AsInt(row[1]);
    const auto item_address = AsText(row[2]);
    const auto message_id = AsOptionalInt(row[4]);
    const auto attempts = AsInt(row[5]);
    const auto waited = AsInt(row[6]) != 0;
    const auto collection_text = AsText(row[7]);
    const auto collection = ton::ParseAddress(collection_text);
    const auto expected = ton::ParseAddress(item_address);
    if (!collection || !expected) return;
    const auto now = clock_.NowUnix();
    auto fail = [&](const std::string& why) {
        store_.InTransaction([&](ports::Transaction& tx) {
            tx.Execute("UPDATE nft_items SET state = 'failed', last_error = $2, updated_at = $3 WHERE item_id = $1",
                       {item_id, why, now});
        });
        ++tally.failed;
    };
    // The collection names the item's address for its index; the item shows itself initialised in it.
    auto by_index = RunGet(chain_, collection_text, "get_nft_address_by_index", {ports::StackEntry::Num(std::to_string(index))});
    if (!by_index) return;
    if (*by_index && !(*by_index)->empty()) {
        auto named = ton::ParseAddressEntry((**by_index)[0]);
        if (named && *named != expected->address) {
            fail("the collection names another address for index " + std::to_string(index));
            return;
        }
    }
    auto data = RunGet(chain_, item_address, "get_nft_data");
    if (!data) return;
    bool minted = false;
    std::string observed_owner;
    if (*data && (*data)->size() == 5) {
        const auto& e = **data;
        const bool initialized = e[0].kind == ton::StackEntry::Kind::kNum && !e[0].num.empty();
        std::uint64_t observed_index = 0;
        for (const auto byte : e[1].num) observed_index = (observed_index << 8U) | byte;
        const auto in_collection = ton::ParseAddressEntry(e[2]);
        const auto owner = ton::ParseAddressEntry(e[3]);
        minted = initialized && observed_index == static_cast<std::uint64_t>(index) && in_collection &&
                 *in_collection == collection->address && owner;
        if (owner) observed_owner = owner->ToRaw();
    }
    if (minted) {
        store_.InTransaction([&](ports::Transaction& tx) {
            tx.Execute("UPDATE nft_items SET state = 'minted', owner_address = $2, last_error = NULL, updated_at = $3 "
                       "WHERE item_id = $1 AND state = 'mint_request'",
                       {item_id, observed_owner, now});
        });
        ++tally.minted;
        return;
    }
    RetryUnseen({"nft_items", "item_id", item_id, message_id, attempts, waited, "mint",
                 "nft-mint:" + std::to_string(item_id) + ":", true},
                tally);
}

Result<json> NftManager::CollectionMetadata(const std::string& event_uuid, CollectionKind kind) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<json> {
            const auto rs = tx.Execute(
                "SELECT e.title, e.description, e.image_url FROM nft_collections c JOIN events e ON e.event_id = c.event_id "
                "WHERE c.event_uuid = $1 AND c.kind = $2",
                {event_uuid, KindName(kind)});
            if (rs.empty()) return Error{"nft.not_found", "no such collection"};
            const auto& r = rs.rows[0];
            const auto title = AsText(r[0]);
            json out{{"name", kind == CollectionKind::kSbt ? title + " — attendance" : title},
                     {"description", AsText(r[1])},
                     {"external_url", settings_.public_url + "/app/events/" + event_uuid}};
            if (const auto image = AsOptionalText(r[2])) out["image"] = *image;
            return out;
        },
        {.read_only = true});
}

Result<json> NftManager::ItemMetadata(const std::string& event_uuid, CollectionKind kind, std::int64_t index) {
    return store_.Transact(
        [&](ports::Transaction& tx) -> Result<json> {
            const auto rs = tx.Execute(
                "SELECT e.title, e.description, e.image_url, tt.name FROM nft_items i "
                "JOIN nft_collections c ON c.collection_id = i.collection_id JOIN events e ON e.event_id = c.event_id "
                "LEFT JOIN tickets t ON t.ticket_id = i.ticket_id "
                "LEFT JOIN ticket_types tt ON tt.ticket_type_id = t.ticket_type_id "
                "WHERE c.event_uuid = $1 AND c.kind = $2 AND i.item_index = $3",
                {event_uuid, KindName(kind), index});
            if (rs.empty()) return Error{"nft.not_found", "no such item"};
            const auto& r = rs.rows[0];
            const auto title = AsText(r[0]);
            const auto type = AsOptionalText(r[3]);
            json attributes = json::array({json{{"trait_type", "Event"}, {"value", title}}});
            if (type) attributes.push_back(json{{"trait_type", "Ticket type"}, {"value", *type}});
            json out{{"name", title + (type ? " — " + *type : std::string(" — attendance")) + " #" + std::to_string(index)},
                     {"description", AsText(r[1])},
                     {"external_url", settings_.public_url + "/app/events/" + event_uuid},
                     {"attributes", attributes}};
            if (const auto image = AsOptionalText(r[2])) out["image"] = *image;
            return out;
        },
        {.read_only = true});
}

}  // namespace onton::nft
