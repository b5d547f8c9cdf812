#include "adapters/storage/migration_set.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "common/embedded.hpp"

namespace onton::storage {

std::vector<Migration> LoadMigrations(std::string_view dialect, std::string_view database) {
    const std::string prefix = std::string(dialect) + "/" + std::string(database) + "/";
    std::vector<Migration> out;
    for (const auto& file : embedded::Migrations()) {
        if (!file.path.starts_with(prefix)) continue;
        const std::string_view base = file.path.substr(prefix.size());
        const auto underscore = base.find('_');
        if (underscore == std::string_view::npos || underscore == 0 || !base.ends_with(".sql") ||
            base.find('/') != std::string_view::npos) {
            throw std::logic_error("migration file name is not NNNN_name.sql: " + std::string(file.path));
        }
        Migration migration;
        const auto [end, error] = std::from_chars(base.data(), base.data() + underscore, migration.version);
        if (error != std::errc() || end != base.data() + underscore || migration.version <= 0) {
            throw std::logic_error("migration file name has no version: " + std::string(file.path));
        }
        migration.name = std::string(base.substr(underscore + 1, base.size() - underscore - 1 - 4));
        migration.sql = file.data;
        migration.checksum = MigrationChecksum(file.data);
        out.push_back(std::move(migration));
    }
    std::sort(
        out.begin(), out.end(), [](const Migration& a, const Migration& b) { return a.version < b.version; });
    for (std::size_t i = 1; i < out.size(); ++i) {
        if (out[i].version == out[i - 1].version) {
            throw std::logic_error("two migrations with version " + std::to_string(out[i].version) + " in " +
                                   prefix);
        }
    }
    return out;
}

std::string MigrationChecksum(std::string_view sql) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : sql) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    char buffer[17];
    std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
    return std::string(buffer, 16);
}

std::string ChecksumMismatchMessage(std::string_view database,
                                    const Migration& migration,
                                    std::string_view recorded_checksum) {
    return "migration " + std::string(database) + "/" + std::to_string(migration.version) + "_" +
           migration.name + " was applied with checksum " + std::string(recorded_checksum) +
           " but the embedded file has " + migration.checksum +
           ": an applied migration was edited; add a new migration instead";
}

std::int64_t UnixNow() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace onton::storage
