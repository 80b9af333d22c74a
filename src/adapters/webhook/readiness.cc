#include "adapters/webhook/readiness.h"

#include <utility>

namespace gatehouse::adapters {

Readiness ReadinessFromChecks(std::vector<ReadinessCheck> checks) {
  Readiness readiness;
  readiness.ready = true;
  for (const ReadinessCheck& check : checks) {
    if (check.ok || !readiness.ready) continue;
    readiness.ready = false;
    readiness.reason = check.detail.empty() ? check.name + " failed" : check.detail;
  }
  readiness.checks = std::move(checks);
  return readiness;
}

ReadinessCheck WatchedSourceCheck(std::string name, const WatchedSource& source) {
  ReadinessCheck check;
  check.name = std::move(name);
  check.ok = source.loaded();
  const Status health = source.health();
  if (!check.ok) {
    check.detail = check.name + " not loaded" + (health ? "" : ": " + health.error().ToString());
  } else if (!health) {
    check.detail =
        "last reload failed: " + health.error().ToString() + "; serving the version loaded before";
  }
  return check;
}

std::string ReadinessText(const Readiness& readiness, bool verbose) {
  if (!verbose) return readiness.ready ? "ok\n" : "not ready: " + readiness.reason + "\n";
  std::string text;
  for (const ReadinessCheck& check : readiness.checks) {
    if (check.ok) {
      text += "[+]" + check.name + " ok";
      if (!check.detail.empty()) text += " (" + check.detail + ")";
    } else {
      text += "[-]" + check.name + " failed: " + check.detail;
    }
    text += "\n";
  }
  if (readiness.checks.empty() && !readiness.ready)
    text += "[-]ready failed: " + readiness.reason + "\n";
  text += readiness.ready ? "readyz check passed\n" : "readyz check failed\n";
  return text;
}

}  // namespace gatehouse::adapters
