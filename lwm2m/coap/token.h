#pragma once
// A CoAP token (RFC 7252 §5.3.1): 0 to 8 bytes, held in place. It is
// trivially copyable, so a Message moves and copies its token as 9 bytes
// (a request's message is moved several times between the socket and its
// handler).
//
// Contract: a token never holds more than 8 bytes. Whatever would make it
// longer (assigning or resizing past 8) keeps the first 8: no valid token is
// longer, the decoder refuses longer ones on the wire, and the encoder
// always wrote the first 8 only.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <span>

namespace lwm2m::coap {

class Token {
 public:
  static constexpr std::size_t kMaxSize = 8;
  using value_type = std::uint8_t;
  using size_type = std::size_t;
  using iterator = std::uint8_t*;
  using const_iterator = const std::uint8_t*;

  constexpr Token() = default;
  Token(std::initializer_list<std::uint8_t> bytes) { assign(bytes.begin(), bytes.end()); }
  explicit Token(std::size_t count) { resize(count); }  // `count` zero bytes
  template <std::input_iterator It>
  Token(It first, It last) {
    assign(first, last);
  }

  template <std::input_iterator It>
  void assign(It first, It last) {
    size_ = 0;
    for (; first != last && size_ < kMaxSize; ++first) bytes_[size_++] = static_cast<std::uint8_t>(*first);
  }
  void resize(std::size_t count) {
    count = std::min(count, kMaxSize);
    if (count > size_) std::fill(bytes_.begin() + size_, bytes_.begin() + count, 0);
    size_ = static_cast<std::uint8_t>(count);
  }
  void clear() { size_ = 0; }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::uint8_t* data() { return bytes_.data(); }
  const std::uint8_t* data() const { return bytes_.data(); }
  iterator begin() { return bytes_.data(); }
  iterator end() { return bytes_.data() + size_; }
  const_iterator begin() const { return bytes_.data(); }
  const_iterator end() const { return bytes_.data() + size_; }
  std::uint8_t& operator[](std::size_t i) { return bytes_[i]; }
  std::uint8_t operator[](std::size_t i) const { return bytes_[i]; }

  friend bool operator==(const Token& a, const Token& b) {
    return a.size_ == b.size_ && std::equal(a.begin(), a.end(), b.begin());
  }
  friend bool operator<(const Token& a, const Token& b) {  // bytewise, as a std::vector's
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  std::array<std::uint8_t, kMaxSize> bytes_{};
  std::uint8_t size_ = 0;
};

inline std::span<const std::uint8_t> view(const Token& token) { return {token.data(), token.size()}; }

}  // namespace lwm2m::coap
