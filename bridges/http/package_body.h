#pragma once
// PackageBody: a Beast body type (the BodyReader concept) that streams a
// message body into a gateway::api::PackageUpload as it arrives, so a package
// of many megabytes never sits in memory: only Beast's read buffer does. Used
// for REST uploads and for packages the gateway downloads. When the upload
// refuses bytes (too large, disk full) the read ends with
// boost::system::errc::io_error and value_type::error says why.

#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include <memory>
#include <optional>
#include <span>

#include "gateway/api/firmware.h"

namespace lwm2m::bridges::http {

struct PackageBody {
  struct value_type {
    std::unique_ptr<gateway::api::PackageUpload> upload;  // set before the body is read
    std::optional<Error> error;                           // why the upload refused bytes
  };

  class reader {
   public:
    template <bool isRequest, class Fields>
    reader(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(const boost::optional<std::uint64_t>&, boost::beast::error_code& ec) {
      ec = body_.upload ? boost::beast::error_code{} : make_error_code(boost::system::errc::io_error);
    }

    template <class ConstBufferSequence>
    std::size_t put(const ConstBufferSequence& buffers, boost::beast::error_code& ec) {
      std::size_t taken = 0;
      for (const auto buffer : boost::beast::buffers_range_ref(buffers)) {
        auto written = body_.upload->write(
            std::span(static_cast<const std::uint8_t*>(buffer.data()), buffer.size()));
        if (!written) {
          body_.error = written.error();
          ec = make_error_code(boost::system::errc::io_error);
          return taken;
        }
        taken += buffer.size();
      }
      ec = {};
      return taken;
    }

    void finish(boost::beast::error_code& ec) { ec = {}; }

   private:
    value_type& body_;
  };
};

}  // namespace lwm2m::bridges::http
