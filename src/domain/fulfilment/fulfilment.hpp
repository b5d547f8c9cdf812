#pragma once
/// Fulfilment of a paid order, the consumer of `order.paid` (docs/bus.md): queues the buyer's "your ticket is ready"
/// notification and hands the order to the NFT hook, in one database transaction with the consumer's dedupe record,
/// so a message delivered twice (relay crash, consumer crash before ack) has its effects once.

#include <cstdint>
#include <stdexcept>
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

/// A hook's refusal that no retry of the message can change (nft::TicketMintFulfilment: the NFT manager
/// refused the request, e.g. a metadata URL too long for a cell). The consumer undoes the attempt, applies
/// the order again without the hook, records the refusal with Fulfilment::OnRefused in that transaction, and
/// acks: the rest of fulfilment (the buyer's notification) is not held back by it.
class HookRefused : public std::runtime_error {
   public:
    /// `code`: a stable error code (the refusing use-case's); `message`: what went wrong, for logs and
    /// admins.
    HookRefused(std::string code, const std::string& message)
        : std::runtime_error(message), code_(std::move(code)) {}
    [[nodiscard]] const std::string& code() const noexcept { return code_; }

   private:
    std::string code_;
};

/// What else a paid order sets going (the NFT ticket mint, nft::TicketMintFulfilment). Called once per paid
/// order, inside the fulfilment transaction: write the request there (a row, an outbox message) and do no
/// outside I/O, so that it commits or rolls back with the dedupe record. Throwing fails the attempt, which is
/// retried later (and dead-lettered after the last attempt); throwing HookRefused gives up on the hook's part
/// only (see there).
class Fulfilment {
public:
    virtual ~Fulfilment() = default;
    virtual void OnOrderPaid(ports::Transaction& tx, const PaidOrder& order, std::int64_t now) = 0;
    /// After OnOrderPaid refused `order` (HookRefused; its writes were undone): records the refusal durably
    /// in the consumer's transaction, where whatever is meant to catch up later can find it. Records nothing
    /// by default.
    virtual void OnRefused(ports::Transaction& /*tx*/,
                           const PaidOrder& /*order*/,
                           const HookRefused& /*refusal*/,
                           std::int64_t /*now*/) {}
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

    /// What Handle did with a message.
    struct Handled {
        bool applied = false;  ///< false: a duplicate of a message applied before; nothing changed
        std::string refused;   ///< the hook's refusal (HookRefused::what), recorded; the rest was applied
    };

    /// Applies one `order.paid` message; idempotent by message id. Throws outbox::PermanentError for a
    /// payload that is not an order.paid message. A hook that refuses (HookRefused) does not fail the
    /// message: the order is applied without the hook's part, the refusal recorded (Fulfilment::OnRefused)
    /// and returned for the log.
    Handled Handle(const ports::BusMessage& message);

   private:
    ports::Store& store_;
    const ports::Clock& clock_;
    Fulfilment& hook_;
};

}  // namespace onton::fulfilment
