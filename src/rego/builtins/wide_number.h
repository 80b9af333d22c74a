// Arithmetic as OPA's math/big does it: integers of any size exactly (with GMP), and every other
// number at the 64-bit precision of Go's big.Float (long double on x86-64 has that mantissa).
// The builtins try int64 first and come here for the rest, so integer policies never pay for it.
//
// Integers are bounded (kMaxIntegerDigits): a result past that is an error, not an allocation
// that grows with a hostile input. Pure functions.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego::builtins {

inline constexpr std::size_t kMaxIntegerDigits = 4096;

enum class WideOp { kPlus, kMinus, kMul, kDiv, kRem };

// a op b for integral numbers (ints, integral doubles, integral big numbers) exactly; for
// kDiv the quotient when it is an integer, else nullopt (the caller divides as floats).
// Errors: the integer limit, "modulo by zero".
Result<std::optional<Value>> IntegerArithmetic(std::string_view name, WideOp op, const Value& a,
                                               const Value& b);
// a op b (not kRem) at the 64-bit precision of OPA's big.Float, for other numbers: the result is
// the shortest decimal that reads back at that precision (0.1 + 0.2 is 0.3, 1 / 3 is
// 0.33333333333333333334). Errors: "divide by zero", a result beyond long double.
Result<Value> FloatArithmetic(std::string_view name, WideOp op, const Value& a, const Value& b);

enum class WideUnary { kAbs, kRound, kCeil, kFloor };
// abs, round (half away from zero), ceil, floor of any number.
Result<Value> UnaryArithmetic(std::string_view name, WideUnary op, const Value& a);

// The digits of an integral number, "-" first when negative ("" when it is not integral).
std::string IntegerDigits(const Value& a);
// An integral number in base 2 to 36 (lower-case digits, '-' first); "" past the limit.
std::string IntegerText(const Value& integral, int base);
// The integral number `digits` (optional '-', then decimal digits) names, in its form.
Value IntegerFromDigits(std::string_view digits);

// bits.and / or / xor / lsh / rsh / negate on integers of any size (two's complement, as
// big.Int). `b` is ignored for kNegate.
enum class BitsOp { kAnd, kOr, kXor, kLsh, kRsh, kNegate };
Result<Value> BitsArithmetic(std::string_view name, BitsOp op, const Value& a, const Value& b);

// numbers.range / range_step from `from` to `to` (inclusive, either direction) by `step` > 0,
// for integers of any size; at most `max_items` elements.
Result<Value> IntegerRange(std::string_view name, const Value& from, const Value& to,
                           const Value& step, std::size_t max_items);

// The sum or product of numbers, exactly when they are all integral.
Result<Value> WideAggregate(std::string_view name, bool product, std::span<const Value> items);

}  // namespace gatehouse::rego::builtins
