#include "adapters/http/url.h"

#include <gtest/gtest.h>

#include "adapters/http/http_errors.h"

namespace gatehouse::adapters {
namespace {

TEST(ParseUrlTest, HttpsWithDefaultPortAndPath) {
  Result<ParsedUrl> url = ParseUrl("https://keystone.example.com/v3/auth/tokens?nocatalog");
  ASSERT_TRUE(url) << url.error().ToString();
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->host, "keystone.example.com");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/v3/auth/tokens?nocatalog");
  EXPECT_FALSE(url->host_is_ip);
  EXPECT_EQ(url->HostHeader(), "keystone.example.com");
}

TEST(ParseUrlTest, HttpWithPortNoPathAndFragment) {
  Result<ParsedUrl> url = ParseUrl("http://127.0.0.1:5000#frag");
  ASSERT_TRUE(url);
  EXPECT_FALSE(url->tls);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 5000);
  EXPECT_EQ(url->target, "/");
  EXPECT_TRUE(url->host_is_ip);
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:5000");

  Result<ParsedUrl> query_only = ParseUrl("http://h?x=1#f");
  ASSERT_TRUE(query_only);
  EXPECT_EQ(query_only->target, "/?x=1");
}

TEST(ParseUrlTest, Ipv6Literal) {
  Result<ParsedUrl> url = ParseUrl("https://[::1]:8443/x");
  ASSERT_TRUE(url);
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 8443);
  EXPECT_TRUE(url->host_is_ip);
  EXPECT_EQ(url->HostHeader(), "[::1]:8443");
}

TEST(ParseUrlTest, RefusesBadUrls) {
  for (const char* bad : {"", "ftp://host/", "host:80/x", "http://", "http://user:pw@host/",
                          "http://host:0/", "http://host:70000/", "http://host:abc/",
                          "http://ho st/", "http://host/a b", "http://host/\r\nX: y",
                          "http://[::1/", "http://[zz]:80/", "http://host:/", "http://h%41st/"}) {
    Result<ParsedUrl> url = ParseUrl(bad);
    ASSERT_FALSE(url) << bad;
    EXPECT_EQ(url.error().code, HttpError::kInvalidUrl) << bad;
  }
}

TEST(ParseHostPortTest, ListenForms) {
  Result<HostPort> a = ParseHostPort("127.0.0.1:8443");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 8443);
  Result<HostPort> b = ParseHostPort(":9000");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "");
  EXPECT_EQ(b->port, 9000);
  Result<HostPort> c = ParseHostPort("0.0.0.0:0");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "0.0.0.0");
  EXPECT_EQ(c->port, 0);
  Result<HostPort> d = ParseHostPort("[::1]:80");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->host, "::1");
  Result<HostPort> e = ParseHostPort("localhost:1");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->host, "localhost");
  for (const char* bad : {"", "8443", "host", "host:", "host:99999", "1.2.3.4:x", "[::1]"}) {
    Result<HostPort> r = ParseHostPort(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, HttpError::kInvalidAddress);
  }
}

TEST(ParseQueryTest, DecodesPairsInOrder) {
  auto q = ParseQuery("timeout=30s&user=a%20b&plus=1+2&flag&empty=&&k=v%3D");
  ASSERT_EQ(q.size(), 6u);
  EXPECT_EQ(q[0], (std::pair<std::string, std::string>{"timeout", "30s"}));
  EXPECT_EQ(q[1], (std::pair<std::string, std::string>{"user", "a b"}));
  EXPECT_EQ(q[2], (std::pair<std::string, std::string>{"plus", "1 2"}));
  EXPECT_EQ(q[3], (std::pair<std::string, std::string>{"flag", ""}));
  EXPECT_EQ(q[4], (std::pair<std::string, std::string>{"empty", ""}));
  EXPECT_EQ(q[5], (std::pair<std::string, std::string>{"k", "v="}));
}

TEST(ParseQueryTest, SkipsMalformedEscapes) {
  auto q = ParseQuery("a=%zz&b=%4&c=%41");
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].first, "c");
  EXPECT_EQ(q[0].second, "A");
}

TEST(PercentDecodeTest, PlusOnlyInQueries) {
  std::string out;
  ASSERT_TRUE(PercentDecode("a+b%2B", false, out));
  EXPECT_EQ(out, "a+b+");
  ASSERT_TRUE(PercentDecode("a+b%2b", true, out));
  EXPECT_EQ(out, "a b+");
  EXPECT_FALSE(PercentDecode("%", true, out));
  EXPECT_FALSE(PercentDecode("%a", true, out));
}

}  // namespace
}  // namespace gatehouse::adapters
