#pragma once
// RequestBody: a request body that the endpoint reads block by block while it
// sends it in Block1 blocks (RFC 7959 §2.5), so that a body of many megabytes
// (a firmware package) is never held whole in memory: only the block in
// flight is.

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace lwm2m::coap {

struct RequestBody {
  std::uint64_t size = 0;
  // Fills `out` with the bytes at `offset` (offset + out.size() <= size);
  // false when they cannot be read (the request then ends with
  // RequestStatus::BodyUnavailable). Called on the endpoint's thread, once per
  // block sent (again for a block the peer asks for anew, never for a
  // retransmission, which resends the datagram).
  std::function<bool(std::uint64_t offset, std::span<std::uint8_t> out)> read;
  // Optional: called after the peer acknowledged a block with 2.31 Continue,
  // with the bytes acknowledged so far (the final block is acknowledged by
  // the response itself).
  std::function<void(std::uint64_t acknowledged)> progress;

  // A body over bytes already in memory (shared, never copied again).
  static RequestBody of(std::vector<std::uint8_t> bytes);
};

}  // namespace lwm2m::coap
