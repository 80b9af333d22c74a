#include "adapters/kubernetes/configmap_watch_event.h"

namespace gatehouse::adapters {

std::optional<std::string> FindConfigMapData(const value::Value* config_map,
                                             const std::string& key) {
  const value::Value* data = config_map ? config_map->Find("data") : nullptr;
  const value::Value* entry = data ? data->Find(key) : nullptr;
  if (entry == nullptr || !entry->AsString()) return std::nullopt;
  return *entry->AsString();
}

}  // namespace gatehouse::adapters
