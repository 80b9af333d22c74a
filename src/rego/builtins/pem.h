// PEM blocks as Go's encoding/pem.Decode finds them: the first "-----BEGIN TYPE-----" ...
// "-----END TYPE-----" block with headers skipped and a base64 body. Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::rego::builtins {

struct PemBlock {
  std::string type;   // "CERTIFICATE", "PUBLIC KEY", ...
  std::string bytes;  // the decoded body (DER)
};

// The first well-formed block of `in`, and in `rest` what follows its END line (Go's `rest`).
// nullopt when there is none (no BEGIN line, no matching END line, or a body that is not
// base64).
std::optional<PemBlock> DecodePem(std::string_view in, std::string_view* rest);

}  // namespace gatehouse::rego::builtins
