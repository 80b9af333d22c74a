// Fuzzes the readers of what the Kubernetes API answers a controller: a watch event line, a list
// page, discovery's APIResourceList and APIGroupList, a Lease, and the status a constraint's or
// template's object carries (StatusPatch). The first byte picks the reader, the rest is the body.
// Any input must give a value or an Error, never a crash or a hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "adapters/kubernetes/api_discovery.h"
#include "adapters/kubernetes/watch_event.h"
#include "admission/resource_status.h"
#include "k8s/lease.h"
#include "value/json.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse;  // NOLINT: a fuzz target
  if (size == 0 || size > (1 << 20)) return 0;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      (void)adapters::ParseWatchEvent(body);
      break;
    case 1:
      (void)adapters::ParseResourceList(body);
      break;
    case 2:
      (void)adapters::ParseApiResourceList(body);
      break;
    case 3:
      (void)adapters::ParseApiGroupList(body);
      break;
    case 4:
      if (Result<value::Value> doc = value::ParseJson(body)) (void)k8s::ParseLease(*doc);
      break;
    default:
      if (Result<value::Value> doc = value::ParseJson(body); doc && doc->is_object()) {
        const value::Value wanted = admission::TemplateStatus(*doc, "fuzz-0", true, {});
        (void)admission::StatusPatch(*doc, wanted, admission::TemplateStatusFields());
        (void)admission::ConstraintStatus(*doc, "fuzz-0", false, {}, std::nullopt);
      }
      break;
  }
  return 0;
}
