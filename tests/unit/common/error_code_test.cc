#include "common/error_code.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "common/common_errors.h"
#include "common/result.h"

namespace gatehouse {
namespace {

// Two small domains of the test's own, to compare codes across domains.
enum class FruitError { kBruised, kSour };
constexpr std::string_view WireName(FruitError e) {
  switch (e) {
    case FruitError::kBruised:
      return "fruit_bruised";
    case FruitError::kSour:
      return "fruit_sour";
  }
  return {};
}
inline constexpr FruitError kAllFruitErrors[] = {FruitError::kBruised, FruitError::kSour};
static_assert(ValidErrorEnum(kAllFruitErrors));

enum class ToolError { kBlunt };
constexpr std::string_view WireName(ToolError e) {
  return e == ToolError::kBlunt ? "fruit_bruised" : "";  // the same wire, another domain
}

// Lists ValidErrorEnum must refuse.
enum class Misnamed { kA, kB };
constexpr std::string_view WireName(Misnamed e) { return e == Misnamed::kA ? "Bad-Name" : "ok"; }
enum class Repeated { kA, kB };
constexpr std::string_view WireName(Repeated) { return "same"; }
enum class Unnamed { kA, kB };
constexpr std::string_view WireName(Unnamed e) { return e == Unnamed::kA ? "a" : ""; }
enum class Unlisted { kA, kB };
constexpr std::string_view WireName(Unlisted e) {
  switch (e) {
    case Unlisted::kA:
      return "a";
    case Unlisted::kB:
      return "b";
  }
  return {};
}

TEST(ErrorCodeTest, CarriesTheWireStringOfItsEnumerator) {
  ErrorCode code = FruitError::kSour;
  EXPECT_EQ(code.wire(), "fruit_sour");
  EXPECT_EQ(ErrorCode(CommonError::kNotFound).wire(), "not_found");
  EXPECT_EQ(ErrorCode().wire(), "");
}

TEST(ErrorCodeTest, EqualOnlyForTheSameEnumeratorOfTheSameDomain) {
  ErrorCode sour = FruitError::kSour;
  EXPECT_EQ(sour, FruitError::kSour);
  EXPECT_NE(sour, FruitError::kBruised);
  // The same wire string and the same underlying value in another domain is another code.
  EXPECT_EQ(ErrorCode(ToolError::kBlunt).wire(), ErrorCode(FruitError::kBruised).wire());
  EXPECT_NE(ErrorCode(ToolError::kBlunt), ErrorCode(FruitError::kBruised));
  EXPECT_NE(ErrorCode(CommonError::kInvalidArgument), ErrorCode(FruitError::kBruised));
  EXPECT_NE(ErrorCode(), ErrorCode(FruitError::kBruised));
  EXPECT_EQ(ErrorCode(), ErrorCode());
}

TEST(ErrorCodeTest, AsGivesTheEnumeratorBackOnlyInItsDomain) {
  ErrorCode sour = FruitError::kSour;
  ASSERT_TRUE(sour.As<FruitError>().has_value());
  EXPECT_EQ(*sour.As<FruitError>(), FruitError::kSour);
  EXPECT_FALSE(sour.As<ToolError>().has_value());
  EXPECT_FALSE(ErrorCode().As<FruitError>().has_value());
}

TEST(ErrorCodeTest, FromWireFindsKnownWireStringsOnly) {
  EXPECT_EQ(FromWire(kAllFruitErrors, "fruit_sour"), FruitError::kSour);
  EXPECT_EQ(FromWire(kAllFruitErrors, "fruit_bruised"), FruitError::kBruised);
  EXPECT_FALSE(FromWire(kAllFruitErrors, "fruit_Sour").has_value());
  EXPECT_FALSE(FromWire(kAllFruitErrors, "").has_value());
}

TEST(ErrorCodeTest, ValidErrorEnumRefusesBadLists) {
  constexpr Misnamed misnamed[] = {Misnamed::kA, Misnamed::kB};
  EXPECT_FALSE(ValidErrorEnum(misnamed));  // not snake_case
  constexpr Repeated repeated[] = {Repeated::kA, Repeated::kB};
  EXPECT_FALSE(ValidErrorEnum(repeated));  // a wire string twice
  constexpr Unnamed unnamed[] = {Unnamed::kA, Unnamed::kB};
  EXPECT_FALSE(ValidErrorEnum(unnamed));  // an enumerator without a wire string
  constexpr Unlisted first_only[] = {Unlisted::kA};
  EXPECT_FALSE(ValidErrorEnum(first_only));  // kB is named but not listed
  constexpr Unlisted out_of_order[] = {Unlisted::kB, Unlisted::kA};
  EXPECT_FALSE(ValidErrorEnum(out_of_order));
  constexpr Unlisted both[] = {Unlisted::kA, Unlisted::kB};
  EXPECT_TRUE(ValidErrorEnum(both));
}

TEST(ErrorCodeTest, ErrorPrintsItsWireString) {
  Error error = MakeError(FruitError::kBruised, "dropped on the floor");
  EXPECT_EQ(error.ToString(), "fruit_bruised: dropped on the floor");
  std::ostringstream out;
  out << error.code;
  EXPECT_EQ(out.str(), "fruit_bruised");
}

}  // namespace
}  // namespace gatehouse
