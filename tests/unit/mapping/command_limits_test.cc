#include "mapping/command_limits.h"

#include <gtest/gtest.h>

#include "tests/unit/mapping/mapping_test_support.h"

namespace lwm2m::mapping {
namespace {

using operations::DeviceRequest;
using testing::path;

CommandLimits small() {
  CommandLimits limits;
  limits.idBytes = 8;
  limits.stringBytes = 16;
  limits.valueBytes = 40;
  return limits;
}

std::string problem(const Result<void>& r) { return r.ok() ? "(accepted)" : r.error().message; }

model::Node resource(const char* at, model::Value value) {
  return model::Resource::single(path(at).resourceId(), std::move(value));
}

DeviceRequest writeString(std::string text) {
  return DeviceRequest::writeReplace(path("/3/0/14"), resource("/3/0/14", model::Value::string(std::move(text))));
}

TEST(CommandLimits, IdsMustBeShortUtf8AndAreNeverRepeated) {
  EXPECT_TRUE(checkCommandId("id", "42", small()).ok());
  EXPECT_TRUE(checkCommandId("id", "\xc3\xa9t\xc3\xa9", small()).ok());  // "été"
  EXPECT_EQ(problem(checkCommandId("id", "123456789", small())), "id: 9 bytes, longer than the 8 allowed (queue.max_id_bytes)");
  EXPECT_EQ(problem(checkCommandId("correlation", "a\xff", small())), "correlation: not valid UTF-8");
}

TEST(CommandLimits, TextsMustBeUtf8AndWithinTheStringLimit) {
  EXPECT_TRUE(checkCommandLimits(writeString("+02:00"), small()).ok());
  EXPECT_EQ(problem(checkCommandLimits(writeString("+02\xc0"), small())), "/3/0/14: text is not valid UTF-8");
  EXPECT_NE(problem(checkCommandLimits(writeString(std::string(17, 'a')), small()))
                .find("/3/0/14: text of 17 bytes, longer than the 16 bytes allowed (queue.max_string_bytes)"),
            std::string::npos);
  EXPECT_NE(problem(checkCommandLimits(DeviceRequest::execute(path("/3/0/4"), "0='\xfe'"), small())).find("arguments"),
            std::string::npos);
}

TEST(CommandLimits, ValuesLargerThanADeviceCanBeSentAreRefusedWithTheLimit) {
  model::NodesByPath nodes;
  for (const char* at : {"/1/0/1", "/1/0/2", "/1/0/3"}) {
    nodes.emplace(path(at), resource(at, model::Value::string(std::string(15, 'x'))));
  }
  const std::string error = problem(checkCommandLimits(DeviceRequest::writeComposite(nodes), small()));
  EXPECT_NE(error.find("values of 45 bytes: larger than the 40 bytes the gateway sends a device in one request "
                       "(coap.max_body_size)"),
            std::string::npos)
      << error;
  const auto opaque = DeviceRequest::writeReplace(
      path("/3/0/0"), resource("/3/0/0", model::Value::opaque(model::Bytes(41, 0xff))));
  EXPECT_NE(problem(checkCommandLimits(opaque, small())).find("values of 41 bytes"), std::string::npos);
  EXPECT_TRUE(checkCommandLimits(DeviceRequest::read(path("/3/0")), small()).ok());
}

}  // namespace
}  // namespace lwm2m::mapping
