#pragma once
/// A bounded pool of connections shared by the SQLite and PostgreSQL adapters. Connections open lazily (up to
/// the pool size), are lent to one caller at a time, and a connection the borrower marked broken is closed
/// instead of returned, so the next borrower opens a fresh one.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "ports/store.hpp"

namespace onton::storage {

template <typename Connection>
class ConnectionPool {
   public:
    using Factory = std::function<std::unique_ptr<Connection>()>;

    /// `factory` opens one connection or throws ports::StoreError; it runs outside the pool's lock.
    ConnectionPool(std::size_t size, std::chrono::milliseconds acquire_timeout, Factory factory)
        : size_(size == 0 ? 1 : size), acquire_timeout_(acquire_timeout), factory_(std::move(factory)) {
        // Release() is noexcept: with the capacity reserved up front, returning a connection never allocates.
        idle_.reserve(size_);
    }

    ConnectionPool(const ConnectionPool&) = delete;
    ConnectionPool& operator=(const ConnectionPool&) = delete;

    /// A borrowed connection; returns it to the pool (or closes it when Discard() was called) on destruction.
    class Lease {
       public:
        Lease(ConnectionPool* pool, std::unique_ptr<Connection> connection, bool reused)
            : pool_(pool), connection_(std::move(connection)), reused_(reused) {}
        Lease(Lease&& other) noexcept
            : pool_(std::exchange(other.pool_, nullptr)),
              connection_(std::move(other.connection_)),
              reused_(other.reused_),
              discard_(other.discard_) {}
        Lease& operator=(Lease&&) = delete;
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() {
            if (pool_ != nullptr) pool_->Release(std::move(connection_), discard_);
        }

        Connection& operator*() const { return *connection_; }
        Connection* operator->() const { return connection_.get(); }
        /// True when the connection had served an earlier borrower (it may have gone stale meanwhile).
        [[nodiscard]] bool reused() const noexcept { return reused_; }
        /// Closes the connection instead of returning it: it is broken or in an unknown state.
        void Discard() noexcept { discard_ = true; }

       private:
        ConnectionPool* pool_;
        std::unique_ptr<Connection> connection_;
        bool reused_;
        bool discard_ = false;
    };

    /// Borrows an idle connection, opens a new one while the pool is below its size, or waits for one to come
    /// back. Throws ports::StoreError(kUnavailable) after the acquire timeout, and whatever the factory
    /// throws.
    Lease Acquire() {
        std::unique_lock lock(mutex_);
        if (idle_.empty() && open_ >= size_) {
            const auto started = std::chrono::steady_clock::now();
            ++waiting_;
            ++wait_count_;
            const bool ready = available_.wait_for(
                lock, acquire_timeout_, [this] { return !idle_.empty() || open_ < size_; });
            --waiting_;
            wait_seconds_total_ +=
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
            if (!ready) {
                throw ports::StoreError(ports::StoreError::Kind::kUnavailable,
                                        "no free store connection within " +
                                            std::to_string(acquire_timeout_.count()) + " ms (pool size " +
                                            std::to_string(size_) + ")");
            }
        }
        if (!idle_.empty()) {
            auto connection = std::move(idle_.back());
            idle_.pop_back();
            return Lease(this, std::move(connection), true);
        }
        ++open_;
        lock.unlock();
        try {
            return Lease(this, factory_(), false);
        } catch (...) {
            lock.lock();
            --open_;
            lock.unlock();
            available_.notify_one();
            throw;
        }
    }

    [[nodiscard]] ports::PoolStats Stats() const {
        std::lock_guard lock(mutex_);
        ports::PoolStats stats;
        stats.size = static_cast<std::int64_t>(size_);
        stats.in_use = static_cast<std::int64_t>(open_ - idle_.size());
        stats.waiting = waiting_;
        stats.wait_count = wait_count_;
        stats.wait_seconds_total = wait_seconds_total_;
        return stats;
    }

    [[nodiscard]] std::chrono::milliseconds acquire_timeout() const noexcept { return acquire_timeout_; }

   private:
    void Release(std::unique_ptr<Connection> connection, bool discard) noexcept {
        std::unique_ptr<Connection> closing;
        {
            std::lock_guard lock(mutex_);
            if (discard || connection == nullptr) {
                --open_;
                closing = std::move(connection);
            } else {
                idle_.push_back(std::move(connection));
            }
        }
        available_.notify_one();
        // `closing` is destroyed here, outside the lock: closing a connection may block on the network.
    }

    const std::size_t size_;
    const std::chrono::milliseconds acquire_timeout_;
    const Factory factory_;

    mutable std::mutex mutex_;
    std::condition_variable available_;
    std::vector<std::unique_ptr<Connection>> idle_;
    std::size_t open_ = 0;  ///< connections in existence: idle plus lent out (plus being opened)
    std::int64_t waiting_ = 0;
    std::int64_t wait_count_ = 0;
    double wait_seconds_total_ = 0.0;
};

}  // namespace onton::storage
