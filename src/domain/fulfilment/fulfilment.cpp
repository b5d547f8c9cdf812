#include "domain/fulfilment/fulfilment.hpp"

#include <nlohmann/json.hpp>

#include "domain/notifications/queue.hpp"
#include "domain/outbox/outbox.hpp"

namespace onton::fulfilment {
namespace {

PaidOrder Parse(const std::string& payload) {
    try {
        const auto j = nlohmann::json::parse(payload);
        PaidOrder order;
        order.order_uuid = j.at("order_uuid").get<std::string>();
        order.user_id = j.at("user_id").get<std::int64_t>();
        order.event_id = j.at("event_id").get<std::int64_t>();
        order.event_uuid = j.at("event_uuid").get<std::string>();
        order.title = j.at("title").get<std::string>();
        order.ticket_type_id = j.value("ticket_type_id", std::int64_t{0});
        order.quantity = j.value("quantity", std::int64_t{0});
        return order;
    } catch (const nlohmann::json::exception& e) {
        throw outbox::PermanentError(std::string("not an order.paid message: ") + e.what());
    }
}

}  // namespace

FulfilmentConsumer::FulfilmentConsumer(ports::Store& store, const ports::Clock& clock, Fulfilment& hook)
    : store_(store), clock_(clock), hook_(hook) {}

FulfilmentConsumer::Handled FulfilmentConsumer::Handle(const ports::BusMessage& message) {
    const auto order = Parse(message.payload);
    const auto now = clock_.NowUnix();
    Handled handled;
    // Everything but the hook: the dedupe record and the buyer's notification. Runs once in each attempt.
    const auto apply = [&](ports::Transaction& tx) {
        handled.applied = outbox::ProcessOnce(tx, kConsumerName, message.message_id, now);
        if (!handled.applied) return false;
        const nlohmann::json payload = {
            {"order_uuid", order.order_uuid}, {"event_uuid", order.event_uuid}, {"title", order.title}};
        // The dedupe key is the one orders used before the bus: a notification queued by an older version is kept.
        notifications::Queue(tx, order.user_id, "order.paid", payload, "order.paid:" + order.order_uuid, now);
        return true;
    };
    try {
        store_.InTransaction([&](ports::Transaction& tx) {
            if (apply(tx)) hook_.OnOrderPaid(tx, order, now);
        });
        return handled;
    } catch (const HookRefused& refusal) {
        // No retry can change a refusal, and dead-lettering the message would hold back the buyer's
        // notification too: the rest of the order goes ahead, and the refusal is left where the hook's
        // catch-up finds it.
        handled.refused = refusal.what();
        store_.InTransaction([&](ports::Transaction& tx) {
            if (apply(tx)) hook_.OnRefused(tx, order, refusal, now);
        });
        if (!handled.applied) handled.refused.clear();  // another consumer applied it meanwhile
        return handled;
    }
}

}  // namespace onton::fulfilment
