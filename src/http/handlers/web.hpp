#pragma once
/// The web apps' static files (`web/dist`, built by `npm run build` in web/): the public site at `/`, the
/// Mini App at
/// `/app/`, the organizer panel at `/panel/`. Files are served from the router's fallback, so every API route
/// keeps precedence and unknown `/api/` paths stay 404 JSON. A client route with no file behind it gets its
/// app's index.html (SPA fallback). `GET /events/{event_uuid}` is the public event page with its Open Graph
/// tags filled in on the server, so that a shared link previews in Telegram. `GET /tonconnect-manifest.json`
/// is the TON Connect manifest for ONTON_PUBLIC_URL. Every page gets `<meta name="onton:...">` tags naming
/// the bot and the URLs TON Connect loads its manifest and wallets list from (WithPageMeta).

#include <optional>
#include <string>
#include <string_view>

#include "domain/events/events.hpp"
#include "http/router.hpp"

namespace onton::http {

struct WebRoutesDeps {
    std::string web_dir;  ///< the built apps; may be missing (then `/` answers a short note)
    events::EventService& events;
    std::string public_url;               ///< absolute links in og:url
    std::string bot_username;             ///< without '@'; empty when the bot is not configured
    std::string tonconnect_manifest_url;  ///< empty: public_url + /tonconnect-manifest.json
    std::string tonconnect_wallets_url;   ///< empty: /tonconnect-wallets.json (a file of the built apps)
};

/// `html` with the page's settings as meta tags just before `</head>`: `onton:bot` (when there is a bot),
/// `onton:tonconnect-manifest` and `onton:tonconnect-wallets`, every value HTML-escaped.
[[nodiscard]] std::string WithPageMeta(std::string html, const WebRoutesDeps& deps);

void AddWebRoutes(Router& router, WebRoutesDeps deps);

/// The file a URL path names, relative to the web directory (`/app/` → `app/index.html`, `/` → `index.html`),
/// or nullopt when the path is not a safe relative path: a bad percent escape, `.` or `..` segments,
/// backslashes, NUL, or a hidden (dot) file.
[[nodiscard]] std::optional<std::string> WebFilePath(std::string_view url_path);

/// The Content-Type for a file by its extension; `application/octet-stream` for unknown ones.
[[nodiscard]] std::string_view WebContentType(std::string_view file_name);

/// `text` with `& < > " '` replaced by entities, safe inside element text and quoted attributes.
[[nodiscard]] std::string HtmlEscape(std::string_view text);

struct OpenGraph {
    std::string title;
    std::string description;
    std::string image;  ///< absolute URL or empty
    std::string url;
};

/// `html` with its `<title>` set to og.title and the og: meta tags put just before `</head>`, every value
/// HTML-escaped. An html without `</head>` is returned unchanged.
[[nodiscard]] std::string WithOpenGraph(std::string html, const OpenGraph& og);

}  // namespace onton::http
