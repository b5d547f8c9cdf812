#include "http/error_table.hpp"

#include <algorithm>
#include <array>

namespace onton::http {
namespace {

using boost::beast::http::status;

constexpr std::array kCodes{
    // Transport and request shape.
    ErrorCodeEntry{"request.malformed", status::bad_request},
    ErrorCodeEntry{"request.invalid_json", status::bad_request},
    ErrorCodeEntry{"request.invalid_utf8", status::bad_request},
    ErrorCodeEntry{"request.invalid_query", status::bad_request},
    ErrorCodeEntry{"request.unsupported_media_type", status::unsupported_media_type},
    ErrorCodeEntry{"request.body_too_large", status::payload_too_large},
    ErrorCodeEntry{"request.headers_too_large", status::request_header_fields_too_large},
    ErrorCodeEntry{"request.uri_too_long", status::uri_too_long},
    ErrorCodeEntry{"request.timeout", status::request_timeout},
    ErrorCodeEntry{"request.validation_failed", status::unprocessable_entity},
    ErrorCodeEntry{"request.idempotency_mismatch", status::unprocessable_entity},
    ErrorCodeEntry{"route.not_found", status::not_found},
    ErrorCodeEntry{"route.method_not_allowed", status::method_not_allowed},
    ErrorCodeEntry{"websocket.upgrade_required", status::upgrade_required},
    // Identity and access.
    ErrorCodeEntry{"auth.required", status::unauthorized},
    ErrorCodeEntry{"auth.invalid", status::unauthorized},
    ErrorCodeEntry{"auth.expired", status::unauthorized},
    ErrorCodeEntry{"auth.forbidden", status::forbidden},
    ErrorCodeEntry{"rate_limited", status::too_many_requests},
    // Wallet linking with TON Connect ton_proof: 422 (not 401, which would sign the front end out) for a proof that
    // does not hold, 409 for a payload used already or a wallet that is someone else's.
    ErrorCodeEntry{"ton_proof.invalid", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.wrong_network", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.domain_not_allowed", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.expired", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.from_future", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.address_mismatch", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.unknown_wallet", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.public_key_mismatch", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.bad_signature", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.invalid_payload", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.payload_expired", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.state_init_required", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.wallet_not_deployed", status::unprocessable_entity},
    ErrorCodeEntry{"ton_proof.payload_used", status::conflict},
    ErrorCodeEntry{"wallet.already_linked", status::conflict},
    // Domain outcomes shared by many modules.
    ErrorCodeEntry{"not_found", status::not_found},
    ErrorCodeEntry{"conflict", status::conflict},
    ErrorCodeEntry{"state.invalid_transition", status::conflict},
    ErrorCodeEntry{"ticket.sold_out", status::conflict},
    ErrorCodeEntry{"ticket.sale_closed", status::conflict},
    ErrorCodeEntry{"ticket.limit_exceeded", status::conflict},
    ErrorCodeEntry{"promo.invalid", status::unprocessable_entity},
    ErrorCodeEntry{"registration.required", status::forbidden},
    ErrorCodeEntry{"promo.exhausted", status::conflict},
    ErrorCodeEntry{"payment.currency_unavailable", status::conflict},
    ErrorCodeEntry{"payment.provider_unavailable", status::bad_gateway},
    ErrorCodeEntry{"telegram.invalid_update", status::bad_request},
    // Infrastructure.
    ErrorCodeEntry{"service.unavailable", status::service_unavailable},
    ErrorCodeEntry{"chain.unavailable", status::service_unavailable},
    ErrorCodeEntry{"chain.rate_limited", status::service_unavailable},
    ErrorCodeEntry{"chain.bad_response", status::bad_gateway},
    ErrorCodeEntry{"chain.rejected", status::bad_gateway},
    ErrorCodeEntry{"service.shutting_down", status::service_unavailable},
    ErrorCodeEntry{"internal", status::internal_server_error},
};

}  // namespace

std::span<const ErrorCodeEntry> ErrorCodes() noexcept { return kCodes; }

boost::beast::http::status StatusForCode(std::string_view code) noexcept {
    const auto* it = std::find_if(kCodes.begin(), kCodes.end(), [&](const auto& e) { return e.code == code; });
    return it == kCodes.end() ? status::internal_server_error : it->status;
}

bool IsKnownCode(std::string_view code) noexcept {
    return std::any_of(kCodes.begin(), kCodes.end(), [&](const auto& e) { return e.code == code; });
}

std::string ErrorBody(const Error& error, std::string_view request_id) {
    nlohmann::json inner = {{"code", error.code}, {"message", error.message}};
    if (!error.details.is_null()) inner["details"] = error.details;
    if (!request_id.empty()) inner["request_id"] = request_id;
    // Replacement keeps a message echoing client bytes from making dump() throw on invalid UTF-8.
    return nlohmann::json{{"error", std::move(inner)}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace onton::http
