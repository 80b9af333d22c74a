// The builtins Conftest adds to OPA's (builtins/parse_config.go), for policy bundles:
// `parse_config(parser, content)` parses `content` with the named input parser as
// `gatehouse test` parses files (yaml: split into an array of documents when it has several;
// json), so a policy can read configuration embedded in a ConfigMap. Conftest's
// `parse_config_file` and `parse_combined_config_files` read files relative to the calling
// policy and are not provided (the engine's builtins do no I/O). Parse failures are builtin
// errors: the call is undefined unless builtin errors are strict. Thread-safe.
#pragma once

#include "rego/builtins/builtin.h"

namespace gatehouse::admission::bundle {

// The standard builtins plus Conftest's; built once.
const rego::BuiltinRegistry& BundleBuiltins();

}  // namespace gatehouse::admission::bundle
