#include "adapters/media/filesystem_media.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/encoding.hpp"

namespace onton::media {

FilesystemMedia::FilesystemMedia(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
}

bool FilesystemMedia::IsValidName(std::string_view name) noexcept {
    const auto dot = name.find('.');
    if (dot != 64) return false;
    const auto hex = name.substr(0, 64);
    if (!std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); })) {
        return false;
    }
    const auto ext = name.substr(65);
    return ext == "png" || ext == "jpg" || ext == "webp";
}

std::string FilesystemMedia::Put(std::string_view bytes, std::string_view extension) {
    const auto name = Sha256Hex(bytes) + "." + std::string(extension);
    if (!IsValidName(name)) throw std::invalid_argument("unsupported media extension");
    const auto final_path = dir_ / name;
    if (std::filesystem::exists(final_path)) return name;  // content-addressed: already stored
    const auto tmp = dir_ / (name + ".tmp" + std::to_string(::getpid()));
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw std::runtime_error("cannot create " + tmp.string());
    std::size_t written = 0;
    while (written < bytes.size()) {
        const auto n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n <= 0) {
            ::close(fd);
            std::filesystem::remove(tmp);
            throw std::runtime_error("cannot write " + tmp.string());
        }
        written += static_cast<std::size_t>(n);
    }
    const bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced) {
        std::filesystem::remove(tmp);
        throw std::runtime_error("cannot sync " + tmp.string());
    }
    std::filesystem::rename(tmp, final_path);
    return name;
}

std::optional<std::string> FilesystemMedia::Get(std::string_view name) const {
    if (!IsValidName(name)) return std::nullopt;
    std::ifstream in(dir_ / std::string(name), std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream bytes;
    bytes << in.rdbuf();
    return bytes.str();
}

}  // namespace onton::media
