// TlsError: Failures of loading, generating and writing TLS material.
//
// One enumerator per failure, each with one stable wire string (WireName) that review
// `status.error` prefixes, metrics labels, API answers, logs and tests rely on: never change a
// wire string. common/error_code.h says how codes are compared and printed. Constants only;
// thread-safe.
#pragma once

#include <string_view>

#include "common/error_code.h"

namespace gatehouse::adapters {

enum class TlsError {
  // tls_config: a certificate, key or CA file is missing or unusable (OpenSSL's reason).
  kConfig,
  // tls_generate: generating a self-signed certificate failed.
  kGenerate,
  // tls_write: writing generated TLS files failed.
  kWrite,
};

constexpr std::string_view WireName(TlsError e) {
  switch (e) {
    case TlsError::kConfig:
      return "tls_config";
    case TlsError::kGenerate:
      return "tls_generate";
    case TlsError::kWrite:
      return "tls_write";
  }
  return {};
}

// Every value, in declaration order.
inline constexpr TlsError kAllTlsErrors[] = {TlsError::kConfig, TlsError::kGenerate,
                                             TlsError::kWrite};
static_assert(ValidErrorEnum(kAllTlsErrors));

}  // namespace gatehouse::adapters
