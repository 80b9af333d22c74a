// Readiness: what /readyz answers, and the checks behind it.
//
// A replica is ready when every check is ok. `/readyz` prints "ok" (200) or "not ready: <why>"
// (503); `/readyz?verbose` prints one line per check as kube-apiserver does (`[+]policy ok`,
// `[-]keystone failed: ...`) and a last line "readyz check passed|failed". A watched source whose
// last reload failed stays ok while a last good version serves — refusing traffic would not
// bring the source back — but its line says so, so the failure is visible without reading logs.
// Plain values and pure functions; thread-safe (WatchedSourceCheck reads the source's accessors,
// which are).
#pragma once

#include <string>
#include <vector>

#include "adapters/reload/watched_source.h"

namespace gatehouse::adapters {

struct ReadinessCheck {
  std::string name;
  bool ok = false;
  std::string detail;  // why it fails; when ok, a note printed after "ok" in parentheses
};

struct Readiness {
  bool ready = false;
  std::string reason;                  // why not ready
  std::vector<ReadinessCheck> checks;  // for ?verbose; may be empty
};

// Ready when every check is ok; otherwise the reason is the first failing check's detail.
Readiness ReadinessFromChecks(std::vector<ReadinessCheck> checks);

// The check of a watched source: failed while nothing has loaded; ok once a version serves,
// with "last reload failed: <code>: <message>; serving the version loaded before" while the
// source is failing.
ReadinessCheck WatchedSourceCheck(std::string name, const WatchedSource& source);

// The body of /readyz (see above); ends with a newline.
std::string ReadinessText(const Readiness& readiness, bool verbose);

}  // namespace gatehouse::adapters
