lwm2m_add_fuzzer(text ${CMAKE_CURRENT_SOURCE_DIR}/text_fuzz.cc)
target_link_libraries(fuzz_text PRIVATE lwm2m_formats)
