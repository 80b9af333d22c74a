#include "registry/scope.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "registry/registry_errors.h"

namespace gatehouse::registry {
namespace {

using Actions = std::vector<std::string>;

ResourceScope Parse(std::string_view text) {
  Result<ResourceScope> scope = ParseResourceScope(text);
  EXPECT_TRUE(scope.has_value()) << text << ": " << scope.error().ToString();
  return scope ? *scope : ResourceScope{};
}

void ExpectInvalid(std::string_view text) {
  Result<ResourceScope> scope = ParseResourceScope(text);
  ASSERT_FALSE(scope.has_value()) << text;
  EXPECT_EQ(scope.error().code, RegistryError::kInvalidScope);
}

TEST(ScopeTest, ParsesRepositoryScope) {
  ResourceScope scope = Parse("repository:team-demo/app:pull,push");
  EXPECT_EQ(scope.type, "repository");
  EXPECT_EQ(scope.resource_class, "");
  EXPECT_EQ(scope.name, "team-demo/app");
  EXPECT_EQ(scope.actions, (Actions{"pull", "push"}));
}

TEST(ScopeTest, NameWithHostAndPortSplitsOnFirstAndLastColon) {
  ResourceScope scope = Parse("repository:localhost:5000/team/app:pull");
  EXPECT_EQ(scope.type, "repository");
  EXPECT_EQ(scope.name, "localhost:5000/team/app");
  EXPECT_EQ(scope.actions, (Actions{"pull"}));
  Result<RepositoryName> name = ParseRepositoryName(scope.name);
  ASSERT_TRUE(name.has_value());
  EXPECT_EQ(name->domain, "localhost:5000");
  EXPECT_EQ(name->path, "team/app");
  EXPECT_EQ(name->project, "team");
}

// Harbor's project names may hold dots, and the registry never puts a host in a scope.
TEST(ScopeTest, DottedFirstComponentIsTheProjectNotAHost) {
  for (const char* text : {"team.demo/app", "localhost/app", "registry.example.com/app"}) {
    SCOPED_TRACE(text);
    Result<RepositoryName> name = ParseRepositoryName(text);
    ASSERT_TRUE(name.has_value());
    EXPECT_EQ(name->domain, "");
    EXPECT_EQ(name->path, text);
    EXPECT_EQ(name->project, std::string(text).substr(0, std::string(text).find('/')));
  }
  Result<RepositoryName> with_port = ParseRepositoryName("registry.example.com:443/team.demo/app");
  ASSERT_TRUE(with_port.has_value());
  EXPECT_EQ(with_port->domain, "registry.example.com:443");
  EXPECT_EQ(with_port->project, "team.demo");
}

TEST(ScopeTest, ResourceClassSuffix) {
  ResourceScope scope = Parse("repository(plugin):team/plugin:pull");
  EXPECT_EQ(scope.type, "repository");
  EXPECT_EQ(scope.resource_class, "plugin");
  EXPECT_EQ(FormatScope(scope), "repository(plugin):team/plugin:pull");
}

TEST(ScopeTest, RegistryCatalog) {
  ResourceScope scope = Parse("registry:catalog:*");
  EXPECT_EQ(scope.type, "registry");
  EXPECT_EQ(scope.name, "catalog");
  EXPECT_EQ(scope.actions, (Actions{"*"}));
}

TEST(ScopeTest, DuplicateActionsCollapse) {
  EXPECT_EQ(Parse("repository:a/b:push,pull,push").actions, (Actions{"push", "pull"}));
}

TEST(ScopeTest, UnknownTypeParsesForAccessToDeny) {
  EXPECT_EQ(Parse("somethingelse:x.y:pull").type, "somethingelse");
}

TEST(ScopeTest, SeveralParamsAndSpaceSeparatedScopes) {
  Result<std::vector<ResourceScope>> scopes =
      ParseScopes({"repository:team-demo/x:push,pull repository:team-other/y:pull",
                   "registry:catalog:*", "", "  "});
  ASSERT_TRUE(scopes.has_value()) << scopes.error().ToString();
  ASSERT_EQ(scopes->size(), 3u);
  EXPECT_EQ((*scopes)[0].name, "team-demo/x");
  EXPECT_EQ((*scopes)[1].name, "team-other/y");
  EXPECT_EQ((*scopes)[2].type, "registry");
}

TEST(ScopeTest, NoScopesIsEmptyNotError) {
  Result<std::vector<ResourceScope>> scopes = ParseScopes({});
  ASSERT_TRUE(scopes.has_value());
  EXPECT_TRUE(scopes->empty());
}

TEST(ScopeTest, SameResourceRequestedTwiceIsMerged) {
  Result<std::vector<ResourceScope>> scopes =
      ParseScopes({"repository:a/b:pull", "repository:a/b:push repository:a/b:pull"});
  ASSERT_TRUE(scopes.has_value());
  ASSERT_EQ(scopes->size(), 1u);
  EXPECT_EQ((*scopes)[0].actions, (Actions{"pull", "push"}));
}

TEST(ScopeTest, MalformedScopesAreRefused) {
  for (std::string_view bad : {
           "repository",                         // no colon
           "repository:a/b",                     // one colon: no actions
           "repository::pull",                   // empty name
           "repository:a/b:",                    // empty actions
           "repository:a/b:pull,,push",          // empty action
           ":a/b:pull",                          // empty type
           "Repository:a/b:pull",                // upper-case type
           "repository(:a/b:pull",               // broken class
           "repository():a/b:pull",              // empty class
           "repository(Plugin):a/b:pull",        // bad class
           "repository:Team:pull",               // upper-case path (a lone component is no domain)
           "repository:team/App:pull",           // upper-case path
           "repository:alpine:pull",             // one component: no project (Harbor neither)
           "repository:team//app:pull",          // empty component
           "repository:team/app/:pull",          // trailing slash
           "repository:/team/app:pull",          // leading slash
           "repository:team/-app:pull",          // separator first
           "repository:team/app.:pull",          // separator last
           "repository:team/a..b:pull",          // double dot
           "repository:team/a___b:pull",         // three underscores
           "repository:team/app:tag:pull",       // ':' inside the path
           "repository:team;drop/x:pull",        // SQL-meaningful characters
           "repository:team'/x:pull",            //
           "repository:team/x:PULL",             // upper-case action
           "repository:team/x:pull;rm",          // junk in an action
           "repository:team/x:pu ll",            // space inside one scope
           "repository:bad_host:99999x/a:pull",  // bad port
           "repository:-bad.host/a:pull",        // bad domain label
           "registry:cat/alog:*",                // registry names are one word
           "weird:na\"me:pull",                  // other types: restricted alphabet
       }) {
    SCOPED_TRACE(bad);
    ExpectInvalid(bad);
  }
}

void ExpectInvalidName(std::string_view name) {
  SCOPED_TRACE(name);
  Result<RepositoryName> parsed = ParseRepositoryName(name);
  ASSERT_FALSE(parsed.has_value()) << parsed->path;
  EXPECT_EQ(parsed.error().code, RegistryError::kInvalidScope);
  ExpectInvalid("repository:" + std::string(name) + ":pull");
}

// Upper case is refused in every path component; an upper-case first component is not taken
// for a host (which would have made the second component the project).
TEST(ScopeTest, UpperCaseIsRefusedInEveryComponent) {
  for (std::string_view name :
       {"Team/app", "TEAM/app", "team/App", "team/app/Sub", "team/sub/apP", "Team.demo/app",
        "localhost:5000/Team/app", "localhost:5000/team/App", "Localhost/team/app"}) {
    ExpectInvalidName(name);
  }
}

TEST(ScopeTest, BadSeparatorsAreRefused) {
  for (std::string_view name :
       {"team//app", "/team/app", "team/app/",  "team/a..b",  "team/a.-b",
        "team/a-.b", "team/a_-b", "team/a-_b",  "team/a._b",  "team/a___b",
        "team/_app", "team/app_", "team/-app",  "team/app-",  "team/.app",
        "team/app.", "-team/app", "team./app",  "team\\app",  "team/a+b",
        "team/a b",  "team/a@b",  "team/a%2Fb", "team:app/x", "team/app:tag"}) {
    ExpectInvalidName(name);
  }
}

TEST(ScopeTest, SingleComponentNamesAreRefused) {
  for (std::string_view name :
       {"alpine", "team.demo", "a", "localhost:5000/alpine", "registry.example.com:443/alpine"}) {
    ExpectInvalidName(name);
  }
  Result<RepositoryName> parsed = ParseRepositoryName("alpine");
  ASSERT_FALSE(parsed.has_value());
  EXPECT_NE(parsed.error().message.find("no project"), std::string::npos) << parsed.error().message;
}

TEST(ScopeTest, GoodMultiComponentNames) {
  struct Case {
    std::string_view name, domain, path, project;
  };
  for (const Case& c : std::vector<Case>{
           {"team/app", "", "team/app", "team"},
           {"team-demo/sub/app", "", "team-demo/sub/app", "team-demo"},
           {"team.demo/app", "", "team.demo/app", "team.demo"},
           {"a.b/c__d/e---f/g_h", "", "a.b/c__d/e---f/g_h", "a.b"},
           {"0/1", "", "0/1", "0"},
           {"localhost:5000/team/app", "localhost:5000", "team/app", "team"},
           {"Registry.Example.com:443/team/a/b", "Registry.Example.com:443", "team/a/b", "team"},
       }) {
    SCOPED_TRACE(c.name);
    Result<RepositoryName> parsed = ParseRepositoryName(c.name);
    ASSERT_TRUE(parsed.has_value()) << parsed.error().ToString();
    EXPECT_EQ(parsed->domain, c.domain);
    EXPECT_EQ(parsed->path, c.path);
    EXPECT_EQ(parsed->project, c.project);
    EXPECT_EQ(Parse("repository:" + std::string(c.name) + ":pull").name, c.name);
  }
}

TEST(ScopeTest, DistributionPathComponentGrammar) {
  for (std::string_view good : {"a", "a0", "a.b", "a_b", "a__b", "a-b", "a---b", "a.b_c__d-e"}) {
    EXPECT_TRUE(IsRepositoryPathComponent(good)) << good;
  }
  for (std::string_view bad : {"", "A", "a.", ".a", "a_", "a._b", "a-_b", "a/b", "a b", "é"}) {
    EXPECT_FALSE(IsRepositoryPathComponent(bad)) << bad;
  }
}

TEST(ScopeTest, ErrorMessagesQuoteOnlyAShortSanitisedExcerpt) {
  std::string huge = "repository:" + std::string(400, 'a') + "\n\x01" + ":pull";
  Result<ResourceScope> scope = ParseResourceScope(huge);
  ASSERT_FALSE(scope.has_value());
  EXPECT_LT(scope.error().message.size(), 200u);
  EXPECT_EQ(scope.error().message.find('\n'), std::string::npos);
  EXPECT_EQ(scope.error().message.find('\x01'), std::string::npos);
}

TEST(ScopeTest, LimitsAreEnforced) {
  ScopeLimits limits;
  limits.max_scopes = 3;
  limits.max_total_bytes = 200;
  limits.max_actions = 2;
  EXPECT_TRUE(ParseScopes({"repository:a/b:pull repository:a/c:pull repository:a/d:pull"}, limits)
                  .has_value());
  auto too_many = ParseScopes(
      {"repository:a/b:pull repository:a/c:pull repository:a/d:pull", "repository:a/e:pull"},
      limits);
  ASSERT_FALSE(too_many.has_value());
  EXPECT_EQ(too_many.error().code, RegistryError::kInvalidScope);

  auto too_long = ParseScopes({std::string(201, ' ')}, limits);
  ASSERT_FALSE(too_long.has_value());
  EXPECT_EQ(too_long.error().code, RegistryError::kInvalidScope);

  EXPECT_FALSE(ParseResourceScope("repository:a/b:pull,push,delete", limits).has_value());
  // Merging may not exceed the action limit either.
  EXPECT_FALSE(ParseScopes({"repository:a/b:pull,push", "repository:a/b:delete"}, limits));

  // distribution's NameTotalLengthMax counts the whole name, separators and host included.
  EXPECT_TRUE(ParseRepositoryName("a/" + std::string(253, 'a')).has_value());
  EXPECT_FALSE(ParseRepositoryName("a/" + std::string(254, 'a')).has_value());
  EXPECT_TRUE(ParseRepositoryName("localhost:5000/a/" + std::string(238, 'a')).has_value());
  EXPECT_FALSE(ParseRepositoryName("localhost:5000/a/" + std::string(239, 'a')).has_value());
  EXPECT_FALSE(ParseResourceScope("repository:" + std::string(256, 'a') + ":pull"));
  EXPECT_FALSE(ParseResourceScope("repository:a/b:" + std::string(33, 'p')));
}

TEST(ScopeTest, HugeInputIsRefusedQuickly) {
  std::vector<std::string> params(1000, "repository:a/b:pull");
  auto scopes = ParseScopes(params);
  ASSERT_FALSE(scopes.has_value());
  EXPECT_EQ(scopes.error().code, RegistryError::kInvalidScope);
  auto one_huge = ParseScopes({std::string(1 << 20, 'x')});
  ASSERT_FALSE(one_huge.has_value());
  EXPECT_LT(one_huge.error().message.size(), 200u);
}

TEST(ScopeTest, FormatRoundTrips) {
  for (std::string_view text : {"repository:team-demo/x:pull,push", "registry:catalog:*",
                                "repository:localhost:5000/a/b:delete"}) {
    EXPECT_EQ(FormatScope(Parse(text)), text);
  }
}

}  // namespace
}  // namespace gatehouse::registry
