// The token signing keys on disk: `<dir>/token-signing-<UTC time>-<random>.key` (PKCS#8 PEM,
// mode 0600) and `.crt` (the self-signed certificate, 0644), in a folder created 0700. Every pair
// found is loaded into the key ring (the ring signs with the newest valid key; the bundle holds
// them all, so a rotation keeps old tokens valid until they expire). Files are written under a
// temporary name and renamed, so a reader never sees half a key; a `.key` without its `.crt` is
// skipped.
//
// SigningKeySource re-reads the folder when its modification time changes (checked at most
// every `recheck` seconds), so `gatehouse registry signing-key rotate` reaches a running server
// without a restart. Thread-safe: Current() may be called from every server thread.
//
// Errors: "signing_keys_unreadable", "signing_keys_unwritable", and the core's
// "invalid_signing_key" (naming the file, never its content).
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "common/clock.h"
#include "common/result.h"
#include "common/snapshot.h"
#include "registry/token_signer.h"

namespace gatehouse::adapters::registry_service {

// Every key pair in `dir` (missing folder: an empty ring).
Result<registry::SigningKeyRing> LoadSigningKeys(const std::string& dir);

// Generates a key pair and writes it to `dir`; returns the path of the key file.
Result<std::string> AddSigningKey(const std::string& dir,
                                  const registry::SigningKeyOptions& options,
                                  std::chrono::system_clock::time_point now);

// LoadSigningKeys, plus a new key when none can sign a token of `lifetime` issued now.
Result<registry::SigningKeyRing> LoadOrCreateSigningKeys(const std::string& dir,
                                                         const registry::SigningKeyOptions& options,
                                                         std::chrono::seconds lifetime,
                                                         std::chrono::system_clock::time_point now);

class SigningKeySource {
 public:
  // Errors as LoadOrCreateSigningKeys.
  static Result<std::unique_ptr<SigningKeySource>> Open(std::string dir,
                                                        registry::SigningKeyOptions options,
                                                        std::chrono::seconds lifetime,
                                                        const Clock& clock,
                                                        std::chrono::seconds recheck);
  // A source over a fixed ring (tests): never reads a folder.
  explicit SigningKeySource(registry::SigningKeyRing ring);

  std::shared_ptr<const registry::SigningKeyRing> Current();

 private:
  SigningKeySource() = default;
  void MaybeReload();

  std::string dir_;
  registry::SigningKeyOptions options_;
  std::chrono::seconds lifetime_{300};
  const Clock* clock_ = nullptr;
  std::chrono::seconds recheck_{5};
  Snapshot<registry::SigningKeyRing> ring_;
  std::atomic<std::int64_t> next_check_ns_{0};
  std::mutex reload_mutex_;
  std::filesystem::file_time_type seen_mtime_{};
};

}  // namespace gatehouse::adapters::registry_service
