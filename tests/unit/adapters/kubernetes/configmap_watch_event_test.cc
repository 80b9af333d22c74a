// The pure readers of a ConfigMap list answer and of one watch event line, on lines a real
// kube-apiserver 1.26 sent (tests/data/kube-apiserver-1.26/api/configmap-list-watch.json).
#include "adapters/kubernetes/configmap_watch_event.h"

#include <gtest/gtest.h>

#include "value/value_errors.h"

namespace gatehouse::adapters {
namespace {

using Type = ConfigMapWatchEvent::Type;

TEST(ConfigMapWatchEventTest, ModifiedCarriesTheKey) {
  Result<ConfigMapWatchEvent> event = ParseConfigMapWatchEvent(
      R"({"type":"MODIFIED","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"gatehouse-policy","namespace":"gatehouse-system","resourceVersion":"197"},"data":{"policy.yaml":"mode: audit\n"}}})",
      "policy.yaml");
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->type, Type::kModified);
  EXPECT_EQ(event->resource_version, "197");
  ASSERT_TRUE(event->text.has_value());
  EXPECT_EQ(*event->text, "mode: audit\n");
}

TEST(ConfigMapWatchEventTest, AddedWithoutTheKeyIsAbsent) {
  Result<ConfigMapWatchEvent> event = ParseConfigMapWatchEvent(
      R"({"type":"ADDED","object":{"metadata":{"resourceVersion":"206"},"data":{"other":"x","n":1}}})",
      "policy.yaml");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, Type::kAdded);
  EXPECT_FALSE(event->text.has_value());
}

TEST(ConfigMapWatchEventTest, DeletedIsAbsentEvenWithItsLastData) {
  Result<ConfigMapWatchEvent> event = ParseConfigMapWatchEvent(
      R"({"type":"DELETED","object":{"metadata":{"resourceVersion":"198"},"data":{"policy.yaml":"mode: audit\n"}}})",
      "policy.yaml");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, Type::kDeleted);
  EXPECT_EQ(event->resource_version, "198");
  EXPECT_FALSE(event->text.has_value());
}

TEST(ConfigMapWatchEventTest, BookmarkOnlyCarriesTheResourceVersion) {
  Result<ConfigMapWatchEvent> event = ParseConfigMapWatchEvent(
      R"({"type":"BOOKMARK","object":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"resourceVersion":"198","creationTimestamp":null}}})",
      "policy.yaml");
  ASSERT_TRUE(event);
  EXPECT_EQ(event->type, Type::kBookmark);
  EXPECT_EQ(event->resource_version, "198");
}

TEST(ConfigMapWatchEventTest, ErrorCarriesTheStatus) {
  Result<ConfigMapWatchEvent> event = ParseConfigMapWatchEvent(
      R"json({"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 194 (203)","reason":"Expired","code":410}})json",
      "policy.yaml");
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
    Result<ConfigMapWatchEvent> event = ParseConfigMapWatchEvent(line, "policy.yaml");
    ASSERT_FALSE(event) << line;
    EXPECT_EQ(event.error().code, value::ValueError::kInvalidJson) << line;
  }
  EXPECT_EQ(ParseConfigMapWatchEvent(R"({"type":"SYNC","object":{}})", "k").error().message,
            "watch event: unknown type \"SYNC\"");
}

TEST(ConfigMapListTest, ItemAndResourceVersion) {
  Result<ConfigMapListState> state = ParseConfigMapList(
      R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"194"},"items":[{"metadata":{"name":"gatehouse-policy","resourceVersion":"193"},"data":{"policy.yaml":"mode: enforce\n"}}]})",
      "policy.yaml");
  ASSERT_TRUE(state) << state.error().message;
  EXPECT_EQ(state->resource_version, "194");  // the list's, not the item's
  ASSERT_TRUE(state->text.has_value());
  EXPECT_EQ(*state->text, "mode: enforce\n");
}

TEST(ConfigMapListTest, EmptyListIsAbsent) {
  Result<ConfigMapListState> state = ParseConfigMapList(
      R"({"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"205"},"items":[]})",
      "policy.yaml");
  ASSERT_TRUE(state);
  EXPECT_EQ(state->resource_version, "205");
  EXPECT_FALSE(state->text.has_value());
}

TEST(ConfigMapListTest, NotAListIsRefused) {
  for (const char* body : {"", "{}", R"({"metadata":{"resourceVersion":"1"},"items":{}})"}) {
    Result<ConfigMapListState> state = ParseConfigMapList(body, "policy.yaml");
    ASSERT_FALSE(state) << body;
    EXPECT_EQ(state.error().code, value::ValueError::kInvalidJson);
  }
}

}  // namespace
}  // namespace gatehouse::adapters
