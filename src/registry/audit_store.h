// AuditStore: the append-only audit log that every store change writes to, and its listing.
//
// Part of RegistryStore (store.h), whose contract holds here: implementations are thread-safe,
// every method is one transaction in which a change and its audit event are committed together,
// timestamps come from the store's Clock. Errors (Error::code): "invalid_argument",
// "store_unavailable", "store_error"; messages name the object and never contain a secret, a secret
// hash or SQL text. `actor` is recorded in the audit log.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "registry/listing.h"
#include "registry/model.h"

namespace gatehouse::registry {

struct AuditFilter {
  std::string resource_prefix;  // e.g. "project/team-a"; "" = all
  PageRequest page;             // newest first
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // For events that are not a store change (e.g. a refused login worth recording); id and
  // time are assigned by the store.
  virtual Status AppendAuditEvent(const AuditEvent& event) = 0;
  virtual Result<Listing<AuditEvent>> ListAuditEvents(const AuditFilter& filter) = 0;
};

}  // namespace gatehouse::registry
