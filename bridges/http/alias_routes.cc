#include "bridges/http/alias_routes.h"

#include <boost/beast/http/field.hpp>

namespace lwm2m::bridges::http {
namespace beast_http = boost::beast::http;

namespace {

// The request as the mapping reads it: levels begin with "" for the leading '/'.
mapping::HttpCall httpCall(const Request& request, const RestTarget& url) {
  mapping::HttpCall call;
  call.method = std::string(request.method_string());
  call.levels.reserve(url.segments.size() + 1);
  call.levels.emplace_back();
  call.levels.insert(call.levels.end(), url.segments.begin(), url.segments.end());
  call.query = url.query;
  call.body = request.body();
  return call;
}

}  // namespace

void replyAliasResult(const mapping::HttpAlias& alias, const TrackedRequest& request, const Reply& reply,
                      const model::ObjectModel& model) {
  FinishedAnswer finished = finishedAnswer(request);
  mapping::HttpAnswer answer = mapping::renderHttpAnswer(alias, finished.end, model);
  if (answer.body.empty() && finished.status == beast_http::status::ok) finished.status = beast_http::status::no_content;
  finished.headers.emplace_back(beast_http::field::content_type, answer.contentType);
  reply.json(finished.status, std::move(answer.body), finished.headers);
}

bool AliasRoutes::handle(const Request& request, const RestTarget& url, const Reply& reply) {
  const auto rules = rules_ ? rules_() : nullptr;
  if (!rules || rules->http().empty()) return false;
  const auto models = models_.current();
  auto matched = mapping::matchHttpAlias(*rules, httpCall(request, url), *models);
  if (auto* refusal = std::get_if<mapping::AliasRefusal>(&matched)) {
    switch (refusal->kind) {
      case mapping::AliasRefusal::Kind::NotFound: return false;
      case mapping::AliasRefusal::Kind::BadRequest:
        reply.error(beast_http::status::bad_request, refusal->message);
        return true;
      case mapping::AliasRefusal::Kind::MethodNotAllowed: {
        std::string allow;
        for (const auto& m : refusal->allowed) allow += (allow.empty() ? "" : ", ") + m;
        reply.notAllowed(allow);
        return true;
      }
    }
    return false;
  }
  auto& accepted = std::get<mapping::AliasCall>(matched);
  const std::string endpoint = accepted.command.endpoint;
  auto device = devices_.registered(endpoint, reply);
  if (!device) return true;
  auto call = controlledCall(std::move(accepted.command.request), url);
  if (!call) {
    reply.error(beast_http::status::bad_request, call.error().message);
    return true;
  }
  call->reply = std::move(accepted.command.reply);
  call_.start(endpoint, std::move(*call), device->queueMode && tracker_->asleep(endpoint), reply,
              [alias = std::move(accepted.alias)](const TrackedRequest& finished, const Reply& r,
                                                   const model::ObjectModel& model) {
                replyAliasResult(alias, finished, r, model);
              });
  return true;
}

}  // namespace lwm2m::bridges::http
