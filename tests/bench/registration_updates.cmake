# bench_registration_updates: Registers and Updates against the real gateway
# (a mapping that publishes nothing, and the default mapping into a real
# Mosquitto) beside a do-nothing UDP echo server driven by the same load
# client in the same run; memory per registered device.
lwm2m_add_executable(bench_registration_updates
  ${CMAKE_CURRENT_LIST_DIR}/registration_updates_bench.cc ${CMAKE_CURRENT_LIST_DIR}/registration_load.cc)
target_link_libraries(bench_registration_updates PRIVATE lwm2m_coap_message lwm2m_test_support)
target_compile_definitions(bench_registration_updates PRIVATE LWM2M_GATEWAY_BIN="$<TARGET_FILE:lwm2m-gateway>")
add_dependencies(bench_registration_updates lwm2m-gateway)
