// The pure part of following one key of one ConfigMap: which state a ConfigMap object (or its
// absence) says for the key. Learning the object — list, watch events, 410, back-off — is
// ResourceReflector's, whose lines watch_event.h reads. No I/O, no state; safe from any thread.
#pragma once

#include <optional>
#include <string>

#include "value/value.h"

namespace gatehouse::adapters {

// `data[key]` of a ConfigMap; nullopt when `config_map` is null (no such ConfigMap: none listed,
// or deleted), has no `data`, no such key, or a value that is not a string. nullopt is what a
// WatchedSource reports as "source_missing".
std::optional<std::string> FindConfigMapData(const value::Value* config_map,
                                             const std::string& key);

}  // namespace gatehouse::adapters
