#pragma once
/// WebSocket routes (RFC 6455) on the HTTP server. A route decides each upgrade request on the worker pool: it
/// refuses with an ordinary Response (401, 403 ...) or accepts with a WsSession. Once accepted, text frames from
/// the peer reach `on_text` one at a time on the worker pool (the next frame is read after the previous one was
/// handled), and the handler talks back through its WsChannel from any thread. The server pings idle peers and
/// drops those that stop answering, refuses binary frames and frames larger than the route's limit, and closes
/// every socket with 1001 (going away) when it stops.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include "http/message.hpp"

namespace onton::http {

/// Close codes of RFC 6455 §7.4.1 that the server and handlers use.
enum class WsClose : std::uint16_t {
    kNormal = 1000,
    kGoingAway = 1001,
    kUnsupportedData = 1003,
    kPolicyViolation = 1008,
    kTooBig = 1009,
    kInternalError = 1011,
};

/// The server side of one open WebSocket. Thread-safe; after the socket is gone every call does nothing.
class WsChannel {
public:
    virtual ~WsChannel() = default;
    /// Queues a text frame. A peer that lets more than the route's max_queued frames pile up unread is
    /// disconnected (1008): one slow reader never holds the server's memory.
    virtual void Send(std::string text) = 0;
    /// Sends a close frame once the queued frames are written, and ends the session.
    virtual void Close(WsClose code, std::string reason) = 0;
};

struct WsSession {
    /// One text frame from the peer (valid UTF-8, at most max_message_bytes); runs on the worker pool and may block.
    std::function<void(std::string_view text)> on_text;
    /// Called once when the socket is gone, however it ended.
    std::function<void()> on_close;
};

/// Decides an upgrade request. `channel` is the socket-to-be: a handler may keep it (and Send before the handshake
/// has finished: frames wait for it).
using WsHandler = std::function<std::variant<Response, WsSession>(const Request&, std::shared_ptr<WsChannel> channel)>;

struct WsOptions {
    std::size_t max_message_bytes = 4096;  ///< larger frames close the socket with 1009
    std::size_t max_queued = 256;          ///< outgoing frames waiting for a slow reader
};

}  // namespace onton::http
