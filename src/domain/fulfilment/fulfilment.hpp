#pragma once
/// Fulfilment of a paid order, the consumer of `order.paid` (docs/bus.md): queues the buyer's "your ticket is ready"
/// notification and hands the order to the NFT hook, in one database transaction with the consumer's dedupe record,
/// so a message delivered twice (relay crash, consumer crash before ack) has its effects once.

#include <cstdint>
#include <string>

#include "ports/bus.hpp"
#include "ports/clock.hpp"
#include "ports/store.hpp"

namespace onton::fulfilment {

/// The `order.paid` message (outbox::kOrderPaid).
struct PaidOrder {
    std::string order_uuid;
    std::int64_t user_id = 0;
    std::int64_t event_id = 0;
    std::string event_uuid;
    std::string title;
    std::int64_t ticket_type_id = 0;
    std::int64_t quantity = 0;
};

/// What else a paid order sets going (the NFT ticket mint, nft::TicketMintFulfilment). Called once per paid
/// order, inside the fulfilment transaction: write the request there (a row, an outbox message) and do no
/// outside I/O, so that it commits or rolls back with the dedupe record. Throwing fails the attempt, which is
/// retried later.
class Fulfilment {
public:
    virtual ~Fulfilment() = default;
    virtual void OnOrderPaid(ports::Transaction& tx, const PaidOrder& order, std::int64_t now) = 0;
};

/// Nothing more to do: the hook of a platform without an NFT manager (no chain or no platform wallet);
/// nft::TicketMintFulfilment otherwise.
class NoFulfilment final : public Fulfilment {
public:
    void OnOrderPaid(ports::Transaction& /*tx*/, const PaidOrder& /*order*/, std::int64_t /*now*/) override {}
};

inline constexpr std::string_view kConsumerName = "fulfilment";

class FulfilmentConsumer {
public:
    FulfilmentConsumer(ports::Store& store, const ports::Clock& clock, Fulfilment& hook);

    /// Applies one `order.paid` message; idempotent by message id. Throws outbox::PermanentError for a payload that
    /// is not an order.paid message.
    void Handle(const ports::BusMessage& message);

private:
    ports::Store& store_;
    const ports::Clock& clock_;
    Fulfilment& hook_;
};

}  // namespace onton::fulfilment
