#include "tools/lwm2m-sim/vendor_object.h"

#include <stdexcept>

#include "lwm2m/model/ddf_loader.h"

namespace lwm2m::sim {
namespace {

struct Item {
  int id;
  const char* name;
  const char* operations;
  const char* multiple;
  const char* type;
  const char* units;
  const char* description;
};

constexpr Item kItems[] = {
    {0, "Label", "RW", "Single", "String", "", "A name the operator gives the controller."},
    {1, "Counter", "R", "Single", "Integer", "", "Counts up while the controller runs; Reset sets it to 0."},
    {2, "Setpoint", "RW", "Single", "Float", "Cel", "The temperature the controller holds."},
    {3, "Enabled", "RW", "Single", "Boolean", "", "Whether the controller runs."},
    {4, "Blob", "RW", "Single", "Opaque", "", "Calibration data."},
    {5, "Reset", "E", "Single", "", "", "Sets Counter to 0 and Last Reset to now."},
    {6, "Levels", "RW", "Multiple", "Integer", "", "Alarm levels."},
    {7, "Last Reset", "R", "Single", "Time", "", "When Reset last ran."},
    {8, "Serial", "R", "Single", "Unsigned Integer", "", "The controller's serial number."},
};

}  // namespace

std::string vendorObjectDdf(model::ObjectId id) {
  const std::string n = std::to_string(id);
  std::string xml = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                    "<LWM2M xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
                    "  <Object ObjectType=\"MODefinition\">\n"
                    "    <Name>Vendor Controller</Name>\n"
                    "    <Description1>A vendor object of the LwM2M simulator.</Description1>\n"
                    "    <ObjectID>" + n + "</ObjectID>\n"
                    "    <ObjectURN>urn:oma:lwm2m:x:" + n + "</ObjectURN>\n"
                    "    <LWM2MVersion>1.1</LWM2MVersion>\n"
                    "    <ObjectVersion>1.0</ObjectVersion>\n"
                    "    <MultipleInstances>Multiple</MultipleInstances>\n"
                    "    <Mandatory>Optional</Mandatory>\n"
                    "    <Resources>\n";
  for (const Item& item : kItems) {
    xml += "      <Item ID=\"" + std::to_string(item.id) + "\">\n"
           "        <Name>" + item.name + "</Name>\n"
           "        <Operations>" + item.operations + "</Operations>\n"
           "        <MultipleInstances>" + item.multiple + "</MultipleInstances>\n"
           "        <Mandatory>Optional</Mandatory>\n"
           "        <Type>" + item.type + "</Type>\n"
           "        <RangeEnumeration></RangeEnumeration>\n"
           "        <Units>" + item.units + "</Units>\n"
           "        <Description>" + item.description + "</Description>\n"
           "      </Item>\n";
  }
  xml += "    </Resources>\n  </Object>\n</LWM2M>\n";
  return xml;
}

model::ObjectDefinition vendorObject(model::ObjectId id) {
  auto objects = model::parseDdf(vendorObjectDdf(id), "vendor object");
  if (!objects || objects->size() != 1) throw std::logic_error("the vendor object's DDF does not parse");
  return std::move(objects->front());
}

}  // namespace lwm2m::sim
