# bench_persistence: durable queued-request writes through the store's writer
# thread (group commit) beside one row per transaction, measured in the same
# run, both with synchronous=FULL.
lwm2m_add_executable(bench_persistence ${CMAKE_CURRENT_LIST_DIR}/persistence_bench.cc)
target_link_libraries(bench_persistence PRIVATE
  lwm2m_persistence SQLiteCpp SQLite::SQLite3 benchmark::benchmark benchmark::benchmark_main)
