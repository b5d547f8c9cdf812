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

void FulfilmentConsumer::Handle(const ports::BusMessage& message) {
    const auto order = Parse(message.payload);
    const auto now = clock_.NowUnix();
    store_.InTransaction([&](ports::Transaction& tx) {
        if (!outbox::ProcessOnce(tx, kConsumerName, message.message_id, now)) return;
        const nlohmann::json payload = {
            {"order_uuid", order.order_uuid}, {"event_uuid", order.event_uuid}, {"title", order.title}};
        // The dedupe key is the one orders used before the bus: a notification queued by an older version is kept.
        notifications::Queue(tx, order.user_id, "order.paid", payload, "order.paid:" + order.order_uuid, now);
        hook_.OnOrderPaid(tx, order, now);
    });
}

}  // namespace onton::fulfilment
