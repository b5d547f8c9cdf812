// Every write of orders.state goes through the one state machine (src/domain/orders/state_machine.cpp): this
// test reads the SQL in every C++ source under src/ and fails on any statement elsewhere that sets, inserts
// or upserts the column. Orders are inserted without it (the column defaults to `created`, the machine's
// first state).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace onton::orders {
namespace {

/// The text of every string literal of a C++ source, in order, each on its own line (adjacent literals, which
/// C++ joins into one, are joined here too). Comments, character literals and code are left out; raw strings
/// are read.
std::string StringLiterals(const std::string& source) {
    std::string out;
    std::size_t i = 0;
    const auto n = source.size();
    bool joinable = false;  // the last thing seen was a string literal, with only blanks and comments since
    while (i < n) {
        const char c = source[i];
        if (c == '/' && i + 1 < n && source[i + 1] == '/') {
            i = source.find('\n', i);
            if (i == std::string::npos) break;
            continue;
        }
        if (c == '/' && i + 1 < n && source[i + 1] == '*') {
            const auto end = source.find("*/", i + 2);
            i = end == std::string::npos ? n : end + 2;
            continue;
        }
        const bool digit_separator = c == '\'' && i > 0 && i + 1 < n &&
                                     std::isdigit(static_cast<unsigned char>(source[i - 1])) != 0 &&
                                     std::isxdigit(static_cast<unsigned char>(source[i + 1])) != 0;
        if (c == '\'' && !digit_separator) {  // a character literal
            ++i;
            while (i < n && source[i] != '\'' && source[i] != '\n') i += source[i] == '\\' ? 2U : 1U;
            ++i;
            joinable = false;
            continue;
        }
        const bool raw =
            c == 'R' && i + 1 < n && source[i + 1] == '"' &&
            (i == 0 ||
             (std::isalnum(static_cast<unsigned char>(source[i - 1])) == 0 && source[i - 1] != '_') ||
             source[i - 1] == '8' || source[i - 1] == 'u' || source[i - 1] == 'U' || source[i - 1] == 'L');
        if (raw || c == '"') {
            if (!joinable && !out.empty()) out.push_back('\n');
            if (raw) {
                const auto open = source.find('(', i + 2);
                if (open == std::string::npos) break;
                const auto closing = ")" + source.substr(i + 2, open - i - 2) + "\"";
                const auto end = source.find(closing, open + 1);
                if (end == std::string::npos) break;
                out += source.substr(open + 1, end - open - 1);
                i = end + closing.size();
            } else {
                ++i;
                while (i < n && source[i] != '"') {
                    if (source[i] == '\\' && i + 1 < n) {
                        out.push_back(source[i + 1] == 'n' ? '\n' : source[i + 1]);
                        i += 2;
                        continue;
                    }
                    out.push_back(source[i++]);
                }
                ++i;
            }
            joinable = true;
            continue;
        }
        if (std::isspace(static_cast<unsigned char>(c)) == 0) joinable = false;
        ++i;
    }
    return out;
}

/// The statements in `sql` (the literals of one file) that write orders.state: an UPDATE of orders whose SET
/// list names `state`, an INSERT/REPLACE into orders whose column list names it (or that has no column list),
/// and an upsert into orders whose conflict clause sets it.
std::vector<std::string> OrderStateWrites(const std::string& sql) {
    static const std::string kOrders = R"re((?:"?\w+"?\.)?"?orders"?)re";
    static const std::regex kUpdate(
        R"re(\bUPDATE\s+(?:OR\s+\w+\s+)?)re" + kOrders + R"re(\s+(?:AS\s+\w+\s+|\w+\s+)?SET\b)re",
        std::regex::icase);
    static const std::regex kInsert(
        R"re(\b(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO)\s+)re" + kOrders + R"re((?=[\s(]|$))re",
        std::regex::icase);
    static const std::regex kSetsState(R"re((?:^|[\s,.(])"?state"?\s*=)re", std::regex::icase);
    static const std::regex kStateColumn(R"re((?:^|[\s,("])state(?:[\s,)"]|$))re", std::regex::icase);
    static const std::regex kWhere(R"re(\b(?:WHERE|RETURNING|FROM)\b)re", std::regex::icase);
    static const std::regex kConflictSet(R"re(\bON\s+CONFLICT\b[^;]*?\bDO\s+UPDATE\s+SET\b)re",
                                         std::regex::icase);
    constexpr std::size_t kStatementSpan = 600;  // how far a statement is read (literals of one file run on)

    std::vector<std::string> found;
    for (auto it = std::sregex_iterator(sql.begin(), sql.end(), kUpdate); it != std::sregex_iterator();
         ++it) {
        const auto begin = static_cast<std::size_t>(it->position()) + static_cast<std::size_t>(it->length());
        std::string set_list = sql.substr(begin, kStatementSpan);
        std::smatch where;
        if (std::regex_search(set_list, where, kWhere))
            set_list.resize(static_cast<std::size_t>(where.position()));
        if (const auto semicolon = set_list.find(';'); semicolon != std::string::npos)
            set_list.resize(semicolon);
        if (std::regex_search(set_list, kSetsState)) found.push_back(it->str() + set_list);
    }
    for (auto it = std::sregex_iterator(sql.begin(), sql.end(), kInsert); it != std::sregex_iterator();
         ++it) {
        const auto begin = static_cast<std::size_t>(it->position()) + static_cast<std::size_t>(it->length());
        std::string rest = sql.substr(begin, kStatementSpan);
        if (const auto semicolon = rest.find(';'); semicolon != std::string::npos) rest.resize(semicolon);
        const auto first = rest.find_first_not_of(" \t\r\n");
        if (first == std::string::npos || rest[first] != '(') {
            found.push_back(it->str() + rest);  // no column list: every column, the state included
            continue;
        }
        const auto close = rest.find(')', first);
        const auto columns =
            rest.substr(first, close == std::string::npos ? std::string::npos : close - first + 1);
        std::smatch conflict;
        const bool upsert_sets_state =
            std::regex_search(rest, conflict, kConflictSet) &&
            std::regex_search(rest.substr(static_cast<std::size_t>(conflict.position())), kSetsState);
        if (std::regex_search(columns, kStateColumn) || upsert_sets_state) found.push_back(it->str() + rest);
    }
    return found;
}

std::vector<std::string> Offenders(const std::string& cpp) { return OrderStateWrites(StringLiterals(cpp)); }

TEST(OrderStateWrites, TheScannerFindsEveryKindOfWrite) {
    EXPECT_EQ(
        Offenders(R"src(tx.Execute("UPDATE orders SET state = 'paid' WHERE uuid = $1", {uuid});)src").size(),
        1U);
    EXPECT_EQ(
        Offenders(R"src(tx.Execute("update Orders set updated_at = $2, STATE = $3 where uuid = $1");)src")
            .size(),
        1U);
    // Split over adjacent literals and lines, as long SQL is written.
    EXPECT_EQ(Offenders("constexpr auto kSql =\n    \"UPDATE orders \"\n    \"SET paid_at = $2, \"\n"
                        "    \"state = 'paid' WHERE uuid = $1\";")
                  .size(),
              1U);
    EXPECT_EQ(Offenders("constexpr std::string_view kSql = R\"(\nUPDATE core.orders o\nSET state = $2 WHERE "
                        "o.uuid = $1)\";")
                  .size(),
              1U);
    EXPECT_EQ(
        Offenders(R"src(tx.Execute("INSERT INTO orders (uuid, state) VALUES ($1, 'paid')");)src").size(), 1U);
    EXPECT_EQ(Offenders(R"src(tx.Execute("INSERT INTO orders VALUES ($1, $2, $3)");)src").size(), 1U);
    EXPECT_EQ(
        Offenders(R"src(tx.Execute("INSERT OR REPLACE INTO orders (uuid,state) VALUES ($1,$2)");)src").size(),
        1U);
    EXPECT_EQ(Offenders(R"src(tx.Execute(
                                  "INSERT INTO orders (uuid, quantity) VALUES ($1, $2) "
                                  "ON CONFLICT (uuid) DO UPDATE SET state = 'paid'");)src")
                  .size(),
              1U);
}

TEST(OrderStateWrites, TheScannerLeavesOtherSqlAlone) {
    // Other columns of orders, other tables' state, reads, and comments.
    EXPECT_TRUE(
        Offenders(R"src(tx.Execute("UPDATE orders SET payment_tx_hash = $2 WHERE uuid = $1");)src").empty());
    EXPECT_TRUE(Offenders(R"src(tx.Execute("UPDATE orders SET updated_at = $2 WHERE state = 'created'");)src")
                    .empty());
    EXPECT_TRUE(
        Offenders(R"src(tx.Execute("UPDATE wallet_messages SET state = $2 WHERE id = $1");)src").empty());
    EXPECT_TRUE(
        Offenders(R"src(tx.Execute("UPDATE orders_archive SET state = $2 WHERE id = $1");)src").empty());
    EXPECT_TRUE(Offenders(R"src(tx.Execute("SELECT state FROM orders WHERE uuid = $1");)src").empty());
    EXPECT_TRUE(
        Offenders(
            R"src(tx.Execute("INSERT INTO orders (uuid, quantity, created_at) VALUES ($1, $2, $3)");)src")
            .empty());
    EXPECT_TRUE(
        Offenders(R"src(tx.Execute("INSERT INTO order_items (order_uuid, state) VALUES ($1, $2)");)src")
            .empty());
    EXPECT_TRUE(
        Offenders("// UPDATE orders SET state = 'paid'\n/* INSERT INTO orders (state) */ int x = 'a';")
            .empty());
    EXPECT_EQ(StringLiterals(R"src(f("a" "b", 'c', "d\"e"); // "no")src"), "ab\nd\"e");
    EXPECT_EQ(StringLiterals(R"src(f(1'000'000, "x"); g('"', "y");)src"), "x\ny");
}

TEST(OrderStateWrites, OnlyTheStateMachineWritesOrderState) {
    const std::filesystem::path root = ONTON_SOURCE_DIR;
    const auto allowed = std::filesystem::path("domain") / "orders" / "state_machine.cpp";
    ASSERT_TRUE(std::filesystem::exists(root / allowed)) << root;
    std::size_t scanned = 0;
    std::size_t allowed_writes = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
        if (!entry.is_regular_file()) continue;
        const auto ext = entry.path().extension().string();
        if (ext != ".cpp" && ext != ".hpp" && ext != ".h" && ext != ".cc" && ext != ".ipp") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        ++scanned;
        const auto writes = Offenders(text.str());
        const auto relative = std::filesystem::relative(entry.path(), root);
        if (relative == allowed) {
            allowed_writes += writes.size();
            continue;
        }
        for (const auto& statement : writes) {
            ADD_FAILURE() << "src/" << relative.string() << " writes orders.state outside the state machine "
                          << "(use TransitionOrder in domain/orders/state_machine.hpp):\n"
                          << statement;
        }
    }
    EXPECT_GT(scanned, 100U) << "the source tree was not found at " << root;
    EXPECT_GE(allowed_writes, 1U) << "the state machine's own UPDATE should be seen by the scanner";
}

}  // namespace
}  // namespace onton::orders
