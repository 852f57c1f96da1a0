# bench_dtls_handshake: DTLS 1.2 PSK handshakes per second through the
# gateway's DtlsTransport (cookie exchange, full and resumed) beside a minimal
# OpenSSL DTLS server (DTLSv1_listen + SSL_accept on memory BIOs) in the same run.
lwm2m_add_executable(bench_dtls_handshake ${CMAKE_CURRENT_LIST_DIR}/dtls_handshake_bench.cc)
target_link_libraries(bench_dtls_handshake PRIVATE
  lwm2m_coap OpenSSL::SSL OpenSSL::Crypto benchmark::benchmark benchmark::benchmark_main)
