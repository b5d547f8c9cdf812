#pragma once
/// Operational routes: `GET /healthz` (process up), `GET /readyz` (the store answers), `GET /metrics`
/// (Prometheus), `GET /api/v1/openapi.yaml` (the API contract), `GET /api/v1/version`.

#include <functional>
#include <string>

#include "http/metrics.hpp"
#include "http/router.hpp"

namespace onton::http {

struct SystemRoutesDeps {
    std::function<void()> ping_store;  ///< throws when the store cannot be reached
    Metrics* metrics = nullptr;
    std::string version;
    std::string openapi_yaml;
};

void AddSystemRoutes(Router& router, SystemRoutesDeps deps);

/// The fixed body of `GET /healthz`; bench/http serves the same bytes from nginx.
inline constexpr std::string_view kHealthBody = R"({"status":"ok"})";

}  // namespace onton::http
