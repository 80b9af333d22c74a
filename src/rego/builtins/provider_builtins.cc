// providers.aws.sign_req(request, aws_config, time_ns): AWS Signature Version 4, header-based,
// single chunk, as OPA signs requests for http.send. Pure: the time is an argument.
//
// What is signed, as OPA does it: the method as written, the URL's path and raw query, the
// headers `host`, `x-amz-date`, `x-amz-content-sha256` (s3 and glacier only),
// `x-amz-security-token` (with a session token) and every user header (lower-cased) except
// authorization, user-agent and x-amzn-trace-id; a user header of the same name wins in the
// signature, while the returned headers carry the computed values. The payload is `raw_body`
// when present, else `body` as Go's JSON, else empty; `disable_payload_signing` signs
// UNSIGNED-PAYLOAD instead.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <ctime>
#include <map>
#include <string>
#include <vector>

#include "common/codec/hex.h"
#include "rego/builtins/builtin.h"
#include "rego/builtins/builtin_namespaces.h"
#include "rego/builtins/go_json.h"
#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

constexpr std::string_view kName = "providers.aws.sign_req";

std::string Sha256Hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest.data(), &size, EVP_sha256(), nullptr);
  return codec::EncodeHex(digest.data(), size);
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac.data(), &size);
  return std::string(reinterpret_cast<const char*>(mac.data()), size);
}

// `{"a", "b"}`: the names OPA lists in its errors, sorted.
std::string NameSet(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ", ";
    out += "\"" + names[i] + "\"";
  }
  return out + "}";
}

Error TypeError(int operand, const std::string& what) {
  return MakeError(RegoError::kEvalType,
                   std::string(kName) + ": operand " + std::to_string(operand) + " " + what);
}

// Checks that `object` has every key in `required` and that each is a string.
Status RequireStrings(const Value& object, const std::vector<std::string>& required, int operand,
                      std::string_view what) {
  std::vector<std::string> missing, invalid;
  for (const std::string& key : required) {
    const Value* v = object.Find(key);
    if (v == nullptr) {
      missing.push_back(key);
    } else if (!v->is_string()) {
      invalid.push_back(key);
    }
  }
  if (!missing.empty()) {
    return TypeError(
        operand, "missing required " + std::string(what) + " parameters(s): " + NameSet(missing));
  }
  if (!invalid.empty()) {
    return TypeError(operand, "invalid values for required " + std::string(what) +
                                  " parameters(s): " + NameSet(invalid));
  }
  return Ok();
}

struct ParsedUrl {
  std::string host;  // with the port, as Go's url.Host
  std::string path;
  std::string query;
};

ParsedUrl ParseUrl(std::string_view url) {
  ParsedUrl out;
  std::string_view rest = url;
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    rest.remove_prefix(scheme + 3);
  }
  if (auto hash = rest.find('#'); hash != std::string_view::npos) rest = rest.substr(0, hash);
  const auto path_start = rest.find_first_of("/?");
  out.host = std::string(rest.substr(0, path_start));
  if (path_start == std::string_view::npos) return out;
  rest.remove_prefix(path_start);
  const auto query_start = rest.find('?');
  out.path = std::string(rest.substr(0, query_start));
  if (query_start != std::string_view::npos) out.query = std::string(rest.substr(query_start + 1));
  return out;
}

std::string FormatUtc(std::int64_t seconds, const char* format) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), format, &tm);
  return buf;
}

BuiltinResult SignRequest(BuiltinContext&, std::span<const Value> args) {
  const Value& request = args[0];
  const Value& config = args[1];
  if (!request.is_object()) return OperandTypeError(kName, 1, "object", request);
  if (!config.is_object()) return OperandTypeError(kName, 2, "object", config);
  if (!args[2].is_number()) return OperandTypeError(kName, 3, "number", args[2]);
  if (Status ok = RequireStrings(request, {"method", "url"}, 1, "request"); !ok) {
    return ok.error();
  }
  if (Status ok = RequireStrings(
          config, {"aws_access_key", "aws_secret_access_key", "aws_service", "aws_region"}, 2,
          "AWS config");
      !ok) {
    return ok.error();
  }
  bool unsigned_payload = false;
  if (const Value* flag = config.Find("disable_payload_signing")) {
    if (!flag->is_bool()) {
      return TypeError(2, "invalid value for 'disable_payload_signing' in AWS config");
    }
    unsigned_payload = *flag->AsBool();
  }
  const std::optional<std::int64_t> time_ns = args[2].AsInt();
  if (!time_ns || *time_ns < 0) {
    return TypeError(3, "could not convert time_ns value into a unix timestamp");
  }
  const std::int64_t seconds = *time_ns / 1'000'000'000;

  const std::string method(request.Find("method")->AsString());
  const ParsedUrl url = ParseUrl(request.Find("url")->AsString());
  const std::string access_key(config.Find("aws_access_key")->AsString());
  const std::string secret(config.Find("aws_secret_access_key")->AsString());
  const std::string service(config.Find("aws_service")->AsString());
  const std::string region(config.Find("aws_region")->AsString());
  std::string session_token;
  if (const Value* token = config.Find("aws_session_token"); token && token->is_string()) {
    session_token = std::string(token->AsString());
  }

  std::string payload;
  if (const Value* raw = request.Find("raw_body"); raw && raw->is_string()) {
    payload = std::string(raw->AsString());
  } else if (const Value* body = request.Find("body")) {
    payload = builtins::GoJson(*body);
  }
  const std::string content_sha = unsigned_payload ? "UNSIGNED-PAYLOAD" : Sha256Hex(payload);
  const std::string date = FormatUtc(seconds, "%Y%m%d");
  const std::string timestamp = FormatUtc(seconds, "%Y%m%dT%H%M%SZ");

  std::map<std::string, std::string> aws_headers{{"host", url.host}, {"x-amz-date", timestamp}};
  if (service == "s3" || service == "glacier") aws_headers["x-amz-content-sha256"] = content_sha;
  if (!session_token.empty()) aws_headers["x-amz-security-token"] = session_token;

  std::map<std::string, std::string> signed_headers = aws_headers;  // sorted by name
  const Value* user_headers = request.Find("headers");
  if (user_headers != nullptr && user_headers->is_object()) {
    for (const auto& [key, value] : user_headers->Members()) {
      if (!key.is_string()) continue;
      std::string name(key.AsString());
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (name == "authorization" || name == "user-agent" || name == "x-amzn-trace-id") continue;
      signed_headers[name] = value.is_string() ? std::string(value.AsString()) : ToJsonText(value);
    }
  }

  std::string canonical = method + "\n" + url.path + "\n" + url.query + "\n";
  std::string header_list;
  for (const auto& [name, value] : signed_headers) {
    canonical += name + ":" + value + "\n";
    if (!header_list.empty()) header_list += ";";
    header_list += name;
  }
  canonical += "\n" + header_list + "\n" + content_sha;

  const std::string scope = date + "/" + region + "/" + service + "/aws4_request";
  const std::string to_sign =
      "AWS4-HMAC-SHA256\n" + timestamp + "\n" + scope + "\n" + Sha256Hex(canonical);
  std::string key = HmacSha256("AWS4" + secret, date);
  key = HmacSha256(key, region);
  key = HmacSha256(key, service);
  key = HmacSha256(key, "aws4_request");
  const std::string mac = HmacSha256(key, to_sign);
  const std::string signature = codec::EncodeHex(mac);

  std::vector<Member> headers;
  if (user_headers != nullptr && user_headers->is_object()) {
    for (const auto& member : user_headers->Members()) headers.push_back(member);
  }
  for (const auto& [name, value] : aws_headers) {
    headers.emplace_back(Value::String(name), Value::String(value));
  }
  headers.emplace_back(Value::String("Authorization"),
                       Value::String("AWS4-HMAC-SHA256 Credential=" + access_key + "/" + scope +
                                     ",SignedHeaders=" + header_list + ",Signature=" + signature));
  std::vector<Member> result(request.Members().begin(), request.Members().end());
  result.emplace_back(Value::String("headers"), Value::Object(std::move(headers)));
  return std::optional<Value>(Value::Object(std::move(result)));
}

}  // namespace

void RegisterProviderBuiltins(BuiltinRegistry& r) {
  r.Add(Builtin{.name = std::string(kName),
                .params = {kTObject, kTObject, kTNumber},
                .result = kTObject,
                .fn = SignRequest});
}

}  // namespace gatehouse::rego
