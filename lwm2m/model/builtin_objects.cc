// Built-in object definitions: the OMA core objects and the common IPSO smart
// objects, written from the specification's tables (ids, operations, types,
// multiplicity). Loaded DDF files with the same id and version replace them.

#include <initializer_list>
#include <tuple>

#include "lwm2m/model/object_model.h"

namespace lwm2m::model {
namespace {

constexpr auto None = Operations::None;
constexpr auto R = Operations::Read;
constexpr auto W = Operations::Write;
constexpr auto RW = Operations::ReadWrite;
constexpr auto E = Operations::Execute;
constexpr bool Multi = true;
constexpr bool Single = false;
constexpr bool Mand = true;
constexpr bool Opt = false;
constexpr auto Str = DataType::String;
constexpr auto Int = DataType::Integer;
constexpr auto UInt = DataType::UnsignedInteger;
constexpr auto Flt = DataType::Float;
constexpr auto Bool = DataType::Boolean;
constexpr auto Opq = DataType::Opaque;
constexpr auto Tim = DataType::Time;
constexpr auto Lnk = DataType::Objlnk;
constexpr auto Exe = DataType::None;

struct Row {
  ResourceId id;
  const char* name;
  Operations operations;
  bool multiple;
  bool mandatory;
  DataType type;
  const char* units = "";
};

ObjectDefinition define(ObjectId id, const char* name, const char* version, const char* lwm2mVersion,
                        bool multipleInstances, bool mandatory, std::initializer_list<Row> rows) {
  ObjectDefinition o;
  o.id = id;
  o.name = name;
  o.version = version;
  o.lwm2mVersion = lwm2mVersion;
  o.multipleInstances = multipleInstances;
  o.mandatory = mandatory;
  bool oma = id < 2048;
  o.urn = std::string("urn:oma:lwm2m:") + (oma ? "oma:" : "ext:") + std::to_string(id) +
          (std::string(version) == "1.0" ? "" : ":" + std::string(version));
  for (const Row& row : rows) {
    ResourceDefinition r;
    r.id = row.id;
    r.name = row.name;
    r.operations = row.operations;
    r.multiple = row.multiple;
    r.mandatory = row.mandatory;
    r.type = row.type;
    r.units = row.units;
    o.resources.emplace(r.id, std::move(r));
  }
  return o;
}

void addCoreObjects(ObjectModel& model) {
  model.add(define(0, "LwM2M Security", "1.1", "1.1", Multi, Mand, {
      {0, "LwM2M Server URI", None, Single, Mand, Str},
      {1, "Bootstrap-Server", None, Single, Mand, Bool},
      {2, "Security Mode", None, Single, Mand, Int},
      {3, "Public Key or Identity", None, Single, Mand, Opq},
      {4, "Server Public Key", None, Single, Mand, Opq},
      {5, "Secret Key", None, Single, Mand, Opq},
      {6, "SMS Security Mode", None, Single, Opt, Int},
      {7, "SMS Binding Key Parameters", None, Single, Opt, Opq},
      {8, "SMS Binding Secret Key(s)", None, Single, Opt, Opq},
      {9, "LwM2M Server SMS Number", None, Single, Opt, Str},
      {10, "Short Server ID", None, Single, Opt, Int},
      {11, "Client Hold Off Time", None, Single, Opt, Int, "s"},
      {12, "Bootstrap-Server Account Timeout", None, Single, Opt, Int, "s"},
      {13, "Matching Type", None, Single, Opt, UInt},
      {14, "SNI", None, Single, Opt, Str},
      {15, "Certificate Usage", None, Single, Opt, UInt},
      {16, "DTLS/TLS Ciphersuite", None, Multi, Opt, UInt},
      {17, "OSCORE Security Mode", None, Single, Opt, Lnk},
  }));
  model.add(define(1, "LwM2M Server", "1.1", "1.1", Multi, Mand, {
      {0, "Short Server ID", R, Single, Mand, Int},
      {1, "Lifetime", RW, Single, Mand, Int, "s"},
      {2, "Default Minimum Period", RW, Single, Opt, Int, "s"},
      {3, "Default Maximum Period", RW, Single, Opt, Int, "s"},
      {4, "Disable", E, Single, Opt, Exe},
      {5, "Disable Timeout", RW, Single, Opt, Int, "s"},
      {6, "Notification Storing When Disabled or Offline", RW, Single, Mand, Bool},
      {7, "Binding", RW, Single, Mand, Str},
      {8, "Registration Update Trigger", E, Single, Mand, Exe},
      {9, "Bootstrap-Request Trigger", E, Single, Opt, Exe},
      {10, "APN Link", RW, Single, Opt, Lnk},
      {11, "TLS-DTLS Alert Code", R, Single, Opt, UInt},
      {12, "Last Bootstrapped", R, Single, Opt, Tim},
      {13, "Registration Priority Order", R, Single, Opt, UInt},
      {14, "Initial Registration Delay Timer", RW, Single, Opt, UInt, "s"},
      {15, "Registration Failure Block", R, Single, Opt, Bool},
      {16, "Bootstrap on Registration Failure", R, Single, Opt, Bool},
      {17, "Communication Retry Count", RW, Single, Opt, UInt},
      {18, "Communication Retry Timer", RW, Single, Opt, UInt, "s"},
      {19, "Communication Sequence Delay Timer", RW, Single, Opt, UInt, "s"},
      {20, "Communication Sequence Retry Count", RW, Single, Opt, UInt},
      {21, "Trigger", RW, Single, Opt, Bool},
      {22, "Preferred Transport", RW, Single, Opt, Str},
      {23, "Mute Send", RW, Single, Opt, Bool},
  }));
  model.add(define(2, "LwM2M Access Control", "1.0", "1.0", Multi, Opt, {
      {0, "Object ID", R, Single, Mand, Int},
      {1, "Object Instance ID", R, Single, Mand, Int},
      {2, "ACL", RW, Multi, Opt, Int},
      {3, "Access Control Owner", RW, Single, Mand, Int},
  }));
  model.add(define(3, "Device", "1.1", "1.1", Single, Mand, {
      {0, "Manufacturer", R, Single, Opt, Str},
      {1, "Model Number", R, Single, Opt, Str},
      {2, "Serial Number", R, Single, Opt, Str},
      {3, "Firmware Version", R, Single, Opt, Str},
      {4, "Reboot", E, Single, Mand, Exe},
      {5, "Factory Reset", E, Single, Opt, Exe},
      {6, "Available Power Sources", R, Multi, Opt, Int},
      {7, "Power Source Voltage", R, Multi, Opt, Int, "mV"},
      {8, "Power Source Current", R, Multi, Opt, Int, "mA"},
      {9, "Battery Level", R, Single, Opt, Int, "%"},
      {10, "Memory Free", R, Single, Opt, Int, "KiB"},
      {11, "Error Code", R, Multi, Mand, Int},
      {12, "Reset Error Code", E, Single, Opt, Exe},
      {13, "Current Time", RW, Single, Opt, Tim},
      {14, "UTC Offset", RW, Single, Opt, Str},
      {15, "Timezone", RW, Single, Opt, Str},
      {16, "Supported Binding and Modes", R, Single, Mand, Str},
      {17, "Device Type", R, Single, Opt, Str},
      {18, "Hardware Version", R, Single, Opt, Str},
      {19, "Software Version", R, Single, Opt, Str},
      {20, "Battery Status", R, Single, Opt, Int},
      {21, "Memory Total", R, Single, Opt, Int, "KiB"},
      {22, "ExtDevInfo", R, Multi, Opt, Lnk},
  }));
  model.add(define(4, "Connectivity Monitoring", "1.2", "1.1", Single, Opt, {
      {0, "Network Bearer", R, Single, Mand, Int},
      {1, "Available Network Bearer", R, Multi, Mand, Int},
      {2, "Radio Signal Strength", R, Single, Mand, Int, "dBm"},
      {3, "Link Quality", R, Single, Opt, Int},
      {4, "IP Addresses", R, Multi, Mand, Str},
      {5, "Router IP Addresses", R, Multi, Opt, Str},
      {6, "Link Utilization", R, Single, Opt, Int, "%"},
      {7, "APN", R, Multi, Opt, Str},
      {8, "Cell ID", R, Single, Opt, Int},
      {9, "SMNC", R, Single, Opt, Int},
      {10, "SMCC", R, Single, Opt, Int},
      {11, "SignalSNR", R, Single, Opt, Int, "dB"},
      {12, "LAC", R, Single, Opt, Int},
  }));
  model.add(define(5, "Firmware Update", "1.0", "1.0", Single, Opt, {
      {0, "Package", W, Single, Mand, Opq},
      {1, "Package URI", RW, Single, Mand, Str},
      {2, "Update", E, Single, Mand, Exe},
      {3, "State", R, Single, Mand, Int},
      {5, "Update Result", R, Single, Mand, Int},
      {6, "PkgName", R, Single, Opt, Str},
      {7, "PkgVersion", R, Single, Opt, Str},
      {8, "Firmware Update Protocol Support", R, Multi, Opt, Int},
      {9, "Firmware Update Delivery Method", R, Single, Mand, Int},
  }));
  model.add(define(6, "Location", "1.0", "1.0", Single, Opt, {
      {0, "Latitude", R, Single, Mand, Flt, "lat"},
      {1, "Longitude", R, Single, Mand, Flt, "lon"},
      {2, "Altitude", R, Single, Opt, Flt, "m"},
      {3, "Radius", R, Single, Opt, Flt, "m"},
      {4, "Velocity", R, Single, Opt, Opq},
      {5, "Timestamp", R, Single, Mand, Tim},
      {6, "Speed", R, Single, Opt, Flt, "m/s"},
  }));
  model.add(define(7, "Connectivity Statistics", "1.0", "1.0", Single, Opt, {
      {0, "SMS Tx Counter", R, Single, Opt, Int},
      {1, "SMS Rx Counter", R, Single, Opt, Int},
      {2, "Tx Data", R, Single, Opt, Int, "KiB"},
      {3, "Rx Data", R, Single, Opt, Int, "KiB"},
      {4, "Max Message Size", R, Single, Opt, Int, "B"},
      {5, "Average Message Size", R, Single, Opt, Int, "B"},
      {6, "Start", E, Single, Mand, Exe},
      {7, "Stop", E, Single, Mand, Exe},
      {8, "Collection Period", RW, Single, Opt, Int, "s"},
  }));
  model.add(define(9, "LwM2M Software Management", "1.0", "1.0", Multi, Opt, {
      {0, "PkgName", R, Single, Mand, Str},
      {1, "PkgVersion", R, Single, Mand, Str},
      {2, "Package", W, Single, Opt, Opq},
      {3, "Package URI", W, Single, Opt, Str},
      {4, "Install", E, Single, Mand, Exe},
      {5, "Checkpoint", R, Single, Opt, Lnk},
      {6, "Uninstall", E, Single, Mand, Exe},
      {7, "Update State", R, Single, Mand, Int},
      {8, "Update Supported Objects", RW, Single, Opt, Bool},
      {9, "Update Result", R, Single, Mand, Int},
      {10, "Activate", E, Single, Mand, Exe},
      {11, "Deactivate", E, Single, Mand, Exe},
      {12, "Activation State", R, Single, Mand, Bool},
      {13, "Package Settings", RW, Single, Opt, Lnk},
      {14, "User Name", W, Single, Opt, Str},
      {15, "Password", W, Single, Opt, Str},
      {16, "Status Reason", R, Single, Opt, Str},
      {17, "Software Component Link", R, Multi, Opt, Lnk},
      {18, "Software Component tree length", R, Single, Opt, Int},
  }));
  model.add(define(10, "LwM2M Cellular Connectivity", "1.1", "1.1", Single, Opt, {
      {0, "SMSC address", RW, Single, Opt, Str},
      {1, "Disable radio period", RW, Single, Opt, Int, "min"},
      {2, "Module activation code", RW, Single, Opt, Str},
      {3, "Vendor specific extensions", R, Single, Opt, Lnk},
      {4, "PSM Timer", RW, Single, Opt, Int, "s"},
      {5, "Active Timer", RW, Single, Opt, Int, "s"},
      {7, "eDRX parameters for Iu mode", RW, Single, Opt, Opq},
      {8, "eDRX parameters for WB-S1 mode", RW, Single, Opt, Opq},
      {9, "eDRX parameters for NB-S1 mode", RW, Single, Opt, Opq},
      {10, "eDRX parameters for A/Gb mode", RW, Single, Opt, Opq},
      {11, "Activated Profile Names", R, Multi, Mand, Lnk},
      {12, "Supported Power Saving Modes", R, Single, Opt, UInt},
      {13, "Active Power Saving Modes", RW, Single, Opt, UInt},
      {14, "Release Assistance Indication Usage", RW, Single, Opt, UInt},
  }));
  model.add(define(11, "APN connection profile", "1.0", "1.0", Multi, Opt, {
      {0, "Profile name", RW, Single, Mand, Str},
      {1, "APN", RW, Single, Opt, Str},
      {2, "Auto select APN by device", RW, Single, Opt, Bool},
      {3, "Enable status", RW, Single, Opt, Bool},
      {4, "Authentication Type", RW, Single, Mand, Int},
      {5, "User Name", RW, Single, Opt, Str},
      {6, "Secret", RW, Single, Opt, Str},
      {7, "Reconnect Schedule", RW, Single, Opt, Str},
      {8, "Validity (MCC, MNC)", RW, Multi, Opt, Str},
      {9, "Connection establishment time", R, Multi, Opt, Tim},
      {10, "Connection establishment result", R, Multi, Opt, Int},
      {11, "Connection establishment reject cause", R, Multi, Opt, Int},
      {12, "Connection end time", R, Multi, Opt, Tim},
      {13, "TotalBytesSent", R, Single, Opt, Int, "B"},
      {14, "TotalBytesReceived", R, Single, Opt, Int, "B"},
      {15, "IP address", RW, Multi, Opt, Str},
      {16, "Prefix length", RW, Multi, Opt, Str},
      {17, "Subnet mask", RW, Multi, Opt, Str},
      {18, "Gateway", RW, Multi, Opt, Str},
      {19, "Primary DNS address", RW, Multi, Opt, Str},
      {20, "Secondary DNS address", RW, Multi, Opt, Str},
      {21, "QCI", R, Single, Opt, Int},
      {22, "Vendor specific extensions", R, Single, Opt, Lnk},
      {23, "TotalPacketsSent", R, Single, Opt, Int},
      {24, "PDN Type", RW, Single, Opt, Int},
      {25, "APN Rate Control", R, Single, Opt, Int},
  }));
  model.add(define(13, "Bearer selection", "1.0", "1.0", Single, Opt, {
      {0, "Preferred Communications Bearer", RW, Multi, Opt, Int},
      {1, "Acceptable RSSI (GSM)", RW, Single, Opt, Int, "dBm"},
      {2, "Acceptable RSCP (UMTS)", RW, Single, Opt, Int, "dBm"},
      {3, "Acceptable RSRP (LTE)", RW, Single, Opt, Int, "dBm"},
      {4, "Acceptable RSSI (1xEV-DO)", RW, Single, Opt, Int, "dBm"},
      {5, "Cell lock list", RW, Single, Opt, Str},
      {6, "Operator list", RW, Single, Opt, Str},
      {7, "Operator list mode", RW, Single, Opt, Bool},
      {8, "List of available PLMNs", R, Single, Opt, Str},
      {9, "Vendor specific extensions", R, Single, Opt, Lnk},
      {10, "Acceptable RSRP (NB-IoT)", RW, Single, Opt, Int, "dBm"},
      {11, "Higher Priority PLMN Search Timer", RW, Single, Opt, Int, "s"},
      {12, "Attach without PDN connection", RW, Single, Opt, Bool},
  }));
  model.add(define(14, "LwM2M Software Component", "1.0", "1.0", Multi, Opt, {
      {0, "Component Identity", R, Single, Opt, Str},
      {1, "Component Pack", R, Single, Opt, Opq},
      {2, "Component Version", R, Single, Opt, Str},
      {3, "Activate", E, Single, Opt, Exe},
      {4, "Deactivate", E, Single, Opt, Exe},
      {5, "Activation State", R, Single, Opt, Bool},
  }));
  model.add(define(21, "OSCORE", "1.0", "1.1", Multi, Opt, {
      {0, "OSCORE Master Secret", None, Single, Mand, Str},
      {1, "OSCORE Sender ID", None, Single, Mand, Str},
      {2, "OSCORE Recipient ID", None, Single, Mand, Str},
      {3, "OSCORE AEAD Algorithm", None, Single, Opt, Int},
      {4, "OSCORE HMAC Algorithm", None, Single, Opt, Int},
      {5, "OSCORE Master Salt", None, Single, Opt, Str},
  }));
}

// The resources every IPSO sensor shares, plus its own measured value.
ObjectDefinition ipsoSensor(ObjectId id, const char* name, const char* units) {
  return define(id, name, "1.1", "1.0", Multi, Opt, {
      {5700, "Sensor Value", R, Single, Mand, Flt, units},
      {5601, "Min Measured Value", R, Single, Opt, Flt, units},
      {5602, "Max Measured Value", R, Single, Opt, Flt, units},
      {5603, "Min Range Value", R, Single, Opt, Flt, units},
      {5604, "Max Range Value", R, Single, Opt, Flt, units},
      {5605, "Reset Min and Max Measured Values", E, Single, Opt, Exe},
      {5701, "Sensor Units", R, Single, Opt, Str},
      {5750, "Application Type", RW, Single, Opt, Str},
      {5518, "Timestamp", R, Single, Opt, Tim},
      {6050, "Fractional Timestamp", R, Single, Opt, Flt, "s"},
      {6042, "Measurement Quality Indicator", R, Single, Opt, Int},
      {6049, "Measurement Quality Level", R, Single, Opt, Int},
  });
}

void addIpsoObjects(ObjectModel& model) {
  ObjectDefinition generic = ipsoSensor(3300, "Generic Sensor", "");
  generic.resources[5751] = ResourceDefinition{5751, "Sensor Type", R, Single, Opt, Str, "", "", ""};
  model.add(std::move(generic));
  model.add(ipsoSensor(3301, "Illuminance", "lx"));
  model.add(ipsoSensor(3303, "Temperature", "Cel"));
  model.add(ipsoSensor(3304, "Humidity", "%RH"));
  model.add(ipsoSensor(3315, "Barometer", "Pa"));
  ObjectDefinition pressure = ipsoSensor(3323, "Pressure", "Pa");
  pressure.resources[5821] = ResourceDefinition{5821, "Current Calibration", RW, Single, Opt, Flt, "", "", ""};
  model.add(std::move(pressure));
  // Measurement objects that also carry a writable calibration.
  for (auto [id, name, units] : {std::tuple{ObjectId{3316}, "Voltage", "V"}, {ObjectId{3317}, "Current", "A"},
                                 {ObjectId{3320}, "Percentage", "%"}, {ObjectId{3324}, "Loudness", "dB"},
                                 {ObjectId{3325}, "Concentration", "ppm"}, {ObjectId{3328}, "Power", "W"},
                                 {ObjectId{3330}, "Distance", "m"}}) {
    ObjectDefinition sensor = ipsoSensor(id, name, units);
    sensor.resources[5821] = ResourceDefinition{5821, "Current Calibration", RW, Single, Opt, Flt, "", "", ""};
    model.add(std::move(sensor));
  }
  model.add(define(3302, "Presence", "1.1", "1.0", Multi, Opt, {
      {5500, "Digital Input State", R, Single, Mand, Bool},
      {5501, "Digital Input Counter", R, Single, Opt, Int},
      {5505, "Digital Input Counter Reset", E, Single, Opt, Exe},
      {5751, "Sensor Type", R, Single, Opt, Str},
      {5903, "Busy to Clear delay", RW, Single, Opt, Int, "ms"},
      {5904, "Clear to Busy delay", RW, Single, Opt, Int, "ms"},
      {5750, "Application Type", RW, Single, Opt, Str},
      {5518, "Timestamp", R, Single, Opt, Tim},
      {6050, "Fractional Timestamp", R, Single, Opt, Flt, "s"},
      {6042, "Measurement Quality Indicator", R, Single, Opt, Int},
      {6049, "Measurement Quality Level", R, Single, Opt, Int},
  }));
  model.add(define(3306, "Actuation", "1.1", "1.0", Multi, Opt, {
      {5850, "On/Off", RW, Single, Mand, Bool},
      {5851, "Dimmer", RW, Single, Opt, Int, "%"},
      {5852, "On time", RW, Single, Opt, Int, "s"},
      {5853, "Multi-state Output", RW, Single, Opt, Str},
      {5750, "Application Type", RW, Single, Opt, Str},
      {5518, "Timestamp", R, Single, Opt, Tim},
      {6050, "Fractional Timestamp", R, Single, Opt, Flt, "s"},
  }));
  model.add(define(3305, "Power Measurement", "1.0", "1.0", Multi, Opt, {
      {5800, "Instantaneous active power", R, Single, Mand, Flt, "W"},
      {5801, "Min Measured active power", R, Single, Opt, Flt, "W"},
      {5802, "Max Measured active power", R, Single, Opt, Flt, "W"},
      {5803, "Min Range active power", R, Single, Opt, Flt, "W"},
      {5804, "Max Range active power", R, Single, Opt, Flt, "W"},
      {5805, "Cumulative active power", R, Single, Opt, Flt, "Wh"},
      {5806, "Active Power Calibration", W, Single, Opt, Flt, "W"},
      {5810, "Instantaneous reactive power", R, Single, Opt, Flt, "var"},
      {5811, "Min Measured reactive power", R, Single, Opt, Flt, "var"},
      {5812, "Max Measured reactive power", R, Single, Opt, Flt, "var"},
      {5813, "Min Range reactive power", R, Single, Opt, Flt, "var"},
      {5814, "Max Range reactive power", R, Single, Opt, Flt, "var"},
      {5815, "Cumulative reactive power", R, Single, Opt, Flt, "varh"},
      {5816, "Reactive Power Calibration", W, Single, Opt, Flt, "var"},
      {5820, "Power factor", R, Single, Opt, Flt},
      {5821, "Current Calibration", RW, Single, Opt, Flt},
      {5822, "Reset Cumulative energy", E, Single, Opt, Exe},
      {5605, "Reset Min and Max Measured Values", E, Single, Opt, Exe},
  }));
  model.add(define(3311, "Light Control", "1.0", "1.0", Multi, Opt, {
      {5850, "On/Off", RW, Single, Mand, Bool},
      {5851, "Dimmer", RW, Single, Opt, Int, "%"},
      {5852, "On time", RW, Single, Opt, Int, "s"},
      {5805, "Cumulative active power", R, Single, Opt, Flt, "Wh"},
      {5820, "Power factor", R, Single, Opt, Flt},
      {5706, "Colour", RW, Single, Opt, Str},
      {5701, "Sensor Units", R, Single, Opt, Str},
      {5750, "Application Type", RW, Single, Opt, Str},
  }));
  model.add(define(3313, "Accelerometer", "1.0", "1.0", Multi, Opt, {
      {5702, "X Value", R, Single, Mand, Flt},
      {5703, "Y Value", R, Single, Opt, Flt},
      {5704, "Z Value", R, Single, Opt, Flt},
      {5701, "Sensor Units", R, Single, Opt, Str},
      {5603, "Min Range Value", R, Single, Opt, Flt},
      {5604, "Max Range Value", R, Single, Opt, Flt},
  }));
  model.add(define(3342, "On/Off switch", "1.0", "1.0", Multi, Opt, {
      {5500, "Digital Input State", R, Single, Mand, Bool},
      {5501, "Digital Input Counter", R, Single, Opt, Int},
      {5852, "On time", RW, Single, Opt, Int, "s"},
      {5854, "Off Time", RW, Single, Opt, Int, "s"},
      {5750, "Application Type", RW, Single, Opt, Str},
  }));
  model.add(define(3347, "Push button", "1.0", "1.0", Multi, Opt, {
      {5500, "Digital Input State", R, Single, Mand, Bool},
      {5501, "Digital Input Counter", R, Single, Opt, Int},
      {5750, "Application Type", RW, Single, Opt, Str},
  }));
}

}  // namespace

ObjectModel ObjectModel::builtIn() {
  static const ObjectModel kModel = [] {
    ObjectModel model;
    addCoreObjects(model);
    addIpsoObjects(model);
    return model;
  }();
  return kModel;
}

}  // namespace lwm2m::model
