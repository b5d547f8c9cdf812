#pragma once
/// The caller the domain services see in tests: user `id` with `role`, signed in without an expiry.

#include <cstdint>

#include "domain/identity/identity.hpp"

namespace onton::test {

inline identity::Principal As(std::int64_t id, identity::Role role = identity::Role::kUser) {
    return identity::Principal{id, role, 0};
}

}  // namespace onton::test
