#include "support/pg_database.hpp"

#include <libpq-fe.h>

#include <cstdlib>
#include <random>
#include <stdexcept>

namespace onton::test {

PgDatabase::PgDatabase() {
    const char* admin = std::getenv("ONTON_TEST_PG_URL");
    if (admin == nullptr || *admin == '\0') throw std::runtime_error("ONTON_TEST_PG_URL is not set: run through ctest");
    admin_url_ = admin;
    name_ = "onton_t_" + std::to_string(std::random_device{}()) + std::to_string(std::random_device{}());
    Exec("CREATE DATABASE " + name_);
    const auto slash = admin_url_.rfind('/');
    url_ = admin_url_.substr(0, slash + 1) + name_;
}

PgDatabase::~PgDatabase() {
    try {
        Exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {  // NOLINT(bugprone-empty-catch): a leftover test database must not fail the test
    }
}

std::string PgDatabase::Scalar(const std::string& sql) const {
    PGconn* conn = PQconnectdb(url_.c_str());
    PGresult* res = PQexec(conn, sql.c_str());
    std::string out = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 ? PQgetvalue(res, 0, 0) : "";
    const std::string error = PQresultErrorMessage(res);
    PQclear(res);
    PQfinish(conn);
    if (!error.empty()) throw std::runtime_error(error);
    return out;
}

void PgDatabase::Exec(const std::string& sql) const {
    PGconn* conn = PQconnectdb(admin_url_.c_str());
    PGresult* res = PQexec(conn, sql.c_str());
    const bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    const std::string error = PQresultErrorMessage(res);
    PQclear(res);
    PQfinish(conn);
    if (!ok) throw std::runtime_error(sql + ": " + error);
}

}  // namespace onton::test
