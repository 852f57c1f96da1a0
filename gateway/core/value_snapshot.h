#pragma once
// ValueSnapshot: the value cache kept across restarts (http.value_cache_persist).
//
// Contract:
// - load() (start-up, before the I/O loop) fills the cache from the file. No
//   file: nothing to restore. A damaged or foreign file is moved aside to
//   "<file>.damaged", named in a warning with the problem, and the cache starts
//   empty: the values are only a copy of what devices sent, never a reason to
//   stop the gateway.
// - start(): every `interval`, when the cache changed since the last save, its
//   entries are encoded on the I/O thread and handed to a background thread
//   that writes "<file>.tmp", syncs it and renames it over the file. The file
//   is always one complete snapshot, the previous or the new one; a crash
//   loses at most one interval of changes.
// - stop() (I/O thread, at shutdown): stops the timer and saves once more,
//   returning when that snapshot is on disk.
// - A failing write is logged when it starts failing and when it works again;
//   it is retried at the next interval.
// - I/O thread only, except the writing thread, which touches only the file.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "gateway/core/value_cache.h"
#include "lwm2m/coap/scheduler.h"
#include "lwm2m/result.h"

namespace lwm2m::gateway {

class ValueSnapshot {
 public:
  ValueSnapshot(ValueCache& cache, std::filesystem::path file, coap::Scheduler& scheduler,
                std::chrono::milliseconds interval);
  ~ValueSnapshot();  // stops the writing thread; call stop() first to save
  ValueSnapshot(const ValueSnapshot&) = delete;
  ValueSnapshot& operator=(const ValueSnapshot&) = delete;

  // The number of values restored.
  std::size_t load();
  void start();
  void stop();

  const std::filesystem::path& file() const { return file_; }

 private:
  void schedule();
  void saveIfChanged();
  void hand(std::string content);  // to the writing thread
  void writeLoop();

  ValueCache& cache_;
  std::filesystem::path file_;
  coap::Scheduler& scheduler_;
  std::chrono::milliseconds interval_;
  coap::Scheduler::TimerId timer_ = 0;
  std::uint64_t savedChanges_ = 0;
  bool stopped_ = false;

  std::mutex mutex_;
  std::condition_variable wake_;    // the writing thread: content to write, or the end
  std::condition_variable written_; // stop(): the pending content is on disk
  std::optional<std::string> pending_;
  bool writing_ = false;
  bool failing_ = false;
  bool quit_ = false;
  std::thread writer_;
};

}  // namespace lwm2m::gateway
