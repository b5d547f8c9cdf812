#pragma once
/// Router: method + path pattern → handler. Patterns are literal segments and `{name}` parameters
/// (`/api/v1/events/{event_uuid}/publish`). Immutable once the server starts, so lookups need no lock.

#include <boost/beast/http/verb.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "http/message.hpp"
#include "http/websocket.hpp"

namespace onton::http {

using Handler = std::function<Response(const Request&)>;
using Verb = boost::beast::http::verb;

/// The answer channel of an asynchronous handler. Call it once, from any thread; later calls are ignored. Copies
/// share one answer, and when the last copy goes away unanswered the request gets `if_dropped` (a 500), so a lost
/// callback cannot leave a connection hanging. The Request the handler got stays valid until the reply is called,
/// not after: copy what a later callback needs.
class Reply {
public:
    using Offload = std::function<void(std::function<void()>)>;
    /// `deliver` gets the one answer; `request_id` names the request in the answers Reply makes itself (500 when
    /// dropped, the answer to an exception escaping a Blocking task).
    Reply(std::function<void(Response)> deliver, std::string request_id, Offload offload = {});
    void operator()(Response response) const;
    /// Runs `task` where it may block (the worker pool); a handler started on an I/O thread hands its blocking
    /// steps (database, network) over with it. Without a pool it runs `task` at once. An exception escaping
    /// `task` answers the request (503 or 500, see AnswerForException) if it is not answered yet.
    void Blocking(std::function<void()> task) const;

private:
    struct State;
    std::shared_ptr<State> state_;
};

/// A handler that answers through its Reply, possibly later and from another thread (a buyer waiting for the next
/// order batch holds no thread). It starts on the worker pool, or with `blocking = false` on the I/O thread, where
/// it must hand anything that blocks to Reply::Blocking.
using AsyncHandler = std::function<void(const Request&, Reply)>;

struct RouteOptions {
    /// The handler may block (database, network): it runs on the worker pool, never on an I/O thread.
    bool blocking = true;
    /// The body must be a JSON document (`application/json`, UTF-8); the server parses it into Request::json and
    /// answers 415/400 itself otherwise.
    bool json_body = false;
    /// Largest accepted body; 0 takes the server's max_body_bytes. Uploads raise it for their route only.
    std::uint64_t max_body_bytes = 0;
};

struct Route {
    Verb method;
    std::string pattern;  ///< as registered; the metrics label
    Handler handler;            ///< empty for an asynchronous route
    RouteOptions options;
    AsyncHandler async_handler;  ///< set for an asynchronous route (AddAsync)
    WsHandler ws_handler;        ///< set for a WebSocket route (AddWebSocket)
    WsOptions ws_options;
};

struct RouteMatch {
    const Route* route;
    std::vector<std::pair<std::string, std::string>> params;
};
struct MethodNotAllowed {
    std::string allow;  ///< `GET, HEAD, POST` for the Allow header
};
struct NotFound {};
struct BadPath {};  ///< a path segment with an invalid percent escape

using RouteLookup = std::variant<RouteMatch, MethodNotAllowed, NotFound, BadPath>;

class Router {
public:
    /// Registers a route. Throws std::invalid_argument on a malformed pattern or a duplicate method+pattern.
    void Add(Verb method, std::string pattern, Handler handler, RouteOptions options = {});
    /// Registers an asynchronous route (see Reply and AsyncHandler).
    void AddAsync(Verb method, std::string pattern, AsyncHandler handler, RouteOptions options = {});
    /// Registers a WebSocket route (GET with `Upgrade: websocket`; a plain GET gets 426). See websocket.hpp.
    void AddWebSocket(std::string pattern, WsHandler handler, WsOptions options = {});

    /// The handler for a GET or HEAD whose path no route has and that is not under `/api/` (static files of the
    /// web apps); API paths stay 404 JSON. Its metrics label is `/*`.
    void SetFallback(Handler handler);

    /// Looks a request up. HEAD matches GET routes. Path parameters are percent-decoded.
    [[nodiscard]] RouteLookup Find(Verb method, std::string_view path) const;

    /// Methods registered for a path (for CORS preflight); empty when no route matches the path.
    [[nodiscard]] std::string AllowedMethods(std::string_view path) const;

    [[nodiscard]] const std::vector<Route>& routes() const noexcept { return routes_; }

    /// The largest max_body_bytes any route asks for (0 when none raises the default).
    [[nodiscard]] std::uint64_t LargestBodyLimit() const noexcept;

private:
    void AddRoute(Route route);

    struct Compiled {
        std::vector<std::string> segments;  ///< literal text, or `{name}` for a parameter
    };
    [[nodiscard]] static bool MatchPath(const Compiled& compiled,
                                        const std::vector<std::string_view>& segments,
                                        std::vector<std::pair<std::string, std::string>>* params);

    std::vector<Route> routes_;
    std::vector<Compiled> compiled_;
    Route fallback_{};
};

}  // namespace onton::http
