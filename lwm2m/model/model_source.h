#pragma once
// ModelSource: the object model in force, replaced whole when the object
// definitions are reloaded (lwm2m.models, SIGHUP, REST).
//
// Contract: current() and replace() are called on one thread (the gateway's
// I/O thread). Whoever decodes, encodes or types values takes current() once
// per operation and uses that snapshot to its end (a request keeps the
// snapshot it was built with until its answer is decoded), so no operation
// mixes two models; a snapshot stays valid for as long as it is held, after
// a replace() too. Holders keep a reference to the source, never to a model.

#include <memory>
#include <utility>

#include "lwm2m/model/object_model.h"

namespace lwm2m::model {

class ModelSource {
 public:
  explicit ModelSource(ObjectModel initial)
      : current_(std::make_shared<const ObjectModel>(std::move(initial))) {}
  ModelSource(const ModelSource&) = delete;
  ModelSource& operator=(const ModelSource&) = delete;

  std::shared_ptr<const ObjectModel> current() const { return current_; }
  void replace(std::shared_ptr<const ObjectModel> next) {
    if (next) current_ = std::move(next);
  }

 private:
  std::shared_ptr<const ObjectModel> current_;
};

}  // namespace lwm2m::model
