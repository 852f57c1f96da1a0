# The HTTP credentials file (http.auth.file), loaded with the configuration's field tables.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  lwm2m_add_fuzzer(http_auth ${CMAKE_CURRENT_SOURCE_DIR}/http_auth_fuzz.cc
    ${PROJECT_SOURCE_DIR}/gateway/daemon/config.cc ${PROJECT_SOURCE_DIR}/gateway/daemon/config_fields.cc
    ${PROJECT_SOURCE_DIR}/gateway/daemon/config_yaml.cc ${PROJECT_SOURCE_DIR}/gateway/daemon/http_config_yaml.cc)
  target_link_libraries(fuzz_http_auth PRIVATE lwm2m_model yaml-cpp)
endif()
