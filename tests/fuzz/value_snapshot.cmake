# The value cache's snapshot file (gateway/core/value_snapshot_codec.h), read at
# start-up from the data directory: damaged files must fail cleanly.
if(NOT TARGET lwm2m_gateway_api)
  add_subdirectory(${PROJECT_SOURCE_DIR}/gateway/api ${CMAKE_BINARY_DIR}/gateway/api)
endif()
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  if(NOT TARGET lwm2m_mapping)
    add_subdirectory(${PROJECT_SOURCE_DIR}/mapping ${CMAKE_BINARY_DIR}/mapping)
  endif()
  lwm2m_add_fuzzer(value_snapshot ${CMAKE_CURRENT_SOURCE_DIR}/value_snapshot_fuzz.cc
    ${PROJECT_SOURCE_DIR}/gateway/core/value_snapshot_codec.cc)
  target_link_libraries(fuzz_value_snapshot PRIVATE lwm2m_gateway_api lwm2m_mapping RapidJSON::RapidJSON)
endif()
