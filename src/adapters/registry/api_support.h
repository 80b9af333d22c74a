// Internal to the registry API's translation units (registry_api*.cc): the response helpers,
// request parsing shared by every endpoint, and RegistryApi::Call. Not part of any public
// contract. Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/http/http_server.h"
#include "adapters/http/json_response.h"
#include "adapters/registry/caller.h"
#include "adapters/registry/registry_api.h"
#include "common/result.h"
#include "registry/model.h"
#include "registry/store.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::adapters::registry_service {
namespace api_support {

std::int64_t UnixSeconds(std::chrono::system_clock::time_point t);
using adapters::JsonResponse;  // adapters/http/json_response.h
// {"errors":[{"code","message"}]} with `status`.
ServerResponse ApiError(int status, std::string_view code, std::string_view message);
ServerResponse BadRequest(std::string_view message);
ServerResponse Forbidden(std::string_view message);
// A store or validation error as Harbor would answer it (404, 409, 412, 503, 500, 401, 400).
ServerResponse FromError(const Error& error);
ServerResponse Created(std::string location, const value::Value* body = nullptr);
ServerResponse Empty(int status = 200);
ServerResponse MethodNotAllowed(std::string allow);
// A positive decimal id of at most 18 digits; nullopt otherwise.
std::optional<std::int64_t> ParseId(std::string_view text);
bool IsPrintable(std::string_view text);
value::Value TimeValue(std::int64_t unix_seconds);
value::Value UserJson(const registry::User& user);
const std::string* StringField(const value::Value& body, std::string_view key);

// The JSON type a body field must have; null always counts as "absent".
enum class FieldType { kString, kBool, kInteger, kArray, kObject };

// One field a request body may hold (Harbor's swagger definition names the set).
struct FieldSpec {
  std::string_view name;
  FieldType type;
};

// Strict decoding (DESIGN: API bodies refuse fields they do not know): "invalid_argument",
// naming the field, for a member of `object` that `fields` does not list (`unknown field
// "rol_id" (known: role_id)`) or whose value is neither null nor of the listed type (`field
// "role_id" must be an integer`; an integer is a JSON number without fraction or exponent).
// `where` prefixes the names of nested objects ("member_user."). A misspelt or mistyped field
// must not answer 200 and change nothing. An `object` that is not an object is left to the
// caller. Ok otherwise.
Status CheckFields(const value::Value& object, const std::vector<FieldSpec>& fields,
                   std::string_view where = "");

// ?page= and ?page_size=. Errors: "invalid_argument".
Result<registry::PageRequest> PageOf(const ServerRequest& request);

template <typename T, typename F>
ServerResponse ListResponse(const registry::Listing<T>& listing, F to_json) {
  value::Value items = value::Value::MakeArray();
  for (const T& item : listing.items) items.Append(to_json(item));
  ServerResponse response = JsonResponse(200, items);
  response.headers.emplace_back("X-Total-Count", std::to_string(listing.total));
  return response;
}

}  // namespace api_support

struct RegistryApi::Call {
  const ServerRequest& request;
  Caller caller;
  std::vector<std::string> parts;  // path segments after /api/v2.0
  std::string actor;

  bool sysadmin() const { return caller.kind == CallerKind::kUser && caller.sysadmin; }

  // The JSON object body. Errors: "invalid_argument".
  Result<value::Value> Body(std::size_t max_bytes) const;
};

}  // namespace gatehouse::adapters::registry_service
