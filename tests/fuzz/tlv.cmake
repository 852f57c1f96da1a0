lwm2m_add_fuzzer(tlv ${CMAKE_CURRENT_SOURCE_DIR}/tlv_fuzz.cc)
target_link_libraries(fuzz_tlv PRIVATE lwm2m_formats)
