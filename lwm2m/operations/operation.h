#pragma once
// The LwM2M operations a server sends to a device (TS Core §6.3 Device
// Management, §6.4 Information Reporting), named once for every layer.

#include <cstdint>
#include <optional>
#include <string_view>

namespace lwm2m::operations {

enum class Operation : std::uint8_t {
  Read,                    // GET; object, instance, resource or resource instance
  Discover,                // GET with Accept: link format
  WriteReplace,            // PUT
  WriteUpdate,             // POST (partial update of an instance)
  WriteAttributes,         // PUT with Uri-Query attributes, no payload
  Execute,                 // POST on a resource, optional text arguments
  Create,                  // POST on an object
  Delete,                  // DELETE on an instance
  ReadComposite,           // FETCH with a path list
  WriteComposite,          // iPATCH with values of several paths
  Observe,                 // GET with Observe=0
  CancelObserve,           // GET with Observe=1 (active cancel)
  ObserveComposite,        // FETCH with Observe=0
  CancelObserveComposite,  // FETCH with Observe=1
};

// "read", "discover", "write-replace", "write-update", "write-attributes",
// "execute", "create", "delete", "read-composite", "write-composite",
// "observe", "cancel-observe", "observe-composite", "cancel-observe-composite".
std::string_view operationName(Operation op);

// The name a command uses: as operationName(), except that both writes are
// "write" (a command tells them apart with "partial").
std::string_view commandName(Operation op);

// Every name above, plus "write" (replace) and EMQX's "write-attr"; nullopt
// when unknown.
std::optional<Operation> parseOperation(std::string_view name);

// Operations over several paths (DeviceRequest::paths / nodes).
bool isComposite(Operation op);
// Operations that change nothing on the device when repeated.
bool isIdempotent(Operation op);

// For error messages: every name parseOperation() accepts, comma-separated.
std::string_view operationNames();

}  // namespace lwm2m::operations
