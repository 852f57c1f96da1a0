#include "gateway/core/private_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>

namespace lwm2m::gateway {

Result<void> writeFileWhole(const std::filesystem::path& file, std::string_view text) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return fail(ErrorCode::StoreFailed, file.parent_path().string() + ": cannot create directory: " + ec.message());
  const std::filesystem::path temporary = file.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return fail(ErrorCode::StoreFailed, temporary.string() + ": cannot create: " + std::strerror(errno));
  bool written = ::fchmod(fd, 0600) == 0;  // also when the file was there with other rights
  for (std::size_t at = 0; written && at < text.size();) {
    const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) written = false;
    else at += static_cast<std::size_t>(n);
  }
  written = written && ::fsync(fd) == 0;
  const int error = errno;
  ::close(fd);
  if (!written || std::rename(temporary.c_str(), file.c_str()) != 0) {
    const std::string why = std::strerror(written ? errno : error);
    std::filesystem::remove(temporary, ec);
    return fail(ErrorCode::StoreFailed, file.string() + ": cannot write: " + why);
  }
  return {};
}

}  // namespace lwm2m::gateway
