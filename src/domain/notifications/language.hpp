#pragma once
/// The language Onton writes to a Telegram user in: Russian for a `language_code` starting with `ru`, English
/// otherwise (the two languages of the bot and the notifications).

#include <string_view>

namespace onton::notifications {

[[nodiscard]] inline bool SpeaksRussian(std::string_view language_code) noexcept {
    return language_code.substr(0, 2) == "ru";
}

}  // namespace onton::notifications
