#include "bridges/mqtt/broker_no_delay.h"

#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>

#include "bridges/mqtt/paho_adapter.h"

namespace lwm2m::bridges::mqtt {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

int intOption(int fd, int level, int name) {
  int value = 0;
  socklen_t length = sizeof value;
  if (::getsockopt(fd, level, name, &value, &length) != 0) return -1;
  return value;
}

// The address `get` (getpeername or getsockname) reports for an IP socket.
template <class Get>
std::optional<tcp::endpoint> ipAddressOf(int fd, Get get) {
  sockaddr_storage storage{};
  socklen_t length = sizeof storage;
  if (get(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) return std::nullopt;
  if (storage.ss_family != AF_INET && storage.ss_family != AF_INET6) return std::nullopt;
  tcp::endpoint endpoint;
  std::memcpy(endpoint.data(), &storage, std::min<std::size_t>(length, endpoint.capacity()));
  endpoint.resize(length);
  return endpoint;
}

bool isOneOf(const std::optional<tcp::endpoint>& endpoint, const std::vector<tcp::endpoint>& set) {
  return endpoint && std::find(set.begin(), set.end(), *endpoint) != set.end();
}

}  // namespace

std::vector<int> tcpSocketsConnectedTo(const std::vector<tcp::endpoint>& peers) {
  std::vector<int> found;
  DIR* fds = ::opendir("/proc/self/fd");
  if (!fds) return found;
  const int own = ::dirfd(fds);
  while (const dirent* entry = ::readdir(fds)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == own) continue;
    const int socket = static_cast<int>(fd);
    // Not a socket (ENOTSOCK), or not a stream: cheap refusals first.
    if (intOption(socket, SOL_SOCKET, SO_TYPE) != SOCK_STREAM) continue;
    if (intOption(socket, SOL_SOCKET, SO_ACCEPTCONN) != 0) continue;
    if (!isOneOf(ipAddressOf(socket, ::getpeername), peers)) continue;
    if (isOneOf(ipAddressOf(socket, ::getsockname), peers)) continue;
    found.push_back(socket);
  }
  ::closedir(fds);
  std::sort(found.begin(), found.end());
  return found;
}

bool noDelayOn(int fd) { return intOption(fd, IPPROTO_TCP, TCP_NODELAY) > 0; }

BrokerNoDelay::BrokerNoDelay(asio::io_context& io, std::string pahoUri)
    : resolver_(io), uri_(std::move(pahoUri)) {}

void BrokerNoDelay::onConnected(std::function<void(const std::vector<int>&)> done) {
  const auto address = brokerAddress(uri_);
  if (!address) {
    warnOnce("its URI names no host and port");
    if (done) done({});
    return;
  }
  std::weak_ptr<BrokerNoDelay> weak = weak_from_this();
  resolver_.async_resolve(
      address->host, std::to_string(address->port), tcp::resolver::numeric_service,
      [weak, host = address->host, done = std::move(done)](const boost::system::error_code& ec,
                                                           const tcp::resolver::results_type& results) {
        auto self = weak.lock();
        if (!self || ec == asio::error::operation_aborted) return;
        std::vector<int> applied;
        if (ec) {
          self->warnOnce("cannot resolve " + host + ": " + ec.message());
        } else {
          std::vector<tcp::endpoint> addresses;
          for (const auto& result : results) addresses.push_back(result.endpoint());
          applied = self->applyTo(addresses);
        }
        if (done) done(applied);
      });
}

std::vector<int> BrokerNoDelay::applyTo(const std::vector<tcp::endpoint>& brokerAddresses) {
  std::vector<int> applied;
  for (const int fd : tcpSocketsConnectedTo(brokerAddresses)) {
    const int on = 1;
    if (::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on) == 0) {
      applied.push_back(fd);
    } else {
      warnOnce(std::string("setting it on socket ") + std::to_string(fd) + " failed: " + std::strerror(errno));
    }
  }
  if (applied.empty()) {
    warnOnce("no connection to it found among the process's sockets (an HTTP proxy in between?)");
  } else {
    for (const int fd : applied) spdlog::debug("MQTT connection to {}: TCP_NODELAY set on socket {}", uri_, fd);
  }
  return applied;
}

void BrokerNoDelay::warnOnce(const std::string& why) {
  if (warned_) return;
  warned_ = true;
  spdlog::warn("MQTT connection to {}: cannot set TCP_NODELAY, {}; messages still flow, but an answer can wait "
               "~40 ms for the broker's delayed ACK (mqtt.tcp_nodelay)",
               uri_, why);
}

}  // namespace lwm2m::bridges::mqtt
