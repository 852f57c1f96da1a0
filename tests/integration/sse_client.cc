#include "tests/integration/sse_client.h"

namespace lwm2m::testing {
namespace {

Process startCurl(const std::string& url, const std::vector<std::string>& headers) {
  std::vector<std::string> argv{"curl", "-sN", "-g"};
  for (const auto& h : headers) argv.insert(argv.end(), {"-H", h});
  argv.push_back(url);
  ProcessOutput output;
  output.pipeStdout = true;
  return Process::start(argv, output);
}

}  // namespace

SseClient::SseClient(const std::string& url, const std::vector<std::string>& headers)
    : process_(startCurl(url, headers)), reader_(process_.stdoutFd()) {}

std::optional<SseFrame> SseClient::next(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  SseFrame frame;
  bool any = false;
  while (true) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto line = reader_.readLine(left);
    if (!line) return std::nullopt;
    if (line->empty()) {
      if (any) return frame;
      continue;
    }
    any = true;
    if (line->rfind("id: ", 0) == 0) {
      frame.id = line->substr(4);
    } else if (line->rfind("event: ", 0) == 0) {
      frame.event = line->substr(7);
    } else if (line->rfind("data: ", 0) == 0) {
      frame.data = line->substr(6);
    } else if (line->front() == ':') {
      frame.comment = *line;
    }
  }
}

}  // namespace lwm2m::testing
