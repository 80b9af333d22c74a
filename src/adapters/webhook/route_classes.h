// The route classes of `gatehouse serve`: which requests share which limits and threads.
//
//   reviews   /webhook /authenticate /authorize   on the I/O threads (the API server waits on
//             /v1/admit /validate                 them: no hop), at most review_max_in_flight
//   registry  /service/token /api/v2.0/...        on workers of their own at a lower priority:
//                                                 a request may cost a PBKDF2 check (~30 ms), and
//                                                 a flood of wrong passwords must not delay a
//                                                 review past the API server's webhook timeout;
//                                                 beyond registry_max_in_flight: 429 at once
//   (none)    /healthz /readyz /metrics, 404s     on the I/O threads, unlimited
//
// Pure configuration of ServerOptions; no state.
#pragma once

#include <cstddef>

#include "adapters/http/http_server.h"

namespace gatehouse::adapters {

struct RouteLimits {
  std::size_t review_max_in_flight = 0;     // 0: no cap
  int registry_workers = 0;                 // 0: half the cores, at least 1
  std::size_t registry_max_in_flight = 64;  // handled or queued
  int registry_worker_nice = 10;
};

// Sets `options.route_classes` and `options.classify`; the registry class only when
// `registry_enabled`.
void ConfigureRouteClasses(const RouteLimits& limits, bool registry_enabled,
                           ServerOptions& options);

}  // namespace gatehouse::adapters
