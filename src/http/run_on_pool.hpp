#pragma once
/// Internal to the HTTP server: run blocking work on the worker pool from a connection's coroutine.

#include <boost/asio/async_result.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <exception>
#include <functional>

namespace onton::http::detail {

/// Runs `work` on `pool` and resumes the caller on its own executor with the result (or the exception).
template <typename R, typename Token>
auto RunOnPool(boost::asio::thread_pool& pool, std::function<R()> work, Token&& token) {
    namespace asio = boost::asio;
    return asio::async_initiate<Token, void(std::exception_ptr, R)>(
        [&pool](auto handler, std::function<R()> fn) {
            auto home = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
            asio::post(pool, [handler = std::move(handler), fn = std::move(fn), home = std::move(home)]() mutable {
                std::exception_ptr error;
                R result{};
                try {
                    result = fn();
                } catch (...) {
                    error = std::current_exception();
                }
                asio::dispatch(home, [handler = std::move(handler), error, result = std::move(result)]() mutable {
                    handler(error, std::move(result));
                });
            });
        },
        token,
        std::move(work));
}

}  // namespace onton::http::detail
