#include "rego/builtins/go_template.h"

#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "rego/rego_errors.h"

namespace gatehouse::rego {
namespace {

constexpr int kMaxDepth = 64;

struct Node;
using Nodes = std::vector<std::unique_ptr<Node>>;

struct Node {
  enum Kind { kText, kAction, kIf, kRange, kWith } kind = kText;
  std::string text;  // kText
  std::string pipeline;
  std::string key_var, value_var;  // kRange declarations
  Nodes body, else_body;
};

// Template value: a document, a missing field, or a Go int (range indexes).
struct TValue {
  Value v;
  bool missing = false;
  bool go_int = false;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Splits the template into text and action tokens ("{{...}}" contents, trim markers applied).
struct Token {
  bool action = false;
  std::string text;
};

Result<std::vector<Token>> Lex(std::string_view t) {
  std::vector<Token> out;
  std::size_t i = 0;
  bool trim_next = false;
  while (i <= t.size()) {
    std::size_t open = t.find("{{", i);
    std::string_view text = t.substr(i, open == std::string_view::npos ? t.npos : open - i);
    if (trim_next) {
      while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
    }
    if (open == std::string_view::npos) {
      if (!text.empty()) out.push_back({false, std::string(text)});
      break;
    }
    std::size_t body = open + 2;
    bool trim_left = body + 1 < t.size() && t[body] == '-' && IsSpace(t[body + 1]);
    if (trim_left) {
      while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
      body += 2;
    }
    if (!text.empty()) out.push_back({false, std::string(text)});
    std::size_t close = t.find("}}", body);
    if (close == std::string_view::npos)
      return MakeError(RegoError::kEvalBuiltin, "unclosed action");
    std::string_view action = t.substr(body, close - body);
    trim_next = action.size() >= 2 && action.back() == '-' && IsSpace(action[action.size() - 2]);
    if (trim_next) action.remove_suffix(2);
    action = Trim(action);
    if (!(action.starts_with("/*") && action.ends_with("*/"))) {
      out.push_back({true, std::string(action)});
    }
    i = close + 2;
  }
  return out;
}

std::string_view Keyword(std::string_view action) {
  std::size_t end = 0;
  while (end < action.size() && !IsSpace(action[end])) ++end;
  return action.substr(0, end);
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  // Parses nodes until {{end}} or {{else...}}; `stop` receives the action that ended the list.
  Status ParseList(Nodes& out, std::string& stop, int depth) {
    if (depth > kMaxDepth) return MakeError(RegoError::kEvalBuiltin, "template nested too deeply");
    while (pos_ < tokens_.size()) {
      Token& tok = tokens_[pos_++];
      if (!tok.action) {
        auto n = std::make_unique<Node>();
        n->text = std::move(tok.text);
        out.push_back(std::move(n));
        continue;
      }
      std::string_view kw = Keyword(tok.text);
      if (kw == "end" || kw == "else") {
        stop = tok.text;
        return gatehouse::Ok();
      }
      if (kw == "if" || kw == "range" || kw == "with") {
        auto st = ParseControl(out, std::string(kw),
                               Trim(std::string_view(tok.text).substr(kw.size())), depth);
        if (!st) return st;
        continue;
      }
      auto n = std::make_unique<Node>();
      n->kind = Node::kAction;
      n->pipeline = tok.text;
      out.push_back(std::move(n));
    }
    stop.clear();
    return gatehouse::Ok();
  }

 private:
  Status ParseControl(Nodes& out, const std::string& kw, std::string_view pipeline, int depth) {
    auto n = std::make_unique<Node>();
    n->kind = kw == "if" ? Node::kIf : (kw == "range" ? Node::kRange : Node::kWith);
    if (n->kind == Node::kRange) {
      auto decl = pipeline.find(":=");
      if (decl != std::string_view::npos) {
        std::string_view vars = Trim(pipeline.substr(0, decl));
        pipeline = Trim(pipeline.substr(decl + 2));
        auto comma = vars.find(',');
        if (comma == std::string_view::npos) {
          n->value_var = std::string(Trim(vars));
        } else {
          n->key_var = std::string(Trim(vars.substr(0, comma)));
          n->value_var = std::string(Trim(vars.substr(comma + 1)));
        }
      }
    }
    if (pipeline.empty()) return MakeError(RegoError::kEvalBuiltin, "missing value for " + kw);
    n->pipeline = std::string(pipeline);
    std::string stop;
    if (auto st = ParseList(n->body, stop, depth + 1); !st) return st;
    if (stop.empty()) return MakeError(RegoError::kEvalBuiltin, "unexpected EOF: missing {{end}}");
    if (Keyword(stop) == "else") {
      std::string_view rest = Trim(std::string_view(stop).substr(4));
      if (!rest.empty()) {
        // {{else if x}}: a nested if that shares this {{end}}.
        std::string_view kw2 = Keyword(rest);
        if (kw2 != "if" && kw2 != "with")
          return MakeError(RegoError::kEvalBuiltin,
                           "unexpected {{else " + std::string(rest) + "}}");
        return Finish(
            out, std::move(n),
            ParseControl(n->else_body, std::string(kw2), Trim(rest.substr(kw2.size())), depth + 1));
      }
      if (auto st = ParseList(n->else_body, stop, depth + 1); !st) return st;
      if (Keyword(stop) != "end") return MakeError(RegoError::kEvalBuiltin, "expected {{end}}");
    }
    out.push_back(std::move(n));
    return gatehouse::Ok();
  }

  Status Finish(Nodes& out, std::unique_ptr<Node> n, Status st) {
    if (!st) return st;
    out.push_back(std::move(n));
    return gatehouse::Ok();
  }

  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
};

class Renderer {
 public:
  Renderer(const Value& root, std::size_t limit) : root_(root), limit_(limit) {}

  Status Render(const Nodes& nodes, const TValue& dot, int depth) {
    if (depth > kMaxDepth) return MakeError(RegoError::kEvalBuiltin, "template nested too deeply");
    for (const auto& n : nodes) {
      switch (n->kind) {
        case Node::kText:
          out_ += n->text;
          break;
        case Node::kAction: {
          auto v = Eval(n->pipeline, dot);
          if (!v) return v.error();
          Print(*v);
          break;
        }
        case Node::kIf:
        case Node::kWith: {
          auto v = Eval(n->pipeline, dot);
          if (!v) return v.error();
          bool truth = Truth(*v);
          const TValue& next_dot = n->kind == Node::kWith && truth ? *v : dot;
          auto st = Render(truth ? n->body : n->else_body, next_dot, depth + 1);
          if (!st) return st;
          break;
        }
        case Node::kRange: {
          auto st = RenderRange(*n, dot, depth);
          if (!st) return st;
          break;
        }
      }
      if (out_.size() > limit_) return MakeError(RegoError::kEvalBuiltin, "output too large");
    }
    return gatehouse::Ok();
  }

  std::string& out() { return out_; }

 private:
  Status RenderRange(const Node& n, const TValue& dot, int depth) {
    auto v = Eval(n.pipeline, dot);
    if (!v) return v.error();
    std::vector<std::pair<TValue, TValue>> items;
    const Value& c = v->v;
    if (!v->missing && (c.is_array() || c.is_set())) {
      std::int64_t i = 0;
      for (const auto& x : c.Items()) items.push_back({TValue{Value::Int(i++), false, true}, {x}});
    } else if (!v->missing && c.is_object()) {
      for (const auto& [k, x] : c.Members()) items.push_back({TValue{k}, TValue{x}});
    } else if (!v->missing && !c.is_null()) {
      return MakeError(RegoError::kEvalBuiltin, "range can't iterate over " + ToRegoText(c));
    }
    if (items.empty()) return Render(n.else_body, dot, depth + 1);
    for (auto& [key, elem] : items) {
      auto saved = vars_;
      if (!n.key_var.empty()) vars_[n.key_var] = key;
      if (!n.value_var.empty()) vars_[n.value_var] = elem;
      auto st = Render(n.body, elem, depth + 1);
      vars_ = std::move(saved);
      if (!st) return st;
    }
    return gatehouse::Ok();
  }

  static TValue Field(const TValue& base, std::string_view path) {
    TValue cur = base;
    while (!path.empty()) {
      if (path.front() == '.') path.remove_prefix(1);
      auto dot = path.find('.');
      std::string_view key = path.substr(0, dot);
      path = dot == std::string_view::npos ? std::string_view() : path.substr(dot);
      if (key.empty()) continue;
      const Value* next = cur.missing ? nullptr : cur.v.Find(key);
      if (next == nullptr) return TValue{Value(), true};
      cur = TValue{*next};
    }
    return cur;
  }

  Result<TValue> Eval(std::string_view p, const TValue& dot) {
    p = Trim(p);
    if (p.find('|') != std::string_view::npos || p.find(' ') != std::string_view::npos) {
      return MakeError(RegoError::kEvalBuiltin, "unsupported template pipeline: " + std::string(p));
    }
    if (p == ".") return dot;
    if (p.front() == '.') return Field(dot, p);
    if (p.front() == '$') {
      auto dotpos = p.find('.');
      std::string name(p.substr(0, dotpos));
      TValue base;
      if (name == "$") {
        base = TValue{root_};
      } else {
        auto it = vars_.find(name);
        if (it == vars_.end())
          return MakeError(RegoError::kEvalBuiltin, "undefined variable: " + name);
        base = it->second;
      }
      return dotpos == std::string_view::npos ? base : Field(base, p.substr(dotpos));
    }
    if (p.front() == '"' && p.size() >= 2 && p.back() == '"') {
      return TValue{Value::String(p.substr(1, p.size() - 2))};
    }
    if (p == "true" || p == "false") return TValue{Value::Bool(p == "true")};
    auto num = ParseJsonText(p);
    if (num && num->is_number()) return TValue{*num, false, num->is_int()};
    return MakeError(RegoError::kEvalBuiltin, "unsupported template function: " + std::string(p));
  }

  // Go's truth: JSON numbers arrive as json.Number strings, so any data number is true.
  static bool Truth(const TValue& t) {
    if (t.missing) return false;
    const Value& v = t.v;
    switch (v.kind()) {
      case ValueKind::kNull:
        return false;
      case ValueKind::kBool:
        return *v.AsBool();
      case ValueKind::kNumber:
        return t.go_int ? *v.AsDouble() != 0 : true;
      default:
        return v.size() > 0;
    }
  }

  static void AppendGo(std::string& out, const Value& v) {
    switch (v.kind()) {
      case ValueKind::kNull:
        out += "<nil>";
        return;
      case ValueKind::kString:
        out += v.AsString();
        return;
      case ValueKind::kArray:
      case ValueKind::kSet: {
        out += '[';
        bool first = true;
        for (const auto& x : v.Items()) {
          if (!first) out += ' ';
          first = false;
          AppendGo(out, x);
        }
        out += ']';
        return;
      }
      case ValueKind::kObject: {
        out += "map[";
        bool first = true;
        for (const auto& [k, x] : v.Members()) {
          if (!first) out += ' ';
          first = false;
          AppendGo(out, k);
          out += ':';
          AppendGo(out, x);
        }
        out += ']';
        return;
      }
      default:
        out += ToJsonText(v);
    }
  }

  void Print(const TValue& t) {
    if (t.missing) {
      out_ += "<undefined>";
      return;
    }
    AppendGo(out_, t.v);
  }

  const Value& root_;
  std::size_t limit_;
  std::map<std::string, TValue> vars_;
  std::string out_;
};

}  // namespace

Result<std::string> RenderGoTemplate(std::string_view tmpl, const Value& data,
                                     std::size_t max_output_bytes) {
  auto tokens = Lex(tmpl);
  if (!tokens) return tokens.error();
  Parser parser(std::move(*tokens));
  Nodes nodes;
  std::string stop;
  if (auto st = parser.ParseList(nodes, stop, 0); !st) return st.error();
  if (!stop.empty()) return MakeError(RegoError::kEvalBuiltin, "unexpected {{" + stop + "}}");
  Renderer r(data, max_output_bytes);
  if (auto st = r.Render(nodes, TValue{data}, 0); !st) return st.error();
  return std::move(r.out());
}

}  // namespace gatehouse::rego
