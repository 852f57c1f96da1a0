#include "persistence/request_row.h"

#include <charconv>
#include <cstdio>
#include <sstream>
#include <vector>

namespace lwm2m::persistence {
namespace {

using model::DataType;
using model::Value;

// Percent-escapes what would break a line: '%', line breaks, tabs, NUL.
std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '%' || c == '\n' || c == '\r' || c == '\t' || c == '\0') {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

Result<std::string> unescape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    unsigned v = 0;
    if (i + 2 >= text.size() ||
        std::from_chars(text.data() + i + 1, text.data() + i + 3, v, 16).ptr != text.data() + i + 3) {
      return fail("bad escape in \"" + std::string(text) + "\"");
    }
    out += static_cast<char>(v);
    i += 2;
  }
  return out;
}

std::string number(double d) {
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

std::string valueText(const Value& v) {
  switch (v.type()) {
    case DataType::None: return "";
    case DataType::String:
    case DataType::Corelnk: return escape(v.asString());
    case DataType::Integer: return std::to_string(v.asInteger());
    case DataType::Time: return std::to_string(v.asTime());
    case DataType::UnsignedInteger: return std::to_string(v.asUnsigned());
    case DataType::Float: return number(v.asFloat());
    case DataType::Boolean: return v.asBoolean() ? "1" : "0";
    case DataType::Opaque: return model::encodeBase64(v.asOpaque());
    case DataType::Objlnk: return v.asObjectLink().toString();
  }
  return "";
}

template <class T>
Result<T> whole(std::string_view text) {
  T v{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return fail("\"" + std::string(text) + "\" is not a number");
  return v;
}

Result<Value> readValue(DataType type, std::string_view text) {
  switch (type) {
    case DataType::None: return Value();
    case DataType::String:
    case DataType::Corelnk: {
      auto s = unescape(text);
      if (!s) return s.error();
      return type == DataType::String ? Value::string(std::move(*s)) : Value::coreLink(std::move(*s));
    }
    case DataType::Integer:
    case DataType::Time: {
      auto v = whole<std::int64_t>(text);
      if (!v) return v.error();
      return type == DataType::Integer ? Value::integer(*v) : Value::time(*v);
    }
    case DataType::UnsignedInteger: {
      auto v = whole<std::uint64_t>(text);
      if (!v) return v.error();
      return Value::unsignedInteger(*v);
    }
    case DataType::Float: {
      double d = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
      if (ec != std::errc() || end != text.data() + text.size()) return fail("\"" + std::string(text) + "\" is not a number");
      return Value::floating(d);
    }
    case DataType::Boolean: return Value::boolean(text == "1");
    case DataType::Opaque: {
      auto bytes = model::decodeBase64(text);
      if (!bytes) return bytes.error();
      return Value::opaque(std::move(*bytes));
    }
    case DataType::Objlnk: {
      auto link = model::ObjectLink::parse(text);
      if (!link) return link.error();
      return Value::objectLink(*link);
    }
  }
  return fail("unknown type");
}

std::string typeName(DataType type) { return std::to_string(static_cast<int>(type)); }

void writeResource(std::ostringstream& out, const model::Resource& r) {
  if (r.isMultiple()) {
    out << "M " << r.id() << ' ' << typeName(r.type()) << '\n';
    for (const auto& [id, v] : r.instances()) out << "V " << id << ' ' << typeName(v.type()) << ' ' << valueText(v) << '\n';
  } else {
    out << "R " << r.id() << ' ' << typeName(r.value().type()) << ' ' << valueText(r.value()) << '\n';
  }
}

void writeInstance(std::ostringstream& out, const model::ObjectInstance& i) {
  out << "I " << i.id() << '\n';
  for (const auto& [id, r] : i.resources()) writeResource(out, r);
}

void writeNode(std::ostringstream& out, const model::Node& node) {
  if (const auto* o = node.object()) {
    out << "O " << o->id() << '\n';
    for (const auto& [id, i] : o->instances()) writeInstance(out, i);
    out << "E\n";
  } else if (const auto* i = node.objectInstance()) {
    writeInstance(out, *i);
    out << "E\n";
  } else if (const auto* r = node.resource()) {
    writeResource(out, *r);
    out << "E\n";
  } else if (const auto* ri = node.resourceInstance()) {
    out << "RI " << ri->id << ' ' << typeName(ri->value.type()) << ' ' << valueText(ri->value) << "\nE\n";
  }
}

struct Line {
  std::string_view key;
  std::string_view rest;
};

Line split(std::string_view line) {
  const auto space = line.find(' ');
  if (space == std::string_view::npos) return {line, {}};
  return {line.substr(0, space), line.substr(space + 1)};
}

// Reads lines up to "E" into a node. Object > instances > resources.
class NodeReader {
 public:
  explicit NodeReader(std::vector<std::string_view>::const_iterator& it,
                      std::vector<std::string_view>::const_iterator end)
      : it_(it), end_(end) {}

  Result<model::Node> read() {
    std::optional<model::ObjectId> object;
    std::vector<model::ObjectInstance> instances;
    std::optional<model::InstanceId> instance;
    std::vector<model::Resource> resources;
    std::optional<model::ResourceInstance> single;
    auto closeInstance = [&] {
      if (instance) instances.emplace_back(*instance, resources);
      resources.clear();
      instance.reset();
    };
    for (; it_ != end_; ++it_) {
      const Line l = split(*it_);
      if (l.key == "E") {
        ++it_;
        if (single) return model::Node(*single);
        if (object) {
          closeInstance();
          return model::Node(model::Object(*object, instances));
        }
        if (instance) return model::Node(model::ObjectInstance(*instance, resources));
        if (resources.size() == 1) return model::Node(resources.front());
        return fail("empty node");
      }
      if (l.key == "O") {
        auto id = whole<model::ObjectId>(l.rest);
        if (!id) return id.error();
        object = *id;
      } else if (l.key == "I") {
        closeInstance();
        auto id = whole<model::InstanceId>(l.rest);
        if (!id) return id.error();
        instance = *id;
      } else if (l.key == "R" || l.key == "RI" || l.key == "V") {
        auto parts = fields(l.rest);
        if (!parts) return parts.error();
        auto [id, value] = std::move(*parts);
        if (l.key == "R") {
          resources.push_back(model::Resource::single(id, std::move(value)));
        } else if (l.key == "RI") {
          single = model::ResourceInstance{id, std::move(value)};
        } else {
          if (resources.empty() || !resources.back().isMultiple()) return fail("resource instance outside a resource");
          auto values = resources.back().instances();
          values[id] = std::move(value);
          const auto rid = resources.back().id();
          const auto type = resources.back().type();
          resources.back() = model::Resource::multiple(rid, type, std::move(values));
        }
      } else if (l.key == "M") {
        const auto space = l.rest.find(' ');
        auto id = whole<model::ResourceId>(l.rest.substr(0, space));
        auto type = whole<int>(space == std::string_view::npos ? std::string_view() : l.rest.substr(space + 1));
        if (!id || !type) return fail("bad multiple resource line \"" + std::string(*it_) + "\"");
        resources.push_back(model::Resource::multiple(*id, static_cast<DataType>(*type), {}));
      } else {
        return fail("unexpected line \"" + std::string(*it_) + "\" in a node");
      }
    }
    return fail("node without end");
  }

 private:
  // "<id> <type> <text>"
  static Result<std::pair<std::uint16_t, Value>> fields(std::string_view rest) {
    const auto a = rest.find(' ');
    if (a == std::string_view::npos) return fail("bad value line");
    const auto b = rest.find(' ', a + 1);
    auto id = whole<std::uint16_t>(rest.substr(0, a));
    auto type = whole<int>(rest.substr(a + 1, b == std::string_view::npos ? std::string_view::npos : b - a - 1));
    if (!id || !type || *type < 0 || *type > static_cast<int>(DataType::Corelnk)) return fail("bad value line");
    auto value = readValue(static_cast<DataType>(*type), b == std::string_view::npos ? "" : rest.substr(b + 1));
    if (!value) return value.error();
    return std::pair<std::uint16_t, Value>{*id, std::move(*value)};
  }

  std::vector<std::string_view>::const_iterator& it_;
  std::vector<std::string_view>::const_iterator end_;
};

Result<model::Path> pathOf(std::string_view text) {
  auto p = model::Path::parse(text);
  if (!p) return fail("bad path \"" + std::string(text) + "\"");
  return *p;
}

}  // namespace

std::string encodeRequestRow(const RequestRow& row) {
  const operations::DeviceRequest& r = row.request;
  std::ostringstream out;
  out << "op " << operations::operationName(r.operation) << '\n';
  out << "path " << r.path.toString() << '\n';
  for (const auto& p : r.paths) out << "paths " << p.toString() << '\n';
  if (r.timeout) out << "timeout " << r.timeout->count() << '\n';
  if (r.ttl) out << "ttl " << r.ttl->count() << '\n';
  if (r.format) out << "format " << *r.format << '\n';
  if (!r.arguments.empty()) out << "args " << escape(r.arguments) << '\n';
  if (!r.attributes.empty() || !r.attributes.clear.empty()) {
    out << "attrs " << operations::toQueryString(r.attributes) << '\n';
  }
  if (r.package) {
    if (r.package->stored()) out << "package " << r.package->sha256 << ' ' << r.package->size << '\n';
    if (!r.package->source.empty()) out << "package.source " << escape(r.package->source) << '\n';
  }
  if (r.node) {
    out << "node\n";
    writeNode(out, *r.node);
  }
  for (const auto& [path, node] : r.nodes) {
    out << "nodes " << path.toString() << '\n';
    writeNode(out, node);
  }
  const gateway::api::ReplyRoute& reply = row.reply;
  if (!reply.topic.empty()) out << "reply.topic " << escape(reply.topic) << '\n';
  if (!reply.correlationData.empty()) {
    out << "reply.data "
        << model::encodeBase64(model::Bytes(reply.correlationData.begin(), reply.correlationData.end())) << '\n';
  }
  if (!reply.correlationId.empty()) out << "reply.correlation " << escape(reply.correlationId) << '\n';
  if (!reply.requestId.empty()) out << "reply.id " << escape(reply.requestId) << '\n';
  if (reply.style == gateway::api::ReplyStyle::Emqx) out << "reply.style emqx\n";
  if (reply.qos != 0) out << "reply.qos " << reply.qos << '\n';
  if (!reply.echo.empty()) out << "reply.echo " << escape(reply.echo) << '\n';
  return out.str();
}

Result<RequestRow> decodeRequestRow(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    lines.push_back(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
  }
  RequestRow row;
  operations::DeviceRequest& r = row.request;
  bool sawOperation = false;
  for (auto it = lines.cbegin(); it != lines.cend();) {
    const Line l = split(*it);
    const std::string where = "queued row line \"" + std::string(*it) + "\": ";
    auto failed = [&](const Error& e) { return fail(ErrorCode::StoreFailed, where + e.message); };
    if (l.key == "node" || l.key == "nodes") {
      std::optional<model::Path> at;
      if (l.key == "nodes") {
        auto p = pathOf(l.rest);
        if (!p) return failed(p.error());
        at = *p;
      }
      ++it;
      NodeReader reader(it, lines.cend());
      auto node = reader.read();
      if (!node) return failed(node.error());
      if (at) {
        r.nodes.emplace(*at, std::move(*node));
      } else {
        r.node = std::move(*node);
      }
      continue;
    }
    if (l.key == "op") {
      auto op = operations::parseOperation(l.rest);
      if (!op) return failed(Error{ErrorCode::StoreFailed, "unknown operation"});
      r.operation = *op;
      sawOperation = true;
    } else if (l.key == "path" || l.key == "paths") {
      auto p = pathOf(l.rest);
      if (!p) return failed(p.error());
      (l.key == "path" ? r.path = *p : r.paths.emplace_back(*p));
    } else if (l.key == "timeout" || l.key == "ttl" || l.key == "format" || l.key == "reply.qos") {
      auto n = whole<std::int64_t>(l.rest);
      if (!n) return failed(n.error());
      if (l.key == "timeout") r.timeout = std::chrono::milliseconds(*n);
      if (l.key == "ttl") r.ttl = std::chrono::seconds(*n);
      if (l.key == "format") r.format = static_cast<formats::ContentFormat>(*n);
      if (l.key == "reply.qos") row.reply.qos = static_cast<int>(*n);
    } else if (l.key == "package") {
      const auto space = l.rest.find(' ');
      const std::string_view sha = l.rest.substr(0, space);
      auto size = whole<std::uint64_t>(space == std::string_view::npos ? std::string_view() : l.rest.substr(space + 1));
      if (!operations::isSha256Name(sha) || !size) return failed(Error{ErrorCode::StoreFailed, "bad package reference"});
      if (!r.package) r.package.emplace();
      r.package->sha256 = std::string(sha);
      r.package->size = *size;
    } else if (l.key == "package.source") {
      auto s = unescape(l.rest);
      if (!s) return failed(s.error());
      if (!r.package) r.package.emplace();
      r.package->source = std::move(*s);
    } else if (l.key == "attrs") {
      auto a = operations::parseQueryString(l.rest);
      if (!a) return failed(a.error());
      r.attributes = std::move(*a);
    } else if (l.key == "reply.data") {
      auto bytes = model::decodeBase64(l.rest);
      if (!bytes) return failed(bytes.error());
      row.reply.correlationData.assign(bytes->begin(), bytes->end());
    } else if (l.key == "reply.style") {
      row.reply.style = l.rest == "emqx" ? gateway::api::ReplyStyle::Emqx : gateway::api::ReplyStyle::Json;
    } else if (l.key == "args" || l.key == "reply.topic" || l.key == "reply.correlation" || l.key == "reply.id" ||
               l.key == "reply.echo") {
      auto s = unescape(l.rest);
      if (!s) return failed(s.error());
      std::string& into = l.key == "args"          ? r.arguments
                          : l.key == "reply.topic" ? row.reply.topic
                          : l.key == "reply.id"    ? row.reply.requestId
                          : l.key == "reply.echo"  ? row.reply.echo
                                                   : row.reply.correlationId;
      into = std::move(*s);
    } else if (!l.key.empty()) {
      return failed(Error{ErrorCode::StoreFailed, "unknown field"});
    }
    ++it;
  }
  if (!sawOperation) return fail(ErrorCode::StoreFailed, "queued row names no operation");
  return row;
}

}  // namespace lwm2m::persistence
