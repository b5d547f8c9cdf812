// Router lookups and error bodies: the per-request work the HTTP layer adds before a handler runs.
#include <benchmark/benchmark.h>

#include "http/error_table.hpp"
#include "http/router.hpp"

namespace {

onton::http::Router MakeRouter() {
    using onton::http::Verb;
    onton::http::Router r;
    const auto h = [](const onton::http::Request&) { return onton::http::Response{}; };
    for (const auto* p : {"/healthz", "/readyz", "/metrics", "/api/v1/me", "/api/v1/me/tickets", "/api/v1/events",
                          "/api/v1/events/{event_uuid}", "/api/v1/events/{event_uuid}/ticket-types",
                          "/api/v1/events/{event_uuid}/publish", "/api/v1/events/{event_uuid}/check-in",
                          "/api/v1/events/{event_uuid}/guests", "/api/v1/orders", "/api/v1/orders/{uuid}"}) {
        r.Add(Verb::get, p, h);
    }
    return r;
}

void BM_RouterFindStatic(benchmark::State& state) {
    const auto r = MakeRouter();
    for (auto _ : state) benchmark::DoNotOptimize(r.Find(onton::http::Verb::get, "/healthz"));
}
BENCHMARK(BM_RouterFindStatic);

void BM_RouterFindParam(benchmark::State& state) {
    const auto r = MakeRouter();
    for (auto _ : state) {
        benchmark::DoNotOptimize(r.Find(onton::http::Verb::get, "/api/v1/events/0b7c6f6e-1d2a/check-in"));
    }
}
BENCHMARK(BM_RouterFindParam);

void BM_ErrorBody(benchmark::State& state) {
    const onton::Error e{"ticket.sold_out", "no seats left", {{"ticket_type_id", 7}}};
    for (auto _ : state) benchmark::DoNotOptimize(onton::http::ErrorBody(e, "0123456789abcdef"));
}
BENCHMARK(BM_ErrorBody);

}  // namespace
