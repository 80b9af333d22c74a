// Fuzzes the Keystone response readers: JSON text (with the HTTP client's body limits) →
// ParseKeystoneTokenInfo and ParseKeystoneGroupPage. Any body must give a struct or an Error,
// never a crash; errors carry the documented code and never quote the body (which may hold a
// token or anything else an upstream sends).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "authn/keystone/keystone_errors.h"
#include "authn/keystone/token_info.h"
#include "value/json.h"

namespace {

// A long, distinctive string in the body must not reach an error message.
void CheckNotQuoted(const gatehouse::Error& error, std::string_view text) {
  constexpr std::string_view kMarker = "SECRETSECRETSECRET";
  if (error.code != gatehouse::authn::KeystoneError::kBadResponse) std::abort();
  if (text.find(kMarker) != std::string_view::npos &&
      error.message.find(kMarker) != std::string::npos) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace authn = gatehouse::authn;
  namespace value = gatehouse::value;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  value::JsonLimits limits;
  limits.max_bytes = 1 << 20;
  limits.max_depth = 64;
  gatehouse::Result<value::Value> body = value::ParseJson(text, limits);
  if (!body) return 0;
  gatehouse::Result<authn::KeystoneTokenInfo> token = authn::ParseKeystoneTokenInfo(*body);
  if (token) {
    if (token->user_id.empty() && body->Find("token") == nullptr) std::abort();
  } else {
    CheckNotQuoted(token.error(), text);
  }
  gatehouse::Result<authn::KeystoneGroupPage> page = authn::ParseKeystoneGroupPage(*body);
  if (page) {
    if (page->next_url && page->next_url->empty()) std::abort();
  } else {
    CheckNotQuoted(page.error(), text);
  }
  return 0;
}
