#pragma once
/// The Chain port over toncenter's HTTP API v2 (toncenter.com, testnet.toncenter.com, or tools/ton-emulator,
/// which serves the same subset). libcurl, one connection per request, safe to call from several threads.
///
/// Every request goes through a client-side limiter (toncenter's free tier allows 1 request/s without a key
/// and 10 with one), then is retried with exponential backoff on network errors, 5xx and 429; a 429 also
/// pushes the limiter back so that the other threads slow down too. Final failures are the port's `chain.*`
/// errors.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ports/chain.hpp"

namespace onton::chain {

struct ToncenterConfig {
    /// Up to and including `/api/v2`, e.g. `https://toncenter.com/api/v2` or `http://127.0.0.1:8081/api/v2`.
    std::string base_url;
    /// Sent as `X-API-Key` when not empty.
    std::string api_key;
    std::chrono::milliseconds connect_timeout{3000};
    /// Whole request, connect to last byte.
    std::chrono::milliseconds request_timeout{15000};
    /// Attempts per call, the first included (>= 1).
    int max_attempts = 5;
    /// Backoff before the second attempt; doubled after each failure up to max_backoff.
    std::chrono::milliseconds initial_backoff{500};
    std::chrono::milliseconds max_backoff{8000};
    /// Client-side limit. nullopt: toncenter's free tier (1/s without a key, 10/s with one); 0: no limit.
    std::optional<double> requests_per_second;
};

/// Spaces requests at least 1/rate apart, across threads. Pure bookkeeping over a caller-given clock, so it
/// can be tested without sleeping.
class RequestSpacer {
   public:
    using Clock = std::chrono::steady_clock;
    /// rate <= 0 disables spacing.
    explicit RequestSpacer(double requests_per_second);
    /// Reserves the next slot at or after `now`; returns how long the caller must wait before sending.
    Clock::duration Reserve(Clock::time_point now);
    /// Makes the next slot no earlier than `until` (after a 429).
    void PushBack(Clock::time_point until);

   private:
    std::mutex mutex_;
    Clock::duration interval_{};
    Clock::time_point next_{};
};

class ToncenterChain final : public ports::Chain {
   public:
    explicit ToncenterChain(ToncenterConfig config);
    ~ToncenterChain() override;
    ToncenterChain(const ToncenterChain&) = delete;
    ToncenterChain& operator=(const ToncenterChain&) = delete;
    ToncenterChain(ToncenterChain&&) = delete;
    ToncenterChain& operator=(ToncenterChain&&) = delete;

    Result<ports::SentMessage> SendMessage(std::string_view boc_base64) override;
    Result<std::vector<ports::ChainTransaction>> GetTransactions(
        const ports::TransactionsQuery& query) override;
    Result<ports::GetMethodResult> RunGetMethod(std::string_view address,
                                                std::string_view method,
                                                const std::vector<ports::StackEntry>& stack) override;
    Result<ports::AccountState> GetAccountState(std::string_view address) override;
    Result<ports::WalletInfo> GetWalletInfo(std::string_view address) override;

   private:
    struct HttpReply;
    /// One toncenter call with limiter and retries: GET with `query` (already encoded) or POST with `body`
    /// (JSON).
    Result<nlohmann::json> Call(std::string_view method, const std::string& query, const std::string* body);
    /// One HTTP exchange; nullopt and `network_error` filled on a transport failure.
    std::optional<HttpReply> Exchange(const std::string& url,
                                      const std::string* body,
                                      std::string& network_error) const;

    ToncenterConfig config_;
    RequestSpacer spacer_;
};

}  // namespace onton::chain
