# The mapping decoders: rule files (YAML/JSON) and cloud commands (json,
# value and emqx styles). The fuzz build adds only lwm2m/*, so the mapping
# library is added here; it needs yaml-cpp.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  if(NOT TARGET lwm2m_gateway_api)
    add_subdirectory(${PROJECT_SOURCE_DIR}/gateway/api ${CMAKE_BINARY_DIR}/gateway/api)
  endif()
  if(NOT TARGET lwm2m_mapping)
    add_subdirectory(${PROJECT_SOURCE_DIR}/mapping ${CMAKE_BINARY_DIR}/mapping)
  endif()
  lwm2m_add_fuzzer(mapping_command ${CMAKE_CURRENT_SOURCE_DIR}/mapping_command_fuzz.cc)
  target_link_libraries(fuzz_mapping_command PRIVATE lwm2m_mapping)
  lwm2m_add_fuzzer(mapping_rules ${CMAKE_CURRENT_SOURCE_DIR}/mapping_rules_fuzz.cc)
  target_link_libraries(fuzz_mapping_rules PRIVATE lwm2m_mapping)
else()
  message(STATUS "yaml-cpp not found: the mapping fuzz targets are not built")
endif()
