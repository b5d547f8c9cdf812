#pragma once
/// The `onton` subcommands. Each takes its own arguments (without the subcommand name) and returns the exit code:
/// 0 success, 1 runtime failure, 2 usage or configuration error.

#include <string>
#include <vector>

namespace onton::app {

int RunServe(const std::vector<std::string>& args);
/// `onton worker [--only LIST]`: the background workers as their own process (docs/bus.md).
int RunWorker(const std::vector<std::string>& args);
int RunMigrate(const std::vector<std::string>& args);
int RunAdmin(const std::vector<std::string>& args);
int RunVersion(const std::vector<std::string>& args);
/// `onton ton address|boc`: TON operator tools (src/app/ton_commands.cpp).
int RunTon(const std::vector<std::string>& args);

/// Dispatches `argv[1]` to a subcommand; prints the overall usage for `--help` or nothing.
int Main(const std::vector<std::string>& args);

}  // namespace onton::app
