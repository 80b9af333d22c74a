#include "rego/annotations.h"

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/go_text.h"
#include "rego/lexer.h"
#include "rego/rego_errors.h"
#include "value/json.h"
#include "value/yaml.h"

namespace gatehouse::rego {
namespace {

using value::Value;

// One `# METADATA` block: its first comment and its YAML text.
struct Block {
  Location loc;
  std::string yaml;
};

// OPA: a block starts at a comment whose trimmed text begins with METADATA and takes every
// comment on the next rows, one after another.
std::vector<Block> FindBlocks(const std::vector<SourceComment>& comments) {
  std::vector<Block> blocks;
  bool open = false;
  for (std::size_t i = 0; i < comments.size(); ++i) {
    const SourceComment& c = comments[i];
    if (open && c.loc.row == comments[i - 1].loc.row + 1) {
      std::string_view text = c.text;
      if (text.starts_with(' ')) text.remove_prefix(1);
      blocks.back().yaml.append(text);
      blocks.back().yaml += '\n';
      continue;
    }
    open = false;
    if (GoTrimSpace(c.text).starts_with("METADATA")) {
      blocks.push_back(Block{c.loc, {}});
      open = true;
    }
  }
  return blocks;
}

// A string field: YAML scalars other than strings read as their text (as Go's YAML decoder
// fills a string field).
std::optional<std::string> ScalarText(const Value& v) {
  if (const std::string* s = v.AsString()) return *s;
  if (v.is_number() || v.is_bool()) return value::ToJson(v);
  return std::nullopt;
}

Result<Value> Author(const Value& v) {
  Value out = Value::MakeObject();
  if (const std::string* s = v.AsString()) {
    std::vector<std::string> words;
    std::string_view rest = *s;
    while (!(rest = GoTrimSpace(rest)).empty()) {
      std::size_t end = rest.find_first_of(" \t");
      words.emplace_back(rest.substr(0, end));
      rest = end == std::string_view::npos ? std::string_view() : rest.substr(end);
    }
    if (words.empty()) return MakeError(RegoError::kParse, "author is an empty string");
    std::string email;
    const std::string& last = words.back();
    if (last.size() >= 2 && last.front() == '<' && last.back() == '>') {
      email = last.substr(1, last.size() - 2);
      words.pop_back();
    }
    std::string name;
    for (const std::string& w : words) name += (name.empty() ? "" : " ") + w;
    if (!name.empty()) out.Set("name", name);
    if (!email.empty()) out.Set("email", email);
    return out;
  }
  if (v.is_object()) {
    std::string name, email;
    if (const Value* n = v.Find("name"); n != nullptr && n->AsString())
      name = GoTrimSpace(*n->AsString());
    if (const Value* e = v.Find("email"); e != nullptr && e->AsString()) {
      email = GoTrimSpace(*e->AsString());
    }
    if (name.empty() && email.empty()) {
      return MakeError(RegoError::kParse, "'name' and/or 'email' values required in object");
    }
    if (!name.empty()) out.Set("name", name);
    if (!email.empty()) out.Set("email", email);
    return out;
  }
  return MakeError(RegoError::kParse, "invalid value type, must be string or map");
}

Result<Value> RelatedResource(const Value& v) {
  Value out = Value::MakeObject();
  if (const std::string* s = v.AsString()) {
    if (s->empty()) return MakeError(RegoError::kParse, "ref URL may not be empty string");
    out.Set("ref", *s);
    return out;
  }
  if (v.is_object()) {
    std::string ref, description;
    if (const Value* r = v.Find("ref"); r != nullptr && r->AsString())
      ref = GoTrimSpace(*r->AsString());
    if (const Value* d = v.Find("description"); d != nullptr && d->AsString()) {
      description = GoTrimSpace(*d->AsString());
    }
    if (ref.empty()) return MakeError(RegoError::kParse, "'ref' value required in object");
    out.Set("ref", ref);
    if (!description.empty()) out.Set("description", description);
    return out;
  }
  return MakeError(RegoError::kParse, "invalid value type, must be string or map");
}

// A dotted reference as an array of its parts ("input.x" -> ["input", "x"]); nullopt when it is
// not a plain dotted name.
std::optional<Value> DottedRef(std::string_view text) {
  Value out = Value::MakeArray();
  for (std::string_view rest = GoTrimSpace(text);;) {
    std::size_t dot = rest.find('.');
    std::string_view part = rest.substr(0, dot);
    if (part.empty()) return std::nullopt;
    for (char c : part) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '-';
      if (!ok) return std::nullopt;
    }
    out.Append(std::string(part));
    if (dot == std::string_view::npos) return out;
    rest = rest.substr(dot + 1);
  }
}

Result<Value> Schema(const Value& pair) {
  const value::Object* members = pair.AsObject();
  if (members == nullptr || members->empty()) {
    return MakeError(RegoError::kParse, "invalid document reference");
  }
  const value::Member& m = members->front();
  std::optional<Value> path = DottedRef(m.key);
  if (!path) return MakeError(RegoError::kParse, "invalid document reference");
  Value out = Value::MakeObject();
  out.Set("path", *path);
  if (const std::string* s = m.value.AsString()) {
    std::optional<Value> schema = DottedRef(*s);
    const value::Array* parts = schema ? schema->AsArray() : nullptr;
    if (parts == nullptr || *(*parts)[0].AsString() != "schema") {
      return MakeError(RegoError::kParse, "invalid schema reference");
    }
    out.Set("schema", *schema);
  } else if (m.value.is_object()) {
    out.Set("definition", m.value);
  } else {
    return MakeError(RegoError::kParse, "invalid schema declaration for path \"" + m.key + "\"");
  }
  return out;
}

// The fields OPA reads, in the document rego.metadata.* return; the scope is set by the caller.
Result<Value> ReadDocument(const Value& yaml, std::string& scope, bool& entrypoint) {
  Value doc = Value::MakeObject();
  if (!yaml.is_object()) return doc;  // a list or scalar fills no field
  for (const char* key : {"scope", "title", "description"}) {
    const Value* v = yaml.Find(key);
    if (v == nullptr || v->is_null()) continue;
    std::optional<std::string> text = ScalarText(*v);
    if (!text) return MakeError(RegoError::kParse, std::string(key) + ": must be a string");
    if (std::string_view(key) == "scope") {
      scope = *text;
    } else if (!text->empty()) {
      doc.Set(key, *text);
    }
  }
  if (const Value* v = yaml.Find("entrypoint"); v != nullptr && !v->is_null()) {
    if (!v->is_bool()) return MakeError(RegoError::kParse, "entrypoint: must be a boolean");
    entrypoint = *v->AsBool();
    if (entrypoint) doc.Set("entrypoint", true);
  }
  struct ListField {
    const char* key;
    Result<Value> (*read)(const Value&);
    const char* what;  // OPA's "invalid <what> definition ..." prefix, or nullptr
  };
  const ListField lists[] = {
      {"organizations",
       [](const Value& v) -> Result<Value> {
         std::optional<std::string> s = ScalarText(v);
         if (!s) return MakeError(RegoError::kParse, "organizations: must be strings");
         return Value(*s);
       },
       nullptr},
      {"related_resources", RelatedResource, "related-resource"},
      {"authors", Author, "author"},
      {"schemas", Schema, nullptr},
  };
  for (const ListField& field : lists) {
    const Value* v = yaml.Find(field.key);
    if (v == nullptr || v->is_null()) continue;
    const value::Array* items = v->AsArray();
    if (items == nullptr) {
      return MakeError(RegoError::kParse, std::string(field.key) + ": must be a list");
    }
    if (items->empty()) continue;
    Value out = Value::MakeArray();
    for (const Value& item : *items) {
      Result<Value> read = field.read(item);
      if (!read) {
        if (field.what == nullptr) return read.error();
        return MakeError(RegoError::kParse, std::string("invalid ") + field.what + " definition " +
                                                value::ToJson(item) + ": " + read.error().message);
      }
      out.Append(std::move(*read));
    }
    doc.Set(field.key, std::move(out));
  }
  if (const Value* v = yaml.Find("custom"); v != nullptr && !v->is_null()) {
    if (!v->is_object()) return MakeError(RegoError::kParse, "custom: must be a map");
    if (!v->AsObject()->empty()) doc.Set("custom", *v);
  }
  return doc;
}

// The statement below a block: what it is and, for a rule, its index.
struct Target {
  enum class Kind { kNone, kPackage, kImport, kRule } kind = Kind::kNone;
  std::uint32_t rule = kNone;
  std::uint32_t row = 0;
};

Target TargetBelow(const Module& m, std::uint32_t row) {
  Target best;
  auto consider = [&](Target::Kind kind, std::uint32_t at, std::uint32_t rule) {
    if (at > row && (best.kind == Target::Kind::kNone || at < best.row)) {
      best = Target{kind, rule, at};
    }
  };
  consider(Target::Kind::kPackage, m.package.loc.row, kNone);
  for (const Import& i : m.imports) consider(Target::Kind::kImport, i.loc.row, kNone);
  for (std::size_t i = 0; i < m.rules.size(); ++i) {
    consider(Target::Kind::kRule, m.rules[i].loc.row, static_cast<std::uint32_t>(i));
  }
  return best;
}

const char* TypeName(Target::Kind kind) {
  switch (kind) {
    case Target::Kind::kPackage:
      return "package";
    case Target::Kind::kImport:
      return "import";
    case Target::Kind::kRule:
      return "rule";
    case Target::Kind::kNone:
      break;
  }
  return "";
}

}  // namespace

Status AttachAnnotations(Module& module) {
  for (const Block& block : FindBlocks(module.comments)) {
    auto fail = [&](const std::string& message) -> Status {
      return MakeParseError(module.filename, block.loc.row, block.loc.col, message);
    };
    if (GoTrimSpace(block.yaml).empty()) {
      return fail("expected METADATA block, found whitespace");
    }
    value::YamlLimits limits;
    limits.max_bytes = 1 << 20;
    limits.max_depth = 64;
    Result<Value> yaml = value::ParseYaml(block.yaml, limits);
    if (!yaml) return fail(yaml.error().message);
    std::string scope;
    bool entrypoint = false;
    Result<Value> doc = ReadDocument(*yaml, scope, entrypoint);
    if (!doc) return fail(doc.error().message);

    const Target target = TargetBelow(module, block.loc.row);
    if (scope.empty()) {
      if (target.kind == Target::Kind::kRule) scope = entrypoint ? "document" : "rule";
      if (target.kind == Target::Kind::kPackage) scope = "package";
      if (target.kind == Target::Kind::kImport) scope = "import";
    }
    Annotation a;
    a.loc = block.loc;
    std::string want;
    if (scope == "rule" || scope == "document") {
      a.scope = scope == "rule" ? Annotation::Scope::kRule : Annotation::Scope::kDocument;
      want = "rule";
    } else if (scope == "package" || scope == "subpackages") {
      a.scope = scope == "package" ? Annotation::Scope::kPackage : Annotation::Scope::kSubpackages;
      want = "package";
    } else {
      return fail("invalid annotation scope '" + scope +
                  "'. Use one of 'rule', 'document', 'package', or 'subpackages'");
    }
    if (TypeName(target.kind) != want) {
      std::string have = target.kind == Target::Kind::kNone
                             ? std::string()
                             : std::string(" (have ") + TypeName(target.kind) + ")";
      return fail("annotation scope '" + scope + "' must be applied to " + want + have);
    }
    if (entrypoint && scope != "document" && scope != "package") {
      return fail("annotation entrypoint applied to non-document or package scope '" + scope + "'");
    }
    a.rule = target.rule;
    doc->Set("scope", scope);
    a.document = std::move(*doc);
    module.annotations.push_back(std::move(a));
  }
  return Ok();
}

std::vector<std::string> RulePath(const Module& m, const Rule& r) {
  std::vector<std::string> path = m.package.segments;
  std::span<const TermId> parts = m.ast.Children(m.ast.term(r.ref));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Term& t = m.ast.term(parts[i]);
    if (i == 0 && t.kind == TermKind::kVar) {
      path.emplace_back(m.ast.VarName(t));
    } else if (i > 0 && t.kind == TermKind::kString) {
      path.push_back(*m.ast.Constant(t).AsString());
    } else {
      break;
    }
  }
  return path;
}

namespace {

std::string LocationText(const Module& m, const Annotation& a) {
  return m.filename + ":" + std::to_string(a.loc.row);
}

Value PathValue(const std::vector<std::string>& path) {
  Value out = Value::MakeArray();
  for (const std::string& p : path) out.Append(p);
  return out;
}

Value Entry(const std::vector<std::string>& path, const Annotation* a) {
  Value entry = Value::MakeObject();
  if (a != nullptr) entry.Set("annotations", a->document);
  entry.Set("path", PathValue(path));
  return entry;
}

}  // namespace

Result<AnnotationSet> AnnotationSet::Build(const std::vector<Module>& modules) {
  AnnotationSet set;
  for (std::size_t mi = 0; mi < modules.size(); ++mi) {
    const Module& m = modules[mi];
    for (const Annotation& a : m.annotations) {
      std::map<std::vector<std::string>, Declared>* by_path = nullptr;
      std::vector<std::string> path;
      const char* scope = "";
      switch (a.scope) {
        case Annotation::Scope::kRule:
          set.by_rule_[{mi, a.rule}].push_back(&a);
          continue;
        case Annotation::Scope::kDocument:
          by_path = &set.document_;
          path = RulePath(m, m.rules[a.rule]);
          scope = "document";
          break;
        case Annotation::Scope::kPackage:
          by_path = &set.package_;
          path = m.package.segments;
          scope = "package";
          break;
        case Annotation::Scope::kSubpackages:
          by_path = &set.subpackages_;
          path = m.package.segments;
          scope = "subpackages";
          break;
      }
      auto [it, added] = by_path->emplace(path, Declared{&a, &m});
      if (!added) {
        return MakeError(RegoError::kType, m.filename + ":" + std::to_string(a.loc.row) + ": " +
                                               scope + " annotation redeclared: " +
                                               LocationText(*it->second.module, *it->second.a));
      }
    }
  }
  for (auto& [key, list] : set.by_rule_) {
    // Closest to the rule first.
    std::stable_sort(list.begin(), list.end(), [](const Annotation* x, const Annotation* y) {
      return x->loc.row > y->loc.row;
    });
  }
  return set;
}

Value AnnotationSet::Chain(const std::vector<Module>& modules, std::size_t module,
                           std::uint32_t rule) const {
  const Module& m = modules[module];
  const std::vector<std::string> path = RulePath(m, m.rules[rule]);
  Value chain = Value::MakeArray();
  if (auto it = by_rule_.find({module, rule}); it != by_rule_.end()) {
    for (const Annotation* a : it->second) chain.Append(Entry(path, a));
  } else {
    chain.Append(Entry(path, nullptr));
  }
  if (auto it = document_.find(path); it != document_.end()) {
    chain.Append(Entry(path, it->second.a));
  }
  if (auto it = package_.find(m.package.segments); it != package_.end()) {
    chain.Append(Entry(m.package.segments, it->second.a));
  }
  for (std::size_t n = m.package.segments.size(); n > 0; --n) {
    std::vector<std::string> prefix(m.package.segments.begin(),
                                    m.package.segments.begin() + static_cast<std::ptrdiff_t>(n));
    if (auto it = subpackages_.find(prefix); it != subpackages_.end()) {
      chain.Append(Entry(prefix, it->second.a));
    }
  }
  return chain;
}

Value AnnotationSet::RuleAnnotations(std::size_t module, std::uint32_t rule) const {
  auto it = by_rule_.find({module, rule});
  if (it == by_rule_.end() || it->second.empty()) return Value::MakeObject();
  return it->second.front()->document;
}

}  // namespace gatehouse::rego
