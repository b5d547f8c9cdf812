#pragma once
/// A fake of api.telegram.org on 127.0.0.1 for integration tests: it records every request (bot token,
/// method, JSON body) and answers from a script, so a test can make Telegram answer 429 with retry_after,
/// 403, 400, a 5xx page, or a slow reply. When the script is empty it answers like the Bot API does on
/// success (a Message with a fresh message_id for sendMessage and sendInvoice, a
/// `https://t.me/$fake-invoice-N` link for createInvoiceLink, `true` otherwise).
///
/// One background thread serves one connection at a time, one request per connection (`Connection: close`),
/// which is all a client test needs. Thread-safe; the destructor stops the thread.

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace onton::test {

struct FakeReply {
    unsigned status = 200;
    std::string body;
    std::chrono::milliseconds delay{0};  ///< wait this long before answering (client timeouts)

    static FakeReply Ok(const nlohmann::json& result);
    /// `{"ok":false,"error_code":status,"description":...,"parameters":...}` with HTTP status `status`.
    static FakeReply ApiError(unsigned status, const std::string& description, const nlohmann::json& parameters = {});
    static FakeReply TooManyRequests(int retry_after_seconds);
    static FakeReply Blocked();  ///< 403 "Forbidden: bot was blocked by the user"
    static FakeReply BadRequest(const std::string& description);
    /// A proxy's HTML error page, as Telegram's front ends return on 502/504.
    static FakeReply ServerError(unsigned status = 502);
};

struct RecordedRequest {
    std::string http_method;  ///< `POST`
    std::string target;       ///< the raw request target, token included
    std::string token;        ///< from `/bot<token>/<method>`; empty when the path has another shape
    std::string method;       ///< the Bot API method
    std::string content_type;
    nlohmann::json body;  ///< the parsed JSON body; discarded (is_discarded()) when it was not JSON
};

class FakeBotApi {
public:
    FakeBotApi();
    ~FakeBotApi();
    FakeBotApi(const FakeBotApi&) = delete;
    FakeBotApi& operator=(const FakeBotApi&) = delete;

    [[nodiscard]] std::uint16_t port() const noexcept;
    /// `http://127.0.0.1:<port>`, for BotApiSettings::base_url.
    [[nodiscard]] std::string base_url() const;

    /// Answers the next request not yet answered with `reply`; replies queue up in order.
    void Enqueue(FakeReply reply);
    /// Every request so far, in arrival order.
    [[nodiscard]] std::vector<RecordedRequest> Requests() const;

    struct State;  ///< implementation detail

private:
    std::shared_ptr<State> state_;
};

}  // namespace onton::test
