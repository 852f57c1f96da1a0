#pragma once
// RegistrationStore on the gateway database (see registration_store.h).

#include "persistence/connection.h"
#include "persistence/registration_store.h"
#include "persistence/store_writer.h"

namespace lwm2m::persistence {

class SqliteRegistrationStore final : public RegistrationStore {
 public:
  SqliteRegistrationStore(StoreWriter& writer, Reader& reader) : writer_(writer), reader_(reader) {}

  void upsert(RegistrationRecord record, WriteCompletion done) override;
  void touch(std::string endpoint, std::int64_t lastUpdateAtMs, std::int64_t expiresAtMs,
             std::string address, WriteCompletion done) override;
  void refresh(std::vector<RegistrationRefresh> refreshes, WriteCompletion done) override;
  void remove(std::string endpoint, WriteCompletion done) override;
  Result<std::vector<RegistrationRecord>> loadAll() override;

 private:
  StoreWriter& writer_;
  Reader& reader_;
};

}  // namespace lwm2m::persistence
