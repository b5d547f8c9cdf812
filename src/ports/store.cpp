#include "ports/store.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <stdexcept>
#include <string>

#include "common/fold_case.hpp"

namespace onton::ports {

std::string PaddedInList(std::size_t count, std::size_t first) {
    const auto n = std::bit_ceil(std::max<std::size_t>(count, 1));
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += (i > 0 ? ", $" : "$") + std::to_string(first + i);
    return out;
}

void PadToPowerOfTwo(SqlParams& list_params) {
    if (list_params.empty()) return;
    const auto n = std::bit_ceil(list_params.size());
    const auto head = list_params.front();
    list_params.resize(n, head);
}

std::string ValuesRows(std::size_t rows, std::size_t columns, std::size_t first) {
    std::string out;
    for (std::size_t r = 0; r < rows; ++r) {
        out += r > 0 ? ", (" : "(";
        for (std::size_t c = 0; c < columns; ++c) {
            out += (c > 0 ? ", $" : "$") + std::to_string(first + r * columns + c);
        }
        out += ')';
    }
    return out;
}

std::vector<std::size_t> SplitRows(std::size_t count, std::size_t max_rows) {
    max_rows = std::bit_floor(std::max<std::size_t>(max_rows, 1));
    std::vector<std::size_t> chunks;
    for (; count >= max_rows; count -= max_rows) chunks.push_back(max_rows);
    for (std::size_t bit = max_rows / 2; bit > 0; bit /= 2) {
        if ((count & bit) != 0) chunks.push_back(bit);
    }
    return chunks;
}

std::size_t ResultSet::Column(std::string_view name) const {
    for (std::size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] == name) return i;
    }
    throw std::out_of_range("no column named " + std::string(name));
}

bool IsNull(const SqlValue& value) noexcept { return std::holds_alternative<std::monostate>(value); }

std::int64_t AsInt(const SqlValue& value) { return std::get<std::int64_t>(value); }

const std::string& AsText(const SqlValue& value) { return std::get<std::string>(value); }

std::optional<std::int64_t> AsOptionalInt(const SqlValue& value) {
    if (IsNull(value)) return std::nullopt;
    return AsInt(value);
}

std::optional<std::string> AsOptionalText(const SqlValue& value) {
    if (IsNull(value)) return std::nullopt;
    return AsText(value);
}

std::string LikeContains(std::string_view text) {
    std::string out = "%";
    for (const char c : FoldCase(text)) {
        if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('%');
    return out;
}

bool IsSelect(std::string_view sql) noexcept {
    while (!sql.empty() && (sql.front() == ' ' || sql.front() == '\n' || sql.front() == '\t')) sql.remove_prefix(1);
    if (sql.size() < 7) return false;
    std::string head(sql.substr(0, 7));
    for (auto& c : head) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return head == "SELECT ";
}

ResultSet Store::ReadOnce(std::string_view sql, const SqlParams& params) {
    if (!IsSelect(sql)) throw std::invalid_argument("ReadOnce takes one SELECT");
    return Transact([&](Transaction& tx) { return tx.Execute(sql, params); }, {.read_only = true});
}

}  // namespace onton::ports
