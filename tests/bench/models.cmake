# Loading the whole public OMA registry as lwm2m.models does, beside parsing
# the same files as XML only; and the memory the loaded model holds.
lwm2m_add_executable(bench_models ${CMAKE_CURRENT_SOURCE_DIR}/models_bench.cc)
target_link_libraries(bench_models PRIVATE lwm2m_model pugixml::pugixml benchmark::benchmark benchmark::benchmark_main)
target_compile_definitions(bench_models PRIVATE
  LWM2M_REGISTRY_DIR="${PROJECT_SOURCE_DIR}/../shared/lwm2m-registry")
