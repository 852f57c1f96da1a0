#pragma once
// The mapping rules as the REST API sees them: what is in force, and a reload.
//
// Threading contract: call on the gateway's I/O thread.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace lwm2m::gateway::api {

struct MappingStatus {
  std::string source;       // the file or directory, or "built-in generic preset"
  std::size_t uplink = 0;   // rules in force, per section
  std::size_t observe = 0;
  std::size_t downlink = 0;
  std::size_t http = 0;             // HTTP aliases
  std::vector<std::string> aliases;  // each enabled alias: "GET /api/v1/sites/{endpoint}/temperature"
  std::string description;  // every rule, as --print-mapping shows them
  std::uint64_t reloadsApplied = 0;  // since start
  std::uint64_t reloadsRefused = 0;
  std::string lastReloadError;  // why the latest reload was refused; "" when it was applied
};

class MappingControl {
 public:
  virtual ~MappingControl() = default;
  virtual MappingStatus mappingStatus() const = 0;
  // Loads the rules again: "" when the new rules are in force, else why not
  // (file:line: reason); the rules in force then stay.
  virtual std::string reloadMapping() = 0;
};

}  // namespace lwm2m::gateway::api
