#include "lwm2m/model/object_model.h"

#include <gtest/gtest.h>

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

TEST(DdfLoader, LoadsTheWholeOmaRegistry) {
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
  ObjectModel model = ObjectModel::builtIn();
  DdfLoadReport report = loadDdf(std::string(LWM2M_REGISTRY_DIR) + "/3.xml", model);
  ASSERT_TRUE(report.errors.empty()) << report.errors[0];
  EXPECT_EQ(report.filesLoaded, 1u);
  EXPECT_EQ(model.versionsOf(3), (std::vector<std::string>{"1.1", "1.2"}));
  EXPECT_EQ(model.find(3)->version, "1.2");  // newest by default
  ObjectModel client = model.forVersions({{3, "1.1"}});
  EXPECT_EQ(client.find(3)->version, "1.1");  // what a ver=1.1 client reported
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
