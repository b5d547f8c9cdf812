#include "app/worker_set.hpp"

#include "app/config.hpp"

namespace onton::app {

namespace {

/// The flag of `name` in `set` (const or not); null for an unknown name.
template <typename Set>
auto* FlagOf(Set& set, std::string_view name) noexcept {
    decltype(&set.expiry) none = nullptr;
    if (name == "expiry") return &set.expiry;
    if (name == "payments") return &set.payments;
    if (name == "relay") return &set.relay;
    if (name == "fulfilment") return &set.fulfilment;
    if (name == "notifications") return &set.notifications;
    if (name == "reminders") return &set.reminders;
    if (name == "nft") return &set.nft;
    if (name == "refunds") return &set.refunds;
    if (name == "rewards") return &set.rewards;
    if (name == "stars-refunds") return &set.stars_refunds;
    if (name == "moderation") return &set.moderation;
    return none;
}

}  // namespace

bool WorkerSet::Has(std::string_view name) const noexcept {
    const bool* flag = FlagOf(*this, name);
    return flag != nullptr && *flag;
}

WorkerSet WorkerSet::All() {
    WorkerSet out;
    for (const auto name : kNames) *FlagOf(out, name) = true;
    return out;
}

std::string ValidWorkerNames() {
    std::string out;
    for (const auto name : WorkerSet::kNames) out += (out.empty() ? "" : ", ") + std::string(name);
    return out + " (or all, none)";
}

Result<WorkerSet> WorkerSet::Parse(const std::string& list) {
    WorkerSet out;
    for (const auto& name : SplitList(list)) {
        if (name == "none") continue;
        if (name == "all") {
            out = All();
            continue;
        }
        bool* flag = FlagOf(out, name);
        if (flag == nullptr) {
            return Error{"config.invalid",
                         "unknown worker '" + name + "'; valid workers: " + ValidWorkerNames()};
        }
        *flag = true;
    }
    return out;
}

bool WorkerSet::any() const noexcept {
    for (const auto name : kNames) {
        if (Has(name)) return true;
    }
    return false;
}

std::string WorkerSet::Describe() const {
    std::string out;
    for (const auto name : kNames) {
        if (Has(name)) out += (out.empty() ? "" : ",") + std::string(name);
    }
    return out.empty() ? "none" : out;
}

}  // namespace onton::app
