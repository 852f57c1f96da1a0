# Every dependency is a Debian package (also in Yocto layers), found through
# its CMake config or pkg-config. scripts/deps installs them.
find_package(Threads REQUIRED)
find_package(RapidJSON REQUIRED)
if(NOT TARGET RapidJSON::RapidJSON)
  add_library(RapidJSON::RapidJSON INTERFACE IMPORTED)
  target_include_directories(RapidJSON::RapidJSON SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIRS})
endif()
find_package(pugixml REQUIRED)

if(NOT LWM2M_FUZZ)
  find_package(Boost 1.74 REQUIRED)
  find_package(OpenSSL REQUIRED)
  find_package(yaml-cpp REQUIRED)
  # yaml-cpp 0.7 (Debian 12) exports the target `yaml-cpp`, 0.8 (Yocto scarthgap)
  # only `yaml-cpp::yaml-cpp`; without this, `yaml-cpp` would silently become
  # -lyaml-cpp with whatever headers happen to be in /usr/include.
  if(TARGET yaml-cpp::yaml-cpp AND NOT TARGET yaml-cpp)
    add_library(yaml-cpp INTERFACE IMPORTED GLOBAL)
    target_link_libraries(yaml-cpp INTERFACE yaml-cpp::yaml-cpp)
  endif()
  find_package(spdlog REQUIRED)
  find_package(fmt REQUIRED)
  find_package(CLI11 REQUIRED)
  find_package(PahoMqttCpp REQUIRED)
  find_package(SQLiteCpp REQUIRED)
  if(LWM2M_TESTS)
    find_package(GTest REQUIRED)
  endif()
  if(LWM2M_BENCH)
    find_package(benchmark REQUIRED)
  endif()
endif()

# Asio and Beast are compiled once, in these two libraries; every target that
# includes Asio or Beast links lwm2m::asio or lwm2m::beast to get the same
# separate-compilation definitions.
if(NOT LWM2M_FUZZ)
  add_library(lwm2m_asio STATIC ${PROJECT_SOURCE_DIR}/cmake/asio_impl.cc)
  target_compile_definitions(lwm2m_asio PUBLIC
    BOOST_ASIO_SEPARATE_COMPILATION BOOST_ASIO_NO_DEPRECATED BOOST_ASIO_NO_TS_EXECUTORS)
  target_link_libraries(lwm2m_asio PUBLIC Boost::boost OpenSSL::SSL OpenSSL::Crypto Threads::Threads)
  add_library(lwm2m::asio ALIAS lwm2m_asio)

  add_library(lwm2m_beast STATIC ${PROJECT_SOURCE_DIR}/cmake/beast_impl.cc)
  target_compile_definitions(lwm2m_beast PUBLIC BOOST_BEAST_SEPARATE_COMPILATION)
  target_link_libraries(lwm2m_beast PUBLIC lwm2m_asio)
  add_library(lwm2m::beast ALIAS lwm2m_beast)
endif()
