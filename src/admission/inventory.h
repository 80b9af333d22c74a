// Inventory: the objects Gatekeeper's templates see as `data.inventory`, laid out as Gatekeeper
// lays them out: `cluster[<apiVersion>][<kind>][<name>]` for cluster-scoped objects and
// `namespace[<namespace>][<apiVersion>][<kind>][<name>]` for namespaced ones; and the synced
// Namespace objects, which namespaceSelector matching reads.
//
// Immutable once built; share it across threads. Pure.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "rego/value.h"
#include "value/value.h"

namespace gatehouse::admission {

class Inventory {
 public:
  Inventory();
  // Objects without apiVersion, kind or name are left out (they cannot be addressed).
  // `namespaces` are Namespace objects known for namespaceSelector matching only (a controller
  // watches them whether or not the Config syncs them into the tree); synced Namespaces among
  // `objects` count too.
  static std::shared_ptr<const Inventory> Build(const std::vector<value::Value>& objects,
                                                const std::vector<value::Value>& namespaces = {});

  const rego::Value& tree() const { return tree_; }  // {"cluster": ..., "namespace": ...}
  const value::Value* FindNamespace(std::string_view name) const;
  std::size_t size() const { return size_; }

 private:
  rego::Value tree_;
  std::map<std::string, value::Value, std::less<>> namespaces_;
  std::size_t size_ = 0;
};

}  // namespace gatehouse::admission
