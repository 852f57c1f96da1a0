#include "lwm2m/operations/device_request.h"

#include <utility>

namespace lwm2m::operations {

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

std::vector<model::Path> DeviceRequest::targets() const {
  if (operation == Operation::WriteComposite) {
    std::vector<model::Path> out;
    for (const auto& [path, node] : nodes) out.push_back(path);
    return out;
  }
  if (isComposite(operation)) return paths;
  return {path};
}

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

DeviceRequest DeviceRequest::writePackage(model::Path path, PackageReference package) {
  DeviceRequest r = at(Operation::WriteReplace, path);
  r.package = std::move(package);
  return r;
}

bool isRepeatable(const DeviceRequest& request) { return isIdempotent(request.operation) && !request.package; }

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

}  // namespace lwm2m::operations
