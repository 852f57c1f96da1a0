#include "gateway/daemon/startup_pages.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace lwm2m::gateway {
namespace {

constexpr const char* kSmaps = R"(55e5a0000000-55e5a0100000 r--p 00000000 08:01 123  /usr/bin/lwm2m-gateway
Size:               1024 kB
Rss:                 512 kB
Anonymous:             0 kB
55e5a0100000-55e5a0400000 r-xp 00100000 08:01 123  /usr/bin/lwm2m-gateway
Rss:                2048 kB
Anonymous:             0 kB
55e5a0400000-55e5a0480000 r--p 00400000 08:01 123  /usr/bin/lwm2m-gateway
Rss:                 512 kB
Anonymous:           128 kB
55e5a0480000-55e5a0490000 rw-p 00480000 08:01 123  /usr/bin/lwm2m-gateway
Anonymous:            64 kB
55e5a1000000-55e5a1400000 rw-p 00000000 00:00 0    [heap]
Anonymous:          880 kB
7f0000000000-7f0000100000 r-xp 00000000 08:01 456  /usr/lib/libcrypto.so.3 (deleted)
Anonymous:             0 kB
7f0000200000-7f0000300000 r--s 00000000 08:01 789  /var/lib/lwm2m-gateway/gateway.db-shm
Anonymous:             0 kB
7f0000400000-7f0000500000 r-xp 00000000 08:01 999  /usr/lib/libssl.so.3
Anonymous:             0 kB
7ffd00000000-7ffd00002000 r-xp 00000000 00:00 0    [vdso]
Anonymous:             0 kB
)";

TEST(StartupPages, OnlyCleanReadOnlyPrivateFileMappingsAreReleasable) {
  const auto ranges = releasableMappings(kSmaps);
  ASSERT_EQ(ranges.size(), 3u);
  EXPECT_EQ(ranges[0].start, 0x55e5a0000000u);  // the executable's constants
  EXPECT_EQ(ranges[0].end, 0x55e5a0100000u);
  EXPECT_EQ(ranges[1].start, 0x55e5a0100000u);  // its code
  EXPECT_EQ(ranges[2].start, 0x7f0000400000u);  // a library's code
  // Not: relocated constants (anonymous pages), writable data, the heap, a
  // deleted file, a shared mapping, the vdso.
}

TEST(StartupPages, NothingIsReleasableWhereNoMappingShowsAnonymousPages) {
  // As qemu-user's emulated smaps: the heap, relocated constants and all, "0 kB".
  EXPECT_TRUE(releasableMappings(R"(55e5a0100000-55e5a0400000 r-xp 00100000 08:01 123  /usr/bin/lwm2m-gateway
Anonymous:             0 kB
55e5a0400000-55e5a0480000 r--p 00400000 08:01 123  /usr/bin/lwm2m-gateway
Anonymous:             0 kB
55e5a1000000-55e5a1400000 rw-p 00000000 00:00 0    [heap]
Anonymous:             0 kB
)")
                  .empty());
}

TEST(StartupPages, GarbageIsNoMapping) {
  EXPECT_TRUE(releasableMappings("").empty());
  EXPECT_TRUE(releasableMappings("Anonymous: 0 kB\nnot a header\nzz-yy r-xp 0 0 0 /x\nAnonymous: 0 kB\n").empty());
}

// The KiB of `address`'s mapping that are resident, from /proc/self/smaps.
long residentKb(const void* address) {
  std::ifstream smaps("/proc/self/smaps");
  const auto at = reinterpret_cast<std::uintptr_t>(address);
  bool inside = false;
  for (std::string line; std::getline(smaps, line);) {
    const auto dash = line.find('-');
    const auto space = line.find(' ');
    if (dash != std::string::npos && space != std::string::npos && dash < space &&
        line.find_first_not_of("0123456789abcdef-") == space) {
      const auto start = std::stoull(line.substr(0, dash), nullptr, 16);
      const auto end = std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16);
      inside = start <= at && at < end;
    } else if (inside && line.rfind("Rss:", 0) == 0) {
      return std::stol(line.substr(4));
    }
  }
  return -1;
}

// Real mappings in this process: a read-only file mapping is released and
// reads the same afterwards; a written private mapping, writable or made
// read-only after the writes (as relocated constants are), keeps its bytes.
TEST(StartupPages, ReleasesCleanFilePagesAndKeepsEveryWrittenPage) {
  const std::size_t size = 1 << 20;
  const auto path = std::filesystem::temp_directory_path() / ("startup-pages-" + std::to_string(::getpid()));
  {
    std::ofstream out(path, std::ios::binary);
    for (std::size_t i = 0; i < size; ++i) out.put(static_cast<char>(i * 7 % 251));
  }
  const int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  auto* clean = static_cast<const unsigned char*>(::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0));
  auto* written = static_cast<unsigned char*>(::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
  auto* sealed = static_cast<unsigned char*>(::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0));
  ::close(fd);
  ASSERT_NE(clean, MAP_FAILED);
  ASSERT_NE(written, MAP_FAILED);
  ASSERT_NE(sealed, MAP_FAILED);
  unsigned sum = 0;
  for (std::size_t i = 0; i < size; i += 4096) sum += clean[i];
  std::memset(written, 0x5a, size);
  std::memset(sealed, 0xa5, size);
  ASSERT_EQ(::mprotect(sealed, size, PROT_READ), 0);
  EXPECT_GE(residentKb(clean), 1000);

  EXPECT_GE(releaseStartupPages(), size);

  EXPECT_LT(residentKb(clean), 1000) << "the clean mapping's pages are still mapped";
  unsigned again = 0;
  for (std::size_t i = 0; i < size; i += 4096) again += clean[i];
  EXPECT_EQ(again, sum);
  for (std::size_t i = 0; i < size; i += 4096) {
    ASSERT_EQ(written[i], 0x5a) << i;
    ASSERT_EQ(sealed[i], 0xa5) << i;
  }
  ::munmap(const_cast<unsigned char*>(clean), size);
  ::munmap(written, size);
  ::munmap(sealed, size);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace lwm2m::gateway
