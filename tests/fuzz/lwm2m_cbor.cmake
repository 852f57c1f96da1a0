lwm2m_add_fuzzer(lwm2m_cbor ${CMAKE_CURRENT_SOURCE_DIR}/lwm2m_cbor_fuzz.cc)
target_link_libraries(fuzz_lwm2m_cbor PRIVATE lwm2m_formats)
