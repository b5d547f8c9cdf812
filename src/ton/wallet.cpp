#include "ton/wallet.hpp"

#include <openssl/sha.h>

#include <stdexcept>

#include "ton/boc.hpp"
#include "ton/cell_writer.hpp"

namespace onton::ton {

namespace generated {
extern const std::string_view kWalletV4R2CodeBoc;
extern const std::string_view kWalletV5R1CodeBoc;
}  // namespace generated

namespace {

constexpr std::uint32_t kV4DefaultSubwallet = 698983191;
constexpr std::uint32_t kV5OpSignedExternal = 0x7369676e;
constexpr std::uint32_t kActionSendMsg = 0x0ec3c86d;
constexpr std::size_t kV4MaxMessages = 4;
constexpr std::size_t kV5MaxActions = 255;

Error InvalidTransfer(const std::string& why) {
    return Error{"ton.invalid_transfer", "invalid transfer: " + why};
}
Error InvalidMessage(const std::string& why) {
    return Error{"ton.invalid_message", "not an ext-in message: " + why};
}

CellPtr LoadCode(std::string_view boc_base64) {
    auto root = ParseBocText(boc_base64);
    if (!root || root->size() != 1) throw std::logic_error("embedded wallet code does not parse");
    return root->front();
}

Result<CellPtr> BuildStateInitCell(const std::optional<StateInit>& init) {
    if (!init) return CellPtr{};
    return BuildStateInit(*init);
}

// `Maybe (Either StateInit ^StateInit)` then `Either X ^X`, for MessageRelaxed (relaxed = true) and Message:
// @ton/core decides inline or ref differently for the two, and the bytes must match it.
void StoreInitAndBody(CellWriter& w, const CellPtr& init_cell, const CellPtr& body_or_null, bool relaxed) {
    const CellPtr body = body_or_null ? body_or_null : Cell::Empty();
    if (init_cell) {
        w.Bit(true);
        const std::size_t init_bits = init_cell->bit_size();
        const std::size_t room = w.available_bits() >= 2 ? w.available_bits() - 2 : 0;
        const bool init_ref = relaxed ? !(w.available_bits() >= 2 && room >= init_bits)
                                      : (w.available_bits() < 2 || room < init_bits + body->bit_size());
        if (init_ref) {
            w.Bit(true).Ref(init_cell);
        } else {
            w.Bit(false).Inline(init_cell);
        }
    } else {
        w.Bit(false);
    }
    const bool fits = w.available_bits() >= 1 && w.available_bits() - 1 >= body->bit_size() &&
                      w.ref_count() + body->refs().size() <= 4;
    if (fits) {
        w.Bit(false).Inline(body);
    } else {
        w.Bit(true).Ref(body);
    }
}

// The int32 wallet_id of v5r1 as its 32 bits: global id XOR (1 ‖ wc:i8 ‖ version 0:u8 ‖ subwallet:u15).
std::uint32_t V5WalletId(Network network, std::int8_t workchain, std::uint16_t subwallet) {
    const std::uint32_t context = (1U << 31) |
                                  (static_cast<std::uint32_t>(static_cast<std::uint8_t>(workchain)) << 23) |
                                  (static_cast<std::uint32_t>(subwallet) & 0x7fffU);
    return static_cast<std::uint32_t>(static_cast<std::int32_t>(network)) ^ context;
}

std::int64_t AsInt32(std::uint32_t bits) { return static_cast<std::int32_t>(bits); }

Signature SignHash(const CellPtr& cell, const KeyPair& keys) { return Sign(cell->hash(), keys); }

Result<CellPtr> V4Body(const WalletSpec& wallet, const KeyPair& keys, const TransferRequest& request) {
    if (request.messages.empty() || request.messages.size() > kV4MaxMessages) {
        return InvalidTransfer("wallet v4r2 sends 1 to 4 messages");
    }
    CellWriter signing;
    signing.Uint(wallet.wallet_id, 32).Uint(request.valid_until, 32).Uint(request.seqno, 32).Uint(0, 8);
    for (const auto& out : request.messages) {
        auto msg = BuildInternalMessage(out.message);
        if (!msg) return msg.error();
        signing.Uint(out.mode, 8).Ref(*msg);
    }
    auto signing_cell = signing.Build();
    if (!signing_cell) return signing_cell.error();
    const Signature signature = SignHash(*signing_cell, keys);
    CellWriter body;
    body.Bytes(signature).Inline(*signing_cell);
    return body.Build();
}

Result<CellPtr> V5Body(const WalletSpec& wallet, const KeyPair& keys, const TransferRequest& request) {
    if (request.messages.empty() || request.messages.size() > kV5MaxActions) {
        return InvalidTransfer("wallet v5r1 sends 1 to 255 messages");
    }
    CellPtr list = Cell::Empty();
    for (const auto& out : request.messages) {
        auto msg = BuildInternalMessage(out.message);
        if (!msg) return msg.error();
        CellWriter node;
        node.Ref(list).Uint(kActionSendMsg, 32).Uint(out.mode | send_mode::kIgnoreErrors, 8).Ref(*msg);
        auto cell = node.Build();
        if (!cell) return cell.error();
        list = *cell;
    }
    CellWriter signing;
    signing.Uint(kV5OpSignedExternal, 32)
        .Int(AsInt32(wallet.wallet_id), 32)
        .Uint(request.valid_until, 32)
        .Uint(request.seqno, 32)
        .MaybeRef(list)
        .Bit(false);  // no extended actions
    auto signing_cell = signing.Build();
    if (!signing_cell) return signing_cell.error();
    const Signature signature = SignHash(*signing_cell, keys);
    CellWriter body;
    body.Inline(*signing_cell).Bytes(signature);
    return body.Build();
}

// Skips `StateInit` written inline (all its optional fields), for the normalized hash.
Result<void> SkipStateInit(Slice& s) {
    auto split = s.LoadBit();
    if (!split) return split.error();
    if (*split) {
        if (auto ok = s.SkipBits(5); !ok) return ok;
    }
    auto special = s.LoadBit();
    if (!special) return special.error();
    if (*special) {
        if (auto ok = s.SkipBits(2); !ok) return ok;
    }
    for (int i = 0; i < 3; ++i) {  // code, data, library: each a Maybe ^Cell
        auto ref = s.LoadMaybeRef();
        if (!ref) return ref.error();
    }
    return Ok();
}

}  // namespace

Result<CellPtr> BuildStateInit(const StateInit& init) {
    if (!init.code || !init.data) return Error{"ton.invalid_state_init", "state init needs code and data"};
    CellWriter w;
    w.Bit(false).Bit(false).MaybeRef(init.code).MaybeRef(init.data).Bit(false);
    return w.Build();
}

Address ContractAddress(std::int8_t workchain, const CellPtr& state_init_cell) {
    return Address{workchain, state_init_cell->hash()};
}

Result<StateInit> ParseStateInit(const CellPtr& cell) {
    const Error invalid{"ton.invalid_state_init", "expected a state init with code and data only"};
    if (!cell) return invalid;
    Slice s(cell);
    auto split = s.LoadBit();
    auto special = split && !*split ? s.LoadBit() : Result<bool>(invalid);
    if (!special || *special) return invalid;
    auto code = s.LoadMaybeRef();
    if (!code || !*code) return invalid;
    auto data = s.LoadMaybeRef();
    if (!data || !*data) return invalid;
    auto library = s.LoadBit();
    if (!library || *library || !s.empty()) return invalid;
    return StateInit{*code, *data};
}

WalletSpec WalletV4R2(const PublicKey& key,
                      std::int8_t workchain,
                      std::optional<std::uint32_t> subwallet_id) {
    const std::uint32_t id = subwallet_id.value_or(
        kV4DefaultSubwallet + static_cast<std::uint32_t>(static_cast<std::int32_t>(workchain)));
    return WalletSpec{WalletVersion::kV4R2, key, workchain, id};
}

WalletSpec WalletV5R1(const PublicKey& key, Network network, std::int8_t workchain, std::uint16_t subwallet) {
    return WalletSpec{WalletVersion::kV5R1, key, workchain, V5WalletId(network, workchain, subwallet)};
}

const CellPtr& WalletCode(WalletVersion version) {
    static const CellPtr kV4 = LoadCode(generated::kWalletV4R2CodeBoc);
    static const CellPtr kV5 = LoadCode(generated::kWalletV5R1CodeBoc);
    return version == WalletVersion::kV4R2 ? kV4 : kV5;
}

Result<CellPtr> WalletData(const WalletSpec& wallet) {
    CellWriter w;
    if (wallet.version == WalletVersion::kV4R2) {
        w.Uint(0, 32).Uint(wallet.wallet_id, 32).Bytes(wallet.public_key).Bit(false);
    } else {
        w.Bit(true).Uint(0, 32).Int(AsInt32(wallet.wallet_id), 32).Bytes(wallet.public_key).Bit(false);
    }
    return w.Build();
}

Result<StateInit> WalletStateInit(const WalletSpec& wallet) {
    auto data = WalletData(wallet);
    if (!data) return data.error();
    return StateInit{WalletCode(wallet.version), *data};
}

Result<Address> WalletAddress(const WalletSpec& wallet) {
    auto init = WalletStateInit(wallet);
    if (!init) return init.error();
    auto cell = BuildStateInit(*init);
    if (!cell) return cell.error();
    return ContractAddress(wallet.workchain, *cell);
}

Result<CellPtr> BuildInternalMessage(const InternalMessage& message) {
    auto init_cell = BuildStateInitCell(message.init);
    if (!init_cell) return init_cell.error();
    CellWriter w;
    w.Bit(false)    // int_msg_info$0
        .Bit(true)  // ihr_disabled
        .Bit(message.bounce)
        .Bit(false)  // bounced
        .AddrNone()
        .Addr(message.destination)
        .Coins(message.value.value)
        .Bit(false)  // no extra currencies
        .Coins(0)    // ihr_fee
        .Coins(0)    // fwd_fee
        .Uint(0, 64)
        .Uint(0, 32);
    StoreInitAndBody(w, *init_cell, message.body, true);
    return w.Build();
}

Result<CellPtr> BuildExternalMessage(const Address& destination,
                                     const std::optional<StateInit>& init,
                                     const CellPtr& body) {
    auto init_cell = BuildStateInitCell(init);
    if (!init_cell) return init_cell.error();
    CellWriter w;
    w.Bit(true).Bit(false).AddrNone().Addr(destination).Coins(0);
    StoreInitAndBody(w, *init_cell, body, false);
    return w.Build();
}

Result<CellPtr> BuildTransferBody(const WalletSpec& wallet,
                                  const KeyPair& keys,
                                  const TransferRequest& request) {
    if (keys.public_key != wallet.public_key) return InvalidTransfer("the keys are not the wallet's");
    return wallet.version == WalletVersion::kV4R2 ? V4Body(wallet, keys, request)
                                                  : V5Body(wallet, keys, request);
}

Result<SignedExternal> BuildTransfer(const WalletSpec& wallet,
                                     const KeyPair& keys,
                                     const TransferRequest& request) {
    auto body = BuildTransferBody(wallet, keys, request);
    if (!body) return body.error();
    auto address = WalletAddress(wallet);
    if (!address) return address.error();
    std::optional<StateInit> init;
    if (request.seqno == 0) {
        auto state = WalletStateInit(wallet);
        if (!state) return state.error();
        init = *state;
    }
    auto message = BuildExternalMessage(*address, init, *body);
    if (!message) return message.error();
    auto normalized = NormalizedExternalHash(*message);
    if (!normalized) return normalized.error();
    SignedExternal out;
    out.message = *message;
    out.body = *body;
    out.boc = SerializeBoc(*message);
    out.boc_base64 = ToBase64(out.boc);
    out.hash = (*message)->hash();
    out.normalized_hash = *normalized;
    return out;
}

Result<CellHash> NormalizedExternalHash(const CellPtr& message) {
    if (!message) return InvalidMessage("null");
    Slice s(message);
    auto tag = s.LoadUint(2);
    if (!tag || *tag != 2) return InvalidMessage("no ext_in_msg_info$10 tag");
    auto src_tag = s.LoadUint(2);
    if (!src_tag) return src_tag.error();
    if (*src_tag == 1) {  // addr_extern$01 len:(## 9) external_address:(bits len)
        auto len = s.LoadUint(9);
        if (!len) return len.error();
        if (auto ok = s.SkipBits(*len); !ok) return ok.error();
    } else if (*src_tag != 0) {
        return InvalidMessage("src is not a MsgAddressExt");
    }
    auto dest = s.LoadAddress();
    if (!dest) return dest.error();
    if (!*dest) return InvalidMessage("no destination");
    auto fee = s.LoadCoins();
    if (!fee) return fee.error();
    auto has_init = s.LoadBit();
    if (!has_init) return has_init.error();
    if (*has_init) {
        auto init_ref = s.LoadBit();
        if (!init_ref) return init_ref.error();
        if (*init_ref) {
            if (auto r = s.LoadRef(); !r) return r.error();
        } else if (auto ok = SkipStateInit(s); !ok) {
            return ok.error();
        }
    }
    auto body_ref = s.LoadBit();
    if (!body_ref) return body_ref.error();
    CellPtr body;
    if (*body_ref) {
        auto r = s.LoadRef();
        if (!r) return r.error();
        if (!s.empty()) return InvalidMessage("data after the body ref");
        body = *r;
    } else {
        auto rest = s.ToCell();
        if (!rest) return rest.error();
        body = *rest;
    }
    CellWriter w;
    w.Bit(true).Bit(false).AddrNone().Addr(**dest).Coins(0).Bit(false).Bit(true).Ref(body);
    auto cell = w.Build();
    if (!cell) return cell.error();
    return (*cell)->hash();
}

std::string UrlEncode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
            u == '.' || u == '_' || u == '~') {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        }
    }
    return out;
}

std::string TransferLink(
    const Address& destination, Nanotons amount, std::string_view text, bool bounceable, bool testnet) {
    std::string link = "ton://transfer/" + destination.ToString(bounceable, testnet, true);
    link += "?amount=" + std::to_string(amount.value);
    if (!text.empty()) link += "&text=" + UrlEncode(text);
    return link;
}

}  // namespace onton::ton
