#pragma once
/// Runs the real `onton` binary for black-box tests: `onton serve` on an ephemeral loopback port, or any subcommand
/// to completion with its output captured.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace onton::test {

/// A fresh temporary directory, removed with its contents on destruction.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// Runs `onton args...` with exactly `env` as its environment (plus PATH and ASAN/UBSAN options) and waits.
CommandResult RunOnton(const std::vector<std::string>& args, const std::map<std::string, std::string>& env);

/// `onton serve` in a child process, listening on 127.0.0.1 on a free port. The destructor sends SIGTERM and waits.
class ServeProcess {
public:
    ServeProcess(std::map<std::string, std::string> env, const std::filesystem::path& dir);
    ~ServeProcess();
    ServeProcess(const ServeProcess&) = delete;
    ServeProcess& operator=(const ServeProcess&) = delete;

    [[nodiscard]] std::uint16_t port() const { return port_; }
    /// The child's process id (-1 once it has exited).
    [[nodiscard]] pid_t pid() const { return pid_; }
    /// Sends SIGTERM and waits for the exit code (or -signal when killed).
    int Terminate(std::chrono::seconds timeout = std::chrono::seconds(30));
    /// Sends `signal` (SIGKILL: a crash) and waits for the exit code (or -signal).
    int Stop(int signal, std::chrono::seconds timeout = std::chrono::seconds(30));
    /// Everything the server wrote to stderr so far.
    [[nodiscard]] std::string Log() const;

private:
    pid_t pid_ = -1;
    std::uint16_t port_ = 0;
    std::filesystem::path log_path_;
};

/// `onton worker args...` in a child process (docs/bus.md). The destructor sends SIGTERM and waits.
class WorkerProcess {
public:
    WorkerProcess(const std::vector<std::string>& args, std::map<std::string, std::string> env,
                  const std::filesystem::path& dir);
    ~WorkerProcess();
    WorkerProcess(const WorkerProcess&) = delete;
    WorkerProcess& operator=(const WorkerProcess&) = delete;

    /// Sends `signal` (SIGTERM: a clean stop; SIGKILL: a crash) and waits for the exit code (or -signal).
    int Stop(int signal, std::chrono::seconds timeout = std::chrono::seconds(30));
    [[nodiscard]] std::string Log() const;
    /// The child's process id (-1 once it has exited).
    [[nodiscard]] pid_t pid() const { return pid_; }

private:
    pid_t pid_ = -1;
    std::filesystem::path log_path_;
};

}  // namespace onton::test
