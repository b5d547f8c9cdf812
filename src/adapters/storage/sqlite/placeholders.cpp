#include "adapters/storage/sqlite/placeholders.hpp"

namespace onton::storage::sqlite {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

/// `$` may continue an identifier (`price$1` is a name on both dialects), so only a `$` that starts a token
/// counts.
bool ContinuesIdentifier(char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
           static_cast<unsigned char>(c) >= 0x80;
}

/// Index just past the quoted run that starts at `begin` and ends at `close`; a doubled `close` is an escape,
/// as SQL writes '' inside a string. An unterminated run extends to the end (SQLite will report the syntax
/// error).
std::size_t SkipQuoted(std::string_view sql, std::size_t begin, char close) {
    std::size_t i = begin + 1;
    while (i < sql.size()) {
        if (sql[i] == close) {
            if (close != ']' && i + 1 < sql.size() && sql[i + 1] == close) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        ++i;
    }
    return sql.size();
}

}  // namespace

std::string RewritePlaceholders(std::string_view sql) {
    std::string out;
    out.reserve(sql.size());
    std::size_t i = 0;
    while (i < sql.size()) {
        const char c = sql[i];
        std::size_t end = i + 1;
        if (c == '\'' || c == '"' || c == '`') {
            end = SkipQuoted(sql, i, c);
        } else if (c == '[') {
            end = SkipQuoted(sql, i, ']');
        } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
            end = sql.find('\n', i);
            end = end == std::string_view::npos ? sql.size() : end;
        } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
            end = sql.find("*/", i + 2);
            end = end == std::string_view::npos ? sql.size() : end + 2;
        } else if (c == '$' && i + 1 < sql.size() && IsDigit(sql[i + 1]) &&
                   (i == 0 || !ContinuesIdentifier(sql[i - 1]))) {
            out.push_back('?');
            ++i;
            continue;
        }
        out.append(sql.substr(i, end - i));
        i = end;
    }
    return out;
}

}  // namespace onton::storage::sqlite
