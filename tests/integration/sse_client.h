#pragma once
// A client of GET /api/v1/events for tests: `curl -sN` reading the stream,
// its output split into server-sent events.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/ports.h"
#include "tests/support/process.h"

namespace lwm2m::testing {

struct SseFrame {
  std::string id;       // empty when the event had no id line
  std::string event;    // the event: line
  std::string data;     // the data: line
  std::string comment;  // a comment-only frame (": heartbeat")
};

class SseClient {
 public:
  // `headers` are passed to curl as -H "..." (e.g. "Last-Event-ID: 42").
  explicit SseClient(const std::string& url, const std::vector<std::string>& headers = {});

  // The next frame, or nullopt on timeout / end of stream.
  std::optional<SseFrame> next(std::chrono::milliseconds timeout);
  // Frames until one with an event: line satisfying `pick` (comments skipped); nullopt on timeout.
  template <class Pick>
  std::optional<SseFrame> nextEvent(Pick pick, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto frame = next(left);
      if (!frame) return std::nullopt;
      if (!frame->event.empty() && pick(*frame)) return frame;
    }
    return std::nullopt;
  }
  std::optional<int> exited() { return process_.running() ? std::nullopt : process_.exitStatus(); }

 private:
  Process process_;
  LineReader reader_;
};

}  // namespace lwm2m::testing
