#include "adapters/registry/registry_api.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "adapters/registry/api_support.h"
#include "adapters/registry/robot_accounts.h"
#include "common/common_errors.h"
#include "registry/names.h"
#include "registry/token_response.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::adapters::registry_service {
namespace {

// The API's shared response helpers (api_support.h), used throughout this file.
using namespace api_support;  // NOLINT(google-build-using-namespace)
using value::Value;

constexpr std::size_t kMaxEntityNameBytes = 255;
constexpr std::size_t kMaxDescriptionBytes = 1024;

// The fields of Harbor's request bodies (api/v2.0/swagger.yaml). Fields Harbor defines that we
// do not keep (the read-only ones a client echoes from a GET, member_user.user_id, ...) are
// accepted; a field no Harbor body has is refused (CheckFields).
const std::vector<FieldSpec>& RobotCreateFields() {  // RobotCreate
  static const std::vector<FieldSpec> fields = {
      {"name", FieldType::kString},      {"description", FieldType::kString},
      {"secret", FieldType::kString},    {"level", FieldType::kString},
      {"disable", FieldType::kBool},     {"duration", FieldType::kInteger},
      {"permissions", FieldType::kArray}};
  return fields;
}
const std::vector<FieldSpec>& RobotFields() {  // Robot, the body of PUT /robots/{id}
  static const std::vector<FieldSpec> fields = {
      {"id", FieldType::kInteger},           {"name", FieldType::kString},
      {"description", FieldType::kString},   {"secret", FieldType::kString},
      {"level", FieldType::kString},         {"duration", FieldType::kInteger},
      {"editable", FieldType::kBool},        {"disable", FieldType::kBool},
      {"expires_at", FieldType::kInteger},   {"permissions", FieldType::kArray},
      {"creator_type", FieldType::kString},  {"creator_ref", FieldType::kInteger},
      {"creation_time", FieldType::kString}, {"update_time", FieldType::kString}};
  return fields;
}
const std::vector<FieldSpec>& RobotPermissionFields() {  // RobotPermission
  static const std::vector<FieldSpec> fields = {{"kind", FieldType::kString},
                                                {"namespace", FieldType::kString},
                                                {"access", FieldType::kArray}};
  return fields;
}
const std::vector<FieldSpec>& AccessFields() {  // Access
  static const std::vector<FieldSpec> fields = {{"resource", FieldType::kString},
                                                {"action", FieldType::kString},
                                                {"effect", FieldType::kString}};
  return fields;
}
const std::vector<FieldSpec>& RobotSecretFields() {  // RobotSec, the body of PATCH
  static const std::vector<FieldSpec> fields = {{"secret", FieldType::kString}};
  return fields;
}
const std::vector<FieldSpec>& RoleRequestFields() {  // RoleRequest, PUT .../members/{mid}
  static const std::vector<FieldSpec> fields = {{"role_id", FieldType::kInteger}};
  return fields;
}
const std::vector<FieldSpec>& ProjectMemberFields() {  // ProjectMember, POST .../members
  static const std::vector<FieldSpec> fields = {{"role_id", FieldType::kInteger},
                                                {"member_user", FieldType::kObject},
                                                {"member_group", FieldType::kObject}};
  return fields;
}
const std::vector<FieldSpec>& UserEntityFields() {  // UserEntity
  static const std::vector<FieldSpec> fields = {{"user_id", FieldType::kInteger},
                                                {"username", FieldType::kString}};
  return fields;
}
const std::vector<FieldSpec>& UserGroupFields() {  // UserGroup
  static const std::vector<FieldSpec> fields = {{"id", FieldType::kInteger},
                                                {"group_name", FieldType::kString},
                                                {"group_type", FieldType::kInteger},
                                                {"ldap_group_dn", FieldType::kString}};
  return fields;
}

// Answers that must not tell whether something exists. Each is one fixed text (or one built
// from the request alone), so a missing object and one hidden from the caller answer byte for
// byte alike: status, headers and body.
constexpr std::string_view kNoSuchRobot = "no such robot account";
constexpr std::string_view kNoSuchMember = "no such member";

ServerResponse NoSuchRobot() { return ApiError(404, "NOT_FOUND", kNoSuchRobot); }
ServerResponse NoSuchMember() { return ApiError(404, "NOT_FOUND", kNoSuchMember); }

// A store failure of an operation on a robot or a member; "not_found" (also when the object
// went away meanwhile) is the fixed answer above, never the store's message.
ServerResponse RobotError(const Error& error) {
  return error.code == CommonError::kNotFound ? NoSuchRobot() : FromError(error);
}
ServerResponse MemberError(const Error& error) {
  return error.code == CommonError::kNotFound ? NoSuchMember() : FromError(error);
}

constexpr char kSysadminOnlyMessage[] = "only system administrators may do this";
constexpr char kAccessTokenReadOnlyMessage[] =
    "changes need a login through the identity provider, not a personal access token";

// What /projects/{p} asks of the caller; another method asks only to see the project (and then
// answers 405).
// What /robots/{id} asks of the caller about the robot's project.
registry::ProjectAction RobotActionOf(std::string_view method) {
  if (method == "GET" || method == "HEAD") return registry::ProjectAction::kReadRobot;
  return registry::ProjectAction::kManageRobot;
}

registry::ProjectAction ProjectActionOf(std::string_view method) {
  if (method == "PUT") return registry::ProjectAction::kUpdateProject;
  if (method == "DELETE") return registry::ProjectAction::kDeleteProject;
  return registry::ProjectAction::kReadProject;
}

// "project \"team-a\" not found", from the name the caller gave.
std::string NamedProjectNotFound(std::string_view name) {
  return "project \"" + std::string(name) + "\" not found";
}

// A store failure loading a project; "not_found" answers `not_found_message`, the same text a
// project hidden from the caller answers.
ServerResponse ProjectError(const Error& error, std::string_view not_found_message) {
  return error.code == CommonError::kNotFound ? ApiError(404, "NOT_FOUND", not_found_message)
                                              : FromError(error);
}

std::vector<std::string> SplitPath(std::string_view path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    std::size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > start) parts.emplace_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

Value ProjectJson(const registry::Project& project) {
  Value out = Value::MakeObject();
  out.Set("project_id", Value(project.id));
  out.Set("name", Value(project.name));
  out.Set("owner_id", Value(0));
  out.Set("owner_name", Value(""));
  out.Set("registry_id", Value(0));
  out.Set("creation_time", TimeValue(project.creation_time));
  out.Set("update_time", TimeValue(project.update_time));
  out.Set("deleted", Value(false));
  out.Set("togglable", Value(true));
  out.Set("repo_count", Value(0));
  Value metadata = Value::MakeObject();
  metadata.Set("public", Value(project.is_public ? "true" : "false"));
  out.Set("metadata", std::move(metadata));
  return out;
}

Value MemberJson(const registry::Member& member) {
  Value out = Value::MakeObject();
  out.Set("id", Value(member.id));
  out.Set("project_id", Value(member.project_id));
  out.Set("entity_name", Value(member.entity_name));
  out.Set("entity_type", Value(member.kind == registry::MemberKind::kUser ? "u" : "g"));
  out.Set("entity_id", Value(0));
  out.Set("role_id", Value(static_cast<std::int64_t>(member.role)));
  out.Set("role_name", Value(std::string(registry::RoleName(member.role))));
  return out;
}

std::int64_t DurationDays(const registry::Robot& robot) {
  if (robot.expires_at == registry::kNever) return -1;
  const std::int64_t seconds = robot.expires_at - robot.creation_time;
  return std::max<std::int64_t>(1, (seconds + 86399) / 86400);
}

Value RobotJson(const registry::Robot& robot, std::string_view prefix) {
  Value out = Value::MakeObject();
  out.Set("id", Value(robot.id));
  out.Set("name", Value(registry::RobotLoginName(prefix, robot.name)));
  out.Set("description", Value(robot.description));
  out.Set("level", Value(robot.level == registry::RobotLevel::kProject ? "project" : "system"));
  out.Set("duration", Value(DurationDays(robot)));
  out.Set("editable", Value(true));
  out.Set("disable", Value(robot.disabled));
  out.Set("expires_at", Value(robot.expires_at));
  Value permissions = Value::MakeArray();
  for (const registry::RobotPermission& permission : robot.permissions) {
    Value item = Value::MakeObject();
    item.Set("kind", Value("project"));
    item.Set("namespace", Value(permission.project));
    Value access = Value::MakeArray();
    for (const std::string& action : permission.actions) {
      Value entry = Value::MakeObject();
      entry.Set("resource", Value("repository"));
      entry.Set("action", Value(action));
      entry.Set("effect", Value("allow"));
      access.Append(std::move(entry));
    }
    item.Set("access", std::move(access));
    permissions.Append(std::move(item));
  }
  out.Set("permissions", std::move(permissions));
  out.Set("creation_time", TimeValue(robot.creation_time));
  out.Set("update_time", TimeValue(robot.update_time));
  return out;
}

// an error when present but not a boolean.
Result<std::optional<bool>> PublicFlag(const Value& body) {
  if (const Value* flag = body.Find("public"); flag != nullptr && !flag->is_null()) {
    if (!flag->is_bool())
      return MakeError(CommonError::kInvalidArgument, "public must be true or false");
    return std::optional<bool>(*flag->AsBool());
  }
  if (const Value* metadata = body.Find("metadata"); metadata != nullptr && !metadata->is_null()) {
    if (!metadata->is_object())
      return MakeError(CommonError::kInvalidArgument, "metadata must be an object");
    if (const Value* flag = metadata->Find("public"); flag != nullptr) {
      if (flag->is_bool()) return std::optional<bool>(*flag->AsBool());
      const std::string* text = flag->AsString();
      if (text != nullptr && (*text == "true" || *text == "false")) {
        return std::optional<bool>(*text == "true");
      }
      return MakeError(CommonError::kInvalidArgument,
                       "metadata.public must be \"true\" or \"false\"");
    }
  }
  return std::optional<bool>();
}

// Harbor's role_id: an integer (CheckFields refuses "1" or "guest"; a role a client meant to
// change must not be read loosely).
Result<registry::Role> RoleField(const Value& body) {
  const Value* role = body.Find("role_id");
  if (role == nullptr || role->is_null()) {
    return MakeError(CommonError::kInvalidArgument, "role_id is required");
  }
  std::optional<registry::Role> parsed;
  if (std::optional<std::int64_t> id = role->AsInt();
      role->kind() == value::Kind::kInt && id && *id >= 1 && *id <= 5) {
    parsed = registry::ParseRole(std::to_string(*id));
  }
  if (!parsed) {
    return MakeError(CommonError::kInvalidArgument,
                     "role_id must be 1 (projectAdmin), 2 (developer), 3 (guest), 4 (maintainer) "
                     "or 5 (limitedGuest)");
  }
  return *parsed;
}

// The repository actions of one Harbor permission's `access` list. Other resources (artifact,
// tag, ...) that Harbor's UI sends along are ignored: only repository actions reach a registry.
Result<std::vector<std::string>> PermissionActions(const Value& permission) {
  const Value* access = permission.Find("access");
  if (access == nullptr || !access->is_array()) {
    return MakeError(CommonError::kInvalidArgument, "a permission needs an access list");
  }
  std::vector<std::string> actions;
  for (const Value& entry : *access->AsArray()) {
    if (!entry.is_object())
      return MakeError(CommonError::kInvalidArgument, "access entries must be objects");
    if (Status known = CheckFields(entry, AccessFields(), "permissions.access."); !known) {
      return known.error();
    }
    const std::string* resource = StringField(entry, "resource");
    const std::string* action = StringField(entry, "action");
    const std::string* effect = StringField(entry, "effect");
    if (action == nullptr)
      return MakeError(CommonError::kInvalidArgument, "an access entry needs an action");
    // A deny cannot be honoured by a token that lists what is allowed; dropping it silently
    // would widen the robot's access, so it is refused.
    if (effect != nullptr && *effect != "allow") {
      return MakeError(CommonError::kInvalidArgument,
                       "only access entries with effect \"allow\" are supported");
    }
    if (resource != nullptr && *resource != "repository") continue;
    if (*action != "pull" && *action != "push" && *action != "delete" && *action != "*") {
      return MakeError(CommonError::kInvalidArgument,
                       "repository actions are pull, push, delete or *");
    }
    if (std::find(actions.begin(), actions.end(), *action) == actions.end()) {
      actions.push_back(*action);
    }
  }
  // push implies pull (Harbor's filterRobotPolicies); stored explicitly so listings say so.
  if (std::find(actions.begin(), actions.end(), "push") != actions.end() &&
      std::find(actions.begin(), actions.end(), "pull") == actions.end()) {
    actions.insert(actions.begin(), "pull");
  }
  if (actions.empty()) {
    return MakeError(CommonError::kInvalidArgument,
                     "a permission needs at least one repository action");
  }
  return actions;
}

Result<std::vector<registry::RobotPermission>> ParsePermissions(const Value& body) {
  const Value* permissions = body.Find("permissions");
  if (permissions == nullptr || !permissions->is_array() || permissions->AsArray()->empty()) {
    return MakeError(CommonError::kInvalidArgument, "permissions must be a non-empty list");
  }
  if (permissions->AsArray()->size() > 256) {
    return MakeError(CommonError::kInvalidArgument, "too many permissions");
  }
  std::vector<registry::RobotPermission> out;
  for (const Value& permission : *permissions->AsArray()) {
    if (!permission.is_object()) {
      return MakeError(CommonError::kInvalidArgument, "permissions must be objects");
    }
    if (Status known = CheckFields(permission, RobotPermissionFields(), "permissions."); !known) {
      return known.error();
    }
    const std::string* kind = StringField(permission, "kind");
    const std::string* ns = StringField(permission, "namespace");
    if (kind != nullptr && *kind != "project") {
      return MakeError(CommonError::kInvalidArgument,
                       "only permissions of kind \"project\" are supported");
    }
    if (ns == nullptr)
      return MakeError(CommonError::kInvalidArgument, "a permission needs a namespace");
    if (*ns != "*") {
      if (Status valid = registry::ValidateProjectName(*ns); !valid) return valid.error();
    }
    Result<std::vector<std::string>> actions = PermissionActions(permission);
    if (!actions) return actions.error();
    out.push_back({*ns, std::move(actions).value()});
  }
  return out;
}

Result<std::optional<std::int64_t>> DurationField(const Value& body) {
  const Value* duration = body.Find("duration");
  if (duration == nullptr || duration->is_null()) return std::optional<std::int64_t>();
  std::optional<std::int64_t> days = duration->AsInt();
  if (!days || (*days != -1 && (*days <= 0 || *days > kMaxRobotDays))) {
    return MakeError(CommonError::kInvalidArgument, "duration must be -1 (never) or 1.." +
                                                        std::to_string(kMaxRobotDays) + " days");
  }
  return std::optional<std::int64_t>(*days);
}

// The body of PUT /robots/{id} (Harbor's Robot) as a change to `robot`: only the fields given
// are set, so the store merges the rest inside its transaction (RobotUpdate). name and level,
// when given, must be as GET returns them (Harbor: "cannot update the level or name of robot");
// a secret is changed by PATCH, so a non-empty one here is refused rather than ignored; the
// other read-only fields are ignored. Errors: "invalid_argument" naming the field.
Result<registry::RobotUpdate> DecodeRobotUpdate(const Value& body, const registry::Robot& robot,
                                                std::string_view prefix) {
  if (Status known = CheckFields(body, RobotFields()); !known) return known.error();
  const std::string* name = StringField(body, "name");
  const std::string* level = StringField(body, "level");
  const std::string_view robot_level =
      robot.level == registry::RobotLevel::kProject ? "project" : "system";
  if ((name != nullptr && *name != registry::RobotLoginName(prefix, robot.name)) ||
      (level != nullptr && *level != robot_level)) {
    return MakeError(CommonError::kInvalidArgument, "cannot update the level or name of robot");
  }
  if (const std::string* secret = StringField(body, "secret");
      secret != nullptr && !secret->empty()) {
    return MakeError(CommonError::kInvalidArgument,
                     "a robot's secret is changed with PATCH /robots/{id}, not PUT");
  }
  registry::RobotUpdate update;
  if (const std::string* description = StringField(body, "description")) {
    if (description->size() > kMaxDescriptionBytes) {
      return MakeError(CommonError::kInvalidArgument, "description is too long");
    }
    update.description = *description;
  }
  if (const Value* disable = body.Find("disable"); disable != nullptr && !disable->is_null()) {
    update.disabled = *disable->AsBool();
  }
  Result<std::optional<std::int64_t>> duration = DurationField(body);
  if (!duration) return duration.error();
  if (duration->has_value()) {
    // Harbor counts the days from the creation time, which never changes.
    update.expires_at =
        **duration == -1 ? registry::kNever : robot.creation_time + **duration * 86400;
  }
  if (const Value* permissions = body.Find("permissions");
      permissions != nullptr && !permissions->is_null()) {
    Result<std::vector<registry::RobotPermission>> parsed = ParsePermissions(body);
    if (!parsed) return parsed.error();
    update.permissions = std::move(parsed).value();
  }
  return update;
}

}  // namespace

RegistryApi::RegistryApi(RegistryApiOptions options, registry::RegistryStore& store,
                         CallerAuthenticator& authenticator, registry::VerifiedSecretCache& cache,
                         const Clock& clock)
    : options_(std::move(options)),
      store_(store),
      authenticator_(authenticator),
      cache_(cache),
      clock_(clock) {}

ServerResponse RegistryApi::Handle(const ServerRequest& request) {
  const std::string_view path = request.path;
  const std::string_view prefix = kApiPrefix;
  if (path.substr(0, prefix.size()) != prefix ||
      (path.size() > prefix.size() && path[prefix.size()] != '/')) {
    return ApiError(404, "NOT_FOUND", "no such API endpoint");
  }
  Result<Caller> caller = authenticator_.Authenticate(request);
  if (!caller) {
    ServerResponse response = FromError(caller.error());
    if (response.status == 401) {
      response.headers.emplace_back("WWW-Authenticate",
                                    registry::TokenEndpointChallenge(options_.challenge_realm));
    } else if (response.status == 429) {
      response.headers.emplace_back("Retry-After",
                                    std::to_string(authenticator_.throttle_retry_after().count()));
      response.delay = authenticator_.options().throttled_answer_delay;
    }
    return response;
  }
  Call call{request, std::move(caller).value(), SplitPath(path.substr(prefix.size())), ""};
  call.actor = call.caller.name;
  if (call.caller.kind == CallerKind::kAnonymous) {
    ServerResponse response = ApiError(401, "UNAUTHORIZED", "authentication required");
    response.headers.emplace_back("WWW-Authenticate",
                                  registry::TokenEndpointChallenge(options_.challenge_realm));
    return response;
  }
  const std::vector<std::string>& p = call.parts;
  if (p.size() >= 2 && p[0] == "users" && p[1] == "current") {
    if (p.size() == 2) return CurrentUser(call);
    if (p.size() == 3 && p[2] == "tokens") return AccessTokens(call);
    if (p.size() == 4 && p[2] == "tokens") return AccessToken(call, p[3]);
    return ApiError(404, "NOT_FOUND", "no such API endpoint");
  }
  if (call.caller.kind != CallerKind::kUser) {
    return Forbidden("robot accounts may only read /users/current");
  }
  // A personal access token is a registry password: it reads, but every change (members,
  // robots and their secrets, projects) needs a login through the identity provider, so a
  // leaked token cannot mint credentials that outlive its revocation.
  if (call.caller.credential == CallerCredential::kAccessToken && call.request.method != "GET" &&
      call.request.method != "HEAD") {
    return Forbidden(kAccessTokenReadOnlyMessage);
  }
  return Route(call);
}

ServerResponse RegistryApi::Route(Call& call) {
  const std::vector<std::string>& p = call.parts;
  if (!p.empty() && p[0] == "projects") {
    if (p.size() == 1) return Projects(call);
    if (p.size() == 2) return Project(call, p[1]);
    if (p.size() == 3 && p[2] == "members") return Members(call, p[1]);
    if (p.size() == 4 && p[2] == "members") return Member(call, p[1], p[3]);
  }
  if (!p.empty() && p[0] == "robots") {
    if (p.size() == 1) return Robots(call);
    if (p.size() == 2) return Robot(call, p[1]);
  }
  if (!p.empty() && p[0] == "users") {
    if (p.size() == 1) return Users(call);
    if (p.size() == 2) return User(call, p[1], nullptr);
    if (p.size() == 3 && p[2] == "relink") return RelinkUser(call, p[1]);
    if (p.size() == 3 && p[2] == "tokens") return UserTokens(call, p[1]);
    if (p.size() == 4 && p[2] == "tokens") return User(call, p[1], &p[3]);
  }
  return ApiError(404, "NOT_FOUND", "no such API endpoint");
}

std::optional<ServerResponse> RegistryApi::Refusal(const Call& call,
                                                   const registry::Project& project,
                                                   registry::ProjectAction action,
                                                   std::string_view hidden_message) {
  registry::ApiCaller caller;
  switch (call.caller.kind) {
    case CallerKind::kAnonymous:
      caller.kind = registry::PrincipalKind::kAnonymous;
      break;
    case CallerKind::kUser:
      caller.kind = registry::PrincipalKind::kUser;
      break;
    case CallerKind::kRobot:
      caller.kind = registry::PrincipalKind::kRobot;
      break;
  }
  caller.sysadmin = call.sysadmin();
  caller.access_token = call.caller.credential == CallerCredential::kAccessToken;
  // Roles matter only to a person who is not an administrator; nobody else costs a query.
  if (caller.kind == registry::PrincipalKind::kUser && !caller.sysadmin) {
    Result<std::vector<registry::ProjectRoles>> access =
        store_.LoadProjectAccess(call.caller.name, call.caller.groups, {project.name});
    if (!access) return FromError(access.error());
    if (!access->empty()) caller.roles = access->front().roles;
  }
  const registry::PermissionDecision decision = registry::DecideProjectAction(
      caller, registry::ProjectFacts{true, project.is_public}, action);
  switch (decision.outcome) {
    case registry::PermissionOutcome::kAllow:
      return std::nullopt;
    case registry::PermissionOutcome::kNotFound:
      return ApiError(404, "NOT_FOUND", hidden_message);
    case registry::PermissionOutcome::kUnauthorized: {
      ServerResponse response = ApiError(401, "UNAUTHORIZED", "authentication required");
      response.headers.emplace_back("WWW-Authenticate",
                                    registry::TokenEndpointChallenge(options_.challenge_realm));
      return response;
    }
    case registry::PermissionOutcome::kForbidden:
      break;
  }
  switch (decision.reason) {
    case registry::RefusalReason::kRobot:
      return Forbidden("robot accounts may not do this");
    case registry::RefusalReason::kAccessTokenReadOnly:
      return Forbidden(kAccessTokenReadOnlyMessage);
    case registry::RefusalReason::kNotMember:
      return Forbidden("only members of project " + project.name + " may do this");
    case registry::RefusalReason::kNotProjectAdmin:
      return Forbidden("only a projectAdmin of project " + project.name + " may do this");
    case registry::RefusalReason::kSysadminOnly:
      return Forbidden(kSysadminOnlyMessage);
    case registry::RefusalReason::kNone:
    case registry::RefusalReason::kNotSignedIn:
    case registry::RefusalReason::kHidden:
      break;
  }
  return Forbidden("not allowed");
}

namespace {

// The id a project reference names: digits, unless X-Is-Resource-Name: true says it is a name.
std::optional<std::int64_t> ProjectIdOf(const ServerRequest& request, const std::string& ref) {
  const std::string* by_name = request.FindHeader("X-Is-Resource-Name");
  if (by_name != nullptr && *by_name == "true") return std::nullopt;
  return ParseId(ref);
}

// A project by id or by name (ProjectIdOf).
Result<registry::Project> ResolveProject(registry::ProjectStore& store,
                                         const ServerRequest& request, const std::string& ref) {
  if (std::optional<std::int64_t> id = ProjectIdOf(request, ref)) return store.LoadProjectById(*id);
  if (Status valid = registry::ValidateProjectName(ref); !valid) return valid.error();
  return store.LoadProject(ref);
}

// What a project reference the caller may not know of answers, missing or hidden alike: built
// from the reference alone, never from a stored project.
std::string ProjectNotFound(const ServerRequest& request, const std::string& ref) {
  if (std::optional<std::int64_t> id = ProjectIdOf(request, ref)) {
    return "project " + std::to_string(*id) + " not found";
  }
  return NamedProjectNotFound(ref);
}

ServerResponse SysadminOnly() { return Forbidden(kSysadminOnlyMessage); }

}  // namespace

std::variant<registry::Project, ServerResponse> RegistryApi::ProjectFor(
    Call& call, const std::string& ref, registry::ProjectAction action) {
  const std::string not_found = ProjectNotFound(call.request, ref);
  Result<registry::Project> project = ResolveProject(store_, call.request, ref);
  if (!project) return ProjectError(project.error(), not_found);
  if (std::optional<ServerResponse> refused = Refusal(call, *project, action, not_found)) {
    return *std::move(refused);
  }
  return *std::move(project);
}

ServerResponse RegistryApi::Projects(Call& call) {
  const ServerRequest& request = call.request;
  if (request.method == "HEAD") {
    const std::string* name = request.FindQuery("project_name");
    if (name == nullptr) return BadRequest("project_name is required");
    if (Status valid = registry::ValidateProjectName(*name); !valid)
      return FromError(valid.error());
    Result<registry::Project> project = store_.LoadProject(*name);
    if (!project) return ProjectError(project.error(), NamedProjectNotFound(*name));
    if (std::optional<ServerResponse> refused = Refusal(
            call, *project, registry::ProjectAction::kReadProject, NamedProjectNotFound(*name))) {
      return *refused;
    }
    return Empty();
  }
  if (request.method == "GET") {
    registry::ProjectFilter filter;
    Result<registry::PageRequest> page = PageOf(request);
    if (!page) return FromError(page.error());
    filter.page = *page;
    if (const std::string* name = request.FindQuery("name"); name != nullptr) {
      if (name->size() > registry::kMaxProjectNameBytes || !IsPrintable(*name)) {
        return BadRequest("name is not a valid filter");
      }
      filter.name_contains = *name;
    }
    if (const std::string* flag = request.FindQuery("public"); flag != nullptr) {
      if (*flag != "true" && *flag != "false") return BadRequest("public must be true or false");
      filter.is_public = *flag == "true";
    }
    if (!call.sysadmin())
      filter.visible_to = registry::ProjectViewer{call.caller.name, call.caller.groups};
    Result<registry::Listing<registry::Project>> listing = store_.ListProjects(filter);
    if (!listing) return FromError(listing.error());
    return ListResponse(*listing, ProjectJson);
  }
  if (request.method == "POST") {
    if (!call.sysadmin()) return SysadminOnly();
    Result<Value> body = call.Body(options_.max_body_bytes);
    if (!body) return FromError(body.error());
    const std::string* name = StringField(*body, "project_name");
    if (name == nullptr) return BadRequest("project_name is required");
    if (Status valid = registry::ValidateProjectName(*name); !valid)
      return FromError(valid.error());
    Result<std::optional<bool>> is_public = PublicFlag(*body);
    if (!is_public) return FromError(is_public.error());
    Result<registry::Project> created =
        store_.CreateProject(call.actor, *name, is_public->value_or(false));
    if (!created) return FromError(created.error());
    return Created(std::string(kApiPrefix) + "/projects/" + std::to_string(created->id));
  }
  return MethodNotAllowed("GET, HEAD, POST");
}

ServerResponse RegistryApi::Project(Call& call, const std::string& ref) {
  const std::string& method = call.request.method;
  auto found = ProjectFor(call, ref, ProjectActionOf(method));
  if (auto* refused = std::get_if<ServerResponse>(&found)) return std::move(*refused);
  const registry::Project* project = &std::get<registry::Project>(found);
  if (method == "GET" || method == "HEAD") return JsonResponse(200, ProjectJson(*project));
  if (method == "PUT") {
    Result<Value> body = call.Body(options_.max_body_bytes);
    if (!body) return FromError(body.error());
    Result<std::optional<bool>> is_public = PublicFlag(*body);
    if (!is_public) return FromError(is_public.error());
    if (!is_public->has_value()) return Empty();  // nothing we keep was asked to change
    Result<registry::Project> updated =
        store_.UpdateProjectPublic(call.actor, project->id, **is_public);
    if (!updated) return FromError(updated.error());
    return Empty();
  }
  if (method == "DELETE") {
    Status deleted = store_.DeleteProject(call.actor, project->id);
    if (!deleted) return FromError(deleted.error());
    return Empty();
  }
  return MethodNotAllowed("GET, PUT, DELETE");
}

ServerResponse RegistryApi::Members(Call& call, const std::string& ref) {
  const ServerRequest& request = call.request;
  auto found = ProjectFor(call, ref,
                          request.method == "GET" ? registry::ProjectAction::kListMembers
                                                  : registry::ProjectAction::kManageMembers);
  if (auto* refused = std::get_if<ServerResponse>(&found)) return std::move(*refused);
  const registry::Project* project = &std::get<registry::Project>(found);
  if (request.method == "GET") {
    Result<registry::PageRequest> page = PageOf(request);
    if (!page) return FromError(page.error());
    std::string contains;
    if (const std::string* name = request.FindQuery("entityname"); name != nullptr) {
      if (name->size() > kMaxEntityNameBytes || !IsPrintable(*name)) {
        return BadRequest("entityname is not a valid filter");
      }
      contains = *name;
    }
    Result<registry::Listing<registry::Member>> listing =
        store_.ListMembers(project->id, contains, *page);
    if (!listing) return FromError(listing.error());
    return ListResponse(*listing, MemberJson);
  }
  if (request.method == "POST") {
    Result<Value> body = call.Body(options_.max_body_bytes);
    if (!body) return FromError(body.error());
    if (Status known = CheckFields(*body, ProjectMemberFields()); !known) {
      return FromError(known.error());
    }
    Result<registry::Role> role = RoleField(*body);
    if (!role) return FromError(role.error());
    const Value* user = body->Find("member_user");
    const Value* group = body->Find("member_group");
    const bool has_user = user != nullptr && !user->is_null();
    const bool has_group = group != nullptr && !group->is_null();
    if (has_user == has_group) {
      return BadRequest("exactly one of member_user and member_group is required");
    }
    if (Status known = has_user ? CheckFields(*user, UserEntityFields(), "member_user.")
                                : CheckFields(*group, UserGroupFields(), "member_group.");
        !known) {
      return FromError(known.error());
    }
    const std::string* name =
        has_user ? StringField(*user, "username") : StringField(*group, "group_name");
    if (name == nullptr || name->empty()) {
      return BadRequest(has_user ? "member_user.username is required"
                                 : "member_group.group_name is required");
    }
    if (name->size() > kMaxEntityNameBytes || !IsPrintable(*name)) {
      return BadRequest("the member name must be 1..255 printable characters");
    }
    Result<registry::Member> added = store_.AddMember(
        call.actor, project->id,
        has_user ? registry::MemberKind::kUser : registry::MemberKind::kGroup, *name, *role);
    if (!added) return FromError(added.error());
    return Created(std::string(kApiPrefix) + "/projects/" + std::to_string(project->id) +
                   "/members/" + std::to_string(added->id));
  }
  return MethodNotAllowed("GET, POST");
}

ServerResponse RegistryApi::Member(Call& call, const std::string& ref, const std::string& member) {
  const std::string& method = call.request.method;
  auto found = ProjectFor(call, ref,
                          method == "GET" ? registry::ProjectAction::kListMembers
                                          : registry::ProjectAction::kManageMembers);
  if (auto* refused = std::get_if<ServerResponse>(&found)) return std::move(*refused);
  const registry::Project* project = &std::get<registry::Project>(found);
  // Member ids are looked up within this project only: an administrator of it cannot reach a
  // member of another project through its path.
  std::optional<std::int64_t> id = ParseId(member);
  if (!id) return NoSuchMember();
  if (method == "GET") {
    Result<registry::Member> loaded = store_.LoadMember(project->id, *id);
    if (!loaded) return MemberError(loaded.error());
    return JsonResponse(200, MemberJson(*loaded));
  }
  if (method == "PUT") {
    Result<Value> body = call.Body(options_.max_body_bytes);
    if (!body) return FromError(body.error());
    if (Status known = CheckFields(*body, RoleRequestFields()); !known) {
      return FromError(known.error());
    }
    Result<registry::Role> role = RoleField(*body);
    if (!role) return FromError(role.error());
    Result<registry::Member> updated = store_.UpdateMemberRole(call.actor, project->id, *id, *role);
    if (!updated) return MemberError(updated.error());
    return Empty();
  }
  if (method == "DELETE") {
    Status removed = store_.RemoveMember(call.actor, project->id, *id);
    if (!removed) return MemberError(removed.error());
    return Empty();
  }
  return MethodNotAllowed("GET, PUT, DELETE");
}

ServerResponse RegistryApi::Robots(Call& call) {
  const ServerRequest& request = call.request;
  if (request.method == "GET") {
    registry::RobotFilter filter;
    Result<registry::PageRequest> page = PageOf(request);
    if (!page) return FromError(page.error());
    filter.page = *page;
    // Harbor's q=Level=project,ProjectID=<id> (and Level=system).
    if (const std::string* q = request.FindQuery("q"); q != nullptr) {
      std::size_t start = 0;
      while (start < q->size()) {
        std::size_t comma = q->find(',', start);
        if (comma == std::string::npos) comma = q->size();
        const std::string term = q->substr(start, comma - start);
        start = comma + 1;
        if (term == "Level=project") {
          filter.level = registry::RobotLevel::kProject;
        } else if (term == "Level=system") {
          filter.level = registry::RobotLevel::kSystem;
        } else if (term.rfind("ProjectID=", 0) == 0) {
          std::optional<std::int64_t> id = ParseId(std::string_view(term).substr(10));
          if (!id) return BadRequest("ProjectID must be a positive integer");
          filter.project_id = *id;
        } else if (!term.empty()) {
          return BadRequest("q supports Level=project|system and ProjectID=<id>");
        }
      }
    }
    std::string not_found;  // what the project named by ?project= or ProjectID= answers
    if (const std::string* name = request.FindQuery("project"); name != nullptr) {
      not_found = ProjectNotFound(request, *name);
      Result<registry::Project> project = ResolveProject(store_, request, *name);
      if (!project) return ProjectError(project.error(), not_found);
      filter.project_id = project->id;
    } else if (filter.project_id) {
      not_found = "project " + std::to_string(*filter.project_id) + " not found";
    }
    if (!call.sysadmin()) {
      // A project administrator lists the robots of one project it administers. The project
      // is checked before anything else is refused, so a hidden one answers as a missing one
      // whatever else the query says.
      if (!filter.project_id) {
        return Forbidden(
            "only system administrators may list robots beyond one project "
            "(q=Level=project,ProjectID=<id>)");
      }
      Result<registry::Project> project = store_.LoadProjectById(*filter.project_id);
      if (!project) return ProjectError(project.error(), not_found);
      if (std::optional<ServerResponse> refused =
              Refusal(call, *project, registry::ProjectAction::kListRobots, not_found)) {
        return *refused;
      }
      if (filter.level == registry::RobotLevel::kSystem) {
        return Forbidden("only system administrators may list system robots");
      }
      filter.level = registry::RobotLevel::kProject;
    }
    Result<registry::Listing<registry::Robot>> listing = store_.ListRobots(filter);
    if (!listing) return FromError(listing.error());
    const std::string prefix = options_.robot_prefix;
    return ListResponse(
        *listing, [&prefix](const registry::Robot& robot) { return RobotJson(robot, prefix); });
  }
  if (request.method != "POST") return MethodNotAllowed("GET, POST");
  Result<Value> body = call.Body(options_.max_body_bytes);
  if (!body) return FromError(body.error());
  if (Status known = CheckFields(*body, RobotCreateFields()); !known) {
    return FromError(known.error());
  }
  RobotRequest robot;
  const std::string* name = StringField(*body, "name");
  if (name == nullptr) return BadRequest("name is required");
  robot.name = *name;
  if (const std::string* description = StringField(*body, "description")) {
    if (description->size() > kMaxDescriptionBytes) return BadRequest("description is too long");
    robot.description = *description;
  }
  if (const std::string* secret = StringField(*body, "secret")) robot.secret = *secret;
  if (const Value* disable = body->Find("disable"); disable != nullptr && disable->is_bool()) {
    robot.disabled = *disable->AsBool();
  }
  Result<std::optional<std::int64_t>> duration = DurationField(*body);
  if (!duration) return FromError(duration.error());
  robot.expires_days = *duration;
  Result<std::vector<registry::RobotPermission>> permissions = ParsePermissions(*body);
  if (!permissions) return FromError(permissions.error());
  const std::string* level = StringField(*body, "level");
  if (!call.sysadmin()) {
    if (level != nullptr && *level != "project") return SysadminOnly();
    // Every permission is checked, not only the first: a robot must not carry access to a
    // project its creator does not administer.
    for (const registry::RobotPermission& permission : *permissions) {
      if (permission.project == "*") {
        return Forbidden("only system administrators may grant access to every project");
      }
      Result<registry::Project> project = store_.LoadProject(permission.project);
      if (!project) return ProjectError(project.error(), NamedProjectNotFound(permission.project));
      if (std::optional<ServerResponse> refused =
              Refusal(call, *project, registry::ProjectAction::kCreateRobot,
                      NamedProjectNotFound(permission.project))) {
        return *refused;
      }
    }
  }
  if (level == nullptr || *level == "project") {
    if (permissions->size() != 1 || (*permissions)[0].project == "*") {
      return BadRequest("a project robot needs exactly one permission naming its project");
    }
    robot.level = registry::RobotLevel::kProject;
    robot.project = (*permissions)[0].project;
    robot.actions = (*permissions)[0].actions;
  } else if (*level == "system") {
    robot.level = registry::RobotLevel::kSystem;
    robot.permissions = std::move(permissions).value();
  } else {
    return BadRequest("level must be project or system");
  }
  Result<RobotWithSecret> created =
      CreateRobotAccount(store_, call.actor, options_.robot_prefix, robot,
                         UnixSeconds(clock_.Now()), options_.hashing);
  if (!created) return FromError(created.error());
  Value out = Value::MakeObject();
  out.Set("id", Value(created->robot.id));
  out.Set("name", Value(created->login));
  out.Set("secret", Value(created->secret));
  out.Set("creation_time", TimeValue(created->robot.creation_time));
  out.Set("expires_at", Value(created->robot.expires_at));
  return Created(std::string(kApiPrefix) + "/robots/" + std::to_string(created->robot.id), &out);
}

ServerResponse RegistryApi::Robot(Call& call, const std::string& id_text) {
  // To a non-administrator, a missing id, a system robot and a robot of a project it is no
  // member of all answer NoSuchRobot(), byte for byte: robot ids do not tell what exists.
  std::optional<std::int64_t> id = ParseId(id_text);
  if (!id) return NoSuchRobot();
  Result<registry::Robot> robot = store_.LoadRobotById(*id);
  if (!robot) return RobotError(robot.error());
  std::string owner;  // the project of a project robot, for a project administrator
  if (!call.sysadmin()) {
    if (robot->level != registry::RobotLevel::kProject) return NoSuchRobot();
    Result<registry::Project> project = store_.LoadProjectById(robot->project_id);
    if (!project) return RobotError(project.error());
    if (std::optional<ServerResponse> refused =
            Refusal(call, *project, RobotActionOf(call.request.method), kNoSuchRobot)) {
      return *refused;
    }
    owner = project->name;
  }
  const std::string login = registry::RobotLoginName(options_.robot_prefix, robot->name);
  const std::string& method = call.request.method;
  if (method == "GET") return JsonResponse(200, RobotJson(*robot, options_.robot_prefix));
  if (method == "DELETE") {
    Status deleted = store_.DeleteRobot(call.actor, *id);
    if (!deleted) return RobotError(deleted.error());
    cache_.Invalidate(login);
    return Empty();
  }
  if (method == "PATCH") {
    std::string chosen;
    if (!call.request.body.empty()) {
      Result<Value> body = call.Body(options_.max_body_bytes);
      if (!body) return FromError(body.error());
      if (Status known = CheckFields(*body, RobotSecretFields()); !known) {
        return FromError(known.error());
      }
      if (const std::string* secret = StringField(*body, "secret")) chosen = *secret;
    }
    Result<RobotWithSecret> rotated = RotateRobotAccount(store_, call.actor, options_.robot_prefix,
                                                         *id, chosen, options_.hashing);
    if (!rotated) return RobotError(rotated.error());
    cache_.Invalidate(login);
    Value out = Value::MakeObject();
    // Harbor echoes nothing when the caller chose the secret; a generated one is shown once.
    if (chosen.empty()) out.Set("secret", Value(rotated->secret));
    return JsonResponse(200, out);
  }
  if (method == "PUT") {
    Result<Value> body = call.Body(options_.max_body_bytes);
    if (!body) return FromError(body.error());
    // Only what the body names is sent to the store, which merges it with the robot as stored
    // inside its write transaction: a concurrent disable or change is not undone.
    Result<registry::RobotUpdate> update = DecodeRobotUpdate(*body, *robot, options_.robot_prefix);
    if (!update) return FromError(update.error());
    if (update->permissions && !call.sysadmin()) {
      for (const registry::RobotPermission& permission : *update->permissions) {
        if (permission.project != owner) {
          return Forbidden("a project administrator may grant access to its own project only");
        }
      }
    }
    Result<registry::Robot> updated = store_.UpdateRobot(call.actor, *id, *update);
    if (!updated) return RobotError(updated.error());
    cache_.Invalidate(login);
    return Empty();
  }
  return MethodNotAllowed("GET, PUT, PATCH, DELETE");
}

}  // namespace gatehouse::adapters::registry_service
