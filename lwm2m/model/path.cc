#include "lwm2m/model/path.h"

namespace lwm2m::model {

Result<Path> Path::parse(std::string_view text) {
  auto bad = [&](const std::string& why) {
    return fail("invalid path \"" + std::string(text.substr(0, 64)) + "\": " + why);
  };
  if (text.empty()) return bad("empty");
  if (text[0] != '/') return bad("must start with '/'");
  if (text.size() == 1) return Path();
  Path path;
  size_t pos = 1;
  while (true) {
    if (path.depth_ == 4) return bad("more than four levels");
    size_t end = text.find('/', pos);
    std::string_view segment =
        text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    if (segment.empty()) return bad(end == std::string_view::npos ? "trailing '/'" : "empty segment");
    if (segment.size() > 5) return bad("id out of range");
    std::uint32_t value = 0;
    for (char c : segment) {
      if (c < '0' || c > '9') return bad("id is not a decimal number");
      value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value >= kReservedId) return bad("id " + std::to_string(value) + " out of range 0..65534");
    path.ids_[path.depth_++] = static_cast<std::uint16_t>(value);
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return path;
}

Path Path::parent() const { return depth_ == 0 ? *this : prefix(depth_ - 1); }

Path Path::child(std::uint16_t id) const {
  Path out = *this;
  out.ids_[out.depth_++] = id;
  return out;
}

Path Path::prefix(int depth) const {
  Path out;
  for (int k = 0; k < depth; ++k) out.ids_[static_cast<size_t>(k)] = ids_[static_cast<size_t>(k)];
  out.depth_ = static_cast<std::uint8_t>(depth);
  return out;
}

bool Path::covers(const Path& other) const {
  if (other.depth_ < depth_) return false;
  for (int k = 0; k < depth_; ++k) {
    if (ids_[static_cast<size_t>(k)] != other.ids_[static_cast<size_t>(k)]) return false;
  }
  return true;
}

std::string Path::toString() const {
  if (depth_ == 0) return "/";
  std::string out;
  for (int k = 0; k < depth_; ++k) {
    out.push_back('/');
    out += std::to_string(ids_[static_cast<size_t>(k)]);
  }
  return out;
}

}  // namespace lwm2m::model
