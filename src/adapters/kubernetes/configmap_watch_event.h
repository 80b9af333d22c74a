// The pure part of watching one ConfigMap key: reading a list answer and one watch event line as
// the Kubernetes API sends them (https://kubernetes.io/docs/reference/using-api/api-concepts/
// "Efficient detection of changes"). No I/O, no state; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "adapters/kubernetes/watch_event.h"
#include "common/result.h"

namespace gatehouse::adapters {

// What a list by name says: the list's metadata.resourceVersion (to watch from) and `data[key]`
// of its item; nullopt text when there is no item or no such key (a string value only).
struct ConfigMapListState {
  std::string resource_version;
  std::optional<std::string> text;
};

// Errors: "invalid_json" (not JSON, not a list, no metadata.resourceVersion).
Result<ConfigMapListState> ParseConfigMapList(std::string_view body, const std::string& key);

struct ConfigMapWatchEvent {
  using Type = WatchEvent::Type;
  Type type = Type::kAdded;
  std::string resource_version;     // the object's; "" for kError
  std::optional<std::string> text;  // data[key]; always nullopt for kDeleted/kBookmark/kError
  int status_code = 0;              // kError: the Status object's code (410: Expired / Gone)
  std::string status_message;       // kError: the Status object's reason and message
};

// One line of a watch stream: {"type": ..., "object": ...}. Errors: "invalid_json" (not JSON,
// unknown type, no object, an ADDED/MODIFIED/DELETED/BOOKMARK object without a resourceVersion).
Result<ConfigMapWatchEvent> ParseConfigMapWatchEvent(std::string_view line, const std::string& key);

}  // namespace gatehouse::adapters
