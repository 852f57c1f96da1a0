# The DTLS server's entry (record layer, cookie path, handshake) on OpenSSL.
# The fuzz build has no Asio library, so the DTLS sources are compiled in
# with Asio header-only (only ip::udp::endpoint is used).
find_package(OpenSSL QUIET)
find_package(Boost 1.74 QUIET)
if(OpenSSL_FOUND AND Boost_FOUND)
  lwm2m_add_fuzzer(dtls_record ${CMAKE_CURRENT_SOURCE_DIR}/dtls_record_fuzz.cc
    ${PROJECT_SOURCE_DIR}/lwm2m/coap/transport.cc
    ${PROJECT_SOURCE_DIR}/lwm2m/coap/peer_identity.cc
    ${PROJECT_SOURCE_DIR}/lwm2m/coap/dtls_context.cc
    ${PROJECT_SOURCE_DIR}/lwm2m/coap/dtls_session.cc
    ${PROJECT_SOURCE_DIR}/lwm2m/coap/dtls_transport.cc)
  target_link_libraries(fuzz_dtls_record PRIVATE lwm2m_coap_message Boost::boost OpenSSL::SSL OpenSSL::Crypto)
endif()
