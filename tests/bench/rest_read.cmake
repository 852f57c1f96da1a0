# bench_rest_read: REST resource reads through the real gateway (waiting for
# the device, and ?cached) beside the same read as an MQTT command and a
# trivial Beast HTTP server (the HTTP floor), at concurrency 1 and 64, in the
# same run.
lwm2m_add_executable(bench_rest_read
  ${CMAKE_CURRENT_LIST_DIR}/rest_read_bench.cc
  ${CMAKE_CURRENT_LIST_DIR}/http_load.cc
  ${CMAKE_CURRENT_LIST_DIR}/mqtt_command_load.cc)
target_link_libraries(bench_rest_read PRIVATE
  lwm2m_test_support lwm2m_bridge_mqtt PahoMqttCpp::paho-mqttpp3 RapidJSON::RapidJSON lwm2m::beast)
target_compile_definitions(bench_rest_read PRIVATE
  LWM2M_GATEWAY_BIN="$<TARGET_FILE:lwm2m-gateway>"
  LWM2M_SIM_BIN="$<TARGET_FILE:lwm2m-sim>")
add_dependencies(bench_rest_read lwm2m-gateway lwm2m-sim)
