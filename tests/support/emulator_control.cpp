#include "support/emulator_control.hpp"

#include <curl/curl.h>
#include <gtest/gtest.h>

#include <cstdlib>

namespace onton::test {
namespace {

std::size_t Collect(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

}  // namespace

std::string Env(const char* name) {
    const char* value = std::getenv(name);
    return value == nullptr ? std::string() : std::string(value);
}

nlohmann::json Control(const std::string& method, const std::string& route, const nlohmann::json& body) {
    CURL* curl = curl_easy_init();
    std::string url = Env("ONTON_TEST_TON_CONTROL") + route;
    std::string payload = body.is_null() ? std::string() : body.dump();
    std::string out;
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &Collect);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 60L);
    if (method == "POST") curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.c_str());
    CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    EXPECT_EQ(rc, CURLE_OK) << url;
    EXPECT_EQ(status, 200) << url << ": " << out;
    nlohmann::json reply = nlohmann::json::parse(out, nullptr, false);
    EXPECT_TRUE(reply.is_object() && reply.value("ok", false)) << out;
    return reply.is_object() ? reply.value("result", nlohmann::json()) : nlohmann::json();
}


}  // namespace onton::test
