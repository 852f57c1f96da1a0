#pragma once
// PackageFetcher: downloads a firmware package from an http:// or https://
// URL into the package store (gateway::api::PackageUpload), streaming the
// body as it arrives (bridges/http/package_body.h). https verifies the
// server's certificate chain (the system's CA store, or ca_file) and its host
// name. One GET, no redirects (a 3xx fails, naming its Location); 30 s without
// progress fails the download. The result comes on the io_context's thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <functional>
#include <memory>
#include <string>

#include "gateway/api/firmware.h"

namespace lwm2m::bridges::http {

class PackageFetcher {
 public:
  // Throws std::runtime_error when `caFile` cannot be loaded.
  PackageFetcher(boost::asio::io_context& io, const std::string& caFile, std::uint64_t maxSize);

  void fetch(const std::string& url, std::unique_ptr<gateway::api::PackageUpload> upload,
             std::function<void(Result<gateway::api::PackageInfo>)> done);

 private:
  Result<std::shared_ptr<boost::asio::ssl::context>> makeTlsContext() const;

  boost::asio::io_context& io_;
  std::string caFile_;
  std::shared_ptr<boost::asio::ssl::context> tls_;  // made on the first https download unless caFile_ is set
  std::uint64_t maxSize_;
};

}  // namespace lwm2m::bridges::http
