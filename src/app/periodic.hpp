#pragma once
/// Runs a task every `period` on its own thread until destroyed; the destructor wakes it and joins, so shutdown
/// never waits a full period. An exception from the task is logged and the next run still happens.

#include <spdlog/spdlog.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace onton::app {

class PeriodicTask {
public:
    PeriodicTask(std::string name, std::chrono::milliseconds period, std::function<void()> task)
        : name_(std::move(name)), period_(period), task_(std::move(task)), thread_([this] { Loop(); }) {}
    ~PeriodicTask() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }
    PeriodicTask(const PeriodicTask&) = delete;
    PeriodicTask& operator=(const PeriodicTask&) = delete;

private:
    void Loop() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            lock.unlock();
            try {
                task_();
            } catch (const std::exception& e) {
                spdlog::error("{} failed: {}", name_, e.what());
            }
            lock.lock();
            wake_.wait_for(lock, period_, [this] { return stopping_; });
        }
    }

    std::string name_;
    std::chrono::milliseconds period_;
    std::function<void()> task_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;  // last: starts after every other member is ready
};

}  // namespace onton::app
