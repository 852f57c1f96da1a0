#pragma once
// A child process for tests: started with posix_spawn, its output captured to
// a file or a pipe, stopped with SIGTERM then SIGKILL after a grace period.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string_view>
#include <string>
#include <vector>

namespace lwm2m::testing {

// Where a child's output goes; by default it shares the test's stdout/stderr.
struct ProcessOutput {
  std::string file;         // stdout and stderr appended to this file, if set
  bool pipeStdout = false;  // stdout to a pipe read through stdoutFd() (stderr to `file`)
};

class Process {
 public:
  using Output = ProcessOutput;

  // Starts argv[0] (looked up in PATH). Throws std::runtime_error if it cannot.
  static Process start(const std::vector<std::string>& argv, const Output& output = {});

  Process(Process&& other) noexcept;
  Process& operator=(Process&& other) noexcept;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process();  // terminate()

  pid_t pid() const { return pid_; }
  // The read end of the stdout pipe (Output::pipeStdout), -1 otherwise. Owned here.
  int stdoutFd() const { return stdoutFd_; }

  // True while the child has not exited (reaps it if it has).
  bool running();
  // Waits up to `timeout` for the child to exit; its status if it did.
  std::optional<int> waitFor(std::chrono::milliseconds timeout);
  // SIGTERM, then SIGKILL if still alive after `grace`. Returns the exit status:
  // the exit code, or 128 + signal number if a signal ended it. Idempotent.
  int terminate(std::chrono::milliseconds grace = std::chrono::seconds(5));
  // The status once the child has exited (after running() == false / waitFor / terminate).
  std::optional<int> exitStatus() const { return status_; }

 private:
  Process() = default;
  void reset();

  pid_t pid_ = -1;
  int stdoutFd_ = -1;
  std::optional<int> status_;
};

// The kB of a "VmRSS:" / "VmHWM:" ... line of /proc/<pid>/status; 0 when the
// process is gone or has no such line.
long statusKib(int pid, std::string_view field);
// Resident memory of a process in KiB (VmRSS), 0 when unreadable.
inline long residentKib(int pid) { return statusKib(pid, "VmRSS:"); }

}  // namespace lwm2m::testing
