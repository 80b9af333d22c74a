// RegoError: OPA's error codes of parsing, compiling and evaluating Rego (OPA's ast and topdown
// packages use the same strings).
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::rego {

enum class RegoError {
  // rego_parse_error: the module does not parse.
  kParse,
  // rego_compile_error: the modules do not compile (imports, with targets, limits).
  kCompile,
  // rego_type_error: an undefined function, a wrong arity or operand type found at compile time.
  kType,
  // rego_unsafe_var_error: a variable is not bound by any positive expression.
  kUnsafeVar,
  // rego_recursion_error: a rule depends on itself.
  kRecursion,
  // eval_conflict_error: a complete rule or function produced two values, or object keys clash.
  kEvalConflict,
  // eval_cancel_error: evaluation exceeded a budget (steps, time, depth) or was cancelled.
  kEvalCancel,
  // eval_type_error: a builtin's operand has the wrong type.
  kEvalType,
  // eval_builtin_error: a builtin failed for another reason.
  kEvalBuiltin,
};

constexpr std::string_view WireName(RegoError e) {
  switch (e) {
    case RegoError::kParse:
      return "rego_parse_error";
    case RegoError::kCompile:
      return "rego_compile_error";
    case RegoError::kType:
      return "rego_type_error";
    case RegoError::kUnsafeVar:
      return "rego_unsafe_var_error";
    case RegoError::kRecursion:
      return "rego_recursion_error";
    case RegoError::kEvalConflict:
      return "eval_conflict_error";
    case RegoError::kEvalCancel:
      return "eval_cancel_error";
    case RegoError::kEvalType:
      return "eval_type_error";
    case RegoError::kEvalBuiltin:
      return "eval_builtin_error";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr RegoError kAllRegoErrors[] = {
    RegoError::kParse,      RegoError::kCompile,   RegoError::kType,
    RegoError::kUnsafeVar,  RegoError::kRecursion, RegoError::kEvalConflict,
    RegoError::kEvalCancel, RegoError::kEvalType,  RegoError::kEvalBuiltin};
static_assert(ValidErrorEnum(kAllRegoErrors));

}  // namespace gatehouse::rego
