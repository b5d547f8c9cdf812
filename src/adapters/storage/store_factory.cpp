#include "adapters/storage/store_factory.hpp"

#include <spdlog/spdlog.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <string_view>
#include <system_error>

#include "adapters/storage/postgres/postgres_store.hpp"
#include "adapters/storage/sqlite/sqlite_store.hpp"

namespace onton::storage {
namespace {

constexpr std::string_view kSqliteMemoryUrl = "sqlite::memory:";
constexpr std::string_view kSqlitePrefix = "sqlite://";
constexpr std::string_view kPostgresPrefixes[] = {"postgres://", "postgresql://"};

bool IsPostgresUrl(std::string_view url) {
    for (const auto prefix : kPostgresPrefixes) {
        if (url.starts_with(prefix)) return true;
    }
    return false;
}

/// A fresh private directory for `sqlite::memory:`: a real file (rather than a shared-cache in-memory
/// database) keeps WAL, busy handling and locking exactly as in production.
std::filesystem::path MakeMemoryDirectory() {
    std::error_code error;
    auto base = std::filesystem::temp_directory_path(error);
    if (error) base = "/tmp";
    std::string pattern = (base / "onton-sqlite-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw ports::StoreError(ports::StoreError::Kind::kUnavailable,
                                "sqlite: cannot create a temporary directory in " + base.string());
    }
    return pattern;
}

std::unique_ptr<ports::Store> OpenSqlite(const StoreSettings& settings) {
    sqlite::SqliteOptions options;
    options.pool_size = settings.pool_size;
    options.acquire_timeout = settings.acquire_timeout;
    options.busy_timeout = settings.busy_timeout;
    if (settings.url == kSqliteMemoryUrl) {
        options.owned_directory = MakeMemoryDirectory();
        options.core_path = options.owned_directory / "onton.db";
    } else {
        const std::string_view path = std::string_view(settings.url).substr(kSqlitePrefix.size());
        if (path.empty() || path.find('?') != std::string_view::npos) {
            throw std::invalid_argument("sqlite URL needs a file path and takes no options: " + settings.url);
        }
        options.core_path = std::filesystem::path(path).lexically_normal();
        if (!options.core_path.has_filename()) {
            throw std::invalid_argument("sqlite URL names a directory, not a file: " + settings.url);
        }
        const auto parent = options.core_path.parent_path();
        std::error_code error;
        if (!parent.empty()) std::filesystem::create_directories(parent, error);
        if (error) {
            throw ports::StoreError(
                ports::StoreError::Kind::kUnavailable,
                "sqlite: cannot create directory " + parent.string() + ": " + error.message());
        }
    }
    options.nft_path = sqlite::NftPathFor(options.core_path);
    return sqlite::OpenSqliteStore(std::move(options));
}

}  // namespace

std::unique_ptr<ports::Store> OpenStore(const StoreSettings& settings) {
    if (settings.pool_size <= 0) throw std::invalid_argument("store pool_size must be positive");
    if (settings.url == kSqliteMemoryUrl || settings.url.starts_with(kSqlitePrefix)) {
        spdlog::debug("store: opening {}", RedactUrl(settings.url));
        return OpenSqlite(settings);
    }
    if (IsPostgresUrl(settings.url)) {
        spdlog::debug("store: opening {}", RedactUrl(settings.url));
        postgres::PostgresOptions options;
        options.conninfo = settings.url;
        options.pool_size = settings.pool_size;
        options.acquire_timeout = settings.acquire_timeout;
        options.statement_timeout = settings.statement_timeout;
        return postgres::OpenPostgresStore(std::move(options));
    }
    throw std::invalid_argument("unsupported database URL (want sqlite:// or postgres://): " +
                                RedactUrl(settings.url));
}

std::string RedactUrl(const std::string& url) {
    std::string out = url;
    const auto scheme_end = out.find("://");
    if (scheme_end != std::string::npos) {
        const auto authority_begin = scheme_end + 3;
        auto authority_end = out.find_first_of("/?#", authority_begin);
        if (authority_end == std::string::npos) authority_end = out.size();
        // The last '@' ends the user info: a password may itself contain '@' when not percent-encoded.
        const auto at = out.rfind('@', authority_end - 1);
        if (at != std::string::npos && at >= authority_begin) {
            const auto colon = out.find(':', authority_begin);
            if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
        }
    }
    // libpq also takes the password as a query parameter.
    for (const std::string_view key : {"password=", "sslpassword="}) {
        std::size_t position = 0;
        while ((position = out.find(key, position)) != std::string::npos) {
            const bool starts_parameter =
                position > 0 &&
                (out[position - 1] == '?' || out[position - 1] == '&' || out[position - 1] == ' ');
            const auto value_begin = position + key.size();
            if (!starts_parameter) {
                position = value_begin;
                continue;
            }
            auto value_end = out.find_first_of("& ", value_begin);
            if (value_end == std::string::npos) value_end = out.size();
            out.replace(value_begin, value_end - value_begin, "***");
            position = value_begin + 3;
        }
    }
    return out;
}

}  // namespace onton::storage
