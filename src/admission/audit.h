// Audit: every object against every constraint, summarised per constraint as Gatekeeper's audit
// writes it into the constraint's status — `totalViolations` (all of them) and at most `limit`
// entries (group, version, kind, name, namespace, message cut to 256 bytes, enforcementAction),
// the `limit` smallest by those fields, listed from the largest down, as Gatekeeper's heap
// leaves them.
//
// Objects in namespaces the Config excludes for the audit process are skipped. Objects are
// reviewed as Gatekeeper's audit reviews them (operation "", namespaceObject from the
// inventory). Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "admission/inventory.h"
#include "admission/policy_set.h"
#include "admission/reviewer.h"
#include "value/value.h"

namespace gatehouse::admission {

inline constexpr std::size_t kDefaultViolationsLimit = 20;  // --constraint-violations-limit
inline constexpr std::size_t kAuditMessageLimit = 256;

struct AuditEntry {
  std::string group;
  std::string version;
  std::string kind;
  std::string name;
  std::string namespace_name;
  std::string message;
  std::string enforcement_action;
};

struct ConstraintAudit {
  const Constraint* constraint = nullptr;
  std::size_t total_violations = 0;
  std::vector<AuditEntry> violations;  // capped, in Gatekeeper's order
};

struct AuditOutcome {
  std::vector<ConstraintAudit> constraints;        // one per constraint of the set, in its order
  std::vector<AuditEntry> all;                     // every violation, in audit order (JSON lines)
  std::vector<const Constraint*> all_constraints;  // the constraint of each entry of `all`
  std::size_t objects_audited = 0;
};

AuditOutcome Audit(const PolicySet& set, const std::vector<value::Value>& objects,
                   const Inventory& inventory, std::size_t limit = kDefaultViolationsLimit,
                   std::uint64_t max_steps = 5'000'000);

// The message as the constraint status carries it: at most 256 bytes, else 253 and "...".
std::string TruncateAuditMessage(std::string message);

}  // namespace gatehouse::admission
