#pragma once
/// Every route `onton serve` can register, for the tests that hold the router against a list of their own
/// (the OpenAPI document, the authorization matrix): AddAllRoutes with every optional part wired (the
/// WebSocket feed, the Telegram webhook, sales, rewards, refunds, Telegram Stars) over an in-memory store.

#include <string>
#include <vector>

#include "http/router.hpp"

namespace onton::test {

struct RouteName {
    http::Verb method;
    std::string pattern;
};

std::vector<RouteName> AllRoutes();

}  // namespace onton::test
