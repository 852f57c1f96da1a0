# The gateway's JSON command decoder (REST bodies, stored queue entries). The
# fuzz build adds only lwm2m/* without the server, so the decoder files and
# the request builder are compiled in here,
# and the mapping library (reply routes) is added as mapping.cmake does.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  if(NOT TARGET lwm2m_mapping)
    add_subdirectory(${PROJECT_SOURCE_DIR}/mapping ${CMAKE_BINARY_DIR}/mapping)
  endif()
  lwm2m_add_fuzzer(command_json ${CMAKE_CURRENT_SOURCE_DIR}/command_json_fuzz.cc
    ${PROJECT_SOURCE_DIR}/gateway/command_json.cc ${PROJECT_SOURCE_DIR}/gateway/command_values.cc
    ${PROJECT_SOURCE_DIR}/lwm2m/server/device_request.cc ${PROJECT_SOURCE_DIR}/lwm2m/server/request_builder.cc)
  target_link_libraries(fuzz_command_json PRIVATE lwm2m_coap_message lwm2m_formats lwm2m_mapping RapidJSON::RapidJSON)
endif()
