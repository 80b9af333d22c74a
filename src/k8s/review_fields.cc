#include "k8s/review_fields.h"

#include "k8s/k8s_errors.h"
#include "value/json.h"

namespace gatehouse::k8s {

std::string QuoteForMessage(std::string_view s, std::size_t max_bytes) {
  bool truncated = false;
  if (s.size() > max_bytes) {
    std::size_t cut = max_bytes;
    // Back off continuation bytes (10xxxxxx) so the message stays valid UTF-8.
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s = s.substr(0, cut);
    truncated = true;
  }
  std::string out;
  value::AppendJsonString(out, s);
  if (truncated) out.insert(out.size() - 1, "...");
  return out;
}

Error InvalidField(std::string_view path, std::string_view what) {
  std::string message(path);
  message += ' ';
  message += what;
  return MakeError(K8sError::kInvalidField, std::move(message));
}

Result<std::string> ParseStringField(const value::Value& object, std::string_view key,
                                     std::string_view path) {
  const value::Value* v = object.Find(key);
  if (v == nullptr || v->is_null()) return std::string();
  const std::string* s = v->AsString();
  if (s == nullptr) return InvalidField(path, "must be a string");
  return *s;
}

Result<std::vector<std::string>> ParseStringList(const value::Value* v, std::string_view path) {
  std::vector<std::string> out;
  if (v == nullptr || v->is_null()) return out;
  const value::Array* array = v->AsArray();
  if (array == nullptr) return InvalidField(path, "must be an array of strings");
  out.reserve(array->size());
  for (std::size_t i = 0; i < array->size(); ++i) {
    const std::string* s = (*array)[i].AsString();
    if (s == nullptr) {
      return InvalidField(std::string(path) + "[" + std::to_string(i) + "]", "must be a string");
    }
    out.push_back(*s);
  }
  return out;
}

Result<const value::Value*> ParseOptionalObject(const value::Value& object, std::string_view key,
                                                std::string_view path) {
  const value::Value* v = object.Find(key);
  if (v == nullptr || v->is_null()) return static_cast<const value::Value*>(nullptr);
  if (!v->is_object()) return InvalidField(path, "must be an object");
  return v;
}

Result<const value::Value*> ParseSpec(const value::Value& body) {
  Result<const value::Value*> spec = ParseOptionalObject(body, "spec", "spec");
  if (spec && *spec == nullptr) return MakeError(K8sError::kMissingSpec, "the review has no spec");
  return spec;
}

Result<value::Value> ParseMetadata(const value::Value& body) {
  Result<const value::Value*> metadata = ParseOptionalObject(body, "metadata", "metadata");
  if (!metadata) return metadata.error();
  if (*metadata == nullptr) return value::Value();
  return **metadata;
}

}  // namespace gatehouse::k8s
