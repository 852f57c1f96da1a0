// GET /api/v1/events with the real daemon, the simulator and curl -N:
// registrations and notifications as server-sent events, the endpoint, kind
// and path filters, resume with Last-Event-ID (and a "missed" notice when the
// ring no longer holds the events), heartbeats, refusals of bad filters, and a
// reader that stops reading cut off while the other streams go on.

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/gateway_process.h"
#include "tests/integration/json_reading.h"
#include "tests/integration/sse_client.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kNoBroker = "tcp://127.0.0.1:1";  // MQTT plays no part here

// Configuration and mapping files, removed with the test.
class Files {
 public:
  Files() : dir_(fs::temp_directory_path() / ("events-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    fs::create_directories(dir_);
  }
  ~Files() { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }

 private:
  static inline int n_ = 0;
  fs::path dir_;
};

// Every device's temperature observed and notified each second.
constexpr const char* kObserveEverySecond = R"(
observe:
  - match: {path: "/3303/+/5700"}
    attributes: {pmin: 1, pmax: 1}
)";

std::vector<std::string> gatewayArgs(const Files& files, const std::string& events) {
  return {"--config", files.write("gateway.yaml", "events:\n" + events),
          "--mapping", files.write("mapping.yaml", kObserveEverySecond)};
}

std::string endpointOf(const SseFrame& f) {
  auto d = parse(f.data);
  return d.IsObject() && d.HasMember("endpoint") ? str(d["endpoint"]) : "<no endpoint>";
}

std::uint64_t idOf(const SseFrame& f) { return f.id.empty() ? 0 : std::stoull(f.id); }

auto kind(const std::string& k) {
  return [k](const SseFrame& f) { return f.event == k; };
}

TEST(EventStream, RegistrationsAndNotificationsArriveFilteredByEndpointKindAndPath) {
  Files files;
  GatewayProcess gateway(kNoBroker, "127.0.0.1", gatewayArgs(files, "  heartbeat_s: 1\n"));
  SseClient mine(gateway.httpUrl("/api/v1/events?endpoint=sse-a*&kinds=registered,notification"));
  SseClient byPath(gateway.httpUrl("/api/v1/events?path=/3303/0/5700&kinds=notification"));
  SseClient other(gateway.httpUrl("/api/v1/events?path=/3311"));
  std::this_thread::sleep_for(300ms);  // the streams are open before the devices come
  Simulator a({"--server", gateway.coapAddress(), "-e", "sse-a1", "--quiet"});
  Simulator b({"--server", gateway.coapAddress(), "-e", "sse-b1", "--quiet"});

  auto registered = mine.nextEvent(kind("registered"), 15s);
  ASSERT_TRUE(registered) << gateway.log();
  EXPECT_EQ(endpointOf(*registered), "sse-a1");
  auto reg = parse(registered->data);
  ASSERT_TRUE(reg.IsObject()) << registered->data;
  EXPECT_EQ(str(reg["event"]), "registered");
  EXPECT_TRUE(reg.HasMember("registrationId") && reg.HasMember("objects")) << registered->data;

  std::uint64_t lastId = idOf(*registered);
  int notifications = 0;
  bool heartbeat = false;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  while (notifications < 3 && std::chrono::steady_clock::now() < deadline) {
    auto f = mine.next(5s);
    ASSERT_TRUE(f) << "the stream stopped";
    if (f->comment == ": heartbeat") heartbeat = true;
    if (f->event.empty()) continue;
    EXPECT_EQ(endpointOf(*f), "sse-a1") << "the endpoint glob lets only sse-a* through";
    EXPECT_TRUE(f->event == "registered" || f->event == "notification") << f->event;
    EXPECT_GT(idOf(*f), lastId) << "ids increase";
    lastId = idOf(*f);
    if (f->event == "notification") {
      ++notifications;
      auto n = parse(f->data);
      ASSERT_TRUE(n.IsObject() && n["values"].IsArray() && n["values"].Size() == 1) << f->data;
      EXPECT_EQ(str(n["values"][0]["path"]), "/3303/0/5700");
      EXPECT_TRUE(n["values"][0]["value"].IsNumber()) << f->data;
    }
  }
  EXPECT_EQ(notifications, 3) << gateway.log();
  EXPECT_TRUE(heartbeat || mine.next(2500ms).value_or(SseFrame{}).comment == ": heartbeat")
      << "a heartbeat comes every heartbeat_s";

  // The path filter: notifications of both devices, nothing else.
  std::set<std::string> endpoints;
  for (int i = 0; i < 6 && endpoints.size() < 2; ++i) {
    auto f = byPath.nextEvent([](const SseFrame&) { return true; }, 10s);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->event, "notification");
    endpoints.insert(endpointOf(*f));
  }
  EXPECT_EQ(endpoints, (std::set<std::string>{"sse-a1", "sse-b1"}));
  // Nothing was about /3311 (only /3303 is observed): that stream saw no event.
  EXPECT_FALSE(other.nextEvent([](const SseFrame&) { return true; }, 1s));
}

TEST(EventStream, ResumesAfterTheLastEventIdAndSaysWhenEventsWereMissed) {
  Files files;
  GatewayProcess gateway(kNoBroker, "127.0.0.1", gatewayArgs(files, "  ring: 8\n"));
  const std::string url = gateway.httpUrl("/api/v1/events?kinds=notification");
  SseClient live(url);
  Simulator sim({"--server", gateway.coapAddress(), "-e", "resumer", "--quiet"});
  std::vector<SseFrame> seen;
  for (int i = 0; i < 4; ++i) {
    auto f = live.nextEvent(kind("notification"), 15s);
    ASSERT_TRUE(f) << gateway.log();
    seen.push_back(*f);
  }

  // Back from the second one: the third and fourth again, the same ids and data.
  SseClient resumed(url, {"Last-Event-ID: " + seen[1].id});
  for (int i = 2; i < 4; ++i) {
    auto f = resumed.nextEvent([](const SseFrame&) { return true; }, 5s);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->id, seen[static_cast<std::size_t>(i)].id);
    EXPECT_EQ(f->data, seen[static_cast<std::size_t>(i)].data);
  }
  auto after = resumed.nextEvent(kind("notification"), 5s);
  ASSERT_TRUE(after) << "then live events";
  EXPECT_GT(idOf(*after), idOf(seen[3]));

  // ?last_event_id= does the same for clients that cannot set headers.
  SseClient byQuery(url + "&last_event_id=" + seen[2].id);
  auto third = byQuery.nextEvent([](const SseFrame&) { return true; }, 5s);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->id, seen[3].id);

  // An id of an earlier run of the gateway: told so, then what the ring holds.
  SseClient restarted(url, {"Last-Event-ID: 17"});
  auto notice = restarted.nextEvent([](const SseFrame&) { return true; }, 5s);
  ASSERT_TRUE(notice);
  EXPECT_EQ(notice->event, "missed");
  EXPECT_TRUE(notice->id.empty()) << "the notice has no id of its own";
  EXPECT_EQ(str(parse(notice->data)["reason"]), "restarted") << notice->data;

  // The first id of this run, once more than `ring` events came after it.
  const std::uint64_t runStart = idOf(seen[0]) / 1000000 * 1000000;
  while (idOf(seen.back()) - runStart <= 12) {
    auto f = live.nextEvent(kind("notification"), 15s);
    ASSERT_TRUE(f);
    seen.push_back(*f);
  }
  SseClient tooOld(url, {"Last-Event-ID: " + std::to_string(runStart + 1)});
  auto missed = tooOld.nextEvent([](const SseFrame&) { return true; }, 5s);
  ASSERT_TRUE(missed);
  EXPECT_EQ(missed->event, "missed");
  auto m = parse(missed->data);
  ASSERT_TRUE(m.IsObject()) << missed->data;
  EXPECT_EQ(str(m["reason"]), "overflow");
  ASSERT_TRUE(m.HasMember("missed") && m["missed"].IsUint64()) << missed->data;
  EXPECT_GE(m["missed"].GetUint64(), 1u);
  auto firstKept = tooOld.nextEvent(kind("notification"), 5s);
  ASSERT_TRUE(firstKept);
  EXPECT_GE(idOf(*firstKept), m["oldestId"].GetUint64());
}

TEST(EventStream, RefusesABadFilterNamingTheProblem) {
  GatewayProcess gateway(kNoBroker);
  auto r = httpGet(gateway.httpUrl("/api/v1/events?kinds=registered,nonsense"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unknown event kind 'nonsense'"), std::string::npos) << r.body;
  r = httpGet(gateway.httpUrl("/api/v1/events?path=/3303/x"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("path:"), std::string::npos) << r.body;
  r = httpGet(gateway.httpUrl("/api/v1/events?endpont=a"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("unknown query parameter 'endpont'"), std::string::npos) << r.body;
  r = httpSend("POST", gateway.httpUrl("/api/v1/events"), "{}");
  EXPECT_EQ(r.status, 405);
  // The REST API goes on beside it.
  EXPECT_EQ(httpGet(gateway.httpUrl("/api/v1/devices")).status, 200);
}

// Connects with a small receive buffer, asks for every event, never reads.
int stalledReader(std::uint16_t httpPort) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  int small = 1024;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(httpPort);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return -1;
  const std::string request = "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  if (::send(fd, request.data(), request.size(), 0) < 0) return -1;
  return fd;
}

std::uint64_t healthCount(const GatewayProcess& gateway, const char* name) {
  auto h = parse(httpGet(gateway.httpUrl("/health")).body);
  if (!h.IsObject() || !h.HasMember("eventStreams")) return UINT64_MAX;
  return h["eventStreams"][name].GetUint64();
}

TEST(EventStream, AReaderThatStopsReadingIsCutOffWhileTheOthersGoOn) {
  Files files;
  GatewayProcess gateway(kNoBroker, "127.0.0.1", gatewayArgs(files, "  max_buffer_kb: 16\n"));
  const auto port = static_cast<std::uint16_t>(std::stoi(gateway.httpUrl("").substr(gateway.httpUrl("").rfind(':') + 1)));
  SseClient reading(gateway.httpUrl("/api/v1/events?kinds=notification"));
  const int stalled = stalledReader(port);
  ASSERT_GE(stalled, 0);
  // 40 devices notifying every second: some 10 KiB of events a second.
  Simulator sim({"--server", gateway.coapAddress(), "-n", "40", "--prefix", "flood-", "--quiet"});
  ASSERT_TRUE(waitForLog(gateway, "cut off", 60s)) << "the stalled reader is never cut off";
  EXPECT_EQ(healthCount(gateway, "cutOff"), 1u);
  // The reading stream got events all along and keeps getting them.
  std::set<std::string> endpoints;
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (endpoints.size() < 40 && std::chrono::steady_clock::now() < deadline) {
    auto f = reading.nextEvent(kind("notification"), 5s);
    ASSERT_TRUE(f) << "the reading stream stopped";
    endpoints.insert(endpointOf(*f));
  }
  EXPECT_EQ(endpoints.size(), 40u) << "every device's notifications after the cut-off";
  EXPECT_EQ(healthCount(gateway, "open"), 1u);
  // The stalled connection was closed by the gateway: reading it comes to an end.
  timeval tenSeconds{10, 0};
  ::setsockopt(stalled, SOL_SOCKET, SO_RCVTIMEO, &tenSeconds, sizeof tenSeconds);
  char buffer[4096];
  ssize_t n = 0;
  while ((n = ::recv(stalled, buffer, sizeof buffer, 0)) > 0) {
  }
  EXPECT_TRUE(n == 0 || errno == ECONNRESET) << "the connection is still open: " << std::strerror(errno);
  ::close(stalled);
}

}  // namespace
}  // namespace lwm2m::testing
