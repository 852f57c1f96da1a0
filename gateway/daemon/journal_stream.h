#pragma once
// Logging when stderr is connected to the systemd journal: the journal stamps
// each line itself and reads the level from a syslog prefix ("<6>" for info,
// sd-daemon(3)), so lines carry "<N>" and no timestamp of their own.

#include <memory>

#include <spdlog/formatter.h>

namespace lwm2m::gateway {

// True when $JOURNAL_STREAM ("DEVICE:INODE", set by systemd) names the file
// that stderr is now; false when stderr was redirected elsewhere since.
bool stderrIsJournal();

// "<N>[component message]": N is the syslog priority of the record's level
// (trace, debug 7; info 6; warn 4; error 3; critical 2).
std::unique_ptr<spdlog::formatter> journalFormatter();

}  // namespace lwm2m::gateway
