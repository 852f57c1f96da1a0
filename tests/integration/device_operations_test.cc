// Every device management operation over real UDP: the server's request layer
// hosted in this process, the real lwm2m-sim process as the device.

#include <gtest/gtest.h>

#include "tests/integration/in_process_server.h"
#include "tests/support/ports.h"
#include "tests/support/process.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
using model::Path;
using model::Resource;
using model::Value;
using operations::DeviceRequest;
using operations::Outcome;

class Device {
 public:
  Device(const InProcessServer& server, const std::string& endpoint, std::vector<std::string> extra = {})
      : process_(start(server, endpoint, std::move(extra))), reader_(process_.stdoutFd()) {}
  // Waits for a line starting with `prefix`.
  std::optional<std::string> waitForLine(const std::string& prefix, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto line = reader_.readLine(left);
      if (!line) return std::nullopt;
      if (line->rfind(prefix, 0) == 0) return line;
    }
    return std::nullopt;
  }
  void kill() { process_.terminate(0ms); }

 private:
  static Process start(const InProcessServer& server, const std::string& endpoint, std::vector<std::string> extra) {
    std::vector<std::string> argv{LWM2M_SIM_BIN, "--server", server.address(), "-e", endpoint, "--lifetime", "60"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    Process::Output out;
    out.pipeStdout = true;
    return Process::start(argv, out);
  }
  Process process_;
  LineReader reader_;
};

class DeviceOperations : public ::testing::Test {
 protected:
  InProcessServer server_;

  operations::DeviceResponse ok(const std::string& ep, DeviceRequest request) {
    auto r = server_.call(ep, std::move(request));
    EXPECT_TRUE(r.ok()) << operations::outcomeName(r.outcome) << " " << r.code << " " << r.reason;
    return r;
  }
  const Value* valueAt(const operations::DeviceResponse& r, const Path& at, const Path& path) {
    return r.node ? model::findValue(*r.node, at, path) : nullptr;
  }
};

TEST_F(DeviceOperations, ReadAtEveryLevelInTlvFromA10Device) {
  Device device(server_, "old-1", {"--lwm2m", "1.0"});
  ASSERT_TRUE(server_.waitRegistered("old-1"));
  auto object = ok("old-1", DeviceRequest::read(Path(3)));
  EXPECT_EQ(object.contentFormat, formats::kTlv);
  ASSERT_TRUE(object.node && object.node->object());
  EXPECT_EQ(*valueAt(object, Path(3), Path(3, 0, 0)), Value::string("Open LwM2M Simulator"));
  auto instance = ok("old-1", DeviceRequest::read(Path(3, 0)));
  EXPECT_EQ(*valueAt(instance, Path(3, 0), Path(3, 0, 2)), Value::string("SN-old-1"));
  auto resource = ok("old-1", DeviceRequest::read(Path(3, 0, 9)));
  EXPECT_EQ(resource.node->resource()->value().type(), model::DataType::Integer);
  auto multiple = ok("old-1", DeviceRequest::read(Path(3, 0, 6)));
  EXPECT_EQ(multiple.node->resource()->instances().size(), 2u);
  auto one = ok("old-1", DeviceRequest::read(Path(3, 0, 6, 1)));
  EXPECT_EQ(one.node->resourceInstance()->value, Value::integer(5));
  auto missing = server_.call("old-1", DeviceRequest::read(Path(3, 0, 42)));
  EXPECT_EQ(missing.outcome, Outcome::DeviceError);
  EXPECT_EQ(missing.codeName, "not_found");
}

TEST_F(DeviceOperations, ReadInSenmlFromA11Device) {
  Device device(server_, "new-1");
  ASSERT_TRUE(server_.waitRegistered("new-1"));
  auto r = ok("new-1", DeviceRequest::read(Path(3303, 0)));
  EXPECT_EQ(r.contentFormat, formats::kSenmlJson);  // advertised ct=110
  const Value* t = valueAt(r, Path(3303, 0), Path(3303, 0, 5700));
  ASSERT_TRUE(t);
  EXPECT_GT(t->asFloat(), 16.0);
  EXPECT_LT(t->asFloat(), 26.0);
  auto cbor = DeviceRequest::read(Path(3303, 0));
  cbor.format = formats::kSenmlCbor;
  EXPECT_EQ(ok("new-1", cbor).contentFormat, formats::kSenmlCbor);
}

TEST_F(DeviceOperations, DiscoverShowsResourcesAndWrittenAttributes) {
  Device device(server_, "disc");
  ASSERT_TRUE(server_.waitRegistered("disc"));
  operations::NotificationAttributes a;
  a.minPeriod = 2;
  a.step = 0.5;
  ok("disc", DeviceRequest::writeAttributes(Path(3303, 0, 5700), a));
  auto r = ok("disc", DeviceRequest::discover(Path(3303, 0)));
  ASSERT_FALSE(r.links.empty());
  EXPECT_EQ(r.links[0].target, "/3303/0");
  bool found = false;
  for (const auto& link : r.links) {
    if (link.target != "/3303/0/5700") continue;
    found = true;
    ASSERT_TRUE(link.find("pmin"));
    EXPECT_EQ(*link.find("pmin")->value, "2");
    EXPECT_EQ(*link.find("st")->value, "0.5");
  }
  EXPECT_TRUE(found);
  // Clearing one attribute removes it.
  operations::NotificationAttributes clear;
  clear.clear = {"pmin"};
  ok("disc", DeviceRequest::writeAttributes(Path(3303, 0, 5700), clear));
  auto after = ok("disc", DeviceRequest::discover(Path(3303, 0, 5700)));
  ASSERT_EQ(after.links.size(), 1u);
  EXPECT_FALSE(after.links[0].find("pmin"));
  EXPECT_TRUE(after.links[0].find("st"));
}

TEST_F(DeviceOperations, WriteReplaceAndPartialUpdate) {
  Device device(server_, "lamp");
  ASSERT_TRUE(server_.waitRegistered("lamp"));
  model::ObjectInstance on(0, std::vector<Resource>{Resource::single(5850, Value::boolean(true))});
  ok("lamp", DeviceRequest::writeUpdate(Path(3311, 0), on));
  auto read = ok("lamp", DeviceRequest::read(Path(3311, 0)));
  EXPECT_EQ(*valueAt(read, Path(3311, 0), Path(3311, 0, 5850)), Value::boolean(true));
  EXPECT_TRUE(valueAt(read, Path(3311, 0), Path(3311, 0, 5851))) << "partial update keeps the rest";
  model::ObjectInstance dim(0, std::vector<Resource>{Resource::single(5851, Value::integer(40))});
  ok("lamp", DeviceRequest::writeReplace(Path(3311, 0), dim));
  auto replaced = ok("lamp", DeviceRequest::read(Path(3311, 0)));
  EXPECT_EQ(*valueAt(replaced, Path(3311, 0), Path(3311, 0, 5851)), Value::integer(40));
  EXPECT_FALSE(valueAt(replaced, Path(3311, 0), Path(3311, 0, 5850))) << "replace drops what was not given";
  ok("lamp", DeviceRequest::writeReplace(Path(3311, 1, 5706), Resource::single(5706, Value::string("red"))));
  EXPECT_EQ(ok("lamp", DeviceRequest::read(Path(3311, 1, 5706))).node->resource()->value(), Value::string("red"));
  auto readOnly = server_.call("lamp", DeviceRequest::writeReplace(Path(3, 0, 9), Resource::single(9, Value::integer(1))));
  EXPECT_EQ(readOnly.outcome, Outcome::DeviceError);
  EXPECT_EQ(readOnly.code, "4.05");
}

TEST_F(DeviceOperations, FirmwareUpdateByWriteAndExecute) {
  Device device(server_, "fw");
  ASSERT_TRUE(server_.waitRegistered("fw"));
  auto early = server_.call("fw", DeviceRequest::execute(Path(5, 0, 2)));
  EXPECT_EQ(early.code, "4.05") << "no package yet";
  ok("fw", DeviceRequest::writeReplace(Path(5, 0, 0), Resource::single(0, Value::opaque({1, 2, 3, 4}))));
  EXPECT_EQ(ok("fw", DeviceRequest::read(Path(5, 0, 3))).node->resource()->value(), Value::integer(2));
  ok("fw", DeviceRequest::execute(Path(5, 0, 2), "0='now'"));
  ASSERT_TRUE(device.waitForLine("firmware-updated fw"));
  EXPECT_EQ(ok("fw", DeviceRequest::read(Path(5, 0, 5))).node->resource()->value(), Value::integer(1));
  EXPECT_EQ(ok("fw", DeviceRequest::read(Path(3, 0, 3))).node->resource()->value(), Value::string("1.0.1"));
}

TEST_F(DeviceOperations, CreateThenDeleteAnInstance) {
  Device device(server_, "maker", {"--lwm2m", "1.0"});
  ASSERT_TRUE(server_.waitRegistered("maker"));
  model::ObjectInstance lamp(7, std::vector<Resource>{Resource::single(5850, Value::boolean(true)),
                                                      Resource::single(5706, Value::string("blue"))});
  auto created = ok("maker", DeviceRequest::create(3311, lamp));
  EXPECT_EQ(created.code, "2.01");
  EXPECT_EQ(created.createdPath, Path(3311, 7));
  EXPECT_EQ(ok("maker", DeviceRequest::read(Path(3311, 7, 5706))).node->resource()->value(), Value::string("blue"));
  EXPECT_EQ(ok("maker", DeviceRequest::remove(Path(3311, 7))).codeName, "deleted");
  EXPECT_EQ(server_.call("maker", DeviceRequest::read(Path(3311, 7))).codeName, "not_found");
}

TEST_F(DeviceOperations, ReadAndWriteComposite) {
  Device device(server_, "multi");
  ASSERT_TRUE(server_.waitRegistered("multi"));
  model::NodesByPath writes;
  writes.emplace(Path(3311, 0, 5851), Resource::single(5851, Value::integer(10)));
  writes.emplace(Path(3311, 1, 5850), Resource::single(5850, Value::boolean(true)));
  ok("multi", DeviceRequest::writeComposite(writes));
  auto r = ok("multi", DeviceRequest::readComposite({Path(3311, 0, 5851), Path(3311, 1), Path(3, 0, 9)}));
  ASSERT_EQ(r.nodes.size(), 3u);
  EXPECT_EQ(r.nodes.at(Path(3311, 0, 5851)).resource()->value(), Value::integer(10));
  EXPECT_EQ(r.nodes.at(Path(3311, 1)).objectInstance()->resource(5850)->value(), Value::boolean(true));
}

TEST_F(DeviceOperations, ObserveWithPmaxNotifiesUntilActivelyCancelled) {
  Device device(server_, "obs");
  ASSERT_TRUE(server_.waitRegistered("obs"));
  operations::NotificationAttributes a;
  a.maxPeriod = 1;
  a.step = 1000;  // only pmax makes notifications
  ok("obs", DeviceRequest::writeAttributes(Path(3303, 0, 5700), a));
  auto first = ok("obs", DeviceRequest::observe(Path(3303, 0, 5700)));
  ASSERT_TRUE(first.observeSequence);
  auto events = server_.waitForNotifications(2, 6s);
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events[0].endpoint, "obs");
  EXPECT_EQ(events[0].paths, std::vector<Path>{Path(3303, 0, 5700)});
  EXPECT_GT(events[1].sequence, events[0].sequence);
  ASSERT_TRUE(events[1].values.node);
  EXPECT_EQ(events[1].values.node->resource()->value().type(), model::DataType::Float);

  ok("obs", DeviceRequest::cancelObserve(Path(3303, 0, 5700)));
  EXPECT_EQ(server_.observationCount("obs"), 0u);
  ASSERT_TRUE(device.waitForLine("cancel-observe obs"));
  const auto count = server_.notificationCount();
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(server_.notificationCount(), count);
}

TEST_F(DeviceOperations, PminSpacesOutNotificationsOfAValueThatChangesEverySecond) {
  Device device(server_, "slow");
  ASSERT_TRUE(server_.waitRegistered("slow"));
  operations::NotificationAttributes a;
  a.minPeriod = 2;
  ok("slow", DeviceRequest::writeAttributes(Path(3, 0), a));  // inherited by /3/0/13
  ok("slow", DeviceRequest::observe(Path(3, 0, 13)));
  const auto started = std::chrono::steady_clock::now();
  auto events = server_.waitForNotifications(2, 8s);
  ASSERT_GE(events.size(), 2u);
  EXPECT_GE(std::chrono::steady_clock::now() - started, 3500ms) << "two notifications at least 2 s apart";
  EXPECT_NE(events[0].values.node->resource()->value(), events[1].values.node->resource()->value());
}

TEST_F(DeviceOperations, PassiveCancelMakesTheDeviceStopAfterReset) {
  Device device(server_, "pass");
  ASSERT_TRUE(server_.waitRegistered("pass"));
  ok("pass", DeviceRequest::observe(Path(3, 0, 13)));  // current time: changes every second
  ASSERT_GE(server_.waitForNotifications(1, 5s).size(), 1u);
  EXPECT_TRUE(server_.forget("pass", {Path(3, 0, 13)}));
  ASSERT_TRUE(device.waitForLine("observe-reset pass", 5s));
  const auto count = server_.notificationCount();
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(server_.notificationCount(), count);
}

TEST_F(DeviceOperations, ObserveCompositeAndItsCancel) {
  Device device(server_, "comp");
  ASSERT_TRUE(server_.waitRegistered("comp"));
  auto first = ok("comp", DeviceRequest::observeComposite({Path(3, 0, 13), Path(3303, 0, 5700)}));
  EXPECT_EQ(first.nodes.size(), 2u);
  auto events = server_.waitForNotifications(1, 5s);
  ASSERT_GE(events.size(), 1u);
  EXPECT_TRUE(events[0].composite);
  EXPECT_EQ(events[0].values.nodes.size(), 2u);
  ok("comp", DeviceRequest::cancelObserveComposite({Path(3303, 0, 5700), Path(3, 0, 13)}));
  ASSERT_TRUE(device.waitForLine("cancel-observe-composite comp"));
  const auto count = server_.notificationCount();
  std::this_thread::sleep_for(2500ms);
  EXPECT_EQ(server_.notificationCount(), count);
}

TEST_F(DeviceOperations, SendReportsReachTheListener) {
  Device device(server_, "reporter", {"--send", "0.5"});
  ASSERT_TRUE(server_.waitRegistered("reporter"));
  auto sends = server_.waitForSends(2, 8s);
  ASSERT_GE(sends.size(), 2u);
  EXPECT_EQ(sends[0].endpoint, "reporter");
  EXPECT_EQ(sends[0].format, formats::kSenmlCbor);
  ASSERT_EQ(sends[0].values.size(), 1u);
  EXPECT_TRUE(sends[0].values[0].time);
  EXPECT_TRUE(sends[0].values[0].nodes.count(Path(3303, 0, 5700)));
  ASSERT_TRUE(device.waitForLine("sent reporter 2.04"));
}

TEST_F(DeviceOperations, A12DeviceIsReadAndSendsInLwm2mCbor) {
  Device device(server_, "cbor", {"--lwm2m", "1.2", "--send", "0.5"});
  ASSERT_TRUE(server_.waitRegistered("cbor"));
  auto r = ok("cbor", DeviceRequest::read(Path(3311, 0)));
  EXPECT_EQ(r.contentFormat, formats::kLwm2mCbor);
  EXPECT_EQ(*valueAt(r, Path(3311, 0), Path(3311, 0, 5706)), Value::string("warm white"));
  auto sends = server_.waitForSends(1, 5s);
  ASSERT_GE(sends.size(), 1u);
  EXPECT_EQ(sends[0].format, formats::kLwm2mCbor);
  EXPECT_TRUE(sends[0].values[0].nodes.count(Path(3, 0, 9)));
}

TEST_F(DeviceOperations, ADeadDeviceTimesOutAndAnUnknownOneIsNotRegistered) {
  Device device(server_, "dies", {"--no-deregister"});
  ASSERT_TRUE(server_.waitRegistered("dies"));
  device.kill();
  auto request = DeviceRequest::read(Path(3, 0, 9));
  request.timeout = 1500ms;
  const auto started = std::chrono::steady_clock::now();
  auto r = server_.call("dies", request, 10s);
  EXPECT_EQ(r.outcome, Outcome::Timeout);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
  EXPECT_EQ(server_.call("nobody", DeviceRequest::read(Path(3, 0, 9))).outcome, Outcome::NotRegistered);
}

}  // namespace
}  // namespace lwm2m::testing
