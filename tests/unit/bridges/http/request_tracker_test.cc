#include "bridges/http/request_tracker.h"

#include <gtest/gtest.h>

namespace lwm2m::bridges::http {
namespace {

namespace api = gateway::api;

api::DeviceEvent commandEvent(api::DeviceEventKind kind, const std::string& id, bool ok = true) {
  api::DeviceEvent e{kind, {}, std::chrono::system_clock::now(), api::CommandInfo{}};
  e.device.endpoint = "dev";
  e.command->requestId = id;
  e.command->request = operations::DeviceRequest::read(model::Path(3, 0, 0));
  if (kind == api::DeviceEventKind::Response) {
    e.command->response = ok ? operations::DeviceResponse{}
                             : operations::DeviceResponse::failure(operations::Outcome::Timeout, "no answer");
  }
  return e;
}

TEST(RequestTracker, FollowsARequestFromQueuedToItsEnd) {
  RequestTracker tracker(10);
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Queued, "q1"));
  ASSERT_TRUE(tracker.find("q1"));
  EXPECT_EQ(tracker.find("q1")->state, RequestState::Queued);
  std::vector<RequestState> seen;
  EXPECT_NE(tracker.await("q1", [&](const TrackedRequest& r) { seen.push_back(r.state); }), 0u);
  EXPECT_TRUE(seen.empty());
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Response, "q1"));
  EXPECT_EQ(seen, std::vector<RequestState>{RequestState::Done});
  // Finished: a later waiter is answered at once; a second end changes nothing.
  EXPECT_EQ(tracker.await("q1", [&](const TrackedRequest& r) { seen.push_back(r.state); }), 0u);
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::RequestExpired, "q1"));
  EXPECT_EQ(tracker.find("q1")->state, RequestState::Done);
  EXPECT_EQ(seen.size(), 2u);
}

TEST(RequestTracker, EndsAreFailedExpiredOrCancelled) {
  RequestTracker tracker(10);
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Response, "a", false));
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::RequestExpired, "b"));
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::RequestCancelled, "c"));
  EXPECT_EQ(tracker.find("a")->state, RequestState::Failed);
  EXPECT_EQ(tracker.find("b")->state, RequestState::Expired);
  EXPECT_EQ(tracker.find("c")->state, RequestState::Cancelled);
  EXPECT_EQ(toString(RequestState::Cancelled), "cancelled");
}

TEST(RequestTracker, KeepsTheLatestProgressOfAPackageWriteAlsoAfterItsEnd) {
  RequestTracker tracker(10, [](const TrackedRequest& r) {
    return std::string(toString(r.state)) + (r.transfer ? " " + std::to_string(r.transfer->blocks) : "");
  });
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Queued, "fw"));
  auto progress = [](api::TransferState state, std::uint32_t blocks) {
    api::DeviceEvent e = commandEvent(api::DeviceEventKind::Progress, "fw");
    e.transfer = api::TransferProgress{};
    e.transfer->state = state;
    e.transfer->blocks = blocks;
    e.transfer->totalBlocks = 8;
    return e;
  };
  tracker.onDeviceEvent(progress(api::TransferState::Transferring, 3));
  ASSERT_TRUE(tracker.find("fw")->transfer);
  EXPECT_EQ(tracker.find("fw")->transfer->blocks, 3u);
  EXPECT_EQ(tracker.find("fw")->state, RequestState::Queued) << "progress does not end the request";
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Response, "fw"));
  tracker.onDeviceEvent(progress(api::TransferState::Delivered, 8));  // the transfer's last word comes after
  EXPECT_EQ(tracker.find("fw")->state, RequestState::Done);
  EXPECT_EQ(tracker.find("fw")->transfer->state, api::TransferState::Delivered);
  EXPECT_EQ(tracker.find("fw")->transfer->blocks, 8u);
  ASSERT_TRUE(tracker.finished("fw"));
  EXPECT_EQ(tracker.finished("fw")->json, "done 8") << "the kept JSON shows the last Progress";
  tracker.onDeviceEvent(progress(api::TransferState::Transferring, 1));
  EXPECT_FALSE(tracker.find("unknown"));
}

TEST(RequestTracker, KeepsOnlyTheLastFinishedRequests) {
  RequestTracker tracker(2, [](const TrackedRequest& r) { return "{\"id\":\"" + r.requestId + "\"}"; });
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Queued, "waiting"));
  for (const char* id : {"a", "b", "c"}) tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Response, id));
  EXPECT_FALSE(tracker.finished("a"));
  ASSERT_TRUE(tracker.finished("b"));
  EXPECT_EQ(tracker.finished("b")->json, R"({"id":"b"})");
  EXPECT_EQ(tracker.finished("c")->state, RequestState::Done);
  EXPECT_EQ(tracker.finished("c")->endpoint, "dev");
  EXPECT_TRUE(tracker.find("waiting"));  // unfinished requests are not dropped
  EXPECT_FALSE(tracker.finished("waiting"));
  EXPECT_EQ(tracker.finishedCount(), 2u);
}

TEST(RequestTracker, KeepsOnlyTheRecentFinishedWholeAndTheOthersAsTheirJson) {
  RequestTracker tracker(100, [](const TrackedRequest& r) { return std::string(toString(r.state)); });
  const std::size_t n = RequestTracker::kRecentFinished + 4;
  for (std::size_t i = 0; i < n; ++i) {
    tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Response, "r" + std::to_string(i), i % 2 == 0));
  }
  EXPECT_FALSE(tracker.find("r0")) << "not among the recent ones";
  ASSERT_TRUE(tracker.finished("r0"));
  EXPECT_EQ(tracker.finished("r0")->json, "done");
  EXPECT_EQ(tracker.finished("r1")->json, "failed");
  ASSERT_TRUE(tracker.find("r" + std::to_string(n - 1)));
  EXPECT_TRUE(tracker.find("r" + std::to_string(n - 1))->end);
  // A caller that waits for an old one is told at once that nobody will call it.
  int calls = 0;
  EXPECT_EQ(tracker.await("r0", [&](const TrackedRequest&) { ++calls; }), 0u);
  EXPECT_EQ(calls, 0);
  // A second end of an old one changes nothing.
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::RequestExpired, "r0"));
  EXPECT_EQ(tracker.finished("r0")->json, "done");
  EXPECT_EQ(tracker.finishedCount(), n);
}

TEST(RequestTracker, ForgottenWaitersAreNotCalled) {
  RequestTracker tracker(4);
  int calls = 0;
  auto ticket = tracker.await("q1", [&](const TrackedRequest&) { ++calls; });
  tracker.forget(ticket);
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Response, "q1"));
  EXPECT_EQ(calls, 0);
}

TEST(RequestTracker, KnowsWhichDevicesSleep) {
  RequestTracker tracker(4);
  api::DeviceEvent e{api::DeviceEventKind::Asleep, {}, {}, std::nullopt};
  e.device.endpoint = "dev";
  tracker.onDeviceEvent(e);
  EXPECT_TRUE(tracker.asleep("dev"));
  e.kind = api::DeviceEventKind::Awake;
  tracker.onDeviceEvent(e);
  EXPECT_FALSE(tracker.asleep("dev"));
}

TEST(RequestTracker, ForgetsFinishedRequestsOlderThanTheMaximumAge) {
  RequestTracker tracker(100, [](const TrackedRequest& r) { return "{\"id\":\"" + r.requestId + "\"}"; });
  auto now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
  tracker.expireAfter(std::chrono::seconds(60), [&now] { return now; });
  for (const char* id : {"old1", "old2"}) {
    tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Queued, id));
    tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Response, id));
  }
  now += std::chrono::seconds(50);
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Queued, "new"));
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Response, "new"));
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Queued, "waiting"));
  EXPECT_EQ(tracker.expire(), 0u);
  now += std::chrono::seconds(11);  // the first two are 61 s old
  EXPECT_EQ(tracker.expire(), 2u);
  EXPECT_FALSE(tracker.finished("old1"));
  EXPECT_FALSE(tracker.find("old2")) << "not among the recent ones either";
  EXPECT_EQ(tracker.finished("new")->json, "{\"id\":\"new\"}");
  ASSERT_TRUE(tracker.find("waiting")) << "a request still waiting is not finished history";
  now += std::chrono::hours(1);
  EXPECT_EQ(tracker.expire(), 1u);
  EXPECT_EQ(tracker.finishedCount(), 0u);
  EXPECT_TRUE(tracker.find("waiting"));
}

}  // namespace
}  // namespace lwm2m::bridges::http
