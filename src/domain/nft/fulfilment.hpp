#pragma once
/// The NFT side of a paid order (docs/nft.md, docs/bus.md; issue #5): the fulfilment::Fulfilment the
/// fulfilment consumer calls on `order.paid`, which requests the NFT ticket mint of each ticket of an
/// `is_nft` type of the order, in the consumer's own transaction (with its dedupe record), through
/// NftManager::RequestTicketMint. A refused request does not hold the order's message back: it is recorded
/// in `nft_mint_refusals` and left to NftManager::Sweep.

#include <cstdint>

#include "domain/fulfilment/fulfilment.hpp"
#include "domain/nft/manager.hpp"
#include "ports/store.hpp"

namespace onton::nft {

class TicketMintFulfilment final : public fulfilment::Fulfilment {
   public:
    explicit TicketMintFulfilment(NftManager& manager) : manager_(manager) {}

    /// Requests the item of every valid or used ticket of an `is_nft` type of the order, if the order is
    /// still paid; an order without such tickets (or no longer paid) writes nothing. Writes rows only (the
    /// items, and on an event's first the collection with its queued deploy). Each request is idempotent per
    /// ticket, so a ticket the Sweep already gave an item keeps it. A refusal of the manager (an error
    /// result: the data or the configuration, which no retry changes) throws fulfilment::HookRefused; a store
    /// failure throws as it is, and the consumer retries the message.
    void OnOrderPaid(ports::Transaction& tx, const fulfilment::PaidOrder& order, std::int64_t now) override;
    /// Marks each NFT ticket of the refused order in `nft_mint_refusals` (source `fulfilment`), where the
    /// `nft` worker's Sweep, which requests it again, and admins see it.
    void OnRefused(ports::Transaction& tx,
                   const fulfilment::PaidOrder& order,
                   const fulfilment::HookRefused& refusal,
                   std::int64_t now) override;

   private:
    NftManager& manager_;
};

}  // namespace onton::nft
