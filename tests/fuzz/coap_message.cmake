# CoAP datagram decoder: decode → encode → decode must give the same message.
lwm2m_add_fuzzer(coap_message ${CMAKE_CURRENT_SOURCE_DIR}/coap_message_fuzz.cc)
target_link_libraries(fuzz_coap_message PRIVATE lwm2m_coap_message)
