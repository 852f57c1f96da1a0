// The helpers other tests rely on to run real processes must themselves be
// right: exit statuses, output capture, bounded stops.
#include "tests/support/process.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "tests/support/ports.h"

namespace lwm2m::testing {
namespace {

using namespace std::chrono_literals;

TEST(Process, ReportsTheExitCode) {
  auto p = Process::start({"sh", "-c", "exit 7"});
  EXPECT_EQ(p.waitFor(5s), 7);
  EXPECT_FALSE(p.running());
  EXPECT_EQ(p.exitStatus(), 7);
}

TEST(Process, PipesStdoutLineByLine) {
  auto p = Process::start({"sh", "-c", "echo first; sleep 0.2; echo second"}, {"", true});
  LineReader reader(p.stdoutFd());
  EXPECT_EQ(reader.readLine(5s), "first");
  EXPECT_EQ(reader.readLine(5s), "second");
  EXPECT_EQ(reader.readLine(5s), std::nullopt);  // end of stream
  EXPECT_EQ(p.waitFor(5s), 0);
}

TEST(Process, LineReaderTimesOut) {
  auto p = Process::start({"sleep", "10"}, {"", true});
  LineReader reader(p.stdoutFd());
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(reader.readLine(100ms), std::nullopt);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 2s);
}

TEST(Process, WritesOutputToAFile) {
  const std::string path = ::testing::TempDir() + "process_test_output.log";
  std::remove(path.c_str());
  auto p = Process::start({"sh", "-c", "echo out; echo err >&2"}, {path, false});
  ASSERT_EQ(p.waitFor(5s), 0);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), "out\nerr\n");
}

TEST(Process, TerminateUsesSigtermThenSigkill) {
  auto polite = Process::start({"sleep", "30"});
  EXPECT_EQ(polite.terminate(5s), 128 + SIGTERM);

  // A child that ignores SIGTERM is killed once the grace period is over.
  auto stubborn = Process::start({"sh", "-c", "trap '' TERM; while :; do sleep 0.05; done"});
  std::this_thread::sleep_for(200ms);  // let the shell install its trap
  const auto before = std::chrono::steady_clock::now();
  EXPECT_EQ(stubborn.terminate(300ms), 128 + SIGKILL);
  EXPECT_LT(std::chrono::steady_clock::now() - before, 3s);
}

TEST(Process, MissingProgramIsAnError) {
  EXPECT_THROW(Process::start({"no-such-program-lwm2m"}), std::runtime_error);
}

TEST(Ports, FreePortsCanBeBound) {
  for (auto [port, type] : {std::pair{freeTcpPort(), SOCK_STREAM}, {freeUdpPort(), SOCK_DGRAM}}) {
    EXPECT_NE(port, 0);
    const int fd = socket(AF_INET, type, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << port;
    close(fd);
  }
  EXPECT_FALSE(waitForTcpPort(freeTcpPort(), 100ms));  // nobody listens there
}

}  // namespace
}  // namespace lwm2m::testing
