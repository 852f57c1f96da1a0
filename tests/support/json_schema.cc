#include "tests/support/json_schema.h"

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace lwm2m::testing {
namespace {

std::string typeName(const rapidjson::Value& v) {
  if (v.IsNull()) return "null";
  if (v.IsBool()) return "boolean";
  if (v.IsInt64() || v.IsUint64()) return "integer";
  if (v.IsNumber()) return "number";
  if (v.IsString()) return "string";
  if (v.IsArray()) return "array";
  return "object";
}

bool hasType(const rapidjson::Value& v, std::string_view type) {
  if (type == "number") return v.IsNumber();
  if (type == "integer") return v.IsInt64() || v.IsUint64();
  if (type == "string") return v.IsString();
  if (type == "boolean") return v.IsBool();
  if (type == "array") return v.IsArray();
  if (type == "object") return v.IsObject();
  return false;
}

std::string text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

class Checker {
 public:
  explicit Checker(const rapidjson::Value& root) : root_(root) {}

  void check(const rapidjson::Value& schemaOrRef, const rapidjson::Value& value, const std::string& at) {
    const rapidjson::Value* schema = dereference(root_, schemaOrRef);
    if (!schema) return problem(at, "dangling $ref " + text(schemaOrRef));
    if (!schema->IsObject()) return problem(at, "schema is not an object");
    if (value.IsNull()) {
      auto nullable = schema->FindMember("nullable");
      if (nullable == schema->MemberEnd() || !nullable->value.IsTrue()) problem(at, "null where the schema is not nullable");
      return;
    }
    if (auto type = schema->FindMember("type"); type != schema->MemberEnd() && type->value.IsString()) {
      if (!hasType(value, type->value.GetString())) {
        return problem(at, std::string("expected ") + type->value.GetString() + ", got " + typeName(value));
      }
    }
    if (auto e = schema->FindMember("enum"); e != schema->MemberEnd() && e->value.IsArray()) {
      bool found = false;
      for (const auto& allowed : e->value.GetArray()) found = found || allowed == value;
      if (!found) problem(at, text(value) + " is not one of " + text(e->value));
    }
    if (value.IsNumber()) {
      if (auto m = schema->FindMember("minimum"); m != schema->MemberEnd() && value.GetDouble() < m->value.GetDouble()) {
        problem(at, text(value) + " is below the minimum " + text(m->value));
      }
      if (auto m = schema->FindMember("maximum"); m != schema->MemberEnd() && value.GetDouble() > m->value.GetDouble()) {
        problem(at, text(value) + " is above the maximum " + text(m->value));
      }
    }
    if (auto one = schema->FindMember("oneOf"); one != schema->MemberEnd() && one->value.IsArray()) {
      std::size_t matching = 0;
      for (const auto& alternative : one->value.GetArray()) {
        Checker inner(root_);
        inner.check(alternative, value, at);
        matching += inner.problems_.empty() ? 1 : 0;
      }
      if (matching != 1) problem(at, text(value) + " matches " + std::to_string(matching) + " of oneOf's schemas, not exactly one");
    }
    if (value.IsObject()) checkObject(*schema, value, at);
    if (value.IsArray()) {
      if (auto items = schema->FindMember("items"); items != schema->MemberEnd()) {
        std::size_t i = 0;
        for (const auto& item : value.GetArray()) check(items->value, item, at + "[" + std::to_string(i++) + "]");
      }
    }
  }

  std::vector<std::string> problems_;

 private:
  void checkObject(const rapidjson::Value& schema, const rapidjson::Value& value, const std::string& at) {
    if (auto required = schema.FindMember("required"); required != schema.MemberEnd()) {
      for (const auto& name : required->value.GetArray()) {
        if (!value.HasMember(name)) problem(at, std::string("missing required member \"") + name.GetString() + "\"");
      }
    }
    const auto properties = schema.FindMember("properties");
    const auto additional = schema.FindMember("additionalProperties");
    for (const auto& member : value.GetObject()) {
      const std::string place = at + "." + member.name.GetString();
      if (properties != schema.MemberEnd() && properties->value.HasMember(member.name)) {
        check(properties->value[member.name], member.value, place);
      } else if (additional != schema.MemberEnd()) {
        if (additional->value.IsFalse()) problem(place, "not a member the schema allows");
        if (additional->value.IsObject()) check(additional->value, member.value, place);
      }
    }
  }

  void problem(const std::string& at, const std::string& what) { problems_.push_back(at + ": " + what); }

  const rapidjson::Value& root_;
};

}  // namespace

const rapidjson::Value* resolveReference(const rapidjson::Value& root, std::string_view reference) {
  if (reference.empty() || reference.front() != '#') return nullptr;
  reference.remove_prefix(1);
  rapidjson::Pointer pointer(reference.data(), reference.size());
  if (!pointer.IsValid()) return nullptr;
  return pointer.Get(root);
}

const rapidjson::Value* dereference(const rapidjson::Value& root, const rapidjson::Value& value) {
  const rapidjson::Value* current = &value;
  for (int hops = 0; hops < 16; ++hops) {
    if (!current->IsObject()) return current;
    auto ref = current->FindMember("$ref");
    if (ref == current->MemberEnd()) return current;
    if (!ref->value.IsString()) return nullptr;
    current = resolveReference(root, std::string_view(ref->value.GetString(), ref->value.GetStringLength()));
    if (!current) return nullptr;
  }
  return nullptr;
}

std::vector<std::string> schemaProblems(const rapidjson::Value& root, const rapidjson::Value& schema,
                                        const rapidjson::Value& value) {
  Checker checker(root);
  checker.check(schema, value, "$");
  return checker.problems_;
}

std::string joinProblems(const std::vector<std::string>& problems) {
  std::string out;
  for (const auto& p : problems) out += p + "\n";
  return out;
}

}  // namespace lwm2m::testing
