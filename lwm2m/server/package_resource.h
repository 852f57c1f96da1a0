#pragma once
// PackageResource: the gateway's CoAP resource /fw/{sha256}, from which a
// device in pull mode downloads a firmware package whose URI the gateway
// wrote to its Package URI (/5/x/1). GET only; the package is served in
// Block2 blocks (RFC 7959) of the size the device asks for (at most the
// endpoint's block size), each block read from the PackageStore as it is
// asked for, so the package is never held in memory. Block 0 carries Size2;
// every block carries the same ETag (from the SHA-256) and Content-Format
// application/octet-stream. Unknown package: 4.04; block past the end: 4.02;
// another method: 4.05.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "lwm2m/coap/endpoint.h"
#include "lwm2m/operations/package.h"

namespace lwm2m::server {

class PackageResource {
 public:
  // The first Uri-Path segment it answers ("fw").
  static constexpr std::string_view kPathSegment = "fw";

  // (peer, package, bytes served up to the end of this block, package size, block size)
  using Served = std::function<void(const coap::Peer& peer, const std::string& sha256, std::uint64_t end,
                                    std::uint64_t size, std::uint16_t blockSize)>;

  // `store` must outlive this object.
  PackageResource(const operations::PackageStore& store, std::uint16_t blockSize);

  void setServedListener(Served listener) { served_ = std::move(listener); }

  void handle(const coap::Peer& from, const coap::Message& request, const coap::Endpoint::Responder& respond);

 private:
  operations::PackageReader* reader(const std::string& sha256);

  const operations::PackageStore& store_;
  std::uint16_t blockSize_;
  Served served_;
  // Readers of the packages being downloaded, so a block costs one pread.
  std::map<std::string, std::unique_ptr<operations::PackageReader>> readers_;
};

}  // namespace lwm2m::server
