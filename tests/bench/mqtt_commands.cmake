# bench_mqtt_commands: the MQTT command round trip through the real gateway and
# simulated devices, one at a time and at a steady rate, beside a raw Paho
# request/answer through the same broker in the same run.
lwm2m_add_executable(bench_mqtt_commands ${CMAKE_CURRENT_LIST_DIR}/mqtt_commands_bench.cc)
target_link_libraries(bench_mqtt_commands PRIVATE
  lwm2m_test_support lwm2m_bridge_mqtt PahoMqttCpp::paho-mqttpp3 RapidJSON::RapidJSON)
target_compile_definitions(bench_mqtt_commands PRIVATE
  LWM2M_GATEWAY_BIN="$<TARGET_FILE:lwm2m-gateway>"
  LWM2M_SIM_BIN="$<TARGET_FILE:lwm2m-sim>")
add_dependencies(bench_mqtt_commands lwm2m-gateway lwm2m-sim)
