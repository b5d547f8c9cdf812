#include "adapters/chain/toncenter.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>

#include "adapters/chain/toncenter_json.hpp"

namespace onton::chain {
namespace {

using nlohmann::json;

void GlobalInit() {
    // curl_global_init is not thread-safe; once per process, before the first handle.
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
struct SlistDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};

// libcurl's write and header callbacks: C callbacks, so nothing may throw out of them.
std::size_t WriteBody(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto* out = static_cast<std::string*>(user);
    try {
        out->append(data, size * count);
    } catch (...) {
        return 0;  // makes curl fail the transfer
    }
    return size * count;
}

std::size_t ReadHeader(char* data, std::size_t size, std::size_t count, void* user) noexcept {
    auto* retry_after = static_cast<std::optional<std::chrono::seconds>*>(user);
    const std::string_view line(data, size * count);
    constexpr std::string_view kName = "retry-after:";
    if (line.size() > kName.size()) {
        bool match = true;
        for (std::size_t i = 0; i < kName.size(); ++i) {
            char c = line[i];
            if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
            if (c != kName[i]) {
                match = false;
                break;
            }
        }
        if (match) {
            std::string_view value = line.substr(kName.size());
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
            long seconds = 0;
            auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
            if (ec == std::errc{} && ptr != value.data() && seconds >= 0)
                *retry_after = std::chrono::seconds(seconds);
        }
    }
    return size * count;
}

}  // namespace

struct ToncenterChain::HttpReply {
    long status = 0;
    std::string body;
    std::optional<std::chrono::seconds> retry_after;
};

RequestSpacer::RequestSpacer(double requests_per_second) {
    if (requests_per_second > 0) {
        interval_ = std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(1.0 / requests_per_second));
    }
}

RequestSpacer::Clock::duration RequestSpacer::Reserve(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (interval_ == Clock::duration::zero() && next_ <= now) return Clock::duration::zero();
    const auto slot = std::max(now, next_);
    next_ = slot + interval_;
    return slot - now;
}

void RequestSpacer::PushBack(Clock::time_point until) {
    std::lock_guard lock(mutex_);
    next_ = std::max(next_, until);
}

namespace {
/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
std::string Encode(std::string_view text) {
    std::string out;
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '_' || c == '.' || c == '~') {
            out.push_back(ch);
        } else {
            constexpr std::string_view kHex = "0123456789ABCDEF";
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 0x0f]);
        }
    }
    return out;
}

double DefaultRate(const ToncenterConfig& config) {
    if (config.requests_per_second) return *config.requests_per_second;
    return config.api_key.empty() ? 1.0 : 10.0;
}
}  // namespace

ToncenterChain::ToncenterChain(ToncenterConfig config)
    : config_(std::move(config)), spacer_(DefaultRate(config_)) {
    GlobalInit();
    while (!config_.base_url.empty() && config_.base_url.back() == '/') config_.base_url.pop_back();
    config_.max_attempts = std::max(config_.max_attempts, 1);
}

ToncenterChain::~ToncenterChain() = default;

std::optional<ToncenterChain::HttpReply> ToncenterChain::Exchange(const std::string& url,
                                                                  const std::string* body,
                                                                  std::string& network_error) const {
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    if (!curl) {
        network_error = "curl_easy_init failed";
        return std::nullopt;
    }
    HttpReply reply;
    // curl_slist_append returns the new head (the same list grown), or null and leaves the list as it was.
    std::unique_ptr<curl_slist, SlistDeleter> headers;
    auto add_header = [&headers](const std::string& header) {
        if (curl_slist* grown = curl_slist_append(headers.get(), header.c_str())) {
            (void)headers.release();
            headers.reset(grown);
        }
    };
    add_header("Accept: application/json");
    if (!config_.api_key.empty()) add_header("X-API-Key: " + config_.api_key);
    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, url.c_str());
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, config_.connect_timeout.count());
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, config_.request_timeout.count());
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &WriteBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &reply.body);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &ReadHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &reply.retry_after);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    if (body != nullptr) {
        add_header("Content-Type: application/json");
        curl_easy_setopt(h, CURLOPT_POST, 1L);
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->c_str());
        curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    }
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());
    const CURLcode rc = curl_easy_perform(h);
    if (rc != CURLE_OK) {
        network_error = curl_easy_strerror(rc);
        return std::nullopt;
    }
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply.status);
    return reply;
}

Result<json> ToncenterChain::Call(std::string_view method,
                                  const std::string& query,
                                  const std::string* body) {
    std::string url = config_.base_url + "/" + std::string(method);
    if (!query.empty()) url += "?" + query;
    auto backoff = config_.initial_backoff;
    Error last{"chain.unavailable", "toncenter was not called", {}};
    for (int attempt = 1; attempt <= config_.max_attempts; ++attempt) {
        if (auto wait = spacer_.Reserve(RequestSpacer::Clock::now());
            wait > RequestSpacer::Clock::duration::zero())
            std::this_thread::sleep_for(wait);
        std::string network_error;
        auto reply = Exchange(url, body, network_error);
        std::chrono::milliseconds delay = backoff;
        if (!reply) {
            last = Error{"chain.unavailable",
                         "toncenter unreachable: " + network_error,
                         {{"method", std::string(method)}, {"attempts", attempt}}};
        } else {
            ReplyVerdict verdict = ClassifyReply(method, reply->status, reply->body);
            if (verdict.kind == ReplyVerdict::Kind::kOk) return std::move(verdict.result);
            if (verdict.kind == ReplyVerdict::Kind::kFail) return std::move(verdict.error);
            last = std::move(verdict.error);
            last.details["attempts"] = attempt;
            if (verdict.kind == ReplyVerdict::Kind::kRateLimited) {
                if (reply->retry_after)
                    delay = std::min<std::chrono::milliseconds>(*reply->retry_after, config_.max_backoff);
                spacer_.PushBack(RequestSpacer::Clock::now() + delay);
            }
        }
        if (attempt == config_.max_attempts) break;
        std::this_thread::sleep_for(delay);
        backoff = std::min(backoff * 2, config_.max_backoff);
    }
    return last;
}

Result<ports::SentMessage> ToncenterChain::SendMessage(std::string_view boc_base64) {
    const std::string body = json{{"boc", std::string(boc_base64)}}.dump();
    auto result = Call("sendBocReturnHash", {}, &body);
    if (!result) return result.error();
    return ParseSentMessage(result.value());
}

Result<std::vector<ports::ChainTransaction>> ToncenterChain::GetTransactions(
    const ports::TransactionsQuery& query) {
    if (query.limit < 1 || query.limit > 100)
        return Error{"chain.invalid_query", "limit must be 1..100", {{"limit", query.limit}}};
    // toncenter's lt/hash start is inclusive: ask for one more and drop the start itself.
    const std::uint32_t limit = query.before ? query.limit + 1 : query.limit;
    std::string q = "address=" + Encode(query.address) + "&limit=" + std::to_string(limit);
    if (query.before) q += "&lt=" + std::to_string(query.before->lt) + "&hash=" + Encode(query.before->hash);
    if (query.after_lt != 0) q += "&to_lt=" + std::to_string(query.after_lt);
    if (query.archival) q += "&archival=true";
    auto result = Call("getTransactions", q, nullptr);
    if (!result) return result.error();
    auto txs = ParseTransactions(result.value());
    if (!txs || !query.before) return txs;
    auto list = std::move(txs).value();
    if (!list.empty() && list.front().id.lt == query.before->lt) list.erase(list.begin());
    if (list.size() > query.limit) list.resize(query.limit);
    return list;
}

Result<ports::GetMethodResult> ToncenterChain::RunGetMethod(std::string_view address,
                                                            std::string_view method,
                                                            const std::vector<ports::StackEntry>& stack) {
    auto stack_json = StackToJson(stack);
    if (!stack_json) return stack_json.error();
    const std::string body = json{
        {"address", std::string(address)},
        {"method", std::string(method)},
        {"stack",
         stack_json.value()}}.dump();
    auto result = Call("runGetMethod", {}, &body);
    if (!result) return result.error();
    return ParseRunGetMethod(result.value());
}

Result<ports::AccountState> ToncenterChain::GetAccountState(std::string_view address) {
    auto result = Call("getAddressInformation", "address=" + Encode(address), nullptr);
    if (!result) return result.error();
    return ParseAddressInformation(result.value());
}

Result<ports::WalletInfo> ToncenterChain::GetWalletInfo(std::string_view address) {
    auto result = Call("getWalletInformation", "address=" + Encode(address), nullptr);
    if (!result) return result.error();
    return ParseWalletInformation(result.value());
}

}  // namespace onton::chain
