#pragma once
// The LwM2M server's request layer hosted in the test process: a real UDP
// endpoint on 127.0.0.1 (free port), the Registration Interface, Send,
// the RequestSender and the ObservationRegistry, driven by an io_context on
// a background thread. The test thread talks to it through blocking calls
// that post into that thread; events are collected for the test to wait on.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lwm2m/operations/device_request.h"
#include "lwm2m/operations/device_response.h"
#include "lwm2m/server/observation_registry.h"
#include "lwm2m/server/send_handler.h"

namespace lwm2m::testing {

class InProcessServer {
 public:
  InProcessServer();
  ~InProcessServer();

  std::string address() const;  // "127.0.0.1:P", as lwm2m-sim --server wants

  bool waitRegistered(const std::string& endpoint, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Sends and waits for the one answer (a BadRequest-free timeout past `wait`).
  operations::DeviceResponse call(const std::string& endpoint, operations::DeviceRequest request,
                              std::chrono::milliseconds wait = std::chrono::seconds(40));
  // Sends without waiting; the future holds the one answer.
  std::future<operations::DeviceResponse> submit(const std::string& endpoint, operations::DeviceRequest request);
  // Passive cancel.
  bool forget(const std::string& endpoint, const std::vector<model::Path>& paths);
  std::size_t observationCount(const std::string& endpoint);

  // Waits until at least `count` notifications / Sends arrived; returns what arrived.
  std::vector<server::NotificationEvent> waitForNotifications(std::size_t count, std::chrono::milliseconds timeout);
  std::vector<server::SendEvent> waitForSends(std::size_t count, std::chrono::milliseconds timeout);
  std::size_t notificationCount();

 private:
  struct State;
  // Runs `work` on the io thread and waits for it.
  void run(const std::function<void()>& work);

  std::unique_ptr<State> state_;
  std::thread thread_;
};

}  // namespace lwm2m::testing
