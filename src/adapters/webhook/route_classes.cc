#include "adapters/webhook/route_classes.h"

#include <algorithm>
#include <thread>

#include "adapters/admission/admission_service.h"
#include "adapters/registry/registry_service.h"

namespace gatehouse::adapters {
namespace {

constexpr std::size_t kReviewClass = 0;
constexpr std::size_t kRegistryClass = 1;
constexpr std::size_t kNoClass = 2;

}  // namespace

void ConfigureRouteClasses(const RouteLimits& limits, bool registry_enabled,
                           ServerOptions& options) {
  using registry_service::RegistryService;
  options.route_classes.clear();
  RouteClass reviews;
  reviews.name = "reviews";
  reviews.max_in_flight = limits.review_max_in_flight;
  options.route_classes.push_back(reviews);
  if (registry_enabled) {
    RouteClass registry;
    registry.name = "registry";
    registry.max_in_flight = std::max<std::size_t>(1, limits.registry_max_in_flight);
    registry.worker_threads =
        limits.registry_workers > 0
            ? limits.registry_workers
            : static_cast<int>(std::max(1u, std::thread::hardware_concurrency() / 2));
    registry.worker_nice = limits.registry_worker_nice;
    registry.overloaded = RegistryService::Overloaded();
    options.route_classes.push_back(registry);
  }
  options.classify = [registry_enabled](const ServerRequest& request) -> std::size_t {
    const std::string& path = request.path;
    if (path == "/webhook" || path == "/authenticate" || path == "/authorize" ||
        AdmissionService::Handles(path)) {
      return kReviewClass;
    }
    if (registry_enabled && RegistryService::Handles(path)) return kRegistryClass;
    return kNoClass;
  };
}

}  // namespace gatehouse::adapters
