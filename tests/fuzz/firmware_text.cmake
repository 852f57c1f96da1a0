# The Range header and package URLs the firmware routes read.
lwm2m_add_fuzzer(firmware_text ${CMAKE_CURRENT_SOURCE_DIR}/firmware_text_fuzz.cc
  ${PROJECT_SOURCE_DIR}/bridges/http/firmware_text.cc)
target_link_libraries(fuzz_firmware_text PRIVATE lwm2m_result)
