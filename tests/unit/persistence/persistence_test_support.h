#pragma once
// Shared by the persistence tests: a real temporary data directory and
// helpers that wait for write completions.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <string>

#include "persistence/database.h"

namespace lwm2m::persistence::testing {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    const auto base = std::filesystem::temp_directory_path();
    path_ = base / ("lwm2m-persistence-" + std::to_string(::getpid()) + "-" +
                    std::to_string(counter++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Submits one write through `submit` and waits for its completion.
inline Result<void> completed(const std::function<void(WriteCompletion)>& submit) {
  auto promise = std::make_shared<std::promise<Result<void>>>();
  auto future = promise->get_future();
  submit([promise](Result<void> result) { promise->set_value(std::move(result)); });
  if (future.wait_for(std::chrono::seconds(30)) != std::future_status::ready) {
    return fail("the write did not complete within 30 s");
  }
  return future.get();
}

inline std::unique_ptr<Database> openOrFail(const std::filesystem::path& dir,
                                            const DatabaseOptions& options = {}) {
  Result<std::unique_ptr<Database>> opened = Database::open(dir, options);
  if (!opened) {
    ADD_FAILURE() << opened.error().message;
    return nullptr;
  }
  return std::move(opened).value();
}

inline RegistrationRecord registration(const std::string& endpoint, const std::string& id) {
  RegistrationRecord r;
  r.endpoint = endpoint;
  r.registrationId = id;
  r.address = "192.0.2.10:5683";
  r.lwm2mVersion = "1.1";
  r.binding = "UQ";
  r.queueMode = true;
  r.lifetimeSeconds = 86400;
  r.rootPath = "/";
  r.objectLinks = "</>;rt=\"oma.lwm2m\",</1/0>,</3/0>,</3303/0>";
  r.registeredAtMs = 1'700'000'000'000;
  r.lastUpdateAtMs = 1'700'000'000'000;
  r.expiresAtMs = 1'700'086'400'000;
  return r;
}

inline QueuedRequestRecord queuedRequest(const std::string& requestId,
                                         const std::string& endpoint) {
  QueuedRequestRecord r;
  r.requestId = requestId;
  r.endpoint = endpoint;
  r.operation = "write";
  r.body = R"({"path":"/3311/0/5850","value":true})";
  r.acceptedAtMs = 1'700'000'000'000;
  r.expiresAtMs = 1'700'000'600'000;
  return r;
}

}  // namespace lwm2m::persistence::testing
