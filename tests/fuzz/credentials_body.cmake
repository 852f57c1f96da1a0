# The body of PUT /api/v1/credentials/{endpoint} (bridges/http/credentials_body.cc)
# and the credentials rules it shares with the command line
# (gateway/api/device_credentials.cc): no Beast, no SQLite, compiled in.
lwm2m_add_fuzzer(credentials_body ${CMAKE_CURRENT_SOURCE_DIR}/credentials_body_fuzz.cc
  ${PROJECT_SOURCE_DIR}/bridges/http/credentials_body.cc
  ${PROJECT_SOURCE_DIR}/gateway/api/device_credentials.cc)
target_link_libraries(fuzz_credentials_body PRIVATE RapidJSON::RapidJSON)
