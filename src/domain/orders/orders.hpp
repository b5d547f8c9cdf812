#pragma once
/// Orders and tickets: a buyer reserves seats of a ticket type (checked against the sale window, the per-user limit
/// and the supply, atomically), pays, and gets one ticket per seat; an unpaid order expires and gives its seats back
/// exactly once; staff check tickets in, and of concurrent scans of one code exactly one admits.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/result.hpp"
#include "domain/identity/identity.hpp"
#include "domain/money/money.hpp"
#include "domain/orders/state_machine.hpp"
#include "domain/orders/ticket_code.hpp"
#include "ports/clock.hpp"
#include "ports/ids.hpp"
#include "ports/store.hpp"

namespace onton::orders {

/// The NFT item of a ticket of an `is_nft` type (domain/nft), once the NFT manager created it.
struct TicketNft {
    std::string state;                  ///< created | mint_request | minted | failed
    std::optional<std::int64_t> index;  ///< assigned when the mint is requested
    std::string address;                ///< raw form; "" until the index is assigned
};

struct Ticket {
    std::int64_t id = 0;
    std::string order_uuid;
    std::string event_uuid;
    std::string event_title;
    std::int64_t event_start = 0;
    std::int64_t ticket_type_id = 0;
    std::string ticket_type_name;
    std::int64_t holder_id = 0;
    std::string status;  ///< valid | used | refunded | transferred | canceled
    std::string check_in_code;
    std::string qr_payload;  ///< signed (ticket_code.hpp) when the service has a ticket key; else
                             ///< `onton:ticket:<code>`
    std::optional<std::int64_t> checked_in_at;
    std::optional<std::int64_t> checked_in_by;
    std::int64_t created_at = 0;
    std::optional<TicketNft> nft;
};

struct Order {
    std::string uuid;
    std::int64_t user_id = 0;
    std::int64_t event_id = 0;
    std::string event_uuid;
    std::int64_t ticket_type_id = 0;
    std::int64_t quantity = 0;
    std::int64_t total_price = 0;                      ///< in the smallest unit of `currency`
    money::Currency currency = money::Currency::kTon;  ///< the ticket type's, fixed when the order is placed
    OrderState state = OrderState::kCreated;
    std::string payment_comment;
    std::optional<std::int64_t> expires_at;
    std::optional<std::int64_t> paid_at;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::vector<Ticket> tickets;
};

struct OrderSettings {
    std::int64_t order_ttl_seconds = 15 * 60;  ///< how long an unpaid order holds its seats
    std::int64_t max_quantity = 10;            ///< seats per order when the ticket type sets no lower limit
    std::string platform_wallet_address;       ///< where payments go; empty until the TON wallet is configured
    /// The USDT jetton master (user-friendly form) whose transfers to the platform wallet pay USDT orders; empty:
    /// USDT is not taken, and placing an order that costs USDT fails with `payment.currency_unavailable`.
    std::string usdt_jetton_master;
    /// TEST ONLY: switches the oversell guard off on the real purchase path (batched or not), so that the
    /// concurrency tests prove they can catch the race (as pretix's do). Everything else stays as in
    /// production; only the guard changes: the seats a transaction may take are judged from a read made
    /// before it began (without a lock, so other buyers may take them meanwhile) and it takes them with an
    /// unconditional UPDATE. Never set in production.
    bool unsafe_disable_oversell_guard = false;
    /// How long a seat offered to the next person on a waiting list is held for them.
    std::int64_t waitlist_offer_seconds = 30 * 60;
    /// At most this many concurrent orders of one ticket type share a transaction; 1 turns batching off.
    std::int64_t max_batch = 256;
    /// After a batch finds a ticket type sold out (and no waiting-list offer outstanding), further buyers of one
    /// seat of it are told so without a transaction for this long, unless this process releases a seat first
    /// (expiry, cancel, waiting-list offer). Bounds how stale the answer can be when another process releases
    /// one. 0 turns the hint off. Only with batching.
    std::int64_t sold_out_hint_ms = 500;
    /// The 32-byte Ed25519 seed that signs ticket QR codes (ticket_code.hpp); empty: QR codes are the
    /// unsigned `onton:ticket:<code>` (tests that do not look at them).
    std::string ticket_signing_seed;
};

/// The JSON of the API: money as decimal strings of the currency's smallest unit; for an unpaid TON order,
/// `payment` (method `ton_transfer`) with the platform wallet, exact amount, unique comment, expiry and a
/// `ton://transfer` link; for an unpaid USDT order, `payment` (method `jetton_transfer`) with the jetton master, the
/// platform wallet (the jettons' new owner), the amount in micro-USDT, the comment (the transfer's forward payload),
/// expiry and a `ton://transfer` link with `jetton=`.
nlohmann::json ToJson(const Order& order, const OrderSettings& settings);
nlohmann::json ToJson(const Ticket& ticket);

struct Guest {
    Ticket ticket;
    std::string username;
    std::string first_name;
    std::string last_name;
};

struct GuestFilter {
    std::string status;        ///< valid | used | ... ; empty: all
    std::string q;             ///< substring of username, first or last name
    std::optional<std::int64_t> ticket_type_id;
};

struct TicketTypeStats {
    std::int64_t ticket_type_id = 0;
    std::string name;
    std::optional<std::int64_t> supply;
    std::int64_t sold = 0;
    std::int64_t reserved = 0;
    money::Currency currency = money::Currency::kTon;
    std::int64_t revenue = 0;  ///< of paid orders, in the smallest unit of `currency`
    std::int64_t checked_in = 0;
};

nlohmann::json ToJson(const Guest& guest);
nlohmann::json ToJson(const TicketTypeStats& stats);
/// RFC 4180 CSV of the guest list; cells that a spreadsheet would run as a formula are prefixed with `'`.
std::string GuestsCsv(const std::vector<Guest>& guests);

struct PromoCode {
    std::int64_t id = 0;
    std::string code;
    std::optional<std::int64_t> discount_percent;  ///< 1..100
    std::optional<std::int64_t> discount_amount;  ///< off the order total, in the smallest unit of `currency`
    std::optional<money::Currency> currency;      ///< of discount_amount; such a code fits only that currency
    std::optional<std::int64_t> max_uses;
    std::int64_t used_count = 0;
    std::optional<std::int64_t> valid_from;
    std::optional<std::int64_t> valid_until;
    std::optional<std::int64_t> ticket_type_id;    ///< nullopt: every ticket type of the event
};
nlohmann::json ToJson(const PromoCode& promo);

/// The price after a promo code: percentages round the discount down (the buyer never gets more off than
/// promised), fixed amounts come off the whole order, and the total never goes below zero.
std::int64_t DiscountedTotal(std::int64_t total, const PromoCode& promo) noexcept;

struct WaitlistEntry {
    std::int64_t waitlist_id = 0;
    std::int64_t ticket_type_id = 0;
    std::string event_uuid;
    std::string status;  ///< waiting | offered | claimed | lapsed | left
    std::int64_t position = 0;  ///< 1 for the next in line; 0 once no longer waiting
    std::optional<std::int64_t> offer_expires_at;
    std::int64_t created_at = 0;
};
nlohmann::json ToJson(const WaitlistEntry& entry);

struct SelfCheckInResult {
    std::string result;  ///< admitted | already_used | wrong_phrase
    std::int64_t attempts_left = 0;
    std::optional<Ticket> ticket;
};

struct CheckInResult {
    std::string result;  ///< admitted | already_used | invalid (undo: undone | not_checked_in | invalid)
    /// Why a code is invalid: `not_for_this_event` (its signature is not the platform's over this event:
    /// forged, or another event's ticket), `unknown_code` (no ticket of this event has it), `malformed`,
    /// `not_valid` (the ticket was refunded, transferred or canceled); "" otherwise.
    std::string reason;
    std::optional<Ticket> ticket;
    std::string guest_name;
    /// already_used: who admitted the ticket (first name, last name, @username as known), for the desk to
    /// say.
    std::string checked_in_by_name;
};

class OrderService {
public:
    OrderService(ports::Store& store, const ports::Clock& clock, ports::Random& random, OrderSettings settings);

    /// Creates an order (or, for the same idempotency key and body, returns the one it created before; `created`
    /// tells which). Free orders are paid at once and carry their tickets. Errors: not_found, ticket.sold_out,
    /// ticket.sale_closed, ticket.limit_exceeded, request.validation_failed, request.idempotency_mismatch,
    /// payment.currency_unavailable (a USDT price while no USDT jetton is configured).
    struct Placed {
        Order order;
        bool created = true;
    };
    [[nodiscard]] Result<Placed> Place(const identity::Principal& buyer,
                                       const nlohmann::json& body,
                                       const std::string& idempotency_key);

    /// Place's answer, or the infrastructure failure (a store exception) that stopped it.
    struct PlaceOutcome {
        std::optional<Result<Placed>> result;
        std::exception_ptr error;
    };
    using PlaceDone = std::function<void(PlaceOutcome)>;
    /// Runs a task where it may block on the store (a worker pool).
    using Offload = std::function<void(std::function<void()>)>;
    /// Place without holding the caller's thread while the order waits for its batch: `done` is called exactly
    /// once, on this thread or on the thread of the batch that placed it (never under a lock of this service).
    /// Whoever finds no batch running for the ticket type leads batches until no buyer of it waits. Without
    /// `offload` the blocking steps (leading, a lone order, an idempotent lookup) run on the calling thread; with
    /// it they are handed to it, and PlaceAsync itself never blocks (an I/O thread may call it).
    void PlaceAsync(const identity::Principal& buyer,
                    const nlohmann::json& body,
                    const std::string& idempotency_key,
                    PlaceDone done,
                    const Offload& offload = {});

    /// The buyer's own order (or any, for an admin).
    [[nodiscard]] Result<Order> Get(const identity::Principal& caller, const std::string& uuid);
    [[nodiscard]] Result<std::vector<Order>> ListMine(const identity::Principal& caller);
    /// created → canceled by the buyer; the seats return.
    [[nodiscard]] Result<Order> Cancel(const identity::Principal& caller, const std::string& uuid);

    /// created → paid: seats move from reserved to sold and the tickets are issued, exactly once. Called by the
    /// payment watcher (and tests). Returns false when the order was not awaiting payment.
    [[nodiscard]] bool MarkPaid(const std::string& uuid, const std::string& payment_tx_hash);

    /// What the money received for an order did to it.
    enum class PaymentOutcome {
        kPaid,            ///< created → paid (the excess, if any, is due back)
        kUnderpaid,       ///< less than the total so far: the order stays payable for the difference until expiry
        kLatePaid,        ///< expired → paid: the seats were still free
        kRefundDue,       ///< expired with no seat left, canceled or failed: this payment (and any earlier
                          ///< partial ones, which the caller marks) is due back
        kAlreadySettled,  ///< the order was paid (or refunded) before: this payment is due back
    };
    struct PaymentResult {
        PaymentOutcome outcome = PaymentOutcome::kUnderpaid;
        std::int64_t refund_due = 0;  ///< nanotons of this payment to send back
    };
    /// Applies a payment to the order with this uuid inside the caller's transaction (the payment watcher records
    /// the chain transaction in the same one). `received_total` is every payment to the order so far, this one
    /// (`value`) included. Settles at most once: the state change is a compare-and-set.
    PaymentResult ApplyPayment(ports::Transaction& tx,
                               const std::string& uuid,
                               std::int64_t value,
                               std::int64_t received_total,
                               const std::string& payment_tx_hash,
                               std::int64_t now);

    /// One payment of a batch for ApplyPayments.
    struct PaymentIn {
        std::string uuid;
        std::int64_t value = 0;
        std::int64_t received_total = 0;
        std::string payment_tx_hash;
    };
    /// ApplyPayment for each payment of the batch in turn, in one go: result i is what ApplyPayment would
    /// answer for payment i after payments 0..i-1. The common case, a payment that settles a `created` order
    /// alone in the batch, is applied set-wise (a few statements for the whole batch: one compare-and-set of
    /// every such order, one seat update per ticket type, the tickets and the `order.paid` messages each in
    /// multi-row inserts); every other payment, and one whose order someone else moved meanwhile, goes
    /// through ApplyPayment.
    std::vector<PaymentResult> ApplyPayments(ports::Transaction& tx,
                                             const std::vector<PaymentIn>& payments,
                                             std::int64_t now);

    /// Expires up to `batch` unpaid orders past their expiry and returns their seats; returns how many it expired.
    std::int64_t ExpireDue(std::int64_t batch = 500);

    [[nodiscard]] Result<std::vector<Ticket>> MyTickets(const identity::Principal& caller);

    /// Staff scan: admits a valid ticket of this event once. `undo` turns a used ticket back to valid. `code`
    /// is what the scanner read (a signed or unsigned QR payload) or the bare code typed; a signed one whose
    /// signature does not hold for this event is refused without a lookup.
    [[nodiscard]] Result<CheckInResult> CheckIn(const identity::Principal& staff,
                                                const std::string& event_uuid,
                                                const std::string& code,
                                                bool undo);

    /// The public half of the key that signs the event's ticket QR codes (base64url), for scanners that check
    /// signatures themselves: managers and check-in staff. `not_found` when no key is configured.
    [[nodiscard]] Result<std::string> CheckInKey(const identity::Principal& staff,
                                                 const std::string& event_uuid);

    /// The event's guests (one row per ticket): managers and check-in staff.
    [[nodiscard]] Result<std::vector<Guest>> Guests(const identity::Principal& caller,
                                                    const std::string& event_uuid,
                                                    const GuestFilter& filter);
    /// Sales per ticket type: managers only.
    [[nodiscard]] Result<std::vector<TicketTypeStats>> Stats(const identity::Principal& caller,
                                                             const std::string& event_uuid);

    /// Hands a valid ticket to another user who has signed in once: the old ticket becomes `transferred` and its
    /// code stops working; the recipient gets a new ticket with a new code.
    [[nodiscard]] Result<Ticket> Transfer(const identity::Principal& holder, std::int64_t ticket_id, std::int64_t to_user_id);

    /// Online events: managers set the phrase they will reveal during the event (stored as a salted hash).
    [[nodiscard]] Result<void> SetCheckInPhrase(const identity::Principal& caller,
                                                const std::string& event_uuid,
                                                const std::string& phrase);
    /// A ticket holder checks in by the phrase; at most kPhraseAttempts wrong tries per window, then 429.
    [[nodiscard]] Result<SelfCheckInResult> SelfCheckIn(const identity::Principal& caller,
                                                        const std::string& event_uuid,
                                                        const std::string& phrase);
    static constexpr std::int64_t kPhraseAttempts = 5;
    static constexpr std::int64_t kPhraseWindowSeconds = 600;

    /// Joins the waiting list of a sold-out ticket type (idempotent). Error conflict while seats are available.
    [[nodiscard]] Result<WaitlistEntry> JoinWaitlist(const identity::Principal& caller,
                                                     const std::string& event_uuid,
                                                     std::int64_t ticket_type_id);
    /// Leaves it; a seat held for the caller goes back to the next in line.
    [[nodiscard]] Result<WaitlistEntry> LeaveWaitlist(const identity::Principal& caller,
                                                      const std::string& event_uuid,
                                                      std::int64_t ticket_type_id);
    [[nodiscard]] Result<std::vector<WaitlistEntry>> MyWaitlist(const identity::Principal& caller);
    /// Lapses offers past their time (their seats return) and offers every free seat to the next in line, in order
    /// of arrival, holding it (as a reservation) for waitlist_offer_seconds. Returns how many offers it made.
    std::int64_t OfferFreedSeats(std::int64_t batch = 500);

    /// Promo codes, managed by the event's managers.
    [[nodiscard]] Result<PromoCode> CreatePromoCode(const identity::Principal& caller,
                                                    const std::string& event_uuid,
                                                    const nlohmann::json& body);
    [[nodiscard]] Result<std::vector<PromoCode>> ListPromoCodes(const identity::Principal& caller,
                                                                const std::string& event_uuid);

    [[nodiscard]] const OrderSettings& settings() const noexcept { return settings_; }
    /// The key that signs ticket QR codes; null without one.
    [[nodiscard]] const TicketSigner* ticket_signer() const noexcept { return signer_ ? &*signer_ : nullptr; }

    /// Reservation transactions committed by the batcher and the orders they carried (for /metrics).
    [[nodiscard]] std::int64_t batches() const noexcept { return batches_.load(); }
    [[nodiscard]] std::int64_t batched_orders() const noexcept { return batched_orders_.load(); }

private:
    struct PlaceRequest {
        identity::Principal buyer;
        std::string event_uuid;
        std::int64_t ticket_type_id = 0;
        std::int64_t quantity = 0;
        std::string promo_code;
        std::string idempotency_key;
        std::string request_hash;
        std::string access_code;  ///< opens a hidden ticket type
    };
    struct Pending {
        PlaceRequest request;
        PlaceDone done;
        PlaceOutcome outcome;  ///< written by the leader that placed it
    };
    /// Buyers of one ticket type waiting for a batch, whether a leader is running one, and the sold-out hint.
    struct Lane {
        std::vector<std::shared_ptr<Pending>> waiting;
        bool busy = false;
        std::chrono::steady_clock::time_point sold_out_until{};  ///< hint valid before this instant ...
        std::uint64_t sold_out_epoch = 0;                        ///< ... and while no seat was released since
        std::string sold_out_event;                              ///< the event uuid the hint was learnt for
    };

    /// Checks the body and builds the request (or the validation error).
    Result<PlaceRequest> ParsePlace(const identity::Principal& buyer,
                                    const nlohmann::json& body,
                                    const std::string& idempotency_key) const;
    /// One order in its own transaction.
    Result<Placed> PlaceOne(const PlaceRequest& request);
    /// Group commit: concurrent buyers of one ticket type are placed together in one transaction, each with its
    /// own answer; the first to find no batch running leads until none waits, the others' threads go free.
    void PlaceBatched(PlaceRequest request, PlaceDone done, const Offload& offload);
    /// Whether the lane's sold-out hint answers this buyer now (valid, no seat released since, same event).
    /// Call under batch_mutex_.
    [[nodiscard]] bool HintCovers(const Lane& lane, const PlaceRequest& request) const;
    /// `ticket.sold_out` from the hint: at once, or through `offload` when an Idempotency-Key may name an
    /// order placed before (that order is the answer then).
    void AnswerFromHint(const std::shared_ptr<Pending>& pending, const Offload& offload);
    /// The leader's loop: batches of the lane's waiting buyers until none is left. Each batch's buyers are
    /// answered through `offload` when given (the leader goes on with the next batch meanwhile), else here.
    void LeadLane(std::int64_t ticket_type_id, const Offload& offload);
    /// Runs one batch transaction and fills each Pending's outcome; when it learnt that one more seat of the
    /// lane's ticket type cannot be had, returns the event uuid it learnt it for (so the sold-out hint may be set).
    std::optional<std::string> RunBatch(const std::vector<std::shared_ptr<Pending>>& batch);
    /// The answer to a buyer of a ticket type the hint says is sold out: the order of a repeated Idempotency-Key
    /// if there is one (read in a read-only transaction), else ticket.sold_out.
    Result<Placed> AnswerSoldOut(const PlaceRequest& request);
    /// A seat of some ticket type went back on sale in this process: every sold-out hint is void.
    void ForgetSoldOut() noexcept { seats_released_.fetch_add(1, std::memory_order_release); }
    /// What one batch transaction has already read, shared by its orders: the offer rows (event and ticket-type
    /// fields the transaction does not change) and whether any waiting-list offer is outstanding per type.
    struct TxCache {
        std::map<std::pair<std::string, std::int64_t>, ports::ResultSet> offers;
        std::map<std::int64_t, bool> outstanding_offers;
        /// Guard off only (OrderSettings::unsafe_disable_oversell_guard): seats left per ticket type as read
        /// before the transaction began, less what the transaction itself has taken since.
        std::map<std::int64_t, std::int64_t> seats_left_before;
    };
    /// Guard off only: the seats left of a ticket type, read in a transaction of its own (so stale by the
    /// time the caller's transaction writes); nullopt when the supply is unlimited or the type is gone.
    std::optional<std::int64_t> SeatsLeftOutsideTx(std::int64_t ticket_type_id);
    /// Plain reservations of a batch (no promo code, per-user limit, event capacity or waiting-list offer) whose
    /// writes are deferred and made together: one counter UPDATE and one multi-row INSERT (orders.cpp).
    struct BatchWrites;
    void FlushBatchWrites(ports::Transaction& tx, BatchWrites& bulk, std::int64_t now);
    /// The checks and writes of one order inside `tx`; throws RollbackWith to undo its own writes (only a promo
    /// code can). `cache` and `bulk` are the batch's, or null for an order on its own; with `bulk` a plain order's
    /// writes are deferred to it (its answer may still turn into ticket.sold_out when the batch flushes).
    Result<Placed> PlaceInTx(ports::Transaction& tx,
                             const PlaceRequest& request,
                             std::int64_t now,
                             TxCache* cache,
                             BatchWrites* bulk = nullptr);

    ports::Store& store_;
    const ports::Clock& clock_;
    ports::Random& random_;
    OrderSettings settings_;
    std::optional<TicketSigner> signer_;

    std::mutex batch_mutex_;
    std::unordered_map<std::int64_t, Lane> lanes_;
    std::atomic<std::int64_t> batches_{0};
    std::atomic<std::int64_t> batched_orders_{0};
    std::atomic<std::uint64_t> seats_released_{0};
};

}  // namespace onton::orders
