#include "bridges/http/event_stream.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/http/write.hpp>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>

namespace lwm2m::bridges::http {
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;

namespace {

constexpr std::string_view kEventsPath = "/api/v1/events";

// event: missed, data {"lastEventId":..,"reason":..,"missed":..,"oldestId":..}
std::string missedFrame(std::uint64_t lastEventId, const Replay& replay) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  w.StartObject();
  w.Key("lastEventId");
  w.Uint64(lastEventId);
  w.Key("reason");
  w.String(replay.missedReason.c_str());
  if (replay.missedReason == "overflow") {
    w.Key("missed");
    w.Uint64(replay.missed);
  }
  if (!replay.events.empty()) {
    w.Key("oldestId");
    w.Uint64(replay.events.front()->id);
  }
  w.EndObject();
  return std::string("event: missed\ndata: ") + buffer.GetString() + "\n\n";
}

// Sent first: how long an EventSource waits before it reconnects.
constexpr std::string_view kRetry = "retry: 2000\n\n";

}  // namespace

EventStream::EventStream(EventRing& ring, EventStreamSettings settings)
    : ring_(ring), settings_(settings) {}

EventStream::~EventStream() { stop(); }

bool EventStream::matches(const Request& request) const {
  const std::string_view target(request.target().data(), request.target().size());
  return target.substr(0, target.find('?')) == kEventsPath;
}

void EventStream::takeOver(beast::tcp_stream stream, Request request) {
  if (stopped_) return;
  if (request.method() != beast_http::verb::get) {
    Response response = errorResponse(beast_http::status::method_not_allowed,
                                      "method not allowed on /api/v1/events (allowed: GET)",
                                      request.version());
    response.set(beast_http::field::allow, "GET");
    return refuse(std::move(stream), std::move(response));
  }
  const std::string_view target(request.target().data(), request.target().size());
  const auto lastEventId = request["Last-Event-ID"];
  auto parsed = parseEventStreamRequest(target, std::string_view(lastEventId.data(), lastEventId.size()));
  if (!parsed) {
    return refuse(std::move(stream), errorResponse(beast_http::status::bad_request,
                                                   parsed.error().message, request.version()));
  }
  if (open_.size() >= settings_.maxStreams) {
    return refuse(std::move(stream),
                  errorResponse(beast_http::status::service_unavailable,
                                "too many event streams open (" + std::to_string(open_.size()) +
                                    ", events.max_streams)",
                                request.version()));
  }

  std::string first(kRetry);
  Replay replay;
  if (parsed->lastEventId) {
    replay = ring_.since(*parsed->lastEventId);
    if (!replay.missedReason.empty()) first += missedFrame(*parsed->lastEventId, replay);
  }
  const std::uint64_t key = ++opened_;
  auto connection = std::make_shared<SseConnection>(
      std::move(stream), std::move(parsed->filter), settings_.limits,
      [this, key](bool cutOff) { closed(key, cutOff); });
  const std::uint64_t subscription = ring_.subscribe(
      [weak = std::weak_ptr<SseConnection>(connection)](const StreamEventPtr& event) {
        if (auto c = weak.lock()) c->push(event);
      });
  open_.push_back(Open{key, connection, subscription});
  openCount_ = open_.size();
  spdlog::debug("event stream opened: {}", target);
  connection->start(std::move(first), replay.events);
}

void EventStream::refuse(beast::tcp_stream stream, Response response) {
  spdlog::debug("event stream refused: {} {}", response.result_int(), response.body());
  response.keep_alive(false);
  response.prepare_payload();
  struct Refusal {
    beast::tcp_stream stream;
    Response response;
  };
  auto refusal = std::make_shared<Refusal>(Refusal{std::move(stream), std::move(response)});
  refusal->stream.expires_after(std::chrono::seconds(10));
  beast_http::async_write(refusal->stream, refusal->response, [refusal](beast::error_code, std::size_t) {
    beast::error_code ignored;
    refusal->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
  });
}

void EventStream::closed(std::uint64_t key, bool cutOff) {
  if (cutOff) ++cutOff_;
  auto it = std::find_if(open_.begin(), open_.end(), [key](const Open& o) { return o.key == key; });
  if (it == open_.end()) return;
  ring_.unsubscribe(it->subscription);
  open_.erase(it);
  openCount_ = open_.size();
}

void EventStream::stop() {
  if (stopped_) return;
  stopped_ = true;
  // close() calls back closed(), which erases from open_: work on a copy.
  const std::vector<Open> all = open_;
  for (const Open& o : all) {
    if (auto c = o.connection.lock()) c->close();
    ring_.unsubscribe(o.subscription);
  }
  open_.clear();
  openCount_ = 0;
}

EventStreamStats EventStream::stats() const {
  return EventStreamStats{openCount_.load(), opened_.load(), cutOff_.load()};
}

}  // namespace lwm2m::bridges::http
