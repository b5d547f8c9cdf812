#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <exception>
#include <mutex>
#include <random>
#include <thread>
#include <unordered_map>

#include "http/error_table.hpp"
#include "http/run_on_pool.hpp"
#include "http/ws_session.hpp"
#include "ports/store.hpp"

namespace onton::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using RawResponse = bhttp::response<bhttp::string_body>;

constexpr std::size_t kMaxRequestIdLength = 128;
constexpr std::size_t kFirstReadBytes = 4096;

std::string NewRequestId() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("{:016x}", rng());
}

bool IsAcceptableRequestId(std::string_view id) {
    if (id.empty() || id.size() > kMaxRequestIdLength) return false;
    return std::all_of(id.begin(), id.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
               c == '.' || c == ':';
    });
}

std::string_view ToView(beast::string_view v) { return {v.data(), v.size()}; }

std::string_view MediaType(std::string_view content_type) {
    const auto semi = content_type.find(';');
    auto media = content_type.substr(0, semi);
    while (!media.empty() && media.back() == ' ') media.remove_suffix(1);
    return media;
}

bool IEquals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

/// A JSON body must be declared as JSON; a charset, when given, must be UTF-8.
bool IsJsonContentType(std::string_view content_type) {
    if (!IEquals(MediaType(content_type), "application/json")) return false;
    const auto charset = content_type.find("charset=");
    if (charset == std::string_view::npos) return true;
    auto value = content_type.substr(charset + 8);
    value = value.substr(0, value.find(';'));
    if (!value.empty() && value.front() == '"') value = value.substr(1, value.size() >= 2 ? value.size() - 2 : 0);
    return IEquals(value, "utf-8") || IEquals(value, "utf8");
}

}  // namespace

struct Connection {
    explicit Connection(tcp::socket socket) : stream(std::move(socket)) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    bool idle = false;  ///< waiting for the first byte of a request; touched only on the connection's context
    std::string remote;
    std::function<void()> on_stop;  ///< set while the connection is a WebSocket: closes it when the server stops
};

struct Server::State : std::enable_shared_from_this<Server::State> {
    State(ServerSettings s, const Router& r, Metrics& m)
        : settings(std::move(s)),
          router(r),
          metrics(m),
          contexts(MakeContexts(settings.io_threads)),
          ioc(*contexts.front()),
          workers(static_cast<std::size_t>(settings.worker_threads)),
          acceptor(ioc),
          signals(ioc) {}

    /// One single-threaded io_context per I/O thread: a connection lives on one of them for its whole life, so its
    /// stream and timer never need a strand.
    static std::vector<std::unique_ptr<asio::io_context>> MakeContexts(int n) {
        std::vector<std::unique_ptr<asio::io_context>> out;
        for (int i = 0; i < n; ++i) out.push_back(std::make_unique<asio::io_context>(1));
        return out;
    }

    ServerSettings settings;
    const Router& router;
    Metrics& metrics;
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    asio::io_context& ioc;  ///< the first context: acceptor, signals, drain
    asio::thread_pool workers;
    std::size_t next_context = 0;  ///< round-robin over contexts; used only by the accept loop
    tcp::acceptor acceptor;
    asio::signal_set signals;
    std::atomic<bool> stopping{false};
    std::atomic<std::uint16_t> port{0};

    std::mutex connections_mutex;
    std::unordered_map<std::uint64_t, std::weak_ptr<Connection>> connections;
    std::uint64_t next_connection_id = 0;

    std::uint64_t Register(const std::shared_ptr<Connection>& c) {
        std::lock_guard lock(connections_mutex);
        const auto id = next_connection_id++;
        connections.emplace(id, c);
        return id;
    }
    void Unregister(std::uint64_t id) {
        std::lock_guard lock(connections_mutex);
        connections.erase(id);
    }
    std::size_t ConnectionCount() {
        std::lock_guard lock(connections_mutex);
        return connections.size();
    }
    /// Calls fn on every live connection's own context.
    template <typename F>
    void ForEachConnection(F fn) {
        std::lock_guard lock(connections_mutex);
        for (auto& [id, weak] : connections) {
            if (auto c = weak.lock()) asio::post(c->stream.get_executor(), [c, fn] { fn(*c); });
        }
    }

    bool OriginAllowed(std::string_view origin) const {
        if (origin.empty()) return false;
        return std::any_of(settings.cors_origins.begin(), settings.cors_origins.end(), [&](const std::string& o) {
            return o == "*" || o == origin;
        });
    }
};

namespace {

using StatePtr = std::shared_ptr<Server::State>;

/// What the dispatcher decided before any handler ran.
struct Prepared {
    std::optional<Response> early;  ///< answered without a handler (404, 405, 415, preflight, ...)
    const Route* route = nullptr;
    std::vector<std::pair<std::string, std::string>> params;
    nlohmann::json json;
};

/// `true` when every key and value of the query string percent-decodes (and so no parameter is silently dropped).
bool IsDecodableQuery(std::string_view query) {
    while (!query.empty()) {
        const auto amp = query.find('&');
        if (!PercentDecode(query.substr(0, amp), true)) return false;
        if (amp == std::string_view::npos) break;
        query.remove_prefix(amp + 1);
    }
    return true;
}

/// Decides what answers the request: an early answer (preflight, 404, 405, 415, bad JSON ...) or the route with
/// its parameters and parsed body. `lookup` is the router's answer for the request's method and path.
Prepared Prepare(const Server::State& st,
                 const RawRequest& req,
                 std::string_view path,
                 std::string_view query,
                 const std::string& rid,
                 RouteLookup lookup) {
    Prepared out;
    if (!IsDecodableQuery(query)) {
        out.early = Response::FromError({"request.invalid_query", "the query string has an invalid percent-escape"}, rid);
        return out;
    }
    const auto method = req.method();
    if (method == Verb::options) {
        const auto allow = st.router.AllowedMethods(path);
        if (allow.empty()) {
            out.early = Response::FromError({"route.not_found", "no route for this path"}, rid);
            return out;
        }
        auto res = Response::NoContent();
        res.headers.emplace_back("Allow", allow);
        if (st.OriginAllowed(ToView(req[bhttp::field::origin]))) {
            res.headers.emplace_back("Access-Control-Allow-Methods", allow);
            res.headers.emplace_back("Access-Control-Allow-Headers",
                                     "Authorization, Content-Type, Idempotency-Key, X-Request-Id");
            res.headers.emplace_back("Access-Control-Max-Age", "600");
        }
        out.early = std::move(res);
        return out;
    }

    if (std::holds_alternative<NotFound>(lookup)) {
        out.early = Response::FromError({"route.not_found", "no route for this path"}, rid);
        return out;
    }
    if (std::holds_alternative<BadPath>(lookup)) {
        out.early = Response::FromError({"request.malformed", "invalid percent-encoding in the path"}, rid);
        return out;
    }
    if (auto* mna = std::get_if<MethodNotAllowed>(&lookup)) {
        auto res = Response::FromError(
            {"route.method_not_allowed",
             fmt::format("method {} is not allowed here", ToView(req.method_string())),
             {{"allow", mna->allow}}},
            rid);
        res.headers.emplace_back("Allow", mna->allow);
        out.early = std::move(res);
        return out;
    }
    auto& match = std::get<RouteMatch>(lookup);
    out.route = match.route;
    out.params = std::move(match.params);
    if (!out.route->options.json_body) return out;

    const auto content_type = ToView(req[bhttp::field::content_type]);
    if (!IsJsonContentType(content_type)) {
        out.early = Response::FromError({"request.unsupported_media_type",
                                         "the body must be application/json (UTF-8)",
                                         {{"content_type", std::string(content_type)}}},
                                        rid);
        return out;
    }
    const auto& body = req.body();
    if (!IsValidUtf8(body)) {
        out.early = Response::FromError({"request.invalid_utf8", "the body is not valid UTF-8"}, rid);
        return out;
    }
    try {
        out.json = nlohmann::json::parse(body);
    } catch (const nlohmann::json::parse_error& e) {
        out.early = Response::FromError(
            {"request.invalid_json", "the body is not a valid JSON document", {{"byte", e.byte}}}, rid);
    }
    return out;
}

/// Calls a synchronous handler; an escaped exception becomes AnswerForException's answer.
Response Invoke(const Route& route, const Request& request) {
    try {
        return route.handler(request);
    } catch (...) {
        return AnswerForException(std::current_exception(), request.request_id);
    }
}

/// Starts an asynchronous handler (on the worker pool, or here on the I/O thread for a non-blocking route) and
/// resumes the caller on its own executor once the handler's Reply is called, from whichever thread. A handler
/// that throws before replying answers as Invoke would.
template <typename Token>
auto RunAsync(asio::thread_pool& pool, const Route& route, const Request& request, Token&& token) {
    return asio::async_initiate<Token, void(Response)>(
        [&pool, &route, &request](auto handler) {
            auto home = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
            auto slot = std::make_shared<std::optional<decltype(handler)>>(std::move(handler));
            // Posted, never run inline: the reply may come while the initiation is still on the stack.
            auto deliver = [slot, home](Response response) {
                asio::post(home, [slot, response = std::move(response)]() mutable {
                    auto complete = std::move(**slot);
                    slot->reset();
                    complete(std::move(response));
                });
            };
            auto offload = [&pool](std::function<void()> task) { asio::post(pool, std::move(task)); };
            Reply reply(std::move(deliver), request.request_id, std::move(offload));
            auto start = [&route, &request, reply]() {
                try {
                    route.async_handler(request, reply);
                } catch (...) {
                    reply(AnswerForException(std::current_exception(), request.request_id));
                }
            };
            if (route.options.blocking) {
                asio::post(pool, std::move(start));
            } else {
                start();
            }
        },
        token);
}

RawResponse Finish(const Server::State& st,
                   const RawRequest& req,
                   Response res,
                   const std::string& rid,
                   bool keep_alive) {
    RawResponse out{res.status, req.version()};
    out.set(bhttp::field::server, st.settings.server_name);
    if (!res.content_type.empty()) out.set(bhttp::field::content_type, res.content_type);
    out.set("X-Request-Id", rid);
    const auto origin = ToView(req[bhttp::field::origin]);
    if (st.OriginAllowed(origin)) {
        out.set(bhttp::field::access_control_allow_origin, beast::string_view(origin.data(), origin.size()));
        out.set(bhttp::field::vary, "Origin");
        out.set(bhttp::field::access_control_expose_headers, "X-Request-Id");
    }
    for (auto& [name, value] : res.headers) out.set(name, value);
    out.keep_alive(keep_alive);
    if (res.status == Status::no_content) {
        // A 204 carries neither a body nor a Content-Length.
    } else if (req.method() == Verb::head) {
        out.content_length(res.body.size());
    } else {
        out.body() = std::move(res.body);
        out.prepare_payload();
    }
    return out;
}

void AccessLog(const Server::State& st,
               const Connection& conn,
               const RawRequest& req,
               std::string_view route,
               const RawResponse& res,
               const std::string& rid,
               double seconds) {
    if (!st.settings.access_log) return;
    const nlohmann::json line = {
        {"rid", rid},
        {"remote", conn.remote},
        {"method", ToView(req.method_string())},
        {"target", ToView(req.target())},
        {"route", route},
        {"status", res.result_int()},
        {"bytes", res.body().size()},
        {"ms", seconds * 1000.0},
    };
    spdlog::info("access {}", line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

/// Writes an error answer to a request that could not be read whole, then closes.
asio::awaitable<void> AnswerAndClose(StatePtr st, std::shared_ptr<Connection> conn, Error error) {
    const auto rid = NewRequestId();
    RawResponse res{StatusForCode(error.code), 11};
    res.set(bhttp::field::server, st->settings.server_name);
    res.set(bhttp::field::content_type, "application/json");
    res.set("X-Request-Id", rid);
    res.body() = ErrorBody(error, rid);
    res.keep_alive(false);
    res.prepare_payload();
    st->metrics.RecordRequest("unmatched", "-", res.result_int(), 0.0);
    conn->stream.expires_after(st->settings.write_timeout);
    beast::error_code ec;
    co_await bhttp::async_write(conn->stream, res, asio::redirect_error(asio::use_awaitable, ec));
    conn->stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

/// A WebSocket route's decision on an upgrade request, and the channel it was offered.
struct UpgradeDecision {
    std::variant<Response, WsSession> answer;
    std::shared_ptr<detail::WsChannelImpl> channel;
};

/// Asks the route (on the worker pool: it may read the store) whether to accept the upgrade. A plain GET to a
/// WebSocket route gets 426 with `Upgrade: websocket`; a handler that throws answers as Invoke would.
asio::awaitable<UpgradeDecision> DecideUpgrade(StatePtr st,
                                               std::shared_ptr<Connection> conn,
                                               const Route& route,
                                               const Request& request) {
    UpgradeDecision out;
    if (!beast::websocket::is_upgrade(request.raw)) {
        auto res = Response::FromError(
            {"websocket.upgrade_required", "this route speaks WebSocket: send a GET with Upgrade: websocket"},
            request.request_id);
        res.headers.emplace_back("Upgrade", "websocket");
        out.answer = std::move(res);
        co_return out;
    }
    out.channel = std::make_shared<detail::WsChannelImpl>(conn->stream, conn, route.ws_options);
    std::function<std::variant<Response, WsSession>()> decide = [&route, &request, channel = out.channel]()
        -> std::variant<Response, WsSession> {
        try {
            return route.ws_handler(request, channel);
        } catch (...) {
            return AnswerForException(std::current_exception(), request.request_id);
        }
    };
    out.answer = co_await detail::RunOnPool(st->workers, std::move(decide), asio::use_awaitable);
    co_return out;
}

asio::awaitable<void> ServeConnection(StatePtr st, std::shared_ptr<Connection> conn) {
    const auto id = st->Register(conn);
    st->metrics.ConnectionOpened();
    beast::error_code ec;
    conn->remote = conn->stream.socket().remote_endpoint(ec).address().to_string();
    auto& stream = conn->stream;
    auto& buffer = conn->buffer;
    const auto& settings = st->settings;
    // Set when the request cannot be read whole: answered once, after the loop, then the connection closes.
    // (Built outside co_await expressions: GCC 12 miscompiles braced temporaries inside them.)
    std::optional<Error> fail;
    // Set when a WebSocket route accepted the request: the connection speaks WebSocket after the loop.
    struct Upgrade {
        std::shared_ptr<detail::WsChannelImpl> channel;
        WsSession session;
        RawRequest request;
    };
    std::optional<Upgrade> upgrade;

    while (!st->stopping.load()) {
        if (buffer.size() == 0) {
            // Waiting for the next request on a kept-alive connection: the idle timeout applies, and Stop() may
            // close us here without losing anything.
            conn->idle = true;
            stream.expires_after(settings.idle_timeout);
            const auto n = co_await stream.async_read_some(buffer.prepare(kFirstReadBytes),
                                                           asio::redirect_error(asio::use_awaitable, ec));
            conn->idle = false;
            if (ec) break;
            buffer.commit(n);
        }

        bhttp::request_parser<bhttp::string_body> parser;
        parser.header_limit(settings.max_header_bytes);
        // Loose enough for the largest route; tightened to the request's own route once the head is known.
        parser.body_limit(std::max<std::uint64_t>(settings.max_body_bytes, st->router.LargestBodyLimit()));
        stream.expires_after(settings.header_timeout);
        co_await bhttp::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        if (ec == bhttp::error::body_limit) {  // a declared Content-Length over the limit fails the head already
            fail = Error{"request.body_too_large", "the body is too large", {{"max_bytes", settings.max_body_bytes}}};
            break;
        }
        if (ec == bhttp::error::header_limit) {
            fail = Error{"request.headers_too_large", "the request head is too large"};
            break;
        }
        if (ec == beast::error::timeout || ec == bhttp::error::end_of_stream || ec == asio::error::eof ||
            ec == bhttp::error::partial_message || ec == asio::error::operation_aborted ||
            ec == asio::error::connection_reset) {
            break;  // stalled or gone: nothing to answer
        }
        if (ec) {
            fail = Error{"request.malformed", "the request could not be parsed"};
            break;
        }
        // The route is looked up once, as soon as the head is known: it sets the body limit and then dispatches.
        const auto head_target = ToView(parser.get().target());
        RouteLookup lookup = st->router.Find(parser.get().method(), head_target.substr(0, head_target.find('?')));
        {
            std::uint64_t limit = settings.max_body_bytes;
            if (const auto* match = std::get_if<RouteMatch>(&lookup); match && match->route->options.max_body_bytes > 0) {
                limit = match->route->options.max_body_bytes;
            }
            if (parser.content_length() && *parser.content_length() > limit) {
                fail = Error{"request.body_too_large", "the body is too large", {{"max_bytes", limit}}};
                break;
            }
            parser.body_limit(limit);
        }
        if (parser.get()[bhttp::field::expect] == "100-continue") {
            // A declared length over the limit has been refused above.
            RawResponse cont{bhttp::status::continue_, 11};
            co_await bhttp::async_write(stream, cont, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
        }
        if (!parser.is_done()) {  // most requests have no body: skip a round through the scheduler
            stream.expires_after(settings.body_timeout);
            co_await bhttp::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
        }
        if (ec == bhttp::error::body_limit) {
            fail = Error{"request.body_too_large", "the body is too large"};
            break;
        }
        if (ec == beast::error::timeout || ec == bhttp::error::partial_message || ec == asio::error::eof ||
            ec == asio::error::connection_reset || ec == asio::error::operation_aborted) {
            break;
        }
        if (ec) {
            fail = Error{"request.malformed", "the request body could not be parsed"};
            break;
        }

        const auto started = Clock::now();
        RawRequest req = parser.release();
        const auto client_rid = ToView(req["X-Request-Id"]);
        const std::string rid = IsAcceptableRequestId(client_rid) ? std::string(client_rid) : NewRequestId();
        const auto target = ToView(req.target());
        const auto qpos = target.find('?');
        const auto path = target.substr(0, qpos);
        const auto query = qpos == std::string_view::npos ? std::string_view{} : target.substr(qpos + 1);

        Response res;
        std::string_view route_label = "unmatched";
        if (path.empty() || path.front() != '/') {
            res = Response::FromError({"request.malformed", "the target must be an absolute path"}, rid);
        } else {
            auto prepared = Prepare(*st, req, path, query, rid, std::move(lookup));
            if (prepared.early) {
                res = std::move(*prepared.early);
            } else {
                const Route& route = *prepared.route;
                route_label = route.pattern;
                Request request{req, path, query, rid, std::move(prepared.params), std::move(prepared.json)};
                if (route.ws_handler) {
                    auto decided = co_await DecideUpgrade(st, conn, route, request);
                    if (auto* session = std::get_if<WsSession>(&decided.answer)) {
                        upgrade.emplace(Upgrade{std::move(decided.channel), std::move(*session), std::move(req)});
                    } else {
                        res = std::move(std::get<Response>(decided.answer));
                    }
                } else if (route.async_handler) {
                    res = co_await RunAsync(st->workers, route, request, asio::use_awaitable);
                } else if (route.options.blocking) {
                    // Named before the co_await: GCC 12 mishandles capturing lambdas inside co_await expressions.
                    std::function<Response()> work = [&route, &request] { return Invoke(route, request); };
                    res = co_await detail::RunOnPool(st->workers, std::move(work), asio::use_awaitable);
                } else {
                    res = Invoke(route, request);
                }
            }
        }

        if (upgrade) {
            const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
            st->metrics.RecordRequest(route_label, "GET", 101, seconds);
            if (settings.access_log) spdlog::info("websocket open rid={} remote={} route={}", rid, conn->remote, route_label);
            break;
        }
        const bool keep_alive = req.keep_alive() && !st->stopping.load();
        auto raw = Finish(*st, req, std::move(res), rid, keep_alive);
        const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
        st->metrics.RecordRequest(route_label, ToView(req.method_string()), raw.result_int(), seconds);
        AccessLog(*st, *conn, req, route_label, raw, rid, seconds);

        stream.expires_after(settings.write_timeout);
        co_await bhttp::async_write(stream, raw, asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        if (!keep_alive) {
            stream.socket().shutdown(tcp::socket::shutdown_send, ec);
            break;
        }
    }
    if (fail) co_await AnswerAndClose(st, conn, std::move(*fail));
    if (upgrade) {
        auto channel = upgrade->channel;
        conn->on_stop = [channel] { channel->Close(WsClose::kGoingAway, "server shutting down"); };
        if (st->stopping.load()) conn->on_stop();  // the stop began while the upgrade was being decided
        co_await channel->Run(std::move(upgrade->request), std::move(upgrade->session), st->workers,
                              settings.server_name);
        conn->on_stop = nullptr;
    }
    stream.socket().close(ec);
    st->metrics.ConnectionClosed();
    st->Unregister(id);
}

asio::awaitable<void> Accept(StatePtr st) {
    while (!st->stopping.load()) {
        beast::error_code ec;
        auto socket =
            co_await st->acceptor.async_accept(*st->contexts[st->next_context++ % st->contexts.size()],
                                               asio::redirect_error(asio::use_awaitable, ec));
        if (ec) {
            if (st->stopping.load() || ec == asio::error::operation_aborted) break;
            // Out of descriptors or a connection reset before accept: keep serving the others.
            spdlog::warn("accept failed: {}", ec.message());
            asio::steady_timer pause(st->ioc, std::chrono::milliseconds(50));
            co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        auto conn = std::make_shared<Connection>(std::move(socket));
        auto executor = conn->stream.get_executor();
        asio::co_spawn(executor, ServeConnection(st, std::move(conn)), asio::detached);
    }
}

asio::awaitable<void> Drain(StatePtr st) {
    const auto deadline = Clock::now() + st->settings.drain_timeout;
    asio::steady_timer timer(st->ioc);
    while (st->ConnectionCount() > 0 && Clock::now() < deadline) {
        timer.expires_after(std::chrono::milliseconds(20));
        beast::error_code ec;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        // Connections that were mid-request when the stop began may have become idle since.
        st->ForEachConnection([](Connection& c) {
            if (c.idle) c.stream.cancel();
        });
    }
    if (st->ConnectionCount() > 0) {
        spdlog::warn("drain timeout: closing {} connections with requests in flight", st->ConnectionCount());
    }
    for (auto& context : st->contexts) context->stop();
}

void BeginStop(const StatePtr& st) {
    if (st->stopping.exchange(true)) return;
    spdlog::info("shutting down: draining {} connections", st->ConnectionCount());
    beast::error_code ec;
    st->acceptor.close(ec);
    st->signals.cancel(ec);
    st->ForEachConnection([](Connection& c) {
        if (c.idle) c.stream.cancel();
        if (c.on_stop) c.on_stop();
    });
    asio::co_spawn(st->ioc, Drain(st), asio::detached);
}

}  // namespace

Server::Server(ServerSettings settings, const Router& router, Metrics& metrics)
    : state_(std::make_shared<State>(std::move(settings), router, metrics)) {}

Server::~Server() {
    state_->workers.join();
}

void Server::Listen() {
    auto& st = *state_;
    const auto address = asio::ip::make_address(st.settings.host);
    const tcp::endpoint endpoint{address, st.settings.port};
    st.acceptor.open(endpoint.protocol());
    st.acceptor.set_option(asio::socket_base::reuse_address(true));
    st.acceptor.bind(endpoint);
    st.acceptor.listen(asio::socket_base::max_listen_connections);
    st.port = st.acceptor.local_endpoint().port();
}

void Server::Run() {
    auto st = state_;
    st->signals.add(SIGINT);
    st->signals.add(SIGTERM);
    st->signals.async_wait([st](const beast::error_code& ec, int signal) {
        if (ec) return;
        spdlog::info("signal {} received", signal);
        BeginStop(st);
    });
    asio::co_spawn(st->ioc, Accept(st), asio::detached);
    // The other contexts have nothing to do until a connection arrives: keep them running until Drain stops them.
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::vector<std::thread> threads;
    for (std::size_t i = 1; i < st->contexts.size(); ++i) {
        guards.push_back(asio::make_work_guard(*st->contexts[i]));
        threads.emplace_back([context = st->contexts[i].get()] { context->run(); });
    }
    st->ioc.run();
    for (auto& t : threads) t.join();
    // Handlers still on the worker pool reference connection state: let them finish before the frames go away.
    st->workers.join();
}

void Server::Stop() {
    auto st = state_;
    asio::post(st->ioc, [st] { BeginStop(st); });
}

std::uint16_t Server::port() const noexcept { return state_->port.load(); }

}  // namespace onton::http
