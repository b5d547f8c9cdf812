#include "domain/nft/fulfilment.hpp"

#include <string>

namespace onton::nft {
namespace {

// The same tickets NftManager::Sweep would pick, for this order only.
constexpr std::string_view kOrderTicketsSql = R"(
SELECT t.ticket_id FROM tickets t JOIN ticket_types tt ON tt.ticket_type_id = t.ticket_type_id
JOIN orders o ON o.uuid = t.order_uuid
WHERE t.order_uuid = $1 AND tt.is_nft AND o.state = 'paid' AND t.status IN ('valid', 'used')
ORDER BY t.ticket_id)";

}  // namespace

void TicketMintFulfilment::OnOrderPaid(ports::Transaction& tx,
                                       const fulfilment::PaidOrder& order,
                                       std::int64_t /*now*/) {
    const auto tickets = tx.Execute(kOrderTicketsSql, {order.order_uuid});
    for (const auto& row : tickets.rows) {
        const auto ticket_id = ports::AsInt(row[0]);
        auto item = manager_.RequestTicketMint(tx, ticket_id);
        if (!item) {
            // The manager's refusals come from the data or the configuration, never from an outage (those
            // throw): the same message would be refused again.
            throw fulfilment::HookRefused(item.error().code,
                                          "NFT ticket mint of ticket " + std::to_string(ticket_id) + ": " +
                                              item.error().message + " (" + item.error().code + ")");
        }
    }
}

void TicketMintFulfilment::OnRefused(ports::Transaction& tx,
                                     const fulfilment::PaidOrder& order,
                                     const fulfilment::HookRefused& refusal,
                                     std::int64_t now) {
    // The attempt was undone, so none of the order's tickets got an item: each waits for the Sweep.
    const auto tickets = tx.Execute(kOrderTicketsSql, {order.order_uuid});
    for (const auto& row : tickets.rows) {
        RecordMintRefusal(
            tx, ports::AsInt(row[0]), order.order_uuid, "fulfilment", refusal.code(), refusal.what(), now);
    }
}

}  // namespace onton::nft
