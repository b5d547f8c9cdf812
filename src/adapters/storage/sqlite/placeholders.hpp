#pragma once
/// Translation of the port's PostgreSQL-style placeholders for SQLite.

#include <string>
#include <string_view>

namespace onton::storage::sqlite {

/// Rewrites each `$N` to `?N` (same number, so repeated and out-of-order uses bind the same parameter),
/// leaving alone anything inside '...' string literals, "..." / `...` / [...] quoted identifiers and -- or /*
/// */ comments.
std::string RewritePlaceholders(std::string_view sql);

}  // namespace onton::storage::sqlite
