// `gatehouse registry audit [--resource PREFIX] [--limit N]`: who changed what, newest first.
#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "common/codec/rfc3339.h"
#include "gatehouse/registry_cmd.h"
#include "registry/token_response.h"
#include "value/json.h"
#include "value/value.h"

namespace gatehouse::app::registry_cli {
namespace {

using value::Value;

constexpr std::size_t kMaxResourceBytes = 512;

Value EventJson(const registry::AuditEvent& event) {
  Value out = Value::MakeObject();
  out.Set("id", Value(event.id));
  out.Set("time", Value(codec::FormatRfc3339Utc(event.time)));
  out.Set("actor", Value(event.actor));
  out.Set("operation", Value(event.operation));
  out.Set("resource", Value(event.resource));
  out.Set("detail", Value(event.detail));
  return out;
}

int Audit(registry::AuditStore& store, const RegistryFlags& f) {
  if (!f.resource.empty()) {
    if (Status valid = CheckPlainText("--resource", f.resource, kMaxResourceBytes); !valid) {
      return FailWith(valid.error());
    }
  }
  if (f.limit < 0) return Fail("--limit must not be negative", 2);
  registry::AuditFilter filter;
  filter.resource_prefix = f.resource;
  filter.page.page_size =
      f.limit > 0 ? std::min(f.limit, registry::kMaxPageSize) : registry::kMaxPageSize;
  Value items = Value::MakeArray();
  std::int64_t printed = 0;
  if (f.output != "json") std::cout << "TIME\tACTOR\tOPERATION\tRESOURCE\tDETAIL\n";
  for (;; ++filter.page.page) {
    Result<registry::Listing<registry::AuditEvent>> listing = store.ListAuditEvents(filter);
    if (!listing) return FailWith(listing.error());
    for (const registry::AuditEvent& event : listing->items) {
      if (f.limit > 0 && printed == f.limit) break;
      ++printed;
      if (f.output == "json") {
        items.Append(EventJson(event));
      } else {
        // Actors and resources can carry names an identity provider chose: escaped.
        std::cout << codec::FormatRfc3339Utc(event.time) << "\t" << Printable(event.actor) << "\t"
                  << Printable(event.operation) << "\t" << Printable(event.resource) << "\t"
                  << Printable(event.detail) << "\n";
      }
    }
    if ((f.limit > 0 && printed == f.limit) || listing->items.empty() ||
        filter.page.page * filter.page.page_size >= listing->total) {
      break;
    }
  }
  if (f.output == "json") std::cout << value::ToJson(items) << "\n";
  return 0;
}

}  // namespace

void RegisterAuditCommand(CLI::App* registry, const std::shared_ptr<RegistryFlags>& flags,
                          int* exit_code) {
  RegistryFlags& f = *flags;
  CLI::App* cmd =
      Sub(registry, "audit", "print the audit log (who changed what), newest first; never secrets");
  cmd->add_option("--resource", f.resource,
                  "only events whose resource starts with this, e.g. project/team-a, "
                  "robot/team-a+ci, user/alice");
  cmd->add_option("--limit", f.limit, "print at most this many events (default: all)");
  AddOutput(cmd, f);
  cmd->callback(RunWithStore(flags, exit_code, Audit));
}

}  // namespace gatehouse::app::registry_cli
