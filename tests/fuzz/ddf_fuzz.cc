// libFuzzer target: the OMA DDF XML object-definition loader, through the
// entry point the gateway uses for lwm2m.models (loadModelFiles: file read,
// XML, elements, line numbers, definitions taking built-in objects over) and
// the in-memory parser. Errors must name the file and a line.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "lwm2m/model/ddf_loader.h"

namespace {

// One file per fuzzing process, removed when it exits.
struct ScratchFile {
  std::string path =
      (std::filesystem::temp_directory_path() / ("fuzz-ddf-" + std::to_string(::getpid()) + ".xml")).string();
  ~ScratchFile() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

const std::string& scratchFile() {
  static const ScratchFile file;
  return file.path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto objects = lwm2m::model::parseDdf(xml, "fuzz.xml");
  if (!objects && objects.error().message.rfind("fuzz.xml", 0) != 0) std::abort();

  static const lwm2m::model::ObjectModel builtIn = lwm2m::model::ObjectModel::builtIn();
  {
    std::ofstream out(scratchFile(), std::ios::binary | std::ios::trunc);
    out.write(xml.data(), static_cast<std::streamsize>(xml.size()));
  }
  auto files = lwm2m::model::loadModelFiles({scratchFile()}, builtIn);
  if (!files) {
    if (files.error().message.rfind(scratchFile() + ":", 0) != 0) std::abort();  // names the file (and line)
    return 0;
  }
  for (lwm2m::model::ObjectId id : files->model.objectIds()) {
    const auto* d = files->model.find(id);
    if (!d || (!d->source.empty() && d->source != scratchFile())) std::abort();
  }
  return 0;
}
