// A subset of Go's text/template, for OPA's strings.render_template.
//
// Supported: text; actions `{{pipeline}}` with `{{-`/`-}}` whitespace trimming and
// `{{/* comments */}}`; `{{if}}`, `{{else}}`, `{{else if}}`, `{{range}}` (with `$i, $v :=` or
// `$v :=` declarations and `{{else}}`), `{{with}}`, `{{end}}`. A pipeline is one operand: `.`,
// a field chain `.a.b`, a variable `$x`/`$x.a`, `$` (the root), or a string/number/boolean
// literal. Values print as Go prints the JSON-decoded data (maps as `map[k:v]`, slices as
// `[a b]`); a missing field prints `<undefined>`, as OPA does. Functions and pipes (`|`) are not
// supported and give an error.
//
// Pure function; thread-safe. Fails on malformed templates and when the output would exceed
// `max_output_bytes` (errors carry only a message; the caller adds the builtin name).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "rego/value.h"

namespace gatehouse::rego {

Result<std::string> RenderGoTemplate(std::string_view tmpl, const Value& data,
                                     std::size_t max_output_bytes);

}  // namespace gatehouse::rego
