#include "support/process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <thread>

#ifndef ONTON_BINARY
#error "ONTON_BINARY must name the onton executable"
#endif

namespace onton::test {
namespace {

std::string ReadFile(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

/// Forks and execs onton; stdout/stderr go to the given files.
pid_t Spawn(const std::vector<std::string>& args,
            const std::map<std::string, std::string>& env,
            const std::filesystem::path& out_path,
            const std::filesystem::path& err_path) {
    std::vector<std::string> env_strings;
    for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
    for (const char* inherited : {"PATH", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS"}) {
        if (env.count(inherited) != 0) continue;
        if (const char* value = std::getenv(inherited)) env_strings.push_back(std::string(inherited) + "=" + value);
    }
    std::vector<std::string> argv_strings{ONTON_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);

    const pid_t pid = fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(out, 1);
        dup2(err, 2);
        execve(argv[0], argv.data(), envp.data());
        _exit(127);
    }
    return pid;
}

int WaitExit(pid_t pid) {
    int status = 0;
    waitpid(pid, &status, 0);
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return -WTERMSIG(status);
    return -1;
}

/// Sends `signal` to `pid` and waits up to `timeout` for it to exit, then kills it; the exit code or -signal.
int StopChild(pid_t pid, int signal, std::chrono::seconds timeout) {
    if (pid < 0) return -1;
    kill(pid, signal);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            return WIFSIGNALED(status) ? -WTERMSIG(status) : -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill(pid, SIGKILL);
    WaitExit(pid);
    return -SIGKILL;
}

}  // namespace

TempDir::TempDir() {
    std::random_device rd;
    path_ = std::filesystem::temp_directory_path() / ("onton-test-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

CommandResult RunOnton(const std::vector<std::string>& args, const std::map<std::string, std::string>& env) {
    TempDir dir;
    const auto out = dir.path() / "out";
    const auto err = dir.path() / "err";
    const pid_t pid = Spawn(args, env, out, err);
    CommandResult result;
    result.exit_code = WaitExit(pid);
    result.out = ReadFile(out);
    result.err = ReadFile(err);
    return result;
}

ServeProcess::ServeProcess(std::map<std::string, std::string> env, const std::filesystem::path& dir)
    : log_path_(dir / "serve.log") {
    env.emplace("ONTON_HTTP_HOST", "127.0.0.1");
    env.emplace("ONTON_HTTP_PORT", "0");
    env.emplace("ONTON_DATABASE_URL", "sqlite://" + (dir / "onton.db").string());
    const auto port_file = dir / "port";
    std::filesystem::remove(port_file);
    pid_ = Spawn({"serve", "--port-file", port_file.string()}, env, dir / "serve.out", log_path_);
    // Startup includes migrations; under sanitizers that takes a few seconds.
    for (int i = 0; i < 3000; ++i) {
        if (std::filesystem::exists(port_file)) {
            port_ = static_cast<std::uint16_t>(std::stoi(ReadFile(port_file)));
            return;
        }
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("onton serve exited during startup:\n" + ReadFile(log_path_));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    kill(pid_, SIGKILL);
    WaitExit(pid_);
    pid_ = -1;
    throw std::runtime_error("onton serve did not start listening:\n" + ReadFile(log_path_));
}

int ServeProcess::Terminate(std::chrono::seconds timeout) { return Stop(SIGTERM, timeout); }

int ServeProcess::Stop(int signal, std::chrono::seconds timeout) {
    const auto code = StopChild(pid_, signal, timeout);
    pid_ = -1;
    return code;
}

ServeProcess::~ServeProcess() { Terminate(); }

std::string ServeProcess::Log() const { return ReadFile(log_path_); }

WorkerProcess::WorkerProcess(const std::vector<std::string>& args, std::map<std::string, std::string> env,
                             const std::filesystem::path& dir)
    : log_path_(dir / "worker.log") {
    std::vector<std::string> command = {"worker"};
    command.insert(command.end(), args.begin(), args.end());
    pid_ = Spawn(command, env, dir / "worker.out", log_path_);
}

int WorkerProcess::Stop(int signal, std::chrono::seconds timeout) {
    const auto code = StopChild(pid_, signal, timeout);
    pid_ = -1;
    return code;
}

WorkerProcess::~WorkerProcess() { Stop(SIGTERM); }

std::string WorkerProcess::Log() const { return ReadFile(log_path_); }

}  // namespace onton::test
