#pragma once
/// Internal to the HTTP server: one WebSocket on a connection's stream — the handshake, the read loop that hands
/// text frames to the route's session on the worker pool, and the queue of outgoing frames. Everything but Send
/// and Close runs on the connection's own single-threaded io_context, so the state needs no lock.

#include <utility>  // before Boost: asio/awaitable.hpp uses std::exchange without including it

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "http/message.hpp"
#include "http/websocket.hpp"

namespace onton::http::detail {

class WsChannelImpl final : public WsChannel, public std::enable_shared_from_this<WsChannelImpl> {
public:
    /// `stream` is the connection's; `owner` keeps it alive for as long as this channel exists.
    WsChannelImpl(boost::beast::tcp_stream& stream, std::shared_ptr<void> owner, WsOptions options);

    void Send(std::string text) override;
    void Close(WsClose code, std::string reason) override;

    /// Completes the handshake for `request`, then reads until the socket is gone and calls session.on_close.
    boost::asio::awaitable<void> Run(RawRequest request,
                                     WsSession session,
                                     boost::asio::thread_pool& pool,
                                     std::string server_name);

private:
    void Enqueue(std::string text);
    void RequestClose(boost::beast::websocket::close_reason reason);
    void Pump();  ///< writes the next queued frame, or the close frame once the queue is empty

    boost::beast::websocket::stream<boost::beast::tcp_stream&> ws_;
    boost::asio::any_io_executor executor_;
    std::shared_ptr<void> owner_;
    WsOptions options_;
    std::deque<std::string> queue_;
    std::optional<boost::beast::websocket::close_reason> pending_close_;
    bool open_ = false;     ///< handshake done
    bool writing_ = false;  ///< a frame (or the close frame) is being written
    bool closing_ = false;  ///< the close frame was sent: nothing more goes out
    bool gone_ = false;     ///< the read loop ended
};

}  // namespace onton::http::detail
