#include "http/handlers/system.hpp"

#include <spdlog/spdlog.h>

namespace onton::http {

void AddSystemRoutes(Router& router, SystemRoutesDeps deps) {
    auto shared = std::make_shared<SystemRoutesDeps>(std::move(deps));

    // Liveness answers from the I/O thread: it must not depend on the worker pool or the store.
    router.Add(
        Verb::get,
        "/healthz",
        [](const Request&) { return Response::Text(Status::ok, std::string(kHealthBody), "application/json"); },
        {.blocking = false});

    router.Add(Verb::get, "/readyz", [shared](const Request& req) {
        try {
            shared->ping_store();
        } catch (const std::exception& e) {
            spdlog::warn("readiness check failed: {}", e.what());
            return Response::FromError(
                {"service.unavailable", "the database is not reachable", {{"checks", {{"store", "down"}}}}},
                req.request_id);
        }
        return Response::Json(Status::ok, {{"status", "ready"}, {"checks", {{"store", "up"}}}});
    });

    router.Add(Verb::get, "/metrics", [shared](const Request&) {
        return Response::Text(Status::ok, shared->metrics->Render(), "text/plain; version=0.0.4; charset=utf-8");
    });

    router.Add(
        Verb::get,
        "/api/v1/openapi.yaml",
        [shared](const Request&) { return Response::Text(Status::ok, shared->openapi_yaml, "application/yaml"); },
        {.blocking = false});

    router.Add(
        Verb::get,
        "/api/v1/version",
        [shared](const Request&) { return Response::Json(Status::ok, {{"version", shared->version}}); },
        {.blocking = false});
}

}  // namespace onton::http
