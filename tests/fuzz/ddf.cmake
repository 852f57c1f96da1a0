lwm2m_add_fuzzer(ddf ${CMAKE_CURRENT_SOURCE_DIR}/ddf_fuzz.cc)
target_link_libraries(fuzz_ddf PRIVATE lwm2m_model)
