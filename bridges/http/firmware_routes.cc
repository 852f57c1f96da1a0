// The firmware routes' connection: after the session read a request's
// header, one FirmwareExchange owns the connection (shared_from_this bound
// into each handler, as the session does), reads the body piece by piece into
// the package store or streams a package out in chunks, answers and closes.
#include "bridges/http/firmware_routes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "bridges/http/command_routes.h"
#include "bridges/http/firmware_text.h"
#include "bridges/http/package_body.h"
#include "bridges/http/rest_json.h"
#include "bridges/http/rest_target.h"
#include "lwm2m/operations/package.h"

namespace lwm2m::bridges::http {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
namespace api = gateway::api;

namespace {

constexpr std::chrono::seconds kIoTimeout{30};  // without progress
constexpr std::string_view kDevices = "/api/v1/devices/";
constexpr std::string_view kPackages = "/api/v1/firmware/";
constexpr std::size_t kChunk = 64 * 1024;

struct Route {
  enum Kind { Upload, Status, Package } kind = Upload;
  std::string endpoint;  // Upload, Status: percent-decoded
  std::string sha256;    // Package
  std::optional<api::TransferMode> mode = api::TransferMode::Push;  // Upload; nullopt: a bad ?mode=
};

std::optional<Route> routeOf(const Request& request) {
  std::string_view target(request.target().data(), request.target().size());
  std::string_view query;
  if (auto q = target.find('?'); q != std::string_view::npos) {
    query = target.substr(q + 1);
    target = target.substr(0, q);
  }
  const auto method = request.method();
  Route route;
  if (target.substr(0, kPackages.size()) == kPackages) {
    if (method != beast_http::verb::get && method != beast_http::verb::head) return std::nullopt;
    route.kind = Route::Package;
    route.sha256 = std::string(target.substr(kPackages.size()));
    return route;
  }
  if (target.substr(0, kDevices.size()) != kDevices) return std::nullopt;
  std::string_view rest = target.substr(kDevices.size());
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) return std::nullopt;
  auto endpoint = percentDecode(rest.substr(0, slash));
  if (!endpoint) return std::nullopt;
  route.endpoint = std::move(*endpoint);
  const std::string_view tail = rest.substr(slash);
  if (tail == "/firmware" && method == beast_http::verb::get) {
    route.kind = Route::Status;
    return route;
  }
  if (tail == "/firmware" && method == beast_http::verb::put) {
    if (query == "mode=pull") {
      route.mode = api::TransferMode::Pull;
    } else if (!query.empty() && query != "mode=push") {
      route.mode.reset();
    }
    return route;
  }
  const auto type = request[beast_http::field::content_type];
  if (method == beast_http::verb::post && (tail == "/5/0/0" || tail == "/5/0/1") &&
      type.substr(0, 24) == "application/octet-stream") {
    route.mode = tail == "/5/0/1" ? api::TransferMode::Pull : api::TransferMode::Push;
    return route;
  }
  return std::nullopt;
}

}  // namespace

// What FirmwareRoutes::stop() needs of an exchange over either stream type.
class ExchangeBase {
 public:
  virtual ~ExchangeBase() = default;
  virtual void close() = 0;
};

template <class Stream>
class FirmwareExchange : public ExchangeBase, public std::enable_shared_from_this<FirmwareExchange<Stream>> {
  using std::enable_shared_from_this<FirmwareExchange<Stream>>::shared_from_this;

 public:
  FirmwareExchange(Stream stream, beast::flat_buffer buffer,
                   beast_http::request_parser<beast_http::string_body>& header, api::Firmware& firmware, Route route,
                   beast_http::fields responseFields)
      : stream_(std::move(stream)), buffer_(std::move(buffer)), firmware_(firmware), route_(std::move(route)),
        responseFields_(std::move(responseFields)) {
    if (route_.kind == Route::Upload) {
      upload_.emplace(std::move(header));
    } else {
      request_ = header.release();
    }
  }
  ~FirmwareExchange() {
    if (fd_ >= 0) ::close(fd_);
  }

  // After the answer, and from FirmwareRoutes::stop(): pending operations end
  // with operation_aborted.
  void close() override {
    beast::error_code ignored;
    lowest().socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
    lowest().close();
  }

  void run() {
    switch (route_.kind) {
      case Route::Upload: return upload();
      case Route::Status: return status();
      case Route::Package: return servePackage();
    }
  }

 private:
  // ---- PUT: the body into the package store ----

  void upload() {
    if (!route_.mode) return reply(beast_http::status::bad_request, error("mode must be push or pull"));
    auto started = firmware_.beginUpload();
    if (!started) return reply(statusOf(started.error().code), error(started.error().message));
    upload_->get().body().upload = std::move(*started);
    upload_->body_limit(firmware_.maxPackageSize());
    if (const auto length = upload_->content_length(); length && *length > firmware_.maxPackageSize()) {
      return tooLarge();  // before 100 Continue: the client does not send the body
    } else if (length) {
      auto& upload = upload_->get().body().upload;
      if (auto fits = upload->expectSize(*length); !fits) {
        return reply(statusOf(fits.error().code), error(fits.error().message));  // no room, before the body too
      }
    }
    if (beast::iequals(upload_->get()[beast_http::field::expect], "100-continue")) {
      continue_.emplace(beast_http::status::continue_, upload_->get().version());
      lowest().expires_after(kIoTimeout);
      beast_http::async_write(stream_, *continue_,
                              beast::bind_front_handler(&FirmwareExchange<Stream>::onContinue, shared_from_this()));
      return;
    }
    readBody();
  }

  void onContinue(beast::error_code ec, std::size_t) {
    if (ec) return close();
    readBody();
  }

  // In pieces, so the I/O timeout counts from the last progress, not from the start.
  void readBody() {
    lowest().expires_after(kIoTimeout);
    beast_http::async_read_some(stream_, buffer_, *upload_,
                                beast::bind_front_handler(&FirmwareExchange<Stream>::onBody, shared_from_this()));
  }

  void onBody(beast::error_code ec, std::size_t) {
    if (ec == beast_http::error::body_limit) return tooLarge();
    auto& body = upload_->get().body();
    if (ec && body.error) return reply(statusOf(body.error->code), error(body.error->message));
    if (ec) {
      spdlog::info("firmware upload for {} ended after {} bytes: {}", route_.endpoint,
                   body.upload ? body.upload->written() : 0, ec.message());
      return close();
    }
    if (!upload_->is_done()) return readBody();
    auto stored = body.upload->finish();
    if (!stored) return reply(statusOf(stored.error().code), error(stored.error().message));
    const api::PackageInfo package = *stored;
    spdlog::info("firmware package {} ({} bytes) uploaded for {}", package.sha256, package.size, route_.endpoint);
    firmware_.deliver(route_.endpoint, package, *route_.mode, api::ReplyRoute{},
                      [self = shared_from_this(), package](Result<std::string> id) {
                        if (!id) return self->reply(statusOf(id.error().code), error(id.error().message));
                        self->reply(beast_http::status::accepted, self->queued(*id, package));
                      });
  }

  void tooLarge() {
    reply(beast_http::status::payload_too_large,
          error("package larger than " + std::to_string(firmware_.maxPackageSize()) + " bytes (firmware.max_size)"));
  }

  std::string queued(const std::string& requestId, const api::PackageInfo& package) const {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("requestId");
    w.String(requestId.c_str());
    w.Key("status");
    w.String("queued");
    w.Key("mode");
    w.String(std::string(api::toString(*route_.mode)).c_str());
    w.Key("sha256");
    w.String(package.sha256.c_str());
    w.Key("size");
    w.Uint64(package.size);
    w.EndObject();
    return buf.GetString();
  }

  // ---- GET /devices/{endpoint}/firmware ----

  void status() {
    auto transfer = firmware_.latestTransfer(route_.endpoint);
    if (!transfer) {
      return reply(beast_http::status::not_found, error("no package transfer to '" + route_.endpoint + "' is known"));
    }
    reply(beast_http::status::ok, toJson(*transfer));
  }

  // ---- GET|HEAD /firmware/{sha256} ----

  void servePackage() {
    auto file = operations::isSha256Name(route_.sha256) ? firmware_.packageFile(route_.sha256) : std::nullopt;
    if (file) fd_ = ::open(file->c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd_ < 0 || ::fstat(fd_, &st) != 0) {
      return reply(beast_http::status::not_found, error("no firmware package " + route_.sha256));
    }
    const auto size = static_cast<std::uint64_t>(st.st_size);
    std::uint64_t first = 0, length = size;
    const auto rangeHeader = request_[beast_http::field::range];
    const bool ranged = !rangeHeader.empty();
    if (ranged) {
      auto range = parseByteRange(std::string_view(rangeHeader.data(), rangeHeader.size()), size);
      if (!range) {
        Response r = jsonResponse(beast_http::status::range_not_satisfiable, error("range not satisfiable"), request_);
        r.set(beast_http::field::content_range, "bytes */" + std::to_string(size));
        return send(std::move(r));
      }
      first = range->first;
      length = range->second - range->first + 1;
    }
    auto& head = streamed_;
    head.result(ranged ? beast_http::status::partial_content : beast_http::status::ok);
    head.version(request_.version());
    head.keep_alive(false);
    head.set(beast_http::field::content_type, "application/octet-stream");
    head.set(beast_http::field::etag, "\"" + route_.sha256 + "\"");
    head.set(beast_http::field::accept_ranges, "bytes");
    addResponseFields(head);
    if (ranged) {
      head.set(beast_http::field::content_range, "bytes " + std::to_string(first) + "-" +
                                                     std::to_string(first + length - 1) + "/" + std::to_string(size));
    }
    head.content_length(length);
    head.body().data = nullptr;
    head.body().more = true;
    offset_ = first;
    remaining_ = request_.method() == beast_http::verb::head ? 0 : length;
    serializer_.emplace(streamed_);
    if (request_.method() == beast_http::verb::head) serializer_->split(true);
    lowest().expires_after(kIoTimeout);
    beast_http::async_write_header(stream_, *serializer_,
                                   beast::bind_front_handler(&FirmwareExchange<Stream>::onChunk, shared_from_this()));
  }

  void writeChunk() {
    if (remaining_ == 0) {
      streamed_.body().data = nullptr;
      streamed_.body().more = false;
    } else {
      chunk_.resize(static_cast<std::size_t>(std::min<std::uint64_t>(kChunk, remaining_)));
      const ssize_t n = ::pread(fd_, chunk_.data(), chunk_.size(), static_cast<off_t>(offset_));
      if (n <= 0) return close();
      offset_ += static_cast<std::uint64_t>(n);
      remaining_ -= static_cast<std::uint64_t>(n);
      streamed_.body().data = chunk_.data();
      streamed_.body().size = static_cast<std::size_t>(n);
      streamed_.body().more = true;
    }
    lowest().expires_after(kIoTimeout);
    beast_http::async_write(stream_, *serializer_,
                            beast::bind_front_handler(&FirmwareExchange<Stream>::onChunk, shared_from_this()));
  }

  void onChunk(beast::error_code ec, std::size_t) {
    if (ec == beast_http::error::need_buffer) ec = {};
    if (ec || serializer_->is_done() || (serializer_->is_header_done() && request_.method() == beast_http::verb::head)) {
      return close();
    }
    writeChunk();
  }

  // ---- answers ----

  static std::string error(const std::string& message) {
    rapidjson::StringBuffer buf;
    rapidjson::Writer<rapidjson::StringBuffer> w(buf);
    w.StartObject();
    w.Key("error");
    w.String(message.c_str());
    w.EndObject();
    return buf.GetString();
  }

  void reply(beast_http::status status, std::string body) {
    const unsigned version = upload_ ? upload_->get().version() : request_.version();
    Response r{status, version};
    r.set(beast_http::field::content_type, "application/json");
    r.body() = std::move(body);
    send(std::move(r));
  }

  template <class Message>
  void addResponseFields(Message& message) const {
    for (const auto& field : responseFields_) message.set(field.name_string(), field.value());
  }

  void send(Response response) {
    response_ = std::move(response);
    addResponseFields(response_);
    response_.keep_alive(false);
    response_.prepare_payload();
    lowest().expires_after(kIoTimeout);
    beast_http::async_write(stream_, response_,
                            beast::bind_front_handler(&FirmwareExchange<Stream>::onReplied, shared_from_this()));
  }

  void onReplied(beast::error_code, std::size_t) { close(); }

  beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }

  Stream stream_;
  beast::flat_buffer buffer_;
  api::Firmware& firmware_;
  Route route_;
  beast_http::fields responseFields_;  // on every response (the CORS allowance)
  Request request_;  // Status, Package: the request (no body)
  std::optional<beast_http::request_parser<PackageBody>> upload_;
  std::optional<beast_http::response<beast_http::empty_body>> continue_;
  Response response_;
  beast_http::response<beast_http::buffer_body> streamed_;
  std::optional<beast_http::response_serializer<beast_http::buffer_body>> serializer_;
  int fd_ = -1;
  std::uint64_t offset_ = 0;
  std::uint64_t remaining_ = 0;
  std::vector<char> chunk_;
};

bool FirmwareRoutes::matches(const Request& header) const { return routeOf(header).has_value(); }

void FirmwareRoutes::takeOver(beast::tcp_stream stream, beast::flat_buffer buffer, RequestParser& header,
                              beast_http::fields responseFields) {
  start(std::move(stream), std::move(buffer), header, std::move(responseFields));
}

void FirmwareRoutes::takeOver(TlsStream stream, beast::flat_buffer buffer, RequestParser& header,
                              beast_http::fields responseFields) {
  start(std::move(stream), std::move(buffer), header, std::move(responseFields));
}

template <class Stream>
void FirmwareRoutes::start(Stream stream, beast::flat_buffer buffer, RequestParser& header,
                           beast_http::fields responseFields) {
  auto route = routeOf(header.get());
  if (!route) return;
  auto exchange = std::make_shared<FirmwareExchange<Stream>>(std::move(stream), std::move(buffer), header, firmware_,
                                                             std::move(*route), std::move(responseFields));
  std::erase_if(exchanges_, [](const auto& weak) { return weak.expired(); });
  exchanges_.push_back(exchange);
  exchange->run();
}

void FirmwareRoutes::stop() {
  for (auto& weak : exchanges_) {
    if (auto exchange = weak.lock()) exchange->close();
  }
  exchanges_.clear();
}

}  // namespace lwm2m::bridges::http
