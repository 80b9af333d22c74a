#include "k8s/lease.h"

#include <cctype>
#include <limits>
#include <utility>

#include "common/codec/codec_errors.h"
#include "common/codec/rfc3339.h"
#include "k8s/k8s_errors.h"
#include "k8s/review_fields.h"

namespace gatehouse::k8s {
namespace {

using std::chrono::steady_clock;
using std::chrono::system_clock;

constexpr std::string_view kLeaseKind = "Lease";
constexpr std::string_view kMicroTimeForm = "YYYY-MM-DDTHH:MM:SS.ffffffZ";

// Lease counts are int32 in the API (the server refuses negative ones).
Result<std::int64_t> ParseCount(const value::Value& spec, std::string_view key,
                                std::string_view path) {
  const value::Value* v = spec.Find(key);
  if (v == nullptr || v->is_null()) return std::int64_t{0};
  // Only a JSON integer: Go refuses 15.0 for an int32 field.
  if (v->kind() != value::Kind::kInt || *v->AsInt() < 0 ||
      *v->AsInt() > std::numeric_limits<std::int32_t>::max()) {
    return InvalidField(path, "must be an integer from 0 to 2147483647");
  }
  return *v->AsInt();
}

Result<std::optional<MicroTime>> ParseTimeField(const value::Value& spec, std::string_view key,
                                                std::string_view path) {
  const value::Value* v = spec.Find(key);
  if (v == nullptr || v->is_null()) return std::optional<MicroTime>();
  if (!v->is_string()) return InvalidField(path, "must be a string");
  Result<MicroTime> time = ParseMicroTime(*v->AsString());
  if (!time) return InvalidField(path, "must be a MicroTime (" + std::string(kMicroTimeForm) + ")");
  return std::optional<MicroTime>(*time);
}

MicroTime FloorToMicros(system_clock::time_point time) {
  return std::chrono::floor<std::chrono::microseconds>(time);
}

}  // namespace

std::string FormatMicroTime(MicroTime time) { return codec::FormatRfc3339MicroUtc(time); }

Result<MicroTime> ParseMicroTime(std::string_view text) {
  // "2006-01-02T15:04:05" is 19 bytes; then '.', six digits, and no seventh.
  bool six_digits = text.size() > 26 && text[19] == '.';
  for (std::size_t i = 20; six_digits && i < 26; ++i) {
    six_digits = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
  }
  if (!six_digits || std::isdigit(static_cast<unsigned char>(text[26])) != 0) {
    return MakeError(
        codec::CodecError::kInvalidTimestamp,
        "timestamp is not a Kubernetes MicroTime (" + std::string(kMicroTimeForm) + ")");
  }
  Result<system_clock::time_point> parsed = codec::ParseRfc3339(text);
  if (!parsed) return parsed.error();
  return FloorToMicros(*parsed);
}

bool SameLeaseSpec(const LeaseRecord& a, const LeaseRecord& b) {
  return a.holder_identity == b.holder_identity &&
         a.lease_duration_seconds == b.lease_duration_seconds && a.acquire_time == b.acquire_time &&
         a.renew_time == b.renew_time && a.lease_transitions == b.lease_transitions;
}

Result<LeaseRecord> ParseLease(const value::Value& body) {
  if (!body.is_object()) return MakeError(K8sError::kNotAnObject, "a Lease must be a JSON object");
  Result<std::string> api_version = ParseStringField(body, "apiVersion", "apiVersion");
  if (!api_version) return api_version.error();
  if (api_version->empty()) {
    return MakeError(K8sError::kMissingApiVersion, "the Lease has no apiVersion");
  }
  if (*api_version != kCoordinationV1) {
    return MakeError(
        K8sError::kUnknownApiVersion,
        "expected a coordination.k8s.io/v1 Lease, got apiVersion " + QuoteForMessage(*api_version));
  }
  Result<std::string> kind = ParseStringField(body, "kind", "kind");
  if (!kind) return kind.error();
  if (kind->empty()) return MakeError(K8sError::kMissingKind, "the Lease has no kind");
  if (*kind != kLeaseKind) {
    return MakeError(K8sError::kUnknownKind,
                     "expected a Lease, got kind " + QuoteForMessage(*kind));
  }

  LeaseRecord record;
  Result<const value::Value*> metadata = ParseOptionalObject(body, "metadata", "metadata");
  if (!metadata) return metadata.error();
  if (*metadata != nullptr) {
    Result<std::string> rv =
        ParseStringField(**metadata, "resourceVersion", "metadata.resourceVersion");
    if (!rv) return rv.error();
    record.resource_version = std::move(*rv);
  }
  Result<const value::Value*> spec = ParseOptionalObject(body, "spec", "spec");
  if (!spec) return spec.error();
  if (*spec == nullptr) return record;
  const value::Value& s = **spec;

  Result<std::string> holder = ParseStringField(s, "holderIdentity", "spec.holderIdentity");
  if (!holder) return holder.error();
  record.holder_identity = std::move(*holder);
  Result<std::int64_t> duration =
      ParseCount(s, "leaseDurationSeconds", "spec.leaseDurationSeconds");
  if (!duration) return duration.error();
  record.lease_duration_seconds = *duration;
  Result<std::optional<MicroTime>> acquired = ParseTimeField(s, "acquireTime", "spec.acquireTime");
  if (!acquired) return acquired.error();
  record.acquire_time = *acquired;
  Result<std::optional<MicroTime>> renewed = ParseTimeField(s, "renewTime", "spec.renewTime");
  if (!renewed) return renewed.error();
  record.renew_time = *renewed;
  Result<std::int64_t> transitions = ParseCount(s, "leaseTransitions", "spec.leaseTransitions");
  if (!transitions) return transitions.error();
  record.lease_transitions = *transitions;
  return record;
}

value::Value LeaseObject(std::string_view namespace_name, std::string_view name,
                         const LeaseRecord& record) {
  value::Value out = value::Value::MakeObject();
  out.Set("apiVersion", kCoordinationV1);
  out.Set("kind", kLeaseKind);
  value::Value& metadata = out.Set("metadata", value::Value::MakeObject());
  metadata.Set("name", name);
  metadata.Set("namespace", namespace_name);
  if (!record.resource_version.empty()) metadata.Set("resourceVersion", record.resource_version);
  value::Value& spec = out.Set("spec", value::Value::MakeObject());
  spec.Set("holderIdentity", record.holder_identity);
  spec.Set("leaseDurationSeconds", record.lease_duration_seconds);
  if (record.acquire_time) spec.Set("acquireTime", FormatMicroTime(*record.acquire_time));
  if (record.renew_time) spec.Set("renewTime", FormatMicroTime(*record.renew_time));
  spec.Set("leaseTransitions", record.lease_transitions);
  return out;
}

LeaseObservation ObserveLease(const std::optional<LeaseObservation>& previous, LeaseRecord fetched,
                              steady_clock::time_point now) {
  const bool unchanged = previous && SameLeaseSpec(previous->record, fetched);
  const steady_clock::time_point observed_at = unchanged ? previous->observed_at : now;
  return LeaseObservation{std::move(fetched), observed_at};
}

bool LeaseStillValid(const LeaseObservation& observation, steady_clock::time_point now) {
  return observation.observed_at + std::chrono::seconds(observation.record.lease_duration_seconds) >
         now;
}

std::string_view LeaseActionName(LeaseAction action) {
  switch (action) {
    case LeaseAction::kCreate:
      return "create";
    case LeaseAction::kRenew:
      return "renew";
    case LeaseAction::kAcquire:
      return "acquire";
    case LeaseAction::kFollow:
      return "follow";
  }
  return {};
}

LeasePlan DecideLease(const LeaseCandidate& me, const std::optional<LeaseObservation>& observed,
                      const LeaseNow& now) {
  const MicroTime stamp = FloorToMicros(now.wall);
  LeaseRecord mine;
  mine.holder_identity = me.identity;
  mine.lease_duration_seconds = me.lease_duration.count();
  mine.acquire_time = stamp;
  mine.renew_time = stamp;
  if (!observed) return LeasePlan{LeaseAction::kCreate, std::move(mine)};

  const LeaseRecord& old = observed->record;
  mine.resource_version = old.resource_version;
  if (old.holder_identity == me.identity) {
    if (old.acquire_time) mine.acquire_time = old.acquire_time;
    mine.lease_transitions = old.lease_transitions;
    return LeasePlan{LeaseAction::kRenew, std::move(mine)};
  }
  if (!old.holder_identity.empty() && LeaseStillValid(*observed, now.monotonic)) {
    return LeasePlan{LeaseAction::kFollow, old};
  }
  mine.lease_transitions = old.lease_transitions + 1;
  return LeasePlan{LeaseAction::kAcquire, std::move(mine)};
}

LeaseRecord ReleasedLease(const LeaseRecord& held, system_clock::time_point now) {
  LeaseRecord released;
  released.holder_identity = "";
  released.lease_duration_seconds = 1;
  released.acquire_time = FloorToMicros(now);
  released.renew_time = released.acquire_time;
  released.lease_transitions = held.lease_transitions;
  released.resource_version = held.resource_version;
  return released;
}

}  // namespace gatehouse::k8s
