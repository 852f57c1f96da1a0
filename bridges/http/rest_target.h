#pragma once
// The request target of a REST call, split and percent-decoded once where it
// enters: "/api/v1/devices/a%20b/3/0?timeout=5&async" -> segments
// {"api","v1","devices","a b","3","0"}, query {{"timeout","5"},{"async",""}}.
// No Beast here: the parser is fuzzed on its own (tests/fuzz/rest_target_fuzz.cc).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lwm2m/result.h"

namespace lwm2m::bridges::http {

struct RestTarget {
  std::string path;                   // the raw path, without the query, for messages
  std::vector<std::string> segments;  // decoded; a trailing '/' adds none
  std::vector<std::pair<std::string, std::string>> query;  // decoded; '+' is a space

  // True when the query names `key` (with or without a value).
  bool has(std::string_view key) const;
  // The value of `key`, nullptr when absent.
  const std::string* param(std::string_view key) const;
};

// Limits: 16 segments, 32 query parameters. Errors name the problem: a
// malformed %-escape, an empty segment ("//"), too many segments or parameters,
// a target that is not an absolute path.
Result<RestTarget> parseTarget(std::string_view target);

// "%41b%2Fc" -> "Ab/c"; nullopt for a malformed escape. '+' stays '+' (path, not form).
std::optional<std::string> percentDecode(std::string_view text);

// Percent-encodes everything but unreserved characters (RFC 3986), for one
// path segment: "a b/c" -> "a%20b%2Fc".
std::string percentEncode(std::string_view text);

// A query flag such as ?async or ?async=true: true for "", "1", "true", "yes";
// false for "0", "false", "no"; an error naming the parameter otherwise.
Result<bool> flagValue(std::string_view name, const std::string* value);

// A positive whole number of seconds (at most `max`) in query parameter `name`.
Result<unsigned> secondsValue(std::string_view name, const std::string& value, unsigned max);

}  // namespace lwm2m::bridges::http
