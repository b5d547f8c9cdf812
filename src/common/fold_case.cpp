#include "common/fold_case.hpp"

#include <locale.h>  // newlocale (POSIX)
#include <wctype.h>  // towlower_l

#include <cstdint>

namespace onton {
namespace {

/// The C.UTF-8 locale, made once and kept for the process (glibc 2.35+ builds it in, no locale files needed).
locale_t Utf8Locale() {
    static const locale_t kLocale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
    return kLocale;
}

/// Length of the UTF-8 sequence starting at `i` and its code point; 0 when the bytes there are not valid
/// UTF-8 (overlong forms, surrogates and code points past U+10FFFF included).
std::size_t Decode(std::string_view s, std::size_t i, char32_t& out) {
    const auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
    const auto lead = byte(i);
    std::size_t length = 0;
    char32_t cp = 0;
    char32_t min = 0;
    if (lead < 0x80U) {
        out = lead;
        return 1;
    }
    if ((lead & 0xE0U) == 0xC0U) {
        length = 2, cp = lead & 0x1FU, min = 0x80;
    } else if ((lead & 0xF0U) == 0xE0U) {
        length = 3, cp = lead & 0x0FU, min = 0x800;
    } else if ((lead & 0xF8U) == 0xF0U) {
        length = 4, cp = lead & 0x07U, min = 0x10000;
    } else {
        return 0;
    }
    if (i + length > s.size()) return 0;
    for (std::size_t k = 1; k < length; ++k) {
        if ((byte(i + k) & 0xC0U) != 0x80U) return 0;
        cp = (cp << 6U) | (byte(i + k) & 0x3FU);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    out = cp;
    return length;
}

void Encode(char32_t cp, std::string& out) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0U | (cp >> 6U)));
        out.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0U | (cp >> 12U)));
        out.push_back(static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU)));
        out.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
    } else {
        out.push_back(static_cast<char>(0xF0U | (cp >> 18U)));
        out.push_back(static_cast<char>(0x80U | ((cp >> 12U) & 0x3FU)));
        out.push_back(static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU)));
        out.push_back(static_cast<char>(0x80U | (cp & 0x3FU)));
    }
}

}  // namespace

std::string FoldCase(std::string_view utf8) {
    const auto locale = Utf8Locale();
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        char32_t cp = 0;
        const auto length = Decode(utf8, i, cp);
        if (length == 0) {
            out.push_back(utf8[i]);  // not UTF-8: kept, never dropped
            ++i;
            continue;
        }
        i += length;
        if (cp < 0x80) {
            out.push_back(cp >= 'A' && cp <= 'Z' ? static_cast<char>(cp - 'A' + 'a') : static_cast<char>(cp));
            continue;
        }
        if (locale != static_cast<locale_t>(nullptr)) {
            const auto lowered = towlower_l(static_cast<wint_t>(cp), locale);
            // A mapping that would leave the valid range (it never should) keeps the code point.
            if (lowered > 0 && lowered <= 0x10FFFF && (lowered < 0xD800 || lowered > 0xDFFF)) {
                cp = static_cast<char32_t>(lowered);
            }
        }
        Encode(cp, out);
    }
    return out;
}

}  // namespace onton
