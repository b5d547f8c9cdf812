#pragma once
/// Telegram Stars (XTR) payments (issue #5, docs/payments.md "Payments in Telegram Stars"): an order priced
/// in XTR is paid through a Bot API invoice instead of a transfer on chain.
///
/// 1. The buyer asks for an invoice link (createInvoiceLink: currency XTR, empty provider_token, one price
/// line of the
///    order's total, payload the order's payment comment) and the Mini App opens it (`openInvoice`).
/// 2. Telegram asks before charging (pre_checkout_query): ok only when the payload names an order priced in
/// XTR, of
///    exactly that amount, that can still be paid (created, or expired with its seats still free); otherwise
///    a refusal with a message the buyer sees.
/// 3. Telegram reports the charge (message.successful_payment): recorded once in `transactions` (nft
/// database) as
///    `xtr:<telegram_payment_charge_id>` (the hash, unique) and credited in the same database transaction
///    with the order rules every currency shares (credit.hpp). A repeated update meets the recorded hash and
///    does nothing.
/// 4. Stars owed back (an admin's refund, a canceled event, a payment that could not be credited) are
/// `refunds` rows
///    in XTR: RefundStep returns each charge with refundStarPayment. Telegram refunds a charge once and says
///    CHARGE_ALREADY_REFUNDED after that, so a step repeated after a crash settles the row without a second
///    refund.
///
/// Every Messenger call blocks: call these from a worker thread.

#include <cstdint>
#include <optional>
#include <string>

#include "common/result.hpp"
#include "domain/identity/identity.hpp"
#include "domain/orders/orders.hpp"
#include "domain/payments/credit.hpp"
#include "ports/clock.hpp"
#include "ports/messenger.hpp"
#include "ports/store.hpp"
#include "telegram/webhook.hpp"

namespace onton::payments {

/// The hash a Stars payment is recorded under: `xtr:<telegram_payment_charge_id>`.
[[nodiscard]] std::string StarsPaymentHash(std::string_view telegram_payment_charge_id);

/// At most `max_chars` Unicode characters of UTF-8 `text` (Telegram counts characters, not bytes); "…" ends a
/// cut.
[[nodiscard]] std::string TruncateText(std::string_view text, std::size_t max_chars);

struct StarsInvoiceLink {
    std::string order_uuid;
    std::string link;         ///< for Telegram.WebApp.openInvoice
    std::int64_t amount = 0;  ///< whole Stars
    std::optional<std::int64_t> expires_at;
};

struct StarsRefundTally {
    std::int64_t sent = 0;     ///< refunded by Telegram (or found refunded already)
    std::int64_t failed = 0;   ///< refused for good (last_error says why)
    std::int64_t waiting = 0;  ///< Telegram unavailable or flood control: tried again on the next step
};

class StarsPayments {
   public:
    /// `messenger`, `orders` and the rest must outlive this object.
    StarsPayments(ports::Store& store,
                  ports::Messenger& messenger,
                  orders::OrderService& orders,
                  const ports::Clock& clock);

    /// The invoice link of the buyer's own order awaiting payment in XTR. Errors: not_found (no such order,
    /// or another user's), conflict (priced in another currency, or free), state.invalid_transition (not
    /// awaiting payment, or past its expiry), payment.provider_unavailable (Telegram did not make the link).
    [[nodiscard]] Result<StarsInvoiceLink> CreateInvoiceLink(const identity::Principal& buyer,
                                                             const std::string& order_uuid);

    /// Why a pre-checkout query must be refused, in words for the buyer; "" when it may go ahead.
    [[nodiscard]] std::string CheckPreCheckout(const telegram::PreCheckoutQuery& query);
    /// CheckPreCheckout, answered with answerPreCheckoutQuery (the messenger's error, if any).
    Result<void> AnswerPreCheckout(const telegram::PreCheckoutQuery& query);

    /// Records and credits one successful payment, exactly once per charge id: the outcome, or nullopt when
    /// the charge was recorded before. Errors: payment.unsupported_currency (not XTR: never invoiced by
    /// Onton).
    Result<std::optional<Credited>> RecordSuccessfulPayment(const telegram::TgUser& payer,
                                                            const telegram::SuccessfulPayment& payment,
                                                            std::int64_t date);

    /// Returns pending XTR refunds (up to `batch`) through refundStarPayment.
    StarsRefundTally RefundStep(std::int64_t batch = 50);

   private:
    ports::Store& store_;
    ports::Messenger& messenger_;
    orders::OrderService& orders_;
    const ports::Clock& clock_;
};

}  // namespace onton::payments
