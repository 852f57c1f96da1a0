# The price of metrics on the hot path (a counter, a histogram, a labelled
# series looked up) beside a plain increment, and of rendering /metrics.
lwm2m_add_executable(bench_metrics ${CMAKE_CURRENT_SOURCE_DIR}/metrics_bench.cc)
target_link_libraries(bench_metrics PRIVATE lwm2m_metrics benchmark::benchmark benchmark::benchmark_main)
