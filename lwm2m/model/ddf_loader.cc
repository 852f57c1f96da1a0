#include "lwm2m/model/ddf_loader.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <optional>
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

// 1-based line of a byte offset into `text` (pugixml reports offsets).
unsigned lineAt(std::string_view text, std::ptrdiff_t offset) {
  if (offset < 0) return 0;
  const auto end = static_cast<size_t>(std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(text.size())));
  return 1 + static_cast<unsigned>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
}

// One document being read: errors carry "source:line".
class Document {
 public:
  Document(std::string_view text, std::string_view source) : text_(text), source_(source) {}

  unsigned line(const pugi::xml_node& node) const { return lineAt(text_, node.offset_debug()); }
  std::string where(const pugi::xml_node& node) const {
    const unsigned n = line(node);
    return std::string(source_) + (n > 0 ? ":" + std::to_string(n) : std::string());
  }
  // "file:line: <element>: why", the line of `node` (or of its parent when
  // the element is missing).
  Error error(const pugi::xml_node& node, const std::string& element, const std::string& why) const {
    return fail(where(node) + ": <" + element + ">: " + why);
  }
  std::string_view source() const { return source_; }
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  std::string_view source_;
};

// The element named `name` below `parent`, or the parent for missing ones
// (errors then point at the parent's line).
pugi::xml_node at(const pugi::xml_node& parent, const char* name) {
  pugi::xml_node child = parent.child(name);
  return child ? child : parent;
}

Result<std::uint16_t> parseId(std::string_view text) {
  unsigned v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || v >= kReservedId) {
    return fail("\"" + std::string(text.substr(0, 40)) + "\" is not an id in 0..65534");
  }
  return static_cast<std::uint16_t>(v);
}

Result<Operations> parseOperations(std::string_view text) {
  if (text.empty() || text == "NONE" || text == "None") return Operations::None;
  if (text == "R") return Operations::Read;
  if (text == "W") return Operations::Write;
  if (text == "RW") return Operations::ReadWrite;
  if (text == "E") return Operations::Execute;
  return fail("unknown operations \"" + std::string(text.substr(0, 40)) + "\" (R, W, RW or E)");
}

Result<bool> parseMultiple(std::string_view text) {
  if (text == "Multiple") return true;
  if (text == "Single") return false;
  return fail("expected Single or Multiple, got \"" + std::string(text.substr(0, 40)) + "\"");
}

Result<bool> parseMandatory(std::string_view text) {
  if (text == "Mandatory") return true;
  if (text == "Optional") return false;
  return fail("expected Mandatory or Optional, got \"" + std::string(text.substr(0, 40)) + "\"");
}

bool isVersion(std::string_view v) {
  return !v.empty() && v.size() <= 16 && v.front() != '.' && v.back() != '.' &&
         std::all_of(v.begin(), v.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

Result<ResourceDefinition> parseItem(const pugi::xml_node& item, const Document& doc, const std::string& where) {
  ResourceDefinition r;
  auto id = parseId(trim(item.attribute("ID").as_string()));
  if (!id) return doc.error(item, where + "/Item ID", id.error().message);
  r.id = *id;
  const std::string element = where + "/Item[@ID=" + std::to_string(r.id) + "]";
  if (!item.child("Name")) return doc.error(item, element, "missing <Name>");
  r.name = childText(item, "Name");
  auto ops = parseOperations(childText(item, "Operations"));
  if (!ops) return doc.error(at(item, "Operations"), element + "/Operations", ops.error().message);
  r.operations = *ops;
  auto multiple = parseMultiple(childText(item, "MultipleInstances"));
  if (!multiple) return doc.error(at(item, "MultipleInstances"), element + "/MultipleInstances", multiple.error().message);
  r.multiple = *multiple;
  auto mandatory = parseMandatory(childText(item, "Mandatory"));
  if (!mandatory) return doc.error(at(item, "Mandatory"), element + "/Mandatory", mandatory.error().message);
  r.mandatory = *mandatory;
  auto type = parseDataType(childText(item, "Type"));
  if (!type) return doc.error(at(item, "Type"), element + "/Type", type.error().message);
  r.type = *type;
  if (r.operations == Operations::Execute && r.type != DataType::None) {
    return doc.error(at(item, "Type"), element + "/Type", "an executable resource has no type (got " +
                                                          std::string(toString(r.type)) + ")");
  }
  r.rangeEnumeration = childText(item, "RangeEnumeration");
  r.units = childText(item, "Units");
  r.description = childText(item, "Description");
  return r;
}

Result<ObjectDefinition> parseObject(const pugi::xml_node& object, const Document& doc) {
  ObjectDefinition o;
  o.source = std::string(doc.source());
  o.line = doc.line(object);
  if (!object.child("Name")) return doc.error(object, "Object", "missing <Name>");
  o.name = childText(object, "Name");
  auto id = parseId(childText(object, "ObjectID"));
  if (!id) return doc.error(at(object, "ObjectID"), "Object/ObjectID", id.error().message);
  o.id = *id;
  const std::string where = "Object[" + std::to_string(o.id) + "]";
  o.urn = childText(object, "ObjectURN");
  const std::string version = childText(object, "ObjectVersion");
  o.version = version.empty() ? "1.0" : version;
  if (!isVersion(o.version)) {
    return doc.error(at(object, "ObjectVersion"), where + "/ObjectVersion", "bad version \"" + o.version.substr(0, 40) + "\"");
  }
  const std::string lwm2m = childText(object, "LWM2MVersion");
  o.lwm2mVersion = lwm2m.empty() ? "1.0" : lwm2m;
  if (!isVersion(o.lwm2mVersion)) {
    return doc.error(at(object, "LWM2MVersion"), where + "/LWM2MVersion",
                     "bad version \"" + o.lwm2mVersion.substr(0, 40) + "\"");
  }
  auto multiple = parseMultiple(childText(object, "MultipleInstances"));
  if (!multiple) return doc.error(at(object, "MultipleInstances"), where + "/MultipleInstances", multiple.error().message);
  o.multipleInstances = *multiple;
  auto mandatory = parseMandatory(childText(object, "Mandatory"));
  if (!mandatory) return doc.error(at(object, "Mandatory"), where + "/Mandatory", mandatory.error().message);
  o.mandatory = *mandatory;
  o.description = childText(object, "Description1");
  pugi::xml_node resources = object.child("Resources");
  if (!resources) return doc.error(object, where, "missing <Resources>");
  for (pugi::xml_node item : resources.children("Item")) {
    auto r = parseItem(item, doc, where + "/Resources");
    if (!r) return r.error();
    if (o.resources.count(r->id) != 0) {
      return doc.error(item, where + "/Resources/Item[@ID=" + std::to_string(r->id) + "]", "duplicate resource id");
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

// The *.xml files of a directory in name order, or of one file.
Result<std::vector<std::filesystem::path>> filesOf(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return fail(ErrorCode::NotFound, path.string() + ": no such file or directory");
  if (!std::filesystem::is_directory(path, ec)) return std::vector<std::filesystem::path>{path};
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
    if (entry.is_regular_file() && entry.path().extension() == ".xml") files.push_back(entry.path());
  }
  if (ec) return fail(path.string() + ": " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

std::string describeDefinition(const ObjectDefinition& d) {
  return "object " + std::to_string(d.id) + " (" + d.name + ") " + d.version;
}

std::string originOf(const ObjectDefinition& d) {
  return d.source.empty() ? "the built-in definition " + d.version
                          : "the definition " + d.version + " from " + d.source + ":" + std::to_string(d.line);
}

// The definitions of a document; nullopt for a well-formed document of
// another schema (root element not <LWM2M>).
Result<std::optional<std::vector<ObjectDefinition>>> parseDocument(std::string_view xml, std::string_view source) {
  pugi::xml_document doc;
  pugi::xml_parse_result parsed = doc.load_buffer(xml.data(), xml.size());
  if (!parsed) {
    return fail(std::string(source) + ":" + std::to_string(lineAt(xml, parsed.offset)) + ": XML error: " +
                parsed.description());
  }
  const Document document(xml, source);
  pugi::xml_node root = doc.child("LWM2M");
  if (!root) return std::optional<std::vector<ObjectDefinition>>();
  std::vector<ObjectDefinition> objects;
  for (pugi::xml_node object : root.children("Object")) {
    // Other object types (e.g. "CommonResources", the reusable-resources
    // schema) are not object definitions.
    std::string_view type = object.attribute("ObjectType").as_string();
    if (!type.empty() && type != "MODefinition") continue;
    auto definition = parseObject(object, document);
    if (!definition) return definition.error();
    objects.push_back(std::move(*definition));
  }
  return std::optional<std::vector<ObjectDefinition>>(std::move(objects));
}

Result<std::string> readFile(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return fail(ErrorCode::NotFound, file.string() + ": cannot open");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(file.string() + ": cannot read");
  return text.str();
}

}  // namespace

Result<std::vector<ObjectDefinition>> parseDdf(std::string_view xml, std::string_view source) {
  auto objects = parseDocument(xml, source);
  if (!objects) return objects.error();
  if (!*objects) return fail(std::string(source) + ": not an LwM2M object definition document (root must be <LWM2M>)");
  return std::move(**objects);
}

Result<std::vector<ObjectDefinition>> loadDdfFile(const std::filesystem::path& file) {
  auto text = readFile(file);
  if (!text) return text.error();
  return parseDdf(*text, file.string());
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

Result<ModelFiles> loadModelFiles(const std::vector<std::string>& paths, const ObjectModel& base) {
  ModelFiles out;
  out.model = base;
  for (const std::string& path : paths) {
    auto files = filesOf(path);
    if (!files) return files.error();
    for (const auto& file : *files) {
      auto text = readFile(file);
      if (!text) return text.error();
      auto objects = parseDocument(*text, file.string());
      if (!objects) return objects.error();
      if (!*objects || (*objects)->empty()) {
        // Another schema of the registry (units, DDF lists, reusable
        // resources): nothing to load, and nothing wrong.
        out.skipped.push_back(file.string());
        continue;
      }
      ++out.files;
      for (auto& o : **objects) {
        if (const ObjectDefinition* earlier = out.model.find(o.id)) {
          out.overrides.push_back(o.source + ":" + std::to_string(o.line) + ": " + describeDefinition(o) +
                                  " overrides " + originOf(*earlier));
        }
        const ObjectId id = o.id;
        const std::string version = o.version;
        out.model.add(std::move(o));
        out.model.prefer(id, version);
        ++out.objects;
      }
    }
  }
  return out;
}

}  // namespace lwm2m::model
