# The bootstrap configuration loader (one YAML file per device). The fuzz
# build has no lwm2m_server library, so the loader and the configuration
# model are compiled in.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  lwm2m_add_fuzzer(bootstrap_config ${CMAKE_CURRENT_SOURCE_DIR}/bootstrap_config_fuzz.cc
    ${PROJECT_SOURCE_DIR}/gateway/daemon/bootstrap_config_yaml.cc
    ${PROJECT_SOURCE_DIR}/lwm2m/server/bootstrap_config.cc)
  target_link_libraries(fuzz_bootstrap_config PRIVATE lwm2m_model yaml-cpp)
else()
  message(STATUS "yaml-cpp not found: the bootstrap_config fuzz target is not built")
endif()
