#pragma once
/// The rule-based check that new and edited events pass before they are shown (seed: moderation worker). Pure:
/// text in, reasons out. Words match whole words, case-folded (ASCII and Cyrillic); link domains match the host or
/// any subdomain of it.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace onton::moderation {

struct Rules {
    std::vector<std::string> banned_words;     ///< lower case; a phrase of several words is matched as a whole
    std::vector<std::string> blocked_domains;  ///< `example.com` blocks example.com and *.example.com
    std::size_t max_links = 5;                 ///< more links than this in the texts looks like spam
    double max_caps_ratio = 0.7;               ///< share of capital letters in a title of at least 12 letters
    std::size_t max_repeated_chars = 9;        ///< the same character more times in a row than this
};

/// The texts of an event that the rules look at.
struct Texts {
    std::string title;
    std::string subtitle;
    std::string description;
    std::string location;
    std::string online_link;
};

/// Why the texts need a human look; empty when they pass. Each reason is a short machine-friendly phrase:
/// `banned_word:<word>`, `blocked_link:<host>`, `too_many_links:<n>`, `shouting_title`, `repeated_characters`.
std::vector<std::string> Assess(const Rules& rules, const Texts& texts);

/// Lower-cases ASCII and Cyrillic letters of UTF-8 text (others unchanged).
std::string FoldCase(std::string_view text);

/// A comma-separated list, trimmed and folded, without empty entries (for the configuration).
std::vector<std::string> ParseList(std::string_view csv);

}  // namespace onton::moderation
