#include "tests/integration/in_process_server.h"

#include <future>
#include <random>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/require.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "lwm2m/coap/asio_scheduler.h"
#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/udp_transport.h"
#include "lwm2m/server/registration_interface.h"
#include "lwm2m/server/request_sender.h"
#include "lwm2m/server/uplink_dispatcher.h"

namespace lwm2m::testing {

struct InProcessServer::State : server::NotificationListener, server::SendListener {
  boost::asio::io_context io;
  boost::asio::any_io_executor work =
      boost::asio::require(io.get_executor(), boost::asio::execution::outstanding_work.tracked);
  coap::AsioScheduler scheduler{io};
  std::mt19937 rng{std::random_device{}()};
  std::function<std::uint32_t()> random = [this] { return static_cast<std::uint32_t>(rng()); };
  coap::UdpTransport transport{io, coap::Peer(boost::asio::ip::make_address("127.0.0.1"), 0)};
  coap::Endpoint endpoint{transport, scheduler, coap::TransmissionParameters{}, random};
  model::ModelSource model{model::ObjectModel::builtIn()};
  server::RegistrationInterface registrations{scheduler, server::RegistrationSettings{}, random};
  server::ObservationRegistry observations{endpoint, scheduler, registrations, model};
  server::RequestSender sender{endpoint, scheduler, registrations, observations, model, random};
  server::SendHandler send{scheduler, registrations, model};
  server::UplinkDispatcher dispatcher{registrations};

  std::mutex mutex;
  std::condition_variable changed;
  std::vector<server::NotificationEvent> notifications;
  std::vector<server::SendEvent> sends;

  State() {
    registrations.addListener(&observations);
    registrations.addListener(&send);
    observations.addListener(this);
    send.addListener(this);
    dispatcher.setSendHandler(&send);
    endpoint.setRequestHandler([this](const coap::Peer& from, const coap::Message& request,
                                      coap::Endpoint::Responder respond) {
      dispatcher.handle(from, request, respond);
    });
    endpoint.start();
  }

  void onNotification(const server::NotificationEvent& e) override {
    std::lock_guard lock(mutex);
    notifications.push_back(e);
    changed.notify_all();
  }
  void onObservationEnded(const std::string&, const std::vector<model::Path>&, const std::string&) override {}
  void onSend(const server::SendEvent& e) override {
    std::lock_guard lock(mutex);
    sends.push_back(e);
    changed.notify_all();
  }
};

InProcessServer::InProcessServer() : state_(std::make_unique<State>()) {
  thread_ = std::thread([this] { state_->io.run(); });
}

InProcessServer::~InProcessServer() {
  run([this] { state_->transport.close(); });
  state_->work = boost::asio::any_io_executor();
  state_->io.stop();
  thread_.join();
}

std::string InProcessServer::address() const {
  return "127.0.0.1:" + std::to_string(state_->transport.localEndpoint().port());
}

void InProcessServer::run(const std::function<void()>& work) {
  std::promise<void> done;
  boost::asio::post(state_->io, [&] {
    work();
    done.set_value();
  });
  done.get_future().wait();
}

bool InProcessServer::waitRegistered(const std::string& endpoint, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    bool found = false;
    run([&] { found = state_->registrations.registrations().findByEndpoint(endpoint) != nullptr; });
    if (found) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

std::future<operations::DeviceResponse> InProcessServer::submit(const std::string& endpoint,
                                                           operations::DeviceRequest request) {
  auto answer = std::make_shared<std::promise<operations::DeviceResponse>>();
  auto future = answer->get_future();
  boost::asio::post(state_->io, [this, endpoint, request = std::move(request), answer]() mutable {
    state_->sender.send(endpoint, std::move(request),
                        [answer](operations::DeviceResponse r) { answer->set_value(std::move(r)); });
  });
  return future;
}

operations::DeviceResponse InProcessServer::call(const std::string& endpoint, operations::DeviceRequest request,
                                             std::chrono::milliseconds wait) {
  auto future = submit(endpoint, std::move(request));
  if (future.wait_for(wait) != std::future_status::ready) {
    return operations::DeviceResponse::failure(operations::Outcome::Timeout, "the test gave up waiting");
  }
  return future.get();
}

bool InProcessServer::forget(const std::string& endpoint, const std::vector<model::Path>& paths) {
  bool forgotten = false;
  run([&] { forgotten = state_->observations.forget(endpoint, paths); });
  return forgotten;
}

std::size_t InProcessServer::observationCount(const std::string& endpoint) {
  std::size_t n = 0;
  run([&] { n = state_->observations.count(endpoint); });
  return n;
}

std::size_t InProcessServer::notificationCount() {
  std::lock_guard lock(state_->mutex);
  return state_->notifications.size();
}

std::vector<server::NotificationEvent> InProcessServer::waitForNotifications(std::size_t count,
                                                                             std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  state_->changed.wait_for(lock, timeout, [&] { return state_->notifications.size() >= count; });
  return state_->notifications;
}

std::vector<server::SendEvent> InProcessServer::waitForSends(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->mutex);
  state_->changed.wait_for(lock, timeout, [&] { return state_->sends.size() >= count; });
  return state_->sends;
}

}  // namespace lwm2m::testing
