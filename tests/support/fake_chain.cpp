#include "support/fake_chain.hpp"

#include <algorithm>
#include <utility>

#include "ton/boc.hpp"
#include "ton/codec.hpp"
#include "ton/nft.hpp"

namespace onton::test {
namespace {

Error Unavailable() { return Error{"chain.unavailable", "fake chain: unavailable"}; }
Error Rejected(const std::string& why) { return Error{"chain.rejected", "fake chain: " + why}; }

std::string Boc64(const ton::CellPtr& cell) { return ton::ToBase64(ton::SerializeBoc(cell)); }

ports::StackEntry AddressEntry(const ton::Address& address) {
    ton::Builder b;
    (void)b.StoreAddress(address);
    return ports::StackEntry::Slice(Boc64(*b.Build()));
}

std::string Hex(std::uint64_t value) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    do {
        out.insert(out.begin(), kDigits[value & 0xFU]);
        value >>= 4U;
    } while (value != 0);
    return "0x" + out;
}

// ext_in_msg_info$10 src:addr_none dest import_fee:Coins init:(Maybe (Either StateInit ^StateInit)) body:(Either X ^X)
Result<ton::Slice> ExternalBody(const ton::CellPtr& message) {
    ton::Slice s(message);
    auto tag = s.LoadUint(2);
    if (!tag || *tag != 2) return Error{"fake.bad_external", "not ext-in"};
    (void)s.LoadAddress();
    (void)s.LoadAddress();
    (void)s.LoadCoins();
    auto has_init = s.LoadBit();
    if (has_init && *has_init) {
        auto by_ref = s.LoadBit();
        if (by_ref && *by_ref) {
            (void)s.LoadRef();
        } else {  // split_depth:0 special:0 code:1 data:1 library:0, code and data as refs
            (void)s.SkipBits(5);
            (void)s.LoadRef();
            (void)s.LoadRef();
        }
    }
    auto body_by_ref = s.LoadBit();
    if (body_by_ref && *body_by_ref) {
        auto ref = s.LoadRef();
        if (!ref) return ref.error();
        return ton::Slice(*ref);
    }
    return s;
}

// int_msg_info$0 ihr_disabled bounce bounced src dest value:Coins extra:0 ihr_fee fwd_fee lt:u64 at:u32, init, body
Result<ton::InternalMessage> ReadInternal(const ton::CellPtr& cell) {
    ton::Slice s(cell);
    ton::InternalMessage m;
    (void)s.LoadBit();
    (void)s.LoadBit();
    m.bounce = *s.LoadBit();
    (void)s.LoadBit();
    (void)s.LoadAddress();
    auto dest = s.LoadAddress();
    if (!dest || !*dest) return Error{"fake.bad_internal", "no destination"};
    m.destination = **dest;
    m.value = ton::Nanotons{*s.LoadCoins()};
    (void)s.LoadBit();    // no extra currencies
    (void)s.LoadCoins();  // ihr fee
    (void)s.LoadCoins();  // fwd fee
    (void)s.SkipBits(64 + 32);
    auto has_init = s.LoadBit();
    if (has_init && *has_init) {
        auto by_ref = s.LoadBit();
        ton::CellPtr init_cell;
        if (by_ref && *by_ref) {
            init_cell = *s.LoadRef();
        } else {
            (void)s.SkipBits(5);
            auto code = s.LoadRef();
            auto data = s.LoadRef();
            m.init = ton::StateInit{*code, *data};
        }
        if (init_cell) {
            auto init = ton::ParseStateInit(init_cell);
            if (init) m.init = *init;
        }
    }
    auto body_by_ref = s.LoadBit();
    if (body_by_ref && *body_by_ref) {
        m.body = *s.LoadRef();
    } else {
        m.body = *s.ToCell();
    }
    return m;
}

}  // namespace

FakeChain::FakeChain(const ports::Clock& clock, ton::Address wallet) : clock_(clock), wallet_(wallet) {}

void FakeChain::QueueSendFault(SendFault fault) {
    std::lock_guard lock(mutex_);
    send_faults_.push_back(fault);
}

void FakeChain::FailReads(int count) {
    std::lock_guard lock(mutex_);
    failing_reads_ = count;
}

void FakeChain::FailReadsAfterNextSend(int count) {
    std::lock_guard lock(mutex_);
    failing_reads_after_send_ = count;
}

void FakeChain::ForeignExternal() {
    std::lock_guard lock(mutex_);
    ++seqno_;
    ports::ChainTransaction t;
    t.account = wallet_.ToRaw();
    t.id = {lt_ += 10, ton::ToBase64(ton::ToBytes("foreign-" + std::to_string(lt_)))};
    t.utime = clock_.NowUnix();
    t.in_msg = ports::ChainMessage{};
    t.in_msg->hash = ton::ToBase64(ton::ToBytes("foreign external " + std::to_string(lt_)));
    transactions_.push_back(t);
}

void FakeChain::SetRefuseMints(bool refuse) {
    std::lock_guard lock(mutex_);
    refuse_mints_ = refuse;
}

std::vector<ton::InternalMessage> FakeChain::SentMessages() const {
    std::lock_guard lock(mutex_);
    return sent_;
}

std::uint32_t FakeChain::seqno() const {
    std::lock_guard lock(mutex_);
    return seqno_;
}

int FakeChain::executed_externals() const {
    std::lock_guard lock(mutex_);
    return executed_;
}

std::vector<FakeChain::Item> FakeChain::Items() const {
    std::lock_guard lock(mutex_);
    std::vector<Item> out;
    for (const auto& [address, item] : items_) out.push_back(item);
    return out;
}

bool FakeChain::IsCollection(const ton::Address& address) const {
    std::lock_guard lock(mutex_);
    return collections_.count(address.ToRaw()) != 0;
}

Result<void> FakeChain::ReadFault() {
    if (failing_reads_ > 0) {
        --failing_reads_;
        return Unavailable();
    }
    return Ok();
}

Result<ports::SentMessage> FakeChain::SendMessage(std::string_view boc_base64) {
    std::lock_guard lock(mutex_);
    failing_reads_ = std::exchange(failing_reads_after_send_, 0);
    auto fault = SendFault::kNone;
    if (!send_faults_.empty()) {
        fault = send_faults_.front();
        send_faults_.erase(send_faults_.begin());
    }
    switch (fault) {
        case SendFault::kRefuse:
            return Rejected("external message was not accepted (scripted)");
        case SendFault::kDrop:
            return ports::SentMessage{};
        case SendFault::kLoseReply: {
            auto done = Execute(boc_base64, true);
            if (!done) return done;
            return Unavailable();
        }
        case SendFault::kNone:
            break;
    }
    return Execute(boc_base64, true);
}

Result<ports::SentMessage> FakeChain::Execute(std::string_view boc_base64, bool apply) {
    auto roots = ton::ParseBocText(boc_base64);
    if (!roots || roots->size() != 1) return Rejected("bad BOC");
    const auto& message = roots->front();
    auto body = ExternalBody(message);
    if (!body) return Rejected(body.error().message);
    ton::Slice s = body.value();
    (void)s.SkipBits(512 + 32);
    const auto valid_until = *s.LoadUint(32);
    const auto seqno = *s.LoadUint(32);
    if (seqno != seqno_) return Rejected("seqno " + std::to_string(seqno) + " is not " + std::to_string(seqno_));
    if (static_cast<std::int64_t>(valid_until) < clock_.NowUnix()) return Rejected("expired");
    if (!apply) return ports::SentMessage{};
    (void)s.LoadUint(8);  // op 0: simple send
    ports::ChainTransaction t;
    t.account = wallet_.ToRaw();
    t.id.lt = (lt_ += 10);
    t.id.hash = ton::ToBase64(ton::ToBytes("tx-" + std::to_string(lt_) + std::string(24, '.')));
    t.utime = clock_.NowUnix();
    t.in_msg = ports::ChainMessage{};
    t.in_msg->hash = ton::ToBase64(message->hash());
    while (s.remaining_refs() > 0) {
        (void)s.LoadUint(8);
        auto internal = ReadInternal(*s.LoadRef());
        if (!internal) return Rejected(internal.error().message);
        ports::ChainMessage out;
        out.source = wallet_.ToRaw();
        out.destination = internal->destination.ToString();
        out.value_nanotons = internal->value.value;
        t.out_msgs.push_back(out);
        sent_.push_back(*internal);
        Deliver(*internal);
    }
    ++seqno_;
    ++executed_;
    transactions_.push_back(t);
    ports::SentMessage sent;
    sent.hash = t.in_msg->hash;
    return sent;
}

void FakeChain::Deliver(const ton::InternalMessage& message) {
    const auto to = message.destination.ToRaw();
    if (message.init) {
        // A collection deploy: the owner and item code from its data (owner ‖ next:u64 ‖ ^content ‖ ^item_code ‖ …).
        ton::Slice data(message.init->data);
        auto owner = data.LoadAddress();
        (void)data.LoadUint(64);
        (void)data.LoadRef();
        auto item_code = data.LoadRef();
        if (owner && *owner && item_code && !collections_.count(to)) {
            collections_[to] = Collection{**owner, 0, *item_code};
        }
        return;
    }
    auto collection = collections_.find(to);
    if (collection == collections_.end() || refuse_mints_) return;
    ton::Slice body(message.body);
    auto op = body.LoadUint(32);
    if (!op || *op != ton::nft_op::kMint) return;
    (void)body.LoadUint(64);
    const auto index = *body.LoadUint(64);
    (void)body.LoadCoins();
    auto content = body.LoadRef();
    if (!content) return;
    ton::Slice init(*content);
    auto owner = init.LoadAddress();
    if (!owner || !*owner) return;
    if (index > collection->second.next_index) return;  // exit code 402: bounced
    auto address = ton::NftItemAddress(collection->second.item_code, message.destination, index);
    if (!address) return;
    if (!items_.count(address->ToRaw())) items_[address->ToRaw()] = Item{message.destination, index, **owner};
    if (index == collection->second.next_index) ++collection->second.next_index;
}

Result<std::vector<ports::ChainTransaction>> FakeChain::GetTransactions(const ports::TransactionsQuery& query) {
    std::lock_guard lock(mutex_);
    if (auto fault = ReadFault(); !fault) return fault.error();
    std::vector<ports::ChainTransaction> out;
    for (auto it = transactions_.rbegin(); it != transactions_.rend() && out.size() < query.limit; ++it) {
        if (query.before && it->id.lt >= query.before->lt) continue;
        if (it->id.lt <= query.after_lt) break;
        out.push_back(*it);
    }
    return out;
}

Result<ports::GetMethodResult> FakeChain::RunGetMethod(std::string_view address,
                                                       std::string_view method,
                                                       const std::vector<ports::StackEntry>& stack) {
    std::lock_guard lock(mutex_);
    if (auto fault = ReadFault(); !fault) return fault.error();
    auto parsed = ton::ParseAddress(address);
    if (!parsed) return Rejected("bad address");
    const auto raw = parsed->address.ToRaw();
    ports::GetMethodResult result;
    if (const auto c = collections_.find(raw); c != collections_.end()) {
        if (method == "get_collection_data") {
            result.stack = {ports::StackEntry::Num(Hex(c->second.next_index)),
                            ports::StackEntry::Cell(Boc64(ton::Cell::Empty())), AddressEntry(c->second.owner)};
            return result;
        }
        if (method == "get_nft_address_by_index" && stack.size() == 1) {
            const auto index = stack[0].AsInt64();
            auto item = ton::NftItemAddress(c->second.item_code, parsed->address, static_cast<std::uint64_t>(index.value_or(0)));
            result.stack = {AddressEntry(*item)};
            return result;
        }
        result.exit_code = 11;
        return result;
    }
    if (const auto i = items_.find(raw); i != items_.end() && method == "get_nft_data") {
        result.stack = {ports::StackEntry::Num("-0x1"), ports::StackEntry::Num(Hex(i->second.index)),
                        AddressEntry(i->second.collection), AddressEntry(i->second.owner),
                        ports::StackEntry::Cell(Boc64(ton::Cell::Empty()))};
        return result;
    }
    result.exit_code = -13;  // not active
    return result;
}

Result<ports::AccountState> FakeChain::GetAccountState(std::string_view address) {
    std::lock_guard lock(mutex_);
    if (auto fault = ReadFault(); !fault) return fault.error();
    (void)address;
    return ports::AccountState{};
}

Result<ports::WalletInfo> FakeChain::GetWalletInfo(std::string_view address) {
    std::lock_guard lock(mutex_);
    if (auto fault = ReadFault(); !fault) return fault.error();
    (void)address;
    ports::WalletInfo info;
    info.is_wallet = true;
    info.wallet_type = "wallet v4 r2";
    info.seqno = seqno_;
    info.status = ports::AccountStatus::kActive;
    if (!transactions_.empty()) info.last_tx = transactions_.back().id;
    return info;
}

}  // namespace onton::test
