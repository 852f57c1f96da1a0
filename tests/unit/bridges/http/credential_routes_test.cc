// The credentials routes over an in-memory CredentialAdmin: the body decoder
// and the rules it shares with the command line, the answers, and that no
// answer carries a key.
#include "bridges/http/credential_routes.h"

#include <gtest/gtest.h>

#include <map>

#include "bridges/http/credentials_body.h"

namespace lwm2m::bridges::http {
namespace {

namespace api = gateway::api;
namespace beast_http = boost::beast::http;

class MemoryCredentials : public api::CredentialAdmin {
 public:
  Result<std::vector<api::CredentialsInfo>> listCredentials() override {
    std::vector<api::CredentialsInfo> all;
    for (const auto& [endpoint, e] : entries) all.push_back({e.endpoint, e.pskIdentity, e.certificateName, e.securityRequired});
    return all;
  }
  Result<std::optional<api::CredentialsInfo>> findCredentials(std::string_view endpoint) override {
    auto it = entries.find(std::string(endpoint));
    if (it == entries.end()) return std::optional<api::CredentialsInfo>();
    const auto& e = it->second;
    return std::optional<api::CredentialsInfo>(api::CredentialsInfo{e.endpoint, e.pskIdentity, e.certificateName, e.securityRequired});
  }
  Result<void> putCredentials(const api::CredentialsEntry& entry) override {
    if (broken) return fail(ErrorCode::StoreFailed, "credentials.db: disk I/O error");
    entries[entry.endpoint] = entry;
    return {};
  }
  Result<bool> removeCredentials(std::string_view endpoint) override { return entries.erase(std::string(endpoint)) > 0; }

  std::map<std::string, api::CredentialsEntry> entries;
  bool broken = false;
};

Response call(MemoryCredentials& store, beast_http::verb verb, const std::vector<std::string>& segments,
              std::string body = {}) {
  Request request{verb, "/", 11};
  request.body() = std::move(body);
  return handleCredentialRoute(store, request, segments);
}

const std::vector<std::string> kOne{"api", "v1", "credentials", "dev-1"};
const std::vector<std::string> kAll{"api", "v1", "credentials"};

TEST(CredentialRoutes, PutStoresTheKeyAndNoAnswerShowsIt) {
  MemoryCredentials store;
  auto created = call(store, beast_http::verb::put, kOne, R"({"pskIdentity":"dev-1-id","pskKey":"0x00A1ff"})");
  EXPECT_EQ(created.result(), beast_http::status::created) << created.body();
  EXPECT_EQ(created.body(), R"({"endpoint":"dev-1","pskIdentity":"dev-1-id","pskKey":"stored","securityRequired":true})");
  ASSERT_TRUE(store.entries.contains("dev-1"));
  EXPECT_EQ(store.entries["dev-1"].pskKey, (std::vector<std::uint8_t>{0x00, 0xa1, 0xff}));

  auto replaced = call(store, beast_http::verb::put, kOne, R"({"certificateName":"dev-1.example","securityRequired":false})");
  EXPECT_EQ(replaced.result(), beast_http::status::ok) << replaced.body();
  EXPECT_EQ(replaced.body(), R"({"endpoint":"dev-1","certificateName":"dev-1.example","securityRequired":false})");

  auto list = call(store, beast_http::verb::get, kAll);
  EXPECT_EQ(list.body(), R"({"credentials":[{"endpoint":"dev-1","certificateName":"dev-1.example","securityRequired":false}]})");
  EXPECT_EQ(call(store, beast_http::verb::delete_, kOne).result(), beast_http::status::ok);
  auto gone = call(store, beast_http::verb::get, kOne);
  EXPECT_EQ(gone.result(), beast_http::status::not_found);
  EXPECT_EQ(gone.body(), R"({"error":"no credentials stored for endpoint 'dev-1'"})");
}

TEST(CredentialRoutes, BadBodiesAndStoreFailuresAreNamed) {
  MemoryCredentials store;
  auto refused = call(store, beast_http::verb::put, kOne, R"({"pskIdentity":"x","pskKey":"00112233445566778899zz"})");
  EXPECT_EQ(refused.result(), beast_http::status::bad_request);
  EXPECT_EQ(refused.body(), R"x({"error":"the PSK must be hex digits (0-9, a-f)"})x");
  EXPECT_TRUE(store.entries.empty());
  const std::string longKey(130, 'a');
  auto tooLong = decodeCredentialsBody("dev", R"({"pskIdentity":"x","pskKey":")" + longKey + "\"}");
  ASSERT_FALSE(tooLong);
  EXPECT_EQ(tooLong.error().message, "the PSK is longer than 64 bytes");
  auto control = decodeCredentialsBody("dev", R"({"certificateName":"a\u0001b"})");
  ASSERT_FALSE(control);
  EXPECT_EQ(control.error().message, "the certificate name contains a control character");
  store.broken = true;
  auto failed = call(store, beast_http::verb::put, kOne, R"({"certificateName":"c"})");
  EXPECT_EQ(failed.result(), beast_http::status::service_unavailable);
}

TEST(CredentialsEntry, TheCommandLinesRulesAreTheRestApis) {
  api::CredentialsInput input{"dev", "id", "", "", true};
  EXPECT_EQ(api::credentialsEntry(input).error().message, "a PSK identity needs a key");
  input = {"dev", "", "0011", "", true};
  EXPECT_EQ(api::credentialsEntry(input).error().message, "a PSK key needs a PSK identity");
  input = {"dev", "", "", "", true};
  EXPECT_EQ(api::credentialsEntry(input).error().message,
            "nothing to store: give a PSK identity with a key, or a certificate name");
  input = {"", "", "", "c", true};
  EXPECT_EQ(api::credentialsEntry(input).error().message, "an endpoint name is required");
  EXPECT_EQ(api::parsePskKey("0x0a0B \n").value(), (std::vector<std::uint8_t>{0x0a, 0x0b}));
  EXPECT_EQ(api::parsePskKey("abc").error().message, "the PSK must be an even number of hex digits");
}

}  // namespace
}  // namespace lwm2m::bridges::http
