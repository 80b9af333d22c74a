// The people's endpoints of RegistryApi: /users/current, its personal access tokens, and the
// administrators' /users listing and re-link.
#include <optional>
#include <string>
#include <utility>

#include "adapters/registry/access_tokens.h"
#include "adapters/registry/api_support.h"
#include "adapters/registry/registry_api.h"
#include "common/common_errors.h"

namespace gatehouse::adapters::registry_service {
namespace {

// The API's shared response helpers (api_support.h), used throughout this file.
using namespace api_support;  // NOLINT(google-build-using-namespace)
using value::Value;

constexpr std::size_t kMaxIdentityBytes = 1024;

// Never the hash: a listing shows what a person needs to recognise and revoke a token.
Value AccessTokenJson(const registry::PersonalAccessToken& token) {
  Value out = Value::MakeObject();
  out.Set("id", Value(token.id));
  out.Set("name", Value(token.name));
  out.Set("expires_at", Value(token.expires_at));
  out.Set("creation_time", TimeValue(token.creation_time));
  out.Set("last_used", token.last_used == 0 ? Value() : TimeValue(token.last_used));
  return out;
}

Value AdminUserJson(const registry::User& user) {
  Value out = UserJson(user);
  out.Set("issuer", Value(user.issuer));
  out.Set("subject", Value(user.subject));
  return out;
}

// issuer or subject of a re-link: 1..1024 printable bytes.
const std::string* IdentityField(const Value& body, std::string_view key) {
  const std::string* text = StringField(body, key);
  if (text == nullptr || text->empty() || text->size() > kMaxIdentityBytes || !IsPrintable(*text)) {
    return nullptr;
  }
  return text;
}

}  // namespace

ServerResponse RegistryApi::CurrentUser(Call& call) {
  if (call.request.method != "GET") return MethodNotAllowed("GET");
  if (call.caller.kind != CallerKind::kUser) {
    return Forbidden("robot accounts have no user profile");
  }
  Result<registry::User> user = store_.LoadUserById(call.caller.user_id);
  if (!user) return FromError(user.error());
  Value body = UserJson(*user);
  body.Set("sysadmin_flag", Value(call.caller.sysadmin));
  body.Set("admin_role_in_auth", Value(call.caller.sysadmin));
  return JsonResponse(200, body);
}

ServerResponse RegistryApi::AccessTokens(Call& call) {
  if (call.caller.kind != CallerKind::kUser) {
    return Forbidden("robot accounts have no access tokens");
  }
  const std::string& method = call.request.method;
  if (method == "GET") return TokensOf(call.caller.user_id);
  if (method != "POST") return MethodNotAllowed("GET, POST");
  if (call.caller.credential != CallerCredential::kIdToken) {
    return Forbidden("access tokens are created only when signed in with an identity token");
  }
  Result<Value> body = call.Body(options_.max_body_bytes);
  if (!body) return FromError(body.error());
  AccessTokenRequest request;
  request.user_id = call.caller.user_id;
  request.groups = call.caller.groups;
  const std::string* name = StringField(*body, "name");
  if (name == nullptr) return BadRequest("name is required");
  request.name = *name;
  if (const Value* days = body->Find("expires_days"); days != nullptr && !days->is_null()) {
    std::optional<std::int64_t> n = days->AsInt();
    if (!n) return BadRequest("expires_days must be -1 (never) or a number of days");
    request.expires_days = *n;
  }
  Result<IssuedAccessToken> issued =
      IssueAccessToken(store_, call.actor, request, UnixSeconds(clock_.Now()), options_.hashing);
  if (!issued) return FromError(issued.error());
  Value out = Value::MakeObject();
  out.Set("id", Value(issued->token.id));
  out.Set("name", Value(issued->token.name));
  out.Set("secret", Value(issued->secret));
  out.Set("expires_at", Value(issued->token.expires_at));
  out.Set("creation_time", TimeValue(issued->token.creation_time));
  return Created(
      std::string(kApiPrefix) + "/users/current/tokens/" + std::to_string(issued->token.id), &out);
}

ServerResponse RegistryApi::AccessToken(Call& call, const std::string& id_text) {
  if (call.caller.kind != CallerKind::kUser) {
    return Forbidden("robot accounts have no access tokens");
  }
  if (call.request.method != "DELETE") return MethodNotAllowed("DELETE");
  return RevokeTokenOf(call, call.caller.user_id, call.caller.name, id_text);
}

ServerResponse RegistryApi::TokensOf(std::int64_t user_id) {
  Result<std::vector<registry::PersonalAccessToken>> tokens = store_.ListAccessTokens(user_id);
  if (!tokens) return FromError(tokens.error());
  registry::Listing<registry::PersonalAccessToken> listing;
  listing.total = static_cast<std::int64_t>(tokens->size());
  listing.items = std::move(tokens).value();
  return ListResponse(listing, AccessTokenJson);
}

ServerResponse RegistryApi::RevokeTokenOf(Call& call, std::int64_t user_id,
                                          const std::string& username, const std::string& id_text) {
  std::optional<std::int64_t> id = ParseId(id_text);
  if (!id) return ApiError(404, "NOT_FOUND", "no such access token");
  Result<registry::PersonalAccessToken> token = store_.LoadAccessTokenById(*id);
  // Someone else's token answers as a missing one: ids are not a way to probe other people.
  if (!token && token.error().code != CommonError::kNotFound) return FromError(token.error());
  if (!token || token->user_id != user_id) {
    return ApiError(404, "NOT_FOUND", "no such access token");
  }
  Status revoked = store_.RevokeAccessToken(call.actor, *id);
  if (!revoked &&
      revoked.error().code == CommonError::kNotFound) {  // revoked meanwhile: the same answer
    return ApiError(404, "NOT_FOUND", "no such access token");
  }
  if (!revoked) return FromError(revoked.error());
  cache_.Invalidate(username);
  return Empty();
}

ServerResponse RegistryApi::User(Call& call, const std::string& id_text,
                                 const std::string* token_id) {
  if (!call.sysadmin()) return Forbidden("only system administrators may do this");
  std::optional<std::int64_t> id = ParseId(id_text);
  if (!id) return ApiError(404, "NOT_FOUND", "no such user");
  Result<registry::User> user = store_.LoadUserById(*id);
  if (!user) return FromError(user.error());
  const std::string& method = call.request.method;
  if (token_id != nullptr) {
    if (method != "DELETE") return MethodNotAllowed("DELETE");
    return RevokeTokenOf(call, user->id, user->username, *token_id);
  }
  if (method == "GET") return JsonResponse(200, AdminUserJson(*user));
  if (method != "DELETE") return MethodNotAllowed("GET, DELETE");
  // With its tokens and user memberships (RegistryStore::DeleteUser): someone who left stops
  // reaching anything at once.
  Status deleted = store_.DeleteUser(call.actor, user->id);
  if (!deleted) return FromError(deleted.error());
  cache_.Invalidate(user->username);
  return Empty();
}

ServerResponse RegistryApi::UserTokens(Call& call, const std::string& id_text) {
  if (!call.sysadmin()) return Forbidden("only system administrators may do this");
  if (call.request.method != "GET") return MethodNotAllowed("GET");
  std::optional<std::int64_t> id = ParseId(id_text);
  if (!id) return ApiError(404, "NOT_FOUND", "no such user");
  Result<registry::User> user = store_.LoadUserById(*id);
  if (!user) return FromError(user.error());
  return TokensOf(user->id);
}

ServerResponse RegistryApi::Users(Call& call) {
  if (!call.sysadmin()) return Forbidden("only system administrators may do this");
  if (call.request.method != "GET") return MethodNotAllowed("GET");
  Result<registry::PageRequest> page = PageOf(call.request);
  if (!page) return FromError(page.error());
  Result<registry::Listing<registry::User>> listing = store_.ListUsers(*page);
  if (!listing) return FromError(listing.error());
  return ListResponse(*listing, AdminUserJson);
}

ServerResponse RegistryApi::RelinkUser(Call& call, const std::string& id_text) {
  if (!call.sysadmin()) return Forbidden("only system administrators may do this");
  if (call.request.method != "PUT") return MethodNotAllowed("PUT");
  std::optional<std::int64_t> id = ParseId(id_text);
  if (!id) return ApiError(404, "NOT_FOUND", "no such user");
  Result<Value> body = call.Body(options_.max_body_bytes);
  if (!body) return FromError(body.error());
  const std::string* issuer = IdentityField(*body, "issuer");
  const std::string* subject = IdentityField(*body, "subject");
  if (issuer == nullptr || subject == nullptr) {
    return BadRequest("issuer and subject must be 1..1024 printable characters");
  }
  Result<registry::User> user = store_.LoadUserById(*id);
  if (!user) return FromError(user.error());
  Result<registry::User> relinked =
      store_.RelinkUser(call.actor, user->username, *issuer, *subject);
  if (!relinked) return FromError(relinked.error());
  return JsonResponse(200, AdminUserJson(*relinked));
}

}  // namespace gatehouse::adapters::registry_service
