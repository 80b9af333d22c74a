#include "admission/bundle/template_builder.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include "admission/admission_errors.h"
#include "admission/bundle/policy_bundle.h"
#include "admission/constraint.h"
#include "admission/constraint_template.h"
#include "common/common_errors.h"
#include "rego/builtins/yaml_writer.h"
#include "rego/lexer.h"
#include "rego/parser.h"
#include "value/yaml.h"

namespace gatehouse::admission::bundle {
namespace {

using rego::Token;
using rego::TokenKind;
using rego::Value;

// Names the generated Rego uses; a module that already uses one is refused rather than
// silently merged with it.
constexpr std::string_view kReserved = "_gatehouse_";
constexpr std::string_view kRenamedViolation = "_gatehouse_violation";

// Conftest's words for a result object without a string "msg" (policy_bundle.cc): the template
// reports it as a violation, so a broken policy does not let objects through silently.
constexpr std::string_view kNoMsg =
    R"(query rule: new result: \"msg\" field must be present and a string)";

Value Str(std::string_view s) { return Value::String(s); }

Value Obj(std::vector<rego::Member> members) { return Value::Object(std::move(members)); }

bool IsTestFile(std::string_view filename) {
  const std::size_t slash = filename.find_last_of('/');
  const std::string_view base =
      slash == std::string_view::npos ? filename : filename.substr(slash + 1);
  return base.ends_with("_test.rego");
}

bool IsName(std::string_view s) {
  if (s.empty() || (std::isalpha(static_cast<unsigned char>(s[0])) == 0 && s[0] != '_')) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
  });
}

std::string Join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

Error BundleError(std::string message) {
  return MakeError(AdmissionError::kInvalidBundle, std::move(message));
}

// ---------------------------------------------------------------------------------------------
// Token-level rewriting.

struct Edit {
  std::size_t offset = 0;
  std::size_t length = 0;
  std::string text;
};

std::string ApplyEdits(std::string_view text, std::vector<Edit> edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const Edit& a, const Edit& b) { return a.offset < b.offset; });
  std::string out;
  out.reserve(text.size() + 256);
  std::size_t at = 0;
  for (const Edit& e : edits) {
    out.append(text.substr(at, e.offset - at));
    out += e.text;
    at = e.offset + e.length;
  }
  out.append(text.substr(at));
  return out;
}

class ModuleTokens {
 public:
  ModuleTokens(std::string_view filename, std::string_view text, std::vector<Token> tokens)
      : filename_(filename), text_(text), tokens_(std::move(tokens)) {}

  const std::vector<Token>& tokens() const { return tokens_; }
  const Token& at(std::size_t i) const { return tokens_[std::min(i, tokens_.size() - 1)]; }
  std::string_view Text(std::size_t i) const {
    const Token& t = at(i);
    return text_.substr(t.offset, t.length);
  }
  std::size_t End(std::size_t i) const { return at(i).offset + at(i).length; }
  // The text of tokens [first, last].
  std::string_view Span(std::size_t first, std::size_t last) const {
    return text_.substr(at(first).offset, End(last) - at(first).offset);
  }
  // "file:row:col: " of token i.
  std::string Where(std::size_t i) const {
    return std::string(filename_) + ":" + std::to_string(at(i).row) + ":" +
           std::to_string(at(i).col) + ": ";
  }
  // The last token of the statement that starts at `first` (a package or an import: it ends at
  // the line's end or a `;`).
  std::size_t StatementEnd(std::size_t first) const {
    std::size_t last = first;
    while (at(last + 1).kind != TokenKind::kEof && !at(last + 1).newline_before &&
           at(last + 1).kind != TokenKind::kSemicolon) {
      ++last;
    }
    return last;
  }
  // One step of a reference after token `i - 1`: `.name` or `["name"]` written without a space
  // before it. The name and the index of the token after the step, or nullopt.
  std::optional<std::pair<std::string, std::size_t>> Step(std::size_t i) const {
    const Token& t = at(i);
    if (t.space_before) return std::nullopt;
    if (t.kind == TokenKind::kDot && IsName(Text(i + 1))) {
      return std::make_pair(std::string(Text(i + 1)), i + 2);
    }
    if (t.kind == TokenKind::kLBrack &&
        (at(i + 1).kind == TokenKind::kString || at(i + 1).kind == TokenKind::kRawString) &&
        at(i + 2).kind == TokenKind::kRBrack) {
      return std::make_pair(rego::DecodeStringLiteral(Text(i + 1)), i + 3);
    }
    return std::nullopt;
  }
  // The index of the token at a parser location.
  std::optional<std::size_t> IndexAt(const rego::Location& loc) const {
    for (std::size_t i = 0; i < tokens_.size(); ++i) {
      if (tokens_[i].row == loc.row && tokens_[i].col == loc.col) return i;
    }
    return std::nullopt;
  }

 private:
  std::string_view filename_;
  std::string_view text_;
  std::vector<Token> tokens_;
};

// Imports: Gatekeeper takes only data.lib.* and future.* (frameworks' regorewriter, checkImport).
// In v1 text the keyword imports (and rego.v1) go: one `import future.keywords` replaces them.
Status RewriteImports(const ModuleTokens& m, bool v1, std::vector<Edit>* edits,
                      std::vector<std::pair<std::size_t, std::size_t>>* spans) {
  const auto& toks = m.tokens();
  for (std::size_t i = 0; i < toks.size(); ++i) {
    if (toks[i].kind != TokenKind::kImport || (i > 0 && !toks[i].newline_before)) continue;
    const std::size_t last = m.StatementEnd(i);
    spans->emplace_back(i, last);
    const std::string_view root = m.Text(i + 1);
    std::size_t path_end = i + 1;
    while (path_end + 1 <= last && m.at(path_end + 1).kind != TokenKind::kAs) ++path_end;
    const std::string path(m.Span(i + 1, path_end));
    if (root == "future" || root == "rego") {
      if (v1) edits->push_back({toks[i].offset, m.End(last) - toks[i].offset, ""});
      continue;
    }
    if (root == "input") {
      return MakeError(AdmissionError::kInvalidTemplate,
                       m.Where(i) + "invalid import: cannot import input: \"" + path +
                           "\" (a ConstraintTemplate reads the object as input.review.object)");
    }
    const auto step = m.Step(i + 2);
    if (root != "data" || !step || step->first != "lib") {
      return MakeError(AdmissionError::kInvalidTemplate,
                       m.Where(i) + "invalid import: bad import: \"" + path +
                           "\" (a ConstraintTemplate may import only data.lib.* and "
                           "future.keywords)");
    }
  }
  return Ok();
}

// `p[x] if` in v1 is a rule of value true. v0 reads `p[x] { }` as a partial set, and OPA's v0
// parsers before ref heads read `p[x] if` so too; `p[x] := true if` means one thing to all.
void WriteGeneratedValues(const ModuleTokens& m, const rego::Module& parsed,
                          std::vector<Edit>* edits) {
  for (const rego::Rule& r : parsed.rules) {
    if (r.kind != rego::RuleKind::kSingleValue || !r.value_generated || !r.uses_if ||
        r.is_default) {
      continue;
    }
    if (parsed.ast.Children(parsed.ast.term(r.ref)).size() < 2) continue;
    auto start = m.IndexAt(r.loc);
    if (!start) continue;
    int depth = 0;
    for (std::size_t i = *start; m.at(i).kind != TokenKind::kEof; ++i) {
      const TokenKind k = m.at(i).kind;
      if (k == TokenKind::kLBrack || k == TokenKind::kLBrace || k == TokenKind::kLParen) ++depth;
      if (k == TokenKind::kRBrack || k == TokenKind::kRBrace || k == TokenKind::kRParen) --depth;
      if (depth == 0 && k == TokenKind::kIf) {
        edits->push_back({m.at(i).offset, 0, ":= true "});
        break;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The package's rules, names and METADATA.

// The name of a rule as Conftest sees it (`deny`, `warn_x`), or "" for ref heads and functions
// (policy_bundle.cc counts the same rules).
std::string_view ConftestRuleName(const rego::Module& m, const rego::Rule& r) {
  if (r.kind == rego::RuleKind::kFunction) return {};
  const auto parts = m.ast.Children(m.ast.term(r.ref));
  if (parts.size() != 1) return {};
  const rego::Term& head = m.ast.term(parts[0]);
  if (head.kind != rego::TermKind::kVar) return {};
  return m.ast.VarName(head);
}

bool DefinesException(const rego::Module& m) {
  return std::any_of(m.rules.begin(), m.rules.end(), [&](const rego::Rule& r) {
    if (r.kind == rego::RuleKind::kFunction) return false;
    const auto parts = m.ast.Children(m.ast.term(r.ref));
    const rego::Term& head = m.ast.term(parts[0]);
    return head.kind == rego::TermKind::kVar && m.ast.VarName(head) == "exception";
  });
}

std::string PackageName(const rego::Module& m) { return Join(m.package.segments, "."); }

// The package's METADATA document (null when it has none).
const value::Value* PackageAnnotations(const rego::Module& m) {
  for (const rego::Annotation& a : m.annotations) {
    if (a.scope == rego::Annotation::Scope::kPackage) return &a.document;
  }
  return nullptr;
}

const value::Value* CustomField(const rego::Module& m, std::string_view key) {
  const value::Value* doc = PackageAnnotations(m);
  if (doc == nullptr) return nullptr;
  const value::Value* custom = doc->Find("custom");
  return custom == nullptr ? nullptr : custom->Find(key);
}

std::string AnnotationString(const rego::Module& m, std::string_view key) {
  const value::Value* doc = PackageAnnotations(m);
  const value::Value* v = doc == nullptr ? nullptr : doc->Find(key);
  return v != nullptr && v->is_string() ? *v->AsString() : std::string();
}

// The parts of an id between punctuation: "allowed-users" → {"allowed", "users"}.
std::vector<std::string> IdParts(std::string_view id) {
  std::vector<std::string> parts;
  std::string part;
  for (char c : id) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0) {
      part += c;
    } else if (!part.empty()) {
      parts.push_back(std::move(part));
      part.clear();
    }
  }
  if (!part.empty()) parts.push_back(std::move(part));
  return parts;
}

// A Kubernetes object name from an id: lower case, other characters than [a-z0-9.-] as '-'.
std::string ObjectName(std::string_view id) {
  std::string out;
  for (char c : Lower(std::string(id))) {
    out += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-') ? c : '-';
  }
  const std::size_t first = out.find_first_not_of(".-");
  if (first == std::string::npos) return "";
  out = out.substr(first, out.find_last_not_of(".-") - first + 1);
  return out;
}

// The API group of a kind Kubernetes serves (Gatekeeper matches on group and kind).
std::string_view KnownGroup(std::string_view kind) {
  static constexpr std::pair<std::string_view, std::string_view> kKinds[] = {
      {"Pod", ""},
      {"Service", ""},
      {"ConfigMap", ""},
      {"Secret", ""},
      {"Namespace", ""},
      {"ServiceAccount", ""},
      {"PersistentVolumeClaim", ""},
      {"PersistentVolume", ""},
      {"ReplicationController", ""},
      {"Endpoints", ""},
      {"Node", ""},
      {"LimitRange", ""},
      {"ResourceQuota", ""},
      {"PodTemplate", ""},
      {"Deployment", "apps"},
      {"StatefulSet", "apps"},
      {"DaemonSet", "apps"},
      {"ReplicaSet", "apps"},
      {"ControllerRevision", "apps"},
      {"Job", "batch"},
      {"CronJob", "batch"},
      {"Ingress", "networking.k8s.io"},
      {"IngressClass", "networking.k8s.io"},
      {"NetworkPolicy", "networking.k8s.io"},
      {"Role", "rbac.authorization.k8s.io"},
      {"RoleBinding", "rbac.authorization.k8s.io"},
      {"ClusterRole", "rbac.authorization.k8s.io"},
      {"ClusterRoleBinding", "rbac.authorization.k8s.io"},
      {"PodDisruptionBudget", "policy"},
      {"HorizontalPodAutoscaler", "autoscaling"},
      {"StorageClass", "storage.k8s.io"},
      {"PriorityClass", "scheduling.k8s.io"},
      {"CustomResourceDefinition", "apiextensions.k8s.io"},
      {"ValidatingWebhookConfiguration", "admissionregistration.k8s.io"},
      {"MutatingWebhookConfiguration", "admissionregistration.k8s.io"},
  };
  for (const auto& [k, group] : kKinds) {
    if (k == kind) return group;
  }
  return "*";
}

// spec.match.kinds from METADATA custom.kinds (null when there are none: every kind).
Result<Value> MatchKinds(const rego::Module& m, const std::string& ns) {
  const value::Value* kinds = CustomField(m, "kinds");
  if (kinds == nullptr || kinds->is_null()) return Value();
  if (!kinds->is_array()) {
    return BundleError(ns + ": METADATA custom.kinds must be a list of kinds");
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const value::Value& k : *kinds->AsArray()) {
    if (!k.is_string() || k.AsString()->empty()) {
      return BundleError(ns + ": METADATA custom.kinds must be a list of kinds");
    }
    std::string kind = *k.AsString();
    std::string group;
    if (const std::size_t slash = kind.find('/'); slash != std::string::npos) {
      group = kind.substr(0, slash);
      kind = kind.substr(slash + 1);
      if (group == "core") group.clear();
    } else {
      group = std::string(KnownGroup(kind));
    }
    auto it =
        std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == group; });
    if (it == groups.end()) {
      groups.push_back({group, {}});
      it = groups.end() - 1;
    }
    if (std::find(it->second.begin(), it->second.end(), kind) == it->second.end()) {
      it->second.push_back(kind);
    }
  }
  if (groups.empty()) return Value();
  std::vector<Value> out;
  for (const auto& [group, names] : groups) {
    std::vector<Value> kind_values;
    for (const std::string& n : names) kind_values.push_back(Str(n));
    out.push_back(Obj({{Str("apiGroups"), Value::Array({Str(group)})},
                       {Str("kinds"), Value::Array(std::move(kind_values))}}));
  }
  return Value::Array(std::move(out));
}

// ---------------------------------------------------------------------------------------------
// The generated rules.

// `rules` are (name in the module, name as Conftest knows it).
std::string GeneratedRules(const std::vector<std::pair<std::string, std::string>>& rules,
                           bool has_exception, bool v1) {
  std::string out =
      "\n# Added by gatehouse build-templates: the rules above as Gatekeeper violations, their\n"
      "# results and exceptions read as Conftest reads them.\n";
  for (const auto& [module_name, name] : rules) {
    const std::string details =
        "{\"msg\": _gatehouse_m, \"details\": {\"rule\": \"" + name + "\"}}";
    const std::string excepted = "_gatehouse_excepted_" + name;
    if (v1) {
      out += "violation contains " + details + " if {\n";
      if (has_exception) out += "\tnot " + excepted + "\n";
      out += "\tsome _gatehouse_r in _gatehouse_results(" + module_name + ")\n";
    } else {
      out += "violation[" + details + "] {\n";
      if (has_exception) out += "\tnot " + excepted + "\n";
      out += "\t_gatehouse_rs := _gatehouse_results(" + module_name + ")\n";
      out += "\t_gatehouse_r := _gatehouse_rs[_]\n";
    }
    out += "\t_gatehouse_m := _gatehouse_msg(_gatehouse_r)\n}\n\n";
    if (has_exception) {
      out += excepted + (v1 ? " if {\n" : " {\n");
      out += "\texception[_][_] == \"" + ExceptionName(name) + "\"\n}\n\n";
    }
  }
  const std::string_view if_ = v1 ? " if {\n" : " {\n";
  const std::string_view assign = v1 ? " := " : " = ";
  out +=
      "_gatehouse_results(v)" + std::string(assign) + "v" + std::string(if_) + "\tis_set(v)\n}\n\n";
  out += "_gatehouse_results(v)" + std::string(assign) + "v" + std::string(if_) +
         "\tis_array(v)\n}\n\n";
  out += "_gatehouse_msg(r)" + std::string(assign) + "r" + std::string(if_) +
         "\tis_string(r)\n\tr != \"\"\n}\n\n";
  out += "_gatehouse_msg(r)" + std::string(assign) + "m" + std::string(if_) +
         "\tis_object(r)\n\tm := r.msg\n\tis_string(m)\n\tm != \"\"\n}\n\n";
  out += "_gatehouse_msg(r)" + std::string(assign) + "\"" + std::string(kNoMsg) + "\"" +
         std::string(if_) + "\tis_object(r)\n\tnot is_string(r.msg)\n}\n";
  return out;
}

// ---------------------------------------------------------------------------------------------
// YAML with the Rego as literal blocks.

bool LiteralBlockSafe(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7F) return false;
    // C1 controls and NEL, the line and paragraph separators, BOM: YAML breaks or refuses them.
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) < 0xA0) return false;
    if (s.substr(i, 3) == "\xE2\x80\xA8" || s.substr(i, 3) == "\xE2\x80\xA9" ||
        s.substr(i, 3) == "\xEF\xBB\xBF") {
      return false;
    }
  }
  bool first = true;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t end = s.find('\n', start);
    if (end == std::string_view::npos) end = s.size();
    const std::string_view line = s.substr(start, end - start);
    if (!line.empty()) {
      if (line.find_first_not_of(" \t") == std::string_view::npos) return false;
      if (first && (line.front() == ' ' || line.front() == '\t')) return false;
      first = false;
    }
    start = end + 1;
  }
  return !first;
}

// `|` (or `|-`, `|+`) and the lines of `s` indented by `indent`.
std::string LiteralBlock(std::string_view s, std::size_t indent) {
  std::size_t trailing = 0;
  while (trailing < s.size() && s[s.size() - 1 - trailing] == '\n') ++trailing;
  std::string out = trailing == 0 ? "|-\n" : trailing == 1 ? "|\n" : "|+\n";
  const std::string_view body = s.substr(0, s.size() - trailing);
  std::size_t start = 0;
  while (start <= body.size()) {
    std::size_t end = body.find('\n', start);
    if (end == std::string_view::npos) end = body.size();
    const std::string_view line = body.substr(start, end - start);
    if (!line.empty()) out.append(indent, ' ').append(line);
    out += '\n';
    start = end + 1;
  }
  for (std::size_t i = 1; i < trailing; ++i) out += '\n';
  return out;
}

// "-x" ends it, so that no placeholder is the prefix of another.
std::string Placeholder(std::size_t i) {
  return "gatehouse-rego-block-" + std::to_string(i) + "-x";
}

// The YAML of `doc` whose placeholder strings stand for `blocks`, each written as a literal block
// where that is safe; nullopt when a placeholder cannot be found once at the end of a line.
std::optional<std::string> YamlWithBlocks(const Value& doc,
                                          const std::vector<std::string>& blocks) {
  std::string yaml = rego::builtins::ToYamlText(doc);
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const std::string ph = Placeholder(i);
    const std::size_t at = yaml.find(ph + "\n");
    if (at == std::string::npos || yaml.find(ph, at + ph.size()) != std::string::npos ||
        yaml.find(ph) != at) {
      return std::nullopt;
    }
    const std::size_t line_start =
        yaml.rfind('\n', at) == std::string::npos ? 0 : yaml.rfind('\n', at) + 1;
    std::size_t c = line_start;
    while (true) {
      while (c < at && yaml[c] == ' ') ++c;
      if (c + 1 < at && yaml[c] == '-' && yaml[c + 1] == ' ') {
        c += 2;
        continue;
      }
      break;
    }
    const std::size_t indent = (c == at ? c : c + 2) - line_start;
    std::string replacement;
    if (LiteralBlockSafe(blocks[i])) {
      replacement = LiteralBlock(blocks[i], indent);
    } else {
      replacement = rego::builtins::ToYamlText(Str(blocks[i]));  // quoted, one line
    }
    yaml.replace(at, ph.size() + 1, replacement);
  }
  return yaml;
}

// The YAML text of `doc` (with `blocks` in place of their placeholders), checked by reading it
// back: the document read must be `expected`. Literal blocks first, all-quoted if they fail.
Result<std::pair<std::string, value::Value>> RenderYaml(const std::string& header,
                                                        const Value& with_placeholders,
                                                        const Value& expected,
                                                        const std::vector<std::string>& blocks) {
  for (bool blocks_wanted : {true, false}) {
    std::optional<std::string> text = blocks_wanted ? YamlWithBlocks(with_placeholders, blocks)
                                                    : rego::builtins::ToYamlText(expected);
    if (!text) continue;
    *text = header + *text;
    auto parsed = value::ParseYaml(*text);
    if (parsed && rego::FromJson(*parsed) == expected) {
      return std::make_pair(std::move(*text), std::move(*parsed));
    }
  }
  return MakeError(CommonError::kInternal, "the YAML written does not read back as written");
}

// ---------------------------------------------------------------------------------------------
// Gatekeeper's checks of a template's Rego (frameworks' regorewriter: checkLibPackages,
// checkImports, checkDataReferences), which the project's template reader leaves out.

std::string RefText(const rego::Module& m, const rego::Term& ref) {
  std::string out = "data";
  const auto parts = m.ast.Children(ref);
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const rego::Term& p = m.ast.term(parts[i]);
    if (p.kind == rego::TermKind::kString) {
      out += "." + *m.ast.Constant(p).AsString();
    } else if (p.kind == rego::TermKind::kVar) {
      out += "[" + std::string(m.ast.VarName(p)) + "]";
    } else {
      out += "[...]";
    }
  }
  return out;
}

Status CheckLikeGatekeeper(const std::string& module_name, const std::string& text, bool lib) {
  auto parsed = rego::ParseModule(module_name, text, rego::RegoVersion::kV0);
  if (!parsed) {
    return MakeError(AdmissionError::kInvalidTemplate,
                     "invalid ConstraintTemplate: " + parsed.error().ToString());
  }
  const rego::Module& m = *parsed;
  if (lib && (m.package.segments.size() < 2 || m.package.segments[0] != "lib")) {
    return MakeError(AdmissionError::kInvalidTemplate,
                     "invalid ConstraintTemplate: invalid lib prefix: path data." + PackageName(m) +
                         " not found in lib prefixes");
  }
  for (const rego::Import& imp : m.imports) {
    const rego::Term& ref = m.ast.term(imp.path);
    const auto parts = m.ast.Children(ref);
    const std::string_view root = m.ast.VarName(m.ast.term(parts[0]));
    if (root == "future") continue;
    const bool data_lib = root == "data" && parts.size() > 1 &&
                          m.ast.term(parts[1]).kind == rego::TermKind::kString &&
                          *m.ast.Constant(m.ast.term(parts[1])).AsString() == "lib";
    if (!data_lib) {
      std::string path(root);
      for (std::size_t i = 1; i < parts.size(); ++i) {
        const rego::Term& p = m.ast.term(parts[i]);
        path += p.kind == rego::TermKind::kString ? "." + *m.ast.Constant(p).AsString() : "[...]";
      }
      return MakeError(AdmissionError::kInvalidTemplate,
                       std::string("invalid ConstraintTemplate: invalid import: ") +
                           (root == "input" ? "cannot import input: \"" : "bad import: \"") + path +
                           "\"");
    }
  }
  std::vector<std::string> disallowed;
  for (const rego::Term& t : m.ast.terms) {
    if (t.kind != rego::TermKind::kRef || t.count == 0) continue;
    const auto parts = m.ast.Children(t);
    const rego::Term& head = m.ast.term(parts[0]);
    if (head.kind != rego::TermKind::kVar || m.ast.VarName(head) != "data") continue;
    if (parts.size() > 1 && m.ast.term(parts[1]).kind == rego::TermKind::kString) {
      const std::string& first = *m.ast.Constant(m.ast.term(parts[1])).AsString();
      if (first == "lib" || first == "inventory") continue;
    }
    disallowed.push_back("disallowed ref " + RefText(m, t));
  }
  if (!disallowed.empty()) {
    return MakeError(AdmissionError::kInvalidTemplate,
                     "invalid ConstraintTemplate: invalid data references: check refs failed on "
                     "module " +
                         module_name + ": " + Join(disallowed, ", "));
  }
  return Ok();
}

// ---------------------------------------------------------------------------------------------

struct BundleModule {
  const rego::SourceFile* file = nullptr;
  rego::Module module;
  std::string ns;
  bool test = false;
  bool lib = false;
};

struct PackageRules {
  std::vector<std::string> failures;
  std::vector<std::string> warnings;
};

PackageRules RulesOf(const rego::Module& m) {
  PackageRules out;
  for (const rego::Rule& r : m.rules) {
    const std::string name(ConftestRuleName(m, r));
    std::vector<std::string>* list = IsFailureRule(name)   ? &out.failures
                                     : IsWarningRule(name) ? &out.warnings
                                                           : nullptr;
    if (list != nullptr && std::find(list->begin(), list->end(), name) == list->end()) {
      list->push_back(name);
    }
  }
  return out;
}

Value TemplateDocument(const GeneratedTemplate& t, const rego::Module& m, const Value& rego_text,
                       const std::vector<Value>& libs) {
  std::vector<rego::Member> annotations{{Str("metadata.gatehouse.dev/package"), Str(t.package)}};
  if (std::string title = AnnotationString(m, "title"); !title.empty()) {
    annotations.emplace_back(Str("metadata.gatekeeper.sh/title"),
                             Str(t.warn ? title + " (warnings)" : title));
  }
  if (std::string description = AnnotationString(m, "description"); !description.empty()) {
    annotations.emplace_back(Str("description"), Str(description));
  }
  std::vector<rego::Member> target{{Str("target"), Str(kAdmissionTarget)},
                                   {Str("rego"), rego_text}};
  if (!libs.empty()) target.emplace_back(Str("libs"), Value::Array(libs));
  const Value schema = Obj({{Str("type"), Str("object")},
                            {Str("x-kubernetes-preserve-unknown-fields"), Value::Bool(true)}});
  return Obj(
      {{Str("apiVersion"), Str("templates.gatekeeper.sh/v1")},
       {Str("kind"), Str("ConstraintTemplate")},
       {Str("metadata"),
        Obj({{Str("name"), Str(t.name)}, {Str("annotations"), Obj(std::move(annotations))}})},
       {Str("spec"),
        Obj({{Str("crd"), Obj({{Str("spec"), Obj({{Str("names"), Obj({{Str("kind"), Str(t.kind)}})},
                                                  {Str("validation"),
                                                   Obj({{Str("legacySchema"), Value::Bool(false)},
                                                        {Str("openAPIV3Schema"), schema}})}})}})},
             {Str("targets"), Value::Array({Obj(std::move(target))})}})}});
}

Value ConstraintDocument(const GeneratedTemplate& t, const Value& match_kinds,
                         const Value& parameters) {
  std::vector<rego::Member> spec{{Str("enforcementAction"), Str(t.warn ? "warn" : "deny")},
                                 {Str("parameters"), parameters}};
  if (!match_kinds.is_null()) {
    spec.emplace_back(Str("match"), Obj({{Str("kinds"), match_kinds}}));
  }
  return Obj({{Str("apiVersion"), Str("constraints.gatekeeper.sh/v1beta1")},
              {Str("kind"), Str(t.kind)},
              {Str("metadata"), Obj({{Str("name"), Str(t.constraint_name)}})},
              {Str("spec"), Obj(std::move(spec))}});
}

// spec.parameters: the data document without what Gatekeeper keeps for itself (data.lib is the
// libraries, data.inventory the synced objects), plus the annotation domain when one is given.
Value Parameters(const Value& data, const std::string& annotation_domain) {
  std::vector<rego::Member> members;
  for (const rego::Member& m : data.Members()) {
    if (m.first.is_string() && (m.first.AsString() == "lib" || m.first.AsString() == "inventory")) {
      continue;
    }
    members.push_back(m);
  }
  if (!annotation_domain.empty()) {
    std::vector<rego::Member> gatehouse;
    if (const Value* existing = data.Find("gatehouse"); existing != nullptr) {
      gatehouse.assign(existing->Members().begin(), existing->Members().end());
    }
    gatehouse.emplace_back(Str("annotation_domain"), Str(annotation_domain));
    members.emplace_back(Str("gatehouse"), Obj(std::move(gatehouse)));  // the last one wins
  }
  return Obj(std::move(members));
}

Error InTemplate(const std::string& ns, const std::string& name, const Error& e) {
  return MakeError(e.code, ns + ": ConstraintTemplate " + name + ": " + e.message);
}

// Reads the generated documents back and checks them as Gatekeeper would.
Status CheckGenerated(const GeneratedTemplate& t, const value::Value& template_doc,
                      const value::Value& constraint_doc, const std::string& rego_text,
                      const std::vector<std::string>& libs) {
  if (Status s = CheckLikeGatekeeper("template", rego_text, false); !s) {
    return InTemplate(t.package, t.name, s.error());
  }
  for (std::size_t i = 0; i < libs.size(); ++i) {
    if (Status s = CheckLikeGatekeeper("libs[\"lib_" + std::to_string(i) + "\"]", libs[i], true);
        !s) {
      return InTemplate(t.package, t.name, s.error());
    }
  }
  auto parsed = ParseConstraintTemplate(template_doc, t.name + "/template.yaml");
  if (!parsed) return InTemplate(t.package, t.name, parsed.error());
  auto compiled = CompileTemplate(*parsed, Value::EmptyObject());
  if (!compiled) return InTemplate(t.package, t.name, compiled.error());
  auto constraint = ParseConstraint(constraint_doc);
  if (!constraint) return InTemplate(t.package, t.name, constraint.error());
  if (constraint->kind != parsed->kind) {
    return MakeError(CommonError::kInternal, t.package + ": constraint kind differs");
  }
  if (Status s = ValidateParameters(*constraint, *parsed); !s) {
    return InTemplate(t.package, t.name, s.error());
  }
  return Ok();
}

}  // namespace

Result<std::string> RewriteModuleForTemplate(const rego::SourceFile& file,
                                             const ModuleRewrite& rewrite, bool* v1_out) {
  auto parsed = rego::ParseModule(file.filename, file.text, rewrite.version);
  if (!parsed) return parsed.error();
  auto lexed = rego::Lex(file.filename, file.text);
  if (!lexed) return lexed.error();
  const bool v1 = parsed->version == rego::RegoVersion::kV1;
  if (v1_out != nullptr) *v1_out = v1;
  const ModuleTokens m(file.filename, file.text, std::move(lexed->tokens));
  const auto& toks = m.tokens();
  std::vector<Edit> edits;

  // The package, and after it the one keyword import of a v1 module made v0.
  std::size_t package_at = 0;
  while (toks[package_at].kind != TokenKind::kPackage && toks[package_at].kind != TokenKind::kEof) {
    ++package_at;
  }
  const std::size_t package_end = m.StatementEnd(package_at);
  if (!rewrite.package.empty()) {
    const std::size_t from = m.at(package_at + 1).offset;
    edits.push_back({from, m.End(package_end) - from, rewrite.package});
  }
  if (v1) {
    // After the package line (and a comment on it).
    std::size_t line_end = file.text.find('\n', m.End(package_end));
    if (line_end == std::string::npos) line_end = file.text.size();
    edits.push_back({line_end, 0, "\n\nimport future.keywords"});
  }

  std::vector<std::pair<std::size_t, std::size_t>> import_spans;
  if (Status s = RewriteImports(m, v1, &edits, &import_spans); !s) return s.error();
  if (v1) WriteGeneratedValues(m, *parsed, &edits);

  auto in_import = [&](std::size_t i) {
    return std::any_of(import_spans.begin(), import_spans.end(),
                       [&](const auto& span) { return i >= span.first && i <= span.second; });
  };
  for (std::size_t i = package_end + 1; i < toks.size(); ++i) {
    if (toks[i].kind != TokenKind::kIdent) continue;
    const std::string_view name = m.Text(i);
    if (name.starts_with(kReserved)) {
      return BundleError(m.Where(i) + std::string(name) +
                         ": names starting with _gatehouse_ are reserved for the rules "
                         "build-templates adds");
    }
    if (toks[i - 1].kind == TokenKind::kDot || in_import(i)) continue;
    if (name == "input") {
      edits.push_back({toks[i].offset, toks[i].length, "input.review.object"});
    } else if (name == "violation" && rewrite.rename_violation) {
      edits.push_back({toks[i].offset, toks[i].length, std::string(kRenamedViolation)});
    } else if (name == "data") {
      const auto first = m.Step(i + 1);
      if (!first) {
        return BundleError(m.Where(i) +
                           "a reference to the whole data document: a ConstraintTemplate "
                           "reaches data only by name (data.<name> becomes "
                           "input.parameters.<name>)");
      }
      if (first->first == "lib" || first->first == "inventory") continue;
      if (first->first == "gatehouse") {
        if (const auto second = m.Step(first->second); second && second->first == "request") {
          // The AdmissionReview request is input.review in a template.
          edits.push_back(
              {toks[i].offset, m.End(second->second - 1) - toks[i].offset, "input.review"});
          continue;
        }
      }
      if (std::find(rewrite.bundle_roots.begin(), rewrite.bundle_roots.end(), first->first) !=
          rewrite.bundle_roots.end()) {
        return BundleError(m.Where(i) + "data." + first->first +
                           " refers to a package of the bundle, which a ConstraintTemplate "
                           "cannot reach (only lib.* packages go into its libs)");
      }
      edits.push_back({toks[i].offset, toks[i].length, "input.parameters"});
    }
  }
  return ApplyEdits(file.text, std::move(edits));
}

Result<TemplateBuild> BuildTemplates(std::vector<rego::SourceFile> files, const rego::Value& data,
                                     const TemplateBuildOptions& options) {
  BundleOptions bundle_options;
  bundle_options.version = options.version;
  auto bundle = PolicyBundle::Load(files, data, bundle_options);
  if (!bundle) return bundle.error();

  std::sort(files.begin(), files.end(), [](const rego::SourceFile& a, const rego::SourceFile& b) {
    return a.filename < b.filename;
  });
  std::vector<BundleModule> modules;
  std::vector<std::string> roots;
  for (const rego::SourceFile& f : files) {
    auto parsed = rego::ParseModule(f.filename, f.text, options.version);
    if (!parsed) return parsed.error();
    BundleModule b;
    b.file = &f;
    b.ns = PackageName(*parsed);
    b.test = IsTestFile(f.filename);
    b.lib = parsed->package.segments.front() == "lib";
    if (!b.lib &&
        std::find(roots.begin(), roots.end(), parsed->package.segments.front()) == roots.end()) {
      roots.push_back(parsed->package.segments.front());
    }
    b.module = std::move(*parsed);
    modules.push_back(std::move(b));
  }

  std::vector<std::string> lib_texts;
  for (const BundleModule& b : modules) {
    if (!b.lib || b.test) continue;
    ModuleRewrite rewrite;
    rewrite.version = options.version;
    rewrite.bundle_roots = roots;
    auto text = RewriteModuleForTemplate(*b.file, rewrite);
    if (!text) return text.error();
    lib_texts.push_back(std::move(*text));
  }
  std::vector<Value> lib_placeholders;
  std::vector<Value> lib_values;
  for (std::size_t i = 0; i < lib_texts.size(); ++i) {
    lib_placeholders.push_back(Str(Placeholder(i + 1)));
    lib_values.push_back(Str(lib_texts[i]));
  }
  const Value parameters = Parameters(data, options.annotation_domain);

  TemplateBuild out;
  std::set<std::string> names;
  for (const std::string& ns : (*bundle)->namespaces()) {
    std::vector<const BundleModule*> sources;
    for (const BundleModule& b : modules) {
      if (b.ns == ns && !b.test && !b.lib) sources.push_back(&b);
    }
    if (sources.empty()) continue;
    PackageRules rules;
    for (const BundleModule* b : sources) {
      PackageRules r = RulesOf(b->module);
      rules.failures.insert(rules.failures.end(), r.failures.begin(), r.failures.end());
      rules.warnings.insert(rules.warnings.end(), r.warnings.begin(), r.warnings.end());
    }
    if (rules.failures.empty() && rules.warnings.empty()) continue;
    if (sources.size() > 1) {
      std::vector<std::string> names_of;
      for (const BundleModule* b : sources) names_of.push_back(b->file->filename);
      return BundleError(ns + ": the package is split over " + Join(names_of, ", ") +
                         "; a ConstraintTemplate holds one module, so keep a policy's package "
                         "in one file (helpers can go to a lib.* package)");
    }
    const BundleModule& source = *sources.front();
    std::string id = source.module.package.segments.back();
    if (const value::Value* custom_id = CustomField(source.module, "id"); custom_id != nullptr) {
      if (!custom_id->is_string() || custom_id->AsString()->empty()) {
        return BundleError(ns + ": METADATA custom.id must be a non-empty string");
      }
      id = *custom_id->AsString();
    }
    const std::vector<std::string> parts = IdParts(id);
    const std::string constraint_name = ObjectName(id);
    if (parts.empty() || constraint_name.empty()) {
      return BundleError(ns + ": the id \"" + id +
                         "\" has no letters or digits to name a template");
    }
    std::string camel;
    for (std::string p : parts) {
      p[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(p[0])));
      camel += p;
    }
    auto match_kinds = MatchKinds(source.module, ns);
    if (!match_kinds) return match_kinds.error();
    const bool has_exception = DefinesException(source.module);

    for (bool warn : {false, true}) {
      const std::vector<std::string>& rule_names = warn ? rules.warnings : rules.failures;
      if (rule_names.empty()) continue;
      GeneratedTemplate t;
      t.package = ns;
      t.kind = "Gatehouse" + camel + (warn ? "Warn" : "");
      t.name = Lower(t.kind);
      t.constraint_name = constraint_name;
      t.warn = warn;
      t.rules = rule_names;
      // The constraint kind's plural is the first label of its CRD's name: a DNS label.
      if (t.name.size() > 63) {
        return BundleError(ns + ": the template name " + t.name +
                           " is longer than 63 characters, which a CRD name cannot be");
      }
      if (!names.insert(t.name).second) {
        return BundleError(ns + ": another package also makes the template " + t.name +
                           " (set METADATA custom.id to tell them apart)");
      }
      ModuleRewrite rewrite;
      rewrite.version = options.version;
      rewrite.package = t.name;
      rewrite.bundle_roots = roots;
      rewrite.rename_violation = true;
      bool v1 = false;
      auto text = RewriteModuleForTemplate(*source.file, rewrite, &v1);
      if (!text) return text.error();
      std::vector<std::pair<std::string, std::string>> generated;
      for (const std::string& r : rule_names) {
        generated.emplace_back(r == "violation" ? std::string(kRenamedViolation) : r, r);
      }
      std::string rego_text = std::move(*text);
      if (!rego_text.empty() && rego_text.back() != '\n') rego_text += '\n';
      rego_text += GeneratedRules(generated, has_exception, v1);

      std::vector<std::string> blocks{rego_text};
      blocks.insert(blocks.end(), lib_texts.begin(), lib_texts.end());
      const Value with_placeholders =
          TemplateDocument(t, source.module, Str(Placeholder(0)), lib_placeholders);
      const Value expected = TemplateDocument(t, source.module, Str(rego_text), lib_values);
      const std::string header = "# Generated by gatehouse build-templates from package " + ns +
                                 "; change the policy, not this file.\n";
      auto template_yaml = RenderYaml(header, with_placeholders, expected, blocks);
      if (!template_yaml) return InTemplate(ns, t.name, template_yaml.error());
      const Value constraint = ConstraintDocument(t, *match_kinds, parameters);
      auto constraint_yaml = RenderYaml(header, constraint, constraint, {});
      if (!constraint_yaml) return InTemplate(ns, t.name, constraint_yaml.error());
      if (Status s = CheckGenerated(t, template_yaml->second, constraint_yaml->second, rego_text,
                                    lib_texts);
          !s) {
        return s.error();
      }
      out.files.push_back({t.name + "/template.yaml", std::move(template_yaml->first)});
      out.files.push_back({t.name + "/constraint.yaml", std::move(constraint_yaml->first)});
      out.templates.push_back(std::move(t));
    }
  }
  return out;
}

}  // namespace gatehouse::admission::bundle
