#include "http/handlers/media.hpp"

#include "http/handlers/identity.hpp"

namespace onton::http {
namespace {

bool StartsWith(std::string_view bytes, std::string_view prefix) {
    return bytes.size() >= prefix.size() && bytes.substr(0, prefix.size()) == prefix;
}

}  // namespace

std::string ImageExtension(std::string_view declared_type, std::string_view bytes) {
    const auto type = declared_type.substr(0, declared_type.find(';'));
    using namespace std::string_view_literals;
    if (type == "image/png" && StartsWith(bytes, "\x89PNG\r\n\x1a\n"sv)) return "png";
    if (type == "image/jpeg" && StartsWith(bytes, "\xFF\xD8\xFF"sv)) return "jpg";
    if (type == "image/webp" && bytes.size() >= 12 && StartsWith(bytes, "RIFF"sv) && bytes.substr(8, 4) == "WEBP") {
        return "webp";
    }
    return {};
}

void AddMediaRoutes(Router& router, MediaRoutesDeps deps) {
    auto shared = std::make_shared<MediaRoutesDeps>(std::move(deps));
    router.Add(
        Verb::put,
        "/api/v1/events/{event_uuid}/image",
        [shared](const Request& req) {
            auto caller = Authorize(req, shared->identity);
            if (!caller) return Response::FromError(caller.error(), req.request_id);
            const std::string event_uuid(req.Param("event_uuid"));
            // Check the right to change the event before a single byte goes to disk.
            auto event = shared->events.Get(*caller, event_uuid);
            if (!event) return Response::FromError(event.error(), req.request_id);
            if (!event->caller_manages) {
                return Response::FromError({"auth.forbidden", "you do not manage this event"}, req.request_id);
            }
            const auto type = req.Header("Content-Type");
            if (type.rfind("image/png", 0) != 0 && type.rfind("image/jpeg", 0) != 0 && type.rfind("image/webp", 0) != 0) {
                return Response::FromError(
                    {"request.unsupported_media_type", "upload a PNG, JPEG or WebP image", {{"content_type", type}}},
                    req.request_id);
            }
            const auto& bytes = req.raw.body();
            const auto ext = ImageExtension(type, bytes);
            if (ext.empty()) {
                return Response::FromError({"request.validation_failed",
                                            "image: the bytes are not a " + std::string(type) + " image",
                                            {{"field", "image"}}},
                                           req.request_id);
            }
            const auto name = shared->media.Put(bytes, ext);
            auto updated =
                shared->events.Update(*caller, event_uuid, {{"image_url", shared->public_url + "/media/" + name}});
            if (!updated) return Response::FromError(updated.error(), req.request_id);
            return Response::Json(Status::ok, events::ToJson(*updated, true));
        },
        {.max_body_bytes = shared->max_image_bytes});

    router.Add(Verb::get, "/media/{name}", [shared](const Request& req) {
        const auto name = req.Param("name");
        auto bytes = shared->media.Get(name);
        if (!bytes) return Response::FromError({"not_found", "no such file"}, req.request_id);
        const auto ext = name.substr(name.rfind('.') + 1);
        auto res = Response::Text(Status::ok, std::move(*bytes), ext == "jpg" ? "image/jpeg" : "image/" + std::string(ext));
        res.headers.emplace_back("Cache-Control", "public, max-age=31536000, immutable");
        res.headers.emplace_back("X-Content-Type-Options", "nosniff");
        return res;
    });
}

}  // namespace onton::http
