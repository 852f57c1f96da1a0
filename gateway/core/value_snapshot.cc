#include "gateway/core/value_snapshot.h"

#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>
#include <system_error>

#include "gateway/core/private_file.h"
#include "gateway/core/value_snapshot_codec.h"

namespace lwm2m::gateway {
ValueSnapshot::ValueSnapshot(ValueCache& cache, std::filesystem::path file, coap::Scheduler& scheduler,
                             std::chrono::milliseconds interval)
    : cache_(cache), file_(std::move(file)), scheduler_(scheduler), interval_(interval),
      writer_([this] { writeLoop(); }) {}

ValueSnapshot::~ValueSnapshot() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  writer_.join();
  if (timer_) scheduler_.cancel(timer_);
}

std::size_t ValueSnapshot::load() {
  std::ifstream in(file_, std::ios::binary);
  if (!in) return 0;
  std::ostringstream text;
  text << in.rdbuf();
  auto values = decodeValueSnapshot(text.str());
  if (!values) {
    std::filesystem::path aside = file_;
    aside += ".damaged";
    std::error_code ec;
    std::filesystem::rename(file_, aside, ec);
    spdlog::warn("cached values not restored: {} is {}; {}; the cache starts empty", file_.string(),
                 values.error().message, ec ? "could not move it aside: " + ec.message() : "moved to " + aside.string());
    return 0;
  }
  for (CachedValue& v : *values) cache_.restore(v.endpoint, std::move(v.value));
  savedChanges_ = cache_.changes();
  return values->size();
}

void ValueSnapshot::start() { schedule(); }

void ValueSnapshot::schedule() {
  timer_ = scheduler_.schedule(interval_, [this] {
    timer_ = 0;
    saveIfChanged();
    if (!stopped_) schedule();
  });
}

void ValueSnapshot::saveIfChanged() {
  if (cache_.changes() == savedChanges_) return;
  savedChanges_ = cache_.changes();
  hand(encodeValueSnapshot(cache_.entries()));
}

void ValueSnapshot::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (timer_) scheduler_.cancel(timer_);
  timer_ = 0;
  saveIfChanged();
  std::unique_lock lock(mutex_);
  written_.wait(lock, [this] { return !pending_ && !writing_; });
}

void ValueSnapshot::hand(std::string content) {
  {
    std::lock_guard lock(mutex_);
    pending_ = std::move(content);  // a snapshot not yet written is replaced by the newer one
  }
  wake_.notify_one();
}

void ValueSnapshot::writeLoop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return quit_ || pending_; });
    if (!pending_) return;  // quit, nothing left to write
    std::string content = std::move(*pending_);
    pending_.reset();
    writing_ = true;
    lock.unlock();
    auto written = writeFileWhole(file_, content);
    lock.lock();
    writing_ = false;
    if (!written && !failing_) {
      spdlog::warn("cannot save the cached values: {} (tried again at the next change)", written.error().message);
    } else if (written && failing_) {
      spdlog::info("cached values saved to {} again", file_.string());
    }
    failing_ = !written;
    written_.notify_all();
  }
}

}  // namespace lwm2m::gateway
