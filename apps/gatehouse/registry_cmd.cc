// `gatehouse registry ...`: projects, members, robot accounts, pull secrets and the token signing
// certificates, working directly on the registry store (the bootstrap path: no server, no
// administrator token needed). Shares --data-dir, --registry-database, --registry-service,
// --registry-issuer and --robot-prefix with `gatehouse serve`. Thin wiring over src/. Also
// defines the helpers of registry_cmd.h; system robots, people, access tokens and the audit
// log are in their own registry_cmd_*.cc.
#include "gatehouse/registry_cmd.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "adapters/registry/registry_service.h"
#include "adapters/registry/robot_accounts.h"
#include "adapters/registry/signing_key_files.h"
#include "adapters/registry_store/open_store.h"
#include "common/codec/rfc3339.h"
#include "common/common_errors.h"
#include "gatehouse/commands.h"
#include "registry/names.h"
#include "registry/pull_secret.h"
#include "registry/registry_errors.h"
#include "registry/token_response.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::app {
namespace registry_cli {

std::string DataDir(const RegistryFlags& flags) {
  if (!flags.data_dir.empty()) return flags.data_dir;
  if (::geteuid() == 0) return "/var/lib/gatehouse";
  const char* home = std::getenv("HOME");
  return std::string(home ? home : ".") + "/.local/share/gatehouse";
}

int Fail(const std::string& message, int code) {
  std::cerr << "gatehouse registry: " << message << "\n";
  return code;
}

int FailWith(const Error& error) {
  const bool usage = error.code == registry::RegistryError::kInvalidName ||
                     error.code == CommonError::kInvalidArgument ||
                     error.code == registry::RegistryError::kInvalidSecret ||
                     error.code == registry::RegistryError::kInvalidPullSecret;
  return Fail(error.message, usage ? 2 : 1);
}

std::int64_t NowUnix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string ExpiryText(std::int64_t expires_at) {
  return expires_at == registry::kNever ? "never" : codec::FormatRfc3339Utc(expires_at);
}

std::string Printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      out += "\\x";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  return out;
}

Status CheckPlainText(std::string_view what, std::string_view text, std::size_t max_bytes) {
  if (text.empty())
    return MakeError(CommonError::kInvalidArgument, std::string(what) + " must not be empty");
  if (text.size() > max_bytes) {
    return MakeError(CommonError::kInvalidArgument,
                     std::string(what) + " is longer than " + std::to_string(max_bytes) + " bytes");
  }
  for (char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {
      return MakeError(CommonError::kInvalidArgument,
                       std::string(what) + " holds control characters");
    }
  }
  return Ok();
}

}  // namespace registry_cli

namespace {

namespace rs = adapters::registry_service;
using registry_cli::AddOutput;
using registry_cli::ExpiryText;
using registry_cli::Fail;
using registry_cli::FailWith;
using registry_cli::kActor;
using registry_cli::NowUnix;
using registry_cli::RegistryFlags;
using registry_cli::RunWithStore;
using registry_cli::Sub;
using value::Value;

Status CheckFlags(const RegistryFlags& flags) {
  if (Status prefix = registry::ValidateRobotPrefix(flags.robot_prefix); !prefix) return prefix;
  if (!registry::FindSigningAlg(flags.signing_alg)) {
    return MakeError(CommonError::kInvalidArgument,
                     "--registry-signing-alg must be ES256 or RS256");
  }
  if (!flags.output.empty() && flags.output != "json" && flags.output != "text") {
    return MakeError(CommonError::kInvalidArgument, "-o must be json or text");
  }
  return Ok();
}

Result<std::unique_ptr<registry::RegistryStore>> OpenStore(const RegistryFlags& flags) {
  return adapters::OpenRegistryStore(flags.database, DataDir(flags));
}

Value RobotJson(const registry::Robot& robot, const RegistryFlags& flags,
                const std::string* secret) {
  Value out = Value::MakeObject();
  out.Set("id", Value(robot.id));
  out.Set("name", Value(registry::RobotLoginName(flags.robot_prefix, robot.name)));
  if (secret != nullptr) out.Set("secret", Value(*secret));
  out.Set("project", Value(robot.permissions.empty() ? "" : robot.permissions[0].project));
  out.Set("access", Value(rs::AccessWord(rs::RobotActions(robot))));
  out.Set("disabled", Value(robot.disabled));
  out.Set("expires_at", Value(robot.expires_at));
  out.Set("creation_time", Value(codec::FormatRfc3339Utc(robot.creation_time)));
  return out;
}

void PrintRobotWithSecret(const rs::RobotWithSecret& robot, const RegistryFlags& flags) {
  if (flags.output == "json") {
    std::cout << value::ToJson(RobotJson(robot.robot, flags, &robot.secret)) << "\n";
  } else {
    std::cout << "name: " << robot.login << "\nsecret: " << robot.secret
              << "\nexpires: " << ExpiryText(robot.robot.expires_at) << "\n";
  }
  std::cerr << "gatehouse registry: the secret is shown only now; store it safely.\n";
}

// The project named on the command line: its name checked (Harbor's rule) before any query.
Result<registry::Project> LoadNamedProject(registry::RegistryStore& store,
                                           const std::string& name) {
  if (Status valid = registry::ValidateProjectName(name); !valid) return valid.error();
  return store.LoadProject(name);
}

Result<registry::Robot> LoadProjectRobot(registry::RegistryStore& store, const std::string& project,
                                         const std::string& name) {
  if (Status valid = registry::ValidateProjectName(project); !valid) return valid.error();
  if (Status valid = registry::ValidateRobotName(name); !valid) return valid.error();
  if (Result<registry::Project> loaded = LoadNamedProject(store, project); !loaded) {
    return loaded.error();
  }
  return store.LoadRobot(registry::RobotStoredName(registry::RobotLevel::kProject, project, name));
}

// ---- commands ---------------------------------------------------------------------------------

// The default pair of project robots (issue 5): "pull" for the namespace's image pull secret
// and "ci" (push and pull) for the team's pipeline. Neither expires by default: a pull secret
// that silently expires takes a team's deployments down.
struct DefaultRobot {
  const char* name;
  const char* access;
  const char* description;
};
constexpr DefaultRobot kDefaultRobots[] = {
    {"pull", "pull", "image pull secret of the team's namespace"},
    {"ci", "push", "the team's CI pipeline"},
};

// Creates the default robots of `project`; on a failure, removes the robots it created and
// returns the error (the caller then removes the project), so nothing stays half-made.
Result<std::vector<rs::RobotWithSecret>> CreateDefaultRobots(registry::RegistryStore& store,
                                                             const RegistryFlags& f) {
  std::vector<rs::RobotWithSecret> created;
  for (const DefaultRobot& robot : kDefaultRobots) {
    rs::RobotRequest request;
    request.project = f.project;
    request.name = robot.name;
    request.description = robot.description;
    Result<std::vector<std::string>> actions = rs::ActionsForAccess(robot.access);
    if (actions) request.actions = std::move(actions).value();
    Result<rs::RobotWithSecret> made =
        actions ? rs::CreateRobotAccount(store, kActor, f.robot_prefix, request, NowUnix())
                : Result<rs::RobotWithSecret>(actions.error());
    if (!made) {
      for (const rs::RobotWithSecret& undo : created)
        (void)store.DeleteRobot(kActor, undo.robot.id);
      return made.error();
    }
    created.push_back(std::move(made).value());
  }
  return created;
}

int ProjectCreate(registry::RegistryStore& store, const RegistryFlags& f) {
  if (Status valid = registry::ValidateProjectName(f.project); !valid)
    return FailWith(valid.error());
  Result<registry::Project> created = store.CreateProject(kActor, f.project, f.is_public);
  if (!created) return FailWith(created.error());
  std::vector<rs::RobotWithSecret> robots;
  if (f.with_robots) {
    Result<std::vector<rs::RobotWithSecret>> made = CreateDefaultRobots(store, f);
    if (!made) {
      (void)store.DeleteProject(kActor, created->id);
      return FailWith(made.error());
    }
    robots = std::move(made).value();
  }
  if (f.output == "json") {
    Value out = Value::MakeObject();
    out.Set("id", Value(created->id));
    out.Set("name", Value(created->name));
    out.Set("public", Value(created->is_public));
    if (f.with_robots) {
      Value items = Value::MakeArray();
      for (const rs::RobotWithSecret& robot : robots) {
        items.Append(RobotJson(robot.robot, f, &robot.secret));
      }
      out.Set("robots", std::move(items));
    }
    std::cout << value::ToJson(out) << "\n";
  } else {
    std::cout << "created project " << created->name << " ("
              << (created->is_public ? "public" : "private") << ")\n";
    for (const rs::RobotWithSecret& robot : robots) {
      std::cout << "name: " << robot.login << "\nsecret: " << robot.secret
                << "\nexpires: " << ExpiryText(robot.robot.expires_at) << "\n";
    }
  }
  if (!robots.empty()) {
    std::cerr << "gatehouse registry: the secrets are shown only now; store them safely.\n";
  }
  return 0;
}

int ProjectList(registry::RegistryStore& store, const RegistryFlags& f) {
  registry::ProjectFilter filter;
  filter.page.page_size = registry::kMaxPageSize;
  Value items = Value::MakeArray();
  if (f.output != "json") std::cout << "NAME\tPUBLIC\n";
  for (;; ++filter.page.page) {
    Result<registry::Listing<registry::Project>> listing = store.ListProjects(filter);
    if (!listing) return FailWith(listing.error());
    for (const registry::Project& project : listing->items) {
      if (f.output == "json") {
        Value item = Value::MakeObject();
        item.Set("id", Value(project.id));
        item.Set("name", Value(project.name));
        item.Set("public", Value(project.is_public));
        items.Append(std::move(item));
      } else {
        std::cout << project.name << "\t" << (project.is_public ? "true" : "false") << "\n";
      }
    }
    if (filter.page.page * filter.page.page_size >= listing->total) break;
  }
  if (f.output == "json") std::cout << value::ToJson(items) << "\n";
  return 0;
}

int ProjectDelete(registry::RegistryStore& store, const RegistryFlags& f) {
  Result<registry::Project> project = LoadNamedProject(store, f.project);
  if (!project) return FailWith(project.error());
  if (f.with_robots) {
    // Only this project's own robots: a system robot granted this project still blocks the
    // deletion (other teams may depend on it), and is looked for first so that a refused
    // deletion leaves every robot in place.
    registry::RobotFilter system;
    system.level = registry::RobotLevel::kSystem;
    system.page.page_size = registry::kMaxPageSize;
    for (;; ++system.page.page) {
      Result<registry::Listing<registry::Robot>> listing = store.ListRobots(system);
      if (!listing) return FailWith(listing.error());
      for (const registry::Robot& robot : listing->items) {
        for (const registry::RobotPermission& permission : robot.permissions) {
          if (permission.project != f.project) continue;
          return Fail("project " + f.project + " is granted to system robot " +
                      registry::RobotLoginName(f.robot_prefix, robot.name) +
                      "; change or delete that robot first");
        }
      }
      if (system.page.page * system.page.page_size >= listing->total) break;
    }
    registry::RobotFilter filter;
    filter.level = registry::RobotLevel::kProject;
    filter.project_id = project->id;
    filter.page.page_size = registry::kMaxPageSize;
    for (;;) {  // page 1 again each time: the previous page was deleted
      Result<registry::Listing<registry::Robot>> robots = store.ListRobots(filter);
      if (!robots) return FailWith(robots.error());
      if (robots->items.empty()) break;
      for (const registry::Robot& robot : robots->items) {
        if (Status deleted = store.DeleteRobot(kActor, robot.id); !deleted) {
          return FailWith(deleted.error());
        }
        std::cout << "deleted " << registry::RobotLoginName(f.robot_prefix, robot.name) << "\n";
      }
    }
  }
  if (Status deleted = store.DeleteProject(kActor, project->id); !deleted) {
    return FailWith(deleted.error());
  }
  std::cout << "deleted project " << f.project << "\n";
  return 0;
}

// The member named by --user or --group: a usage error (exit 2) unless exactly one is given
// and it is printable text of at most 255 bytes.
int CheckMemberName(const RegistryFlags& f) {
  if (f.group.empty() == f.user.empty()) return Fail("give exactly one of --group and --user", 2);
  const std::string& name = f.group.empty() ? f.user : f.group;
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return Fail("the member name holds control characters", 2);
    }
  }
  if (name.size() > 255) return Fail("the member name is longer than 255 bytes", 2);
  return 0;
}

registry::MemberKind MemberKindOf(const RegistryFlags& f) {
  return f.group.empty() ? registry::MemberKind::kUser : registry::MemberKind::kGroup;
}

int MemberAdd(registry::RegistryStore& store, const RegistryFlags& f) {
  if (int bad = CheckMemberName(f); bad != 0) return bad;
  std::optional<registry::Role> role = registry::ParseRole(f.role);
  if (!role) {
    return Fail("--role must be projectAdmin, maintainer, developer, guest or limitedGuest", 2);
  }
  const std::string& name = f.group.empty() ? f.user : f.group;
  Result<registry::Project> project = LoadNamedProject(store, f.project);
  if (!project) return FailWith(project.error());
  Result<registry::Member> added =
      store.AddMember(kActor, project->id, MemberKindOf(f), name, *role);
  if (!added) return FailWith(added.error());
  std::cout << "added " << (f.group.empty() ? "user " : "group ") << name << " to " << f.project
            << " as " << registry::RoleName(*role) << "\n";
  return 0;
}

int MemberList(registry::RegistryStore& store, const RegistryFlags& f) {
  Result<registry::Project> project = LoadNamedProject(store, f.project);
  if (!project) return FailWith(project.error());
  registry::PageRequest page;
  page.page_size = registry::kMaxPageSize;
  Value items = Value::MakeArray();
  if (f.output != "json") std::cout << "KIND\tNAME\tROLE\n";
  for (;; ++page.page) {
    Result<registry::Listing<registry::Member>> listing = store.ListMembers(project->id, "", page);
    if (!listing) return FailWith(listing.error());
    for (const registry::Member& member : listing->items) {
      const char* kind = member.kind == registry::MemberKind::kUser ? "user" : "group";
      if (f.output == "json") {
        Value item = Value::MakeObject();
        item.Set("id", Value(member.id));
        item.Set("kind", Value(kind));
        item.Set("name", Value(member.entity_name));
        item.Set("role", Value(std::string(registry::RoleName(member.role))));
        items.Append(std::move(item));
      } else {
        std::cout << kind << "\t" << member.entity_name << "\t" << registry::RoleName(member.role)
                  << "\n";
      }
    }
    if (page.page * page.page_size >= listing->total) break;
  }
  if (f.output == "json") std::cout << value::ToJson(items) << "\n";
  return 0;
}

int MemberRemove(registry::RegistryStore& store, const RegistryFlags& f) {
  if (int bad = CheckMemberName(f); bad != 0) return bad;
  const std::string& name = f.group.empty() ? f.user : f.group;
  Result<registry::Project> project = LoadNamedProject(store, f.project);
  if (!project) return FailWith(project.error());
  registry::PageRequest page;
  page.page_size = registry::kMaxPageSize;
  for (;; ++page.page) {
    Result<registry::Listing<registry::Member>> listing =
        store.ListMembers(project->id, name, page);
    if (!listing) return FailWith(listing.error());
    for (const registry::Member& member : listing->items) {
      if (member.kind != MemberKindOf(f) || member.entity_name != name) continue;
      if (Status removed = store.RemoveMember(kActor, project->id, member.id); !removed) {
        return FailWith(removed.error());
      }
      std::cout << "removed " << (f.group.empty() ? "user " : "group ")
                << registry_cli::Printable(name) << " from " << f.project << "\n";
      return 0;
    }
    if (page.page * page.page_size >= listing->total) break;
  }
  return Fail(std::string(f.group.empty() ? "user " : "group ") + registry_cli::Printable(name) +
              " is not a member of project " + f.project);
}

int RobotCreate(registry::RegistryStore& store, const RegistryFlags& f) {
  Result<std::vector<std::string>> actions = rs::ActionsForAccess(f.access);
  if (!actions) return FailWith(actions.error());
  rs::RobotRequest request;
  request.project = f.project;
  request.name = f.name;
  request.description = f.description;
  request.actions = std::move(actions).value();
  request.expires_days = f.expires_days;
  Result<rs::RobotWithSecret> created =
      rs::CreateRobotAccount(store, kActor, f.robot_prefix, request, NowUnix());
  if (!created) return FailWith(created.error());
  PrintRobotWithSecret(*created, f);
  return 0;
}

int RobotRotate(registry::RegistryStore& store, const RegistryFlags& f) {
  Result<registry::Robot> robot = LoadProjectRobot(store, f.project, f.name);
  if (!robot) return FailWith(robot.error());
  Result<rs::RobotWithSecret> rotated =
      rs::RotateRobotAccount(store, kActor, f.robot_prefix, robot->id);
  if (!rotated) return FailWith(rotated.error());
  PrintRobotWithSecret(*rotated, f);
  return 0;
}

int RobotSetDisabled(registry::RegistryStore& store, const RegistryFlags& f, bool disabled) {
  Result<registry::Robot> robot = LoadProjectRobot(store, f.project, f.name);
  if (!robot) return FailWith(robot.error());
  Result<registry::Robot> updated = store.SetRobotDisabled(kActor, robot->id, disabled);
  if (!updated) return FailWith(updated.error());
  std::cout << (disabled ? "disabled " : "enabled ")
            << registry::RobotLoginName(f.robot_prefix, updated->name) << "\n";
  return 0;
}

int RobotDelete(registry::RegistryStore& store, const RegistryFlags& f) {
  Result<registry::Robot> robot = LoadProjectRobot(store, f.project, f.name);
  if (!robot) return FailWith(robot.error());
  if (Status deleted = store.DeleteRobot(kActor, robot->id); !deleted) {
    return FailWith(deleted.error());
  }
  std::cout << "deleted " << registry::RobotLoginName(f.robot_prefix, robot->name) << "\n";
  return 0;
}

int RobotList(registry::RegistryStore& store, const RegistryFlags& f) {
  Result<registry::Project> project = LoadNamedProject(store, f.project);
  if (!project) return FailWith(project.error());
  registry::RobotFilter filter;
  filter.project_id = project->id;
  filter.page.page_size = registry::kMaxPageSize;
  Value items = Value::MakeArray();
  if (f.output != "json") std::cout << "NAME\tACCESS\tDISABLED\tEXPIRES\n";
  for (;; ++filter.page.page) {
    Result<registry::Listing<registry::Robot>> listing = store.ListRobots(filter);
    if (!listing) return FailWith(listing.error());
    for (const registry::Robot& robot : listing->items) {
      if (f.output == "json") {
        items.Append(RobotJson(robot, f, nullptr));
      } else {
        std::cout << registry::RobotLoginName(f.robot_prefix, robot.name) << "\t"
                  << rs::AccessWord(rs::RobotActions(robot)) << "\t"
                  << (robot.disabled ? "true" : "false") << "\t" << ExpiryText(robot.expires_at)
                  << "\n";
      }
    }
    if (filter.page.page * filter.page.page_size >= listing->total) break;
  }
  if (f.output == "json") std::cout << value::ToJson(items) << "\n";
  return 0;
}

int PullSecret(registry::RegistryStore& store, const RegistryFlags& f) {
  std::string server = f.server;
  if (server.empty()) {
    const char* env = std::getenv("GATEHOUSE_REGISTRY_SERVER");
    if (env != nullptr) server = env;
  }
  if (server.empty()) {
    return Fail("--server HOST[:PORT] is required (or GATEHOUSE_REGISTRY_SERVER)", 2);
  }
  Result<registry::Robot> existing = LoadProjectRobot(store, f.project, f.robot);
  Result<rs::RobotWithSecret> robot = MakeError(CommonError::kNotFound, "");
  if (existing) {
    if (existing->disabled) {
      return Fail("robot " + registry::RobotLoginName(f.robot_prefix, existing->name) +
                  " is disabled; enable it first (robot enable)");
    }
    robot = rs::RotateRobotAccount(store, kActor, f.robot_prefix, existing->id);
  } else if (existing.error().code == CommonError::kNotFound &&
             store.LoadProject(f.project).has_value()) {
    rs::RobotRequest request;
    request.project = f.project;
    request.name = f.robot;
    request.description = "image pull secret";
    request.actions = {"pull"};
    request.expires_days = -1;  // a silently expiring pull secret stops a team's deployments
    robot = rs::CreateRobotAccount(store, kActor, f.robot_prefix, request, NowUnix());
  } else {
    return FailWith(existing.error());
  }
  if (!robot) return FailWith(robot.error());
  registry::PullSecretSpec spec;
  spec.name = f.secret_name;
  spec.namespace_ = f.ns.empty() ? f.project : f.ns;
  spec.server = server;
  spec.username = robot->login;
  spec.secret = robot->secret;
  Result<std::string> yaml = registry::BuildPullSecretYaml(spec);
  if (!yaml) return FailWith(yaml.error());
  std::cout << *yaml;
  if (existing) {
    std::cerr << "gatehouse registry: rotated the secret of " << robot->login
              << "; pull secrets printed earlier for it stop working.\n";
  } else {
    std::cerr << "gatehouse registry: created the pull robot " << robot->login << ".\n";
  }
  return 0;
}

rs::RegistryServiceOptions ServiceOptions(const RegistryFlags& f) {
  rs::RegistryServiceOptions options;
  options.data_dir = DataDir(f);
  options.issuer = f.issuer;
  options.service = f.service;
  options.signing_alg =
      registry::FindSigningAlg(f.signing_alg).value_or(registry::SigningAlg::kES256);
  return options;
}

int SigningCerts(const RegistryFlags& f) {
  const rs::RegistryServiceOptions options = ServiceOptions(f);
  Result<registry::SigningKeyRing> ring = rs::LoadOrCreateSigningKeys(
      rs::SigningKeyDir(options.data_dir), rs::SigningKeyOptionsFor(options), options.token_ttl,
      std::chrono::system_clock::now());
  if (!ring) return FailWith(ring.error());
  std::cout << ring->CertificatesPem();
  return 0;
}

int SigningKeyRotate(const RegistryFlags& f) {
  const rs::RegistryServiceOptions options = ServiceOptions(f);
  registry::SigningKeyOptions key = rs::SigningKeyOptionsFor(options);
  const auto now = std::chrono::system_clock::now();
  if (f.activate_in_seconds < 0) return Fail("--activate-in-seconds must not be negative", 2);
  if (f.activate_in_seconds > 0) {
    // The new key signs only from then on, so the registry can be given the new bundle first.
    key.not_before = now + std::chrono::seconds(f.activate_in_seconds);
  }
  Result<std::string> added = rs::AddSigningKey(rs::SigningKeyDir(options.data_dir), key, now);
  if (!added) return FailWith(added.error());
  Result<registry::SigningKeyRing> ring = rs::LoadSigningKeys(rs::SigningKeyDir(options.data_dir));
  if (!ring) return FailWith(ring.error());
  std::cout << ring->CertificatesPem();
  std::cerr << "gatehouse registry: added signing key " << *added
            << "; give the registry the certificate bundle above (auth.token.rootcertbundle).\n";
  return 0;
}

}  // namespace

namespace registry_cli {

std::function<void()> RunWithStore(std::shared_ptr<RegistryFlags> flags, int* exit_code,
                                   StoreCommand command) {
  return [flags, exit_code, command] {
    if (Status valid = CheckFlags(*flags); !valid) {
      *exit_code = FailWith(valid.error());
      return;
    }
    Result<std::unique_ptr<registry::RegistryStore>> store = OpenStore(*flags);
    if (!store) {
      *exit_code = Fail(store.error().message);
      return;
    }
    *exit_code = command(**store, *flags);
  };
}

CLI::App* Sub(CLI::App* parent, const std::string& name, const std::string& help) {
  CLI::App* sub = parent->add_subcommand(name, help);
  sub->fallthrough();
  return sub;
}

void AddOutput(CLI::App* cmd, RegistryFlags& f) {
  cmd->add_option("-o,--output", f.output, "output format: text (default) or json");
}

}  // namespace registry_cli

void RegisterRegistryCommand(CLI::App& app, int* exit_code) {
  auto f = std::make_shared<RegistryFlags>();
  CLI::App* reg = app.add_subcommand(
      "registry",
      "Manage the registry tenancy (projects, members, robot accounts, pull secrets, signing\n"
      "certificates) directly in the registry database; `gatehouse serve` serves the same state.");
  reg->require_subcommand(1);
  reg->fallthrough();
  reg->add_option("--data-dir", f->data_dir,
                  "folder of the embedded state: SQLite database, signing keys (default: "
                  "/var/lib/gatehouse as root, else ~/.local/share/gatehouse)")
      ->envname("GATEHOUSE_DATA_DIR");
  reg->add_option("--registry-database", f->database,
                  "database URL: empty = SQLite in the data dir, sqlite:///path.db, "
                  "postgresql://...")
      ->envname("GATEHOUSE_REGISTRY_DATABASE");
  reg->add_option("--registry-service", f->service, "the registry's auth.token.service")
      ->default_str("registry");
  reg->add_option("--registry-issuer", f->issuer, "the registry's auth.token.issuer")
      ->default_str("gatehouse");
  reg->add_option("--robot-prefix", f->robot_prefix, "prefix of robot login names")
      ->default_str(std::string(registry::kDefaultRobotPrefix));
  reg->add_option("--registry-signing-alg", f->signing_alg, "algorithm of new signing keys")
      ->default_str("ES256");

  CLI::App* project = Sub(reg, "project", "projects (one per team by convention)");
  project->require_subcommand(1);
  CLI::App* cmd = Sub(project, "create", "create a project (private unless --public)");
  cmd->add_option("NAME", f->project, "project name")->required();
  cmd->add_flag("--public", f->is_public, "anyone (even anonymous) may pull");
  cmd->add_flag("--with-robots", f->with_robots,
                "also create the default robots: <project>+pull (pull only, for the image pull "
                "secret) and <project>+ci (push and pull, for CI); prints their secrets once");
  AddOutput(cmd, *f);
  cmd->callback(RunWithStore(f, exit_code, ProjectCreate));
  cmd = Sub(project, "list", "list projects");
  AddOutput(cmd, *f);
  cmd->callback(RunWithStore(f, exit_code, ProjectList));
  cmd = Sub(project, "delete",
            "delete a project (its robot accounts must be deleted first, or given --with-robots)");
  cmd->add_option("NAME", f->project, "project name")->required();
  cmd->add_flag("--with-robots", f->with_robots,
                "delete the project's own robot accounts first (their credentials stop working)");
  cmd->callback(RunWithStore(f, exit_code, ProjectDelete));

  CLI::App* member = Sub(reg, "member", "project members: users or identity-provider groups");
  member->require_subcommand(1);
  cmd = Sub(member, "add", "add a user or group to a project with a role");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  cmd->add_option("--group", f->group, "group name as the identity provider sends it");
  cmd->add_option("--user", f->user, "user name");
  cmd->add_option("--role", f->role,
                  "projectAdmin, maintainer (pull/push/delete), developer (pull/push), guest, "
                  "limitedGuest (pull)")
      ->required();
  cmd->callback(RunWithStore(f, exit_code, MemberAdd));
  cmd = Sub(member, "list", "list the members of a project");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  AddOutput(cmd, *f);
  cmd->callback(RunWithStore(f, exit_code, MemberList));
  cmd = Sub(member, "remove", "remove a user or group from a project");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  cmd->add_option("--group", f->group, "group name as the identity provider sends it");
  cmd->add_option("--user", f->user, "user name");
  cmd->callback(RunWithStore(f, exit_code, MemberRemove));

  CLI::App* robot = Sub(reg, "robot", "robot accounts of a project");
  robot->require_subcommand(1);
  cmd = Sub(robot, "create",
            "create a robot account; prints its login name and secret (shown only now)");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  cmd->add_option("NAME", f->name, "robot name")->required();
  cmd->add_option("--access", f->access, "pull, push (push+pull) or admin (push+pull+delete)")
      ->required();
  cmd->add_option("--expires-days", f->expires_days, "days until it expires (-1: never)")
      ->default_str("-1");
  cmd->add_option("--description", f->description, "free text");
  AddOutput(cmd, *f);
  cmd->callback(RunWithStore(f, exit_code, RobotCreate));
  cmd = Sub(robot, "rotate", "give a robot account a new secret (the old one stops working)");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  cmd->add_option("NAME", f->name, "robot name")->required();
  AddOutput(cmd, *f);
  cmd->callback(RunWithStore(f, exit_code, RobotRotate));
  cmd = Sub(robot, "disable", "refuse a robot account (at login too) until enabled again");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  cmd->add_option("NAME", f->name, "robot name")->required();
  cmd->callback(RunWithStore(f, exit_code, [](registry::RegistryStore& s, const RegistryFlags& fl) {
    return RobotSetDisabled(s, fl, true);
  }));
  cmd = Sub(robot, "enable", "enable a disabled robot account");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  cmd->add_option("NAME", f->name, "robot name")->required();
  cmd->callback(RunWithStore(f, exit_code, [](registry::RegistryStore& s, const RegistryFlags& fl) {
    return RobotSetDisabled(s, fl, false);
  }));
  cmd = Sub(robot, "delete", "delete a robot account");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  cmd->add_option("NAME", f->name, "robot name")->required();
  cmd->callback(RunWithStore(f, exit_code, RobotDelete));
  cmd = Sub(robot, "list", "list the robot accounts of a project (never their secrets)");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  AddOutput(cmd, *f);
  cmd->callback(RunWithStore(f, exit_code, RobotList));

  cmd = Sub(reg, "pull-secret",
            "print a kubernetes.io/dockerconfigjson Secret for a project's pull robot.\n"
            "A secret is only known when it is created or rotated, so this creates the pull\n"
            "robot (pull only, never expires) or, when it exists, ROTATES its secret: Secrets\n"
            "printed earlier for that robot stop working.");
  cmd->add_option("PROJECT", f->project, "project name")->required();
  cmd->add_option("--robot", f->robot, "robot name")->default_str("pull");
  cmd->add_option("--server", f->server,
                  "registry host[:port] as image references name it (default: "
                  "$GATEHOUSE_REGISTRY_SERVER)");
  cmd->add_option("--namespace", f->ns, "Secret namespace (default: the project name)");
  cmd->add_option("--secret-name", f->secret_name, "Secret name")->default_str("registry-pull");
  cmd->callback(RunWithStore(f, exit_code, PullSecret));

  cmd = Sub(reg, "signing-certs",
            "print the PEM certificates the registry must trust (auth.token.rootcertbundle); "
            "generates the first signing key when there is none");
  cmd->callback([f, exit_code] {
    if (Status valid = CheckFlags(*f); !valid) {
      *exit_code = FailWith(valid.error());
      return;
    }
    *exit_code = SigningCerts(*f);
  });
  CLI::App* key = Sub(reg, "signing-key", "token signing keys");
  key->require_subcommand(1);
  cmd = Sub(key, "rotate",
            "add a new signing key (the newest signs; older ones stay in the bundle so their "
            "tokens stay valid) and print the new certificate bundle");
  cmd->add_option("--activate-in-seconds", f->activate_in_seconds,
                  "start signing with the new key only after this many seconds, leaving time to "
                  "give the registry the new bundle (default 0)");
  cmd->callback([f, exit_code] {
    if (Status valid = CheckFlags(*f); !valid) {
      *exit_code = FailWith(valid.error());
      return;
    }
    *exit_code = SigningKeyRotate(*f);
  });

  registry_cli::RegisterSystemRobotCommands(reg, f, exit_code);
  registry_cli::RegisterUserCommands(reg, f, exit_code);
  registry_cli::RegisterTokenCommands(reg, f, exit_code);
  registry_cli::RegisterAuditCommand(reg, f, exit_code);
}

}  // namespace gatehouse::app
