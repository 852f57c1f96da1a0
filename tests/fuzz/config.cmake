# The daemon's YAML configuration loader (and the printer it must round-trip
# with). The fuzz build adds only lwm2m/*, so the two files are compiled in.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  lwm2m_add_fuzzer(config ${CMAKE_CURRENT_SOURCE_DIR}/config_fuzz.cc
    ${PROJECT_SOURCE_DIR}/gateway/daemon/config.cc ${PROJECT_SOURCE_DIR}/gateway/daemon/config_yaml.cc
    ${PROJECT_SOURCE_DIR}/gateway/daemon/webhook_config_yaml.cc
    ${PROJECT_SOURCE_DIR}/bridges/webhook/webhook_url.cc ${PROJECT_SOURCE_DIR}/gateway/api/device_events.cc)
  target_link_libraries(fuzz_config PRIVATE lwm2m_model yaml-cpp)
else()
  message(STATUS "yaml-cpp not found: the config fuzz target is not built")
endif()
