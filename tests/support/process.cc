#include "tests/support/process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace lwm2m::testing {
namespace {

int decode(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

// The program's path if `name` is found (as posix_spawnp would find it), else empty.
std::string findProgram(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    const std::size_t end = std::min(dirs.find(':', start), dirs.size());
    const std::string candidate = dirs.substr(start, end - start) + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    start = end + 1;
  }
  return "";
}

// A child must not outlive a test process that crashed or was killed by a
// timeout: util-linux's setpriv asks the kernel to SIGKILL it when the test
// process goes (then it execs the program, same pid). Without setpriv, or for
// a program that is not there (so that start() throws), argv as it is.
std::vector<std::string> diesWithTheTest(const std::vector<std::string>& argv) {
  static const std::string setpriv = findProgram("setpriv");
  if (setpriv.empty() || findProgram(argv[0]).empty()) return argv;
  std::vector<std::string> wrapped = {setpriv, "--pdeathsig", "KILL", "--"};
  wrapped.insert(wrapped.end(), argv.begin(), argv.end());
  return wrapped;
}

}  // namespace

Process Process::start(const std::vector<std::string>& argv, const Output& output) {
  if (argv.empty()) throw std::runtime_error("Process::start: empty command");
  // Checked here, not left to posix_spawnp: under qemu-user (the arm64 unit
  // tests) an exec that fails in the child is not reported to the parent.
  if (findProgram(argv[0]).empty()) {
    throw std::runtime_error("cannot start " + argv[0] + ": not found or not executable");
  }
  int pipeFds[2] = {-1, -1};
  if (output.pipeStdout && pipe2(pipeFds, O_CLOEXEC) != 0) {
    throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const int logFlags = O_WRONLY | O_CREAT | O_APPEND;
  const char* log = output.file.empty() ? nullptr : output.file.c_str();
  if (output.pipeStdout) {
    posix_spawn_file_actions_adddup2(&actions, pipeFds[1], 1);
  } else if (log) {
    posix_spawn_file_actions_addopen(&actions, 1, log, logFlags, 0644);
  }
  if (log) posix_spawn_file_actions_addopen(&actions, 2, log, logFlags, 0644);

  const std::vector<std::string> command = diesWithTheTest(argv);
  std::vector<char*> args;
  for (const auto& a : command) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);

  // The child gets its own process group so a signal to the test runner's
  // group does not reach it twice, and SIGTERM reaches only it.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attr, 0);

  pid_t pid = -1;
  const int rc = posix_spawnp(&pid, args[0], &actions, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (output.pipeStdout) close(pipeFds[1]);
  if (rc != 0) {
    if (output.pipeStdout) close(pipeFds[0]);
    throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
  }
  Process p;
  p.pid_ = pid;
  p.stdoutFd_ = output.pipeStdout ? pipeFds[0] : -1;
  return p;
}

Process::Process(Process&& other) noexcept { *this = std::move(other); }

Process& Process::operator=(Process&& other) noexcept {
  if (this != &other) {
    reset();
    pid_ = other.pid_;
    stdoutFd_ = other.stdoutFd_;
    status_ = other.status_;
    other.pid_ = -1;
    other.stdoutFd_ = -1;
  }
  return *this;
}

Process::~Process() { reset(); }

void Process::reset() {
  if (pid_ > 0 && !status_) terminate();
  if (stdoutFd_ >= 0) close(stdoutFd_);
  pid_ = -1;
  stdoutFd_ = -1;
}

bool Process::running() {
  if (pid_ <= 0 || status_) return false;
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) {
    status_ = decode(status);
    return false;
  }
  return true;
}

std::optional<int> Process::waitFor(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (running()) {
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

int Process::terminate(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return -1;
  if (!running()) return *status_;
  kill(pid_, SIGTERM);
  if (auto status = waitFor(grace)) return *status;
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  status_ = decode(status);
  return *status_;
}

long statusKib(int pid, std::string_view field) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
  }
  return 0;
}

}  // namespace lwm2m::testing
