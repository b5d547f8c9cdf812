#include "http/router.hpp"

#include <algorithm>
#include <atomic>
#include <stdexcept>

namespace onton::http {
namespace {

std::vector<std::string_view> SplitPath(std::string_view path) {
    std::vector<std::string_view> out;
    if (path.empty() || path.front() != '/') return out;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool IsParam(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

struct Reply::State {
    std::function<void(Response)> deliver;
    std::string request_id;
    Offload offload;
    std::atomic<bool> answered{false};

    State(std::function<void(Response)> d, std::string rid, Offload o)
        : deliver(std::move(d)), request_id(std::move(rid)), offload(std::move(o)) {}
    State(const State&) = delete;
    State& operator=(const State&) = delete;
    ~State() {
        if (!answered.exchange(true)) deliver(Response::FromError({"internal", "internal error"}, request_id));
    }
};

Reply::Reply(std::function<void(Response)> deliver, std::string request_id, Offload offload)
    : state_(std::make_shared<State>(std::move(deliver), std::move(request_id), std::move(offload))) {}

void Reply::Blocking(std::function<void()> task) const {
    auto guarded = [self = *this, task = std::move(task)] {
        try {
            task();
        } catch (...) {
            self(AnswerForException(std::current_exception(), self.state_->request_id));
        }
    };
    if (state_->offload) {
        state_->offload(std::move(guarded));
    } else {
        guarded();
    }
}

void Reply::operator()(Response response) const {
    if (!state_->answered.exchange(true)) state_->deliver(std::move(response));
}

void Router::Add(Verb method, std::string pattern, Handler handler, RouteOptions options) {
    Route route;
    route.method = method;
    route.pattern = std::move(pattern);
    route.handler = std::move(handler);
    route.options = options;
    AddRoute(std::move(route));
}

void Router::AddAsync(Verb method, std::string pattern, AsyncHandler handler, RouteOptions options) {
    Route route;
    route.method = method;
    route.pattern = std::move(pattern);
    route.async_handler = std::move(handler);
    route.options = options;
    AddRoute(std::move(route));
}

void Router::AddWebSocket(std::string pattern, WsHandler handler, WsOptions options) {
    Route route;
    route.method = Verb::get;
    route.pattern = std::move(pattern);
    route.ws_handler = std::move(handler);
    route.ws_options = options;
    AddRoute(std::move(route));
}

void Router::AddRoute(Route route) {
    const auto& pattern = route.pattern;
    const auto method = route.method;
    if (pattern.empty() || pattern.front() != '/') throw std::invalid_argument("route pattern must start with /");
    Compiled compiled;
    for (auto segment : SplitPath(pattern)) {
        if (segment.find_first_of("{}") != std::string_view::npos && !IsParam(segment)) {
            throw std::invalid_argument("bad route segment in " + pattern);
        }
        compiled.segments.emplace_back(segment);
    }
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        if (routes_[i].method == method && compiled_[i].segments == compiled.segments) {
            throw std::invalid_argument("duplicate route " + pattern);
        }
    }
    routes_.push_back(std::move(route));
    compiled_.push_back(std::move(compiled));
}

bool Router::MatchPath(const Compiled& compiled,
                       const std::vector<std::string_view>& segments,
                       std::vector<std::pair<std::string, std::string>>* params) {
    if (compiled.segments.size() != segments.size()) return false;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& want = compiled.segments[i];
        if (IsParam(want)) {
            if (segments[i].empty()) return false;
            if (params != nullptr) params->emplace_back(want.substr(1, want.size() - 2), std::string(segments[i]));
        } else if (want != segments[i]) {
            return false;
        }
    }
    return true;
}

RouteLookup Router::Find(Verb method, std::string_view path) const {
    const auto segments = SplitPath(path);
    const Verb effective = method == Verb::head ? Verb::get : method;
    bool path_known = false;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        std::vector<std::pair<std::string, std::string>> params;
        if (!MatchPath(compiled_[i], segments, &params)) continue;
        path_known = true;
        if (routes_[i].method != effective) continue;
        for (auto& [name, value] : params) {
            auto decoded = PercentDecode(value, false);
            if (!decoded) return BadPath{};
            value = std::move(*decoded);
        }
        return RouteMatch{&routes_[i], std::move(params)};
    }
    if (path_known) return MethodNotAllowed{AllowedMethods(path)};
    const bool api_path = path == "/api" || path.rfind("/api/", 0) == 0;
    if (fallback_.handler && effective == Verb::get && !api_path) return RouteMatch{&fallback_, {}};
    return NotFound{};
}

void Router::SetFallback(Handler handler) {
    fallback_ = Route{.method = Verb::get,
                      .pattern = "/*",
                      .handler = std::move(handler),
                      .options = {},
                      .async_handler = {},
                      .ws_handler = {},
                      .ws_options = {}};
}

std::uint64_t Router::LargestBodyLimit() const noexcept {
    std::uint64_t largest = 0;
    for (const auto& r : routes_) largest = std::max(largest, r.options.max_body_bytes);
    return largest;
}

std::string Router::AllowedMethods(std::string_view path) const {
    const auto segments = SplitPath(path);
    std::vector<std::string> methods;
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        if (!MatchPath(compiled_[i], segments, nullptr)) continue;
        const auto name = boost::beast::http::to_string(routes_[i].method);
        methods.emplace_back(name.data(), name.size());
        if (routes_[i].method == Verb::get) methods.emplace_back("HEAD");
    }
    if (methods.empty()) return {};
    methods.emplace_back("OPTIONS");
    std::sort(methods.begin(), methods.end());
    methods.erase(std::unique(methods.begin(), methods.end()), methods.end());
    std::string out;
    for (const auto& m : methods) {
        if (!out.empty()) out += ", ";
        out += m;
    }
    return out;
}

}  // namespace onton::http
