// Test/bench-only loader of Gatekeeper library suites (`suite.yaml` as `gator verify` reads
// them): each test's ConstraintTemplate (read by admission/constraint_template.h), its
// constraint's parameters, and each case's object, inventory
// and assertions. Builds the input Gatekeeper gives templates: `input.review` (an admission
// request for the object: kind, name, namespace, operation CREATE, object) and
// `input.parameters`; and `data.inventory` (cluster / namespace trees) from inventory objects.
// Header-only (used by the conformance runner and the benchmarks). Reads files; not for src/.
#pragma once

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "admission/constraint_template.h"
#include "common/common_errors.h"
#include "common/result.h"
#include "rego/engine.h"
#include "rego/value.h"
#include "value/yaml.h"

namespace gatehouse::testing::gatekeeper {

struct Assertion {
  std::optional<std::string> message;  // a regular expression over violation messages
  std::string violations;              // "yes", "no" or a count
};

struct Case {
  std::string name;
  rego::Value input;      // {"review": ..., "parameters": ...}
  rego::Value inventory;  // data.inventory
  std::vector<Assertion> assertions;
};

struct Test {
  std::string suite;  // folder name, e.g. "containerlimits"
  std::string name;
  std::string package;                    // the template's package: query data.<package>.violation
  std::vector<rego::SourceFile> modules;  // template rego + libs
  std::vector<Case> cases;
};

inline Result<std::string> ReadText(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return MakeError(CommonError::kFileUnreadable, path.string());
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline Result<value::Value> ReadYaml(const std::filesystem::path& path) {
  Result<std::string> text = ReadText(path);
  if (!text) return text.error();
  value::YamlLimits limits;
  limits.max_bytes = 16 << 20;
  limits.max_depth = 256;
  Result<std::vector<value::Value>> docs = value::ParseYamlStream(*text, limits);
  if (!docs) return MakeError(docs.error().code, path.string() + ": " + docs.error().message);
  for (value::Value& doc : *docs) {
    if (!doc.is_null()) return std::move(doc);
  }
  return value::Value(nullptr);
}

inline std::string StringAt(const value::Value& v, std::initializer_list<const char*> path) {
  const value::Value* at = &v;
  for (const char* key : path) {
    at = at->Find(key);
    if (at == nullptr) return {};
  }
  return at->AsString() ? *at->AsString() : std::string();
}

// The admission request Gatekeeper builds for an object under test.
inline value::Value ReviewOf(const value::Value& object) {
  value::Value review = value::Value::MakeObject();
  const std::string api_version = StringAt(object, {"apiVersion"});
  const auto slash = api_version.find('/');
  value::Value kind = value::Value::MakeObject();
  kind.Set("group", slash == std::string::npos ? "" : api_version.substr(0, slash));
  kind.Set("version", slash == std::string::npos ? api_version : api_version.substr(slash + 1));
  kind.Set("kind", StringAt(object, {"kind"}));
  review.Set("kind", kind);
  review.Set("name", StringAt(object, {"metadata", "name"}));
  const std::string ns = StringAt(object, {"metadata", "namespace"});
  if (!ns.empty()) review.Set("namespace", ns);
  review.Set("operation", "CREATE");
  review.Set("object", object);
  return review;
}

// data.inventory: cluster[apiVersion][kind][name] or namespace[ns][apiVersion][kind][name].
inline void AddToInventory(value::Value& inventory, const value::Value& object) {
  const std::string api_version = StringAt(object, {"apiVersion"});
  const std::string kind = StringAt(object, {"kind"});
  const std::string name = StringAt(object, {"metadata", "name"});
  const std::string ns = StringAt(object, {"metadata", "namespace"});
  value::Value* at = &inventory;
  auto step = [&at](const std::string& key) {
    if (at->Find(key) == nullptr) at->Set(key, value::Value::MakeObject());
    at = at->FindMutable(key);
  };
  if (ns.empty()) {
    step("cluster");
  } else {
    step("namespace");
    step(ns);
  }
  step(api_version);
  step(kind);
  at->Set(name, object);
}

inline Result<Test> LoadTest(const std::filesystem::path& dir, const value::Value& spec) {
  Test test;
  test.suite = dir.filename().string();
  test.name = StringAt(spec, {"name"});
  Result<value::Value> tmpl = ReadYaml(dir / StringAt(spec, {"template"}));
  if (!tmpl) return tmpl.error();
  auto parsed = admission::ParseConstraintTemplate(*tmpl, test.suite + "/template.yaml");
  if (!parsed) return MakeError(parsed.error().code, test.suite + ": " + parsed.error().message);
  test.package = parsed->package;
  test.modules = std::move(parsed->modules);
  value::Value parameters = value::Value::MakeObject();
  if (std::string constraint = StringAt(spec, {"constraint"}); !constraint.empty()) {
    Result<value::Value> c = ReadYaml(dir / constraint);
    if (!c) return c.error();
    if (const value::Value* s = c->Find("spec"); s && s->Find("parameters")) {
      parameters = *s->Find("parameters");
    }
  }
  const value::Value* cases = spec.Find("cases");
  if (cases == nullptr || !cases->AsArray()) return test;
  for (const value::Value& c : *cases->AsArray()) {
    Case out;
    out.name = StringAt(c, {"name"});
    Result<value::Value> object = ReadYaml(dir / StringAt(c, {"object"}));
    if (!object) return object.error();
    value::Value input = value::Value::MakeObject();
    input.Set("review", ReviewOf(*object));
    input.Set("parameters", parameters);
    out.input = rego::FromJson(input);
    value::Value inventory = value::Value::MakeObject();
    if (const value::Value* inv = c.Find("inventory"); inv && inv->AsArray()) {
      for (const value::Value& file : *inv->AsArray()) {
        if (!file.AsString()) continue;
        Result<value::Value> item = ReadYaml(dir / *file.AsString());
        if (!item) return item.error();
        AddToInventory(inventory, *item);
      }
    }
    out.inventory = rego::FromJson(inventory);
    if (const value::Value* asserts = c.Find("assertions"); asserts && asserts->AsArray()) {
      for (const value::Value& a : *asserts->AsArray()) {
        Assertion assertion;
        if (const value::Value* m = a.Find("message"); m && m->AsString()) {
          assertion.message = *m->AsString();
        }
        const value::Value* v = a.Find("violations");
        if (v == nullptr) {
          assertion.violations = "yes";
        } else if (v->AsString()) {
          assertion.violations = *v->AsString();
        } else if (v->AsBool()) {
          assertion.violations = *v->AsBool() ? "yes" : "no";
        } else if (v->AsInt()) {
          assertion.violations = std::to_string(*v->AsInt());
        }
        out.assertions.push_back(std::move(assertion));
      }
    }
    test.cases.push_back(std::move(out));
  }
  return test;
}

// Every test of every suite under `library` (recursively), in path order.
inline Result<std::vector<Test>> LoadLibrary(const std::filesystem::path& library) {
  std::vector<std::filesystem::path> suites;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(library)) {
    if (entry.path().filename() == "suite.yaml") suites.push_back(entry.path());
  }
  std::sort(suites.begin(), suites.end());
  std::vector<Test> tests;
  for (const auto& suite_path : suites) {
    Result<value::Value> suite = ReadYaml(suite_path);
    if (!suite) return suite.error();
    const value::Value* list = suite->Find("tests");
    if (list == nullptr || !list->AsArray()) continue;
    for (const value::Value& spec : *list->AsArray()) {
      Result<Test> test = LoadTest(suite_path.parent_path(), spec);
      if (!test) return test.error();
      tests.push_back(std::move(*test));
    }
  }
  return tests;
}

}  // namespace gatehouse::testing::gatekeeper
