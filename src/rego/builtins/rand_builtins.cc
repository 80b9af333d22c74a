// rand.intn: a random integer in [0, |n|), memoised per evaluation (OPA's rule).
#include <cstdint>
#include <string>

#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_helpers.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/nondeterministic.h"

namespace gatehouse::rego {
namespace {

using builtins::Memoised;
using builtins::Random64;
using builtins::Return;

BuiltinResult RandIntn(BuiltinContext& ctx, std::span<const Value> args) {
  constexpr std::string_view kName = "rand.intn";
  if (!args[0].is_string()) return OperandTypeError(kName, 1, "string", args[0]);
  if (!args[1].is_number()) return OperandTypeError(kName, 2, "number", args[1]);
  auto n = args[1].AsInt();
  if (!n) return BuiltinError(kName, "operand 2 must be an integer");
  std::uint64_t bound =
      *n < 0 ? 0 - static_cast<std::uint64_t>(*n) : static_cast<std::uint64_t>(*n);
  if (bound == 0) return Return(Value::Int(0));
  return Return(Memoised(ctx, kName, args, [&] {
    // Rejection sampling: no modulo bias.
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    std::uint64_t r = Random64(ctx);
    for (int i = 0; i < 64 && r >= limit; ++i) r = Random64(ctx);
    return Value::Int(static_cast<std::int64_t>(r % bound));
  }));
}

}  // namespace

void RegisterRandBuiltins(BuiltinRegistry& r) {
  builtins::Add(r, "rand.intn", {kTString, kTNumber}, kTNumber, RandIntn,
                /*nondeterministic=*/true);
}

}  // namespace gatehouse::rego
