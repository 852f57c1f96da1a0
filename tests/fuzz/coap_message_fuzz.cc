// Arbitrary bytes into the CoAP decoder. Whatever decodes must survive a
// round trip unchanged (decode → encode → decode gives an equal message and
// the encoding is stable), and every accessor must be safe on it.
#include <cstdint>
#include <cstdlib>
#include <span>

#include "lwm2m/coap/block.h"
#include "lwm2m/coap/codec.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lwm2m::coap;
  const std::span<const std::uint8_t> input(data, size);
  auto header = peekHeader(input);
  auto first = decode(input);
  if (!first) {
    if (first.error().message.empty()) std::abort();  // errors must name the problem
    return 0;
  }
  if (!header || header->messageId != first->messageId || header->code != first->code) {
    std::abort();  // peekHeader must agree with decode
  }
  const auto encoded = encode(*first);
  auto second = decode(encoded);
  if (!second || !(*second == *first)) std::abort();
  if (encode(*second) != encoded) std::abort();

  // Accessors on decoded, attacker-chosen options.
  const Message& m = *first;
  (void)m.uriPath();
  (void)m.uriQuery();
  (void)m.locationPath();
  (void)m.contentFormat();
  (void)m.accept();
  (void)m.observe();
  (void)m.payloadString();
  (void)m.describe();
  (void)codeName(m.code);
  auto block1 = parseBlock(m, option::Block1);
  auto block2 = parseBlock(m, option::Block2);
  if (block2) {
    Message copy = m;
    setBlock(copy, option::Block2, *block2);
    if (parseBlock(copy, option::Block2) != block2) std::abort();
  }
  (void)block1;
  return 0;
}
