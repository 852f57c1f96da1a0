#include "lwm2m/server/registration_request.h"

#include <algorithm>
#include <charconv>
#include <string_view>

#include "lwm2m/formats/content_format.h"

namespace lwm2m::server {
namespace {

struct QueryParameter {
  std::string name;
  std::optional<std::string> value;  // nullopt for a bare flag such as "Q"
};

std::vector<QueryParameter> queryParameters(const coap::Message& request) {
  std::vector<QueryParameter> out;
  for (const std::string& q : request.uriQuery()) {
    auto eq = q.find('=');
    if (eq == std::string::npos) {
      out.push_back({q, std::nullopt});
    } else {
      out.push_back({q.substr(0, eq), q.substr(eq + 1)});
    }
  }
  return out;
}

Rejection badRequest(std::string reason) { return {coap::codes::BadRequest, std::move(reason)}; }

// lt= as seconds within the policy's bounds; the error names the bounds.
std::variant<std::uint32_t, Rejection> parseLifetime(const std::optional<std::string>& text,
                                                     const RegistrationPolicy& policy) {
  std::uint32_t value = 0;
  const std::string s = text.value_or("");
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || value == 0) {
    return badRequest("lt=" + s + " is not a positive number of seconds");
  }
  if (value < policy.minLifetime || value > policy.maxLifetime) {
    return badRequest("lt=" + s + " is outside the allowed " + std::to_string(policy.minLifetime) +
                      ".." + std::to_string(policy.maxLifetime) + " seconds");
  }
  return value;
}

bool isSupportedVersion(std::string_view v) { return v == "1.0" || v == "1.1" || v == "1.2"; }

// MAJOR.MINOR, digits only: "1.0.2" or "v1.1" are malformed.
bool isWellFormedVersion(std::string_view v) {
  auto dot = v.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == v.size()) return false;
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(v.substr(0, dot)) && digits(v.substr(dot + 1));
}

// The binding modes a client of `version` may announce in b=; returns the
// reason when invalid. Sets queueMode for the 1.0 "UQ"-style syntax.
std::optional<std::string> checkBinding(const std::string& binding, const std::string& version,
                                        bool& queueMode) {
  if (binding.empty()) return "b= is empty";
  if (version == "1.0") {
    static const char* const kValid[] = {"U", "UQ", "S", "SQ", "US", "UQS"};
    if (std::find(std::begin(kValid), std::end(kValid), binding) == std::end(kValid)) {
      return "b=" + binding + " is not a LwM2M 1.0 binding (U, UQ, S, SQ, US, UQS)";
    }
    queueMode = binding.find('Q') != std::string::npos;
    return std::nullopt;
  }
  const std::string_view allowed = version == "1.1" ? "UTSN" : "UMHTSN";
  std::string seen;
  for (char c : binding) {
    if (c == 'Q') return "b=" + binding + ": Q is not a binding in LwM2M " + version + ", use the Q parameter";
    if (allowed.find(c) == std::string_view::npos) {
      return "b=" + binding + ": '" + std::string(1, c) + "' is not a LwM2M " + version + " binding";
    }
    if (seen.find(c) != std::string::npos) return "b=" + binding + " repeats '" + std::string(1, c) + "'";
    seen.push_back(c);
  }
  return std::nullopt;
}

bool isObjectId(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  return ec == std::errc() && end == s.data() + s.size() && value < 65535;
}

// "/3" or "/3/0" (relative to the root path).
bool isObjectOrInstancePath(std::string_view p) {
  if (p.size() < 2 || p[0] != '/') return false;
  p.remove_prefix(1);
  auto slash = p.find('/');
  if (slash == std::string_view::npos) return isObjectId(p);
  return isObjectId(p.substr(0, slash)) && isObjectId(p.substr(slash + 1));
}

struct ParsedLinks {
  std::vector<formats::Link> links;
  std::string rootPath = "/";
};

std::variant<ParsedLinks, Rejection> parseObjectLinks(const coap::Message& request) {
  ParsedLinks out;
  if (auto cf = request.contentFormat(); cf && *cf != formats::kLinkFormat) {
    return badRequest("payload content format " + std::to_string(*cf) +
                      " is not application/link-format (40)");
  }
  if (request.payload.empty()) return out;
  auto links = formats::parseLinkFormat(request.payloadString());
  if (!links) return badRequest("object links: " + links.error().message);
  for (const formats::Link& link : *links) {
    const formats::LinkAttribute* rt = link.find("rt");
    if (rt && rt->value && *rt->value == "oma.lwm2m") {
      out.rootPath = link.target.empty() ? "/" : link.target;
    }
  }
  const std::string prefix = out.rootPath == "/" ? "" : out.rootPath;
  for (const formats::Link& link : *links) {
    if (link.target == out.rootPath) continue;
    std::string_view target = link.target;
    if (!prefix.empty()) {
      if (target.substr(0, prefix.size()) != prefix) {
        return badRequest("object link <" + link.target + "> is outside the root path " + out.rootPath);
      }
      target.remove_prefix(prefix.size());
    }
    if (!isObjectOrInstancePath(target)) {
      return badRequest("object link <" + link.target + "> is not an object or object instance path");
    }
  }
  out.links = std::move(*links);
  return out;
}

}  // namespace

std::variant<RegisterParameters, Rejection> parseRegister(const coap::Message& request,
                                                          const RegistrationPolicy& policy) {
  RegisterParameters p;
  bool haveEndpoint = false;
  bool haveVersion = false;
  bool queueFlag = false;
  for (QueryParameter& q : queryParameters(request)) {
    if (q.name == "ep") {
      if (!q.value || q.value->empty()) return badRequest("ep= is empty");
      p.endpoint = std::move(*q.value);
      haveEndpoint = true;
    } else if (q.name == "lt") {
      auto lt = parseLifetime(q.value, policy);
      if (auto* r = std::get_if<Rejection>(&lt)) return std::move(*r);
      p.lifetime = std::get<std::uint32_t>(lt);
    } else if (q.name == "lwm2m") {
      if (!q.value || !isWellFormedVersion(*q.value)) {
        return badRequest("lwm2m=" + q.value.value_or("") + " is not MAJOR.MINOR");
      }
      if (!isSupportedVersion(*q.value)) {
        return Rejection{coap::codes::PreconditionFailed,
                         "LwM2M version " + *q.value + " is not supported (1.0, 1.1, 1.2 are)"};
      }
      p.version = std::move(*q.value);
      haveVersion = true;
    } else if (q.name == "b") {
      p.binding = q.value.value_or("");
    } else if (q.name == "sms") {
      p.smsNumber = q.value.value_or("");
    } else if (q.name == "Q") {
      if (q.value) return badRequest("Q takes no value");
      queueFlag = true;
    } else {
      p.extraParameters.emplace_back(q.name, q.value.value_or(""));
    }
  }
  if (!haveEndpoint) return badRequest("ep= (endpoint client name) is missing");
  if (!haveVersion && policy.strictVersion) return badRequest("lwm2m= is missing");
  if (queueFlag && p.version == "1.0") return badRequest("the Q parameter exists only from LwM2M 1.1");
  if (auto why = checkBinding(p.binding, p.version, p.queueMode)) return badRequest(*why);
  if (p.version != "1.0") p.queueMode = queueFlag;

  auto links = parseObjectLinks(request);
  if (auto* r = std::get_if<Rejection>(&links)) return std::move(*r);
  auto& parsed = std::get<ParsedLinks>(links);
  p.objectLinks = std::move(parsed.links);
  p.rootPath = std::move(parsed.rootPath);
  return p;
}

std::variant<UpdateParameters, Rejection> parseUpdate(const coap::Message& request,
                                                      const std::string& version,
                                                      const RegistrationPolicy& policy) {
  UpdateParameters p;
  bool queueFlag = false;
  for (QueryParameter& q : queryParameters(request)) {
    if (q.name == "lt") {
      auto lt = parseLifetime(q.value, policy);
      if (auto* r = std::get_if<Rejection>(&lt)) return std::move(*r);
      p.lifetime = std::get<std::uint32_t>(lt);
    } else if (q.name == "b") {
      p.binding = q.value.value_or("");
    } else if (q.name == "sms") {
      p.smsNumber = q.value.value_or("");
    } else if (q.name == "Q") {
      if (q.value) return badRequest("Q takes no value");
      if (version == "1.0") return badRequest("the Q parameter exists only from LwM2M 1.1");
      queueFlag = true;
    }
    // Other parameters (ep, lwm2m, ...) cannot change in an Update; they are ignored.
  }
  if (p.binding) {
    bool queueMode = false;
    if (auto why = checkBinding(*p.binding, version, queueMode)) return badRequest(*why);
    if (version == "1.0") p.queueMode = queueMode;
  }
  // From 1.1 queue mode is the Q parameter; an Update carries only what changed.
  if (queueFlag) p.queueMode = true;
  if (!request.payload.empty()) {
    auto links = parseObjectLinks(request);
    if (auto* r = std::get_if<Rejection>(&links)) return std::move(*r);
    auto& parsed = std::get<ParsedLinks>(links);
    p.objectLinks = std::move(parsed.links);
    p.rootPath = std::move(parsed.rootPath);
  }
  return p;
}

}  // namespace lwm2m::server
