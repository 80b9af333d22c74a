#include "registry/names.h"

#include <gtest/gtest.h>

#include <string>

#include "registry/registry_errors.h"

namespace gatehouse::registry {
namespace {

TEST(NamesTest, HarborNameRule) {
  for (std::string_view good : {"a", "team-demo", "team.demo", "team_demo", "a1-b2.c3_d4", "0"}) {
    EXPECT_TRUE(ValidateProjectName(good)) << good;
    EXPECT_TRUE(ValidateRobotName(good)) << good;
  }
  for (std::string_view bad :
       {"", "Team", "team--demo", "-team", "team-", "team demo", "team/demo", "team+ci", "a$b",
        "a'; DROP TABLE projects; --", "a\"b", "a;b", "a%b", "a\\b", "é", "a\nb"}) {
    SCOPED_TRACE(bad);
    Status project = ValidateProjectName(bad);
    ASSERT_FALSE(project);
    EXPECT_EQ(project.error().code, RegistryError::kInvalidName);
    EXPECT_FALSE(ValidateRobotName(bad));
  }
}

TEST(NamesTest, EmbeddedNulIsRefused) {
  EXPECT_FALSE(ValidateProjectName(std::string("a\0b", 3)));
  EXPECT_FALSE(ValidateRobotName(std::string("a\0b", 3)));
}

TEST(NamesTest, Lengths) {
  EXPECT_TRUE(ValidateProjectName(std::string(255, 'a')));
  EXPECT_FALSE(ValidateProjectName(std::string(256, 'a')));
  EXPECT_TRUE(ValidateRobotName(std::string(128, 'a')));
  EXPECT_FALSE(ValidateRobotName(std::string(129, 'a')));
}

TEST(NamesTest, ErrorMessagesDoNotEchoLongOrOddNames) {
  Status long_name = ValidateProjectName(std::string(300, 'A'));
  ASSERT_FALSE(long_name);
  EXPECT_EQ(long_name.error().message.find("AAAA"), std::string::npos);
  Status odd = ValidateProjectName("a\"b\nc");
  ASSERT_FALSE(odd);
  EXPECT_EQ(odd.error().message.find('\n'), std::string::npos);
  Status short_name = ValidateProjectName("Team");
  ASSERT_FALSE(short_name);
  EXPECT_NE(short_name.error().message.find("Team"), std::string::npos);
}

TEST(NamesTest, StoredAndLoginNames) {
  EXPECT_EQ(RobotStoredName(RobotLevel::kProject, "team-demo", "ci"), "team-demo+ci");
  EXPECT_EQ(RobotStoredName(RobotLevel::kSystem, "ignored", "mirror"), "mirror");
  EXPECT_EQ(RobotLoginName(kDefaultRobotPrefix, "team-demo+ci"), "robot+team-demo+ci");
  EXPECT_EQ(RobotLoginName("robot$", "team-demo+ci"), "robot$team-demo+ci");
}

TEST(NamesTest, ParsesProjectRobotLogin) {
  Result<RobotLogin> login = ParseRobotLoginName("robot+team-demo+ci", kDefaultRobotPrefix);
  ASSERT_TRUE(login.has_value()) << login.error().ToString();
  EXPECT_EQ(login->level, RobotLevel::kProject);
  EXPECT_EQ(login->project, "team-demo");
  EXPECT_EQ(login->name, "ci");
  EXPECT_EQ(login->stored_name, "team-demo+ci");
}

TEST(NamesTest, ParsesSystemRobotLoginAndCustomPrefix) {
  Result<RobotLogin> login = ParseRobotLoginName("robot$mirror", "robot$");
  ASSERT_TRUE(login.has_value());
  EXPECT_EQ(login->level, RobotLevel::kSystem);
  EXPECT_EQ(login->project, "");
  EXPECT_EQ(login->name, "mirror");
  EXPECT_EQ(login->stored_name, "mirror");
}

TEST(NamesTest, RefusesBadRobotLogins) {
  for (std::string_view bad : {"team-demo+ci", "robot+", "robot+team-demo+", "robot++ci",
                               "robot+Team+ci", "robot+a+b+c", "robot+team;--+ci", "robot"}) {
    SCOPED_TRACE(bad);
    Result<RobotLogin> login = ParseRobotLoginName(bad, kDefaultRobotPrefix);
    ASSERT_FALSE(login.has_value());
    EXPECT_EQ(login.error().code, RegistryError::kInvalidName);
  }
}

TEST(NamesTest, PrefixOnlyAppliesAtTheStart) {
  EXPECT_TRUE(HasRobotPrefix("robot+x", kDefaultRobotPrefix));
  EXPECT_FALSE(HasRobotPrefix("robot+", kDefaultRobotPrefix));
  EXPECT_FALSE(HasRobotPrefix("alice", kDefaultRobotPrefix));
  EXPECT_FALSE(HasRobotPrefix("xrobot+x", kDefaultRobotPrefix));
  EXPECT_FALSE(HasRobotPrefix("robot_x", kDefaultRobotPrefix));
}

TEST(NamesTest, DefaultPrefixIsShellSafeAndNotAProjectName) {
  EXPECT_TRUE(ValidateRobotPrefix(kDefaultRobotPrefix));
  // No character a POSIX shell, a CI variable, YAML or JSON would interpret.
  for (char c : kDefaultRobotPrefix) {
    EXPECT_EQ(std::string_view("$`\"'\\!*?[]{}()<>|&;#~= \t:").find(c), std::string_view::npos)
        << c;
  }
  // No login name with the default prefix can be a project or stored robot name.
  EXPECT_FALSE(MatchesHarborNameRule(RobotLoginName(kDefaultRobotPrefix, "ci")));
}

TEST(NamesTest, PrefixRule) {
  EXPECT_TRUE(ValidateRobotPrefix("robot$"));
  EXPECT_TRUE(ValidateRobotPrefix("bot-"));
  for (std::string_view bad :
       {"", "ro bot", "robot:", "a\"", "a\\", "\t", "0123456789abcdef0123456789abcdefX"}) {
    EXPECT_FALSE(ValidateRobotPrefix(bad)) << bad;
  }
}

}  // namespace
}  // namespace gatehouse::registry
