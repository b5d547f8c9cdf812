#pragma once
/// Signed ticket QR codes (design.md §5). Every ticket has a secret check-in code (random, stored, unique);
/// its QR carries the code together with an Ed25519 signature by the platform's ticket key over the event and
/// the code:
///
///     onton:t2:<code>.<base64url signature of "onton-ticket-v2\n<event_uuid>\n<code>">
///
/// so a scanner that holds the key's public half (GET /api/v1/events/{uuid}/check-in-key) can tell a genuine
/// ticket of its event from a forged one or another event's without the database, as pretix's signed secrets
/// do. The server checks the signature first and answers a forged or misdirected code without looking it up;
/// whether a genuine ticket is still valid is the database's to say. Typed codes (the bare code) and QR codes
/// of the earlier unsigned form (`onton:ticket:<code>`) are still looked up.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.hpp"
#include "ton/mnemonic.hpp"

namespace onton::orders {

/// What a scanner read, taken apart.
struct ScannedCode {
    std::string code;                      ///< the ticket's check-in code
    std::optional<std::string> signature;  ///< base64url, for the signed form only
};

/// Parses a signed QR payload, an unsigned one or a bare typed code (surrounding spaces ignored); nullopt
/// when it cannot be any of them.
[[nodiscard]] std::optional<ScannedCode> ParseScannedCode(std::string_view text);

/// The bytes a ticket's signature covers.
[[nodiscard]] std::string TicketSignedMessage(std::string_view event_uuid, std::string_view code);

class TicketSigner {
   public:
    /// From the key's 32-byte Ed25519 seed; `ticket.invalid_key` for any other length.
    static Result<TicketSigner> FromSeed(std::string_view seed);

    /// The QR payload of a ticket of `event_uuid` with `code`.
    [[nodiscard]] std::string QrPayload(std::string_view event_uuid, std::string_view code) const;
    /// Whether `signature` (base64url, padding optional) is this key's over the event and the code.
    [[nodiscard]] bool Verify(std::string_view event_uuid,
                              std::string_view code,
                              std::string_view signature) const;
    /// The public key, base64url without padding.
    [[nodiscard]] std::string PublicKey() const;

   private:
    explicit TicketSigner(ton::KeyPair keys) : keys_(keys) {}
    ton::KeyPair keys_;
};

}  // namespace onton::orders
