#pragma once
/// Checksums of the TON formats: CRC-16/XMODEM (user-friendly addresses) and CRC-32C (bag-of-cells trailer).
/// Pure functions over bytes.

#include <cstdint>
#include <span>

namespace onton::ton {

/// CRC-16/XMODEM: poly 0x1021, init 0, no reflection, no final xor. Check value of "123456789" is 0x31C3.
std::uint16_t Crc16(std::span<const std::uint8_t> bytes);

/// CRC-32C (Castagnoli): reflected poly 0x82F63B78, init and xorout 0xFFFFFFFF. Check value of "123456789" is
/// 0xE3069283. A BOC stores it little-endian.
std::uint32_t Crc32c(std::span<const std::uint8_t> bytes);

}  // namespace onton::ton
