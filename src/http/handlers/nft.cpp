#include "http/handlers/nft.hpp"

#include <charconv>

namespace onton::http {
namespace {

Response NotFound(const Request& req) {
    return Response::FromError({"not_found", "no such NFT metadata"}, req.request_id);
}

Response Answer(const Request& req, const Result<nlohmann::json>& metadata) {
    if (!metadata) return NotFound(req);
    auto res = Response::Json(Status::ok, *metadata);
    res.headers.emplace_back("Cache-Control", "public, max-age=60");
    res.headers.emplace_back("Access-Control-Allow-Origin", "*");  // wallets and explorers read it from anywhere
    return res;
}

/// `{index}.json` → index; nullopt for anything else.
std::optional<std::int64_t> IndexOf(std::string_view file) {
    constexpr std::string_view kSuffix = ".json";
    if (file.size() <= kSuffix.size() || file.substr(file.size() - kSuffix.size()) != kSuffix) return std::nullopt;
    const auto digits = file.substr(0, file.size() - kSuffix.size());
    if (digits.size() > 18) return std::nullopt;
    std::int64_t index = 0;
    const auto* end = digits.data() + digits.size();
    auto [ptr, ec] = std::from_chars(digits.data(), end, index);
    if (ec != std::errc{} || ptr != end || index < 0) return std::nullopt;
    return index;
}

void AddKind(Router& router, nft::NftManager* nft, const std::string& prefix, nft::CollectionKind kind) {
    router.Add(Verb::get, prefix + "/collection.json", [nft, kind](const Request& req) {
        if (nft == nullptr) return NotFound(req);
        return Answer(req, nft->CollectionMetadata(std::string(req.Param("event_uuid")), kind));
    });
    router.Add(Verb::get, prefix + "/items/{file}", [nft, kind](const Request& req) {
        const auto index = IndexOf(req.Param("file"));
        if (nft == nullptr || !index) return NotFound(req);
        return Answer(req, nft->ItemMetadata(std::string(req.Param("event_uuid")), kind, *index));
    });
}

}  // namespace

void AddNftRoutes(Router& router, nft::NftManager* nft) {
    AddKind(router, nft, "/nft/events/{event_uuid}", nft::CollectionKind::kTicket);
    AddKind(router, nft, "/nft/events/{event_uuid}/sbt", nft::CollectionKind::kSbt);
}

}  // namespace onton::http
