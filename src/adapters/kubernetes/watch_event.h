// The pure part of list + watch for any resource: reading a list answer and one watch event line
// as the Kubernetes API sends them (https://kubernetes.io/docs/reference/using-api/api-concepts/
// "Efficient detection of changes", "Retrieving large results sets in chunks"). No I/O, no
// state; safe from any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "value/value.h"

namespace gatehouse::adapters {

// One page of a list: its metadata.resourceVersion (to watch from), metadata.continue ("" on
// the last page) and the items, each with the list's apiVersion and kind (without "List") when
// it has none, as typed lists send them.
struct ResourceListPage {
  std::string resource_version;
  std::string continue_token;
  std::vector<value::Value> items;
};

// Errors: "invalid_json" (not JSON, not a list, no metadata.resourceVersion).
Result<ResourceListPage> ParseResourceList(std::string_view body);

struct WatchEvent {
  enum class Type { kAdded, kModified, kDeleted, kBookmark, kError };
  Type type = Type::kAdded;
  std::string resource_version;  // the object's; "" for kError
  value::Value object;           // the object (kError: the Status object)
  int status_code = 0;           // kError: the Status object's code (410: Expired / Gone)
  std::string status_message;    // kError: the Status object's reason and message
};

// One line of a watch stream: {"type": ..., "object": ...}. Errors: "invalid_json" (not JSON,
// unknown type, no object, an ADDED/MODIFIED/DELETED/BOOKMARK object without a resourceVersion).
Result<WatchEvent> ParseWatchEvent(std::string_view line);

// metadata.resourceVersion of an object or list; nullptr when absent or empty.
const std::string* ResourceVersionOf(const value::Value& object);

}  // namespace gatehouse::adapters
