#pragma once
/// Helpers of the ton/ unit tests: the checked-in @ton/core vectors and short ways to build cells.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "ton/cell.hpp"
#include "ton/codec.hpp"

namespace onton::ton::test {

/// The `cases` array of tests/vectors/ton/<name>; fails the test when the file is missing.
inline nlohmann::json LoadVectors(const std::string& name) {
    std::ifstream in(std::string(ONTON_TON_VECTORS_DIR) + "/" + name);
    EXPECT_TRUE(in.good()) << "missing vector file " << name;
    std::stringstream text;
    text << in.rdbuf();
    return nlohmann::json::parse(text.str()).at("cases");
}

/// Hex to bytes; spaces are ignored so that tests can group the fields of a BOC.
inline Bytes Unhex(std::string hex) {
    std::erase(hex, ' ');
    auto bytes = FromHex(hex);
    EXPECT_TRUE(bytes.ok()) << hex;
    return bytes.ok() ? *bytes : Bytes{};
}

/// A cell of `bits` bits given as hex, with refs; aborts the test on error.
inline CellPtr MakeCell(const std::string& hex, std::size_t bits, std::vector<CellPtr> refs = {}) {
    auto cell = Cell::Create(Unhex(hex), bits, std::move(refs));
    EXPECT_TRUE(cell.ok()) << (cell.ok() ? "" : cell.error().message);
    return cell.ok() ? *cell : Cell::Empty();
}

inline CellPtr Uint32Cell(std::uint32_t value, std::vector<CellPtr> refs = {}) {
    Builder b;
    EXPECT_TRUE(b.StoreUint(value, 32).ok());
    for (auto& r : refs) EXPECT_TRUE(b.StoreRef(r).ok());
    return *b.Build();
}

}  // namespace onton::ton::test
