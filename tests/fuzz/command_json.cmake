# The one JSON command codec (REST bodies, MQTT json style) and the queue's
# row format. The fuzz build adds only lwm2m/* without the server, so the row
# codec and the request builder (with the object links it reads) are compiled
# in here, and the mapping library (the codec) is added as mapping.cmake does.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  if(NOT TARGET lwm2m_gateway_api)
    add_subdirectory(${PROJECT_SOURCE_DIR}/gateway/api ${CMAKE_BINARY_DIR}/gateway/api)
  endif()
  if(NOT TARGET lwm2m_mapping)
    add_subdirectory(${PROJECT_SOURCE_DIR}/mapping ${CMAKE_BINARY_DIR}/mapping)
  endif()
  lwm2m_add_fuzzer(command_json ${CMAKE_CURRENT_SOURCE_DIR}/command_json_fuzz.cc
    ${PROJECT_SOURCE_DIR}/persistence/request_row.cc ${PROJECT_SOURCE_DIR}/lwm2m/server/request_builder.cc
    ${PROJECT_SOURCE_DIR}/lwm2m/server/object_links.cc)
  target_link_libraries(fuzz_command_json PRIVATE lwm2m_coap_message lwm2m_formats lwm2m_mapping RapidJSON::RapidJSON)
endif()
