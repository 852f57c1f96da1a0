#include "gateway/daemon/credentials_command.h"

#include <CLI/CLI.hpp>

#include <iomanip>
#include <istream>
#include <ostream>
#include <string>

#include "gateway/api/device_credentials.h"
#include "gateway/daemon/config.h"
#include "gateway/daemon/credential_admin.h"
#include "gateway/daemon/device_listeners.h"
#include "persistence/credential_store.h"

namespace lwm2m::gateway {

int runCredentialsCommand(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err) {
  CLI::App app("Manage the devices' DTLS credentials (PSK identities and keys, certificate names).\n"
               "Keys are write-only: nothing prints them back. With --bootstrap: the credentials devices\n"
               "use toward the bootstrap server's DTLS port (bootstrap.listen_dtls), kept apart.",
               "lwm2m-gateway credentials");
  app.set_help_flag("-h,--help", "Print this help and exit");
  app.require_subcommand(1);
  std::string configFile, dataDir, file;
  app.add_option("-c,--config", configFile, "Gateway configuration (for storage.data_dir, coaps.credentials_file)")
      ->type_name("FILE");
  app.add_option("--data-dir", dataDir, "State directory (storage.data_dir)")->type_name("DIR");
  app.add_option("--file", file, "The credentials file itself (coaps.credentials_file)")->type_name("FILE");

  api::CredentialsInput added;
  bool keyFromStdin = false, allowPlain = false;
  auto* add = app.add_subcommand("add", "Add or replace the credentials of one endpoint");
  add->add_option("endpoint", added.endpoint, "LwM2M endpoint name (ep=)")->required();
  add->add_option("--psk-identity", added.pskIdentity, "PSK identity the device presents");
  add->add_option("--psk-key", added.pskKeyHex, "PSK as hex (visible in the process list; see --psk-key-stdin)")
      ->type_name("HEX");
  add->add_flag("--psk-key-stdin", keyFromStdin, "Read the PSK as hex from standard input");
  add->add_option("--certificate-name", added.certificateName, "CN or subjectAltName the device's certificate carries");
  add->add_flag("--allow-plain", allowPlain, "Also accept this endpoint over plain CoAP (default: DTLS required)");
  auto* list = app.add_subcommand("list", "List endpoints with credentials (never the keys)");
  std::string removed;
  auto* remove = app.add_subcommand("remove", "Remove the credentials of one endpoint");
  remove->add_option("endpoint", removed, "LwM2M endpoint name")->required();
  bool bootstrap = false;
  for (auto* command : {add, list, remove}) {
    command->add_flag("--bootstrap", bootstrap,
                      "The bootstrap server's credentials (bootstrap-credentials.db beside the credentials file)");
  }

  try {
    app.parse(argc - 1, argv + 1);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e, out, err);
    return code == 0 ? 0 : 2;
  }

  GatewayConfig config;
  if (!configFile.empty()) {
    auto loaded = loadConfigFile(configFile);
    if (!loaded) {
      err << loaded.error().message << "\n";
      return 1;
    }
    config = std::move(loaded).value();
  }
  if (!dataDir.empty()) config.storage.dataDir = dataDir;
  if (!file.empty()) config.coaps.credentialsFile = file;
  auto store = persistence::CredentialStore::open(bootstrap ? bootstrapCredentialsFile(config)
                                                            : credentialsFile(config));
  if (!store) {
    err << store.error().message << "\n";
    return 1;
  }

  if (*add) {
    if (!added.pskKeyHex.empty() && keyFromStdin) {
      err << "--psk-key and --psk-key-stdin cannot be used together\n";
      return 2;
    }
    if (keyFromStdin) std::getline(in, added.pskKeyHex);
    added.securityRequired = !allowPlain;
    auto entry = api::credentialsEntry(added);
    if (!entry) {
      err << added.endpoint << ": " << entry.error().message
          << " (--psk-identity with --psk-key or --psk-key-stdin, --certificate-name)\n";
      return 1;
    }
    if (auto stored = (*store)->put(storedCredentials(*entry)); !stored) {
      err << added.endpoint << ": " << stored.error().message << "\n";
      return 1;
    }
    out << added.endpoint << ": credentials stored in " << (*store)->file().string() << "\n";
    return 0;
  }
  if (*list) {
    auto all = (*store)->list();
    if (!all) {
      err << all.error().message << "\n";
      return 1;
    }
    out << std::left << std::setw(24) << "ENDPOINT" << std::setw(24) << "PSK IDENTITY" << std::setw(24)
        << "CERTIFICATE NAME" << "SECURITY\n";
    for (const auto& c : *all) {
      out << std::setw(24) << c.endpoint << std::setw(24) << c.pskIdentity.value_or("-") << std::setw(24)
          << c.certificateName.value_or("-") << (c.securityRequired ? "dtls required" : "plain allowed")
          << "\n";
    }
    return 0;
  }
  auto gone = (*store)->remove(removed);
  if (!gone) {
    err << gone.error().message << "\n";
    return 1;
  }
  if (!*gone) {
    err << removed << ": no credentials stored\n";
    return 1;
  }
  out << removed << ": credentials removed\n";
  return 0;
}

}  // namespace lwm2m::gateway
