#pragma once
// Result<T>: the value of an operation, or an Error whose code says what kind
// of failure it is and whose message names what was wrong. Used on the data
// plane instead of exceptions (device packets, MQTT payloads, REST bodies,
// mapping files, storage) and across every layer: callers decide by the code,
// never by the message text; each bridge maps codes to its protocol (HTTP
// status, MQTT reply status, CoAP code) in one table.

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace lwm2m {

enum class ErrorCode : std::uint8_t {
  Invalid,       // the input is malformed or not allowed (the default)
  NotFound,      // no such device, request, resource or file
  QueueFull,     // the device's request queue holds its limit
  StoreFailed,   // the database could not store or read it
  InFlight,      // the request was already handed to the device
  Timeout,       // no answer in time
  DeviceError,   // the device answered with an error code
  Unauthorized,  // the caller may not do this
  Unavailable,   // the service cannot take it now (shutting down, not connected)
  StorageFull,   // free room is below the storage reserve: no new work until it returns
};

// "invalid", "not_found", "queue_full", "store_failed", "in_flight",
// "timeout", "device_error", "unauthorized", "unavailable", "storage_full": the names bridges
// show (MQTT reply "status", REST error "code").
constexpr std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::Invalid: return "invalid";
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::QueueFull: return "queue_full";
    case ErrorCode::StoreFailed: return "store_failed";
    case ErrorCode::InFlight: return "in_flight";
    case ErrorCode::Timeout: return "timeout";
    case ErrorCode::DeviceError: return "device_error";
    case ErrorCode::Unauthorized: return "unauthorized";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::StorageFull: return "storage_full";
  }
  return "invalid";
}

struct Error {
  ErrorCode code = ErrorCode::Invalid;
  std::string message;
};

inline Error fail(std::string message) { return Error{ErrorCode::Invalid, std::move(message)}; }
inline Error fail(ErrorCode code, std::string message) { return Error{code, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::in_place_index<0>, std::move(value)) {}  // NOLINT(google-explicit-constructor)
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Precondition: ok().
  T& value() & { assert(ok()); return std::get<0>(state_); }
  const T& value() const& { assert(ok()); return std::get<0>(state_); }
  T&& value() && { assert(ok()); return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Precondition: !ok().
  const Error& error() const { assert(!ok()); return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { assert(!ok_); return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace lwm2m
