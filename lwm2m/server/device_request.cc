#include "lwm2m/server/device_request.h"

#include <utility>

namespace lwm2m::server {

std::string_view operationName(Operation op) {
  switch (op) {
    case Operation::Read: return "read";
    case Operation::Discover: return "discover";
    case Operation::WriteReplace: return "write-replace";
    case Operation::WriteUpdate: return "write-update";
    case Operation::WriteAttributes: return "write-attributes";
    case Operation::Execute: return "execute";
    case Operation::Create: return "create";
    case Operation::Delete: return "delete";
    case Operation::ReadComposite: return "read-composite";
    case Operation::WriteComposite: return "write-composite";
    case Operation::Observe: return "observe";
    case Operation::CancelObserve: return "cancel-observe";
    case Operation::ObserveComposite: return "observe-composite";
    case Operation::CancelObserveComposite: return "cancel-observe-composite";
  }
  return "unknown";
}

std::string_view outcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::Success: return "success";
    case Outcome::DeviceError: return "device-error";
    case Outcome::Timeout: return "timeout";
    case Outcome::Reset: return "reset";
    case Outcome::NotRegistered: return "not-registered";
    case Outcome::BadRequest: return "bad-request";
    case Outcome::InvalidResponse: return "invalid-response";
  }
  return "unknown";
}

namespace {

DeviceRequest at(Operation op, model::Path path) {
  DeviceRequest r;
  r.operation = op;
  r.path = path;
  return r;
}

DeviceRequest over(Operation op, std::vector<model::Path> paths) {
  DeviceRequest r;
  r.operation = op;
  r.paths = std::move(paths);
  return r;
}

}  // namespace

DeviceRequest DeviceRequest::read(model::Path path) { return at(Operation::Read, path); }
DeviceRequest DeviceRequest::discover(model::Path path) { return at(Operation::Discover, path); }

DeviceRequest DeviceRequest::writeReplace(model::Path path, model::Node node) {
  DeviceRequest r = at(Operation::WriteReplace, path);
  r.node = std::move(node);
  return r;
}

DeviceRequest DeviceRequest::writeUpdate(model::Path path, model::Node node) {
  DeviceRequest r = at(Operation::WriteUpdate, path);
  r.node = std::move(node);
  return r;
}

DeviceRequest DeviceRequest::writeAttributes(model::Path path, NotificationAttributes attributes) {
  DeviceRequest r = at(Operation::WriteAttributes, path);
  r.attributes = std::move(attributes);
  return r;
}

DeviceRequest DeviceRequest::execute(model::Path path, std::string arguments) {
  DeviceRequest r = at(Operation::Execute, path);
  r.arguments = std::move(arguments);
  return r;
}

DeviceRequest DeviceRequest::create(model::ObjectId object, model::ObjectInstance instance) {
  DeviceRequest r = at(Operation::Create, model::Path(object));
  r.node = model::Node(model::Object(object, std::vector<model::ObjectInstance>{std::move(instance)}));
  return r;
}

DeviceRequest DeviceRequest::remove(model::Path path) { return at(Operation::Delete, path); }

DeviceRequest DeviceRequest::readComposite(std::vector<model::Path> paths) {
  return over(Operation::ReadComposite, std::move(paths));
}

DeviceRequest DeviceRequest::writeComposite(model::NodesByPath nodes) {
  DeviceRequest r;
  r.operation = Operation::WriteComposite;
  r.nodes = std::move(nodes);
  return r;
}

DeviceRequest DeviceRequest::observe(model::Path path) { return at(Operation::Observe, path); }
DeviceRequest DeviceRequest::cancelObserve(model::Path path) {
  return at(Operation::CancelObserve, path);
}

DeviceRequest DeviceRequest::observeComposite(std::vector<model::Path> paths) {
  return over(Operation::ObserveComposite, std::move(paths));
}

DeviceRequest DeviceRequest::cancelObserveComposite(std::vector<model::Path> paths) {
  return over(Operation::CancelObserveComposite, std::move(paths));
}

DeviceResponse DeviceResponse::failure(Outcome outcome, std::string reason) {
  DeviceResponse r;
  r.outcome = outcome;
  r.reason = std::move(reason);
  return r;
}

}  // namespace lwm2m::server
