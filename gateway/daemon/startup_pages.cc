#include "gateway/daemon/startup_pages.h"

#include <sys/mman.h>

#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>
#include <string>

namespace lwm2m::gateway {

namespace {

std::uintptr_t hex(std::string_view text) {
  std::uintptr_t value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value, 16);
  return value;
}

// The fields of a mapping's header line: "start-end perms offset dev inode [path]".
struct Header {
  AddressRange range;
  std::string_view perms;
  std::string_view path;
};

bool parseHeader(std::string_view line, Header& out) {
  const auto dash = line.find('-');
  const auto space = line.find(' ');
  if (dash == std::string_view::npos || space == std::string_view::npos || dash > space) return false;
  for (char c : line.substr(0, space)) {
    if (c != '-' && !std::isxdigit(static_cast<unsigned char>(c))) return false;
  }
  out.range = {hex(line.substr(0, dash)), hex(line.substr(dash + 1, space - dash - 1))};
  std::string_view rest = line.substr(space + 1);
  out.perms = rest.substr(0, rest.find(' '));
  // offset, dev, inode, then the path after the padding.
  for (int field = 0; field < 4; ++field) {
    const auto next = rest.find(' ');
    if (next == std::string_view::npos) {
      rest = {};
      break;
    }
    rest = rest.substr(next + 1);
  }
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  out.path = rest;
  return true;
}

}  // namespace

std::vector<AddressRange> releasableMappings(std::string_view smaps) {
  std::vector<AddressRange> out;
  Header current;
  bool candidate = false;
  bool anyAnonymous = false;  // a real kernel shows the heap's and stacks' pages
  while (!smaps.empty()) {
    const auto end = smaps.find('\n');
    const std::string_view line = smaps.substr(0, end);
    smaps = end == std::string_view::npos ? std::string_view{} : smaps.substr(end + 1);
    Header header;
    if (parseHeader(line, header)) {
      current = header;
      candidate = header.path.size() > 1 && header.path.front() == '/' &&
                  header.path.find(" (deleted)") == std::string_view::npos && header.perms.size() >= 4 &&
                  header.perms[0] == 'r' && header.perms[1] != 'w' && header.perms[3] == 'p';
      continue;
    }
    if (line.rfind("Anonymous:", 0) == 0) {
      std::string_view kb = line.substr(10);
      while (!kb.empty() && kb.front() == ' ') kb.remove_prefix(1);
      const bool none = kb.rfind("0 kB", 0) == 0;
      anyAnonymous = anyAnonymous || !none;
      if (candidate && none) out.push_back(current.range);
      candidate = false;
    }
  }
  // An emulated /proc (qemu-user's shows every mapping without anonymous
  // pages) cannot tell relocated constants from clean ones: release nothing.
  if (!anyAnonymous) out.clear();
  return out;
}

std::size_t releaseStartupPages() {
  std::ifstream file("/proc/self/smaps");
  if (!file) return 0;
  std::ostringstream text;
  text << file.rdbuf();
  std::size_t released = 0;
  for (const AddressRange& r : releasableMappings(text.str())) {
    if (r.end <= r.start) continue;
    // Clean pages of a private file mapping: dropped from this process's page
    // tables only; they come back from the page cache when touched.
    if (::madvise(reinterpret_cast<void*>(r.start), r.end - r.start, MADV_DONTNEED) == 0) {
      released += r.end - r.start;
    }
  }
  return released;
}

}  // namespace lwm2m::gateway
