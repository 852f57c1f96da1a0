# The bootstrap configuration loader (one YAML file per device). The fuzz
# build adds only lwm2m/*, so the daemon's loader file is compiled in.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  lwm2m_add_fuzzer(bootstrap_config ${CMAKE_CURRENT_SOURCE_DIR}/bootstrap_config_fuzz.cc
    ${PROJECT_SOURCE_DIR}/gateway/daemon/bootstrap_config_yaml.cc)
  target_link_libraries(fuzz_bootstrap_config PRIVATE lwm2m_server lwm2m_model yaml-cpp)
else()
  message(STATUS "yaml-cpp not found: the bootstrap_config fuzz target is not built")
endif()
