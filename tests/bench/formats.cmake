# Decode/encode throughput per content format for a 10-resource instance.
lwm2m_add_executable(bench_formats ${CMAKE_CURRENT_SOURCE_DIR}/formats_bench.cc)
target_link_libraries(bench_formats PRIVATE lwm2m_formats benchmark::benchmark benchmark::benchmark_main)
