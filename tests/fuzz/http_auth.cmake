# The HTTP credentials file (http.auth.file), loaded with the configuration's field tables.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  lwm2m_add_fuzzer(http_auth ${CMAKE_CURRENT_SOURCE_DIR}/http_auth_fuzz.cc ${LWM2M_FUZZ_CONFIG_SOURCES})
  target_link_libraries(fuzz_http_auth PRIVATE lwm2m_model yaml-cpp)
endif()
