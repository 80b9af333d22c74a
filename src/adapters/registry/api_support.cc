#include "adapters/registry/api_support.h"

#include <algorithm>
#include <charconv>
#include <utility>

#include "adapters/registry/registry_service_errors.h"
#include "common/codec/rfc3339.h"
#include "common/common_errors.h"
#include "registry/registry_errors.h"
#include "registry/store_errors.h"
#include "registry/token_response.h"

namespace gatehouse::adapters::registry_service {
namespace api_support {

using value::Value;

std::int64_t UnixSeconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

ServerResponse ApiError(int status, std::string_view code, std::string_view message) {
  ServerResponse response;
  response.status = status;
  response.body = registry::ErrorBodyJson(code, message);
  return response;
}

ServerResponse BadRequest(std::string_view message) {
  return ApiError(400, "BAD_REQUEST", message);
}

ServerResponse Forbidden(std::string_view message) { return ApiError(403, "FORBIDDEN", message); }

// A store or validation error as Harbor would answer it.
ServerResponse FromError(const Error& error) {
  if (error.code == CommonError::kNotFound) return ApiError(404, "NOT_FOUND", error.message);
  if (error.code == CommonError::kConflict) return ApiError(409, "CONFLICT", error.message);
  if (error.code == registry::StoreError::kConstraint) {
    return ApiError(409, "CONFLICT", "the change conflicts with a concurrent change; retry");
  }
  if (error.code == registry::StoreError::kPreconditionFailed)
    return ApiError(412, "PRECONDITION", error.message);
  if (error.code == registry::StoreError::kUnavailable) {
    return ApiError(503, "SERVICE_UNAVAILABLE", "the registry database is unavailable");
  }
  if (error.code == registry::StoreError::kFailed ||
      error.code == registry::RegistryError::kRandomFailed) {
    return ApiError(500, "INTERNAL_SERVER_ERROR", "the registry database failed");
  }
  if (error.code == RegistryServiceError::kUnauthorized)
    return ApiError(401, "UNAUTHORIZED", error.message);
  if (error.code == RegistryServiceError::kThrottled)
    return ApiError(429, "TOO_MANY_REQUESTS", error.message);
  return BadRequest(error.message);
}

ServerResponse Created(std::string location, const Value* body) {
  ServerResponse response;
  response.status = 201;
  if (body != nullptr) response.body = value::ToJson(*body);
  response.headers.emplace_back("Location", std::move(location));
  return response;
}

ServerResponse Empty(int status) {
  ServerResponse response;
  response.status = status;
  return response;
}

ServerResponse MethodNotAllowed(std::string allow) {
  ServerResponse response = ApiError(405, "METHOD_NOT_ALLOWED", "method not allowed");
  response.headers.emplace_back("Allow", std::move(allow));
  return response;
}

std::optional<std::int64_t> ParseId(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || end != text.data() + text.size() || n <= 0) return std::nullopt;
  return n;
}

bool IsPrintable(std::string_view text) {
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) return false;
  }
  return true;
}

Value TimeValue(std::int64_t unix_seconds) { return Value(codec::FormatRfc3339Utc(unix_seconds)); }

Value UserJson(const registry::User& user) {
  Value out = Value::MakeObject();
  out.Set("user_id", Value(user.id));
  out.Set("username", Value(user.username));
  out.Set("email", Value(user.email));
  out.Set("realname", Value(""));
  out.Set("comment", Value(""));
  out.Set("sysadmin_flag", Value(user.sysadmin));
  out.Set("admin_role_in_auth", Value(user.sysadmin));
  out.Set("creation_time", TimeValue(user.creation_time));
  out.Set("update_time", TimeValue(user.update_time));
  return out;
}

const std::string* StringField(const Value& body, std::string_view key) {
  const Value* field = body.Find(key);
  return field != nullptr ? field->AsString() : nullptr;
}

namespace {

bool HasType(const Value& value, FieldType type) {
  switch (type) {
    case FieldType::kString:
      return value.is_string();
    case FieldType::kBool:
      return value.is_bool();
    case FieldType::kInteger:
      return value.kind() == value::Kind::kInt;
    case FieldType::kArray:
      return value.is_array();
    case FieldType::kObject:
      return value.is_object();
  }
  return false;
}

std::string_view TypeWords(FieldType type) {
  switch (type) {
    case FieldType::kString:
      return "a string";
    case FieldType::kBool:
      return "true or false";
    case FieldType::kInteger:
      return "an integer";
    case FieldType::kArray:
      return "a list";
    case FieldType::kObject:
      return "an object";
  }
  return "valid";
}

// At most this much of an unknown key is echoed, printable characters only.
constexpr std::size_t kMaxEchoedKeyBytes = 64;

std::string EchoKey(std::string_view key) {
  std::string out;
  for (std::size_t i = 0; i < key.size() && i < kMaxEchoedKeyBytes; ++i) {
    const auto c = static_cast<unsigned char>(key[i]);
    out += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? key[i] : '?';
  }
  if (key.size() > kMaxEchoedKeyBytes) out += "...";
  return out;
}

}  // namespace

Status CheckFields(const Value& object, const std::vector<FieldSpec>& fields,
                   std::string_view where) {
  const value::Object* members = object.AsObject();
  if (members == nullptr) return Ok();
  for (const value::Member& member : *members) {
    auto spec = std::find_if(fields.begin(), fields.end(),
                             [&](const FieldSpec& f) { return f.name == member.key; });
    if (spec == fields.end()) {
      std::string known;
      for (const FieldSpec& field : fields) {
        known += (known.empty() ? "" : ", ") + std::string(field.name);
      }
      return MakeError(CommonError::kInvalidArgument, "unknown field \"" + std::string(where) +
                                                          EchoKey(member.key) +
                                                          "\" (known: " + known + ")");
    }
    if (!member.value.is_null() && !HasType(member.value, spec->type)) {
      return MakeError(CommonError::kInvalidArgument, "field \"" + std::string(where) +
                                                          std::string(spec->name) + "\" must be " +
                                                          std::string(TypeWords(spec->type)));
    }
  }
  return Ok();
}

// Harbor's public flag: `public: true` or `metadata: {public: "true"}`. nullopt when absent;

Result<registry::PageRequest> PageOf(const ServerRequest& request) {
  registry::PageRequest page;
  if (const std::string* text = request.FindQuery("page"); text != nullptr) {
    std::optional<std::int64_t> n = ParseId(*text);
    if (!n) return MakeError(CommonError::kInvalidArgument, "page must be a positive integer");
    page.page = *n;
  }
  if (const std::string* text = request.FindQuery("page_size"); text != nullptr) {
    std::optional<std::int64_t> n = ParseId(*text);
    if (!n || *n > registry::kMaxPageSize) {
      return MakeError(CommonError::kInvalidArgument,
                       "page_size must be 1.." + std::to_string(registry::kMaxPageSize));
    }
    page.page_size = *n;
  }
  return page;
}

}  // namespace api_support

using value::Value;

Result<Value> RegistryApi::Call::Body(std::size_t max_bytes) const {
  if (request.body.size() > max_bytes) {
    return MakeError(CommonError::kInvalidArgument, "the request body is too large");
  }
  value::JsonLimits limits;
  limits.max_bytes = max_bytes;
  limits.max_depth = 16;
  Result<Value> body = value::ParseJson(request.body, limits);
  if (!body) return MakeError(CommonError::kInvalidArgument, "the request body is not valid JSON");
  if (!body->is_object()) {
    return MakeError(CommonError::kInvalidArgument, "the request body must be an object");
  }
  return body;
}

}  // namespace gatehouse::adapters::registry_service
