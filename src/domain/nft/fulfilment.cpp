#include "domain/nft/fulfilment.hpp"

#include <stdexcept>
#include <string>

namespace onton::nft {

void TicketMintFulfilment::OnOrderPaid(ports::Transaction& tx,
                                       const fulfilment::PaidOrder& order,
                                       std::int64_t /*now*/) {
    // The same tickets NftManager::Sweep would pick, for this order only.
    const auto tickets = tx.Execute(
        "SELECT t.ticket_id FROM tickets t JOIN ticket_types tt ON tt.ticket_type_id = t.ticket_type_id "
        "JOIN orders o ON o.uuid = t.order_uuid "
        "WHERE t.order_uuid = $1 AND tt.is_nft AND o.state = 'paid' AND t.status IN ('valid', 'used') "
        "ORDER BY t.ticket_id",
        {order.order_uuid});
    for (const auto& row : tickets.rows) {
        const auto ticket_id = ports::AsInt(row[0]);
        auto item = manager_.RequestTicketMint(tx, ticket_id);
        if (!item) {
            throw std::runtime_error("NFT ticket mint of ticket " + std::to_string(ticket_id) + ": " +
                                     item.error().message + " (" + item.error().code + ")");
        }
    }
}

}  // namespace onton::nft
