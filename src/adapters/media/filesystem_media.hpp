#pragma once
/// MediaStore on a local directory (ONTON_MEDIA_DIR). Writes go to a temporary file that is fsynced and renamed,
/// so a crash never leaves a half-written image under a real name.

#include <filesystem>

#include "ports/media.hpp"

namespace onton::media {

class FilesystemMedia final : public ports::MediaStore {
public:
    /// Creates the directory when missing.
    explicit FilesystemMedia(std::filesystem::path dir);
    std::string Put(std::string_view bytes, std::string_view extension) override;
    [[nodiscard]] std::optional<std::string> Get(std::string_view name) const override;

    /// `true` for names Put returns: 64 lower-case hex digits, a dot, png|jpg|webp.
    static bool IsValidName(std::string_view name) noexcept;

private:
    std::filesystem::path dir_;
};

}  // namespace onton::media
