// BuiltinFailure: Failures of the builtins' own helpers (time zones, Go time, x509, JOSE keys,
// URLs, GraphQL, JSON Schema) that builtins report in their messages or as they are.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::rego {

enum class BuiltinFailure {
  // time_parse: Go's time.Parse failed (Go's message).
  kTimeParse,
  // time_duration: Go's time.ParseDuration failed (Go's message).
  kTimeDuration,
  // unknown_time_zone: the time zone database has no such zone.
  kUnknownTimeZone,
  // invalid_tzif: a zoneinfo file is not TZif.
  kInvalidTzif,
  // x509: a PEM or DER certificate, request or key does not parse (Go's message).
  kX509,
  // jose_key: a JWK or PEM key for io.jwt is unusable.
  kJoseKey,
  // url: a URL escape is invalid.
  kUrl,
  // graphql: a GraphQL operand has the wrong type.
  kGraphql,
  // invalid_schema: a JSON Schema is invalid.
  kInvalidSchema,
};

constexpr std::string_view WireName(BuiltinFailure e) {
  switch (e) {
    case BuiltinFailure::kTimeParse:
      return "time_parse";
    case BuiltinFailure::kTimeDuration:
      return "time_duration";
    case BuiltinFailure::kUnknownTimeZone:
      return "unknown_time_zone";
    case BuiltinFailure::kInvalidTzif:
      return "invalid_tzif";
    case BuiltinFailure::kX509:
      return "x509";
    case BuiltinFailure::kJoseKey:
      return "jose_key";
    case BuiltinFailure::kUrl:
      return "url";
    case BuiltinFailure::kGraphql:
      return "graphql";
    case BuiltinFailure::kInvalidSchema:
      return "invalid_schema";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr BuiltinFailure kAllBuiltinFailures[] = {
    BuiltinFailure::kTimeParse,   BuiltinFailure::kTimeDuration, BuiltinFailure::kUnknownTimeZone,
    BuiltinFailure::kInvalidTzif, BuiltinFailure::kX509,         BuiltinFailure::kJoseKey,
    BuiltinFailure::kUrl,         BuiltinFailure::kGraphql,      BuiltinFailure::kInvalidSchema};
static_assert(ValidErrorEnum(kAllBuiltinFailures));

}  // namespace gatehouse::rego
