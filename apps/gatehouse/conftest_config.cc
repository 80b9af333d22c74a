#include "gatehouse/conftest_config.h"

#include <toml++/toml.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "common/common_errors.h"
#include "gatehouse/policy_files.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::app {
namespace {

namespace fs = std::filesystem;

Error ConfigError(const std::string& detail) {
  return MakeError(CommonError::kInvalidArgument,
                   "read in config: error reading config: " + detail);
}

std::string ScalarText(const value::Value& v) {
  if (v.is_string()) return *v.AsString();
  if (v.is_bool()) return *v.AsBool() ? "true" : "false";
  return value::ToJson(v);
}

Result<ConftestSettings> FromValue(const value::Value& doc, const std::string& path) {
  ConftestSettings out;
  if (doc.is_null()) return out;
  if (!doc.is_object()) return ConfigError(path + ": not a mapping of settings");
  for (const value::Member& m : *doc.AsObject()) {
    const value::Value& v = m.value;
    std::vector<std::string> items;
    if (v.is_array()) {
      for (const value::Value& item : *v.AsArray()) items.push_back(ScalarText(item));
    } else {
      items.push_back(ScalarText(v));
    }
    out[m.key] = std::move(items);
  }
  return out;
}

Result<ConftestSettings> FromToml(const std::string& text, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    return ConfigError(std::string(e.description()) + " at line " +
                       std::to_string(e.source().begin.line));
  }
  ConftestSettings out;
  for (const auto& [key, node] : table) {
    std::vector<std::string> items;
    auto scalar = [](const toml::node& n) -> std::string {
      if (auto s = n.value<std::string>()) return *s;
      if (auto b = n.value<bool>()) return *b ? "true" : "false";
      if (auto i = n.value<std::int64_t>()) return std::to_string(*i);
      if (auto d = n.value<double>()) return std::to_string(*d);
      return "";
    };
    if (const toml::array* arr = node.as_array()) {
      for (const toml::node& item : *arr) items.push_back(scalar(item));
    } else {
      items.push_back(scalar(node));
    }
    out[std::string(key.str())] = std::move(items);
  }
  return out;
}

}  // namespace

Result<ConftestSettings> ReadConftestConfig(const std::string& path) {
  std::string file = path;
  if (file.empty()) {
    for (const char* candidate :
         {"conftest.toml", "conftest.json", "conftest.yaml", "conftest.yml"}) {
      std::error_code ec;
      if (fs::is_regular_file(candidate, ec)) {
        file = candidate;
        break;
      }
    }
    if (file.empty()) return ConftestSettings{};
  }
  Result<std::string> text = ReadWholeFile(file, 1 << 20);
  if (!text) return ConfigError("open " + file + ": no such file or directory");
  const std::string ext = fs::path(file).extension().string();
  if (ext == ".json") {
    auto doc = value::ParseJson(*text);
    if (!doc) return ConfigError(doc.error().message);
    return FromValue(*doc, file);
  }
  if (ext == ".yaml" || ext == ".yml") {
    auto doc = value::ParseYaml(*text);
    if (!doc) return ConfigError(doc.error().message);
    return FromValue(*doc, file);
  }
  return FromToml(*text, file);
}

std::optional<std::string> ConftestEnvironment(const std::string& key) {
  std::string name = "CONFTEST_";
  for (char c : key) {
    name += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  const char* v = std::getenv(name.c_str());
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

}  // namespace gatehouse::app
