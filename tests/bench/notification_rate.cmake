# bench_notification_rate: the highest rate of notifications the real gateway
# turns into MQTT messages with nothing lost (devices on loopback addresses,
# a real Mosquitto), beside one plain Paho publisher's ceiling in the same run.
lwm2m_add_executable(bench_notification_rate
  ${CMAKE_CURRENT_LIST_DIR}/notification_rate_bench.cc ${CMAKE_CURRENT_LIST_DIR}/registration_load.cc)
target_link_libraries(bench_notification_rate PRIVATE
  lwm2m_coap_message lwm2m_test_support lwm2m_bridge_mqtt PahoMqttCpp::paho-mqttpp3 RapidJSON::RapidJSON)
target_compile_definitions(bench_notification_rate PRIVATE LWM2M_GATEWAY_BIN="$<TARGET_FILE:lwm2m-gateway>")
add_dependencies(bench_notification_rate lwm2m-gateway)
