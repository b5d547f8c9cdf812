#pragma once
/// The TON emulator of the `ton_emulator` CTest fixture (tools/ton-emulator): its URLs from the environment and its
/// /emulator/* control routes (wallets, transfers) for tests. Link onton_emulator_control.

#include <nlohmann/json.hpp>
#include <string>

namespace onton::test {

/// The value of an environment variable, "" when unset.
std::string Env(const char* name);
/// Calls a /emulator/* control route (ONTON_TEST_TON_CONTROL + route) and returns its `result`; fails the calling
/// test (gtest EXPECTs) on any transport or API error.
nlohmann::json Control(const std::string& method, const std::string& route, const nlohmann::json& body = nullptr);

}  // namespace onton::test
