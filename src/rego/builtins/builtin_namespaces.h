// Registration of the builtins, one function per OPA namespace group, each defined in the file
// named after it (`RegisterStringBuiltins` in string_builtins.cc, ...). StandardBuiltins()
// (registry.cc) calls every one of them once, at start-up; nothing else should.
//
// Each function only adds entries to `r` (see builtin.h for the interface); none fails.
// Not thread-safe on the same registry (the registry is built once, then only read).
#pragma once

#include "rego/builtins/builtin.h"

namespace gatehouse::rego {

void RegisterAggregateBuiltins(BuiltinRegistry& r);   // count, sum, max, sort, any, ...
void RegisterNumberBuiltins(BuiltinRegistry& r);      // arithmetic, bits.*, numbers.*
void RegisterUnitsBuiltins(BuiltinRegistry& r);       // units.parse, units.parse_bytes
void RegisterComparisonBuiltins(BuiltinRegistry& r);  // equal, lt, ... (operators)
void RegisterStringBuiltins(BuiltinRegistry& r);      // strings.*, sprintf, format_int, ...
void RegisterRegexBuiltins(BuiltinRegistry& r);       // regex.*, glob.*
void RegisterCollectionBuiltins(BuiltinRegistry& r);  // array.*, sets, object.*, walk, ...
void RegisterTypeBuiltins(BuiltinRegistry& r);        // is_*, type_name, to_number, cast_*
void RegisterEncodingBuiltins(BuiltinRegistry& r);    // base64*, hex, json.*, yaml.*, urlquery.*
void RegisterJsonSchemaBuiltins(BuiltinRegistry& r);  // json.match_schema, json.verify_schema
void RegisterTimeBuiltins(BuiltinRegistry& r);        // time.*
void RegisterNetBuiltins(BuiltinRegistry& r);         // net.cidr_*
void RegisterCryptoBuiltins(BuiltinRegistry& r);      // crypto.md5/sha*/hmac.*
void RegisterCryptoX509Builtins(BuiltinRegistry& r);  // crypto.x509.*, crypto.parse_private_keys
void RegisterIoJwtBuiltins(BuiltinRegistry& r);       // io.jwt.*
void RegisterSemverBuiltins(BuiltinRegistry& r);      // semver.*
void RegisterUuidBuiltins(BuiltinRegistry& r);        // uuid.*
void RegisterRandBuiltins(BuiltinRegistry& r);        // rand.intn
void RegisterOpaBuiltins(BuiltinRegistry& r);         // opa.runtime
void RegisterGraphqlBuiltins(BuiltinRegistry& r);     // graphql.*
void RegisterProviderBuiltins(BuiltinRegistry& r);    // providers.aws.sign_req
void RegisterHttpBuiltins(BuiltinRegistry& r);        // http.send (checked, never sent)
void RegisterDebugBuiltins(BuiltinRegistry& r);       // trace

}  // namespace gatehouse::rego
