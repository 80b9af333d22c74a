// The builtin function interface of the Rego engine, and the registry that names them.
//
// A builtin is a plain function of its argument values. It returns a value, "undefined"
// (std::nullopt: the expression is false, e.g. `object.get`-like lookups that find nothing
// where OPA gives undefined), or an Error:
//  - code "eval_type_error": an operand has the wrong type. Use OperandTypeError();
//  - code "eval_builtin_error": the operation failed (bad pattern, bad encoding, ...). Use
//    BuiltinError().
// The evaluator decides what an error does (OPA: halts evaluation when strict, else the call
// is undefined; type errors always halt). Builtins never throw and never do I/O beyond what
// BuiltinContext offers (time, randomness, print). They must bound their own work on hostile
// input (pattern sizes, output sizes: see BuiltinContext::limits).
//
// Thread-safety: functions may run concurrently on many threads; state shared between calls
// (regex caches) must be internally synchronised and bounded. Per-evaluation state lives in
// BuiltinContext, which belongs to one evaluation on one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego {

// Types for declarations, as a bit mask of value kinds (kAny: all). Used by the compiler for
// arity checks and simple static type errors, and by docs.
using TypeMask = std::uint8_t;
inline constexpr TypeMask TypeBit(ValueKind k) {
  return static_cast<TypeMask>(1u << static_cast<unsigned>(k));
}
inline constexpr TypeMask kTNull = TypeBit(ValueKind::kNull);
inline constexpr TypeMask kTBool = TypeBit(ValueKind::kBool);
inline constexpr TypeMask kTNumber = TypeBit(ValueKind::kNumber);
inline constexpr TypeMask kTString = TypeBit(ValueKind::kString);
inline constexpr TypeMask kTArray = TypeBit(ValueKind::kArray);
inline constexpr TypeMask kTObject = TypeBit(ValueKind::kObject);
inline constexpr TypeMask kTSet = TypeBit(ValueKind::kSet);
inline constexpr TypeMask kTAny = 0x7F;

struct BuiltinLimits {
  std::size_t max_output_bytes = 16 << 20;   // strings built by concat, sprintf, repeat, ...
  std::size_t max_pattern_bytes = 64 << 10;  // regex and glob patterns
  std::size_t max_range_items = 1 << 20;     // numbers.range and friends
};

// Per-evaluation state for builtins. Owned by the evaluator; one per evaluation.
struct BuiltinContext {
  std::int64_t now_ns = 0;  // time.now_ns: fixed for the whole evaluation, as in OPA
  bool strict_errors = false;
  BuiltinLimits limits;
  // `print` output (one line per call, without newline); null: print does nothing.
  std::function<void(std::string_view)> print;
  bool print_location = false;  // lines start "file:row: "
  // Source of randomness for rand.intn / uuid.rfc4122 (a CSPRNG by default; tests may seed).
  std::function<std::uint64_t()> random;
  // Memo for non-deterministic builtins: the same call (name + args) in one evaluation gives
  // the same result (OPA's rule for rand.intn and uuid.rfc4122).
  std::map<std::pair<std::string, Value>, Value> memo;
  // Whether http.send may run (never in the core; always false here).
  bool allow_net = false;
  // The runtime document for opa.runtime(): {"env": {...}, "version": ...} as configured.
  Value runtime = Value::EmptyObject();
};

// nullopt: undefined.
using BuiltinResult = Result<std::optional<Value>>;
using BuiltinFunction = BuiltinResult (*)(BuiltinContext& ctx, std::span<const Value> args);

struct Builtin {
  std::string name;              // "count", "strings.replace_n", "io.jwt.decode"
  std::vector<TypeMask> params;  // one per argument; the arity is params.size()
  TypeMask result = kTAny;
  BuiltinFunction fn = nullptr;
  bool nondeterministic = false;  // memoised per evaluation (rand.intn, uuid.rfc4122, ...)
  bool relation = false;          // may produce several results (walk): see fn_relation
  // For relations only: calls `yield` once per result; returns an error or Ok().
  Status (*fn_relation)(BuiltinContext& ctx, std::span<const Value> args,
                        const std::function<Status(const Value&)>& yield) = nullptr;
};

// Name -> builtin. Built once at start-up, then read-only (thread-safe to read).
class BuiltinRegistry {
 public:
  void Add(Builtin builtin);
  const Builtin* Find(std::string_view name) const;
  std::vector<const Builtin*> All() const;  // sorted by name

 private:
  std::unordered_map<std::string, Builtin> by_name_;
};

// Every builtin gatehouse implements, registered once by the per-namespace functions of
// builtin_namespaces.h; helpers for writing builtins are in builtin_helpers.h.
const BuiltinRegistry& StandardBuiltins();

// "<name>: operand <n> must be <expected> but got <actual>" with code eval_type_error; `n` is
// 1-based, `expected` e.g. "string" or "one of {array, object, set}".
Error OperandTypeError(std::string_view name, int n, std::string_view expected,
                       const Value& actual);
// "<name>: <message>" with code eval_builtin_error.
Error BuiltinError(std::string_view name, std::string_view message);

}  // namespace gatehouse::rego
