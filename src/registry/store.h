// RegistryStore: the durable state of the registry tenancy model (model.h), as the composition of
// one interface per resource: project_store.h, member_store.h, robot_store.h, user_store.h,
// access_token_store.h, audit_store.h. Code that needs one resource takes that interface; code
// that needs several (the token service, the API, the CLI's store commands) takes RegistryStore.
// The bases are virtual, so an implementation may be assembled from one class per resource.
//
// Implementations (adapters/registry_store: SQLite, PostgreSQL) are thread-safe: every method
// may be called from any server thread. Every method is one transaction: a change and the audit
// event that records it are committed together or not at all, so a failure never leaves
// anything stored half-way. Timestamps (creation_time, update_time, audit time) come from the
// store's injected Clock, never from the caller.
//
// Errors (Error::code):
//   "not_found"           the project/member/robot/user/token named does not exist
//   "conflict"            a unique name is taken (HTTP 409)
//   "precondition_failed" a project still has robot accounts (HTTP 412, as Harbor)
//   "invalid_argument"    the request itself is malformed (empty name, bad page, ...)
//   "store_unavailable"   the database cannot be reached (fail fast; the caller may retry)
//   "store_error"         anything else the database reported
// Messages name the object (e.g. `project "team-a" already exists`) and never contain a
// secret, a secret hash or SQL text.
//
// Mutating methods take `actor` ("cli", a username, a robot's login name) for the audit log.
#pragma once

#include "registry/access_token_store.h"
#include "registry/audit_store.h"
#include "registry/listing.h"
#include "registry/member_store.h"
#include "registry/project_store.h"
#include "registry/robot_store.h"
#include "registry/user_store.h"

namespace gatehouse::registry {

class RegistryStore : public virtual ProjectStore,
                      public virtual MemberStore,
                      public virtual RobotStore,
                      public virtual UserStore,
                      public virtual AccessTokenStore,
                      public virtual AuditStore {
 public:
  ~RegistryStore() override = default;
};

}  // namespace gatehouse::registry
