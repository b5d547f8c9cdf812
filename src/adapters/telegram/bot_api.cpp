#include "adapters/telegram/bot_api.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>
#include <stdexcept>
#include <utility>
#include <vector>

#include "telegram/rate_limiter.hpp"

namespace onton::telegram_bot {
namespace {

using nlohmann::json;

Error MakeError(std::string_view code, std::string message, json details) {
    return Error{std::string(code), std::move(message), std::move(details)};
}

std::string Describe(std::string_view method, std::string_view what) {
    return "Telegram " + std::string(method) + ": " + std::string(what);
}

std::string_view ParseModeName(ports::ParseMode mode) {
    switch (mode) {
        case ports::ParseMode::kHtml:
            return "HTML";
        case ports::ParseMode::kMarkdownV2:
            return "MarkdownV2";
        case ports::ParseMode::kPlain:
            break;
    }
    return {};
}

Result<void> Discard(Result<json> result) {
    if (!result.ok()) return result.error();
    return Ok();
}

Result<ports::MessageId> MessageIdOf(std::string_view method, Result<json> result) {
    if (!result.ok()) return result.error();
    const json& message = result.value();
    if (message.is_object()) {
        const auto it = message.find("message_id");
        if (it != message.end() && it->is_number_integer()) return it->get<ports::MessageId>();
    }
    return MakeError(ports::kMessengerUnavailable,
                     Describe(method, "the result has no message_id"),
                     json{{"method", method}});
}

// curl_global_init is not thread-safe and must run once before any handle exists.
void GlobalInit() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("curl_global_init failed");
    });
}

struct Sink {
    std::string data;
    std::size_t limit = 0;
    bool overflow = false;
};

// A C callback: it must not throw, so allocation failure and the size cap both abort the transfer instead.
std::size_t WriteToSink(char* ptr, std::size_t size, std::size_t count, void* user) noexcept {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t bytes = size * count;
    if (sink->data.size() + bytes > sink->limit) {
        sink->overflow = true;
        return 0;
    }
    try {
        sink->data.append(ptr, bytes);
    } catch (...) {
        return 0;
    }
    return bytes;
}

struct CurlDeleter {
    void operator()(CURL* handle) const noexcept { curl_easy_cleanup(handle); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;

struct HeaderListDeleter {
    void operator()(curl_slist* list) const noexcept { curl_slist_free_all(list); }
};

}  // namespace

/// Idle easy handles: each keeps its connection cache, so consecutive calls reuse a warm connection.
struct BotApiClient::HandlePool {
    std::mutex mutex;
    std::vector<CurlHandle> idle;

    CurlHandle Take() {
        {
            const std::lock_guard lock(mutex);
            if (!idle.empty()) {
                CurlHandle handle = std::move(idle.back());
                idle.pop_back();
                return handle;
            }
        }
        CurlHandle handle(curl_easy_init());
        if (!handle) throw std::runtime_error("curl_easy_init failed");
        return handle;
    }
    void Give(CurlHandle handle) {
        curl_easy_reset(handle.get());  // keeps the connection cache, drops the options
        const std::lock_guard lock(mutex);
        idle.push_back(std::move(handle));
    }
};

BotApiClient::BotApiClient(BotApiSettings settings)
    : settings_(std::move(settings)), handles_(std::make_unique<HandlePool>()) {
    if (settings_.token.empty()) throw std::invalid_argument("Bot API token is empty");
    if (settings_.base_url.empty()) throw std::invalid_argument("Bot API base URL is empty");
    std::string base = settings_.base_url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    url_prefix_ = base + "/bot" + settings_.token + "/";
    GlobalInit();
}

BotApiClient::~BotApiClient() = default;

Result<json> BotApiClient::Call(std::string_view method, const json& params) {
    const std::string url = url_prefix_ + std::string(method);
    const std::string body = params.is_null() ? std::string("{}") : params.dump();
    Sink sink;
    sink.limit = settings_.max_response_bytes;
    char curl_error[CURL_ERROR_SIZE] = {};

    CurlHandle handle = handles_->Take();
    CURL* curl = handle.get();
    const std::unique_ptr<curl_slist, HeaderListDeleter> headers(
        curl_slist_append(curl_slist_append(nullptr, "Content-Type: application/json"), "Expect:"));
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    const long connect_timeout_ms = settings_.connect_timeout.count();
    const long request_timeout_ms = settings_.request_timeout.count();
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, request_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteToSink);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, curl_error);

    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    handles_->Give(std::move(handle));

    if (code != CURLE_OK) {
        std::string what = sink.overflow ? std::string("the answer is larger than the limit")
                                         : std::string(curl_easy_strerror(code));
        if (!sink.overflow && curl_error[0] != '\0') what += std::string(" (") + curl_error + ")";
        return MakeError(ports::kMessengerUnavailable,
                         RedactToken(Describe(method, what), settings_.token),
                         json{{"method", method}, {"curl_code", static_cast<int>(code)}});
    }
    Result<json> result = InterpretResponse(method, status, sink.data);
    if (result.ok()) return result;
    Error error = result.error();
    error.message = RedactToken(std::move(error.message), settings_.token);
    return error;
}

Result<ports::MessageId> BotApiClient::SendMessage(const ports::OutgoingMessage& message) {
    return MessageIdOf("sendMessage", Call("sendMessage", SendMessageParams(message)));
}

Result<void> BotApiClient::AnswerCallbackQuery(std::string_view callback_query_id,
                                               std::string_view text,
                                               bool show_alert) {
    json params = {{"callback_query_id", callback_query_id}};
    if (!text.empty()) params["text"] = text;
    if (show_alert) params["show_alert"] = true;
    return Discard(Call("answerCallbackQuery", params));
}

Result<void> BotApiClient::SetWebhook(const ports::WebhookSettings& settings) {
    json params = {{"url", settings.url}, {"max_connections", settings.max_connections}};
    if (!settings.secret_token.empty()) params["secret_token"] = settings.secret_token;
    if (!settings.allowed_updates.empty()) params["allowed_updates"] = settings.allowed_updates;
    if (settings.drop_pending_updates) params["drop_pending_updates"] = true;
    return Discard(Call("setWebhook", params));
}

Result<void> BotApiClient::SetChatMenuButton(std::string_view text, std::string_view web_app_url) {
    const json params = {
        {"menu_button", {{"type", "web_app"}, {"text", text}, {"web_app", {{"url", web_app_url}}}}}};
    return Discard(Call("setChatMenuButton", params));
}

Result<ports::MessageId> BotApiClient::SendInvoice(const ports::StarsInvoice& invoice) {
    return MessageIdOf("sendInvoice", Call("sendInvoice", SendInvoiceParams(invoice)));
}

Result<void> BotApiClient::AnswerPreCheckoutQuery(std::string_view pre_checkout_query_id,
                                                  bool ok,
                                                  std::string_view error_message) {
    json params = {{"pre_checkout_query_id", pre_checkout_query_id}, {"ok", ok}};
    if (!ok) params["error_message"] = error_message;
    return Discard(Call("answerPreCheckoutQuery", params));
}

Result<void> BotApiClient::RefundStarPayment(std::int64_t user_id, std::string_view telegram_payment_charge_id) {
    const json params = {{"user_id", user_id}, {"telegram_payment_charge_id", telegram_payment_charge_id}};
    return Discard(Call("refundStarPayment", params));
}

Result<std::string> BotApiClient::CreateInvoiceLink(const ports::StarsInvoice& invoice) {
    auto result = Call("createInvoiceLink", CreateInvoiceLinkParams(invoice));
    if (!result.ok()) return result.error();
    if (!result.value().is_string() || result.value().get<std::string>().empty()) {
        return MakeError(ports::kMessengerUnavailable,
                         Describe("createInvoiceLink", "the result is not a link"),
                         json{{"method", "createInvoiceLink"}});
    }
    return result.value().get<std::string>();
}

Result<void> BotApiClient::EditMessageText(std::int64_t chat_id,
                                           ports::MessageId message_id,
                                           std::string_view text,
                                           const std::optional<ports::InlineKeyboard>& keyboard) {
    json params = {{"chat_id", chat_id}, {"message_id", message_id}, {"text", text}};
    // An empty keyboard removes the buttons; leaving reply_markup out would keep them.
    params["reply_markup"] = InlineKeyboardJson(keyboard.value_or(ports::InlineKeyboard{}));
    return Discard(Call("editMessageText", params));
}

json InlineKeyboardJson(const ports::InlineKeyboard& keyboard) {
    json rows = json::array();
    for (const auto& row : keyboard) {
        json buttons = json::array();
        for (const ports::InlineButton& button : row) {
            json item = {{"text", button.text}};
            switch (button.kind) {
                case ports::InlineButton::Kind::kWebApp:
                    item["web_app"] = {{"url", button.value}};
                    break;
                case ports::InlineButton::Kind::kUrl:
                    item["url"] = button.value;
                    break;
                case ports::InlineButton::Kind::kCallback:
                    item["callback_data"] = button.value;
                    break;
            }
            buttons.push_back(std::move(item));
        }
        rows.push_back(std::move(buttons));
    }
    return json{{"inline_keyboard", std::move(rows)}};
}

json SendMessageParams(const ports::OutgoingMessage& message) {
    json params = {{"chat_id", message.chat_id}, {"text", message.text}};
    if (const std::string_view mode = ParseModeName(message.parse_mode); !mode.empty()) params["parse_mode"] = mode;
    if (message.disable_link_preview) params["link_preview_options"] = {{"is_disabled", true}};
    if (message.keyboard.has_value()) params["reply_markup"] = InlineKeyboardJson(*message.keyboard);
    return params;
}

json SendInvoiceParams(const ports::StarsInvoice& invoice) {
    return json{{"chat_id", invoice.chat_id},
                {"title", invoice.title},
                {"description", invoice.description},
                {"payload", invoice.payload},
                {"currency", "XTR"},
                {"prices", json::array({{{"label", invoice.label}, {"amount", invoice.amount_stars}}})}};
}

json CreateInvoiceLinkParams(const ports::StarsInvoice& invoice) {
    return json{{"title", invoice.title},
                {"description", invoice.description},
                {"payload", invoice.payload},
                {"provider_token", ""},
                {"currency", "XTR"},
                {"prices", json::array({{{"label", invoice.label}, {"amount", invoice.amount_stars}}})}};
}

Result<json> InterpretResponse(std::string_view method, long http_status, std::string_view body) {
    const json answer = json::parse(body, nullptr, /*allow_exceptions=*/false);
    const bool is_api_answer =
        !answer.is_discarded() && answer.is_object() && answer.contains("ok") && answer["ok"].is_boolean();
    if (!is_api_answer) {
        // A proxy's HTML error page or a truncated body: the Bot API itself did not answer.
        return MakeError(ports::kMessengerUnavailable,
                         Describe(method, "HTTP " + std::to_string(http_status) + " without a Bot API answer"),
                         json{{"method", method}, {"error_code", http_status}});
    }
    if (answer["ok"].get<bool>()) {
        const auto it = answer.find("result");
        return it == answer.end() ? json(true) : *it;
    }

    long error_code = http_status;
    if (const auto it = answer.find("error_code"); it != answer.end() && it->is_number_integer()) {
        error_code = it->get<long>();
    }
    std::string description = "error " + std::to_string(error_code);
    if (const auto it = answer.find("description"); it != answer.end() && it->is_string()) {
        description = it->get<std::string>();
    }
    json parameters = json::object();
    if (const auto it = answer.find("parameters"); it != answer.end() && it->is_object()) parameters = *it;

    json details = {{"method", method}, {"error_code", error_code}};
    const std::string message = Describe(method, description);
    if (error_code == 429) {
        std::int64_t retry_after = 1;
        if (const auto it = parameters.find("retry_after"); it != parameters.end() && it->is_number_integer()) {
            // Clamped so that a corrupt or absurd value cannot overflow the time arithmetic downstream.
            retry_after = std::clamp<std::int64_t>(
                it->get<std::int64_t>(), 1, std::chrono::seconds(telegram::kMaxRetryAfter).count());
        }
        details["retry_after"] = retry_after;
        return MakeError(ports::kMessengerRateLimited, message, std::move(details));
    }
    if (error_code == 403) return MakeError(ports::kMessengerBlocked, message, std::move(details));
    if (error_code == 401 || error_code == 404) {
        return MakeError(ports::kMessengerUnauthorized, message, std::move(details));
    }
    if (error_code >= 400 && error_code < 500) {
        if (const auto it = parameters.find("migrate_to_chat_id"); it != parameters.end() && it->is_number_integer()) {
            details["migrate_to_chat_id"] = it->get<std::int64_t>();
        }
        return MakeError(ports::kMessengerBadRequest, message, std::move(details));
    }
    return MakeError(ports::kMessengerUnavailable, message, std::move(details));
}

std::string RedactToken(std::string text, std::string_view token) {
    text = Redact(std::move(text), token);
    // The part after ':' is the actual secret; it must not leak on its own either.
    if (const std::size_t colon = token.find(':'); colon != std::string_view::npos && token.size() - colon > 8) {
        text = Redact(std::move(text), token.substr(colon + 1));
    }
    return text;
}

std::string Redact(std::string text, std::string_view secret) {
    if (secret.empty()) return text;
    constexpr std::string_view kRedacted = "<redacted>";
    for (std::size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + kRedacted.size())) {
        text.replace(at, secret.size(), kRedacted);
    }
    return text;
}

}  // namespace onton::telegram_bot
