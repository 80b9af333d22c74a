// Reading one ConfigMap key out of a list answer and out of one watch event line, on lines a
// real kube-apiserver 1.26 sent (tests/data/kube-apiserver-1.26/api/configmap-list-watch.json):
// the generic readers (watch_event.h) then FindConfigMapData().
#include "adapters/kubernetes/configmap_watch_event.h"

#include <gtest/gtest.h>

#include "adapters/kubernetes/watch_event.h"
#include "value/value_errors.h"

namespace gatehouse::adapters {
namespace {

using Type = WatchEvent::Type;

TEST(ConfigMapWatchEventTest, ModifiedCarriesTheKey) {
  Result<WatchEvent> event = ParseWatchEvent(
      R"({"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"gatehouse-policy","namespace":"gatehouse-system","resourceVersion":"197"},"data":{"policy.yaml":"mode: audit\n"}}})");
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->type, Type::kModified);
  EXPECT_EQ(event->resource_version, "197");
  std::optional<std::string> text = FindConfigMapData(&event->object, "policy.yaml");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "mode: audit\n");
}

TEST(ConfigMapWatchEventTest, AddedWithoutTheKeyIsAbsent) {
  Result<WatchEvent> event = ParseWatchEvent(
      R"({"type":"ADDED","object":{"metadata":{"resourceVersion":"206"},"data":{"other":"x","n":1}}})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, Type::kAdded);
  EXPECT_FALSE(FindConfigMapData(&event->object, "policy.yaml").has_value());
  EXPECT_FALSE(FindConfigMapData(&event->object, "n").has_value());  // not a string
  EXPECT_EQ(FindConfigMapData(&event->object, "other"), "x");
}

TEST(ConfigMapWatchEventTest, NoConfigMapOrNoDataIsAbsent) {
  EXPECT_FALSE(FindConfigMapData(nullptr, "policy.yaml").has_value());
  const value::Value no_data(value::Object{{"metadata", value::Object{{"name", "p"}}}});
  EXPECT_FALSE(FindConfigMapData(&no_data, "policy.yaml").has_value());
  const value::Value data_not_object(value::Object{{"data", "policy.yaml"}});
  EXPECT_FALSE(FindConfigMapData(&data_not_object, "policy.yaml").has_value());
}

// A DELETED event still carries the object's last data; ConfigMapWatch offers absent because the
// reflector drops the object from its copy (ConfigMapWatchTest covers that end to end).
TEST(ConfigMapWatchEventTest, DeletedCarriesTheResourceVersion) {
  Result<WatchEvent> event = ParseWatchEvent(
      R"({"type":"DELETED","object":{"metadata":{"resourceVersion":"198"},"data":{"policy.yaml":"mode: audit\n"}}})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, Type::kDeleted);
  EXPECT_EQ(event->resource_version, "198");
}

TEST(ConfigMapWatchEventTest, BookmarkOnlyCarriesTheResourceVersion) {
  Result<WatchEvent> event = ParseWatchEvent(
      R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"198","creationTimestamp":null}}})");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, Type::kBookmark);
  EXPECT_EQ(event->resource_version, "198");
  EXPECT_FALSE(FindConfigMapData(&event->object, "policy.yaml").has_value());
}

TEST(ConfigMapWatchEventTest, ErrorCarriesTheStatus) {
  Result<WatchEvent> event = ParseWatchEvent(
      R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 194 (203)","reason":"Expired","code":410}})json");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, Type::kError);
  EXPECT_EQ(event->status_code, 410);
  EXPECT_EQ(event->status_message, "Expired: too old resource version: 194 (203)");
}

TEST(ConfigMapWatchEventTest, InvalidLinesAreRefused) {
  for (const char* line :
       {"not json", "[]", R"({"type":"MODIFIED"})", R"({"type":"SYNC","object":{}})",
        R"({"type":"MODIFIED","object":{"metadata":{}}})",
        R"({"type":"BOOKMARK","object":{"metadata":{"resourceVersion":""}}})"}) {
    Result<WatchEvent> event = ParseWatchEvent(line);
    ASSERT_FALSE(event) << line;
    EXPECT_EQ(event.error().code, value::ValueError::kInvalidJson) << line;
  }
  EXPECT_EQ(ParseWatchEvent(R"({"type":"SYNC","object":{}})").error().message,
            "watch event: unknown type \"SYNC\"");
}

TEST(ConfigMapListTest, ItemAndResourceVersion) {
  Result<ResourceListPage> page = ParseResourceList(
      R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"194"},"items":[{"metadata":{"name":"gatehouse-policy","resourceVersion":"193"},"data":{"policy.yaml":"mode: enforce\n"}}]})");
  ASSERT_TRUE(page) << page.error().message;
  EXPECT_EQ(page->resource_version, "194");  // the list's, not the item's
  ASSERT_EQ(page->items.size(), 1u);
  std::optional<std::string> text = FindConfigMapData(&page->items.front(), "policy.yaml");
  ASSERT_TRUE(text.has_value());
  EXPECT_EQ(*text, "mode: enforce\n");
}

TEST(ConfigMapListTest, EmptyListIsAbsent) {
  Result<ResourceListPage> page = ParseResourceList(
      R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"205"},"items":[]})");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->resource_version, "205");
  EXPECT_TRUE(page->items.empty());
}

TEST(ConfigMapListTest, NotAListIsRefused) {
  for (const char* body : {"", "{}", R"({"metadata":{"resourceVersion":"1"},"items":{}})"}) {
    Result<ResourceListPage> page = ParseResourceList(body);
    ASSERT_FALSE(page) << body;
    EXPECT_EQ(page.error().code, value::ValueError::kInvalidJson);
  }
}

}  // namespace
}  // namespace gatehouse::adapters
