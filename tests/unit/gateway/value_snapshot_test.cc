// The value cache kept across restarts: the file format (every value type
// reads back equal, damaged files are refused whole) and the saver (saves
// only what changed, at the interval and at stop; a damaged file is moved aside).
#include "gateway/core/value_snapshot.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gateway/core/value_snapshot_codec.h"
#include "lwm2m/coap/manual_scheduler.h"

namespace lwm2m::gateway {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using std::chrono::seconds;
using model::Path;
using model::Value;

const auto kSeen = std::chrono::system_clock::time_point(milliseconds(1'796'563'164'610));

CachedValue cached(std::string endpoint, Path path, Value value,
                   api::DeviceEventKind source = api::DeviceEventKind::Notification) {
  return CachedValue{std::move(endpoint), api::LatestValue{path, std::move(value), kSeen, source}};
}

std::string snapshotError(std::string_view text) {
  auto decoded = decodeValueSnapshot(text);
  EXPECT_FALSE(decoded.ok()) << text;
  return decoded.ok() ? "" : decoded.error().message;
}

TEST(ValueSnapshotCodec, EveryValueTypeReadsBackEqual) {
  const std::vector<CachedValue> values{
      cached("a", Path(3303, 0, 5700), Value::floating(21.123456789012345)),
      cached("a", Path(3, 0, 9), Value::integer(-9'007'199'254'740'993)),
      cached("a", Path(3, 0, 21), Value::unsignedInteger(18'446'744'073'709'551'615u)),
      cached("a", Path(3, 0, 0), Value::string("Ünïcode \"quoted\"\n"), api::DeviceEventKind::Response),
      cached("a", Path(1, 0, 6), Value::boolean(true)),
      cached("b", Path(3, 0, 13), Value::time(1'700'000'000), api::DeviceEventKind::Send),
      cached("b", Path(5, 0, 0), Value::opaque({0x00, 0xff, 0x10, 0x80})),
      cached("b", Path(3, 0, 7, 1), Value::integer(3800)),
      cached("b", Path(10250, 0, 1), Value::objectLink({3, 0})),
      cached("b", Path(10250, 0, 2), Value::coreLink("</3/0>;pmin=10")),
  };
  auto decoded = decodeValueSnapshot(encodeValueSnapshot(values));
  ASSERT_TRUE(decoded.ok()) << decoded.error().message;
  EXPECT_EQ(*decoded, values);
  auto empty = decodeValueSnapshot(encodeValueSnapshot({}));
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ValueSnapshotCodec, ADamagedFileIsRefusedWholeWithTheEntryNamed) {
  EXPECT_EQ(snapshotError(""), "not JSON (error at offset 0)");
  EXPECT_EQ(snapshotError("{\"version\":1,\"values\":[{\"endpoint\":\"a\""), "not JSON (error at offset 38)");
  EXPECT_EQ(snapshotError("[]"), "not a JSON object");
  EXPECT_EQ(snapshotError("{\"version\":7,\"values\":[]}"), "not a value snapshot of version 1");
  EXPECT_EQ(snapshotError("{\"version\":1}"), "needs \"values\" as an array");
  const std::string good =
      R"({"endpoint":"a","path":"/3/0/9","type":"Integer","value":5,"at_ms":1,"source":"notification"})";
  auto one = [&](const std::string& bad) { return snapshotError("{\"version\":1,\"values\":[" + good + "," + bad + "]}"); };
  EXPECT_EQ(one("7"), "value 1 is not an object");
  EXPECT_EQ(one(R"({"path":"/3/0/9","type":"Integer","value":5,"at_ms":1,"source":"notification"})"),
            "value 1 needs \"endpoint\" as a string");
  EXPECT_EQ(one(R"({"endpoint":"a","path":"/3/0","type":"Integer","value":5,"at_ms":1,"source":"notification"})"),
            "value 1 has \"path\" /3/0, not a resource or resource instance path");
  EXPECT_EQ(one(R"({"endpoint":"a","path":"/3/0/9","type":"Decimal","value":5,"at_ms":1,"source":"notification"})"),
            "value 1 has an unknown \"type\" Decimal");
  EXPECT_NE(one(R"({"endpoint":"a","path":"/3/0/9","type":"Integer","value":"x","at_ms":1,"source":"notification"})")
                .find("value 1 "),
            std::string::npos);
  EXPECT_EQ(one(R"({"endpoint":"a","path":"/3/0/9","type":"Integer","value":5,"at_ms":1.5,"source":"notification"})"),
            "value 1 needs \"at_ms\" as whole milliseconds since the epoch");
  EXPECT_EQ(one(R"({"endpoint":"a","path":"/3/0/9","type":"Integer","value":5,"at_ms":-1,"source":"notification"})"),
            "value 1 has \"at_ms\" -1, not a time between 1970 and 2100");
  EXPECT_EQ(one(R"({"endpoint":"a","path":"/3/0/9","type":"Integer","value":5,"at_ms":1,"source":"registered"})"),
            "value 1 has an unknown \"source\" registered");
}

class ValueSnapshotFile : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("value-snapshot-" + std::to_string(::getpid()) + "-" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path file() const { return dir_ / "latest-values.json"; }
  std::string fileText() const {
    std::ifstream in(file());
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }
  void writeFile(const std::string& text) const { std::ofstream(file()) << text; }

  fs::path dir_;
  coap::ManualScheduler scheduler_;
};

TEST_F(ValueSnapshotFile, SavesChangesAtTheIntervalAndAtStopAndAnotherCacheRestoresThem) {
  ValueCache cache(10);
  {
    ValueSnapshot snapshot(cache, file(), scheduler_, seconds(30));
    EXPECT_EQ(snapshot.load(), 0u);  // no file yet
    snapshot.start();
    scheduler_.advance(seconds(30));
    snapshot.stop();
    EXPECT_FALSE(fs::exists(file()));  // nothing changed, nothing written
  }
  ValueSnapshot snapshot(cache, file(), scheduler_, seconds(30));
  snapshot.start();
  cache.restore("a", cached("a", Path(3303, 0, 5700), Value::floating(20.5)).value);
  scheduler_.advance(seconds(29));
  EXPECT_FALSE(fs::exists(file()));
  scheduler_.advance(seconds(1));
  for (int i = 0; i < 200 && !fs::exists(file()); ++i) std::this_thread::sleep_for(milliseconds(10));
  auto first = decodeValueSnapshot(fileText());
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(*first, cache.entries());
  cache.restore("b", cached("b", Path(3, 0, 9), Value::integer(80)).value);
  snapshot.stop();  // waits until the newer snapshot is on disk
  auto second = decodeValueSnapshot(fileText());
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->size(), 2u);
  EXPECT_FALSE(fs::exists(dir_ / "latest-values.json.tmp"));

  ValueCache after(10);
  ValueSnapshot restored(after, file(), scheduler_, seconds(30));
  EXPECT_EQ(restored.load(), 2u);
  EXPECT_EQ(after.entries(), cache.entries());
  ASSERT_EQ(after.latest("a").size(), 1u);
  EXPECT_EQ(after.latest("a")[0].at, kSeen);
}

TEST_F(ValueSnapshotFile, ADamagedFileIsMovedAsideAndTheCacheStartsEmpty) {
  writeFile("{\"version\":1,\"values\":[{\"endpoint\":");
  ValueCache cache(10);
  ValueSnapshot snapshot(cache, file(), scheduler_, seconds(30));
  EXPECT_EQ(snapshot.load(), 0u);
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_FALSE(fs::exists(file()));
  EXPECT_TRUE(fs::exists(dir_ / "latest-values.json.damaged"));
}

TEST_F(ValueSnapshotFile, RestoringKeepsTheEvictionOrderAndTheCapacity) {
  ValueCache cache(3);
  for (int i = 0; i < 3; ++i) cache.restore("a", cached("a", Path(3, 0, i), Value::integer(i)).value);
  writeFile(encodeValueSnapshot(cache.entries()));
  ValueCache smaller(2);
  ValueSnapshot snapshot(smaller, file(), scheduler_, seconds(30));
  snapshot.load();
  auto kept = smaller.entries();
  ASSERT_EQ(kept.size(), 2u);  // the least recently updated one went first
  EXPECT_EQ(kept[0].value.path, Path(3, 0, 1));
  EXPECT_EQ(kept[1].value.path, Path(3, 0, 2));
}

}  // namespace
}  // namespace lwm2m::gateway
