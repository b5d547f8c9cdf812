#pragma once
/// Case folding for search: the one lower-casing that both stores and the search patterns share, so that a
/// search for "ЁЛКА" finds "Новогодняя ёлка" on SQLite and on PostgreSQL alike.

#include <string>
#include <string_view>

namespace onton {

/// Each code point of `utf8` mapped to its lower case as glibc's UTF-8 case tables have it (towlower in the
/// C.UTF-8 locale: the tables PostgreSQL's lower() uses under a UTF-8 locale), re-encoded as UTF-8. Bytes
/// that are not valid UTF-8 are kept as they are. Without the C.UTF-8 locale only ASCII is folded.
[[nodiscard]] std::string FoldCase(std::string_view utf8);

}  // namespace onton
