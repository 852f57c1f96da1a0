# The daemon's YAML configuration loader (and the printer it must round-trip
# with). The fuzz build adds only lwm2m/*, so the configuration files are compiled in.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  lwm2m_add_fuzzer(config ${CMAKE_CURRENT_SOURCE_DIR}/config_fuzz.cc ${LWM2M_FUZZ_CONFIG_SOURCES})
  target_link_libraries(fuzz_config PRIVATE lwm2m_model yaml-cpp)
else()
  message(STATUS "yaml-cpp not found: the config fuzz target is not built")
endif()
