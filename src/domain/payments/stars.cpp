#include "domain/payments/stars.hpp"

#include <charconv>

namespace onton::payments {
namespace {

using ports::AsInt;
using ports::AsOptionalInt;
using ports::AsText;

constexpr std::string_view kStarsHashPrefix = "xtr:";
constexpr std::string_view kStarsAccount = "telegram:stars";

constexpr std::string_view kRecordStarsSql = R"(
INSERT INTO transactions (hash, lt, account, counterparty, value, type, direction, comment, order_uuid, utime,
                          created_at, outcome, refund_due, currency)
VALUES ($1, 0, $2, $3, $4, 'pending', 'in', $5, NULL, $6, $7, NULL, 0, 'XTR')
ON CONFLICT (hash) DO NOTHING)";

/// Telegram's limits: title 1-32 characters, description 1-255, a price label is short.
constexpr std::size_t kTitleChars = 32;
constexpr std::size_t kDescriptionChars = 255;
constexpr std::size_t kLabelChars = 32;

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0U) == 0x80U; }

}  // namespace

std::string StarsPaymentHash(std::string_view telegram_payment_charge_id) {
    return std::string(kStarsHashPrefix) + std::string(telegram_payment_charge_id);
}

std::string TruncateText(std::string_view text, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (IsContinuation(text[i])) continue;
        if (chars == max_chars) {
            // Cut one character earlier to make room for the ellipsis.
            std::size_t cut = i;
            do {
                --cut;
            } while (cut > 0 && IsContinuation(text[cut]));
            return std::string(text.substr(0, cut)) + "\xE2\x80\xA6";
        }
        ++chars;
    }
    return std::string(text);
}

StarsPayments::StarsPayments(ports::Store& store,
                             ports::Messenger& messenger,
                             orders::OrderService& orders,
                             const ports::Clock& clock)
    : store_(store), messenger_(messenger), orders_(orders), clock_(clock) {}

Result<StarsInvoiceLink> StarsPayments::CreateInvoiceLink(const identity::Principal& buyer,
                                                          const std::string& order_uuid) {
    auto order = orders_.Get(buyer, order_uuid);
    if (!order) return order.error();
    // Admins may read any order, but an invoice is for the buyer's own.
    if (order->user_id != buyer.user_id) return Error{"not_found", "no such order of yours"};
    if (order->currency != money::Currency::kStars || order->total_price <= 0) {
        return Error{"conflict",
                     "this order is priced in " + std::string(money::Code(order->currency)) +
                         ": it is not paid with Telegram Stars"};
    }
    const auto now = clock_.NowUnix();
    if (order->state != orders::OrderState::kCreated || (order->expires_at && *order->expires_at <= now)) {
        return Error{
            "state.invalid_transition",
            "only an order awaiting payment can be paid; it is " +
                std::string(order->state == orders::OrderState::kCreated ? "past its expiry"
                                                                         : orders::StateName(order->state))};
    }
    const auto names = store_.Transact(
        [&](ports::Transaction& tx) {
            return tx.Execute(
                "SELECT e.title, t.name FROM orders o JOIN events e ON e.event_id = o.event_id "
                "JOIN ticket_types t ON t.ticket_type_id = o.ticket_type_id WHERE o.uuid = $1",
                {order_uuid});
        },
        {.read_only = true});
    if (names.empty()) return Error{"not_found", "no such order of yours"};
    const auto title = AsText(names.rows[0][0]);
    const auto type = AsText(names.rows[0][1]);
    ports::StarsInvoice invoice;
    invoice.title = TruncateText(title, kTitleChars);
    invoice.description = TruncateText(
        std::to_string(order->quantity) + " \xC3\x97 " + type + " \xE2\x80\x94 " + title, kDescriptionChars);
    invoice.payload = order->payment_comment;
    invoice.label = TruncateText(type, kLabelChars);
    invoice.amount_stars = order->total_price;
    auto link = messenger_.CreateInvoiceLink(invoice);
    if (!link) {
        return Error{"payment.provider_unavailable",
                     "Telegram did not create the invoice: " + link.error().message,
                     {{"messenger_code", link.error().code}}};
    }
    return StarsInvoiceLink{order->uuid, *link, order->total_price, order->expires_at};
}

std::string StarsPayments::CheckPreCheckout(const telegram::PreCheckoutQuery& query) {
    if (query.currency != money::Code(money::Currency::kStars)) return "Onton takes Telegram Stars only.";
    const auto rows = store_.Transact(
        [&](ports::Transaction& tx) {
            return tx.Execute(
                "SELECT o.state, o.currency, o.total_price, o.quantity, t.supply, t.sold, t.reserved "
                "FROM orders o LEFT JOIN ticket_types t ON t.ticket_type_id = o.ticket_type_id "
                "WHERE o.payment_comment = $1",
                {query.invoice_payload});
        },
        {.read_only = true});
    if (rows.empty()) return "This order does not exist.";
    const auto& row = rows.rows[0];
    if (AsText(row[1]) != money::Code(money::Currency::kStars))
        return "This order is not paid in Telegram Stars.";
    if (AsInt(row[2]) != query.total_amount) return "The amount does not match the order.";
    const auto state = AsText(row[0]);
    const auto quantity = AsInt(row[3]);
    const auto supply = AsOptionalInt(row[4]);
    // Seats another buyer could take now: the same guard as a late payment's sale (kSellFreeSql).
    const bool seats_free = !supply || AsInt(row[5]) + AsInt(row[6]) + quantity <= *supply;
    if (state == "created") {
        // Still reserved until the sweeper expires it: its seats are held for it either way.
        return "";
    }
    if (state == "expired") return seats_free ? "" : "This order expired and its seats are sold out.";
    if (state == "paid") return "This order is paid already.";
    return "This order can no longer be paid.";
}

Result<void> StarsPayments::AnswerPreCheckout(const telegram::PreCheckoutQuery& query) {
    const auto refusal = CheckPreCheckout(query);
    return messenger_.AnswerPreCheckoutQuery(query.id, refusal.empty(), refusal);
}

Result<std::optional<Credited>> StarsPayments::RecordSuccessfulPayment(
    const telegram::TgUser& payer, const telegram::SuccessfulPayment& payment, std::int64_t date) {
    if (payment.currency != money::Code(money::Currency::kStars)) {
        return Error{"payment.unsupported_currency",
                     "a successful payment in " + payment.currency + " (Onton invoices XTR only)",
                     {{"telegram_payment_charge_id", payment.telegram_payment_charge_id}}};
    }
    if (payment.telegram_payment_charge_id.empty() || payment.total_amount < 0) {
        return Error{"telegram.invalid_update",
                     "a successful payment without a charge id or with a negative amount"};
    }
    const auto now = clock_.NowUnix();
    RecordedPayment recorded;
    recorded.hash = StarsPaymentHash(payment.telegram_payment_charge_id);
    recorded.currency = money::Currency::kStars;
    recorded.value = payment.total_amount;
    recorded.comment = payment.invoice_payload;
    return store_.Transact([&](ports::Transaction& tx) -> Result<std::optional<Credited>> {
        const auto inserted = tx.Execute(kRecordStarsSql,
                                         {recorded.hash,
                                          std::string(kStarsAccount),
                                          std::to_string(payer.id),
                                          recorded.value,
                                          ports::TextOrNull(payment.invoice_payload),
                                          date,
                                          now});
        if (inserted.rows_affected == 0) return std::optional<Credited>{};  // this charge was credited before
        return std::optional<Credited>(CreditRecordedPayment(tx, orders_, recorded, now));
    });
}

StarsRefundTally StarsPayments::RefundStep(std::int64_t batch) {
    StarsRefundTally tally;
    const auto pending = store_.Transact(
        [&](ports::Transaction& tx) {
            return tx.Execute(
                "SELECT refund_id, destination, tx_hash FROM refunds WHERE state = 'pending' AND "
                "currency = 'XTR' ORDER BY refund_id LIMIT $1",
                {batch});
        },
        {.read_only = true});
    for (const auto& row : pending.rows) {
        const auto id = AsInt(row[0]);
        const auto destination = AsText(row[1]);
        const auto hash = AsText(row[2]);
        std::int64_t user_id = 0;
        const auto parsed =
            std::from_chars(destination.data(), destination.data() + destination.size(), user_id);
        const bool valid = parsed.ec == std::errc{} &&
                           parsed.ptr == destination.data() + destination.size() &&
                           hash.starts_with(kStarsHashPrefix);
        std::string state = "sent";
        std::string error;
        if (!valid) {
            state = "failed";
            error = "not a Telegram Stars charge (" + hash + " from " + destination + ")";
        } else {
            auto refunded =
                messenger_.RefundStarPayment(user_id, std::string_view(hash).substr(kStarsHashPrefix.size()));
            if (!refunded) {
                const auto& e = refunded.error();
                if (e.code == ports::kMessengerUnavailable || e.code == ports::kMessengerRateLimited) {
                    ++tally.waiting;
                    continue;  // stays pending: the next step asks again
                }
                // Telegram refunds a charge once: if it did before (a crash after the call), the refund is
                // done.
                if (e.code != ports::kMessengerBadRequest ||
                    e.message.find("CHARGE_ALREADY_REFUNDED") == std::string::npos) {
                    state = "failed";
                    error = e.message;
                }
            }
        }
        const auto now = clock_.NowUnix();
        store_.Transact([&](ports::Transaction& tx) {
            tx.Execute(
                "UPDATE refunds SET state = $2, last_error = $3, updated_at = $4 WHERE refund_id = $1 AND "
                "state = 'pending'",
                {id, state, ports::TextOrNull(error), now});
        });
        ++(state == "sent" ? tally.sent : tally.failed);
    }
    return tally;
}

}  // namespace onton::payments
