// LineSplitter: lines split on '\n' only, whatever the pieces, with a bounded line length.
#include "adapters/http/http_stream.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "adapters/http/http_errors.h"

namespace gatehouse::adapters {
namespace {

TEST(LineSplitterTest, LinesAcrossPieces) {
  LineSplitter splitter(100);
  std::vector<std::string> lines;
  const auto collect = [&](std::string_view line) {
    lines.emplace_back(line);
    return true;
  };
  for (const char* piece : {"{\"a\"", ":1}\n{\"b\":2}\n{", "\"c\"", ":3}\n"}) {
    Result<bool> fed = splitter.Feed(piece, collect);
    ASSERT_TRUE(fed);
    EXPECT_TRUE(*fed);
  }
  EXPECT_EQ(lines, (std::vector<std::string>{"{\"a\":1}", "{\"b\":2}", "{\"c\":3}"}));
  EXPECT_EQ(splitter.rest(), "");
}

TEST(LineSplitterTest, StopsWhenAsked) {
  LineSplitter splitter(100);
  int seen = 0;
  Result<bool> fed = splitter.Feed("a\nb\nc\n", [&](std::string_view) { return ++seen < 2; });
  ASSERT_TRUE(fed);
  EXPECT_FALSE(*fed);
  EXPECT_EQ(seen, 2);
}

TEST(LineSplitterTest, OverLongLineIsRefusedEvenInPieces) {
  LineSplitter splitter(8);
  const auto ignore = [](std::string_view) { return true; };
  ASSERT_TRUE(splitter.Feed("12345", ignore));
  Result<bool> fed = splitter.Feed("6789\n", ignore);
  ASSERT_FALSE(fed);
  EXPECT_EQ(fed.error().code, HttpError::kLineTooLong);
  EXPECT_EQ(fed.error().message, "a line exceeds 8 bytes");
  EXPECT_TRUE(splitter.Feed("12345678\n", ignore));  // exactly the limit is fine
}

TEST(LineSplitterTest, UnterminatedRestIsKept) {
  LineSplitter splitter(100);
  ASSERT_TRUE(splitter.Feed("a\nlast", [](std::string_view) { return true; }));
  EXPECT_EQ(splitter.rest(), "last");
}

}  // namespace
}  // namespace gatehouse::adapters
