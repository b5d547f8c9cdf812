#include "domain/moderation/rules.hpp"

#include <algorithm>
#include <cctype>

namespace onton::moderation {
namespace {

bool IsWordByte(unsigned char c) { return std::isalnum(c) != 0 || c >= 0x80 || c == '_'; }

/// Whether `needle` occurs in `haystack` with no word character on either side.
bool ContainsWord(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) return false;
    for (auto at = haystack.find(needle); at != std::string_view::npos; at = haystack.find(needle, at + 1)) {
        const bool left = at == 0 || !IsWordByte(static_cast<unsigned char>(haystack[at - 1]));
        const auto end = at + needle.size();
        const bool right = end == haystack.size() || !IsWordByte(static_cast<unsigned char>(haystack[end]));
        if (left && right) return true;
    }
    return false;
}

/// Hosts of the http(s) links and bare `www.` names in the text, lower case.
std::vector<std::string> LinkHosts(std::string_view text) {
    std::vector<std::string> hosts;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t start = std::string_view::npos;
        for (const std::string_view scheme : {"https://", "http://", "www."}) {
            const auto found = text.find(scheme, at);
            if (found != std::string_view::npos && (start == std::string_view::npos || found < start)) {
                start = found + (scheme == "www." ? 0 : scheme.size());
            }
        }
        if (start == std::string_view::npos) break;
        auto end = start;
        while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '.' ||
                                     text[end] == '-')) {
            ++end;
        }
        if (end > start) {
            std::string host(text.substr(start, end - start));
            if (host.rfind("www.", 0) == 0) host.erase(0, 4);
            while (!host.empty() && host.back() == '.') host.pop_back();
            if (!host.empty()) hosts.push_back(host);
        }
        at = std::max(end, start + 1);
    }
    return hosts;
}

bool HostBlocked(std::string_view host, std::string_view domain) {
    if (host == domain) return true;
    return host.size() > domain.size() && host.substr(host.size() - domain.size()) == domain &&
           host[host.size() - domain.size() - 1] == '.';
}

bool Shouting(std::string_view title, double max_ratio) {
    std::size_t letters = 0;
    std::size_t capitals = 0;
    for (std::size_t i = 0; i < title.size(); ++i) {
        const auto c = static_cast<unsigned char>(title[i]);
        if (std::isalpha(c) != 0) {
            ++letters;
            if (std::isupper(c) != 0) ++capitals;
        } else if ((c == 0xD0 || c == 0xD1) && i + 1 < title.size()) {  // Cyrillic: А-Я is D0 90-AF, а-я D0 B0-BF, D1 80-8F
            const auto next = static_cast<unsigned char>(title[i + 1]);
            ++letters;
            if (c == 0xD0 && next >= 0x90 && next <= 0xAF) ++capitals;
            if (c == 0xD0 && next == 0x81) ++capitals;  // Ё
            ++i;
        }
    }
    return letters >= 12 && static_cast<double>(capitals) > max_ratio * static_cast<double>(letters);
}

bool RepeatsTooMuch(std::string_view text, std::size_t max_run) {
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        run = (i > 0 && text[i] == text[i - 1]) ? run + 1 : 1;
        if (run > max_run && text[i] != ' ' && text[i] != '-' && text[i] != '=' && text[i] != '\n') return true;
    }
    return false;
}

}  // namespace

std::string FoldCase(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            out.push_back(static_cast<char>(std::tolower(c)));
            continue;
        }
        if (c == 0xD0 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x90 && next <= 0x9F) {  // А-П → а-п (D0 B0-BF)
                out.push_back(static_cast<char>(0xD0));
                out.push_back(static_cast<char>(next + 0x20));
                ++i;
                continue;
            }
            if (next >= 0xA0 && next <= 0xAF) {  // Р-Я → р-я (D1 80-8F)
                out.push_back(static_cast<char>(0xD1));
                out.push_back(static_cast<char>(next - 0x20));
                ++i;
                continue;
            }
            if (next == 0x81) {  // Ё → ё (D1 91)
                out.push_back(static_cast<char>(0xD1));
                out.push_back(static_cast<char>(0x91));
                ++i;
                continue;
            }
        }
        out.push_back(static_cast<char>(c));
    }
    return out;
}

std::vector<std::string> ParseList(std::string_view csv) {
    std::vector<std::string> out;
    while (!csv.empty()) {
        const auto comma = csv.find(',');
        auto item = csv.substr(0, comma);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front())) != 0) item.remove_prefix(1);
        while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back())) != 0) item.remove_suffix(1);
        if (!item.empty()) out.push_back(FoldCase(item));
        if (comma == std::string_view::npos) break;
        csv.remove_prefix(comma + 1);
    }
    return out;
}

std::vector<std::string> Assess(const Rules& rules, const Texts& texts) {
    std::vector<std::string> reasons;
    const auto all = FoldCase(texts.title + "\n" + texts.subtitle + "\n" + texts.description + "\n" + texts.location +
                              "\n" + texts.online_link);
    for (const auto& word : rules.banned_words) {
        if (ContainsWord(all, word)) reasons.push_back("banned_word:" + word);
    }
    const auto hosts = LinkHosts(all);
    for (const auto& host : hosts) {
        for (const auto& domain : rules.blocked_domains) {
            if (HostBlocked(host, domain)) {
                reasons.push_back("blocked_link:" + host);
                break;
            }
        }
    }
    if (hosts.size() > rules.max_links) reasons.push_back("too_many_links:" + std::to_string(hosts.size()));
    if (Shouting(texts.title, rules.max_caps_ratio)) reasons.push_back("shouting_title");
    if (RepeatsTooMuch(texts.title + "\n" + texts.description, rules.max_repeated_chars)) {
        reasons.push_back("repeated_characters");
    }
    std::sort(reasons.begin(), reasons.end());
    reasons.erase(std::unique(reasons.begin(), reasons.end()), reasons.end());
    return reasons;
}

}  // namespace onton::moderation
