# bench_udp_burst: N devices (one UDP socket each) sending NON Updates to the
# real gateway in one second and all at once, with the kernel's default
# receive buffer as the baseline beside the gateway's default, in the same run.
lwm2m_add_executable(bench_udp_burst ${CMAKE_CURRENT_LIST_DIR}/udp_burst_bench.cc)
target_link_libraries(bench_udp_burst PRIVATE lwm2m_coap_message lwm2m_test_support)
target_compile_definitions(bench_udp_burst PRIVATE LWM2M_GATEWAY_BIN="$<TARGET_FILE:lwm2m-gateway>")
add_dependencies(bench_udp_burst lwm2m-gateway)
