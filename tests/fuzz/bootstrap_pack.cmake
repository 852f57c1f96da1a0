# Bootstrap-Pack (LwM2M 1.2): a Bootstrap-Pack-Request as it arrives (CoAP
# datagram, then its ep query and Accept) and a pack as a client receives it.
# The fuzz build has no lwm2m_server library, so the pack code and the
# configuration model are compiled in.
lwm2m_add_fuzzer(bootstrap_pack ${CMAKE_CURRENT_SOURCE_DIR}/bootstrap_pack_fuzz.cc
  ${PROJECT_SOURCE_DIR}/lwm2m/server/bootstrap_pack.cc
  ${PROJECT_SOURCE_DIR}/lwm2m/server/bootstrap_config.cc)
target_link_libraries(fuzz_bootstrap_pack PRIVATE lwm2m_formats lwm2m_coap_message)
