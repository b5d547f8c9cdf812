#pragma once
/// toncenter v2 JSON: reading the `{ok, result}` envelope and turning results into the Chain port's types.
/// Pure functions, no I/O, so the unit tests feed them replies captured from tools/ton-emulator. Every
/// function checks types as it reads: anything that is not the documented shape is `chain.bad_response`; none
/// throws.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "ports/chain.hpp"

namespace onton::chain {

/// What to do with one HTTP reply.
struct ReplyVerdict {
    enum class Kind {
        kOk,           ///< `result` holds the envelope's result
        kRetry,        ///< transient (5xx); try again after a backoff
        kRateLimited,  ///< 429; back off and try again
        kFail,         ///< final: `error` says why
    };
    Kind kind = Kind::kFail;
    nlohmann::json result;
    Error error;
};

/// Classifies toncenter's reply to `method` (e.g. `sendBoc`), given the HTTP status and body. A 500 to
/// sendBoc whose error says the external message was not accepted (or a 4xx) is final `chain.rejected`; other
/// 5xx are retried.
ReplyVerdict ClassifyReply(std::string_view method, long http_status, std::string_view body);

Result<std::vector<ports::ChainTransaction>> ParseTransactions(const nlohmann::json& result);
Result<ports::GetMethodResult> ParseRunGetMethod(const nlohmann::json& result);
Result<ports::AccountState> ParseAddressInformation(const nlohmann::json& result);
Result<ports::WalletInfo> ParseWalletInformation(const nlohmann::json& result);
/// sendBocReturnHash's `raw.extMessageInfo`.
Result<ports::SentMessage> ParseSentMessage(const nlohmann::json& result);

/// A get-method's arguments in toncenter's request form: `[["num","0x1f"], ["tvm.Cell",b64],
/// ["tvm.Slice",b64]]`. Only numbers, cells and slices can be passed; anything else is
/// `chain.unsupported_stack`.
Result<nlohmann::json> StackToJson(const std::vector<ports::StackEntry>& stack);

/// Standard or url-safe base64 (padding optional) to bytes; nullopt when malformed.
std::optional<std::string> DecodeBase64(std::string_view text);

}  // namespace onton::chain
