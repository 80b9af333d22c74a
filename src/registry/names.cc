#include "registry/names.h"

#include <algorithm>

#include "registry/registry_errors.h"

namespace gatehouse::registry {
namespace {

Error InvalidName(std::string what, std::string_view name) {
  const bool quotable =
      !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
        return c > 0x20 && c < 0x7f && c != '"' && c != '\\';
      });
  std::string message = std::move(what);
  if (quotable) message += " (\"" + std::string(name) + "\")";
  return MakeError(RegistryError::kInvalidName, std::move(message));
}

bool IsLowerAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

Status ValidateName(std::string_view kind, std::string_view name, std::size_t max_bytes) {
  if (name.empty()) return InvalidName(std::string(kind) + " name is empty", name);
  if (name.size() > max_bytes) {
    return InvalidName(
        std::string(kind) + " name is longer than " + std::to_string(max_bytes) + " bytes", name);
  }
  if (!MatchesHarborNameRule(name)) {
    return InvalidName(std::string(kind) +
                           " name must be lower-case letters and digits, separated by single "
                           "'.', '_' or '-' (^[a-z0-9]+(?:[._-][a-z0-9]+)*$)",
                       name);
  }
  return Ok();
}

}  // namespace

bool MatchesHarborNameRule(std::string_view name) {
  if (name.empty() || !IsLowerAlnum(name.front()) || !IsLowerAlnum(name.back())) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (IsLowerAlnum(c)) continue;
    if (c != '.' && c != '_' && c != '-') return false;
    if (!IsLowerAlnum(name[i + 1])) return false;  // i + 1 < size: the last char is alnum
  }
  return true;
}

Status ValidateProjectName(std::string_view name) {
  return ValidateName("project", name, kMaxProjectNameBytes);
}

Status ValidateRobotName(std::string_view name) {
  return ValidateName("robot", name, kMaxRobotNameBytes);
}

Status ValidateRobotPrefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > kMaxRobotPrefixBytes) {
    return InvalidName(
        "robot prefix must be 1.." + std::to_string(kMaxRobotPrefixBytes) + " characters", prefix);
  }
  const bool ok = std::all_of(prefix.begin(), prefix.end(), [](char c) {
    return c > 0x20 && c < 0x7f && c != ':' && c != '"' && c != '\\';
  });
  if (!ok) {
    return InvalidName("robot prefix must be printable ASCII without spaces, ':', '\"' or '\\'",
                       prefix);
  }
  return Ok();
}

std::string RobotStoredName(RobotLevel level, std::string_view project, std::string_view name) {
  if (level == RobotLevel::kSystem) return std::string(name);
  std::string out;
  out.reserve(project.size() + 1 + name.size());
  out.append(project).append("+").append(name);
  return out;
}

std::string RobotLoginName(std::string_view prefix, std::string_view stored_name) {
  std::string out;
  out.reserve(prefix.size() + stored_name.size());
  out.append(prefix).append(stored_name);
  return out;
}

bool HasRobotPrefix(std::string_view login, std::string_view prefix) {
  return !prefix.empty() && login.size() > prefix.size() &&
         login.substr(0, prefix.size()) == prefix;
}

Result<RobotLogin> ParseRobotLoginName(std::string_view login, std::string_view prefix) {
  if (!HasRobotPrefix(login, prefix)) {
    return MakeError(RegistryError::kInvalidName,
                     "not a robot login name (the robot prefix is missing)");
  }
  std::string_view stored = login.substr(prefix.size());
  RobotLogin out;
  out.stored_name = std::string(stored);
  if (auto plus = stored.find('+'); plus != std::string_view::npos) {
    out.level = RobotLevel::kProject;
    std::string_view project = stored.substr(0, plus);
    std::string_view name = stored.substr(plus + 1);
    if (Status s = ValidateProjectName(project); !s) return s.error();
    if (Status s = ValidateRobotName(name); !s) return s.error();
    out.project = std::string(project);
    out.name = std::string(name);
  } else {
    out.level = RobotLevel::kSystem;
    if (Status s = ValidateRobotName(stored); !s) return s.error();
    out.name = std::string(stored);
  }
  return out;
}

}  // namespace gatehouse::registry
