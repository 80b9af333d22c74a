#include "adapters/registry/signing_key_files.h"

#include <fcntl.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>
#include <vector>

#include "adapters/registry/registry_service_errors.h"

namespace gatehouse::adapters::registry_service {
namespace {

namespace fs = std::filesystem;

constexpr char kPrefix[] = "token-signing-";

Result<std::string> ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return MakeError(RegistryServiceError::kSigningKeysUnreadable, "cannot read " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status WriteFileAtomically(const fs::path& path, const std::string& content, mode_t mode) {
  const fs::path temporary = path.string() + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0) {
    return MakeError(RegistryServiceError::kSigningKeysUnwritable,
                     "cannot create " + temporary.string() + ": " + std::strerror(errno));
  }
  ::fchmod(fd, mode);
  std::size_t written = 0;
  while (written < content.size()) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return MakeError(RegistryServiceError::kSigningKeysUnwritable,
                       "cannot write " + temporary.string());
    }
    written += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    return MakeError(RegistryServiceError::kSigningKeysUnwritable,
                     "cannot write " + temporary.string());
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec)
    return MakeError(RegistryServiceError::kSigningKeysUnwritable,
                     "cannot rename " + temporary.string());
  return Ok();
}

std::string FileStem(std::chrono::system_clock::time_point now) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &utc);
  unsigned char random[4] = {};
  RAND_bytes(random, sizeof random);
  char suffix[16];
  std::snprintf(suffix, sizeof suffix, "%02x%02x%02x%02x", random[0], random[1], random[2],
                random[3]);
  return std::string(kPrefix) + stamp + "-" + suffix;
}

}  // namespace

Result<registry::SigningKeyRing> LoadSigningKeys(const std::string& dir) {
  registry::SigningKeyRing ring;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return ring;
  std::vector<fs::path> keys;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(kPrefix, 0) == 0 && entry.path().extension() == ".key") {
      keys.push_back(entry.path());
    }
  }
  if (ec)
    return MakeError(RegistryServiceError::kSigningKeysUnreadable,
                     "cannot list " + dir + ": " + ec.message());
  std::sort(keys.begin(), keys.end());
  for (const fs::path& key_path : keys) {
    fs::path cert_path = key_path;
    cert_path.replace_extension(".crt");
    if (!fs::exists(cert_path, ec)) continue;
    Result<std::string> key = ReadFile(key_path);
    if (!key) return key.error();
    Result<std::string> cert = ReadFile(cert_path);
    if (!cert) return cert.error();
    Result<registry::SigningKey> loaded = registry::SigningKey::LoadPem(*key, *cert);
    if (!loaded) {
      return MakeError(loaded.error().code, key_path.string() + ": " + loaded.error().message);
    }
    ring.Add(std::move(loaded).value());
  }
  return ring;
}

Result<std::string> AddSigningKey(const std::string& dir,
                                  const registry::SigningKeyOptions& options,
                                  std::chrono::system_clock::time_point now) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec)
    return MakeError(RegistryServiceError::kSigningKeysUnwritable,
                     "cannot create " + dir + ": " + ec.message());
  ::chmod(dir.c_str(), 0700);
  Result<registry::SigningKey> key = registry::SigningKey::Generate(options, now);
  if (!key) return key.error();
  Result<std::string> pem = key->PrivateKeyPem();
  if (!pem) return pem.error();
  const fs::path stem = fs::path(dir) / FileStem(now);
  // The certificate first: a key file is only picked up once its certificate exists.
  if (Status s = WriteFileAtomically(stem.string() + ".crt", key->certificate_pem(), 0644); !s) {
    return s.error();
  }
  if (Status s = WriteFileAtomically(stem.string() + ".key", *pem, 0600); !s) return s.error();
  return stem.string() + ".key";
}

Result<registry::SigningKeyRing> LoadOrCreateSigningKeys(
    const std::string& dir, const registry::SigningKeyOptions& options,
    std::chrono::seconds lifetime, std::chrono::system_clock::time_point now) {
  Result<registry::SigningKeyRing> ring = LoadSigningKeys(dir);
  if (!ring) return ring.error();
  if (ring->FindSigner(now, lifetime) != nullptr) return ring;
  Result<std::string> added = AddSigningKey(dir, options, now);
  if (!added) return added.error();
  return LoadSigningKeys(dir);
}

Result<std::unique_ptr<SigningKeySource>> SigningKeySource::Open(
    std::string dir, registry::SigningKeyOptions options, std::chrono::seconds lifetime,
    const Clock& clock, std::chrono::seconds recheck) {
  Result<registry::SigningKeyRing> ring =
      LoadOrCreateSigningKeys(dir, options, lifetime, clock.Now());
  if (!ring) return ring.error();
  std::unique_ptr<SigningKeySource> source(new SigningKeySource());
  source->dir_ = std::move(dir);
  source->options_ = std::move(options);
  source->lifetime_ = lifetime;
  source->clock_ = &clock;
  source->recheck_ = recheck;
  std::error_code ec;
  source->seen_mtime_ = fs::last_write_time(source->dir_, ec);
  source->ring_.Publish(std::make_shared<const registry::SigningKeyRing>(std::move(ring).value()));
  source->next_check_ns_ = (clock.Monotonic() + recheck).time_since_epoch().count();
  return source;
}

SigningKeySource::SigningKeySource(registry::SigningKeyRing ring) {
  ring_.Publish(std::make_shared<const registry::SigningKeyRing>(std::move(ring)));
}

std::shared_ptr<const registry::SigningKeyRing> SigningKeySource::Current() {
  if (clock_ != nullptr) MaybeReload();
  return ring_.Load();
}

void SigningKeySource::MaybeReload() {
  const std::int64_t now_ns = clock_->Monotonic().time_since_epoch().count();
  std::int64_t due = next_check_ns_.load(std::memory_order_relaxed);
  if (now_ns < due) return;
  const std::int64_t next =
      now_ns + std::chrono::duration_cast<std::chrono::nanoseconds>(recheck_).count();
  if (!next_check_ns_.compare_exchange_strong(due, next)) return;  // another thread checks
  std::lock_guard<std::mutex> lock(reload_mutex_);
  std::error_code ec;
  const fs::file_time_type mtime = fs::last_write_time(dir_, ec);
  std::shared_ptr<const registry::SigningKeyRing> current = ring_.Load();
  const bool changed = !ec && mtime != seen_mtime_;
  // Also when the newest key is about to stop covering a token's lifetime: roll on by itself.
  const bool expiring = current->FindSigner(clock_->Now(), lifetime_) == nullptr;
  if (!changed && !expiring) return;
  Result<registry::SigningKeyRing> ring =
      expiring ? LoadOrCreateSigningKeys(dir_, options_, lifetime_, clock_->Now())
               : LoadSigningKeys(dir_);
  if (!ring || ring->keys().empty()) return;  // keep serving the last good ring
  seen_mtime_ = fs::last_write_time(dir_, ec);
  ring_.Publish(std::make_shared<const registry::SigningKeyRing>(std::move(ring).value()));
}

}  // namespace gatehouse::adapters::registry_service
