#include "tools/lwm2m-sim/package_download.h"

#include <boost/asio/ip/address.hpp>

#include <charconv>
#include <memory>

#include "lwm2m/coap/block.h"

namespace lwm2m::sim {
namespace {

struct CoapUri {
  coap::Peer peer;
  std::string path;
};

std::optional<CoapUri> parseUri(const std::string& uri, std::string& why) {
  constexpr std::string_view kScheme = "coap://";
  if (uri.rfind(kScheme, 0) != 0) {
    why = "only coap:// package URIs are supported";
    return std::nullopt;
  }
  std::string_view rest = std::string_view(uri).substr(kScheme.size());
  const auto slash = rest.find('/');
  const std::string_view authority = rest.substr(0, slash);
  std::string host;
  std::string_view port = "5683";
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    host = std::string(authority.substr(1, close - 1));
    if (close + 2 < authority.size() && authority[close + 1] == ':') port = authority.substr(close + 2);
  } else {
    const auto colon = authority.find(':');
    host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  unsigned portNumber = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), portNumber);
  boost::system::error_code bad;
  const auto address = boost::asio::ip::make_address(host, bad);
  if (bad || ec != std::errc() || end != port.data() + port.size() || portNumber == 0 || portNumber > 65535) {
    why = "the package URI needs an IP address and port: " + uri;
    return std::nullopt;
  }
  return CoapUri{coap::Peer(address, static_cast<std::uint16_t>(portNumber)),
                 slash == std::string_view::npos ? std::string() : std::string(rest.substr(slash))};
}

}  // namespace

void downloadPackage(coap::Endpoint& endpoint, const std::string& uri, std::function<void(DownloadResult)> done) {
  std::string why;
  auto target = parseUri(uri, why);
  if (!target) {
    DownloadResult failed;
    failed.updateResult = uri.rfind("coap://", 0) == 0 ? kResultInvalidUri : kResultUnsupportedProtocol;
    failed.error = why.empty() ? "bad package URI " + uri : why;
    done(std::move(failed));
    return;
  }
  coap::Message get;
  get.type = coap::MessageType::Confirmable;
  get.code = coap::codes::Get;
  get.setUriPath(target->path);
  endpoint.sendRequest(target->peer, std::move(get), [done = std::move(done)](const coap::ResponseResult& result) {
    DownloadResult out;
    if (result.status != coap::RequestStatus::Ok) {
      out.updateResult = kResultConnectionLost;
      out.error = "no answer (" + std::string(coap::requestStatusName(result.status)) + ")";
    } else if (!result.response.code.isSuccess()) {
      out.updateResult = kResultConnectionLost;
      out.error = "server answered " + result.response.code.toString() + " " + result.response.payloadString();
    } else if (result.response.findOption(coap::option::Block2) != nullptr) {
      out.updateResult = kResultIntegrityFailure;  // the endpoint could not assemble every block
      out.error = "incomplete block-wise transfer";
    } else {
      out.ok = true;
      out.package = result.response.payload;
    }
    done(std::move(out));
  });
}

}  // namespace lwm2m::sim
