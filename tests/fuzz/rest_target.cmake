# The REST request target parser and the resource URLs (method, path, query,
# body) as LwM2M requests: bridges/http/rest_target.cc and resource_request.cc
# need no Beast, so they are compiled in here with the mapping library.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  if(NOT TARGET lwm2m_gateway_api)
    add_subdirectory(${PROJECT_SOURCE_DIR}/gateway/api ${CMAKE_BINARY_DIR}/gateway/api)
  endif()
  if(NOT TARGET lwm2m_mapping)
    add_subdirectory(${PROJECT_SOURCE_DIR}/mapping ${CMAKE_BINARY_DIR}/mapping)
  endif()
  lwm2m_add_fuzzer(rest_target ${CMAKE_CURRENT_SOURCE_DIR}/rest_target_fuzz.cc
    ${PROJECT_SOURCE_DIR}/bridges/http/rest_target.cc ${PROJECT_SOURCE_DIR}/bridges/http/resource_request.cc)
  target_link_libraries(fuzz_rest_target PRIVATE lwm2m_formats lwm2m_mapping RapidJSON::RapidJSON)
endif()
