// Lease: the coordination.k8s.io/v1 Lease as leader election reads and writes it, and the pure
// decision a candidate takes on each round, as client-go's tools/leaderelection (LeaseLock) does.
//
// A LeaseRecord is the Lease's spec plus its metadata.resourceVersion. ParseLease() reads an
// API server answer; LeaseObject() builds a create (POST) or update (PUT) body. Times are
// metav1.MicroTime: RFC 3339 UTC with exactly six fraction digits, the only form the API server
// accepts ("2026-01-02T03:04:05.123456Z"; tests/data/kube-apiserver-1.26/api/
// lease-leader-election.json shows it refusing 0, 1 and 9 digits).
//
// Expiry follows client-go, not the record's renewTime: a candidate remembers when (on its own
// monotonic clock) it last saw the spec change, and a lease is expired once
// observed_at + leaseDurationSeconds <= now. Nodes' wall clocks may then disagree by any amount;
// only their rates must be close (LeaseDuration/RenewDeadline bounds the tolerated ratio).
// An empty holderIdentity means the lease was released and may be taken at once.
//
// Pure functions on plain values; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::k8s {

inline constexpr std::string_view kCoordinationV1 = "coordination.k8s.io/v1";

// metav1.MicroTime: a wall-clock time with microsecond precision.
using MicroTime = std::chrono::sys_time<std::chrono::microseconds>;

// "YYYY-MM-DDTHH:MM:SS.ffffffZ" (UTC, always six fraction digits).
std::string FormatMicroTime(MicroTime time);
// RFC 3339 with exactly six fraction digits and "Z" or a ±HH:MM offset, as the API server's
// Go layout "2006-01-02T15:04:05.000000Z07:00" requires. Error: "invalid_timestamp".
Result<MicroTime> ParseMicroTime(std::string_view text);

struct LeaseRecord {
  std::string holder_identity;  // "" when nobody holds it (released, or never held)
  std::int64_t lease_duration_seconds = 0;
  std::optional<MicroTime> acquire_time;
  std::optional<MicroTime> renew_time;
  std::int64_t lease_transitions = 0;
  std::string resource_version;  // metadata.resourceVersion; "" when not known (a create body)
};

// Whether the specs are equal (the resourceVersion is not compared): what tells a candidate
// that the holder did something since it last looked.
bool SameLeaseSpec(const LeaseRecord& a, const LeaseRecord& b);

// Reads a Lease object. Errors: "not_an_object"; "missing_api_version" / "unknown_api_version"
// (anything but coordination.k8s.io/v1, e.g. a Status); "missing_kind" / "unknown_kind";
// "invalid_field" naming the path, never the value (a string field that is not a string, a
// count that is not an integer in [0, 2^31-1], a time that is not a MicroTime). Absent and null
// fields read as empty, as in Go; unknown fields are ignored, since newer servers add some
// (spec.strategy, spec.preferredHolder) and a candidate must keep working against them.
Result<LeaseRecord> ParseLease(const value::Value& body);

// The body to create (POST, record.resource_version empty) or update (PUT, with
// metadata.resourceVersion, which makes the server refuse it with 409 Conflict when the Lease
// changed since it was read): apiVersion, kind, metadata{name, namespace[, resourceVersion]},
// spec{holderIdentity (also when ""), leaseDurationSeconds, acquireTime and renewTime when set,
// leaseTransitions}, as client-go's LeaseLock writes it.
value::Value LeaseObject(std::string_view namespace_name, std::string_view name,
                         const LeaseRecord& record);

// A record as one candidate last saw it change.
struct LeaseObservation {
  LeaseRecord record;
  std::chrono::steady_clock::time_point observed_at;  // when the spec was first seen like this
};

// The observation after reading `fetched` at `now`: `previous.observed_at` is kept when the spec
// is unchanged (the holder did not renew), so a holder that stopped renewing expires; otherwise
// (first read, or the spec changed) the observation starts at `now`. The record taken is always
// `fetched` (its resourceVersion is the one to update against).
LeaseObservation ObserveLease(const std::optional<LeaseObservation>& previous, LeaseRecord fetched,
                              std::chrono::steady_clock::time_point now);

// observed_at + record.lease_duration_seconds > now (the record's own duration, as client-go).
bool LeaseStillValid(const LeaseObservation& observation,
                     std::chrono::steady_clock::time_point now);

struct LeaseCandidate {
  std::string identity;  // non-empty: "" is the released holder
  std::chrono::seconds lease_duration{15};
};

// The moment of a round: `wall` is written into the Lease, `monotonic` is compared with
// observation times (so a step of the wall clock cannot expire a lease early).
struct LeaseNow {
  std::chrono::system_clock::time_point wall;
  std::chrono::steady_clock::time_point monotonic;
};

enum class LeaseAction {
  kCreate,   // no Lease (404): POST one holding it
  kRenew,    // this candidate holds it: PUT a new renewTime
  kAcquire,  // released or expired: PUT this candidate as holder, leaseTransitions + 1
  kFollow,   // someone else holds a valid lease: write nothing
};

// "create", "renew", "acquire", "follow" (for logs).
std::string_view LeaseActionName(LeaseAction action);

struct LeasePlan {
  LeaseAction action = LeaseAction::kFollow;
  // What to write, with the observed resourceVersion (kCreate: none); kFollow: the observed
  // record. Times written are `now.wall` floored to the microsecond.
  LeaseRecord record;
};

// One round's decision, client-go's tryAcquireOrRenew:
// - no observation (the Lease does not exist): kCreate {me, my duration, acquire = renew = now,
//   transitions 0};
// - the record names me: kRenew {acquireTime and transitions kept, renew = now, my duration},
//   even when my own lease ran out (nobody else took it);
// - another holder whose lease is still valid (LeaseStillValid): kFollow;
// - else (released: empty holder, at once; or expired): kAcquire {me, my duration,
//   acquire = renew = now, transitions + 1}.
LeasePlan DecideLease(const LeaseCandidate& me, const std::optional<LeaseObservation>& observed,
                      const LeaseNow& now);

// What the holder writes when it steps down (client-go's ReleaseOnCancel): holderIdentity "",
// leaseDurationSeconds 1, acquire = renew = now (floored to the microsecond), leaseTransitions and
// resourceVersion kept, so the next candidate may take the lease at once.
LeaseRecord ReleasedLease(const LeaseRecord& held, std::chrono::system_clock::time_point now);

}  // namespace gatehouse::k8s
