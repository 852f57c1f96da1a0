// CredentialStore on a real SQLite file: keys are write-only, identities and
// certificate names belong to one endpoint, the file is private (0600).
#include "persistence/credential_store.h"

#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::persistence {
namespace {

using testing::TempDir;

std::vector<std::uint8_t> key(std::string_view text) { return {text.begin(), text.end()}; }

DeviceCredentials psk(std::string endpoint, std::string identity, std::string_view secret) {
  DeviceCredentials c;
  c.endpoint = std::move(endpoint);
  c.pskIdentity = std::move(identity);
  c.pskKey = key(secret);
  return c;
}

TEST(CredentialStoreTest, KeysAreFoundByIdentityButNeverListed) {
  TempDir dir;
  auto store = CredentialStore::open(dir.path() / "credentials.db");
  ASSERT_TRUE(store) << store.error().message;
  ASSERT_TRUE((*store)->put(psk("sensor-1", "id-1", "key one")));
  auto found = (*store)->pskKey("id-1");
  ASSERT_TRUE(found);
  ASSERT_TRUE(*found);
  EXPECT_EQ(**found, key("key one"));
  EXPECT_FALSE(*(*store)->pskKey("id-2"));

  auto all = (*store)->list();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0].endpoint, "sensor-1");
  EXPECT_EQ((*all)[0].pskIdentity, "id-1");
  EXPECT_TRUE((*all)[0].pskKey.empty());
  EXPECT_TRUE((*all)[0].securityRequired);
  EXPECT_EQ(*(*store)->endpointOfPskIdentity("id-1"), "sensor-1");
}

TEST(CredentialStoreTest, FileIsPrivateAndSurvivesReopening) {
  TempDir dir;
  const auto file = dir.path() / "sub" / "credentials.db";
  {
    auto store = CredentialStore::open(file);
    ASSERT_TRUE(store) << store.error().message;
    DeviceCredentials c;
    c.endpoint = "cert-device";
    c.certificateName = "cert-device.example";
    c.securityRequired = false;
    ASSERT_TRUE((*store)->put(c));
  }
  struct stat info {};
  ASSERT_EQ(::stat(file.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  auto store = CredentialStore::open(file);
  ASSERT_TRUE(store);
  auto found = (*store)->find("cert-device");
  ASSERT_TRUE(found && *found);
  EXPECT_EQ((*found)->certificateName, "cert-device.example");
  EXPECT_FALSE((*found)->securityRequired);
  EXPECT_EQ(*(*store)->endpointOfCertificateName("cert-device.example"), "cert-device");
}

TEST(CredentialStoreTest, IdentityOfAnotherEndpointIsRefusedNamingIt) {
  TempDir dir;
  auto store = CredentialStore::open(dir.path() / "credentials.db");
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->put(psk("sensor-1", "shared", "a")));
  auto clash = (*store)->put(psk("sensor-2", "shared", "topsecret-b"));
  ASSERT_FALSE(clash);
  EXPECT_NE(clash.error().message.find("already belongs to endpoint 'sensor-1'"), std::string::npos);
  EXPECT_EQ(clash.error().message.find("topsecret"), std::string::npos) << clash.error().message;
  // Replacing the same endpoint's key is fine.
  ASSERT_TRUE((*store)->put(psk("sensor-1", "shared", "new key")));
  EXPECT_EQ(**(*store)->pskKey("shared"), key("new key"));
}

TEST(CredentialStoreTest, RemoveForgetsTheKey) {
  TempDir dir;
  auto store = CredentialStore::open(dir.path() / "credentials.db");
  ASSERT_TRUE(store);
  ASSERT_TRUE((*store)->put(psk("sensor-1", "id-1", "k")));
  EXPECT_TRUE(*(*store)->remove("sensor-1"));
  EXPECT_FALSE(*(*store)->remove("sensor-1"));
  EXPECT_FALSE(*(*store)->pskKey("id-1"));
}

TEST(CredentialStoreTest, BadInputIsRefusedWithAReason) {
  TempDir dir;
  auto store = CredentialStore::open(dir.path() / "credentials.db");
  ASSERT_TRUE(store);
  auto noKey = psk("sensor-1", "id-1", "");
  auto result = (*store)->put(noKey);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("has no key"), std::string::npos);
  DeviceCredentials noName;
  EXPECT_FALSE((*store)->put(noName));
}

TEST(CredentialStoreTest, ForeignFileIsNotTouched) {
  TempDir dir;
  const auto file = dir.path() / "credentials.db";
  std::ofstream(file) << "this is not a database, it is a text file that happens to be here\n";
  auto store = CredentialStore::open(file);
  ASSERT_FALSE(store);
  EXPECT_NE(store.error().message.find(file.string()), std::string::npos) << store.error().message;
}

TEST(CredentialStoreTest, SecurityRequiredFollowsThisStoreAndAnotherProcess) {
  TempDir dir;
  const auto file = dir.path() / "credentials.db";
  auto store = CredentialStore::open(file);
  ASSERT_TRUE(store) << store.error().message;
  auto t = std::chrono::steady_clock::time_point{} + std::chrono::hours(1);
  const auto required = [&](std::string_view endpoint) {
    auto r = (*store)->securityRequired(endpoint, t);
    EXPECT_TRUE(r) << r.error().message;
    return r && *r;
  };
  EXPECT_FALSE(required("sensor-1")) << "no credentials at all";

  // Written through this store: told at once.
  ASSERT_TRUE((*store)->put(psk("sensor-1", "id-1", "key one")));
  EXPECT_TRUE(required("sensor-1"));
  EXPECT_FALSE(required("sensor-2"));

  // Written by another connection (the command line, another process): told
  // once the change check runs again, kChangeCheckInterval after the last.
  {
    auto other = CredentialStore::open(file);
    ASSERT_TRUE(other) << other.error().message;
    ASSERT_TRUE(*(*other)->remove("sensor-1"));
  }
  t += CredentialStore::kChangeCheckInterval;
  EXPECT_FALSE(required("sensor-1"));
  {
    auto other = CredentialStore::open(file);
    ASSERT_TRUE(other) << other.error().message;
    ASSERT_TRUE((*other)->put(psk("sensor-2", "id-2", "key two")));
  }
  t += CredentialStore::kChangeCheckInterval;
  EXPECT_TRUE(required("sensor-2"));
  EXPECT_FALSE(required("sensor-1"));
}

}  // namespace
}  // namespace lwm2m::persistence
