#include "adapters/kubernetes/watch_event.h"

#include "value/json.h"
#include "value/value_errors.h"

namespace gatehouse::adapters {
namespace {

Error Invalid(std::string what) {
  return MakeError(value::ValueError::kInvalidJson, std::move(what));
}

}  // namespace

const std::string* ResourceVersionOf(const value::Value& object) {
  const value::Value* metadata = object.Find("metadata");
  const value::Value* rv = metadata ? metadata->Find("resourceVersion") : nullptr;
  return rv && rv->AsString() && !rv->AsString()->empty() ? rv->AsString() : nullptr;
}

Result<ResourceListPage> ParseResourceList(std::string_view body) {
  Result<value::Value> list = value::ParseJson(body);
  if (!list) return Invalid("list: " + list.error().message);
  value::Value* items = list->is_object() ? list->FindMutable("items") : nullptr;
  const std::string* rv = list->is_object() ? ResourceVersionOf(*list) : nullptr;
  // "items": null is how Go encodes an empty list in some versions; accept it as empty.
  if (rv == nullptr || (items != nullptr && !items->is_array() && !items->is_null())) {
    return Invalid("list: not a list with metadata.resourceVersion");
  }
  ResourceListPage page;
  page.resource_version = *rv;
  if (const value::Value* metadata = list->Find("metadata")) {
    if (const value::Value* token = metadata->Find("continue"); token && token->AsString()) {
      page.continue_token = *token->AsString();
    }
  }
  if (items != nullptr && items->is_array()) page.items = std::move(*items->MutableArray());
  // Items of a typed list carry no apiVersion or kind: they are the list's, without "List".
  const value::Value* list_kind = list->Find("kind");
  const value::Value* list_version = list->Find("apiVersion");
  std::string kind = list_kind && list_kind->AsString() ? *list_kind->AsString() : "";
  if (kind.size() > 4 && kind.compare(kind.size() - 4, 4, "List") == 0)
    kind.resize(kind.size() - 4);
  for (value::Value& item : page.items) {
    if (!item.is_object()) continue;
    if (item.Find("apiVersion") == nullptr && list_version && list_version->AsString()) {
      item.Set("apiVersion", *list_version->AsString());
    }
    if (item.Find("kind") == nullptr && !kind.empty()) item.Set("kind", kind);
  }
  return page;
}

Result<WatchEvent> ParseWatchEvent(std::string_view line) {
  Result<value::Value> event = value::ParseJson(line);
  if (!event) return Invalid("watch event: " + event.error().message);
  const value::Value* type = event->is_object() ? event->Find("type") : nullptr;
  value::Value* object = event->is_object() ? event->FindMutable("object") : nullptr;
  if (type == nullptr || !type->AsString() || object == nullptr || !object->is_object()) {
    return Invalid("watch event: no type or object");
  }
  WatchEvent out;
  const std::string& name = *type->AsString();
  if (name == "ERROR") {
    out.type = WatchEvent::Type::kError;
    const value::Value* code = object->Find("code");
    out.status_code = code && code->AsInt() ? static_cast<int>(*code->AsInt()) : 0;
    for (const char* field : {"reason", "message"}) {
      const value::Value* v = object->Find(field);
      if (v == nullptr || !v->AsString()) continue;
      if (!out.status_message.empty()) out.status_message += ": ";
      out.status_message += v->AsString()->substr(0, 200);
    }
    out.object = std::move(*object);
    return out;
  }
  if (name == "ADDED") {
    out.type = WatchEvent::Type::kAdded;
  } else if (name == "MODIFIED") {
    out.type = WatchEvent::Type::kModified;
  } else if (name == "DELETED") {
    out.type = WatchEvent::Type::kDeleted;
  } else if (name == "BOOKMARK") {
    out.type = WatchEvent::Type::kBookmark;
  } else {
    return Invalid("watch event: unknown type \"" + name.substr(0, 40) + "\"");
  }
  const std::string* rv = ResourceVersionOf(*object);
  if (rv == nullptr) return Invalid("watch event " + name + ": no metadata.resourceVersion");
  out.resource_version = *rv;
  out.object = std::move(*object);
  return out;
}

}  // namespace gatehouse::adapters
