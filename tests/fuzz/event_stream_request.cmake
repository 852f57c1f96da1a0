# What an HTTP client sends to open the event stream (query filters and
# Last-Event-ID) and webhook URLs from the configuration. The event filter
# uses the mapping's globs, so the mapping library is added as mapping.cmake does.
find_package(yaml-cpp QUIET)
if(yaml-cpp_FOUND)
  if(NOT TARGET lwm2m_gateway_api)
    add_subdirectory(${PROJECT_SOURCE_DIR}/gateway/api ${CMAKE_BINARY_DIR}/gateway/api)
  endif()
  if(NOT TARGET lwm2m_mapping)
    add_subdirectory(${PROJECT_SOURCE_DIR}/mapping ${CMAKE_BINARY_DIR}/mapping)
  endif()
  lwm2m_add_fuzzer(event_stream_request ${CMAKE_CURRENT_SOURCE_DIR}/event_stream_request_fuzz.cc
    ${PROJECT_SOURCE_DIR}/bridges/http/event_filter.cc ${PROJECT_SOURCE_DIR}/bridges/webhook/webhook_url.cc)
  target_link_libraries(fuzz_event_stream_request PRIVATE lwm2m_mapping)
endif()
