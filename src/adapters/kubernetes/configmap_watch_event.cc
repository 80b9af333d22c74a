#include "adapters/kubernetes/configmap_watch_event.h"

#include "value/json.h"
#include "value/value_errors.h"

namespace gatehouse::adapters {
namespace {

std::optional<std::string> DataKey(const value::Value& object, const std::string& key) {
  const value::Value* data = object.Find("data");
  const value::Value* entry = data ? data->Find(key) : nullptr;
  if (entry == nullptr || !entry->AsString()) return std::nullopt;
  return *entry->AsString();
}

const std::string* ResourceVersion(const value::Value& object) {
  const value::Value* metadata = object.Find("metadata");
  const value::Value* rv = metadata ? metadata->Find("resourceVersion") : nullptr;
  return rv && rv->AsString() && !rv->AsString()->empty() ? rv->AsString() : nullptr;
}

Error Invalid(std::string what) {
  return MakeError(value::ValueError::kInvalidJson, std::move(what));
}

}  // namespace

Result<ConfigMapListState> ParseConfigMapList(std::string_view body, const std::string& key) {
  Result<value::Value> list = value::ParseJson(body);
  if (!list) return Invalid("ConfigMap list: " + list.error().message);
  const value::Value* items = list->is_object() ? list->Find("items") : nullptr;
  const std::string* rv = list->is_object() ? ResourceVersion(*list) : nullptr;
  // "items": null is how Go encodes an empty list in some versions; accept it as empty.
  if (rv == nullptr || (items != nullptr && !items->is_array() && !items->is_null())) {
    return Invalid("ConfigMap list: not a list with metadata.resourceVersion");
  }
  ConfigMapListState state;
  state.resource_version = *rv;
  if (items != nullptr && items->is_array() && !items->AsArray()->empty()) {
    state.text = DataKey(items->AsArray()->front(), key);
  }
  return state;
}

Result<ConfigMapWatchEvent> ParseConfigMapWatchEvent(std::string_view line,
                                                     const std::string& key) {
  Result<value::Value> event = value::ParseJson(line);
  if (!event) return Invalid("watch event: " + event.error().message);
  const value::Value* type = event->is_object() ? event->Find("type") : nullptr;
  const value::Value* object = event->is_object() ? event->Find("object") : nullptr;
  if (type == nullptr || !type->AsString() || object == nullptr || !object->is_object()) {
    return Invalid("watch event: no type or object");
  }
  ConfigMapWatchEvent out;
  const std::string& name = *type->AsString();
  if (name == "ERROR") {
    out.type = ConfigMapWatchEvent::Type::kError;
    const value::Value* code = object->Find("code");
    out.status_code = code && code->AsInt() ? static_cast<int>(*code->AsInt()) : 0;
    for (const char* field : {"reason", "message"}) {
      const value::Value* v = object->Find(field);
      if (v == nullptr || !v->AsString()) continue;
      if (!out.status_message.empty()) out.status_message += ": ";
      out.status_message += v->AsString()->substr(0, 200);
    }
    return out;
  }
  if (name == "ADDED") {
    out.type = ConfigMapWatchEvent::Type::kAdded;
  } else if (name == "MODIFIED") {
    out.type = ConfigMapWatchEvent::Type::kModified;
  } else if (name == "DELETED") {
    out.type = ConfigMapWatchEvent::Type::kDeleted;
  } else if (name == "BOOKMARK") {
    out.type = ConfigMapWatchEvent::Type::kBookmark;
  } else {
    return Invalid("watch event: unknown type \"" + name.substr(0, 40) + "\"");
  }
  const std::string* rv = ResourceVersion(*object);
  if (rv == nullptr) return Invalid("watch event " + name + ": no metadata.resourceVersion");
  out.resource_version = *rv;
  if (out.type == ConfigMapWatchEvent::Type::kAdded ||
      out.type == ConfigMapWatchEvent::Type::kModified) {
    out.text = DataKey(*object, key);
  }
  return out;
}

}  // namespace gatehouse::adapters
