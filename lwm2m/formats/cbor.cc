#include "lwm2m/formats/cbor.h"

#include <bit>
#include <cmath>

#include "lwm2m/model/value.h"

namespace lwm2m::formats::cbor {
namespace {

class Reader {
 public:
  Reader(std::span<const std::uint8_t> data, size_t maxDepth) : data_(data), maxDepth_(maxDepth) {}

  Result<Item> readTop() {
    auto item = read(0);
    if (!item) return item;
    if (pos_ != data_.size()) return error("trailing bytes after the CBOR item");
    return item;
  }

 private:
  Error error(const std::string& what) const { return fail("CBOR: " + what + " at offset " + std::to_string(pos_)); }
  size_t left() const { return data_.size() - pos_; }

  // Reads the argument of a head; `info` 31 (indefinite) is reported as
  // indefinite = true.
  Result<std::uint64_t> argument(std::uint8_t info, bool& indefinite) {
    indefinite = false;
    if (info < 24) return std::uint64_t{info};
    if (info == 31) {
      indefinite = true;
      return std::uint64_t{0};
    }
    if (info > 27) return error("reserved additional information " + std::to_string(info));
    size_t n = size_t{1} << (info - 24);
    if (left() < n) return error("truncated argument");
    std::uint64_t v = 0;
    for (size_t k = 0; k < n; ++k) v = (v << 8) | data_[pos_ + k];
    pos_ += n;
    return v;
  }

  bool atBreak() const { return pos_ < data_.size() && data_[pos_] == 0xFF; }

  Result<Item> read(size_t depth) {
    if (depth > maxDepth_) return error("nesting deeper than " + std::to_string(maxDepth_));
    if (left() == 0) return error("unexpected end of data");
    std::uint8_t initial = data_[pos_++];
    std::uint8_t major = initial >> 5;
    std::uint8_t info = initial & 0x1F;
    Item item;
    if (major == 7) return readSimple(info);
    bool indefinite = false;
    auto arg = argument(info, indefinite);
    if (!arg) return arg.error();
    std::uint64_t value = *arg;
    switch (major) {
      case 0:
      case 1:
        if (indefinite) return error("indefinite length on an integer");
        item.kind = major == 0 ? Kind::Unsigned : Kind::Negative;
        item.number = value;
        return item;
      case 2:
      case 3:
        item.kind = major == 2 ? Kind::Bytes : Kind::Text;
        if (!indefinite) {
          if (value > left()) return error("string length " + std::to_string(value) + " exceeds the data left");
          item.string.assign(reinterpret_cast<const char*>(data_.data() + pos_), value);
          pos_ += value;
          if (major == 3 && !model::isValidUtf8(item.string)) return error("text string is not valid UTF-8");
          return item;
        }
        while (!atBreak()) {
          if (left() == 0) return error("unterminated indefinite-length string");
          std::uint8_t chunk = data_[pos_];
          if ((chunk >> 5) != major || (chunk & 0x1F) == 31) return error("bad chunk in indefinite-length string");
          auto part = read(depth + 1);
          if (!part) return part;
          item.string += part->string;
        }
        ++pos_;
        if (major == 3 && !model::isValidUtf8(item.string)) return error("text string is not valid UTF-8");
        return item;
      case 4:
      case 5: {
        item.kind = major == 4 ? Kind::Array : Kind::Map;
        size_t per = major == 4 ? 1 : 2;
        if (!indefinite) {
          if (value > left() / per) return error("count " + std::to_string(value) + " exceeds the data left");
          item.items.reserve(value * per);
          for (std::uint64_t k = 0; k < value * per; ++k) {
            auto child = read(depth + 1);
            if (!child) return child;
            item.items.push_back(std::move(*child));
          }
          return item;
        }
        while (!atBreak()) {
          if (left() == 0) return error("unterminated indefinite-length container");
          for (size_t k = 0; k < per; ++k) {
            if (k == 1 && atBreak()) return error("map key without value");
            auto child = read(depth + 1);
            if (!child) return child;
            item.items.push_back(std::move(*child));
          }
        }
        ++pos_;
        return item;
      }
      case 6: {
        if (indefinite) return error("indefinite length on a tag");
        item.kind = Kind::Tag;
        item.number = value;
        auto child = read(depth + 1);
        if (!child) return child;
        item.items.push_back(std::move(*child));
        return item;
      }
    }
    return error("unknown major type");
  }

  Result<Item> readSimple(std::uint8_t info) {
    Item item;
    auto bytes = [&](size_t n) -> Result<std::uint64_t> {
      if (left() < n) return error("truncated float or simple value");
      std::uint64_t v = 0;
      for (size_t k = 0; k < n; ++k) v = (v << 8) | data_[pos_ + k];
      pos_ += n;
      return v;
    };
    switch (info) {
      case 20:
      case 21:
        item.kind = Kind::Bool;
        item.boolean = info == 21;
        return item;
      case 22: item.kind = Kind::Null; return item;
      case 23: item.kind = Kind::Undefined; return item;
      case 24: {
        auto v = bytes(1);
        if (!v) return v.error();
        if (*v < 32) return error("simple value below 32 in two-byte form");
        item.kind = Kind::Simple;
        item.number = *v;
        return item;
      }
      case 25: {
        auto v = bytes(2);
        if (!v) return v.error();
        item.kind = Kind::Float;
        item.floating = halfToDouble(static_cast<std::uint16_t>(*v));
        return item;
      }
      case 26: {
        auto v = bytes(4);
        if (!v) return v.error();
        item.kind = Kind::Float;
        item.floating = std::bit_cast<float>(static_cast<std::uint32_t>(*v));
        return item;
      }
      case 27: {
        auto v = bytes(8);
        if (!v) return v.error();
        item.kind = Kind::Float;
        item.floating = std::bit_cast<double>(*v);
        return item;
      }
      case 31: --pos_; return error("unexpected break");
      default:
        if (info < 20) {
          item.kind = Kind::Simple;
          item.number = info;
          return item;
        }
        return error("reserved simple value");
    }
  }

  static double halfToDouble(std::uint16_t half) {
    int exponent = (half >> 10) & 0x1F;
    int mantissa = half & 0x3FF;
    double v;
    if (exponent == 0) {
      v = std::ldexp(mantissa, -24);
    } else if (exponent != 31) {
      v = std::ldexp(mantissa + 1024, exponent - 25);
    } else {
      v = mantissa == 0 ? INFINITY : NAN;
    }
    return (half & 0x8000) ? -v : v;
  }

  std::span<const std::uint8_t> data_;
  size_t maxDepth_;
  size_t pos_ = 0;
};

}  // namespace

Result<Item> decode(std::span<const std::uint8_t> payload, size_t maxDepth) {
  return Reader(payload, maxDepth).readTop();
}

void Writer::head(std::uint8_t major, std::uint64_t value) {
  std::uint8_t m = static_cast<std::uint8_t>(major << 5);
  if (value < 24) {
    out_.push_back(static_cast<std::uint8_t>(m | value));
    return;
  }
  size_t n = value <= 0xFF ? 1 : value <= 0xFFFF ? 2 : value <= 0xFFFFFFFF ? 4 : 8;
  out_.push_back(static_cast<std::uint8_t>(m | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ? 26 : 27)));
  for (size_t k = n; k > 0; --k) out_.push_back(static_cast<std::uint8_t>(value >> (8 * (k - 1))));
}

void Writer::integer(std::int64_t v) {
  if (v >= 0) {
    head(0, static_cast<std::uint64_t>(v));
  } else {
    head(1, static_cast<std::uint64_t>(-(v + 1)));
  }
}

void Writer::bytes(std::span<const std::uint8_t> data) {
  head(2, data.size());
  out_.insert(out_.end(), data.begin(), data.end());
}

void Writer::text(std::string_view data) {
  head(3, data.size());
  out_.insert(out_.end(), data.begin(), data.end());
}

void Writer::floating(double v) {
  bool fits = std::isnan(v) || std::isinf(v) || std::fabs(v) <= 3.4028234663852886e38;
  auto f = fits ? static_cast<float>(v) : 0.0f;
  if (fits && (static_cast<double>(f) == v || std::isnan(v))) {
    std::uint32_t bits = std::bit_cast<std::uint32_t>(f);
    out_.push_back(0xFA);
    for (int k = 3; k >= 0; --k) out_.push_back(static_cast<std::uint8_t>(bits >> (8 * k)));
    return;
  }
  std::uint64_t bits = std::bit_cast<std::uint64_t>(v);
  out_.push_back(0xFB);
  for (int k = 7; k >= 0; --k) out_.push_back(static_cast<std::uint8_t>(bits >> (8 * k)));
}

}  // namespace lwm2m::formats::cbor
