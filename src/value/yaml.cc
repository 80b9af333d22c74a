#include "value/yaml.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cmath>
#include <limits>
#include <regex>
#include <sstream>

#include "value/decimal.h"
#include "value/value_errors.h"

namespace gatehouse::value {
namespace {

bool IsOneOf(const std::string& s, std::initializer_list<const char*> options) {
  for (const char* o : options) {
    if (s == o) return true;
  }
  return false;
}

// A decimal or float scalar that int64 and double cannot hold (an integer beyond 64 bits, a
// magnitude beyond double), kept exact as a BigNumber in JSON's spelling.
Value WideNumber(const std::string& s) {
  std::string json;
  std::size_t i = 0;
  if (s[i] == '+' || s[i] == '-') {
    if (s[i] == '-') json += '-';
    ++i;
  }
  while (i + 1 < s.size() && s[i] == '0' && s[i + 1] >= '0' && s[i + 1] <= '9') ++i;
  if (s[i] == '.') json += '0';
  for (; i < s.size(); ++i) {
    json += s[i];
    if (s[i] == '.' && (i + 1 == s.size() || s[i + 1] < '0' || s[i + 1] > '9')) json += '0';
  }
  auto decimal = ParseDecimal(json);
  if (!decimal) return Value(std::strtod(s.c_str(), nullptr));
  return Value(BigNumber{DecimalText(*decimal, 40)});
}

// YAML 1.2 core schema resolution of a plain (unquoted) scalar.
Value ResolvePlainScalar(const std::string& s) {
  if (s.empty() || IsOneOf(s, {"~", "null", "Null", "NULL"})) return Value();
  if (IsOneOf(s, {"true", "True", "TRUE"})) return Value(true);
  if (IsOneOf(s, {"false", "False", "FALSE"})) return Value(false);
  static const std::regex kDecimal("[-+]?[0-9]+");
  static const std::regex kOctal("0o[0-7]+");
  static const std::regex kHex("0x[0-9a-fA-F]+");
  static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
  if (std::regex_match(s, kDecimal)) {
    std::int64_t i = 0;
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(begin, s.data() + s.size(), i);
    if (ec == std::errc() && end == s.data() + s.size()) return Value(i);
    return WideNumber(s);
  }
  if (std::regex_match(s, kOctal) || std::regex_match(s, kHex)) {
    std::int64_t i = 0;
    auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), i, s[1] == 'o' ? 8 : 16);
    if (ec == std::errc() && end == s.data() + s.size()) return Value(i);
    return Value(s);
  }
  if (std::regex_match(s, kFloat)) {
    double d = std::strtod(s.c_str(), nullptr);
    return std::isfinite(d) ? Value(d) : WideNumber(s);
  }
  if (IsOneOf(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) {
    return Value(std::numeric_limits<double>::infinity());
  }
  if (IsOneOf(s, {"-.inf", "-.Inf", "-.INF"})) {
    return Value(-std::numeric_limits<double>::infinity());
  }
  if (IsOneOf(s, {".nan", ".NaN", ".NAN"})) return Value(std::nan(""));
  return Value(s);
}

// Aliases make yaml-cpp share nodes, and converting a shared node copies it: a few hundred bytes
// of nested aliases ("billion laughs") would expand to billions of values. The budget bounds the
// values produced by what the text could hold without aliases, with room for honest reuse.
struct ConvertBudget {
  std::size_t remaining;
  explicit ConvertBudget(std::size_t text_bytes) : remaining(16 * text_bytes + 1024) {}
};

Result<Value> Convert(const YAML::Node& node, const YamlLimits& limits, std::size_t depth,
                      ConvertBudget& budget) {
  if (budget.remaining == 0) {
    return MakeError(ValueError::kYamlTooLarge, "YAML aliases expand to too many values");
  }
  --budget.remaining;
  if (depth > limits.max_depth) {
    return MakeError(ValueError::kYamlTooDeep, "YAML nesting exceeds the limit of " +
                                                   std::to_string(limits.max_depth) + " levels");
  }
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
    case YAML::NodeType::Null:
      return Value();
    case YAML::NodeType::Scalar:
      // Tag "!" marks a quoted (non-plain) scalar: always a string.
      if (node.Tag() == "!" || node.Tag() == "tag:yaml.org,2002:str") return Value(node.Scalar());
      return ResolvePlainScalar(node.Scalar());
    case YAML::NodeType::Sequence: {
      Array array;
      for (const YAML::Node& item : node) {
        Result<Value> converted = Convert(item, limits, depth + 1, budget);
        if (!converted) return converted.error();
        array.push_back(std::move(converted).value());
      }
      return Value(std::move(array));
    }
    case YAML::NodeType::Map: {
      Value object = Value::MakeObject();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          return MakeError(ValueError::kInvalidYaml, "only scalar mapping keys are supported");
        }
        Result<Value> converted = Convert(entry.second, limits, depth + 1, budget);
        if (!converted) return converted.error();
        object.Set(entry.first.Scalar(), std::move(converted).value());
      }
      return object;
    }
  }
  return MakeError(ValueError::kInvalidYaml, "unknown YAML node type");
}

Error ParseError(const YAML::Exception& e) {
  if (std::string(e.what()).find("recursion") != std::string::npos) {
    return MakeError(ValueError::kYamlTooDeep, e.msg);
  }
  return MakeError(ValueError::kInvalidYaml, "invalid YAML at line " +
                                                 std::to_string(e.mark.line + 1) + ", column " +
                                                 std::to_string(e.mark.column + 1) + ": " + e.msg);
}

Status CheckSize(std::string_view text, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return MakeError(ValueError::kYamlTooLarge, "YAML document of " + std::to_string(text.size()) +
                                                    " bytes exceeds the limit of " +
                                                    std::to_string(limits.max_bytes));
  }
  return Ok();
}

// Counts documents without building them. yaml-cpp 0.7 reports an endless series of empty
// documents for some inputs (a lone ","), so LoadAll() would never return: refuse a stream
// with more documents than it has bytes before calling it.
class DocumentCounter final : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

Status CheckDocumentCount(std::string_view text) {
  std::istringstream in{std::string(text)};
  YAML::Parser parser(in);
  DocumentCounter counter;
  std::size_t documents = 0;
  while (parser.HandleNextDocument(counter)) {
    if (++documents > text.size() + 1) {
      return MakeError(ValueError::kInvalidYaml,
                       "YAML stream does not end (more documents than bytes)");
    }
  }
  return Ok();
}

}  // namespace

Result<Value> ParseYaml(std::string_view text, const YamlLimits& limits) {
  if (Status size = CheckSize(text, limits); !size) return size.error();
  try {
    ConvertBudget budget(text.size());
    return Convert(YAML::Load(std::string(text)), limits, 0, budget);
  } catch (const YAML::Exception& e) {
    return ParseError(e);
  } catch (const std::exception& e) {
    return MakeError(ValueError::kInvalidYaml, e.what());
  }
}

Result<std::vector<Value>> ParseYamlStream(std::string_view text, const YamlLimits& limits) {
  if (Status size = CheckSize(text, limits); !size) return size.error();
  try {
    if (Status bounded = CheckDocumentCount(text); !bounded) return bounded.error();
    std::vector<Value> documents;
    ConvertBudget budget(text.size());
    for (const YAML::Node& node : YAML::LoadAll(std::string(text))) {
      Result<Value> converted = Convert(node, limits, 0, budget);
      if (!converted) return converted.error();
      documents.push_back(std::move(converted).value());
    }
    return documents;
  } catch (const YAML::Exception& e) {
    return ParseError(e);
  } catch (const std::exception& e) {
    return MakeError(ValueError::kInvalidYaml, e.what());
  }
}

}  // namespace gatehouse::value
