#pragma once
// A test fixture whose io_context runs on its own thread, like the gateway's
// I/O thread: what lives there is created, called and destroyed through onIo().

#include <gtest/gtest.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <future>
#include <string>
#include <thread>

#include "bridges/mqtt/mqtt_settings.h"
#include "tests/support/mosquitto.h"

namespace lwm2m::bridges::mqtt {

class IoThreadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    thread_ = std::thread([this] { io_.run(); });
  }
  // Subclasses first destroy (through onIo) what lives on the I/O thread.
  void TearDown() override {
    work_ = boost::asio::any_io_executor();
    thread_.join();
  }

  // Runs f on the I/O thread and waits for it (at most 10 s).
  template <class F>
  void onIo(F f) {
    std::promise<void> done;
    boost::asio::post(io_, [&] {
      f();
      done.set_value();
    });
    ASSERT_EQ(done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }

  // Settings for `broker` on loopback that reconnect within a fraction of a second.
  static MqttSettings quickSettings(const lwm2m::testing::Mosquitto& broker, std::string clientId) {
    MqttSettings s;
    s.uri = broker.uri();
    s.clientId = std::move(clientId);
    s.reconnectMin = std::chrono::milliseconds(100);
    s.reconnectMax = std::chrono::milliseconds(400);
    s.keepalive = std::chrono::seconds(5);
    return s;
  }

  boost::asio::io_context io_;
  // Keeps run() going while nothing is scheduled.
  boost::asio::any_io_executor work_ =
      boost::asio::prefer(io_.get_executor(), boost::asio::execution::outstanding_work.tracked);
  std::thread thread_;
};

}  // namespace lwm2m::bridges::mqtt
