lwm2m_add_fuzzer(lwm2m_json ${CMAKE_CURRENT_SOURCE_DIR}/lwm2m_json_fuzz.cc)
target_link_libraries(fuzz_lwm2m_json PRIVATE lwm2m_formats)
