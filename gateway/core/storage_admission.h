#pragma once
// StorageAdmission: the api::DeviceOps in front of the command service that
// refuses new commands while the storage is Full (storage_reserve.h), with
// ErrorCode::StorageFull and the reason, before anything reaches the
// database. Listing and cancelling queued commands pass (a cancel frees room).
//
// Threading: the gateway's I/O thread, like DeviceOps.

#include "gateway/api/device_ops.h"
#include "gateway/core/storage_reserve.h"

namespace lwm2m::gateway {

class StorageAdmission : public api::DeviceOps {
 public:
  // Both must outlive this object.
  StorageAdmission(api::DeviceOps& commands, StorageReserve& reserve) : commands_(commands), reserve_(reserve) {}

  void submit(api::Command command, std::function<void(Result<std::string>)> accepted) override {
    if (Result<void> room = reserve_.admit(); !room) return accepted(room.error());
    commands_.submit(std::move(command), std::move(accepted));
  }
  std::vector<api::QueuedCommand> queued(const std::string& endpoint) const override {
    return commands_.queued(endpoint);
  }
  Result<void> cancel(const std::string& requestId) override { return commands_.cancel(requestId); }

 private:
  api::DeviceOps& commands_;
  StorageReserve& reserve_;
};

}  // namespace lwm2m::gateway
