#include "value/yaml.h"

#include <yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

#include "value/decimal.h"
#include "value/value_errors.h"

namespace gatehouse::value {
namespace {

// ---- Plain scalars: the YAML 1.2 core schema, checked by hand (std::regex cost more than the
// whole parse).

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsOctalDigit(char c) { return c >= '0' && c <= '7'; }
bool IsHexDigit(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

// The index of the first character at or after `i` that is not a digit of the kind.
std::size_t SkipDigits(std::string_view s, std::size_t i, bool (*digit)(char)) {
  while (i < s.size() && digit(s[i])) ++i;
  return i;
}

std::size_t SignLength(std::string_view s) {
  return !s.empty() && (s[0] == '+' || s[0] == '-') ? 1 : 0;
}

// [-+]?[0-9]+
bool IsDecimal(std::string_view s) {
  const std::size_t start = SignLength(s);
  const std::size_t end = SkipDigits(s, start, IsDigit);
  return end > start && end == s.size();
}

// 0o[0-7]+ (marker 'o') and 0x[0-9a-fA-F]+ (marker 'x').
bool IsPrefixedInteger(std::string_view s, char marker, bool (*digit)(char)) {
  return s.size() > 2 && s[0] == '0' && s[1] == marker && SkipDigits(s, 2, digit) == s.size();
}

// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsFloat(std::string_view s) {
  std::size_t i = SignLength(s);
  if (i < s.size() && s[i] == '.') {
    const std::size_t end = SkipDigits(s, i + 1, IsDigit);
    if (end == i + 1) return false;
    i = end;
  } else {
    const std::size_t end = SkipDigits(s, i, IsDigit);
    if (end == i) return false;
    i = end;
    if (i < s.size() && s[i] == '.') i = SkipDigits(s, i + 1, IsDigit);
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    const std::size_t end = SkipDigits(s, i, IsDigit);
    if (end == i) return false;
    i = end;
  }
  return i == s.size();
}

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> options) {
  for (std::string_view o : options) {
    if (s == o) return true;
  }
  return false;
}

bool IsNullSpelling(std::string_view s) {
  return s.empty() || IsOneOf(s, {"~", "null", "Null", "NULL"});
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
Value ResolvePlainScalar(std::string s) {
  // Most scalars of a manifest are words: nothing but a digit, a sign, '.', '~' or the first
  // letter of null/true/false can start anything else.
  if (!s.empty() && !IsDigit(s[0]) &&
      std::string_view("+-.~nNtTfF").find(s[0]) == std::string_view::npos) {
    return Value(std::move(s));
  }
  if (IsNullSpelling(s)) return Value();
  if (IsOneOf(s, {"true", "True", "TRUE"})) return Value(true);
  if (IsOneOf(s, {"false", "False", "FALSE"})) return Value(false);
  if (IsDecimal(s)) {
    std::int64_t i = 0;
    const char* begin = s.data() + (s[0] == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(begin, s.data() + s.size(), i);
    if (ec == std::errc() && end == s.data() + s.size()) return Value(i);
    return WideNumber(s);
  }
  if (IsPrefixedInteger(s, 'o', IsOctalDigit) || IsPrefixedInteger(s, 'x', IsHexDigit)) {
    std::int64_t i = 0;
    auto [end, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), i, s[1] == 'o' ? 8 : 16);
    if (ec == std::errc() && end == s.data() + s.size()) return Value(i);
    return Value(std::move(s));
  }
  if (IsFloat(s)) {
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
  return Value(std::move(s));
}

// ---- Nodes, as the reader has always seen them. A plain scalar without a tag that spells null
// (or is empty) is a null node; a scalar is a string when it is quoted or a block scalar without
// a tag, or carries the tag "!" or !!str; every other scalar (plain, or with any other tag such as
// !!int) resolves by the core schema. Mapping keys are the scalar's text, and a null node is not
// a key.

enum class Shape { kNull, kScalar, kCollection };

constexpr std::string_view kStrTag = "tag:yaml.org,2002:str";

struct ScalarNode {
  Shape shape = Shape::kScalar;
  std::string text;
  bool is_string = false;  // else resolved by the core schema
};

ScalarNode ReadScalar(const yaml_event_t& event) {
  const auto& scalar = event.data.scalar;
  ScalarNode node;
  node.text.assign(reinterpret_cast<const char*>(scalar.value), scalar.length);
  const bool plain = scalar.style == YAML_PLAIN_SCALAR_STYLE;
  if (scalar.tag == nullptr) {
    if (plain && IsNullSpelling(node.text)) node.shape = Shape::kNull;
    node.is_string = !plain;
  } else {
    const std::string_view tag(reinterpret_cast<const char*>(scalar.tag));
    node.is_string = tag == "!" || tag == kStrTag;
  }
  return node;
}

Value ScalarValue(ScalarNode node) {
  if (node.shape == Shape::kNull) return Value();
  if (node.is_string) return Value(std::move(node.text));
  return ResolvePlainScalar(std::move(node.text));
}

const char* AnchorOf(const yaml_event_t& event) {
  const yaml_char_t* anchor = nullptr;
  switch (event.type) {
    case YAML_SCALAR_EVENT:
      anchor = event.data.scalar.anchor;
      break;
    case YAML_SEQUENCE_START_EVENT:
      anchor = event.data.sequence_start.anchor;
      break;
    case YAML_MAPPING_START_EVENT:
      anchor = event.data.mapping_start.anchor;
      break;
    default:
      break;
  }
  return reinterpret_cast<const char*>(anchor);
}

// One parser event, deleted when it goes out of scope.
class Event {
 public:
  Event() = default;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;
  ~Event() {
    if (live_) yaml_event_delete(&event_);
  }
  // Reads the next event; false on a syntax error (the parser holds the problem).
  bool Parse(yaml_parser_t& parser) {
    live_ = yaml_parser_parse(&parser, &event_) != 0;
    return live_;
  }
  const yaml_event_t& operator*() const { return event_; }
  const yaml_event_t* operator->() const { return &event_; }

 private:
  yaml_event_t event_{};
  bool live_ = false;
};

// Builds the values of one stream from libyaml's events.
//
// Limits: every value produced counts against a budget of 16 values per byte of text (plus
// 1024), so aliases cannot expand a few hundred bytes into billions of values ("billion
// laughs"); a value deeper than max_depth is refused. Errors come in the order the reader has
// always reported them: a syntax error (or an alias to an undefined anchor) anywhere in what is
// read beats a limit or key error, and those come in document order; so after the first limit
// or key error the reader stops building and reads on for syntax errors only. It does not read
// on into a collection nested past max_depth, though: libyaml's scanner visits every open flow
// level for each token, so nesting costs it quadratic time (64 KiB of "[" take it 10 s).
class StreamReader {
 public:
  StreamReader(std::string_view text, const YamlLimits& limits)
      : text_(text), limits_(limits), budget_(16 * text.size() + 1024) {}
  StreamReader(const StreamReader&) = delete;
  StreamReader& operator=(const StreamReader&) = delete;
  ~StreamReader() {
    if (initialized_) yaml_parser_delete(&parser_);
  }

  // Reads the first document (first_only) or all of them.
  Result<std::vector<Value>> Read(bool first_only) {
    if (yaml_parser_initialize(&parser_) == 0) {
      return MakeError(ValueError::kInvalidYaml, "cannot start the YAML parser");
    }
    initialized_ = true;
    // libyaml asserts on a null input, which an empty string_view may hold.
    static const unsigned char kEmpty[1] = {0};
    const unsigned char* input =
        text_.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(text_.data());
    yaml_parser_set_input_string(&parser_, input, text_.size());
    std::size_t document_count = 0;
    while (true) {
      Event event;
      if (!event.Parse(parser_)) return SyntaxError();
      switch (event->type) {
        case YAML_STREAM_END_EVENT:
        case YAML_NO_EVENT:
          return Finish();
        case YAML_DOCUMENT_START_EVENT:
          if (++document_count > text_.size() + 1) {
            return MakeError(ValueError::kInvalidYaml,
                             "YAML stream does not end (more documents than bytes)");
          }
          StartDocument();
          break;
        case YAML_DOCUMENT_END_EVENT:
          if (!failed_) documents_.push_back(std::move(root_));
          root_ = Value();
          if (first_only) return FinishFirst();
          break;
        case YAML_ALIAS_EVENT:
          if (Status known = OnAlias(*event); !known) return known.error();
          break;
        case YAML_SCALAR_EVENT:
          OnScalar(*event);
          break;
        case YAML_SEQUENCE_START_EVENT:
        case YAML_MAPPING_START_EVENT:
          OnCollectionStart(*event);
          break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
          OnCollectionEnd();
          break;
        case YAML_STREAM_START_EVENT:
          break;
      }
      if (stop_) return Finish();
    }
  }

 private:
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  // Objects this large get a key index, so a wide mapping does not cost quadratic time.
  static constexpr std::size_t kIndexFrom = 16;

  // What an anchor names: the node an alias to it expands to.
  struct Anchored {
    Shape shape = Shape::kNull;
    std::string text;           // a scalar's text (an alias used as a key)
    Value value;                // set when the node is complete
    std::size_t values = 1;     // values one expansion produces
    std::size_t height = 0;     // levels below the node
    std::size_t frame = kNone;  // a collection still being read: its frame
  };

  // A sequence or mapping being read.
  struct Frame {
    Value container;
    bool is_map = false;
    bool want_key = true;  // maps: the next node is a key
    std::string key;       // maps: the key of the value being read
    std::size_t depth = 0;
    std::size_t anchor = kNone;   // index in anchored_
    std::size_t first_value = 0;  // values_ before this collection counted itself
    std::size_t deepest = 0;      // the depth of the deepest value inside, or depth
    std::unique_ptr<std::unordered_map<std::string, std::size_t>> index;  // key → member
  };

  Error TooLarge() const {
    return MakeError(ValueError::kYamlTooLarge, "YAML aliases expand to too many values");
  }
  Error TooDeep() const {
    return MakeError(ValueError::kYamlTooDeep, "YAML nesting exceeds the limit of " +
                                                   std::to_string(limits_.max_depth) + " levels");
  }
  Error NonScalarKey() const {
    return MakeError(ValueError::kInvalidYaml, "only scalar mapping keys are supported");
  }

  Error AtMark(std::size_t line, std::size_t column, std::string_view problem) const {
    return MakeError(ValueError::kInvalidYaml, "invalid YAML at line " + std::to_string(line + 1) +
                                                   ", column " + std::to_string(column + 1) + ": " +
                                                   std::string(problem));
  }

  Error SyntaxError() const {
    const char* problem = parser_.problem != nullptr ? parser_.problem : "unknown problem";
    switch (parser_.error) {
      case YAML_MEMORY_ERROR:
        return MakeError(ValueError::kInvalidYaml, "the YAML parser ran out of memory");
      case YAML_READER_ERROR: {
        // Reader errors (bad UTF-8, control characters) carry a byte offset, not a mark.
        const std::size_t offset = std::min(parser_.problem_offset, text_.size());
        std::size_t line = 0, column = 0;
        for (std::size_t i = 0; i < offset; ++i) {
          if (text_[i] == '\n') {
            ++line;
            column = 0;
          } else if ((static_cast<unsigned char>(text_[i]) & 0xC0) != 0x80) {
            ++column;
          }
        }
        return AtMark(line, column, problem);
      }
      default:
        return AtMark(parser_.problem_mark.line, parser_.problem_mark.column, problem);
    }
  }

  // The first document is read; what follows is not, but the start of the next document (or the
  // end of the stream) must be, so a text like "a\n: b" is refused rather than read as "a".
  Result<std::vector<Value>> FinishFirst() {
    Event next;
    if (!next.Parse(parser_)) return SyntaxError();
    return Finish();
  }

  Result<std::vector<Value>> Finish() {
    if (pending_) return *pending_;
    return std::move(documents_);
  }

  // The first limit or key error: building stops, reading goes on for syntax errors.
  void Fail(Error error) {
    if (failed_) return;
    failed_ = true;
    pending_ = std::move(error);
    skip_depth_ = frames_.size();
    frames_.clear();
    root_ = Value();
  }

  void StartDocument() {
    anchors_.clear();
    anchored_.clear();
    root_ = Value();
  }

  std::size_t Register(const char* name, Anchored anchored) {
    anchored_.push_back(std::move(anchored));
    anchors_[name] = anchored_.size() - 1;
    return anchored_.size() - 1;
  }

  bool AtKey() const {
    return !frames_.empty() && frames_.back().is_map && frames_.back().want_key;
  }

  // Counts one value at the current position; false (and Fail) past a limit.
  bool CountValue(std::size_t depth) {
    if (values_ == budget_) {
      Fail(TooLarge());
      return false;
    }
    ++values_;
    if (depth > limits_.max_depth) {
      Fail(TooDeep());
      return false;
    }
    return true;
  }

  // Puts a complete value (whose deepest part is at `deepest`) at the current position.
  void Attach(Value v, std::size_t deepest) {
    if (frames_.empty()) {
      root_ = std::move(v);
      return;
    }
    Frame& frame = frames_.back();
    frame.deepest = std::max(frame.deepest, deepest);
    if (!frame.is_map) {
      frame.container.MutableArray()->push_back(std::move(v));
      return;
    }
    frame.want_key = true;
    Object& object = *frame.container.MutableObject();
    if (frame.index) {
      auto [it, inserted] = frame.index->try_emplace(frame.key, object.size());
      if (!inserted) {
        object[it->second].value = std::move(v);
        return;
      }
      object.push_back(Member{std::move(frame.key), std::move(v)});
      return;
    }
    for (Member& m : object) {
      if (m.key == frame.key) {
        m.value = std::move(v);
        return;
      }
    }
    object.push_back(Member{std::move(frame.key), std::move(v)});
    if (object.size() >= kIndexFrom) {
      frame.index = std::make_unique<std::unordered_map<std::string, std::size_t>>();
      for (std::size_t i = 0; i < object.size(); ++i) frame.index->emplace(object[i].key, i);
    }
  }

  // A node that is not built (a limit or key error is pending) still defines its anchor, so an
  // alias to it is not taken for a syntax error.
  void Skip(const char* anchor) {
    if (anchor != nullptr) Register(anchor, {});
  }
  // Enters a collection that is not built; the document is not read past the depth limit (see
  // the class comment).
  void SkipInto() {
    if (++skip_depth_ > limits_.max_depth + 1) stop_ = true;
  }

  void OnScalar(const yaml_event_t& event) {
    const char* anchor = AnchorOf(event);
    if (failed_) return Skip(anchor);
    ScalarNode node = ReadScalar(event);
    if (AtKey()) {
      if (node.shape == Shape::kNull) {
        Fail(NonScalarKey());
        return Skip(anchor);
      }
      if (anchor != nullptr) Register(anchor, {node.shape, node.text, ScalarValue(node)});
      Frame& frame = frames_.back();
      frame.key = std::move(node.text);
      frame.want_key = false;
      return;
    }
    const std::size_t depth = frames_.size();
    if (!CountValue(depth)) return Skip(anchor);
    if (anchor != nullptr) {
      const Shape shape = node.shape;
      std::string text = node.text;
      Value v = ScalarValue(std::move(node));
      Register(anchor, {shape, std::move(text), v});
      return Attach(std::move(v), depth);
    }
    Attach(ScalarValue(std::move(node)), depth);
  }

  void OnCollectionStart(const yaml_event_t& event) {
    const char* anchor = AnchorOf(event);
    if (!failed_ && AtKey()) Fail(NonScalarKey());
    const std::size_t depth = frames_.size();
    if (failed_ || !CountValue(depth)) {
      Skip(anchor);
      return SkipInto();
    }
    Frame frame;
    frame.is_map = event.type == YAML_MAPPING_START_EVENT;
    frame.container = frame.is_map ? Value::MakeObject() : Value::MakeArray();
    frame.depth = depth;
    frame.deepest = depth;
    frame.first_value = values_ - 1;
    if (anchor != nullptr) {
      Anchored anchored;
      anchored.shape = Shape::kCollection;
      anchored.frame = frames_.size();
      frame.anchor = Register(anchor, std::move(anchored));
    }
    frames_.push_back(std::move(frame));
  }

  void OnCollectionEnd() {
    if (failed_) {
      if (skip_depth_ > 0) --skip_depth_;
      return;
    }
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (frame.anchor != kNone) {
      Anchored& anchored = anchored_[frame.anchor];
      anchored.value = frame.container;
      anchored.values = values_ - frame.first_value;
      anchored.height = frame.deepest - frame.depth;
      anchored.frame = kNone;
    }
    Attach(std::move(frame.container), frame.deepest);
  }

  // An alias to an undefined anchor is a syntax error, as it always was.
  Status OnAlias(const yaml_event_t& event) {
    const char* name = reinterpret_cast<const char*>(event.data.alias.anchor);
    auto it = anchors_.find(name);
    if (it == anchors_.end()) {
      return AtMark(event.start_mark.line, event.start_mark.column,
                    "the referenced anchor is not defined");
    }
    if (failed_) return Ok();
    const Anchored& target = anchored_[it->second];
    if (AtKey()) {
      if (target.shape != Shape::kScalar) {
        Fail(NonScalarKey());
        return Ok();
      }
      Frame& frame = frames_.back();
      frame.key = target.text;
      frame.want_key = false;
      return Ok();
    }
    const std::size_t depth = frames_.size();
    if (target.frame != kNone) {
      Fail(ExpandCycle(target.frame, depth));
      return Ok();
    }
    if (values_ + target.values <= budget_ && depth + target.height <= limits_.max_depth) {
      values_ += target.values;
      Attach(target.value, depth + target.height);
      return Ok();
    }
    Fail(ExpandPastLimit(target, depth));
    return Ok();
  }

  // Counts the values of `v` at `depth` in document order until a limit is passed.
  std::optional<Error> WalkPastLimit(const Value& v, std::size_t depth) {
    if (values_ == budget_) return TooLarge();
    ++values_;
    if (depth > limits_.max_depth) return TooDeep();
    if (const Array* array = v.AsArray()) {
      for (const Value& item : *array) {
        if (auto e = WalkPastLimit(item, depth + 1)) return e;
      }
    } else if (const Object* object = v.AsObject()) {
      for (const Member& m : *object) {
        if (auto e = WalkPastLimit(m.value, depth + 1)) return e;
      }
    }
    return std::nullopt;
  }

  // An alias whose expansion passes a limit: which limit it passes first.
  Error ExpandPastLimit(const Anchored& target, std::size_t depth) {
    const std::size_t before = values_;
    std::optional<Error> e = WalkPastLimit(target.value, depth);
    if (e) return *e;
    // Repeated keys inside the anchored mapping were counted but are not in its value.
    return before + target.values > budget_ ? TooLarge() : TooDeep();
  }

  // Relative depths, in document order, of the values of `v` (at `depth`), at most `limit`.
  static void Depths(const Value& v, std::size_t depth, std::size_t limit,
                     std::vector<std::size_t>& out) {
    if (out.size() >= limit) return;
    out.push_back(depth);
    if (const Array* array = v.AsArray()) {
      for (const Value& item : *array) Depths(item, depth + 1, limit, out);
    } else if (const Object* object = v.AsObject()) {
      for (const Member& m : *object) Depths(m.value, depth + 1, limit, out);
    }
  }

  // An alias inside the collection its anchor names expands without end: the values read so far
  // from that collection repeat, each time one level (or more) deeper, until a limit is passed.
  Error ExpandCycle(std::size_t first_frame, std::size_t depth) {
    const std::size_t base = frames_[first_frame].depth;
    const std::size_t limit = budget_ - values_ + 1;
    std::vector<std::size_t> prefix;
    for (std::size_t f = first_frame; f < frames_.size() && prefix.size() < limit; ++f) {
      const Frame& frame = frames_[f];
      prefix.push_back(frame.depth - base);
      if (const Array* array = frame.container.AsArray()) {
        for (const Value& item : *array) Depths(item, frame.depth + 1 - base, limit, prefix);
      } else if (const Object* object = frame.container.AsObject()) {
        for (const Member& m : *object) Depths(m.value, frame.depth + 1 - base, limit, prefix);
      }
    }
    const std::size_t step = depth - base;
    for (std::size_t round = 0;; ++round) {
      for (std::size_t relative : prefix) {
        if (values_ == budget_) return TooLarge();
        ++values_;
        if (depth + round * step + relative > limits_.max_depth) return TooDeep();
      }
    }
  }

  std::string_view text_;
  const YamlLimits& limits_;
  yaml_parser_t parser_{};
  bool initialized_ = false;

  const std::size_t budget_;  // values the stream may produce
  std::size_t values_ = 0;    // values produced so far

  std::vector<Value> documents_;
  Value root_;
  std::vector<Frame> frames_;
  std::unordered_map<std::string, std::size_t> anchors_;  // name → index in anchored_
  std::vector<Anchored> anchored_;

  bool failed_ = false;  // a limit or key error is pending
  std::optional<Error> pending_;
  std::size_t skip_depth_ = 0;  // nesting while reading on after pending_
  bool stop_ = false;
};

Status CheckSize(std::string_view text, const YamlLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return MakeError(ValueError::kYamlTooLarge, "YAML document of " + std::to_string(text.size()) +
                                                    " bytes exceeds the limit of " +
                                                    std::to_string(limits.max_bytes));
  }
  return Ok();
}

Result<std::vector<Value>> Read(std::string_view text, const YamlLimits& limits, bool first_only) {
  if (Status size = CheckSize(text, limits); !size) return size.error();
  try {
    StreamReader reader(text, limits);
    return reader.Read(first_only);
  } catch (const std::exception& e) {  // allocation failure while building values
    return MakeError(ValueError::kInvalidYaml, e.what());
  }
}

}  // namespace

Result<Value> ParseYaml(std::string_view text, const YamlLimits& limits) {
  Result<std::vector<Value>> documents = Read(text, limits, /*first_only=*/true);
  if (!documents) return documents.error();
  if (documents->empty()) return Value();
  return std::move(documents->front());
}

Result<std::vector<Value>> ParseYamlStream(std::string_view text, const YamlLimits& limits) {
  return Read(text, limits, /*first_only=*/false);
}

}  // namespace gatehouse::value
