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
  RequestTracker tracker(10);
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
  tracker.onDeviceEvent(progress(api::TransferState::Transferring, 1));
  EXPECT_FALSE(tracker.find("unknown"));
}

TEST(RequestTracker, KeepsOnlyTheLastFinishedRequests) {
  RequestTracker tracker(2);
  tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Queued, "waiting"));
  for (const char* id : {"a", "b", "c"}) tracker.onDeviceEvent(commandEvent(api::DeviceEventKind::Response, id));
  EXPECT_FALSE(tracker.find("a"));
  EXPECT_TRUE(tracker.find("b"));
  EXPECT_TRUE(tracker.find("c"));
  EXPECT_TRUE(tracker.find("waiting"));  // unfinished requests are not dropped
  EXPECT_EQ(tracker.finishedCount(), 2u);
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

}  // namespace
}  // namespace lwm2m::bridges::http
