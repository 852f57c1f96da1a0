#pragma once
// Keeps what is logged at `level` and above while it lives, to check what an
// operator sees.

// spdlog.h first: spdlog 1.13's ringbuffer_sink.h uses SPDLOG_NOEXCEPT before
// including the header that defines it.
#include <spdlog/spdlog.h>
#include <spdlog/sinks/ringbuffer_sink.h>

#include <cstddef>
#include <memory>
#include <string>

namespace lwm2m::bridges::mqtt {

class LogCapture {
 public:
  explicit LogCapture(spdlog::level::level_enum level = spdlog::level::info)
      : sink_(std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(1000)) {
    sink_->set_pattern("[%l] %v");
    auto logger = std::make_shared<spdlog::logger>("test", sink_);
    logger->set_level(level);
    previous_ = spdlog::default_logger();
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  std::string all() const {
    std::string text;
    for (const auto& line : sink_->last_formatted()) text += line;
    return text;
  }

  std::size_t count(const std::string& text) const {
    std::size_t n = 0;
    for (const auto& line : sink_->last_formatted()) n += line.find(text) != std::string::npos;
    return n;
  }

 private:
  std::shared_ptr<spdlog::sinks::ringbuffer_sink_mt> sink_;
  std::shared_ptr<spdlog::logger> previous_;
};

}  // namespace lwm2m::bridges::mqtt
