#pragma once
/// The NFT manager (design.md §1, §4, §5; issue #4): per event with an `is_nft` ticket type a TEP-62 collection
/// deployed from the platform wallet, one item per paid ticket of such a type minted to the holder's linked wallet
/// (`users.wallet_address`), and TEP-85 SBT collections (kind `sbt`) for rewards. Metadata (TEP-64 off-chain) is
/// served by `onton serve` under `<public_url>/nft/events/<event_uuid>/`.
///
/// Exactly once: an item's index is assigned in the database, in the transaction that records its mint message
/// (wallet::WalletSender), and the item address is a function of collection and index, so sending a mint again can
/// never make a second item. States advance only on what the chain shows:
///   collections  deploy_request → deployed (get_collection_data answers) | failed (the deploy was never sent)
///   items        created (holder without a wallet, or collection not deployed yet) → mint_request (index assigned,
///                mint queued) → minted (get_nft_address_by_index names the item and its get_nft_data shows it
///                initialised with its index and collection) | failed (after `max_attempts` mints that did not show)
/// Retries use an exponential backoff. Indexes are minted in order (the collection refuses an index above its
/// next one), so a failed item holds back the later ones of its collection until an operator resolves it.

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.hpp"
#include "domain/wallet/sender.hpp"
#include "ports/chain.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::nft {

enum class CollectionKind { kTicket, kSbt };

struct NftSettings {
    std::string public_url = "http://localhost:8080";  ///< base of the metadata URLs, no trailing slash
    ton::Nanotons deploy_amount{50'000'000};            ///< sent with the collection's state init
    ton::Nanotons mint_amount{50'000'000};              ///< sent to the collection per mint
    ton::Nanotons item_amount{20'000'000};              ///< forwarded by the collection to the new item
    std::int64_t max_attempts = 5;
    std::int64_t initial_backoff_seconds = 5;
    std::int64_t max_backoff_seconds = 300;
    std::int64_t batch = 50;  ///< rows looked at per kind and step
};

/// An item as the ticket API shows it.
struct ItemView {
    std::int64_t item_id = 0;
    std::string state;                ///< created | mint_request | minted | failed
    std::optional<std::int64_t> index;
    std::string address;              ///< raw form; "" until the index is assigned
    std::string collection_address;   ///< raw form
    std::string owner_address;        ///< raw form; "" while the holder has no linked wallet
};

struct StepTally {
    std::int64_t collections_requested = 0;
    std::int64_t collections_deployed = 0;
    std::int64_t items_requested = 0;  ///< tickets given an item by the sweep
    std::int64_t mints_queued = 0;
    std::int64_t minted = 0;
    std::int64_t retried = 0;
    std::int64_t failed = 0;
    std::int64_t refused = 0;  ///< tickets whose item request the sweep was refused (nft_mint_refusals)
    [[nodiscard]] std::int64_t total() const {
        return collections_requested + collections_deployed + items_requested + mints_queued + minted +
               retried + failed + refused;
    }
};

class NftManager {
public:
    NftManager(ports::Store& store,
               ports::Chain& chain,
               const ports::Clock& clock,
               wallet::WalletSender& sender,
               NftSettings settings);

    /// The item of a ticket of an `is_nft` type of a paid order, created (with the event's collection, if needed)
    /// on the first call; later calls return the same item. Errors: `nft.ticket_not_found`, `nft.not_nft`
    /// (the ticket type is not an NFT type), `nft.not_paid`.
    Result<ItemView> RequestTicketMint(std::int64_t ticket_id);
    /// The same in the caller's transaction (the fulfilment consumer's, TicketMintFulfilment): writes rows
    /// only (the item, and on the event's first the collection with its queued deploy), no outside I/O.
    Result<ItemView> RequestTicketMint(ports::Transaction& tx, std::int64_t ticket_id);
    /// The reward SBT of a user for an event, created on the first call. Errors: `nft.user_not_found`,
    /// `nft.event_not_found`.
    Result<ItemView> RequestSbtMint(std::int64_t user_id, std::int64_t event_id);
    /// The collection of an event and kind, created and its deploy queued on the first call; returns its id.
    /// Error `nft.event_not_found`.
    Result<std::int64_t> EnsureCollection(std::int64_t event_id, CollectionKind kind);

    /// The safety net behind the fulfilment consumer (TicketMintFulfilment requests a paid order's mints on
    /// `order.paid`): collections for published events with an `is_nft` ticket type, and RequestTicketMint
    /// for paid tickets of such types without an item (orders paid before the hook, while it was not wired,
    /// or whose request was refused: those after the others, least recently tried first). A refusal is
    /// undone and recorded in `nft_mint_refusals` (RecordMintRefusal); a request that succeeds deletes the
    /// ticket's row there.
    StepTally Sweep();
    /// Moves collections and items on by what the chain shows; queues mints of items whose holder has a wallet.
    /// The wallet sender's Pump() does the sending. A chain error leaves the row for the next step.
    StepTally Advance();

    /// TEP-64 metadata JSON of a collection / of item `index`, for the `/nft/events/...` routes. Error
    /// `nft.not_found`.
    Result<nlohmann::json> CollectionMetadata(const std::string& event_uuid, CollectionKind kind);
    Result<nlohmann::json> ItemMetadata(const std::string& event_uuid, CollectionKind kind, std::int64_t index);

    /// `<public_url>/nft/events/<uuid>/` (ticket) or `.../sbt/` (sbt): the collection.json and items/ base.
    [[nodiscard]] std::string MetadataBase(const std::string& event_uuid, CollectionKind kind) const;

private:
    Result<std::int64_t> EnsureCollection(ports::Transaction& tx, std::int64_t event_id, CollectionKind kind);
    void AdvanceCollection(const std::vector<ports::SqlValue>& row, StepTally& tally);
    void QueueMint(const std::vector<ports::SqlValue>& row, StepTally& tally);
    void CheckMint(const std::vector<ports::SqlValue>& row, StepTally& tally);
    /// A collection or item whose message went out (or failed to) and that the chain does not show.
    struct Unseen {
        std::string_view table;
        std::string_view id_column;
        std::int64_t id = 0;
        std::optional<std::int64_t> message_id;
        std::int64_t attempts = 0;
        bool waited = false;     ///< the grace after the message's confirmation has passed
        std::string_view what;   ///< `deploy` or `mint`, for last_error
        std::string key_prefix;  ///< the retried message's idempotency key, without the attempt number
        bool bounce = true;
    };
    /// Waits while the message is in flight; after its confirmation, a grace period; then the same message again
    /// after a backoff, or `failed` at max_attempts.
    void RetryUnseen(const Unseen& row, StepTally& tally);
    /// Queues a copy of a wallet message row (destination, amount, body, init) under a new key.
    std::optional<std::int64_t> RequeueCopy(ports::Transaction& tx,
                                            const std::vector<ports::SqlValue>& previous,
                                            const std::string& key,
                                            bool bounce);

    ports::Store& store_;
    ports::Chain& chain_;
    const ports::Clock& clock_;
    wallet::WalletSender& sender_;
    NftSettings settings_;
};

/// Records in `tx` that the item request of `ticket_id` (of order `order_uuid`) was refused with `code` and
/// `message` by `source` (`fulfilment` or `sweep`): a `nft_mint_refusals` row, its attempts counted up.
void RecordMintRefusal(ports::Transaction& tx,
                       std::int64_t ticket_id,
                       const std::string& order_uuid,
                       std::string_view source,
                       const std::string& code,
                       const std::string& message,
                       std::int64_t now);

/// A `nft_mint_refusals` row: a paid NFT ticket whose item request was refused, and why.
struct MintRefusal {
    std::int64_t ticket_id = 0;
    std::string order_uuid;
    std::string source;  ///< `fulfilment` or `sweep`: who was refused last
    std::string code;
    std::string last_error;
    std::int64_t attempts = 0;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

/// The refusals still standing (a ticket leaves the list once its item is requested), most recently tried
/// first, at most `limit`.
std::vector<MintRefusal> ListMintRefusals(ports::Store& store, std::int64_t limit);

/// A get-method result stack in the toncenter JSON form that ton::ParseStack reads.
nlohmann::json StackJson(const std::vector<ports::StackEntry>& stack);

}  // namespace onton::nft
