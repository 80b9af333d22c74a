// Reading fields of Kubernetes documents (value::Value trees): a member by path, and a string
// member by path ("" when absent or not a string). Shared by the admission core's readers of
// templates, constraints, requests and suites. Pure, header-only.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "value/value.h"

namespace gatehouse::admission {

// The member at `path` below `v`, or null when a step is missing.
inline const value::Value* FieldAt(const value::Value& v,
                                   std::initializer_list<std::string_view> path) {
  const value::Value* at = &v;
  for (std::string_view key : path) {
    at = at->Find(key);
    if (at == nullptr) return nullptr;
  }
  return at;
}

// The string at `path`, or "" when it is absent or not a string.
inline std::string StringAt(const value::Value& v, std::initializer_list<std::string_view> path) {
  const value::Value* at = FieldAt(v, path);
  return at != nullptr && at->is_string() ? *at->AsString() : std::string();
}

}  // namespace gatehouse::admission
