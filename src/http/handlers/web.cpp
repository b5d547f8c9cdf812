#include "http/handlers/web.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

namespace onton::http {
namespace {

constexpr std::size_t kDescriptionBytes = 200;
constexpr const char* kNotBuiltPage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>Onton</title></head><body>"
    "<h1>Onton</h1><p>The API is running. The web apps are not built: run "
    "<code>npm ci &amp;&amp; npm run build</code> in <code>web/</code> (scripts/run.sh does it) "
    "or point ONTON_WEB_DIR at a build.</p></body></html>";

std::optional<std::string> ReadFile(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream out;
    out << in.rdbuf();
    return std::move(out).str();
}

/// The first `limit` bytes of UTF-8 `text`, cut before a character boundary, with an ellipsis when cut.
std::string Clip(std::string_view text, std::size_t limit) {
    if (text.size() <= limit) return std::string(text);
    std::size_t end = limit;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) --end;
    return std::string(text.substr(0, end)) + "\xE2\x80\xA6";
}

/// Which app a client route belongs to: the first path segment when it is `app` or `panel`, else the site.
std::string IndexFor(std::string_view rel) {
    for (const std::string_view app : {"app", "panel"}) {
        if (rel == app || rel.rfind(std::string(app) + "/", 0) == 0) return std::string(app) + "/index.html";
    }
    return "index.html";
}

Response NotFoundJson(const Request& req) {
    return Response::FromError({"not_found", "no such file"}, req.request_id);
}

Response HtmlPage(Status status, std::string html) {
    auto res = Response::Text(status, std::move(html), "text/html; charset=utf-8");
    res.headers.emplace_back("Cache-Control", "no-cache");
    res.headers.emplace_back("X-Content-Type-Options", "nosniff");
    return res;
}

Response ServeStatic(const WebRoutesDeps& deps, const Request& req) {
    const auto rel = WebFilePath(req.path);
    if (!rel) {
        return Response::FromError({"request.malformed", "the path is not a file path"}, req.request_id);
    }
    const std::filesystem::path root(deps.web_dir);
    if (auto bytes = ReadFile(root / *rel)) {
        if (WebContentType(*rel).rfind("text/html", 0) == 0) {
            return HtmlPage(Status::ok, WithPageMeta(std::move(*bytes), deps));
        }
        auto res = Response::Text(Status::ok, std::move(*bytes), std::string(WebContentType(*rel)));
        // Vite names the files under assets/ by their content hash, so they never change; pages must be
        // revalidated.
        const bool hashed = rel->rfind("assets/", 0) == 0;
        res.headers.emplace_back("Cache-Control",
                                 hashed ? "public, max-age=31536000, immutable" : "no-cache");
        res.headers.emplace_back("X-Content-Type-Options", "nosniff");
        return res;
    }
    // A missing file with an extension is a missing asset, not a client route.
    const auto last = rel->substr(rel->rfind('/') + 1);
    if (last.find('.') != std::string::npos && last != "index.html") return NotFoundJson(req);
    if (auto index = ReadFile(root / IndexFor(*rel))) {
        return HtmlPage(Status::ok, WithPageMeta(std::move(*index), deps));
    }
    if (*rel == "index.html") return HtmlPage(Status::ok, kNotBuiltPage);
    return NotFoundJson(req);
}

Response ServeEventPage(const WebRoutesDeps& deps, const Request& req) {
    const std::string uuid(req.Param("event_uuid"));
    auto index = ReadFile(std::filesystem::path(deps.web_dir) / "index.html");
    if (!index) return HtmlPage(Status::ok, kNotBuiltPage);
    // Anonymous: only what anyone may see (a draft is not found).
    auto event = deps.events.Get(std::nullopt, uuid);
    *index = WithPageMeta(std::move(*index), deps);
    if (!event) return HtmlPage(Status::not_found, std::move(*index));
    return HtmlPage(
        Status::ok,
        WithOpenGraph(std::move(*index),
                      {.title = event->title,
                       .description = Clip(event->subtitle.empty() ? event->description : event->subtitle,
                                           kDescriptionBytes),
                       .image = event->image_url,
                       .url = deps.public_url + "/events/" + event->event_uuid}));
}

}  // namespace

std::optional<std::string> WebFilePath(std::string_view url_path) {
    auto decoded = PercentDecode(url_path, false);
    if (!decoded || decoded->empty() || decoded->front() != '/') return std::nullopt;
    if (decoded->find('\\') != std::string::npos || decoded->find('\0') != std::string::npos)
        return std::nullopt;
    std::string out;
    std::string_view rest(*decoded);
    rest.remove_prefix(1);
    while (!rest.empty()) {
        const auto slash = rest.find('/');
        const auto segment = rest.substr(0, slash);
        if (segment.empty() || segment.front() == '.') return std::nullopt;
        if (!out.empty()) out += '/';
        out += segment;
        if (slash == std::string_view::npos) return out;
        rest.remove_prefix(slash + 1);
    }
    // The path ended with '/' (or was "/"): the directory's index.
    return out.empty() ? std::string("index.html") : out + "/index.html";
}

std::string_view WebContentType(std::string_view file_name) {
    static const std::vector<std::pair<std::string_view, std::string_view>> kTypes = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".mjs", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".jpeg", "image/jpeg"},
        {".webp", "image/webp"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".txt", "text/plain; charset=utf-8"},
        {".map", "application/json"},
        {".wasm", "application/wasm"},
    };
    for (const auto& [ext, type] : kTypes) {
        if (file_name.size() >= ext.size() && file_name.substr(file_name.size() - ext.size()) == ext)
            return type;
    }
    return "application/octet-stream";
}

std::string HtmlEscape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        switch (c) {
            case '&':
                out += "&amp;";
                break;
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '"':
                out += "&quot;";
                break;
            case '\'':
                out += "&#39;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

std::string WithPageMeta(std::string html, const WebRoutesDeps& deps) {
    const auto head_end = html.find("</head>");
    if (head_end == std::string::npos) return html;
    std::string tags;
    const auto meta = [&tags](std::string_view name, const std::string& content) {
        tags += "<meta name=\"" + std::string(name) + "\" content=\"" + HtmlEscape(content) + "\">\n";
    };
    // The bot opens the Mini App (the pages' "open in Telegram" links).
    if (!deps.bot_username.empty()) meta("onton:bot", deps.bot_username);
    meta("onton:tonconnect-manifest",
         deps.tonconnect_manifest_url.empty() ? deps.public_url + "/tonconnect-manifest.json"
                                              : deps.tonconnect_manifest_url);
    meta("onton:tonconnect-wallets",
         deps.tonconnect_wallets_url.empty() ? std::string("/tonconnect-wallets.json")
                                             : deps.tonconnect_wallets_url);
    html.insert(head_end, tags);
    return html;
}

std::string WithOpenGraph(std::string html, const OpenGraph& og) {
    const auto head_end = html.find("</head>");
    if (head_end == std::string::npos) return html;
    std::string tags;
    const auto meta = [&tags](std::string_view property, std::string_view content) {
        if (content.empty()) return;
        tags += "<meta property=\"" + std::string(property) + "\" content=\"" + HtmlEscape(content) + "\">\n";
    };
    meta("og:type", "website");
    meta("og:title", og.title);
    meta("og:description", og.description);
    meta("og:image", og.image);
    meta("og:url", og.url);
    if (!og.description.empty())
        tags += "<meta name=\"description\" content=\"" + HtmlEscape(og.description) + "\">\n";
    html.insert(head_end, tags);
    const auto open = html.find("<title>");
    const auto close = html.find("</title>");
    if (open != std::string::npos && close != std::string::npos && open < close) {
        const auto from = open + std::string_view("<title>").size();
        html.replace(from, close - from, HtmlEscape(og.title));
    }
    return html;
}

void AddWebRoutes(Router& router, WebRoutesDeps deps) {
    auto shared = std::make_shared<WebRoutesDeps>(std::move(deps));
    router.Add(Verb::get, "/events/{event_uuid}", [shared](const Request& req) {
        return ServeEventPage(*shared, req);
    });
    // TON Connect wallets fetch the manifest and check that its url is the site asking; only the server knows
    // it.
    router.Add(Verb::get, "/tonconnect-manifest.json", [shared](const Request&) {
        auto res = Response::Json(
            Status::ok,
            {{"url", shared->public_url}, {"name", "Onton"}, {"iconUrl", shared->public_url + "/icon.png"}});
        res.headers.emplace_back("Cache-Control", "no-cache");
        return res;
    });
    router.SetFallback([shared](const Request& req) { return ServeStatic(*shared, req); });
}

}  // namespace onton::http
