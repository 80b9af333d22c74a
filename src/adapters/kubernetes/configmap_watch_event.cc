#include "adapters/kubernetes/configmap_watch_event.h"

#include "adapters/kubernetes/watch_event.h"

namespace gatehouse::adapters {
namespace {

std::optional<std::string> DataKey(const value::Value& object, const std::string& key) {
  const value::Value* data = object.Find("data");
  const value::Value* entry = data ? data->Find(key) : nullptr;
  if (entry == nullptr || !entry->AsString()) return std::nullopt;
  return *entry->AsString();
}

}  // namespace

Result<ConfigMapListState> ParseConfigMapList(std::string_view body, const std::string& key) {
  Result<ResourceListPage> page = ParseResourceList(body);
  if (!page) {
    Error error = page.error();
    error.message = "ConfigMap " + error.message;
    return error;
  }
  ConfigMapListState state;
  state.resource_version = page->resource_version;
  if (!page->items.empty()) state.text = DataKey(page->items.front(), key);
  return state;
}

Result<ConfigMapWatchEvent> ParseConfigMapWatchEvent(std::string_view line,
                                                     const std::string& key) {
  Result<WatchEvent> event = ParseWatchEvent(line);
  if (!event) return event.error();
  ConfigMapWatchEvent out;
  out.type = event->type;
  out.resource_version = event->resource_version;
  out.status_code = event->status_code;
  out.status_message = event->status_message;
  if (event->type == WatchEvent::Type::kAdded || event->type == WatchEvent::Type::kModified) {
    out.text = DataKey(event->object, key);
  }
  return out;
}

}  // namespace gatehouse::adapters
