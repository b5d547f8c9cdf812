#pragma once
/// Live order updates (design.md §6 `/api/v1/ws`): subscribers follow orders they may read, and each change of an
/// order's state reaches them without a reload. Changes are found by reading the orders table (one query per poll
/// for every followed order, none while nobody follows anything), so an order paid by a worker in another process
/// or on another replica is seen just the same; the delay is at most one poll period. Transport-free: a subscriber
/// is a sink that takes JSON messages (the WebSocket route gives it a socket).

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "common/result.hpp"
#include "domain/identity/identity.hpp"
#include "domain/orders/orders.hpp"
#include "ports/store.hpp"

namespace onton::live {

struct FeedSettings {
    std::size_t max_orders_per_subscriber = 20;
    std::size_t orders_per_query = 256;  ///< uuids in one `IN (...)` read
};

class OrderFeed {
public:
    using SubscriberId = std::uint64_t;
    using Sink = std::function<void(const nlohmann::json& message)>;

    OrderFeed(ports::Store& store, orders::OrderService& orders, FeedSettings settings = {});

    /// A new subscriber whose messages go to `sink` (called from the polling thread; it must not block).
    SubscriberId Join(Sink sink);
    /// Forgets a subscriber and everything it followed.
    void Leave(SubscriberId id);

    /// Follows an order the caller may read and returns it as it is now (`{"type":"order","order":{...}}` is then
    /// sent on every change). Errors: not_found (unknown, or another user's order), live.too_many_subscriptions.
    [[nodiscard]] Result<nlohmann::json> Follow(SubscriberId id,
                                                const identity::Principal& caller,
                                                const std::string& order_uuid);
    void Unfollow(SubscriberId id, const std::string& order_uuid);

    /// Reads the followed orders once and sends every change since the last look; returns how many messages went
    /// out. Call it periodically (serve does, every ONTON_WS_POLL_MS).
    std::size_t Poll();

    [[nodiscard]] std::size_t followed_orders() const;

private:
    struct Watched {
        std::string version;               ///< state and updated_at as last sent
        identity::Principal reader;         ///< one subscriber allowed to read it (for the full order)
        std::set<SubscriberId> subscribers;
    };
    struct Subscriber {
        Sink sink;
        std::set<std::string> orders;
    };

    ports::Store& store_;
    orders::OrderService& orders_;
    FeedSettings settings_;
    mutable std::mutex mutex_;
    SubscriberId next_id_ = 1;
    std::map<SubscriberId, Subscriber> subscribers_;
    std::map<std::string, Watched> watched_;
};

/// The version of an order as the feed compares it: its state and last update time.
std::string OrderVersion(std::string_view state, std::int64_t updated_at);

}  // namespace onton::live
