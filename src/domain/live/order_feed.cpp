#include "domain/live/order_feed.hpp"

#include <algorithm>
#include <utility>

#include "domain/orders/state_machine.hpp"

namespace onton::live {

using nlohmann::json;

std::string OrderVersion(std::string_view state, std::int64_t updated_at) {
    return std::string(state) + "@" + std::to_string(updated_at);
}

OrderFeed::OrderFeed(ports::Store& store, orders::OrderService& orders, FeedSettings settings)
    : store_(store), orders_(orders), settings_(settings) {}

OrderFeed::SubscriberId OrderFeed::Join(Sink sink) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    subscribers_.emplace(id, Subscriber{std::move(sink), {}});
    return id;
}

void OrderFeed::Leave(SubscriberId id) {
    std::lock_guard lock(mutex_);
    const auto it = subscribers_.find(id);
    if (it == subscribers_.end()) return;
    for (const auto& uuid : it->second.orders) {
        const auto w = watched_.find(uuid);
        if (w == watched_.end()) continue;
        w->second.subscribers.erase(id);
        if (w->second.subscribers.empty()) watched_.erase(w);
    }
    subscribers_.erase(it);
}

Result<json> OrderFeed::Follow(SubscriberId id, const identity::Principal& caller, const std::string& order_uuid) {
    auto order = orders_.Get(caller, order_uuid);  // the caller's own order (any, for an admin); else not_found
    if (!order) return order.error();
    std::lock_guard lock(mutex_);
    const auto it = subscribers_.find(id);
    if (it == subscribers_.end()) return Error{"not_found", "this subscriber has left"};
    if (!it->second.orders.contains(order_uuid) && it->second.orders.size() >= settings_.max_orders_per_subscriber) {
        return Error{"live.too_many_subscriptions",
                     "follow fewer orders at once",
                     {{"max", settings_.max_orders_per_subscriber}}};
    }
    it->second.orders.insert(order_uuid);
    auto [w, fresh] = watched_.try_emplace(order_uuid);
    if (fresh) {
        w->second.version = OrderVersion(orders::StateName(order->state), order->updated_at);
        w->second.reader = caller;
    }
    w->second.subscribers.insert(id);
    return json{{"type", "order"}, {"order", orders::ToJson(*order, orders_.settings())}};
}

void OrderFeed::Unfollow(SubscriberId id, const std::string& order_uuid) {
    std::lock_guard lock(mutex_);
    const auto it = subscribers_.find(id);
    if (it == subscribers_.end() || it->second.orders.erase(order_uuid) == 0) return;
    const auto w = watched_.find(order_uuid);
    if (w == watched_.end()) return;
    w->second.subscribers.erase(id);
    if (w->second.subscribers.empty()) watched_.erase(w);
}

std::size_t OrderFeed::followed_orders() const {
    std::lock_guard lock(mutex_);
    return watched_.size();
}

std::size_t OrderFeed::Poll() {
    std::vector<std::pair<std::string, std::string>> known;  // uuid, version last sent
    {
        std::lock_guard lock(mutex_);
        known.reserve(watched_.size());
        for (const auto& [uuid, w] : watched_) known.emplace_back(uuid, w.version);
    }
    if (known.empty()) return 0;

    std::vector<std::string> changed;
    const auto chunk = std::max<std::size_t>(settings_.orders_per_query, 1);
    for (std::size_t from = 0; from < known.size(); from += chunk) {
        const auto to = std::min(known.size(), from + chunk);
        ports::SqlParams params;
        for (auto i = from; i < to; ++i) params.emplace_back(known[i].first);
        ports::PadToPowerOfTwo(params);
        const auto rs = store_.ReadOnce(
            "SELECT uuid, state, updated_at FROM orders WHERE uuid IN (" + ports::PaddedInList(to - from) + ")", params);
        std::map<std::string, std::string> now;
        for (const auto& row : rs.rows) now.emplace(ports::AsText(row[0]), OrderVersion(ports::AsText(row[1]), ports::AsInt(row[2])));
        for (auto i = from; i < to; ++i) {
            const auto it = now.find(known[i].first);
            if (it != now.end() && it->second != known[i].second) changed.push_back(known[i].first);
        }
    }

    std::size_t sent = 0;
    for (const auto& uuid : changed) {
        identity::Principal reader;
        {
            std::lock_guard lock(mutex_);
            const auto w = watched_.find(uuid);
            if (w == watched_.end()) continue;  // nobody follows it any more
            reader = w->second.reader;
        }
        auto order = orders_.Get(reader, uuid);
        if (!order) continue;
        const json message{{"type", "order"}, {"order", orders::ToJson(*order, orders_.settings())}};
        std::vector<Sink> sinks;
        {
            std::lock_guard lock(mutex_);
            const auto w = watched_.find(uuid);
            if (w == watched_.end()) continue;
            w->second.version = OrderVersion(orders::StateName(order->state), order->updated_at);
            for (const auto id : w->second.subscribers) {
                if (const auto s = subscribers_.find(id); s != subscribers_.end()) sinks.push_back(s->second.sink);
            }
        }
        for (const auto& sink : sinks) sink(message);
        sent += sinks.size();
    }
    return sent;
}

}  // namespace onton::live
