#include "lwm2m/model/object_model.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "lwm2m/model/ddf_loader.h"

namespace lwm2m::model {
namespace {

TEST(ObjectModel, BuiltInCoreAndIpsoObjects) {
  ObjectModel model = ObjectModel::builtIn();
  for (ObjectId id : {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 13, 14, 21, 3300, 3301, 3302, 3303, 3304, 3305, 3306, 3311,
                      3313, 3315, 3316, 3317, 3320, 3323, 3324, 3325, 3328, 3330,
                      3342, 3347}) {
    EXPECT_NE(model.find(id), nullptr) << id;
  }
  const ObjectDefinition* device = model.find(3);
  EXPECT_EQ(device->name, "Device");
  EXPECT_FALSE(device->multipleInstances);
  EXPECT_TRUE(device->resource(7)->multiple);
  EXPECT_EQ(device->resource(13)->type, DataType::Time);
  EXPECT_EQ(device->resource(4)->operations, Operations::Execute);
  EXPECT_EQ(model.findResource(3303, 5700)->type, DataType::Float);
  EXPECT_EQ(model.findResource(3342, 5500)->type, DataType::Boolean);
  EXPECT_EQ(model.findResource(1, 1)->operations, Operations::ReadWrite);
  EXPECT_EQ(model.find(42000), nullptr);
}

TEST(ObjectModel, VersionsAndPreference) {
  ObjectModel model;
  ObjectDefinition v10;
  v10.id = 3;
  v10.version = "1.0";
  v10.name = "Device 1.0";
  ObjectDefinition v11 = v10;
  v11.version = "1.1";
  v11.name = "Device 1.1";
  model.add(v11);
  model.add(v10);
  EXPECT_EQ(model.find(3)->name, "Device 1.1");  // newest by default
  EXPECT_EQ(model.find(3, "1.0")->name, "Device 1.0");
  EXPECT_EQ(model.versionsOf(3), (std::vector<std::string>{"1.0", "1.1"}));
  ObjectModel client = model.forVersions({{3, "1.0"}, {4, "9.9"}});
  EXPECT_EQ(client.find(3)->name, "Device 1.0");
  EXPECT_EQ(model.find(3)->name, "Device 1.1");
  EXPECT_EQ(compareVersions("1.10", "1.2"), 1);
  EXPECT_EQ(compareVersions("1.0", "1"), 0);
}

const char* kTemperatureDdf = R"(<?xml version="1.0" encoding="UTF-8"?>
<LWM2M><Object ObjectType="MODefinition">
  <Name>Temperature</Name><Description1>t</Description1><ObjectID>3303</ObjectID>
  <ObjectURN>urn:oma:lwm2m:ext:3303:1.1</ObjectURN><LWM2MVersion>1.0</LWM2MVersion>
  <ObjectVersion>1.1</ObjectVersion><MultipleInstances>Multiple</MultipleInstances><Mandatory>Optional</Mandatory>
  <Resources>
    <Item ID="5700"><Name>Sensor Value</Name><Operations>R</Operations><MultipleInstances>Single</MultipleInstances>
      <Mandatory>Mandatory</Mandatory><Type>Float</Type><RangeEnumeration></RangeEnumeration><Units>Cel</Units>
      <Description>v</Description></Item>
    <Item ID="5605"><Name>Reset</Name><Operations>E</Operations><MultipleInstances>Single</MultipleInstances>
      <Mandatory>Optional</Mandatory><Type></Type><RangeEnumeration/><Units/><Description/></Item>
  </Resources></Object></LWM2M>)";

TEST(DdfLoader, ParsesObjectWithVersion) {
  auto objects = parseDdf(kTemperatureDdf, "3303.xml");
  ASSERT_TRUE(objects.ok()) << objects.error().message;
  ASSERT_EQ(objects->size(), 1u);
  const ObjectDefinition& o = (*objects)[0];
  EXPECT_EQ(o.id, 3303);
  EXPECT_EQ(o.version, "1.1");
  EXPECT_EQ(o.urn, "urn:oma:lwm2m:ext:3303:1.1");
  EXPECT_TRUE(o.multipleInstances);
  EXPECT_EQ(o.resource(5700)->units, "Cel");
  EXPECT_EQ(o.resource(5605)->type, DataType::None);
}

TEST(DdfLoader, MalformedFilesNameFileAndElement) {
  std::string badType = kTemperatureDdf;
  badType.replace(badType.find("<Type>Float"), 11, "<Type>Decimal");
  auto r = parseDdf(badType, "bad.xml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("bad.xml"), std::string::npos);
  EXPECT_NE(r.error().message.find("Item[@ID=5700]/Type"), std::string::npos) << r.error().message;

  std::string badMultiple = kTemperatureDdf;
  badMultiple.replace(badMultiple.find("<MultipleInstances>Multiple"), 27, "<MultipleInstances>Many");
  r = parseDdf(badMultiple, "m.xml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("MultipleInstances"), std::string::npos);

  r = parseDdf("<LWM2M><Object>", "cut.xml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("cut.xml"), std::string::npos);

  std::string badId = kTemperatureDdf;
  badId.replace(badId.find("ID=\"5700\""), 9, "ID=\"70000\"");
  r = parseDdf(badId, "id.xml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("Item ID"), std::string::npos) << r.error().message;
}

TEST(DdfLoader, ErrorsNameTheLine) {
  std::string badType = kTemperatureDdf;  // <Type>Float is on line 8
  badType.replace(badType.find("<Type>Float"), 11, "<Type>Flaot");
  auto r = parseDdf(badType, "3303.xml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message,
            "3303.xml:8: <Object[3303]/Resources/Item[@ID=5700]/Type>: unknown data type \"Flaot\"");
  r = parseDdf("<LWM2M>\n<Object>\n<Name>x</Name>\n</Objekt>\n</LWM2M>", "cut.xml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("cut.xml:4: XML error: ", 0), 0u) << r.error().message;
  std::string noName = kTemperatureDdf;  // the second <Item> starts on line 10
  noName.replace(noName.find("<Name>Reset</Name>"), 18, "");
  r = parseDdf(noName, "n.xml");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "n.xml:10: <Object[3303]/Resources/Item[@ID=5605]>: missing <Name>");
  std::string typedExecute = kTemperatureDdf;
  typedExecute.replace(typedExecute.find("<Type></Type>"), 13, "<Type>Integer</Type>");
  r = parseDdf(typedExecute, "e.xml");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("e.xml:11: "), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("executable"), std::string::npos) << r.error().message;
}

// A scratch directory of DDF files, removed with the test.
class ModelDir {
 public:
  ModelDir() : dir_(std::filesystem::temp_directory_path() / ("ddf-" + std::to_string(::getpid()) + "-" + std::to_string(++n_))) {
    std::filesystem::create_directories(dir_);
  }
  ~ModelDir() { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  std::string path() const { return dir_.string(); }

 private:
  static inline int n_ = 0;
  std::filesystem::path dir_;
};

std::string vendorDdf(int id, const std::string& name, const std::string& version = "1.0") {
  std::string xml = kTemperatureDdf;
  xml.replace(xml.find("<ObjectID>3303"), 14, "<ObjectID>" + std::to_string(id));
  xml.replace(xml.find("<Name>Temperature"), 17, "<Name>" + name);
  xml.replace(xml.find("<ObjectVersion>1.1"), 18, "<ObjectVersion>" + version);
  return xml;
}

TEST(ModelFiles, LaterFilesOverrideEarlierOnesAndTheBuiltIns) {
  ModelDir dir;
  dir.write("a.xml", vendorDdf(31024, "Vendor A"));
  dir.write("b.xml", vendorDdf(31024, "Vendor B"));  // same id and version, later in name order
  dir.write("c.xml", vendorDdf(3303, "My Temperature", "1.0"));  // the built-in 3303 is 1.1
  dir.write("notes.txt", "not a DDF");
  const std::string extra = dir.write("extra.ddf", vendorDdf(31025, "Extra"));
  auto files = loadModelFiles({dir.path(), extra}, ObjectModel::builtIn());
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(files->files, 4u);
  EXPECT_EQ(files->objects, 4u);
  EXPECT_EQ(files->model.find(31024)->name, "Vendor B");
  EXPECT_EQ(files->model.find(31024)->source, dir.path() + "/b.xml");
  EXPECT_EQ(files->model.find(31024)->line, 2u);
  EXPECT_EQ(files->model.find(3303)->name, "My Temperature") << "a file's definition is preferred";
  EXPECT_EQ(files->model.versionsOf(3303), (std::vector<std::string>{"1.0", "1.1"}));
  EXPECT_EQ(files->model.find(31025)->name, "Extra");
  ASSERT_EQ(files->overrides.size(), 2u);
  EXPECT_EQ(files->overrides[0], dir.path() + "/b.xml:2: object 31024 (Vendor B) 1.0 overrides the definition 1.0 from " +
                                     dir.path() + "/a.xml:2");
  EXPECT_EQ(files->overrides[1],
            dir.path() + "/c.xml:2: object 3303 (My Temperature) 1.0 overrides the built-in definition 1.1");
}

TEST(ModelFiles, AnEmptyDirectoryOrNoPathGivesTheBuiltIns) {
  ModelDir dir;
  auto files = loadModelFiles({dir.path()}, ObjectModel::builtIn());
  ASSERT_TRUE(files.ok());
  EXPECT_EQ(files->files, 0u);
  EXPECT_EQ(files->model.size(), ObjectModel::builtIn().size());
  EXPECT_TRUE(loadModelFiles({}, ObjectModel::builtIn()).ok());
}

TEST(ModelFiles, OneBadFileRefusesTheWholeLoad) {
  ModelDir dir;
  dir.write("a.xml", vendorDdf(31024, "Vendor A"));
  std::string bad = vendorDdf(31025, "Broken");
  bad.replace(bad.find("<MultipleInstances>Single</MultipleInstances>"), 45, "<MultipleInstances>Several</MultipleInstances>");
  dir.write("b.xml", bad);
  auto files = loadModelFiles({dir.path()}, ObjectModel::builtIn());
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().message, dir.path() + "/b.xml:7: <Object[31025]/Resources/Item[@ID=5700]/MultipleInstances>: "
                                                "expected Single or Multiple, got \"Several\"");
  auto missing = loadModelFiles({dir.path() + "/nope"}, ObjectModel::builtIn());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, dir.path() + "/nope: no such file or directory");
  dir.write("c.xml", "\xff\xfe<");
  auto garbage = loadModelFiles({dir.path() + "/c.xml"}, ObjectModel::builtIn());
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().message.rfind(dir.path() + "/c.xml:1: XML error", 0), 0u) << garbage.error().message;
}

bool haveRegistry() { return std::filesystem::is_directory(LWM2M_REGISTRY_DIR); }

TEST(DdfLoader, LoadsTheWholeOmaRegistry) {
  if (!haveRegistry()) GTEST_SKIP() << "no OMA registry at " << LWM2M_REGISTRY_DIR;
  ObjectModel model = ObjectModel::builtIn();
  DdfLoadReport report = loadDdfDirectory(LWM2M_REGISTRY_DIR, model);
  std::string errors;
  for (const auto& e : report.errors) errors += e + "\n";
  EXPECT_TRUE(report.errors.empty()) << errors;
  EXPECT_GE(report.filesLoaded, 300u);
  EXPECT_GE(report.objectsLoaded, report.filesLoaded);
  EXPECT_EQ(report.skipped.size(), 3u);  // Common.xml, DDF.xml, LWM2M_senml_units.xml
  // Registry definitions sit beside the built-in ones.
  ASSERT_NE(model.find(3303), nullptr);
  EXPECT_EQ(model.findResource(3303, 5700)->type, DataType::Float);
  EXPECT_NE(model.find(10241), nullptr);
}

TEST(DdfLoader, OneFileAddsAVersionBesideTheBuiltIn) {
  if (!haveRegistry()) GTEST_SKIP() << "no OMA registry at " << LWM2M_REGISTRY_DIR;
  ObjectModel model = ObjectModel::builtIn();
  DdfLoadReport report = loadDdf(std::string(LWM2M_REGISTRY_DIR) + "/3.xml", model);
  ASSERT_TRUE(report.errors.empty()) << report.errors[0];
  EXPECT_EQ(report.filesLoaded, 1u);
  EXPECT_EQ(model.versionsOf(3), (std::vector<std::string>{"1.1", "1.2"}));
  EXPECT_EQ(model.find(3)->version, "1.2");  // newest by default
  ObjectModel client = model.forVersions({{3, "1.1"}});
  EXPECT_EQ(client.find(3)->version, "1.1");  // what a ver=1.1 client reported
}

// The whole public OMA registry through the entry point the gateway uses,
// with the time it takes (printed for the record, bounded for CI machines).
TEST(ModelFiles, TheWholeOmaRegistryLoads) {
  if (!haveRegistry()) GTEST_SKIP() << "no OMA registry at " << LWM2M_REGISTRY_DIR;
  const auto start = std::chrono::steady_clock::now();
  auto files = loadModelFiles({LWM2M_REGISTRY_DIR}, ObjectModel::builtIn());
  const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_GE(files->files, 300u);
  EXPECT_EQ(files->skipped.size(), 3u);  // Common.xml, DDF.xml, LWM2M_senml_units.xml
  EXPECT_GE(files->model.objectIds().size(), files->files);
  EXPECT_EQ(files->model.find(3)->version, "1.2") << "the registry's Device object takes over";
  EXPECT_FALSE(files->overrides.empty());
  std::printf("[ registry ] %zu definitions from %zu files in %lld ms\n", files->objects, files->files,
              static_cast<long long>(took.count()));
  EXPECT_LT(took.count(), 20000);
}

TEST(DdfLoader, MissingDirectoryIsReported) {
  ObjectModel model;
  DdfLoadReport report = loadDdfDirectory("/nonexistent/registry", model);
  ASSERT_EQ(report.errors.size(), 1u);
  EXPECT_NE(report.errors[0].find("/nonexistent/registry"), std::string::npos);
}

}  // namespace
}  // namespace lwm2m::model

namespace lwm2m::model {
namespace {

// Our built-in tables are written from the specification; where the OMA
// registry holds the same object version, every resource must agree on
// type, multiplicity and operations, or decoding would go wrong.
TEST(ObjectModel, BuiltInDefinitionsAgreeWithTheRegistry) {
  if (!std::filesystem::is_directory(LWM2M_REGISTRY_DIR)) GTEST_SKIP() << "no OMA registry";
  ObjectModel builtIn = ObjectModel::builtIn();
  ObjectModel registry;
  DdfLoadReport report = loadDdfDirectory(LWM2M_REGISTRY_DIR, registry);
  ASSERT_TRUE(report.errors.empty());
  int compared = 0;
  for (ObjectId id : builtIn.objectIds()) {
    const ObjectDefinition* ours = builtIn.find(id);
    const ObjectDefinition* theirs = registry.find(id, ours->version);
    if (!theirs) continue;  // the registry holds only a newer version
    EXPECT_EQ(ours->multipleInstances, theirs->multipleInstances) << id;
    for (const auto& [rid, r] : ours->resources) {
      const ResourceDefinition* t = theirs->resource(rid);
      ASSERT_NE(t, nullptr) << id << "/" << rid << " " << r.name;
      EXPECT_EQ(r.type, t->type) << id << "/" << rid << " " << r.name;
      EXPECT_EQ(r.multiple, t->multiple) << id << "/" << rid << " " << r.name;
      EXPECT_EQ(r.operations, t->operations) << id << "/" << rid << " " << r.name;
      ++compared;
    }
  }
  EXPECT_GT(compared, 100);
}

}  // namespace
}  // namespace lwm2m::model
