# METADATA
# title: Kubernetes quantities
# description: Parses resource quantities such as 500m, 2, 1.5, 512Mi, 4Gi, 1e3 into numbers.
package lib.gatehouse.quantity

# Suffixes that multiply (binary and decimal SI).
_multipliers := {
	"": 1,
	"k": 1000,
	"M": 1000000,
	"G": 1000000000,
	"T": 1000000000000,
	"P": 1000000000000000,
	"E": 1000000000000000000,
	"Ki": 1024,
	"Mi": 1048576,
	"Gi": 1073741824,
	"Ti": 1099511627776,
	"Pi": 1125899906842624,
	"Ei": 1152921504606846976,
}

# Suffixes below one, applied as a division so that 2000m is exactly 2.
_divisors := {
	"m": 1000,
	"u": 1000000,
	"n": 1000000000,
}

# digits[.digits] then a suffix or a decimal exponent.
_pattern := `^([0-9]*)(?:\.([0-9]*))?([eE][+-]?[0-9]+|[a-zA-Z]*)$`

# The parts of a quantity string: [whole, fraction, suffix]; undefined when it is not one.
_parts(q) := [whole, fraction, suffix] if {
	is_string(q)
	matches := regex.find_all_string_submatch_n(_pattern, q, 1)
	count(matches) == 1
	whole := matches[0][1]
	fraction := matches[0][2]
	suffix := matches[0][3]
	concat("", [whole, fraction]) != ""
}

_mantissa(whole, fraction) := to_number(sprintf("%s.%s", [_or_zero(whole), _or_zero(fraction)]))

_or_zero(s) := "0" if s == "" else := s

# parse(q) is the value of quantity q (a number or a string) in base units (cores, bytes);
# undefined when q is not a quantity.
parse(q) := q if {
	is_number(q)
	q >= 0
}

parse(q) := v if {
	[whole, fraction, suffix] := _parts(q)
	v := _scaled(whole, fraction, suffix)
}

# The value of a matched quantity, by its suffix (the three cases exclude each other).
_scaled(whole, fraction, suffix) := _mantissa(whole, fraction) * _multipliers[suffix]

_scaled(whole, fraction, suffix) := _mantissa(whole, fraction) / _divisors[suffix]

_scaled(whole, fraction, suffix) := v if {
	startswith(lower(suffix), "e")
	v := to_number(sprintf("%s.%s%s", [_or_zero(whole), _or_zero(fraction), suffix]))
}

is_quantity(q) if {
	_ = parse(q)
}
