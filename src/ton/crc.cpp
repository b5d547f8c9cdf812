#include "ton/crc.hpp"

#include <array>

namespace onton::ton {
namespace {

// Byte-at-a-time tables built at compile time: fast enough for BOCs and addresses, no runtime initialisation.
constexpr std::array<std::uint16_t, 256> MakeCrc16Table() {
    std::array<std::uint16_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t crc = i << 8;
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 0x8000U) != 0 ? (crc << 1) ^ 0x1021U : crc << 1;
        table[i] = static_cast<std::uint16_t>(crc & 0xFFFFU);
    }
    return table;
}

constexpr std::array<std::uint32_t, 256> MakeCrc32cTable() {
    std::array<std::uint32_t, 256> table{};
    for (std::uint32_t i = 0; i < 256; ++i) {
        std::uint32_t crc = i;
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 1U) != 0 ? (crc >> 1) ^ 0x82F63B78U : crc >> 1;
        table[i] = crc;
    }
    return table;
}

constexpr auto kCrc16Table = MakeCrc16Table();
constexpr auto kCrc32cTable = MakeCrc32cTable();

}  // namespace

std::uint16_t Crc16(std::span<const std::uint8_t> bytes) {
    std::uint32_t crc = 0;
    for (const std::uint8_t b : bytes) crc = ((crc << 8) ^ kCrc16Table[((crc >> 8) ^ b) & 0xFFU]) & 0xFFFFU;
    return static_cast<std::uint16_t>(crc);
}

std::uint32_t Crc32c(std::span<const std::uint8_t> bytes) {
    std::uint32_t crc = 0xFFFFFFFFU;
    for (const std::uint8_t b : bytes) crc = (crc >> 8) ^ kCrc32cTable[(crc ^ b) & 0xFFU];
    return crc ^ 0xFFFFFFFFU;
}

}  // namespace onton::ton
