#include "adapters/kubernetes/configmap_watch.h"

#include <vector>

#include "adapters/kubernetes/configmap_watch_event.h"

namespace gatehouse::adapters {

ConfigMapWatch::ConfigMapWatch(KubeConnection connection, std::unique_ptr<HttpStream> stream,
                               std::string namespace_name, std::string name, std::string key,
                               WatchedSource& target, ConfigMapWatchOptions options)
    : key_(std::move(key)),
      target_(target),
      // Namespace and object names are DNS labels / subdomains: nothing to escape in a path or in
      // the selector value. '=' in the selector is escaped as client-go escapes it.
      reflector_(
          std::move(connection), std::move(stream),
          "/api/v1/namespaces/" + namespace_name + "/configmaps",
          "fieldSelector=metadata.name%3D" + name, "ConfigMap " + namespace_name + "/" + name,
          [this] { OfferState(); }, [this](const Error& error) { (void)target_.Offer(error); },
          options) {}

ConfigMapWatch::~ConfigMapWatch() { Stop(); }

void ConfigMapWatch::OfferState() {
  // The selector leaves this one ConfigMap or nothing in the copy.
  const std::vector<std::shared_ptr<const value::Value>> objects = reflector_.Objects();
  Status outcome =
      target_.Offer(FindConfigMapData(objects.empty() ? nullptr : objects.front().get(), key_));
  std::lock_guard<std::mutex> lock(mutex_);
  offered_ = std::move(outcome);
}

Status ConfigMapWatch::List() {
  if (Status listed = reflector_.List(); !listed) return listed;  // offered as the error
  std::lock_guard<std::mutex> lock(mutex_);
  return offered_;  // what the list's OfferState() got
}

void ConfigMapWatch::Start() { reflector_.Start(); }

void ConfigMapWatch::Stop() { reflector_.Stop(); }

std::string ConfigMapWatch::resource_version() const { return reflector_.resource_version(); }

}  // namespace gatehouse::adapters
