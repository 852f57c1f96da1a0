// A write whose completion reported success survives the gateway being
// killed (kill -9) while it keeps writing. Power loss is not simulated here:
// synchronous=FULL is what covers it.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <set>
#include <string>

#include "persistence/database.h"
#include "tests/unit/persistence/persistence_test_support.h"

namespace lwm2m::persistence {
namespace {

using testing::openOrFail;
using testing::queuedRequest;
using testing::TempDir;

// The child process: enqueues requests without end and reports the number of
// every request whose completion succeeded on `ackFd`.
[[noreturn]] void writeUntilKilled(const std::filesystem::path& dir, int ackFd) {
  auto opened = Database::open(dir);
  if (!opened) ::_exit(2);
  Database& db = *opened.value();
  for (std::int64_t i = 0;; ++i) {
    db.requestQueue().enqueue(queuedRequest("r" + std::to_string(i), "dev"),
                              [ackFd, i](Result<void> result) {
                                if (result) {
                                  [[maybe_unused]] auto n = ::write(ackFd, &i, sizeof i);
                                }
                              });
    if (i % 32 == 31) ::usleep(500);
  }
}

TEST(Durability, AcknowledgedRequestsSurviveKill9) {
  TempDir temp;
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::close(fds[0]);
    writeUntilKilled(temp.path(), fds[1]);
  }
  ::close(fds[1]);

  std::set<std::int64_t> acknowledged;
  std::int64_t number = 0;
  while (acknowledged.size() < 500 && ::read(fds[0], &number, sizeof number) == sizeof number) {
    acknowledged.insert(number);
  }
  ::kill(child, SIGKILL);
  // Acknowledgements written before the process died are still in the pipe.
  while (::read(fds[0], &number, sizeof number) == sizeof number) acknowledged.insert(number);
  ::close(fds[0]);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer process ended on its own: " << status;
  ASSERT_GE(acknowledged.size(), 500u);

  auto db = openOrFail(temp.path());  // also passes quick_check
  ASSERT_TRUE(db);
  auto stored = db->requestQueue().listByEndpoint("dev");
  ASSERT_TRUE(stored);
  std::set<std::string> ids;
  std::int64_t previous = 0;
  for (const QueuedRequestRecord& r : *stored) {
    ids.insert(r.requestId);
    EXPECT_GT(r.sequence, previous);
    previous = r.sequence;
  }
  for (std::int64_t n : acknowledged) {
    EXPECT_TRUE(ids.count("r" + std::to_string(n))) << "acknowledged request r" << n << " lost";
  }
}

}  // namespace
}  // namespace lwm2m::persistence
