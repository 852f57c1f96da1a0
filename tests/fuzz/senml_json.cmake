lwm2m_add_fuzzer(senml_json ${CMAKE_CURRENT_SOURCE_DIR}/senml_json_fuzz.cc)
target_link_libraries(fuzz_senml_json PRIVATE lwm2m_formats)
