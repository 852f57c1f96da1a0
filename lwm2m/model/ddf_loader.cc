#include "lwm2m/model/ddf_loader.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <sstream>

#include <pugixml.hpp>

namespace lwm2m::model {
namespace {

std::string trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string childText(const pugi::xml_node& node, const char* name) {
  return trim(node.child(name).text().as_string());
}

Error elementError(std::string_view source, const std::string& element, const std::string& why) {
  return fail(std::string(source) + ": <" + element + ">: " + why);
}

Result<std::uint16_t> parseId(std::string_view text) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v >= kReservedId) {
    return fail("\"" + std::string(text) + "\" is not an id in 0..65534");
  }
  return static_cast<std::uint16_t>(v);
}

Result<Operations> parseOperations(std::string_view text) {
  if (text.empty()) return Operations::None;
  if (text == "R") return Operations::Read;
  if (text == "W") return Operations::Write;
  if (text == "RW") return Operations::ReadWrite;
  if (text == "E") return Operations::Execute;
  return fail("unknown operations \"" + std::string(text) + "\"");
}

Result<bool> parseMultiple(std::string_view text) {
  if (text == "Multiple") return true;
  if (text == "Single") return false;
  return fail("expected Single or Multiple, got \"" + std::string(text) + "\"");
}

Result<bool> parseMandatory(std::string_view text) {
  if (text == "Mandatory") return true;
  if (text == "Optional") return false;
  return fail("expected Mandatory or Optional, got \"" + std::string(text) + "\"");
}

Result<ResourceDefinition> parseItem(const pugi::xml_node& item, std::string_view source,
                                     const std::string& where) {
  ResourceDefinition r;
  std::string element = where + "/Item";
  auto id = parseId(trim(item.attribute("ID").as_string()));
  if (!id) return elementError(source, element + " ID", id.error().message);
  r.id = *id;
  element = where + "/Item[@ID=" + std::to_string(r.id) + "]";
  r.name = childText(item, "Name");
  if (!item.child("Name")) return elementError(source, element, "missing <Name>");
  auto ops = parseOperations(childText(item, "Operations"));
  if (!ops) return elementError(source, element + "/Operations", ops.error().message);
  r.operations = *ops;
  auto multiple = parseMultiple(childText(item, "MultipleInstances"));
  if (!multiple) return elementError(source, element + "/MultipleInstances", multiple.error().message);
  r.multiple = *multiple;
  auto mandatory = parseMandatory(childText(item, "Mandatory"));
  if (!mandatory) return elementError(source, element + "/Mandatory", mandatory.error().message);
  r.mandatory = *mandatory;
  auto type = parseDataType(childText(item, "Type"));
  if (!type) return elementError(source, element + "/Type", type.error().message);
  r.type = *type;
  r.rangeEnumeration = childText(item, "RangeEnumeration");
  r.units = childText(item, "Units");
  r.description = childText(item, "Description");
  return r;
}

Result<ObjectDefinition> parseObject(const pugi::xml_node& object, std::string_view source) {
  ObjectDefinition o;
  o.name = childText(object, "Name");
  if (!object.child("Name")) return elementError(source, "Object", "missing <Name>");
  auto id = parseId(childText(object, "ObjectID"));
  if (!id) return elementError(source, "Object/ObjectID", id.error().message);
  o.id = *id;
  std::string where = "Object[" + std::to_string(o.id) + "]";
  o.urn = childText(object, "ObjectURN");
  std::string version = childText(object, "ObjectVersion");
  o.version = version.empty() ? "1.0" : version;
  std::string lwm2m = childText(object, "LWM2MVersion");
  o.lwm2mVersion = lwm2m.empty() ? "1.0" : lwm2m;
  for (const std::string& v : {o.version, o.lwm2mVersion}) {
    bool ok = !v.empty() && v.front() != '.' && v.back() != '.' &&
              std::all_of(v.begin(), v.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
    if (!ok) return elementError(source, where + "/ObjectVersion", "bad version \"" + v + "\"");
  }
  auto multiple = parseMultiple(childText(object, "MultipleInstances"));
  if (!multiple) return elementError(source, where + "/MultipleInstances", multiple.error().message);
  o.multipleInstances = *multiple;
  auto mandatory = parseMandatory(childText(object, "Mandatory"));
  if (!mandatory) return elementError(source, where + "/Mandatory", mandatory.error().message);
  o.mandatory = *mandatory;
  o.description = childText(object, "Description1");
  pugi::xml_node resources = object.child("Resources");
  if (!resources) return elementError(source, where, "missing <Resources>");
  for (pugi::xml_node item : resources.children("Item")) {
    auto r = parseItem(item, source, where + "/Resources");
    if (!r) return r.error();
    if (o.resources.count(r->id) != 0) {
      return elementError(source, where + "/Resources/Item[@ID=" + std::to_string(r->id) + "]",
                          "duplicate resource id");
    }
    o.resources.emplace(r->id, std::move(*r));
  }
  return o;
}

// Documents of the registry's other schemas (DDF lists, units) have another
// root element; a file that is not XML at all still counts as a DDF file and
// gets its parse error reported.
bool isObjectDefinitionDocument(const std::filesystem::path& file) {
  pugi::xml_document doc;
  if (!doc.load_file(file.c_str())) return true;
  return std::string_view(doc.document_element().name()) == "LWM2M";
}

}  // namespace

Result<std::vector<ObjectDefinition>> parseDdf(std::string_view xml, std::string_view source) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return fail(std::string(source) + ": XML error at offset " + std::to_string(parsed.offset) + ": " +
                parsed.description());
  }
  pugi::xml_node root = doc.child("LWM2M");
  if (!root) {
    return elementError(source, doc.document_element().name(), "not an LwM2M object definition document (root must be <LWM2M>)");
  }
  std::vector<ObjectDefinition> objects;
  for (pugi::xml_node object : root.children("Object")) {
    // Other object types (e.g. "CommonResources", the reusable-resources
    // schema) are not object definitions.
    std::string_view type = object.attribute("ObjectType").as_string();
    if (!type.empty() && type != "MODefinition") continue;
    auto definition = parseObject(object, source);
    if (!definition) return definition.error();
    objects.push_back(std::move(*definition));
  }
  return objects;
}

Result<std::vector<ObjectDefinition>> loadDdfFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(file.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  return parseDdf(text.str(), file.string());
}

DdfLoadReport loadDdfDirectory(const std::filesystem::path& directory, ObjectModel& model) {
  DdfLoadReport report;
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml") files.push_back(entry.path());
  }
  if (ec) {
    report.errors.push_back(directory.string() + ": " + ec.message());
    return report;
  }
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    if (!isObjectDefinitionDocument(file)) {
      report.skipped.push_back(file.string());
      continue;
    }
    auto objects = loadDdfFile(file);
    if (!objects) {
      report.errors.push_back(objects.error().message);
      continue;
    }
    if (objects->empty()) {
      report.skipped.push_back(file.string());
      continue;
    }
    ++report.filesLoaded;
    for (auto& o : *objects) {
      model.add(std::move(o));
      ++report.objectsLoaded;
    }
  }
  return report;
}

DdfLoadReport loadDdf(const std::filesystem::path& path, ObjectModel& model) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return loadDdfDirectory(path, model);
  DdfLoadReport report;
  auto objects = loadDdfFile(path);
  if (!objects) {
    report.errors.push_back(objects.error().message);
    return report;
  }
  if (objects->empty()) {
    report.skipped.push_back(path.string());
    return report;
  }
  report.filesLoaded = 1;
  for (auto& o : *objects) {
    model.add(std::move(o));
    ++report.objectsLoaded;
  }
  return report;
}

}  // namespace lwm2m::model
