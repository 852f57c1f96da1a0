#pragma once
// Crash points: named places between (and inside) durable writes where a test
// makes the gateway die as a power cut or an OOM kill would: SIGKILL, no
// clean-up, nothing flushed but what SQLite committed. They prove that every
// state a crash can leave behind is one the next start tells consistently
// (see the request life in gateway/core/request_queue.h).
//
// Armed only by the environment variable LWM2M_GATEWAY_CRASH_AT, a comma
// separated list of names, each optionally with "@N": crash the Nth time the
// point is reached (default the first). LWM2M_GATEWAY_CRASH_DELAY_MS holds the
// crashing thread that long before the kill while the others go on, so that
// anything told before its commit would get out and be caught. Armed, the store's writer also commits
// every write in a transaction of its own (no group commit), so that nothing
// can count on two writes happening to share a batch. Unset, as always in
// production, a crash point costs a check of one cached flag.
//
// The points the gateway has: for each write group of a request's life
// (StoreWriter::together) "<group>:uncommitted" (inside its transaction, after
// its statements, before COMMIT) and "<group>:committed" (after the COMMIT,
// before anyone is told), with the groups "accepted", "queued-answer",
// "in-flight", "accepted-in-flight" (the three as one, for a device reachable
// with nothing ahead) and "outcome".

#include <string_view>

namespace lwm2m::persistence {

// Kills the process with SIGKILL if LWM2M_GATEWAY_CRASH_AT names this point
// (for the Nth time); else returns. Thread-safe.
void crashPoint(std::string_view name);

// True when any crash point is armed (to skip building names).
bool crashPointsArmed();

}  // namespace lwm2m::persistence
