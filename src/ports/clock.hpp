#pragma once
/// Clock port: the current time as the domain sees it (unix seconds). Tests inject a fake.

#include <cstdint>

namespace onton::ports {

class Clock {
public:
    virtual ~Clock() = default;
    /// Seconds since the unix epoch.
    [[nodiscard]] virtual std::int64_t NowUnix() const = 0;
};

}  // namespace onton::ports
