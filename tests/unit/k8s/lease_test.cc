// Lease codec and leader-election decision, against the Lease bodies a real kube-apiserver 1.26
// read and wrote (tests/data/kube-apiserver-1.26/api/lease-leader-election.json).
#include "k8s/lease.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/codec/codec_errors.h"
#include "k8s/k8s_errors.h"
#include "samples.h"
#include "value/json.h"

namespace gatehouse::k8s {
namespace {

using namespace std::chrono_literals;
using std::chrono::steady_clock;
using std::chrono::system_clock;

constexpr const char* kHolderA = "gatehouse-0_5f1c2a";
constexpr const char* kHolderB = "gatehouse-1_9d04e7";

// A MicroTime built from its parts, independently of the parser.
MicroTime Micro(std::chrono::year_month_day day, std::chrono::hours h, std::chrono::minutes m,
                std::chrono::seconds s, std::chrono::microseconds us) {
  return MicroTime(std::chrono::sys_days(day)) + h + m + s + us;
}

constexpr std::chrono::year_month_day kCaptureDay{std::chrono::year(2026), std::chrono::month(12),
                                                  std::chrono::day(4)};

value::Value Capture() {
  return samples::ParseFile(samples::SampleDir() / "api" / "lease-leader-election.json");
}

const value::Value& Exchange(const value::Value& capture, std::size_t i) {
  return (*capture.Find("exchanges")->AsArray())[i];
}
const value::Value& RequestBody(const value::Value& capture, std::size_t i) {
  return *Exchange(capture, i).Find("request")->Find("body");
}
const value::Value& ResponseBody(const value::Value& capture, std::size_t i) {
  return *Exchange(capture, i).Find("response")->Find("body");
}

LeaseRecord Parsed(const value::Value& body) {
  Result<LeaseRecord> record = ParseLease(body);
  EXPECT_TRUE(record) << record.error().ToString();
  return record ? *record : LeaseRecord{};
}

Error ParseFailure(const std::string& json) {
  Result<LeaseRecord> record = ParseLease(samples::Json(json));
  EXPECT_FALSE(record) << json;
  return record ? Error{} : record.error();
}

// ---- MicroTime ---------------------------------------------------------------------------------

TEST(MicroTimeTest, FormatsSixFractionDigitsInUtc) {
  EXPECT_EQ(FormatMicroTime(Micro(std::chrono::year(2026) / 1 / 2, 3h, 4min, 5s, 123456us)),
            "2026-01-02T03:04:05.123456Z");
  EXPECT_EQ(FormatMicroTime(Micro(std::chrono::year(2026) / 1 / 2, 3h, 4min, 5s, 0us)),
            "2026-01-02T03:04:05.000000Z");
  EXPECT_EQ(FormatMicroTime(Micro(std::chrono::year(2026) / 1 / 2, 3h, 4min, 5s, 7us)),
            "2026-01-02T03:04:05.000007Z");
}

TEST(MicroTimeTest, EveryCapturedTimeRoundTrips) {
  const value::Value capture = Capture();
  std::vector<std::string> times;
  for (const value::Value& exchange : *capture.Find("exchanges")->AsArray()) {
    for (const char* side : {"request", "response"}) {
      const value::Value* body = exchange.Find(side)->Find("body");
      if (body == nullptr || body->Find("kind") == nullptr ||
          *body->Find("kind")->AsString() != "Lease") {
        continue;
      }
      const value::Value* spec = body->Find("spec");
      for (const char* key : {"acquireTime", "renewTime"}) {
        if (spec->Find(key) != nullptr) times.push_back(*spec->Find(key)->AsString());
      }
    }
  }
  // 11 Lease requests and 8 Lease answers carry both times; the three refused formats are among
  // the requests.
  ASSERT_EQ(times.size(), 38u);
  std::size_t six_digit = 0;
  for (const std::string& text : times) {
    Result<MicroTime> parsed = ParseMicroTime(text);
    if (text.size() != 27) {  // the formats the server refused: no, 1 and 9 fraction digits
      EXPECT_FALSE(parsed) << text;
      continue;
    }
    ++six_digit;
    ASSERT_TRUE(parsed) << text << ": " << parsed.error().ToString();
    EXPECT_EQ(FormatMicroTime(*parsed), text);
  }
  EXPECT_EQ(six_digit, times.size() - 6);
  EXPECT_EQ(*ParseMicroTime("2026-12-04T15:34:47.696687Z"),
            Micro(kCaptureDay, 15h, 34min, 47s, 696687us));
}

TEST(MicroTimeTest, AcceptsWhatTheServerAcceptsOnly) {
  // The three forms the server answered 400 to, and other near misses.
  for (const char* text :
       {"2026-12-04T10:00:00Z", "2026-12-04T10:00:00.1Z", "2026-12-04T10:00:00.123456789Z",
        "2026-12-04T10:00:00.1234567Z", "2026-12-04T10:00:00.12345Z", "2026-12-04T10:00:00.123456",
        "2026-12-04T10:00:00,123456Z", "2026-12-04 10:00:00.123456Z", "2026-02-30T10:00:00.123456Z",
        "2026-12-04T10:00:00.12x456Z", ""}) {
    Result<MicroTime> parsed = ParseMicroTime(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().code, codec::CodecError::kInvalidTimestamp) << text;
  }
  // Go's layout allows an offset instead of Z.
  Result<MicroTime> offset = ParseMicroTime("2026-12-04T17:34:47.696687+02:00");
  ASSERT_TRUE(offset) << offset.error().ToString();
  EXPECT_EQ(FormatMicroTime(*offset), "2026-12-04T15:34:47.696687Z");
}

// ---- ParseLease --------------------------------------------------------------------------------

TEST(ParseLeaseTest, ReadsTheCreatedLease) {
  const LeaseRecord record = Parsed(ResponseBody(Capture(), 1));
  EXPECT_EQ(record.holder_identity, kHolderA);
  EXPECT_EQ(record.lease_duration_seconds, 15);
  EXPECT_EQ(record.acquire_time, Micro(kCaptureDay, 15h, 34min, 47s, 696687us));
  EXPECT_EQ(record.renew_time, Micro(kCaptureDay, 15h, 34min, 48s, 710620us));
  EXPECT_EQ(record.lease_transitions, 0);
  EXPECT_EQ(record.resource_version, "244");
}

TEST(ParseLeaseTest, ReadsEveryCapturedLeaseAnswer) {
  const value::Value capture = Capture();
  // exchange index -> (resourceVersion, holder, transitions) the server answered with.
  struct Expected {
    std::size_t exchange;
    const char* rv;
    const char* holder;
    std::int64_t duration;
    std::int64_t transitions;
  };
  for (const Expected& e : std::vector<Expected>{{1, "244", kHolderA, 15, 0},
                                                 {2, "245", kHolderA, 15, 0},
                                                 {4, "245", kHolderA, 15, 0},
                                                 {6, "246", kHolderA, 15, 0},
                                                 {7, "247", "", 1, 0},
                                                 // as captured: B's state already, at rv 247
                                                 {8, "247", kHolderB, 15, 1},
                                                 {9, "248", kHolderB, 15, 1},
                                                 {14, "250", kHolderA, 15, 0}}) {
    SCOPED_TRACE(e.exchange);
    const LeaseRecord record = Parsed(ResponseBody(capture, e.exchange));
    EXPECT_EQ(record.resource_version, e.rv);
    EXPECT_EQ(record.holder_identity, e.holder);
    EXPECT_EQ(record.lease_duration_seconds, e.duration);
    EXPECT_EQ(record.lease_transitions, e.transitions);
    EXPECT_TRUE(record.acquire_time.has_value());
    EXPECT_TRUE(record.renew_time.has_value());
  }
  // The release: holder emptied, duration 1, both times the moment of release.
  const LeaseRecord released = Parsed(ResponseBody(capture, 7));
  EXPECT_EQ(released.acquire_time, Micro(kCaptureDay, 15h, 34min, 49s, 780871us));
  EXPECT_EQ(released.renew_time, released.acquire_time);
  // A Lease created with an empty spec reads as nobody's.
  const LeaseRecord empty = Parsed(ResponseBody(capture, 15));
  EXPECT_EQ(empty.resource_version, "251");
  EXPECT_EQ(empty.holder_identity, "");
  EXPECT_EQ(empty.lease_duration_seconds, 0);
  EXPECT_FALSE(empty.acquire_time.has_value());
  EXPECT_FALSE(empty.renew_time.has_value());
}

TEST(ParseLeaseTest, RefusesStatusAnswersAndOtherObjects) {
  const value::Value capture = Capture();
  for (std::size_t i : {0u, 3u, 5u, 10u, 13u}) {  // NotFound, AlreadyExists, Conflict, ...
    Result<LeaseRecord> record = ParseLease(ResponseBody(capture, i));
    ASSERT_FALSE(record) << i;
    EXPECT_EQ(record.error().code, K8sError::kUnknownApiVersion) << i;
  }
  EXPECT_EQ(ParseLease(value::Value("Lease")).error().code, K8sError::kNotAnObject);
  EXPECT_EQ(ParseFailure(R"({"kind":"Lease"})").code, K8sError::kMissingApiVersion);
  EXPECT_EQ(ParseFailure(R"({"apiVersion":"coordination.k8s.io/v1beta1","kind":"Lease"})").code,
            K8sError::kUnknownApiVersion);
  EXPECT_EQ(ParseFailure(R"({"apiVersion":"coordination.k8s.io/v1"})").code,
            K8sError::kMissingKind);
  EXPECT_EQ(ParseFailure(R"({"apiVersion":"coordination.k8s.io/v1","kind":"LeaseList"})").code,
            K8sError::kUnknownKind);
}

TEST(ParseLeaseTest, RefusesMistypedFieldsNamingThePath) {
  const std::string head = R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease",)";
  struct Case {
    std::string rest;
    std::string path;
  };
  for (const Case& c : std::vector<Case>{
           {R"("metadata":[])", "metadata"},
           {R"("metadata":{"resourceVersion":244})", "metadata.resourceVersion"},
           {R"("spec":"x")", "spec"},
           {R"("spec":{"holderIdentity":["secret-holder"]})", "spec.holderIdentity"},
           {R"("spec":{"leaseDurationSeconds":"15"})", "spec.leaseDurationSeconds"},
           {R"("spec":{"leaseDurationSeconds":15.5})", "spec.leaseDurationSeconds"},
           {R"("spec":{"leaseDurationSeconds":15.0})", "spec.leaseDurationSeconds"},
           {R"("spec":{"leaseDurationSeconds":-1})", "spec.leaseDurationSeconds"},
           {R"("spec":{"leaseTransitions":2147483648})", "spec.leaseTransitions"},
           {R"("spec":{"acquireTime":1})", "spec.acquireTime"},
           {R"("spec":{"renewTime":"2026-12-04T10:00:00.1Z"})", "spec.renewTime"},
       }) {
    SCOPED_TRACE(c.rest);
    const Error error = ParseFailure(head + c.rest + "}");
    EXPECT_EQ(error.code, K8sError::kInvalidField);
    EXPECT_EQ(error.message.rfind(c.path + " ", 0), 0u) << error.message;
    EXPECT_EQ(error.message.find("secret-holder"), std::string::npos) << error.message;
  }
  // The three MicroTime forms the server refused with 400 are refused here too.
  const value::Value capture = Capture();
  for (std::size_t i : {10u, 11u, 12u}) {
    Result<LeaseRecord> record = ParseLease(RequestBody(capture, i));
    ASSERT_FALSE(record) << i;
    EXPECT_EQ(record.error().code, K8sError::kInvalidField);
    EXPECT_NE(record.error().message.find("spec.acquireTime"), std::string::npos);
  }
}

TEST(ParseLeaseTest, NullAndAbsentFieldsAreEmptyAndUnknownOnesIgnored) {
  const LeaseRecord record = Parsed(samples::Json(
      R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":null,)"
      R"("spec":{"holderIdentity":null,"renewTime":null,"strategy":"OldestEmulationVersion",)"
      R"("preferredHolder":"x","leaseTransitions":3}})"));
  EXPECT_EQ(record.holder_identity, "");
  EXPECT_EQ(record.resource_version, "");
  EXPECT_FALSE(record.renew_time.has_value());
  EXPECT_EQ(record.lease_transitions, 3);
}

// ---- LeaseObject -------------------------------------------------------------------------------

TEST(LeaseObjectTest, BuildsTheCapturedCreateBodies) {
  const value::Value capture = Capture();
  for (std::size_t i : {1u, 3u, 14u}) {  // A's create, B's create, the create-on-update PUT
    SCOPED_TRACE(i);
    const value::Value& sent = RequestBody(capture, i);
    const LeaseRecord record = Parsed(sent);
    EXPECT_EQ(record.resource_version, "");
    EXPECT_EQ(LeaseObject("gatehouse-system", "gatehouse-leader", record), sent)
        << value::ToJson(LeaseObject("gatehouse-system", "gatehouse-leader", record));
  }
  // The wire order of the create body.
  LeaseRecord record;
  record.holder_identity = kHolderA;
  record.lease_duration_seconds = 15;
  record.acquire_time = Micro(kCaptureDay, 15h, 34min, 47s, 696687us);
  record.renew_time = record.acquire_time;
  EXPECT_EQ(value::ToJson(LeaseObject("gatehouse-system", "gatehouse-leader", record)),
            R"({"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":)"
            R"("gatehouse-leader","namespace":"gatehouse-system"},"spec":{"holderIdentity":)"
            R"("gatehouse-0_5f1c2a","leaseDurationSeconds":15,"acquireTime":)"
            R"("2026-12-04T15:34:47.696687Z","renewTime":"2026-12-04T15:34:47.696687Z",)"
            R"("leaseTransitions":0}})");
}

TEST(LeaseObjectTest, UpdateBodiesCarryTheResourceVersionAndTheCapturedSpec) {
  const value::Value capture = Capture();
  for (std::size_t i : {2u, 5u, 6u, 7u, 9u}) {  // renews, stale take-over, release, acquire
    SCOPED_TRACE(i);
    const value::Value& sent = RequestBody(capture, i);
    const LeaseRecord record = Parsed(sent);
    const value::Value built = LeaseObject("gatehouse-system", "gatehouse-leader", record);
    EXPECT_EQ(*built.Find("spec"), *sent.Find("spec"));
    EXPECT_EQ(*built.Find("metadata")->Find("resourceVersion"),
              *sent.Find("metadata")->Find("resourceVersion"));
    EXPECT_EQ(*built.Find("metadata")->Find("name"), value::Value("gatehouse-leader"));
  }
  // The release keeps holderIdentity explicitly empty.
  const value::Value release =
      LeaseObject("gatehouse-system", "gatehouse-leader", Parsed(RequestBody(capture, 7)));
  ASSERT_NE(release.Find("spec")->Find("holderIdentity"), nullptr);
  EXPECT_EQ(*release.Find("spec")->Find("holderIdentity"), value::Value(""));
}

// ---- The decision ------------------------------------------------------------------------------

class DecideLeaseTest : public ::testing::Test {
 protected:
  const system_clock::time_point wall_ =
      std::chrono::sys_days(kCaptureDay) + 16h + 123456789ns;  // 16:00:00.123456789
  const steady_clock::time_point seen_ = steady_clock::time_point(1000s);
  const LeaseCandidate me_{kHolderB, 15s};

  LeaseNow At(std::chrono::nanoseconds after_seen) const {
    return LeaseNow{wall_ + after_seen, seen_ + after_seen};
  }
  LeaseObservation HeldBy(std::string holder, std::int64_t duration = 15) const {
    LeaseRecord record;
    record.holder_identity = std::move(holder);
    record.lease_duration_seconds = duration;
    record.acquire_time = Micro(kCaptureDay, 15h, 34min, 47s, 696687us);
    record.renew_time = Micro(kCaptureDay, 15h, 34min, 48s, 710620us);
    record.lease_transitions = 4;
    record.resource_version = "245";
    return LeaseObservation{record, seen_};
  }
  MicroTime Stamp(std::chrono::nanoseconds after_seen) const {
    return std::chrono::floor<std::chrono::microseconds>(wall_ + after_seen);
  }
};

TEST_F(DecideLeaseTest, NoLeaseMeansCreate) {
  const LeasePlan plan = DecideLease(me_, std::nullopt, At(0s));
  EXPECT_EQ(plan.action, LeaseAction::kCreate);
  EXPECT_EQ(plan.record.holder_identity, kHolderB);
  EXPECT_EQ(plan.record.lease_duration_seconds, 15);
  // Floored to the microsecond: what the wire carries.
  EXPECT_EQ(plan.record.acquire_time, Stamp(0s));
  EXPECT_EQ(FormatMicroTime(*plan.record.acquire_time), "2026-12-04T16:00:00.123456Z");
  EXPECT_EQ(plan.record.renew_time, plan.record.acquire_time);
  EXPECT_EQ(plan.record.lease_transitions, 0);
  EXPECT_EQ(plan.record.resource_version, "");
}

TEST_F(DecideLeaseTest, MyLeaseIsRenewedKeepingAcquireTimeAndTransitions) {
  const LeaseObservation mine = HeldBy(kHolderB, 30);
  const LeasePlan plan = DecideLease(me_, mine, At(5s));
  EXPECT_EQ(plan.action, LeaseAction::kRenew);
  EXPECT_EQ(plan.record.holder_identity, kHolderB);
  EXPECT_EQ(plan.record.lease_duration_seconds, 15);  // my duration, not the record's
  EXPECT_EQ(plan.record.acquire_time, mine.record.acquire_time);
  EXPECT_EQ(plan.record.renew_time, Stamp(5s));
  EXPECT_EQ(plan.record.lease_transitions, 4);
  EXPECT_EQ(plan.record.resource_version, "245");
  // Still mine after it ran out (nobody took it): renew, as client-go's IsLeader() path.
  EXPECT_EQ(DecideLease(me_, mine, At(1h)).action, LeaseAction::kRenew);
}

TEST_F(DecideLeaseTest, AnotherHoldersValidLeaseIsFollowedUntilItExpires) {
  const LeaseObservation theirs = HeldBy(kHolderA);
  const LeasePlan follow = DecideLease(me_, theirs, At(0s));
  EXPECT_EQ(follow.action, LeaseAction::kFollow);
  EXPECT_EQ(follow.record.holder_identity, kHolderA);
  EXPECT_EQ(follow.record.resource_version, "245");
  EXPECT_EQ(DecideLease(me_, theirs, At(15s - 1ns)).action, LeaseAction::kFollow);
  // Expired once observed_at + leaseDurationSeconds is no longer after now (client-go's
  // `observedTime.Add(duration).After(now)`).
  const LeasePlan take = DecideLease(me_, theirs, At(15s));
  EXPECT_EQ(take.action, LeaseAction::kAcquire);
  EXPECT_EQ(take.record.holder_identity, kHolderB);
  EXPECT_EQ(take.record.lease_duration_seconds, 15);
  EXPECT_EQ(take.record.acquire_time, Stamp(15s));
  EXPECT_EQ(take.record.renew_time, Stamp(15s));
  EXPECT_EQ(take.record.lease_transitions, 5);
  EXPECT_EQ(take.record.resource_version, "245");
}

TEST_F(DecideLeaseTest, ExpiryUsesTheRecordsDurationAndTheLocalObservationTime) {
  // The holder asked for 30 s: my 15 s do not shorten it.
  EXPECT_EQ(DecideLease(me_, HeldBy(kHolderA, 30), At(20s)).action, LeaseAction::kFollow);
  EXPECT_EQ(DecideLease(me_, HeldBy(kHolderA, 30), At(30s)).action, LeaseAction::kAcquire);
  // The record's renewTime is two hours older than my wall clock (skew): it is not expired,
  // since I saw it change only now.
  LeaseObservation skewed = HeldBy(kHolderA);
  skewed.record.renew_time = Stamp(-2h);
  EXPECT_EQ(DecideLease(me_, skewed, At(1s)).action, LeaseAction::kFollow);
  // And a renewTime in the future does not extend it.
  skewed.record.renew_time = Stamp(2h);
  EXPECT_EQ(DecideLease(me_, skewed, At(15s)).action, LeaseAction::kAcquire);
}

TEST_F(DecideLeaseTest, AReleasedLeaseIsAcquiredAtOnce) {
  LeaseObservation released = HeldBy("", 1);
  released.record.lease_transitions = 0;
  const LeasePlan plan = DecideLease(me_, released, At(0s));
  EXPECT_EQ(plan.action, LeaseAction::kAcquire);
  EXPECT_EQ(plan.record.holder_identity, kHolderB);
  EXPECT_EQ(plan.record.lease_transitions, 1);
  EXPECT_EQ(plan.record.acquire_time, Stamp(0s));
  // Also a Lease nobody ever held (empty spec: duration 0).
  EXPECT_EQ(DecideLease(me_, LeaseObservation{LeaseRecord{}, seen_}, At(0s)).action,
            LeaseAction::kAcquire);
}

TEST(ObserveLeaseTest, KeepsTheObservationTimeWhileTheSpecIsUnchanged) {
  const value::Value capture = Capture();
  const steady_clock::time_point t0(100s);
  const LeaseObservation first = ObserveLease(std::nullopt, Parsed(ResponseBody(capture, 4)), t0);
  EXPECT_EQ(first.observed_at, t0);
  // The same spec under a new resourceVersion (a metadata change): same observation time, new
  // resourceVersion to update against.
  LeaseRecord same = first.record;
  same.resource_version = "999";
  const LeaseObservation again = ObserveLease(first, same, t0 + 10s);
  EXPECT_EQ(again.observed_at, t0);
  EXPECT_EQ(again.record.resource_version, "999");
  EXPECT_FALSE(LeaseStillValid(again, t0 + 15s));
  // The holder renewed (renewTime changed): the observation starts again.
  const LeaseObservation renewed = ObserveLease(again, Parsed(ResponseBody(capture, 6)), t0 + 12s);
  EXPECT_EQ(renewed.observed_at, t0 + 12s);
  EXPECT_TRUE(LeaseStillValid(renewed, t0 + 26s));
  EXPECT_FALSE(LeaseStillValid(renewed, t0 + 27s));
  // Any spec field counts.
  LeaseRecord moved = renewed.record;
  moved.lease_transitions += 1;
  EXPECT_FALSE(SameLeaseSpec(moved, renewed.record));
  EXPECT_EQ(ObserveLease(renewed, moved, t0 + 13s).observed_at, t0 + 13s);
}

TEST(ReleasedLeaseTest, EmptiesTheHolderAsClientGoReleaseOnCancel) {
  const value::Value capture = Capture();
  const LeaseRecord held = Parsed(ResponseBody(capture, 6));  // A's lease, rv 246
  const system_clock::time_point now =
      std::chrono::sys_days(kCaptureDay) + 15h + 34min + 49s + 780871999ns;
  const LeaseRecord released = ReleasedLease(held, now);
  // Exactly the spec of the captured release request, at its resourceVersion.
  EXPECT_EQ(*LeaseObject("gatehouse-system", "gatehouse-leader", released).Find("spec"),
            *RequestBody(capture, 7).Find("spec"));
  EXPECT_EQ(released.resource_version, "246");
  EXPECT_EQ(released.holder_identity, "");
  EXPECT_EQ(released.lease_duration_seconds, 1);
  EXPECT_EQ(released.lease_transitions, held.lease_transitions);
}

TEST(LeaseActionTest, Names) {
  EXPECT_EQ(LeaseActionName(LeaseAction::kCreate), "create");
  EXPECT_EQ(LeaseActionName(LeaseAction::kRenew), "renew");
  EXPECT_EQ(LeaseActionName(LeaseAction::kAcquire), "acquire");
  EXPECT_EQ(LeaseActionName(LeaseAction::kFollow), "follow");
}

}  // namespace
}  // namespace gatehouse::k8s
