#include "lwm2m/formats/json_numbers.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lwm2m::formats {
namespace {

std::string plain(std::string_view json) {
  std::string scratch;
  return std::string(withPlainZeros(json, scratch));
}

TEST(JsonNumbers, ZerosRapidJsonWouldMisreadAreWrittenPlainly) {
  const std::string decimals30 = "0." + std::string(30, '0');
  EXPECT_EQ(plain("[" + decimals30 + ",-" + decimals30 + "]"), "[0.0,-0.0]");
  EXPECT_EQ(plain(R"({"v":0e-30,"w":0.0E+5,"x":-0e400})"), R"({"v":0.0,"w":0.0,"x":-0.0})");
  // Below 1e-324 (zero as a double) written with its zeros.
  EXPECT_EQ(plain("[0." + std::string(400, '0') + "1,-0." + std::string(330, '0') + "5e3]"), "[0.0,-0.0]");
  // Below 1e-324 with a short or a long significand.
  EXPECT_EQ(plain("[1e-400,2.00000000000333333333333330007392056057518533290E-00000000000000000333,-9.9e-325]"),
            "[0.0,0.0,-0.0]");
  // A string that looks like one is text, escaped quotes included.
  EXPECT_EQ(plain(R"({"s":"0e-30 \"0e-30\"","v":0e-30})"), R"({"s":"0e-30 \"0e-30\"","v":0.0})");
}

TEST(JsonNumbers, EverythingElseIsLeftAsItIsWithoutACopy) {
  const std::string decimals22 = "0." + std::string(22, '0');
  for (const std::string& json : std::vector<std::string>{std::string("[0,-0,0.0,1e-324,4.9e-324,123.000000000000000000000000000,0.5e-30]"),
                                 "[" + decimals22 + "]", "[0." + std::string(30, '0') + "1]",
                                 "[0." + std::string(400, '0') + "1e400,0." + std::string(320, '0') + "1]",
                                 std::string(R"({"-":"x","a":-,"b":true})")}) {
    std::string scratch;
    const std::string_view out = withPlainZeros(json, scratch);
    EXPECT_EQ(out, json);
    EXPECT_EQ(out.data(), json.data()) << json;
  }
}

TEST(JsonNumbers, FullPrecisionParsingReadsTheseZerosAsZero) {
  for (const std::string& number :
       std::vector<std::string>{"0e-30", "0." + std::string(30, '0'), "-0.0e-99", "0." + std::string(400, '0') + "1",
                                "2.00000000000333333333333330007392056057518533290E-00000000000000000333",
                                "1" + std::string(30, '0') + "e-360"}) {
    rapidjson::Document doc;
    parseFullPrecision<rapidjson::kParseDefaultFlags>(doc, "[" + number + ",0.1]");
    ASSERT_FALSE(doc.HasParseError()) << number;
    EXPECT_EQ(doc[0].GetDouble(), 0.0) << number;
    EXPECT_EQ(doc[1].GetDouble(), 0.1) << "still full precision";
  }
}

}  // namespace
}  // namespace lwm2m::formats
