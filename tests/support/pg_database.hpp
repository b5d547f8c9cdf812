#pragma once
/// A throwaway PostgreSQL database on the server of the `postgres` CTest fixture (ONTON_TEST_PG_URL), dropped on
/// destruction. Throws when the variable is unset: PostgreSQL tests must fail, not skip, outside ctest.

#include <string>

namespace onton::test {

class PgDatabase {
public:
    PgDatabase();
    ~PgDatabase();
    PgDatabase(const PgDatabase&) = delete;
    PgDatabase& operator=(const PgDatabase&) = delete;
    [[nodiscard]] const std::string& url() const { return url_; }

    /// Runs SQL on this database and returns the first column of the first row ("" when no row).
    [[nodiscard]] std::string Scalar(const std::string& sql) const;

private:
    void Exec(const std::string& sql) const;

    std::string admin_url_;
    std::string name_;
    std::string url_;
};

}  // namespace onton::test
