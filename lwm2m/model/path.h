#pragma once
// Path: the address of a node in the LwM2M data model.
//   /            root
//   /o           object
//   /o/i         object instance
//   /o/i/r       resource
//   /o/i/r/ri    resource instance
// Every id is 16-bit; 65535 is reserved (it means "no id" on the wire) and is
// rejected by parse(). Paths are small values: copy them freely.

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "lwm2m/result.h"

namespace lwm2m::model {

using ObjectId = std::uint16_t;
using InstanceId = std::uint16_t;
using ResourceId = std::uint16_t;
using ResourceInstanceId = std::uint16_t;

inline constexpr std::uint16_t kReservedId = 65535;

class Path {
 public:
  constexpr Path() = default;  // the root
  constexpr explicit Path(ObjectId o) : ids_{o, 0, 0, 0}, depth_(1) {}
  constexpr Path(ObjectId o, InstanceId i) : ids_{o, i, 0, 0}, depth_(2) {}
  constexpr Path(ObjectId o, InstanceId i, ResourceId r) : ids_{o, i, r, 0}, depth_(3) {}
  constexpr Path(ObjectId o, InstanceId i, ResourceId r, ResourceInstanceId ri)
      : ids_{o, i, r, ri}, depth_(4) {}

  // Parses "/", "/3", "/3/0", "/3/0/1", "/3/0/7/1". A leading '/' is required;
  // a trailing '/' (other than the root), empty segments, non-digits, ids
  // above 65534 and more than four segments are errors naming the problem.
  static Result<Path> parse(std::string_view text);

  // Number of ids: 0 for the root, 4 for a resource instance.
  constexpr int depth() const { return depth_; }
  constexpr bool isRoot() const { return depth_ == 0; }
  constexpr bool isObject() const { return depth_ == 1; }
  constexpr bool isObjectInstance() const { return depth_ == 2; }
  constexpr bool isResource() const { return depth_ == 3; }
  constexpr bool isResourceInstance() const { return depth_ == 4; }

  // Precondition: depth() is large enough to hold the id.
  constexpr ObjectId objectId() const { return ids_[0]; }
  constexpr InstanceId instanceId() const { return ids_[1]; }
  constexpr ResourceId resourceId() const { return ids_[2]; }
  constexpr ResourceInstanceId resourceInstanceId() const { return ids_[3]; }
  // The id at level `index` (0 = object). Precondition: index < depth().
  constexpr std::uint16_t id(int index) const { return ids_[static_cast<size_t>(index)]; }

  // The path one level up (root stays root) and one level down
  // (precondition: depth() < 4).
  Path parent() const;
  Path child(std::uint16_t id) const;
  // The first `depth` levels of this path. Precondition: depth <= depth().
  Path prefix(int depth) const;

  // True when `other` is this path or lies below it ("/3" covers "/3/0/1").
  bool covers(const Path& other) const;

  std::string toString() const;

  // Ordered object, instance, resource, resource instance; a parent sorts
  // before its children.
  friend constexpr std::strong_ordering operator<=>(const Path& a, const Path& b) {
    int common = a.depth_ < b.depth_ ? a.depth_ : b.depth_;
    for (int k = 0; k < common; ++k) {
      if (auto c = a.ids_[static_cast<size_t>(k)] <=> b.ids_[static_cast<size_t>(k)]; c != 0) {
        return c;
      }
    }
    return a.depth_ <=> b.depth_;
  }
  friend constexpr bool operator==(const Path& a, const Path& b) { return (a <=> b) == 0; }

 private:
  std::array<std::uint16_t, 4> ids_{};
  std::uint8_t depth_ = 0;
};

}  // namespace lwm2m::model
