#include "domain/identity/wallet_link.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/encoding.hpp"
#include "ton/codec.hpp"

namespace onton::identity {
namespace {

using ports::AsOptionalText;

constexpr std::string_view kTonProofSecretKey = "ton_proof_secret";
constexpr std::size_t kSecretBytes = 32;

// Expired ids can go: CheckNonce refuses their payloads by themselves.
constexpr std::string_view kForgetExpiredSql = "DELETE FROM ton_proof_payloads WHERE expires_at < $1";
constexpr std::string_view kConsumePayloadSql = R"(
INSERT INTO ton_proof_payloads (payload_id, user_id, expires_at, used_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (payload_id) DO NOTHING)";
constexpr std::string_view kWalletOwnerSql =
    "SELECT user_id FROM users WHERE wallet_address = $1 AND user_id <> $2";
constexpr std::string_view kCurrentWalletSql = "SELECT wallet_address FROM users WHERE user_id = $1";
constexpr std::string_view kSetWalletSql = "UPDATE users SET wallet_address = $2, updated_at = $3 WHERE user_id = $1";
constexpr std::string_view kAuditSql = R"(
INSERT INTO audit_log (actor_id, action, entity_type, entity_id, details, created_at)
VALUES ($1, $2, 'user', $3, $4, $5))";

std::string NonceContext(std::int64_t user_id) { return "user:" + std::to_string(user_id); }

ton::ByteView SecretBytes(const std::string& secret) {
    return {reinterpret_cast<const std::uint8_t*>(secret.data()), secret.size()};
}

Error AlreadyLinked() {
    return Error{"wallet.already_linked", "this wallet is linked to another account: unlink it there first"};
}

std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
    return out;
}

/// The wallet previously linked, or "" (read within the transaction that changes it).
std::string CurrentWallet(ports::Transaction& tx, std::int64_t user_id) {
    const auto rs = tx.Execute(kCurrentWalletSql, {user_id});
    return rs.empty() ? std::string() : AsOptionalText(rs.rows[0][0]).value_or("");
}

}  // namespace

WalletLinkService::WalletLinkService(ports::Store& store,
                                     const ports::Clock& clock,
                                     ports::Random& random,
                                     ports::Chain* chain,
                                     WalletLinkSettings settings)
    : store_(store), clock_(clock), random_(random), chain_(chain), settings_(std::move(settings)) {}

std::string WalletLinkService::Secret() {
    std::lock_guard lock(secret_mutex_);
    if (settings_.secret.empty()) settings_.secret = ResolveTonProofSecret(store_, random_, clock_);
    return settings_.secret;
}

ProofPayload WalletLinkService::IssuePayload(const Principal& caller) {
    const auto secret = Secret();
    const auto now = clock_.NowUnix();
    auto payload = ton::IssueNonce(SecretBytes(secret),
                                   NonceContext(caller.user_id),
                                   static_cast<std::uint64_t>(now),
                                   settings_.payload_ttl);
    return ProofPayload{std::move(payload), now + settings_.payload_ttl.count()};
}

Result<LinkedWallet> WalletLinkService::Link(const Principal& caller, std::string_view proof_json) {
    auto proof = ton::ParseTonProof(proof_json);
    if (!proof) return proof.error();
    const auto now = static_cast<std::uint64_t>(clock_.NowUnix());
    // The checks without I/O first, so that a stale or foreign proof never costs a chain call.
    auto verdict = ton::VerifyTonProof(*proof, settings_.policy, now);
    if (!verdict) return verdict.error();
    const auto secret = Secret();
    auto nonce = ton::CheckNonce(SecretBytes(secret), proof->payload, NonceContext(caller.user_id), now);
    if (!nonce) return nonce.error();
    if (verdict->status == ton::TonProofStatus::kNeedPublicKey) {
        auto key = DeployedWalletKey(proof->address);
        if (!key) return key.error();
        verdict = ton::VerifyTonProofWithKey(*proof, *key, settings_.policy, now);
        if (!verdict) return verdict.error();
    }

    const std::string address = verdict->address.ToRaw();
    const auto now_unix = clock_.NowUnix();
    auto linked = [&]() -> Result<User> {
        try {
            return store_.Transact([&](ports::Transaction& tx) -> Result<User> {
                tx.Execute(kForgetExpiredSql, {now_unix});
                const auto consumed = tx.Execute(kConsumePayloadSql,
                                                 {nonce->id,
                                                  caller.user_id,
                                                  static_cast<std::int64_t>(nonce->expires_at),
                                                  now_unix});
                if (consumed.rows_affected == 0) {
                    return Error{"ton_proof.payload_used", "this payload was used already: ask for a new one"};
                }
                if (!tx.Execute(kWalletOwnerSql, {address, caller.user_id}).empty()) return AlreadyLinked();
                const auto previous = CurrentWallet(tx, caller.user_id);
                if (previous != address) {
                    tx.Execute(kSetWalletSql, {caller.user_id, address, now_unix});
                    tx.Execute(kAuditSql,
                               {caller.user_id,
                                std::string("wallet.link"),
                                std::to_string(caller.user_id),
                                nlohmann::json{{"address", address},
                                               {"previous", previous.empty() ? nlohmann::json() : nlohmann::json(previous)},
                                               {"network", proof->network}}
                                    .dump(),
                                now_unix});
                }
                auto user = FindUser(tx, caller.user_id);
                if (!user) return Error{"not_found", "no such user"};
                return *user;
            });
        } catch (const ports::StoreError& e) {
            // Another user linked the same wallet between our check and our update.
            if (e.kind() == ports::StoreError::Kind::kUniqueViolation) return AlreadyLinked();
            throw;
        }
    }();
    if (!linked) return linked.error();
    const bool testnet = proof->network == static_cast<std::int32_t>(ton::Network::kTestnet);
    return LinkedWallet{address, verdict->address.ToString(false, testnet, true), proof->network, *linked};
}

Result<User> WalletLinkService::Unlink(const Principal& caller) {
    const auto now = clock_.NowUnix();
    auto user = store_.Transact([&](ports::Transaction& tx) -> std::optional<User> {
        const auto previous = CurrentWallet(tx, caller.user_id);
        if (!previous.empty()) {
            tx.Execute(kSetWalletSql, {caller.user_id, std::monostate{}, now});
            tx.Execute(kAuditSql,
                       {caller.user_id,
                        std::string("wallet.unlink"),
                        std::to_string(caller.user_id),
                        nlohmann::json{{"address", previous}}.dump(),
                        now});
        }
        return FindUser(tx, caller.user_id);
    });
    if (!user) return Error{"not_found", "no such user"};
    return *user;
}

Result<ton::PublicKey> WalletLinkService::DeployedWalletKey(const ton::Address& address) {
    if (chain_ == nullptr) {
        return Error{"ton_proof.state_init_required",
                     "the proof carries no state_init and no TON API is configured to read the wallet's key: send "
                     "the wallet's walletStateInit"};
    }
    auto result = chain_->RunGetMethod(address.ToRaw(), "get_public_key", {});
    if (!result) {
        // The API refusing the call (e.g. an account it does not know) says nothing good about the wallet either.
        if (result.error().code != "chain.rejected") return result.error();
    } else if (result->exit_code == 0 || result->exit_code == 1) {
        auto key = PublicKeyFromStack(*result);
        if (key) return key;
    }
    return Error{"ton_proof.wallet_not_deployed",
                 "the proof carries no state_init and the wallet has no readable get_public_key: deploy it or send "
                 "its walletStateInit",
                 {{"address", address.ToRaw()}}};
}

Result<ton::PublicKey> PublicKeyFromStack(const ports::GetMethodResult& result) {
    const Error bad{"chain.bad_response", "get_public_key did not return a 256-bit number"};
    if (result.stack.empty() || result.stack[0].kind != ports::StackEntry::Kind::kNum) return bad;
    std::string_view text = result.stack[0].number;
    ton::PublicKey key{};
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        text.remove_prefix(2);
        if (text.size() > 64) return bad;
        auto bytes = ton::FromHex(std::string(64 - text.size(), '0') + std::string(text));
        if (!bytes || bytes->size() != key.size()) return bad;
        std::copy(bytes->begin(), bytes->end(), key.begin());
        return key;
    }
    // Decimal: key = key * 10 + digit over 32 big-endian bytes; a carry out of the top byte means >= 2^256.
    if (text.empty()) return bad;
    for (const char c : text) {
        if (c < '0' || c > '9') return bad;
        unsigned carry = static_cast<unsigned>(c - '0');
        for (auto it = key.rbegin(); it != key.rend(); ++it) {
            const unsigned v = static_cast<unsigned>(*it) * 10U + carry;
            *it = static_cast<std::uint8_t>(v & 0xffU);
            carry = v >> 8U;
        }
        if (carry != 0) return bad;
    }
    return key;
}

std::vector<std::string> TonProofDomains(std::string_view public_url, const std::vector<std::string>& extra) {
    std::vector<std::string> out;
    auto add = [&out](std::string_view domain) {
        std::string d = Lower(domain);
        if (!d.empty() && std::find(out.begin(), out.end(), d) == out.end()) out.push_back(std::move(d));
    };
    std::string_view rest = public_url;
    if (const auto scheme = rest.find("://"); scheme != std::string_view::npos) rest.remove_prefix(scheme + 3);
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (const auto at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
    const auto colon = rest.rfind(':');
    const bool has_port = colon != std::string_view::npos && rest.find(']', colon) == std::string_view::npos;
    add(has_port ? rest.substr(0, colon) : rest);
    if (has_port) add(rest);
    for (const auto& domain : extra) add(domain);
    if (out.empty()) add("localhost");
    return out;
}

std::string ResolveTonProofSecret(ports::Store& store, ports::Random& random, const ports::Clock& clock) {
    return KeepFirstSetting(store, clock, kTonProofSecretKey, Base64Url(random.Bytes(kSecretBytes)));
}

}  // namespace onton::identity
