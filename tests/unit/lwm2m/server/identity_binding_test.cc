// Registrations bound to DTLS identities: RegistrationInterface with an
// IdentityBinding over fake identities and a fake credentials directory.
#include "lwm2m/server/identity_binding.h"

#include <map>
#include <set>

#include <gtest/gtest.h>

#include "lwm2m/coap/manual_scheduler.h"
#include "lwm2m/server/registration_interface.h"

namespace lwm2m::server {
namespace {

coap::Peer at(std::uint16_t port) { return coap::Peer(boost::asio::ip::make_address("127.0.0.1"), port); }

class FakeIdentities : public coap::PeerIdentities {
 public:
  std::optional<coap::PeerIdentity> identityOf(const coap::Peer& peer) const override {
    auto it = byPeer.find(coap::toString(peer));
    if (it == byPeer.end()) return std::nullopt;
    return it->second;
  }
  void psk(const coap::Peer& peer, std::string identity) {
    byPeer[coap::toString(peer)] = coap::PeerIdentity{coap::PeerIdentity::Kind::PreSharedKey, std::move(identity), {}};
  }
  void certificate(const coap::Peer& peer, std::string cn, std::vector<std::string> alt = {}) {
    byPeer[coap::toString(peer)] =
        coap::PeerIdentity{coap::PeerIdentity::Kind::Certificate, std::move(cn), std::move(alt)};
  }
  std::map<std::string, coap::PeerIdentity> byPeer;
};

class FakeDirectory : public CredentialDirectory {
 public:
  std::optional<std::string> endpointOfPskIdentity(std::string_view identity) const override {
    return lookup(psk, identity);
  }
  std::optional<std::string> endpointOfCertificateName(std::string_view name) const override {
    return lookup(certificates, name);
  }
  bool securityRequired(std::string_view endpoint) const override {
    return secured.count(std::string(endpoint)) != 0;
  }
  static std::optional<std::string> lookup(const std::map<std::string, std::string>& m, std::string_view key) {
    auto it = m.find(std::string(key));
    if (it == m.end()) return std::nullopt;
    return it->second;
  }
  std::map<std::string, std::string> psk, certificates;
  std::set<std::string> secured;
};

class IdentityBindingTest : public ::testing::Test {
 protected:
  IdentityBindingTest() {
    directory.psk["id-1"] = "sensor-1";
    directory.psk["id-2"] = "sensor-2";
    directory.secured.insert("sensor-1");
    rd.setAuthorizer(&binding);
  }

  coap::Message post(std::string_view path, std::vector<std::string> query, const coap::Peer& from) {
    coap::Message request;
    request.code = coap::codes::Post;
    request.setUriPath(path);
    for (const auto& q : query) request.addUriQuery(q);
    coap::Message answer;
    rd.handle(from, request, [&answer](coap::Message response) { answer = std::move(response); });
    return answer;
  }
  coap::Message registerAs(std::string_view endpoint, const coap::Peer& from) {
    return post("rd", {"ep=" + std::string(endpoint), "lt=300", "lwm2m=1.1"}, from);
  }

  coap::ManualScheduler clock;
  FakeIdentities identities;
  FakeDirectory directory;
  std::vector<std::string> log;
  IdentityBindingSettings settings;
  IdentityBinding binding{identities, directory, settings, [this](const std::string& line) { log.push_back(line); }};
  std::uint32_t counter = 0;
  RegistrationInterface rd{clock, RegistrationSettings{}, [this] { return ++counter * 2654435761u; }};
};

TEST_F(IdentityBindingTest, PskIdentityRegistersAsItsOwnEndpoint) {
  identities.psk(at(1000), "id-1");
  EXPECT_EQ(registerAs("sensor-1", at(1000)).code, coap::codes::Created);
  EXPECT_TRUE(log.empty());
}

TEST_F(IdentityBindingTest, PskIdentityOfAnotherEndpointIsForbiddenAndLogged) {
  identities.psk(at(1000), "id-2");
  const auto answer = registerAs("sensor-1", at(1000));
  EXPECT_EQ(answer.code, coap::codes::Forbidden);
  EXPECT_EQ(rd.registrations().findByEndpoint("sensor-1"), nullptr);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("refused endpoint 'sensor-1' from 127.0.0.1:1000"), std::string::npos) << log[0];
  EXPECT_NE(log[0].find("psk identity 'id-2' belongs to endpoint 'sensor-2'"), std::string::npos) << log[0];
  // The device is not told which endpoint its identity belongs to.
  EXPECT_EQ(answer.payloadString().find("sensor-2"), std::string::npos);
}

TEST_F(IdentityBindingTest, SecurityRequiredEndpointRefusedOverPlainCoap) {
  EXPECT_EQ(registerAs("sensor-1", at(2000)).code, coap::codes::Forbidden);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("require DTLS"), std::string::npos) << log[0];
  // An endpoint without that flag may still use plain CoAP.
  EXPECT_EQ(registerAs("legacy-7", at(2001)).code, coap::codes::Created);
}

TEST_F(IdentityBindingTest, PlainCoapCanBeSwitchedOff) {
  IdentityBinding strict(identities, directory, IdentityBindingSettings{false},
                         [this](const std::string& line) { log.push_back(line); });
  rd.setAuthorizer(&strict);
  EXPECT_EQ(registerAs("legacy-7", at(2001)).code, coap::codes::Forbidden);
  ASSERT_EQ(log.size(), 1u);
  EXPECT_NE(log[0].find("plain CoAP registrations are not allowed"), std::string::npos);
}

TEST_F(IdentityBindingTest, CertificateNameMustMatchEndpoint) {
  identities.certificate(at(3000), "meter-9", {"urn:dev:meter-9"});
  EXPECT_EQ(registerAs("meter-9", at(3000)).code, coap::codes::Created);
  EXPECT_EQ(registerAs("meter-10", at(3000)).code, coap::codes::Forbidden);
  directory.certificates["urn:dev:meter-9"] = "meter-10";
  EXPECT_EQ(registerAs("meter-10", at(3000)).code, coap::codes::Created);
}

TEST_F(IdentityBindingTest, UpdateAndDeregisterNeedTheSameIdentity) {
  identities.psk(at(1000), "id-1");
  const auto created = registerAs("sensor-1", at(1000));
  ASSERT_EQ(created.code, coap::codes::Created);
  const std::string id = created.locationPath().at(1);
  // Another device that learnt the registration id cannot update it.
  identities.psk(at(1001), "id-2");
  EXPECT_EQ(post("rd/" + id, {}, at(1001)).code, coap::codes::Forbidden);
  EXPECT_EQ(rd.registrations().findById(id)->peer, at(1000));
  // The device itself, from a new address after a new handshake, is followed.
  identities.psk(at(1002), "id-1");
  EXPECT_EQ(post("rd/" + id, {}, at(1002)).code, coap::codes::Changed);
  EXPECT_EQ(rd.registrations().findById(id)->peer, at(1002));

  coap::Message remove;
  remove.code = coap::codes::Delete;
  remove.setUriPath("rd/" + id);
  coap::Message answer;
  rd.handle(at(1001), remove, [&answer](coap::Message m) { answer = std::move(m); });
  EXPECT_EQ(answer.code, coap::codes::Forbidden);
  EXPECT_NE(rd.registrations().findById(id), nullptr);
}

TEST_F(IdentityBindingTest, ResponseFromAnotherIdentityDoesNotMoveTheRegistration) {
  identities.psk(at(1000), "id-1");
  ASSERT_EQ(registerAs("sensor-1", at(1000)).code, coap::codes::Created);
  const std::string id = rd.registrations().findByEndpoint("sensor-1")->id;
  identities.psk(at(5000), "id-2");
  rd.rebind(id, at(5000));  // a notification token matched, but from sensor-2's session
  EXPECT_EQ(rd.registrations().findById(id)->peer, at(1000));
  rd.rebind(id, at(5001));  // plain CoAP, and sensor-1 requires DTLS
  EXPECT_EQ(rd.registrations().findById(id)->peer, at(1000));
  identities.psk(at(5002), "id-1");
  rd.rebind(id, at(5002));
  EXPECT_EQ(rd.registrations().findById(id)->peer, at(5002));
}

TEST_F(IdentityBindingTest, NewSessionMovesTheRegistrationByIdentity) {
  identities.psk(at(1000), "id-1");
  ASSERT_EQ(registerAs("sensor-1", at(1000)).code, coap::codes::Created);
  identities.psk(at(4000), "id-1");
  binding.follow(rd, at(4000), *identities.identityOf(at(4000)));
  EXPECT_EQ(rd.registrations().findByEndpoint("sensor-1")->peer, at(4000));
}

}  // namespace
}  // namespace lwm2m::server
