#pragma once
// ObservationStore on the gateway database (see observation_store.h).

#include "persistence/connection.h"
#include "persistence/observation_store.h"
#include "persistence/store_writer.h"

namespace lwm2m::persistence {

class SqliteObservationStore final : public ObservationStore {
 public:
  SqliteObservationStore(StoreWriter& writer, Reader& reader) : writer_(writer), reader_(reader) {}

  void put(ObservationRecord record, WriteCompletion done) override;
  void removeByToken(std::vector<std::uint8_t> token, WriteCompletion done) override;
  void removeByEndpoint(std::string endpoint, WriteCompletion done) override;
  Result<std::vector<ObservationRecord>> loadAll() override;

 private:
  StoreWriter& writer_;
  Reader& reader_;
};

}  // namespace lwm2m::persistence
