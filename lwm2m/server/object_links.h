#pragma once
// The object links of a registration (its Register/Update payload, parsed),
// kept once for every registration that announced the same list: the devices
// of a fleet announce the same objects, so 100,000 registrations hold one
// copy and a pointer each instead of 100,000 copies (≈ 370 bytes each for a
// payload of four links).
//
// Contract: immutable once made; copies share. Making one from a list looks
// the list up among the lists alive (a hash and a comparison) and is safe from
// any thread; reading needs no lock.

#include <cstddef>
#include <memory>
#include <vector>

#include "lwm2m/formats/link_format.h"

namespace lwm2m::server {

class ObjectLinks {
 public:
  ObjectLinks() = default;
  // NOLINTNEXTLINE(google-explicit-constructor): a parsed payload becomes one where a list is kept.
  ObjectLinks(std::vector<formats::Link> links);

  const std::vector<formats::Link>& list() const { return links_ ? *links_ : kNone; }
  // NOLINTNEXTLINE(google-explicit-constructor): read where a list is expected.
  operator const std::vector<formats::Link>&() const { return list(); }
  std::vector<formats::Link>::const_iterator begin() const { return list().begin(); }
  std::vector<formats::Link>::const_iterator end() const { return list().end(); }
  std::size_t size() const { return list().size(); }
  bool empty() const { return list().empty(); }
  const formats::Link& operator[](std::size_t i) const { return list()[i]; }

  // The same links in the same order (shared lists compare by address first).
  friend bool operator==(const ObjectLinks& a, const ObjectLinks& b) {
    return a.links_ == b.links_ || a.list() == b.list();
  }

  // Distinct lists alive now (for tests and the footprint's accounting).
  static std::size_t distinctAlive();

 private:
  static const std::vector<formats::Link> kNone;
  std::shared_ptr<const std::vector<formats::Link>> links_;
};

}  // namespace lwm2m::server
