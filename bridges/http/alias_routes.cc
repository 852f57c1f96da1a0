#include "bridges/http/alias_routes.h"

#include <boost/beast/http/field.hpp>

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;
namespace {

using beast_http::status;

// Splits "a&b=c" into decoded (name, value) pairs; nullopt for a malformed escape.
std::optional<std::vector<std::pair<std::string, std::string>>> queryPairs(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    std::string_view item = query.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    size_t eq = item.find('=');
    auto name = percentDecode(item.substr(0, eq));
    auto value = percentDecode(eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
  }
  return out;
}

// The request as the mapping reads it; an error text for a malformed target.
std::variant<mapping::HttpCall, std::string> httpCall(const Request& request) {
  mapping::HttpCall call;
  call.method = std::string(request.method_string());
  std::string_view target(request.target().data(), request.target().size());
  std::string_view path = target.substr(0, target.find('?'));
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  size_t start = 0;
  while (true) {
    size_t slash = path.find('/', start);
    std::string_view level = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    auto decoded = percentDecode(level);
    if (!decoded) return "malformed percent-escape in '" + std::string(level) + "'";
    call.levels.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (auto q = target.find('?'); q != std::string_view::npos) {
    auto pairs = queryPairs(target.substr(q + 1));
    if (!pairs) return std::string("malformed percent-escape in the query");
    call.query = std::move(*pairs);
  }
  call.body = request.body();
  return call;
}

status deviceCodeStatus(const std::string& code) {
  static const std::pair<std::string_view, status> kCodes[] = {
      {"2.01", status::created},           {"4.00", status::bad_request},
      {"4.01", status::forbidden},         {"4.02", status::bad_request},
      {"4.03", status::forbidden},         {"4.04", status::not_found},
      {"4.05", status::bad_request},       {"4.06", status::not_acceptable},
      {"4.08", status::bad_request},       {"4.09", status::conflict},
      {"4.12", status::precondition_failed}, {"4.13", status::payload_too_large},
      {"4.15", status::unsupported_media_type}, {"4.22", status::unprocessable_entity},
      {"4.29", status::too_many_requests}, {"5.00", status::internal_server_error},
      {"5.01", status::not_implemented},   {"5.02", status::bad_gateway},
      {"5.03", status::service_unavailable}, {"5.04", status::gateway_timeout},
      {"5.05", status::bad_gateway},
  };
  for (const auto& [c, s] : kCodes) {
    if (c == code) return s;
  }
  if (!code.empty() && code.front() == '2') return status::ok;
  if (!code.empty() && code.front() == '4') return status::bad_request;
  return status::bad_gateway;
}

Response answerResponse(const AliasCall& call, const mapping::HttpAnswer& answer) {
  Request shape{beast_http::verb::get, "/", call.version};
  shape.keep_alive(call.keepAlive);
  Response response = jsonResponse(answerStatus(answer), answer.body, shape);
  if (!answer.body.empty()) response.set(beast_http::field::content_type, answer.contentType);
  return response;
}

}  // namespace

status answerStatus(const mapping::HttpAnswer& answer) {
  using operations::Outcome;
  switch (answer.outcome) {
    case Outcome::Success:
      if (answer.body.empty()) return status::no_content;
      return answer.code == "2.01" ? status::created : status::ok;
    case Outcome::DeviceError: return deviceCodeStatus(answer.code);
    case Outcome::Timeout: return status::gateway_timeout;
    case Outcome::Reset: return status::bad_gateway;
    case Outcome::NotRegistered: return status::not_found;
    case Outcome::BadRequest: return status::bad_request;
    case Outcome::InvalidResponse: return status::bad_gateway;
  }
  return status::bad_gateway;
}

std::optional<std::variant<AliasCall, Response>> matchAlias(const mapping::RuleSet& rules, const Request& request,
                                                            const model::ObjectModel& model) {
  if (rules.http().empty()) return std::nullopt;
  const unsigned version = request.version();
  const bool keepAlive = request.keep_alive();
  auto call = httpCall(request);
  if (auto* problem = std::get_if<std::string>(&call)) {
    return Response(errorResponse(status::bad_request, *problem, version, keepAlive));
  }
  auto matched = mapping::matchHttpAlias(rules, std::get<mapping::HttpCall>(call), model);
  if (auto* accepted = std::get_if<mapping::AliasCall>(&matched)) {
    return AliasCall{std::move(*accepted), version, keepAlive};
  }
  const auto& refusal = std::get<mapping::AliasRefusal>(matched);
  switch (refusal.kind) {
    case mapping::AliasRefusal::Kind::NotFound: return std::nullopt;
    case mapping::AliasRefusal::Kind::BadRequest:
      return Response(errorResponse(status::bad_request, refusal.message, version, keepAlive));
    case mapping::AliasRefusal::Kind::MethodNotAllowed: {
      Response response = errorResponse(status::method_not_allowed, refusal.message, version, keepAlive);
      std::string allow;
      for (const auto& m : refusal.allowed) allow += (allow.empty() ? "" : ", ") + m;
      response.set(beast_http::field::allow, allow);
      return response;
    }
  }
  return std::nullopt;
}

Response renderAliasResult(const AliasCall& call, const operations::DeviceResponse& response,
                           const model::ObjectModel& model, std::chrono::system_clock::time_point at) {
  return renderAliasEvent(call, mapping::responseEvent(call.matched.command, response, at), model);
}

Response renderAliasEvent(const AliasCall& call, const gateway::api::DeviceEvent& event,
                          const model::ObjectModel& model) {
  return answerResponse(call, mapping::renderHttpAnswer(call.matched.alias, event, model));
}

void AliasRoutes::setRules(std::shared_ptr<const mapping::RuleSet> rules) {
  rules_ = rules ? std::move(rules) : std::make_shared<mapping::RuleSet>();
}

}  // namespace lwm2m::bridges::http
