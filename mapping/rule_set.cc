// RuleSet: its subscription filters, and describe() for --print-mapping.
#include <algorithm>
#include <sstream>

#include "mapping/rule_set.h"

namespace lwm2m::mapping {

namespace {

std::string formatNumber(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

void describeMatch(std::ostringstream& out, const RuleMatch& match) {
  out << "    match: endpoint " << match.endpoint;
  if (!match.paths.empty()) {
    out << ", path";
    for (const auto& p : match.paths) out << ' ' << p.text();
  }
  if (!match.objectName.empty()) out << ", object \"" << match.objectName << '"';
  if (!match.resourceName.empty()) out << ", resource \"" << match.resourceName << '"';
  if (!match.events.empty()) {
    out << ", events";
    for (auto e : match.events) out << ' ' << toString(e);
  }
  out << '\n';
}

void describeAttributes(std::ostringstream& out, const operations::NotificationAttributes& a) {
  for (const std::string& q : operations::toQueries(a)) out << ' ' << q;
}

void describeTransform(std::ostringstream& out, const Transform& t) {
  if (!t.numeric() && t.rename.empty()) return;
  out << "    transform:";
  if (t.scale != 1) out << " scale " << formatNumber(t.scale);
  if (t.offset != 0) out << " offset " << formatNumber(t.offset);
  if (t.round) out << " round " << *t.round;
  if (!t.rename.empty()) out << " rename \"" << t.rename << '"';
  out << '\n';
}

void describeValueCheck(std::ostringstream& out, const ValueCheck& v) {
  out << "    validate:";
  if (v.type) out << " type " << model::toString(*v.type);
  if (v.min) out << " min " << formatNumber(*v.min);
  if (v.max) out << " max " << formatNumber(*v.max);
  if (!v.oneOf.empty()) {
    out << " one of";
    for (const auto& o : v.oneOf) out << " \"" << o << '"';
  }
  out << '\n';
}

std::string title(const std::string& name, size_t index) {
  return name.empty() ? "#" + std::to_string(index + 1) : name;
}

}  // namespace

std::vector<std::string> RuleSet::subscriptions() const {
  std::vector<std::string> out;
  for (const auto& rule : downlink_) {
    if (!rule.enabled) continue;
    std::string filter = rule.topic.filter();
    if (std::find(out.begin(), out.end(), filter) == out.end()) out.push_back(filter);
  }
  return out;
}

std::string describe(const RuleSet& rules) {
  std::ostringstream out;
  out << "mapping files:";
  for (const auto& f : rules.files()) out << ' ' << f;
  out << "\n\nuplink rules (" << rules.uplink().size() << "):\n";
  for (size_t i = 0; i < rules.uplink().size(); ++i) {
    const auto& r = rules.uplink()[i];
    out << "  " << title(r.name, i) << (r.enabled ? "" : " (disabled)") << "  [" << r.source << "]\n";
    describeMatch(out, r.match);
    out << "    topic: " << r.topic << "  payload: " << toString(r.style) << "  qos: " << r.qos
        << (r.retain ? "  retain" : "") << '\n';
    describeTransform(out, r.transform);
    if (r.batch.enabled()) {
      out << "    batch: up to " << r.batch.maxMessages << " messages or " << r.batch.maxDelay.count()
          << " ms\n";
    }
  }
  out << "\nobserve rules (" << rules.observe().size() << "):\n";
  for (size_t i = 0; i < rules.observe().size(); ++i) {
    const auto& r = rules.observe()[i];
    out << "  " << title(r.name, i) << (r.enabled ? "" : " (disabled)") << "  [" << r.source << "]\n";
    describeMatch(out, r.match);
    out << "    attributes:";
    if (r.attributes.empty()) out << " none";
    describeAttributes(out, r.attributes);
    out << (r.composite ? "  composite" : "") << '\n';
  }
  out << "\ndownlink rules (" << rules.downlink().size() << "):\n";
  for (size_t i = 0; i < rules.downlink().size(); ++i) {
    const auto& r = rules.downlink()[i];
    out << "  " << title(r.name, i) << (r.enabled ? "" : " (disabled)") << "  [" << r.source << "]\n";
    out << "    topic: " << r.topic.text() << "  (subscribes " << r.topic.filter() << ")  payload: " << toString(r.style)
        << '\n';
    if (r.operation) out << "    operation: " << operations::commandName(*r.operation) << '\n';
    if (!r.pathTemplate.empty()) out << "    path: " << r.pathTemplate << '\n';
    if (!r.responseTopic.empty()) out << "    responses: " << r.responseTopic << "  qos: " << r.responseQos << '\n';
    if (r.ttlSeconds) out << "    ttl: " << *r.ttlSeconds << " s\n";
    if (r.validate) describeValueCheck(out, *r.validate);
  }
  out << "\nhttp aliases (" << rules.http().size() << "):\n";
  for (size_t i = 0; i < rules.http().size(); ++i) {
    const auto& r = rules.http()[i];
    out << "  " << title(r.name, i) << (r.enabled ? "" : " (disabled)") << "  [" << r.source << "]\n";
    out << "    " << r.method << ' ' << r.pathText << "  ->  " << operations::commandName(r.operation);
    if (r.operation == Operation::WriteUpdate) out << " (partial)";
    for (const auto& t : r.targets) out << ' ' << t;
    out << "  payload: " << toString(r.style) << '\n';
    describeTransform(out, r.transform);
    if (r.validate) describeValueCheck(out, *r.validate);
    if (!r.responseTopic.empty()) out << "    responses: " << r.responseTopic << "  qos: " << r.responseQos << '\n';
    if (r.ttlSeconds) out << "    ttl: " << *r.ttlSeconds << " s\n";
  }
  return out.str();
}

}  // namespace lwm2m::mapping
