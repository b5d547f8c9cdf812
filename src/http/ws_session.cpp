#include "http/ws_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/field.hpp>

#include "http/run_on_pool.hpp"

namespace onton::http::detail {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = boost::beast::websocket;

namespace {
websocket::close_reason Reason(WsClose code, std::string_view text) {
    return {static_cast<websocket::close_code>(code), beast::string_view(text.data(), text.size())};
}
}  // namespace

WsChannelImpl::WsChannelImpl(beast::tcp_stream& stream, std::shared_ptr<void> owner, WsOptions options)
    : ws_(stream), executor_(stream.get_executor()), owner_(std::move(owner)), options_(options) {}

void WsChannelImpl::Send(std::string text) {
    asio::post(executor_, [self = shared_from_this(), text = std::move(text)]() mutable { self->Enqueue(std::move(text)); });
}

void WsChannelImpl::Close(WsClose code, std::string reason) {
    auto why = Reason(code, reason);
    asio::post(executor_, [self = shared_from_this(), why]() { self->RequestClose(why); });
}

void WsChannelImpl::Enqueue(std::string text) {
    if (gone_ || closing_ || pending_close_) return;
    if (queue_.size() >= options_.max_queued) {
        // A reader this slow gets nothing more; what is being written finishes, then the close frame follows.
        spdlog::warn("websocket: a peer left {} frames unread; closing it", queue_.size());
        if (writing_) {
            queue_.erase(queue_.begin() + 1, queue_.end());
        } else {
            queue_.clear();
        }
        RequestClose(Reason(WsClose::kPolicyViolation, "too slow"));
        return;
    }
    queue_.push_back(std::move(text));
    Pump();
}

void WsChannelImpl::RequestClose(websocket::close_reason reason) {
    if (gone_ || closing_ || pending_close_) return;
    pending_close_ = std::move(reason);
    Pump();
}

void WsChannelImpl::Pump() {
    if (!open_ || gone_ || writing_ || closing_) return;
    if (!queue_.empty()) {
        writing_ = true;
        ws_.text(true);
        ws_.async_write(asio::buffer(queue_.front()), [self = shared_from_this()](beast::error_code ec, std::size_t) {
            self->writing_ = false;
            if (!self->queue_.empty()) self->queue_.pop_front();
            if (ec) {
                self->queue_.clear();
                self->closing_ = true;  // the socket is broken: the read loop ends on its own
                return;
            }
            self->Pump();
        });
        return;
    }
    if (pending_close_) {
        closing_ = true;
        writing_ = true;
        ws_.async_close(*pending_close_, [self = shared_from_this()](beast::error_code) { self->writing_ = false; });
    }
}

asio::awaitable<void> WsChannelImpl::Run(RawRequest request,
                                         WsSession session,
                                         asio::thread_pool& pool,
                                         std::string server_name) {
    auto self = shared_from_this();
    beast::error_code ec;
    beast::get_lowest_layer(ws_).expires_never();  // the websocket's own timeouts (ping, close handshake) take over
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [server_name](websocket::response_type& res) { res.set(beast::http::field::server, server_name); }));
    ws_.read_message_max(options_.max_message_bytes);
    co_await ws_.async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
    if (!ec) {
        open_ = true;
        Pump();  // frames (or a close) queued while the handshake ran
        beast::flat_buffer buffer;
        for (;;) {
            buffer.clear();
            // Beast answers protocol errors itself (1009 for a frame over read_message_max, 1007 for bad UTF-8).
            co_await ws_.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
            if (ec) break;
            if (closing_ || pending_close_) continue;  // draining until the peer answers our close
            if (!ws_.got_text()) {
                RequestClose(Reason(WsClose::kUnsupportedData, "text frames only"));
                continue;
            }
            std::string text = beast::buffers_to_string(buffer.data());
            std::function<int()> handle = [&session, &text] {
                session.on_text(text);
                return 0;
            };
            try {
                co_await RunOnPool(pool, std::move(handle), asio::use_awaitable);
            } catch (const std::exception& e) {
                spdlog::error("websocket handler failed: {}", e.what());
                RequestClose(Reason(WsClose::kInternalError, "internal error"));
            }
        }
    }
    gone_ = true;
    queue_.clear();
    if (session.on_close) {
        std::function<int()> closed = [&session] {
            session.on_close();
            return 0;
        };
        try {
            co_await RunOnPool(pool, std::move(closed), asio::use_awaitable);
        } catch (const std::exception& e) {
            spdlog::error("websocket close handler failed: {}", e.what());
        }
    }
}

}  // namespace onton::http::detail
