#pragma once
/// Files compiled into the binary (SQL migrations, the OpenAPI document) by cmake/embed.cmake.

#include <span>
#include <string_view>

namespace onton::embedded {

struct File {
    std::string_view path;  ///< path relative to the embedding target's base directory
    std::string_view data;
};

/// SQL migrations, paths like `postgres/core/0001_init.sql`, sorted by path.
std::span<const File> Migrations();

}  // namespace onton::embedded

namespace onton::embedded {

/// Documents served by the API, paths like `openapi.yaml`.
std::span<const File> Documents();

/// The file with this path in `files`, or empty when absent.
inline std::string_view Find(std::span<const File> files, std::string_view path) noexcept {
    for (const auto& f : files) {
        if (f.path == path) return f.data;
    }
    return {};
}

}  // namespace onton::embedded
