// Test helper: the requests a real kube-apiserver 1.26 sent (tests/data/kube-apiserver-1.26,
// through GATEHOUSE_TEST_DATA_DIR), read at run time so new captures are covered without
// touching the tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "value/json.h"
#include "value/value.h"

namespace gatehouse::k8s::samples {

inline std::filesystem::path SampleDir() {
  return std::filesystem::path(GATEHOUSE_TEST_DATA_DIR) / "kube-apiserver-1.26";
}

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

inline value::Value ParseFile(const std::filesystem::path& path) {
  Result<value::Value> parsed = value::ParseJson(ReadFile(path));
  EXPECT_TRUE(parsed) << path << ": " << parsed.error().ToString();
  return parsed ? *parsed : value::Value();
}

struct Sample {
  std::string name;
  value::Value body;  // the captured request's JSON body
};

// Every captured webhook request whose body has the given kind, sorted by file name.
inline std::vector<Sample> SamplesOfKind(const std::string& kind) {
  std::vector<Sample> out;
  for (const auto& entry : std::filesystem::directory_iterator(SampleDir())) {
    if (entry.path().extension() != ".json") continue;
    value::Value file = ParseFile(entry.path());
    const value::Value* body = file.Find("request");
    if (body == nullptr) continue;
    const value::Value* body_kind = body->Find("kind");
    if (body_kind == nullptr || body_kind->AsString() == nullptr) continue;
    if (*body_kind->AsString() == kind) out.push_back({entry.path().filename().string(), *body});
  }
  std::sort(out.begin(), out.end(),
            [](const Sample& a, const Sample& b) { return a.name < b.name; });
  return out;
}

inline value::Value Json(const std::string& text) {
  Result<value::Value> parsed = value::ParseJson(text);
  EXPECT_TRUE(parsed) << text;
  return parsed ? *parsed : value::Value();
}

}  // namespace gatehouse::k8s::samples
