#include "lwm2m/server/package_resource.h"

#include <algorithm>

#include "lwm2m/coap/block.h"
#include "lwm2m/formats/content_format.h"

namespace lwm2m::server {
namespace {

constexpr std::size_t kOpenReaders = 8;

coap::Message answer(coap::Code code, std::string_view diagnostic = {}) {
  coap::Message m;
  m.code = code;
  m.setPayload(diagnostic);
  return m;
}

// The first 8 bytes of the SHA-256: the same for every block of one package.
coap::OptionValue etagOf(const std::string& sha256) {
  coap::OptionValue tag;
  for (std::size_t i = 0; i + 1 < 16 && i + 1 < sha256.size(); i += 2) {
    tag.push_back(static_cast<std::uint8_t>(std::stoi(sha256.substr(i, 2), nullptr, 16)));
  }
  return tag;
}

}  // namespace

PackageResource::PackageResource(const operations::PackageStore& store, std::uint16_t blockSize)
    : store_(store), blockSize_(blockSize) {}

operations::PackageReader* PackageResource::reader(const std::string& sha256) {
  if (auto found = readers_.find(sha256); found != readers_.end()) return found->second.get();
  auto opened = store_.open(sha256);
  if (!opened) return nullptr;
  if (readers_.size() >= kOpenReaders) readers_.clear();
  return (readers_[sha256] = std::move(*opened)).get();
}

void PackageResource::handle(const coap::Peer& from, const coap::Message& request,
                             const coap::Endpoint::Responder& respond) {
  const auto path = request.uriPath();
  if (path.size() != 2 || !operations::isSha256Name(path[1])) {
    respond(answer(coap::codes::NotFound, "no such package"));
    return;
  }
  if (request.code != coap::codes::Get) {
    respond(answer(coap::codes::MethodNotAllowed, "packages are read with GET"));
    return;
  }
  const std::string& sha256 = path[1];
  operations::PackageReader* package = reader(sha256);
  if (!package) {
    respond(answer(coap::codes::NotFound, "no package " + sha256));
    return;
  }
  const auto asked = coap::parseBlock(request, coap::option::Block2);
  const std::uint16_t size = std::min<std::uint16_t>(asked ? asked->size : blockSize_, blockSize_);
  const std::uint32_t num = asked ? asked->num : 0;
  const std::uint64_t total = package->size();
  const std::uint64_t offset = std::uint64_t{num} * size;
  if (offset >= total && num != 0) {
    respond(answer(coap::codes::BadOption, "Block2 " + std::to_string(num) + " is past the end (" +
                                               std::to_string(total) + " bytes)"));
    return;
  }
  const std::uint64_t end = std::min<std::uint64_t>(offset + size, total);
  coap::Message m = answer(coap::codes::Content);
  m.payload.resize(static_cast<std::size_t>(end - offset));
  if (!package->read(offset, m.payload)) {
    readers_.erase(sha256);
    respond(answer(coap::codes::InternalServerError, "package " + sha256 + " cannot be read"));
    return;
  }
  m.setContentFormat(formats::kOpaque);
  m.addOption(coap::option::ETag, etagOf(sha256));
  coap::setBlock(m, coap::option::Block2, coap::BlockOption{num, end < total, size});
  if (num == 0) m.addUintOption(coap::option::Size2, static_cast<std::uint32_t>(total));
  respond(std::move(m));
  if (end >= total) readers_.erase(sha256);
  if (served_) served_(from, sha256, end, total, size);
}

}  // namespace lwm2m::server
