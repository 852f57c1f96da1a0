#include "lwm2m/coap/scheduler.h"

namespace lwm2m::coap {

Scheduler::~Scheduler() = default;

}  // namespace lwm2m::coap
