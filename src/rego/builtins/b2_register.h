// Registration of the builtin subgroups that live in their own files but belong to the crypto
// group (RegisterCryptoBuiltins calls them).
#pragma once

#include "rego/builtins/builtin.h"

namespace gatehouse::rego::b2 {

void RegisterJwtBuiltins(BuiltinRegistry& r);   // io.jwt.*
void RegisterX509Builtins(BuiltinRegistry& r);  // crypto.x509.*, crypto.parse_private_keys

}  // namespace gatehouse::rego::b2
