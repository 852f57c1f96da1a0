// DTLS 1.2 PSK (PSK-AES128-CCM8) handshakes per second, client and server in
// one thread over memory, so the numbers are CPU cost of both ends:
//
//   MinimalOpenSsl/Full  the baseline: a bare OpenSSL server (DTLSv1_listen
//                        with an HMAC cookie, then SSL_accept) and a bare
//                        OpenSSL client, datagrams passed by hand.
//   MinimalOpenSsl/Resumed  the same, the client resuming with its ticket.
//   Gateway/Full         DtlsTransport server and client over an in-memory
//                        link (cookie exchange, session table, timers, the
//                        PSK lookup, packing of records into datagrams).
//   Gateway/Resumed      the client forgets its session and resumes it, as a
//                        device waking up does.
//   UpdateRoundTrips/dtls:0|1  CoAP Update round trips between two endpoints,
//                        plain vs inside an established DTLS session.
//
// Compare items_per_second of Gateway/* with MinimalOpenSsl/* of the same
// kind: the ratio is the cost of the session layer around OpenSSL.

#include <benchmark/benchmark.h>
#include <openssl/err.h>
#include <openssl/hmac.h>
#include <openssl/ssl.h>

#include <malloc.h>

#include <cstring>
#include <initializer_list>
#include <deque>
#include <stdexcept>
#include <vector>

#include <boost/asio/ip/address.hpp>

#include "lwm2m/coap/dtls_transport.h"
#include "lwm2m/coap/endpoint.h"
#include "lwm2m/coap/manual_scheduler.h"

namespace {

using lwm2m::coap::DtlsSettings;
using lwm2m::coap::DtlsTransport;
using lwm2m::coap::ManualScheduler;
using lwm2m::coap::Peer;

const std::vector<std::uint8_t> kKey{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

// ---- baseline: bare OpenSSL ----

unsigned serverPsk(SSL*, const char*, unsigned char* psk, unsigned) {
  std::memcpy(psk, kKey.data(), kKey.size());
  return static_cast<unsigned>(kKey.size());
}
unsigned clientPsk(SSL*, const char*, char* identity, unsigned, unsigned char* psk, unsigned) {
  std::strcpy(identity, "bench");
  std::memcpy(psk, kKey.data(), kKey.size());
  return static_cast<unsigned>(kKey.size());
}
unsigned char cookieSecret[32] = {7};
int makeCookie(SSL*, unsigned char* cookie, unsigned* length) {
  const unsigned char peer[6] = {127, 0, 0, 1, 0x9c, 0x40};
  HMAC(EVP_sha256(), cookieSecret, sizeof cookieSecret, peer, sizeof peer, cookie, length);
  return 1;
}
int checkCookie(SSL* ssl, const unsigned char* cookie, unsigned length) {
  unsigned char expected[EVP_MAX_MD_SIZE];
  unsigned n = 0;
  makeCookie(ssl, expected, &n);
  return n == length && std::memcmp(expected, cookie, n) == 0;
}

struct Minimal {
  Minimal() : server(SSL_CTX_new(DTLS_method())), client(SSL_CTX_new(DTLS_method())) {
    for (SSL_CTX* c : {server, client}) {
      SSL_CTX_set_min_proto_version(c, DTLS1_2_VERSION);
      SSL_CTX_set_cipher_list(c, "PSK-AES128-CCM8");
    }
    SSL_CTX_set_psk_server_callback(server, serverPsk);
    SSL_CTX_set_cookie_generate_cb(server, makeCookie);
    SSL_CTX_set_cookie_verify_cb(server, checkCookie);
    SSL_CTX_set_session_id_context(server, reinterpret_cast<const unsigned char*>("b"), 1);
    SSL_CTX_set_psk_client_callback(client, clientPsk);
  }
  ~Minimal() {
    SSL_SESSION_free(saved);
    SSL_CTX_free(server);
    SSL_CTX_free(client);
  }

  // Moves everything `from` wrote into `to`'s read BIO, datagram by datagram.
  static bool pass(SSL* from, SSL* to) {
    BIO* out = SSL_get_wbio(from);
    char buffer[4096];
    bool moved = false;
    while (BIO_ctrl_pending(out) > 0) {
      const int n = BIO_read(out, buffer, sizeof buffer);
      if (n <= 0) break;
      BIO_write(SSL_get_rbio(to), buffer, n);
      moved = true;
    }
    return moved;
  }

  bool handshake(bool resume) {
    SSL* s = SSL_new(server);
    SSL* c = SSL_new(client);
    for (SSL* x : {s, c}) {
      BIO* in = BIO_new(BIO_s_mem());
      BIO_set_mem_eof_return(in, -1);
      BIO* out = BIO_new(BIO_s_mem());
      BIO_set_mem_eof_return(out, -1);
      SSL_set_bio(x, in, out);
    }
    SSL_set_options(s, SSL_OP_COOKIE_EXCHANGE);
    // Memory BIOs cannot report an MTU: set it, as any memory-BIO server must.
    for (SSL* x : {s, c}) {
      SSL_set_options(x, SSL_OP_NO_QUERY_MTU);
      SSL_set_mtu(x, 1232);
    }
    SSL_set_accept_state(s);
    if (resume && saved) SSL_set_session(c, saved);
    SSL_set_connect_state(c);
    BIO_ADDR* address = BIO_ADDR_new();
    bool listening = true, done = false;
    for (int round = 0; round < 20 && !done; ++round) {
      SSL_do_handshake(c);
      pass(c, s);
      if (listening) {
        if (DTLSv1_listen(s, address) > 0) listening = false;
      }
      if (!listening) {
        const int r = SSL_accept(s);
        done = r == 1 && SSL_is_init_finished(c);
      }
      pass(s, c);
      SSL_do_handshake(c);
      pass(c, s);
      if (!listening) SSL_accept(s);
      done = SSL_is_init_finished(s) && SSL_is_init_finished(c);
    }
    BIO_ADDR_free(address);
    if (done && !resume) {
      SSL_SESSION_free(saved);
      saved = SSL_get1_session(c);
    }
    const bool ok = done && (!resume || SSL_session_reused(c));
    SSL_shutdown(c);
    SSL_shutdown(s);
    SSL_free(s);
    SSL_free(c);
    ERR_clear_error();
    return ok;
  }

  SSL_CTX* server;
  SSL_CTX* client;
  SSL_SESSION* saved = nullptr;
};

void MinimalOpenSsl(benchmark::State& state) {
  const bool resume = state.range(0) != 0;
  Minimal m;
  if (!m.handshake(false)) throw std::runtime_error("baseline handshake failed");
  for (auto _ : state) {
    if (!m.handshake(resume)) {
      state.SkipWithError("handshake failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(MinimalOpenSsl)->ArgName("resumed")->Arg(0)->Arg(1);

// ---- the gateway's DtlsTransport ----

class Keyring : public lwm2m::coap::PskKeyring {
 public:
  std::optional<std::vector<std::uint8_t>> keyFor(std::string_view) const override { return kKey; }
};

class Link : public lwm2m::coap::Transport {
 public:
  Link(ManualScheduler& scheduler, Peer local) : scheduler_(scheduler), local_(local) {}
  void start(ReceiveHandler handler) override { handler_ = std::move(handler); }
  void send(const Peer&, std::span<const std::uint8_t> datagram) override {
    Link* target = other;
    std::vector<std::uint8_t> copy(datagram.begin(), datagram.end());
    const Peer from = local_;
    scheduler_.schedule({}, [target, from, copy = std::move(copy)] { target->handler_(from, copy); });
  }
  Peer localEndpoint() const override { return local_; }
  void close() override {}
  Link* other = nullptr;

 private:
  ManualScheduler& scheduler_;
  Peer local_;
  ReceiveHandler handler_;
};

void Gateway(benchmark::State& state) {
  const bool resume = state.range(0) != 0;
  ManualScheduler scheduler;
  const Peer serverAt(boost::asio::ip::make_address("127.0.0.1"), 5684);
  const Peer clientAt(boost::asio::ip::make_address("127.0.0.1"), 40000);
  Link serverLink(scheduler, serverAt), clientLink(scheduler, clientAt);
  serverLink.other = &clientLink;
  clientLink.other = &serverLink;
  Keyring keyring;
  DtlsSettings serverSettings;
  serverSettings.pskKeyring = &keyring;
  serverSettings.cipherList = "PSK-AES128-CCM8";
  DtlsTransport server(serverLink, scheduler, serverSettings);
  std::size_t received = 0;
  server.start([&received](const Peer&, std::span<const std::uint8_t>) { ++received; });
  DtlsSettings clientSettings;
  clientSettings.role = DtlsSettings::Role::Client;
  clientSettings.pskIdentity = "bench";
  clientSettings.pskKey = kKey;
  clientSettings.cipherList = "PSK-AES128-CCM8";
  auto client = std::make_unique<DtlsTransport>(clientLink, scheduler, clientSettings);
  client->start([](const Peer&, std::span<const std::uint8_t>) {});
  const std::uint8_t ping[] = {'p'};
  for (auto _ : state) {
    if (resume) {
      client->forget(serverAt);
    } else {
      // A new device (no session to resume); its OpenSSL context is not timed.
      state.PauseTiming();
      client = std::make_unique<DtlsTransport>(clientLink, scheduler, clientSettings);
      client->start([](const Peer&, std::span<const std::uint8_t>) {});
      state.ResumeTiming();
    }
    const std::size_t before = received;
    client->send(serverAt, ping);
    for (int i = 0; i < 30 && received == before; ++i) scheduler.runDue();
    if (received == before) {
      state.SkipWithError("handshake failed");
      break;
    }
  }
  const auto& c = server.counters();
  state.counters["full"] = static_cast<double>(c.fullHandshakes);
  state.counters["resumed"] = static_cast<double>(c.resumedHandshakes);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Gateway)->ArgName("resumed")->Arg(0)->Arg(1);

// Registration Updates (CON POST /rd/{id} with lt=, answered 2.04) per second
// between two CoAP endpoints, over plain datagrams (the baseline) and over an
// established DTLS session (PSK-AES128-CCM8): the per-message cost of DTLS.
void UpdateRoundTrips(benchmark::State& state) {
  const bool dtls = state.range(0) != 0;
  ManualScheduler scheduler;
  const Peer serverAt(boost::asio::ip::make_address("127.0.0.1"), 5684);
  const Peer clientAt(boost::asio::ip::make_address("127.0.0.1"), 40000);
  Link serverLink(scheduler, serverAt), clientLink(scheduler, clientAt);
  serverLink.other = &clientLink;
  clientLink.other = &serverLink;
  Keyring keyring;
  DtlsSettings serverSettings;
  serverSettings.pskKeyring = &keyring;
  serverSettings.cipherList = "PSK-AES128-CCM8";
  DtlsSettings clientSettings;
  clientSettings.role = DtlsSettings::Role::Client;
  clientSettings.pskIdentity = "bench";
  clientSettings.pskKey = kKey;
  clientSettings.cipherList = "PSK-AES128-CCM8";
  std::unique_ptr<DtlsTransport> serverDtls, clientDtls;
  lwm2m::coap::Transport* serverTransport = &serverLink;
  lwm2m::coap::Transport* clientTransport = &clientLink;
  if (dtls) {
    serverDtls = std::make_unique<DtlsTransport>(serverLink, scheduler, serverSettings);
    clientDtls = std::make_unique<DtlsTransport>(clientLink, scheduler, clientSettings);
    serverTransport = serverDtls.get();
    clientTransport = clientDtls.get();
  }
  std::uint32_t seed = 1;
  auto random = [&seed] { return seed = seed * 1664525u + 1013904223u; };
  lwm2m::coap::Endpoint server(*serverTransport, scheduler, {}, random);
  lwm2m::coap::Endpoint client(*clientTransport, scheduler, {}, random);
  server.setRequestHandler([](const Peer&, const lwm2m::coap::Message& request,
                              lwm2m::coap::Endpoint::Responder respond) {
    respond(lwm2m::coap::Message::response(request, lwm2m::coap::codes::Changed));
  });
  server.start();
  client.start();
  std::size_t answered = 0;
  for (auto _ : state) {
    lwm2m::coap::Message update;
    update.code = lwm2m::coap::codes::Post;
    update.setUriPath("rd/5f3a9c01d2");
    update.addUriQuery("lt=300");
    const std::size_t before = answered;
    client.sendRequest(serverAt, std::move(update), [&answered](const lwm2m::coap::ResponseResult& r) {
      if (r.status == lwm2m::coap::RequestStatus::Ok) ++answered;
    });
    for (int i = 0; i < 30 && answered == before; ++i) scheduler.runDue();
    if (answered == before) {
      state.SkipWithError("no answer");
      break;
    }
    // Message IDs may not be reused within EXCHANGE_LIFETIME: let time pass.
    scheduler.advance(std::chrono::milliseconds(5));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(UpdateRoundTrips)->ArgName("dtls")->Arg(0)->Arg(1);

// Heap bytes per established server session (mallinfo2 before and after
// opening `sessions` sessions from distinct client ports); reported as the
// "bytes_per_session" counter.
void SessionMemory(benchmark::State& state) {
  const auto sessions = static_cast<std::uint16_t>(state.range(0));
  for (auto _ : state) {
    ManualScheduler scheduler;
    const Peer serverAt(boost::asio::ip::make_address("127.0.0.1"), 5684);
    Link serverLink(scheduler, serverAt);
    Keyring keyring;
    DtlsSettings serverSettings;
    serverSettings.pskKeyring = &keyring;
    DtlsTransport server(serverLink, scheduler, serverSettings);
    server.start([](const Peer&, std::span<const std::uint8_t>) {});
    DtlsSettings clientSettings;
    clientSettings.role = DtlsSettings::Role::Client;
    clientSettings.pskIdentity = "bench";
    clientSettings.pskKey = kKey;
    const std::uint8_t ping[] = {'p'};
    // One device at a time: it handshakes, sends, and vanishes without
    // close_notify (its own memory is freed again), so only the server's
    // growth remains in the difference.
    const std::size_t before = mallinfo2().uordblks;
    for (std::uint16_t i = 0; i < sessions; ++i) {
      Link link(scheduler, Peer(serverAt.address(), static_cast<std::uint16_t>(20000 + i)));
      link.other = &serverLink;
      serverLink.other = &link;
      DtlsTransport client(link, scheduler, clientSettings);
      client.start([](const Peer&, std::span<const std::uint8_t>) {});
      client.send(serverAt, ping);
      for (int r = 0; r < 30; ++r) scheduler.runDue();
    }
    const std::size_t after = mallinfo2().uordblks;
    if (server.sessionCount() != sessions) {
      state.SkipWithError("not every session was established");
      break;
    }
    state.counters["bytes_per_session"] =
        static_cast<double>(after > before ? after - before : 0) / sessions;
  }
}
BENCHMARK(SessionMemory)->Arg(1000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
