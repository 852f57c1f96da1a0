// libcoap's coap-client (Debian libcoap3-bin) as an independent CoAP peer
// against the real gateway: Register, Update, De-register and the
// specification's rejections, seen exactly as a third-party client sees them.

#include <regex>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"

namespace lwm2m::testing {
namespace {

// coap-client -v 6 prints every message, e.g.
//   v:1 t:ACK c:2.01 i:60d0 {01} [ Location-Path:rd, Location-Path:e392718088 ]
struct CoapExchange {
  std::string code;       // "2.01"
  std::string location;   // "rd/e392718088"
  std::string output;
};

CoapExchange coapClient(const std::vector<std::string>& args) {
  std::vector<std::string> argv{"coap-client-notls", "-v", "6", "-B", "10"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = runCommand(argv, std::chrono::seconds(15));
  CoapExchange ex;
  ex.output = r.output;
  std::smatch m;
  static const std::regex response(R"(t:(ACK|CON|NON) c:([2-5]\.\d\d))");
  std::string::const_iterator from = r.output.begin();
  while (std::regex_search(from, r.output.cend(), m, response)) {
    ex.code = m[2];
    from = m.suffix().first;
  }
  static const std::regex location(R"(Location-Path:rd, Location-Path:([0-9a-z]+))");
  if (std::regex_search(r.output, m, location)) ex.location = "rd/" + m[1].str();
  return ex;
}

class LibcoapClient : public ::testing::Test {
 protected:
  LibcoapClient() : gateway_(broker_.uri()) {}
  std::string uri(const std::string& pathAndQuery) { return gateway_.coapUri() + "/" + pathAndQuery; }
  Mosquitto broker_;
  GatewayProcess gateway_;
};

TEST_F(LibcoapClient, RegistersUpdatesAndDeregisters) {
  auto reg = coapClient({"-m", "post", "-t", "40", "-e", "</1/0>,</3/0>,</3303/0>",
                         uri("rd?ep=libcoap-dev&lt=60&lwm2m=1.1&b=U")});
  ASSERT_EQ(reg.code, "2.01") << reg.output;
  ASSERT_FALSE(reg.location.empty()) << reg.output;

  auto device = httpGet(gateway_.httpUrl("/api/v1/devices/libcoap-dev"));
  ASSERT_EQ(device.status, 200);
  EXPECT_NE(device.body.find("\"/3303/0\""), std::string::npos) << device.body;

  auto update = coapClient({"-m", "post", uri(reg.location + "?lt=120")});
  EXPECT_EQ(update.code, "2.04") << update.output;
  EXPECT_NE(httpGet(gateway_.httpUrl("/api/v1/devices/libcoap-dev")).body.find("\"lifetime\":120"),
            std::string::npos);

  auto deregister = coapClient({"-m", "delete", uri(reg.location)});
  EXPECT_EQ(deregister.code, "2.02") << deregister.output;
  EXPECT_EQ(httpGet(gateway_.httpUrl("/api/v1/devices/libcoap-dev")).status, 404);

  auto again = coapClient({"-m", "delete", uri(reg.location)});
  EXPECT_EQ(again.code, "4.04") << again.output;
}

TEST_F(LibcoapClient, RejectsWhatTheSpecificationRejects) {
  EXPECT_EQ(coapClient({"-m", "post", "-t", "40", "-e", "</3/0>", uri("rd?lt=60&lwm2m=1.1")}).code, "4.00");
  EXPECT_EQ(coapClient({"-m", "post", "-t", "40", "-e", "</3/0>", uri("rd?ep=x&lwm2m=1.0.2")}).code, "4.00");
  EXPECT_EQ(coapClient({"-m", "post", "-t", "40", "-e", "</3/0>", uri("rd?ep=x&lwm2m=2.0")}).code, "4.12");
  EXPECT_EQ(coapClient({"-m", "post", "-t", "40", "-e", "</3/0>", uri("rd?ep=x&lwm2m=1.0&Q")}).code, "4.00");
  EXPECT_EQ(coapClient({"-m", "post", uri("rd/doesnotexist")}).code, "4.04");
  EXPECT_EQ(coapClient({"-m", "get", uri("nothing/here")}).code, "4.04");
  EXPECT_EQ(httpGet(gateway_.httpUrl("/api/v1/devices")).body.find("\"endpoint\""), std::string::npos);
}

TEST_F(LibcoapClient, OldClientWithoutVersionIsTreatedAs10) {
  auto reg = coapClient({"-m", "post", "-t", "40", "-e", "</3/0>", uri("rd?ep=legacy&b=UQ")});
  ASSERT_EQ(reg.code, "2.01") << reg.output;
  auto device = httpGet(gateway_.httpUrl("/api/v1/devices/legacy")).body;
  EXPECT_NE(device.find("\"lwm2m\":\"1.0\""), std::string::npos) << device;
  EXPECT_NE(device.find("\"queueMode\":true"), std::string::npos) << device;
}

}  // namespace
}  // namespace lwm2m::testing
