// Self-signed TLS material for `gatehouse serve` without configuration: a private CA (EC P-256)
// and a server certificate it signed, kept in a directory so restarts reuse them and clients
// can trust `ca.crt` once.
//
// The CA's private key is never written: the CA exists only to sign this one certificate, so
// losing the key is the point (nobody can mint more certificates with it). Key files are mode
// 0600 and written via a temporary file and rename, so a crash never leaves a half-written key.
// Not thread-safe against concurrent calls on the same directory.
#pragma once

#include <string>
#include <vector>

#include "common/result.h"

namespace gatehouse::adapters {

struct TlsFiles {
  std::string cert_file;  // dir/tls.crt: server certificate (PEM)
  std::string key_file;   // dir/tls.key: its private key (PEM, PKCS#8)
  std::string ca_file;    // dir/ca.crt: the CA that signed it
};

// Reuses dir/tls.crt, dir/tls.key and dir/ca.crt when all three exist; otherwise creates dir
// (mode 0700) and writes a new CA and server certificate valid for one year, with subject
// alternative names localhost, 127.0.0.1, ::1 and each entry of `dns_names_and_ips` (IP literals
// become IP SANs). The server certificate is valid for serverAuth and clientAuth. Errors:
// "tls_generate" (OpenSSL failure, invalid name), "tls_write" (file system).
Result<TlsFiles> EnsureSelfSignedCertificate(const std::string& dir,
                                             const std::vector<std::string>& dns_names_and_ips);

}  // namespace gatehouse::adapters
