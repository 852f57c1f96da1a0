lwm2m_add_fuzzer(senml_cbor ${CMAKE_CURRENT_SOURCE_DIR}/senml_cbor_fuzz.cc)
target_link_libraries(fuzz_senml_cbor PRIVATE lwm2m_formats)
