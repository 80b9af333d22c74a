#include "admission/audit.h"

#include <algorithm>
#include <map>
#include <tuple>

namespace gatehouse::admission {
namespace {

auto Key(const AuditEntry& e) {
  return std::tie(e.group, e.version, e.kind, e.namespace_name, e.name, e.message,
                  e.enforcement_action);
}

}  // namespace

std::string TruncateAuditMessage(std::string message) {
  if (message.size() <= kAuditMessageLimit) return message;
  message.resize(kAuditMessageLimit - 3);
  return message + "...";
}

AuditOutcome Audit(const PolicySet& set, const std::vector<value::Value>& objects,
                   const Inventory& inventory, std::size_t limit, std::uint64_t max_steps) {
  AuditOutcome out;
  std::map<const Constraint*, std::size_t> index;
  for (const Constraint& c : set.constraints()) {
    index.emplace(&c, out.constraints.size());
    out.constraints.push_back({&c, 0, {}});
  }
  ReviewOptions options;
  options.process = Process::kAudit;
  options.inventory = &inventory;
  options.max_steps = max_steps;
  for (const value::Value& object : objects) {
    auto request = ReviewFromObject(object);
    if (!request) continue;  // not an addressable object (no kind or version)
    const ReviewOutcome outcome = Review(set, *request, options);
    if (outcome.excluded) continue;
    ++out.objects_audited;
    for (const Violation& v : outcome.violations) {
      AuditEntry e{request->group,
                   request->version,
                   request->kind,
                   request->name,
                   request->namespace_name,
                   TruncateAuditMessage(v.message),
                   std::string(EnforcementActionName(v.constraint->action))};
      ConstraintAudit& audit = out.constraints[index.at(v.constraint)];
      ++audit.total_violations;
      audit.violations.push_back(e);
      out.all.push_back(std::move(e));
      out.all_constraints.push_back(v.constraint);
    }
  }
  for (ConstraintAudit& audit : out.constraints) {
    std::sort(audit.violations.begin(), audit.violations.end(),
              [](const AuditEntry& a, const AuditEntry& b) { return Key(a) < Key(b); });
    if (audit.violations.size() > limit) audit.violations.resize(limit);
    std::reverse(audit.violations.begin(), audit.violations.end());
  }
  return out;
}

}  // namespace gatehouse::admission
