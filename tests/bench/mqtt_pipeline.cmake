# bench_mqtt_pipeline: N simulated devices notifying through the real gateway
# into a real Mosquitto, and MQTT command round trips, beside a plain Paho
# publisher and a Paho request/answer pair on the same broker in the same run.
lwm2m_add_executable(bench_mqtt_pipeline ${CMAKE_CURRENT_LIST_DIR}/mqtt_pipeline_bench.cc)
target_link_libraries(bench_mqtt_pipeline PRIVATE
  lwm2m_test_support lwm2m_bridge_mqtt PahoMqttCpp::paho-mqttpp3 RapidJSON::RapidJSON)
target_compile_definitions(bench_mqtt_pipeline PRIVATE
  LWM2M_GATEWAY_BIN="$<TARGET_FILE:lwm2m-gateway>"
  LWM2M_SIM_BIN="$<TARGET_FILE:lwm2m-sim>")
add_dependencies(bench_mqtt_pipeline lwm2m-gateway lwm2m-sim)
