#include "adapters/kubernetes/collection_list.h"

#include "adapters/kubernetes/kubernetes_errors.h"
#include "adapters/kubernetes/watch_event.h"
#include "rego/builtins/url_query.h"

namespace gatehouse::adapters {
namespace {

enum class PageEnd { kDone, kExpired };

Result<PageEnd> ListPages(KubeClient& kube, const std::string& path, const std::string& selector,
                          const CollectionListOptions& options, std::vector<value::Value>& out) {
  std::string continue_token;
  do {
    // Query parameters sorted by name, as client-go sends them.
    std::string query;
    if (!continue_token.empty()) {
      query += "continue=" + rego::builtins::QueryEscape(continue_token) + "&";
    }
    if (!selector.empty()) query += selector + "&";
    query += "limit=" + std::to_string(options.page_size);
    Result<KubeAnswer> answer = kube.Call("GET", path + "?" + query);
    if (!answer) return answer.error();
    if (answer->status == 410 && !continue_token.empty()) return PageEnd::kExpired;
    if (!answer->ok()) return KubeApiError("listing " + path, *answer);
    Result<ResourceListPage> page = ParseResourceList(answer->body);
    if (!page) return MakeError(page.error().code, path + ": " + page.error().message);
    for (value::Value& item : page->items) out.push_back(std::move(item));
    if (out.size() > options.max_objects) {
      return MakeError(
          KubernetesError::kApiError,
          "listing " + path + ": more than " + std::to_string(options.max_objects) + " objects");
    }
    continue_token = page->continue_token;
  } while (!continue_token.empty());
  return PageEnd::kDone;
}

}  // namespace

Result<std::vector<value::Value>> ListCollection(KubeClient& kube, const std::string& path,
                                                 const std::string& selector,
                                                 CollectionListOptions options) {
  std::vector<value::Value> out;
  Result<PageEnd> end = ListPages(kube, path, selector, options, out);
  if (end && *end == PageEnd::kExpired) {
    out.clear();
    end = ListPages(kube, path, selector, options, out);
    if (end && *end == PageEnd::kExpired) {
      return MakeError(KubernetesError::kApiError,
                       "listing " + path + ": the continue token expired twice");
    }
  }
  if (!end) return end.error();
  return out;
}

}  // namespace gatehouse::adapters
