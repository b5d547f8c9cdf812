#pragma once
/// Event images: `PUT /api/v1/events/{event_uuid}/image` (raw PNG, JPEG or WebP body, checked by its magic bytes)
/// and `GET /media/{name}` (immutable, content-addressed).

#include <cstdint>
#include <string>

#include "domain/events/events.hpp"
#include "domain/identity/identity.hpp"
#include "http/router.hpp"
#include "ports/media.hpp"

namespace onton::http {

struct MediaRoutesDeps {
    ports::MediaStore& media;
    events::EventService& events;
    identity::IdentityService& identity;
    std::string public_url;
    std::uint64_t max_image_bytes = 5 * 1024 * 1024;
};

void AddMediaRoutes(Router& router, MediaRoutesDeps deps);

/// The file extension for an image whose bytes start like `declared` says (`png`, `jpg`, `webp`), or empty when
/// the type is unsupported or the bytes do not match it.
std::string ImageExtension(std::string_view declared_type, std::string_view bytes);

}  // namespace onton::http
