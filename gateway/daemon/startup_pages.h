#pragma once
// Code and constants the gateway used only while starting (reading its
// configuration, object definitions and mapping, every part's construction,
// the libraries' initialisation) stay mapped into the process afterwards and
// count in its RSS, with up to 15 neighbours of every page touched that the
// kernel maps along ("fault-around"). releaseStartupPages() unmaps from this
// process the pages of every file-backed mapping that can be neither written
// nor holds a private copy of a page: the code and constants of the
// executable and its libraries. Writable mappings and read-only ones holding
// private pages (data relocated at load, then made read-only) are left alone.
// The pages stay in the page cache: what runs afterwards maps them again
// with a minor fault, so the RSS that remains is what the running gateway
// uses (measured idle, development build: 15.0 MB before, 7.0 MB after;
// docs/footprint.md).
// Memory accounting by cgroup (systemd's MemoryCurrent) is unchanged: the
// page cache stays charged.
//
// Call it once the gateway started and is idle enough, on any thread. It
// must not run while a library is being loaded or unloaded (dlopen/dlclose):
// the gateway loads none after start. Returns the bytes of the mappings it
// released; 0 where /proc/self/smaps cannot be read (not Linux).

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace lwm2m::gateway {

std::size_t releaseStartupPages();

// The address ranges releaseStartupPages() releases, read from the text of
// /proc/self/smaps: file-backed (a path, not deleted), not writable, and
// with no anonymous (private, copied) page. None when no mapping at all
// shows an anonymous page: a /proc that does not count them (an emulator's)
// cannot tell relocated constants from clean ones.
struct AddressRange {
  std::uintptr_t start = 0;
  std::uintptr_t end = 0;
};
std::vector<AddressRange> releasableMappings(std::string_view smaps);

}  // namespace lwm2m::gateway
