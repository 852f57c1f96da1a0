#include "tests/integration/transfer_support.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <random>
#include <stdexcept>

#include "lwm2m/coap/codec.h"

namespace lwm2m::testing {
namespace {

std::uint32_t crc32(const std::vector<std::uint8_t>& bytes) {
  std::uint32_t crc = 0xffffffffu;
  for (std::uint8_t byte : bytes) {
    crc ^= byte;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

}  // namespace

std::vector<std::uint8_t> firmwareImage(std::size_t size, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::uint8_t> image(size);
  for (auto& byte : image) byte = static_cast<std::uint8_t>(rng());
  return image;
}

std::string firmwareReceivedLine(const std::string& endpoint, const std::vector<std::uint8_t>& image) {
  char crc[16];
  std::snprintf(crc, sizeof crc, "%08x", crc32(image));
  return "firmware-received " + endpoint + " bytes=" + std::to_string(image.size()) + " crc=" + crc;
}

std::string base64(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint32_t{bytes[i]} << 16) |
                            (i + 1 < bytes.size() ? std::uint32_t{bytes[i + 1]} << 8 : 0) |
                            (i + 2 < bytes.size() ? std::uint32_t{bytes[i + 2]} : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.size() ? kAlphabet[n & 63] : '=';
  }
  return out;
}

rapidjson::Document parseJson(const std::string& text) {
  rapidjson::Document d;
  d.Parse(text.c_str(), text.size());
  return d;
}

CommandClient::CommandClient(GatewayProcess& gateway, const Mosquitto& broker)
    : gateway_(gateway), events_(broker, "lwm2m/#") {}

std::string CommandClient::post(const std::string& endpoint, const std::string& command) {
  auto r = httpSend("POST", gateway_.httpUrl("/api/v1/devices/" + endpoint + "/commands"), command);
  if (r.status != 202) return {};
  auto d = parseJson(r.body);
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("requestId")) return {};
  return d["requestId"].GetString();
}

std::optional<rapidjson::Document> CommandClient::event(const std::string& endpoint, const std::string& kind,
                                                        std::chrono::milliseconds timeout) {
  return message(endpoint, "event/" + kind, timeout);
}

std::optional<rapidjson::Document> CommandClient::message(const std::string& endpoint, const std::string& suffix,
                                                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  const std::string topic = "lwm2m/" + endpoint + "/" + suffix;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = events_.next(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!m) break;
    if (m->first == topic) return parseJson(m->second);
    keepResponse(m->first, m->second);
  }
  return std::nullopt;
}

std::optional<rapidjson::Document> CommandClient::response(const std::string& requestId,
                                                           std::chrono::milliseconds timeout) {
  auto requestOf = [](const std::string& json) { return parseJson(json); };
  if (auto kept = responses_.find(requestId); kept != responses_.end()) {
    auto request = requestOf(kept->second);
    responses_.erase(kept);
    return request;
  }
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto m = events_.next(
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()));
    if (!m) break;
    if (keepResponse(m->first, m->second) == requestId) {
      auto request = requestOf(m->second);
      responses_.erase(requestId);
      return request;
    }
  }
  return std::nullopt;
}

std::string CommandClient::keepResponse(const std::string& topic, const std::string& json) {
  static const std::string kSuffix = "/event/response";
  if (topic.size() < kSuffix.size() || topic.compare(topic.size() - kSuffix.size(), kSuffix.size(), kSuffix) != 0) {
    return {};
  }
  auto d = parseJson(json);
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("requestId") || !d["requestId"].IsString()) return {};
  std::string id = d["requestId"].GetString();
  responses_[id] = json;
  return id;
}

std::optional<rapidjson::Document> CommandClient::run(const std::string& endpoint, const std::string& command,
                                                      std::chrono::milliseconds timeout) {
  const std::string id = post(endpoint, command);
  if (id.empty()) return std::nullopt;
  return response(id, timeout);
}

RawCoapSocket::RawCoapSocket() : fd_(::socket(AF_INET, SOCK_DGRAM, 0)) {
  if (fd_ < 0) throw std::runtime_error("cannot open a UDP socket");
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
    ::close(fd_);
    throw std::runtime_error("cannot bind a UDP socket on 127.0.0.1");
  }
}

RawCoapSocket::~RawCoapSocket() { ::close(fd_); }

void RawCoapSocket::send(std::uint16_t port, const coap::Message& message) {
  const auto bytes = coap::encode(message);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(port);
  ::sendto(fd_, bytes.data(), bytes.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
}

std::optional<coap::Message> RawCoapSocket::receive(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<std::uint8_t> buffer(65536);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    const ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n <= 0) continue;
    auto message = coap::decode(std::span<const std::uint8_t>(buffer.data(), static_cast<std::size_t>(n)));
    if (message) return std::move(*message);
  }
}

std::optional<coap::Message> RawCoapSocket::acknowledgement(std::uint16_t messageId,
                                                            std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto message = receive(left);
    if (message && message->type == coap::MessageType::Acknowledgement && message->messageId == messageId) {
      return message;
    }
  }
}

}  // namespace lwm2m::testing
