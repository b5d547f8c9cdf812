#include "adapters/chain/toncenter_json.hpp"

#include <array>
#include <charconv>
#include <exception>
#include <limits>
#include <optional>
#include <string>
#include <utility>

namespace onton::chain {
namespace {

using nlohmann::json;
using ports::AccountStatus;
using ports::ChainMessage;
using ports::ChainTransaction;
using ports::ChainTxId;
using ports::StackEntry;

/// Thrown inside this file only, when a reply does not have the documented shape; each Parse* catches it. It
/// keeps the readers short: a missing field deep inside a transaction fails the whole reply with the field's
/// path.
struct BadShape : std::exception {
    explicit BadShape(std::string what) : message(std::move(what)) {}
    [[nodiscard]] const char* what() const noexcept override { return message.c_str(); }
    std::string message;
};

Error BadResponse(const std::string& what) {
    return Error{"chain.bad_response", "unexpected toncenter reply: " + what, {{"reason", what}}};
}

const json& Field(const json& obj, const char* key, const std::string& path) {
    if (!obj.is_object()) throw BadShape(path + " is not an object");
    auto it = obj.find(key);
    if (it == obj.end()) throw BadShape(path + "." + key + " is missing");
    return *it;
}

const json* OptionalField(const json& obj, const char* key, const std::string& path) {
    if (!obj.is_object()) throw BadShape(path + " is not an object");
    auto it = obj.find(key);
    if (it == obj.end() || it->is_null()) return nullptr;
    return &*it;
}

std::string String(const json& obj, const char* key, const std::string& path) {
    const json& v = Field(obj, key, path);
    if (!v.is_string()) throw BadShape(path + "." + key + " is not a string");
    return v.get<std::string>();
}

std::string OptionalString(const json& obj, const char* key, const std::string& path) {
    const json* v = OptionalField(obj, key, path);
    if (v == nullptr) return {};
    if (!v->is_string()) throw BadShape(path + "." + key + " is not a string");
    return v->get<std::string>();
}

/// toncenter writes 64-bit quantities as decimal strings and small ones as numbers; accept either.
std::uint64_t Unsigned(const json& v, const std::string& path) {
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer()) {
        auto n = v.get<std::int64_t>();
        if (n < 0) throw BadShape(path + " is negative");
        return static_cast<std::uint64_t>(n);
    }
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        std::uint64_t n = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size())
            throw BadShape(path + " is not an unsigned integer");
        return n;
    }
    throw BadShape(path + " is not an unsigned integer");
}

std::int64_t Signed(const json& v, const std::string& path) {
    if (v.is_number_unsigned()) {
        auto n = v.get<std::uint64_t>();
        if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            throw BadShape(path + " is too large");
        return static_cast<std::int64_t>(n);
    }
    if (v.is_number_integer()) return v.get<std::int64_t>();
    if (v.is_string()) {
        const auto& s = v.get_ref<const std::string&>();
        std::int64_t n = 0;
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
        if (s.empty() || ec != std::errc{} || ptr != s.data() + s.size())
            throw BadShape(path + " is not an integer");
        return n;
    }
    throw BadShape(path + " is not an integer");
}

std::uint64_t UnsignedField(const json& obj, const char* key, const std::string& path) {
    return Unsigned(Field(obj, key, path), path + "." + key);
}

std::uint64_t OptionalUnsignedField(const json& obj, const char* key, const std::string& path) {
    const json* v = OptionalField(obj, key, path);
    return v == nullptr ? 0 : Unsigned(*v, path + "." + key);
}

ChainTxId TxId(const json& obj, const std::string& path) {
    ChainTxId id;
    id.lt = UnsignedField(obj, "lt", path);
    id.hash = String(obj, "hash", path);
    return id;
}

ChainMessage Message(const json& m, const std::string& path) {
    ChainMessage msg;
    msg.hash = OptionalString(m, "hash", path);
    msg.source = OptionalString(m, "source", path);
    msg.destination = OptionalString(m, "destination", path);
    msg.value_nanotons = OptionalUnsignedField(m, "value", path);
    msg.fwd_fee_nanotons = OptionalUnsignedField(m, "fwd_fee", path);
    msg.created_lt = OptionalUnsignedField(m, "created_lt", path);
    msg.body_hash = OptionalString(m, "body_hash", path);
    const json* data = OptionalField(m, "msg_data", path);
    if (data == nullptr) return msg;
    const std::string data_path = path + ".msg_data";
    const std::string type = String(*data, "@type", data_path);
    if (type == "msg.dataText") {
        // The comment's bytes are the base64 `text`; toncenter's `message` is a convenience copy of the same.
        auto bytes = DecodeBase64(String(*data, "text", data_path));
        if (!bytes) throw BadShape(data_path + ".text is not base64");
        msg.comment = std::move(*bytes);
    } else if (type == "msg.dataRaw") {
        msg.body_boc = OptionalString(*data, "body", data_path);
        msg.init_state_boc = OptionalString(*data, "init_state", data_path);
    }
    // Encrypted and decrypted text types carry no comment we can read; they stay a body without a comment.
    return msg;
}

ChainTransaction Transaction(const json& t, const std::string& path) {
    ChainTransaction tx;
    const json* address = OptionalField(t, "address", path);
    if (address != nullptr) tx.account = OptionalString(*address, "account_address", path + ".address");
    tx.id = TxId(Field(t, "transaction_id", path), path + ".transaction_id");
    tx.utime = Signed(Field(t, "utime", path), path + ".utime");
    tx.fee_nanotons = OptionalUnsignedField(t, "fee", path);
    tx.storage_fee_nanotons = OptionalUnsignedField(t, "storage_fee", path);
    tx.data_boc = OptionalString(t, "data", path);
    if (const json* in = OptionalField(t, "in_msg", path)) tx.in_msg = Message(*in, path + ".in_msg");
    if (const json* outs = OptionalField(t, "out_msgs", path)) {
        if (!outs->is_array()) throw BadShape(path + ".out_msgs is not an array");
        for (std::size_t i = 0; i < outs->size(); ++i)
            tx.out_msgs.push_back(Message((*outs)[i], path + ".out_msgs[" + std::to_string(i) + "]"));
    }
    return tx;
}

AccountStatus Status(const std::string& state, const std::string& path) {
    if (state == "active") return AccountStatus::kActive;
    if (state == "uninitialized" || state == "uninit" || state == "nonexist") return AccountStatus::kUninit;
    if (state == "frozen") return AccountStatus::kFrozen;
    throw BadShape(path + " is an unknown account state '" + state + "'");
}

/// Tuples nest; a reply nested deeper than this is refused rather than followed down the C++ stack.
constexpr int kMaxTupleDepth = 256;

StackEntry TvmEntry(const json& e, const std::string& path, int depth);

/// A result stack entry: `["num","0x…"]`, `["cell",{"bytes":…}]`, `["tuple",{"elements":[tvm.*]}]`,
/// `["null",…]`.
StackEntry ResultEntry(const json& e, const std::string& path) {
    if (!e.is_array() || e.size() != 2 || !e[0].is_string())
        throw BadShape(path + " is not a [type, value] pair");
    const auto& type = e[0].get_ref<const std::string&>();
    const json& value = e[1];
    StackEntry out;
    if (type == "num" || type == "number" || type == "int") {
        if (!value.is_string()) throw BadShape(path + " number is not a string");
        out.kind = StackEntry::Kind::kNum;
        out.number = value.get<std::string>();
    } else if (type == "cell" || type == "slice" || type == "builder") {
        out.kind = type == "slice" ? StackEntry::Kind::kSlice : StackEntry::Kind::kCell;
        out.boc = value.is_string() ? value.get<std::string>() : String(value, "bytes", path);
    } else if (type == "tuple" || type == "list") {
        out.kind = StackEntry::Kind::kTuple;
        const json& elements = Field(value, "elements", path);
        if (!elements.is_array()) throw BadShape(path + ".elements is not an array");
        for (std::size_t i = 0; i < elements.size(); ++i)
            out.items.push_back(TvmEntry(elements[i], path + ".elements[" + std::to_string(i) + "]", 1));
    } else if (type == "null") {
        out.kind = StackEntry::Kind::kNull;
    } else {
        out.kind = StackEntry::Kind::kUnsupported;
    }
    return out;
}

/// An entry inside a tuple, in the tvm.* object form.
// NOLINTNEXTLINE(misc-no-recursion): nested tuples, bounded by kMaxTupleDepth.
StackEntry TvmEntry(const json& e, const std::string& path, int depth) {
    if (depth > kMaxTupleDepth) throw BadShape(path + " nests tuples too deep");
    const std::string type = String(e, "@type", path);
    StackEntry out;
    if (type == "tvm.stackEntryNumber") {
        const json& number = Field(e, "number", path);
        out.kind = StackEntry::Kind::kNum;
        out.number = String(number, "number", path + ".number");
    } else if (type == "tvm.stackEntryCell") {
        out.kind = StackEntry::Kind::kCell;
        out.boc = String(Field(e, "cell", path), "bytes", path + ".cell");
    } else if (type == "tvm.stackEntrySlice") {
        out.kind = StackEntry::Kind::kSlice;
        out.boc = String(Field(e, "slice", path), "bytes", path + ".slice");
    } else if (type == "tvm.stackEntryTuple" || type == "tvm.stackEntryList") {
        out.kind = StackEntry::Kind::kTuple;
        const json& inner = Field(e, type == "tvm.stackEntryTuple" ? "tuple" : "list", path);
        const json& elements = Field(inner, "elements", path);
        if (!elements.is_array()) throw BadShape(path + ".elements is not an array");
        for (std::size_t i = 0; i < elements.size(); ++i)
            out.items.push_back(
                TvmEntry(elements[i], path + ".elements[" + std::to_string(i) + "]", depth + 1));
    } else {
        out.kind = StackEntry::Kind::kUnsupported;
    }
    return out;
}

/// Runs a reader, turning a shape error (or any nlohmann exception) into chain.bad_response.
template <typename T, typename F>
Result<T> Guard(F&& read) {
    try {
        return read();
    } catch (const BadShape& e) {
        return BadResponse(e.message);
    } catch (const json::exception& e) {
        return BadResponse(e.what());
    }
}

bool Contains(std::string_view text, std::string_view needle) {
    return text.find(needle) != std::string_view::npos;
}

}  // namespace

std::optional<std::string> DecodeBase64(std::string_view text) {
    static constexpr auto kTable = [] {
        std::array<int, 256> t{};
        t.fill(-1);
        const char* std_alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; ++i) t.at(static_cast<unsigned char>(std_alphabet[i])) = i;
        t[static_cast<unsigned char>('-')] = 62;
        t[static_cast<unsigned char>('_')] = 63;
        return t;
    }();
    while (!text.empty() && text.back() == '=') text.remove_suffix(1);
    if (text.size() % 4 == 1) return std::nullopt;
    std::string out;
    out.reserve(text.size() * 3 / 4);
    std::uint32_t acc = 0;
    int bits = 0;
    for (char c : text) {
        const int v = kTable.at(static_cast<unsigned char>(c));
        if (v < 0) return std::nullopt;
        acc = (acc << 6) | static_cast<std::uint32_t>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<char>((acc >> bits) & 0xffU));
        }
    }
    return out;
}

ReplyVerdict ClassifyReply(std::string_view method, long http_status, std::string_view body) {
    ReplyVerdict verdict;
    json parsed = json::parse(body, nullptr, /*allow_exceptions=*/false);
    const bool envelope = parsed.is_object() && parsed.contains("ok") && parsed["ok"].is_boolean();
    std::string api_error;
    if (envelope) {
        for (const char* key : {"error", "result"}) {
            auto it = parsed.find(key);
            if (it != parsed.end() && it->is_string()) {
                api_error = it->get<std::string>();
                break;
            }
        }
    }
    auto details = json{{"http_status", http_status}, {"method", std::string(method)}};
    if (!api_error.empty()) details["error"] = api_error;
    const std::string what = api_error.empty() ? "HTTP " + std::to_string(http_status) : api_error;

    if (http_status == 429) {
        verdict.kind = ReplyVerdict::Kind::kRateLimited;
        verdict.error = Error{"chain.rate_limited", "toncenter rate limit: " + what, details};
        return verdict;
    }
    const bool send = method == "sendBoc" || method == "sendBocReturnHash";
    if (http_status >= 500) {
        // toncenter answers 500 when the liteserver refused an external message; that will not change on
        // retry.
        const bool not_accepted =
            Contains(api_error, "not accepted") || Contains(api_error, "cannot apply external message");
        if (send && envelope && not_accepted) {
            verdict.error = Error{"chain.rejected", "message rejected: " + what, details};
            return verdict;
        }
        verdict.kind = ReplyVerdict::Kind::kRetry;
        verdict.error = Error{"chain.unavailable", "toncenter unavailable: " + what, details};
        return verdict;
    }
    if (http_status >= 400) {
        verdict.error = Error{"chain.rejected", "toncenter refused the request: " + what, details};
        return verdict;
    }
    if (http_status != 200) {
        verdict.error =
            Error{"chain.bad_response", "unexpected HTTP status " + std::to_string(http_status), details};
        return verdict;
    }
    if (!envelope) {
        verdict.error = BadResponse("body is not a toncenter envelope");
        verdict.error.details = details;
        return verdict;
    }
    if (!parsed["ok"].get<bool>()) {
        verdict.error = Error{"chain.rejected", "toncenter refused the request: " + what, details};
        return verdict;
    }
    auto it = parsed.find("result");
    if (it == parsed.end()) {
        verdict.error = BadResponse("ok reply without result");
        return verdict;
    }
    verdict.kind = ReplyVerdict::Kind::kOk;
    verdict.result = std::move(*it);
    return verdict;
}

Result<std::vector<ChainTransaction>> ParseTransactions(const json& result) {
    return Guard<std::vector<ChainTransaction>>([&] {
        if (!result.is_array()) throw BadShape("result is not an array");
        std::vector<ChainTransaction> out;
        out.reserve(result.size());
        for (std::size_t i = 0; i < result.size(); ++i)
            out.push_back(Transaction(result[i], "result[" + std::to_string(i) + "]"));
        return out;
    });
}

Result<ports::GetMethodResult> ParseRunGetMethod(const json& result) {
    return Guard<ports::GetMethodResult>([&] {
        ports::GetMethodResult out;
        const std::int64_t exit_code = Signed(Field(result, "exit_code", "result"), "result.exit_code");
        if (exit_code < std::numeric_limits<std::int32_t>::min() ||
            exit_code > std::numeric_limits<std::int32_t>::max())
            throw BadShape("result.exit_code is out of range");
        out.exit_code = static_cast<std::int32_t>(exit_code);
        out.gas_used = OptionalUnsignedField(result, "gas_used", "result");
        const json& stack = Field(result, "stack", "result");
        if (!stack.is_array()) throw BadShape("result.stack is not an array");
        for (std::size_t i = 0; i < stack.size(); ++i)
            out.stack.push_back(ResultEntry(stack[i], "result.stack[" + std::to_string(i) + "]"));
        return out;
    });
}

Result<ports::AccountState> ParseAddressInformation(const json& result) {
    return Guard<ports::AccountState>([&] {
        ports::AccountState out;
        out.balance_nanotons = UnsignedField(result, "balance", "result");
        out.status = Status(String(result, "state", "result"), "result.state");
        out.code_boc = OptionalString(result, "code", "result");
        out.data_boc = OptionalString(result, "data", "result");
        if (const json* last = OptionalField(result, "last_transaction_id", "result"))
            out.last_tx = TxId(*last, "result.last_transaction_id");
        if (const json* sync = OptionalField(result, "sync_utime", "result"))
            out.sync_utime = Signed(*sync, "result.sync_utime");
        return out;
    });
}

Result<ports::WalletInfo> ParseWalletInformation(const json& result) {
    return Guard<ports::WalletInfo>([&] {
        ports::WalletInfo out;
        const json& wallet = Field(result, "wallet", "result");
        if (!wallet.is_boolean()) throw BadShape("result.wallet is not a boolean");
        out.is_wallet = wallet.get<bool>();
        out.balance_nanotons = UnsignedField(result, "balance", "result");
        out.status = Status(String(result, "account_state", "result"), "result.account_state");
        if (const json* last = OptionalField(result, "last_transaction_id", "result"))
            out.last_tx = TxId(*last, "result.last_transaction_id");
        if (!out.is_wallet) return out;
        out.wallet_type = OptionalString(result, "wallet_type", "result");
        const std::uint64_t seqno = OptionalUnsignedField(result, "seqno", "result");
        if (seqno > std::numeric_limits<std::uint32_t>::max()) throw BadShape("result.seqno is out of range");
        out.seqno = static_cast<std::uint32_t>(seqno);
        if (const json* id = OptionalField(result, "wallet_id", "result"))
            out.wallet_id = Signed(*id, "result.wallet_id");
        return out;
    });
}

Result<ports::SentMessage> ParseSentMessage(const json& result) {
    return Guard<ports::SentMessage>([&] {
        ports::SentMessage out;
        out.hash = String(result, "hash", "result");
        out.hash_norm = OptionalString(result, "hash_norm", "result");
        return out;
    });
}

Result<json> StackToJson(const std::vector<StackEntry>& stack) {
    json out = json::array();
    for (const auto& entry : stack) {
        switch (entry.kind) {
            case StackEntry::Kind::kNum:
                out.push_back(json::array({"num", entry.number}));
                break;
            case StackEntry::Kind::kCell:
                out.push_back(json::array({"tvm.Cell", entry.boc}));
                break;
            case StackEntry::Kind::kSlice:
                out.push_back(json::array({"tvm.Slice", entry.boc}));
                break;
            case StackEntry::Kind::kTuple:
            case StackEntry::Kind::kNull:
            case StackEntry::Kind::kUnsupported:
                return Error{"chain.unsupported_stack",
                             "toncenter v2 takes only numbers, cells and slices as arguments",
                             {}};
        }
    }
    return out;
}

}  // namespace onton::chain
