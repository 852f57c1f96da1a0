#include "lwm2m/operations/operation.h"

#include <array>
#include <utility>

namespace lwm2m::operations {
namespace {

constexpr std::array<std::pair<Operation, std::string_view>, 14> kNames{{
    {Operation::Read, "read"},
    {Operation::Discover, "discover"},
    {Operation::WriteReplace, "write-replace"},
    {Operation::WriteUpdate, "write-update"},
    {Operation::WriteAttributes, "write-attributes"},
    {Operation::Execute, "execute"},
    {Operation::Create, "create"},
    {Operation::Delete, "delete"},
    {Operation::ReadComposite, "read-composite"},
    {Operation::WriteComposite, "write-composite"},
    {Operation::Observe, "observe"},
    {Operation::CancelObserve, "cancel-observe"},
    {Operation::ObserveComposite, "observe-composite"},
    {Operation::CancelObserveComposite, "cancel-observe-composite"},
}};

}  // namespace

std::string_view operationName(Operation op) {
  for (const auto& [o, name] : kNames) {
    if (o == op) return name;
  }
  return "unknown";
}

std::string_view commandName(Operation op) {
  if (op == Operation::WriteReplace || op == Operation::WriteUpdate) return "write";
  return operationName(op);
}

std::optional<Operation> parseOperation(std::string_view name) {
  if (name == "write") return Operation::WriteReplace;
  if (name == "write-attr") return Operation::WriteAttributes;
  for (const auto& [o, n] : kNames) {
    if (n == name) return o;
  }
  return std::nullopt;
}

bool isComposite(Operation op) {
  return op == Operation::ReadComposite || op == Operation::WriteComposite || op == Operation::ObserveComposite ||
         op == Operation::CancelObserveComposite;
}

bool isIdempotent(Operation op) { return op != Operation::Execute && op != Operation::Create; }

std::string_view operationNames() {
  return "read, discover, write, write-replace, write-update, write-attributes, execute, create, delete, "
         "read-composite, write-composite, observe, cancel-observe, observe-composite, cancel-observe-composite";
}

}  // namespace lwm2m::operations
