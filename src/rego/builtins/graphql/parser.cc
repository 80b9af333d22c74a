#include "rego/builtins/graphql/parser.h"

#include <optional>
#include <string>
#include <utility>

#include "rego/builtins/graphql/graphql_errors.h"
#include "rego/builtins/graphql/lexer.h"

namespace gatehouse::rego::graphql {
namespace {

bool IsDirectiveLocation(std::string_view s) {
  static constexpr std::string_view kLocations[] = {"QUERY",
                                                    "MUTATION",
                                                    "SUBSCRIPTION",
                                                    "FIELD",
                                                    "FRAGMENT_DEFINITION",
                                                    "FRAGMENT_SPREAD",
                                                    "INLINE_FRAGMENT",
                                                    "VARIABLE_DEFINITION",
                                                    "SCHEMA",
                                                    "SCALAR",
                                                    "OBJECT",
                                                    "FIELD_DEFINITION",
                                                    "ARGUMENT_DEFINITION",
                                                    "INTERFACE",
                                                    "UNION",
                                                    "ENUM",
                                                    "ENUM_VALUE",
                                                    "INPUT_OBJECT",
                                                    "INPUT_FIELD_DEFINITION"};
  for (std::string_view l : kLocations) {
    if (l == s) return true;
  }
  return false;
}

// Mirrors gqlparser's parser: a one-token lookahead; the first error sticks and every later
// call becomes a no-op returning the previous token.
class Parser {
 public:
  explicit Parser(std::string_view input) : lexer_(input) {}

  bool failed() const { return err_.has_value(); }
  Error TakeError() {
    return MakeError(GraphqlError::kParse, err_->message + " in GraphQL string at location " +
                                               std::to_string(err_->line) + ":" +
                                               std::to_string(err_->column));
  }

  QueryDocument ParseQueryDocument();
  SchemaDocument ParseSchemaDocument();

 private:
  struct Err {
    std::string message;
    int line;
    int column;
  };

  Token Read() {
    if (++tokens_ > kMaxGraphqlTokens) {
      Token t;
      t.kind = TokenKind::kInvalid;
      t.error = "too many tokens";
      return t;
    }
    return lexer_.Next();
  }
  const Token& Peek() {
    if (err_) return prev_;
    if (!peeked_) {
      peek_ = Read();
      peeked_ = true;
    }
    return peek_;
  }
  Pos PeekPos() {
    if (err_) return {};
    const Token& t = Peek();
    return {t.line, t.column};
  }
  void Fail(const Token& tok, std::string message) {
    if (err_) return;
    err_ = Err{std::move(message), tok.line, tok.column};
  }
  Token Next() {
    if (err_) return prev_;
    if (peeked_) {
      peeked_ = false;
      prev_ = std::move(peek_);
    } else {
      prev_ = Read();
    }
    // A lexer error surfaces here when the token is consumed (gqlparser keeps it with the
    // token); a peeked invalid token is reported as "Unexpected <Invalid>" by the caller.
    if (prev_.kind == TokenKind::kInvalid) {
      err_ =
          Err{prev_.error.empty() ? "Unexpected <Invalid>" : prev_.error, prev_.line, prev_.column};
    }
    return prev_;
  }
  Token ExpectKeyword(std::string_view value) {
    const Token& tok = Peek();
    if (tok.kind == TokenKind::kName && tok.value == value) return Next();
    Token copy = tok;
    Fail(copy, "Expected \"" + std::string(value) + "\", found " + copy.Describe());
    return copy;
  }
  Token Expect(TokenKind kind) {
    const Token& tok = Peek();
    if (tok.kind == kind) return Next();
    Token copy = tok;
    Fail(copy, "Expected " + std::string(TokenKindName(kind)) + ", found " +
                   std::string(TokenKindName(copy.kind)));
    return copy;
  }
  bool Skip(TokenKind kind) {
    if (err_) return false;
    if (Peek().kind != kind) return false;
    Next();
    return true;
  }
  void UnexpectedToken(const Token& tok) { Fail(tok, "Unexpected " + tok.Describe()); }
  void Unexpected() {
    Token copy = Peek();
    UnexpectedToken(copy);
  }
  template <typename F>
  void Many(TokenKind start, TokenKind end, F&& cb) {
    if (!Skip(start)) return;
    while (Peek().kind != end && !err_) cb();
    Next();
  }
  template <typename F>
  void Some(TokenKind start, TokenKind end, F&& cb) {
    if (!Skip(start)) return;
    bool called = false;
    while (Peek().kind != end && !err_) {
      called = true;
      cb();
    }
    if (!called) {
      Token copy = Peek();
      Fail(copy,
           "expected at least one definition, found " + std::string(TokenKindName(copy.kind)));
      return;
    }
    Next();
  }
  // Depth guard for recursive productions.
  bool Deeper() {
    if (depth_ >= kMaxGraphqlDepth) {
      Token copy = Peek();
      Fail(copy, "document nesting too deep");
      return false;
    }
    ++depth_;
    return true;
  }

  std::string ParseName() { return Expect(TokenKind::kName).value; }
  std::string ParseOperationType();
  std::vector<VariableDefinition> ParseVariableDefinitions();
  std::vector<Selection> ParseSelectionSet(bool required);
  Selection ParseSelection();
  std::vector<Argument> ParseArguments(bool is_const);
  std::unique_ptr<GqlValue> ParseValueLiteral(bool is_const);
  std::vector<Directive> ParseDirectives(bool is_const);
  std::unique_ptr<Type> ParseTypeReference();
  OperationDefinition ParseOperationDefinition();
  FragmentDefinition ParseFragmentDefinition();
  std::string ParseDescription();
  std::vector<std::string> ParseImplements();
  std::vector<FieldDefinition> ParseFieldsDefinition(bool input);
  std::vector<ArgumentDefinition> ParseArgumentDefs();
  std::vector<std::string> ParseUnionMembers();
  std::vector<EnumValueDefinition> ParseEnumValues();
  std::vector<OperationTypeDefinition> ParseOperationTypes(SchemaDefinition& def);
  Definition ParseTypeDefinition(std::string description);
  void ParseExtension(SchemaDocument& doc);
  DirectiveDefinition ParseDirectiveDefinition(std::string description);

  Lexer lexer_;
  std::optional<Err> err_;
  bool peeked_ = false;
  Token peek_;
  Token prev_;
  std::size_t tokens_ = 0;
  int depth_ = 0;
};

QueryDocument Parser::ParseQueryDocument() {
  QueryDocument doc;
  while (Peek().kind != TokenKind::kEof) {
    if (err_) return doc;
    const Token& t = Peek();
    if (t.kind == TokenKind::kName) {
      if (t.value == "query" || t.value == "mutation" || t.value == "subscription") {
        doc.operations.push_back(ParseOperationDefinition());
      } else if (t.value == "fragment") {
        doc.fragments.push_back(ParseFragmentDefinition());
      } else {
        Unexpected();
      }
    } else if (t.kind == TokenKind::kBraceL) {
      doc.operations.push_back(ParseOperationDefinition());
    } else {
      Unexpected();
    }
  }
  return doc;
}

OperationDefinition Parser::ParseOperationDefinition() {
  OperationDefinition op;
  op.pos = PeekPos();
  if (Peek().kind == TokenKind::kBraceL) {
    op.operation = "query";
    op.selection_set = ParseSelectionSet(true);
    return op;
  }
  op.operation = ParseOperationType();
  if (Peek().kind == TokenKind::kName) op.name = Next().value;
  op.variable_definitions = ParseVariableDefinitions();
  op.directives = ParseDirectives(false);
  op.selection_set = ParseSelectionSet(true);
  return op;
}

std::string Parser::ParseOperationType() {
  Token tok = Next();
  if (tok.value == "query" || tok.value == "mutation" || tok.value == "subscription") {
    return tok.value;
  }
  UnexpectedToken(tok);
  return "";
}

std::vector<VariableDefinition> Parser::ParseVariableDefinitions() {
  std::vector<VariableDefinition> defs;
  Many(TokenKind::kParenL, TokenKind::kParenR, [&] {
    VariableDefinition d;
    d.pos = PeekPos();
    Expect(TokenKind::kDollar);
    d.variable = ParseName();
    Expect(TokenKind::kColon);
    d.type = ParseTypeReference();
    if (Skip(TokenKind::kEquals)) d.default_value = ParseValueLiteral(true);
    d.directives = ParseDirectives(false);
    defs.push_back(std::move(d));
  });
  return defs;
}

std::vector<Selection> Parser::ParseSelectionSet(bool required) {
  std::vector<Selection> out;
  if (required && Peek().kind != TokenKind::kBraceL) {
    Token copy = Peek();
    Fail(copy, "Expected {, found " + std::string(TokenKindName(copy.kind)));
    return out;
  }
  if (!Deeper()) return out;
  Some(TokenKind::kBraceL, TokenKind::kBraceR, [&] { out.push_back(ParseSelection()); });
  --depth_;
  return out;
}

Selection Parser::ParseSelection() {
  Selection sel;
  if (Peek().kind == TokenKind::kSpread) {
    Expect(TokenKind::kSpread);
    const Token& peek = Peek();
    if (peek.kind == TokenKind::kName && peek.value != "on") {
      sel.kind = SelectionKind::kFragmentSpread;
      sel.pos = PeekPos();
      sel.name = ParseName();
      sel.directives = ParseDirectives(false);
      return sel;
    }
    sel.kind = SelectionKind::kInlineFragment;
    sel.pos = PeekPos();
    if (Peek().value == "on") {
      Next();
      sel.type_condition = ParseName();
    }
    sel.directives = ParseDirectives(false);
    sel.selection_set = ParseSelectionSet(true);
    return sel;
  }
  sel.kind = SelectionKind::kField;
  sel.pos = PeekPos();
  sel.alias = ParseName();
  sel.name = Skip(TokenKind::kColon) ? ParseName() : sel.alias;
  sel.arguments = ParseArguments(false);
  sel.directives = ParseDirectives(false);
  if (Peek().kind == TokenKind::kBraceL) sel.selection_set = ParseSelectionSet(false);
  return sel;
}

std::vector<Argument> Parser::ParseArguments(bool is_const) {
  std::vector<Argument> out;
  Many(TokenKind::kParenL, TokenKind::kParenR, [&] {
    Argument a;
    a.pos = PeekPos();
    a.name = ParseName();
    Expect(TokenKind::kColon);
    a.value = ParseValueLiteral(is_const);
    out.push_back(std::move(a));
  });
  return out;
}

std::unique_ptr<GqlValue> Parser::ParseValueLiteral(bool is_const) {
  const Token tok = Peek();
  auto v = std::make_unique<GqlValue>();
  v->pos = {tok.line, tok.column};
  switch (tok.kind) {
    case TokenKind::kBracketL:
    case TokenKind::kBraceL: {
      if (!Deeper()) return nullptr;
      const bool list = tok.kind == TokenKind::kBracketL;
      v->kind = list ? ValueKind::kList : ValueKind::kObject;
      Many(tok.kind, list ? TokenKind::kBracketR : TokenKind::kBraceR, [&] {
        ChildValue c;
        c.pos = PeekPos();
        if (!list) {
          c.name = ParseName();
          Expect(TokenKind::kColon);
        }
        c.value = ParseValueLiteral(is_const);
        v->children.push_back(std::move(c));
      });
      --depth_;
      return v;
    }
    case TokenKind::kDollar:
      if (is_const) {
        Unexpected();
        return nullptr;
      }
      Expect(TokenKind::kDollar);
      v->kind = ValueKind::kVariable;
      v->raw = ParseName();
      return v;
    case TokenKind::kInt:
      v->kind = ValueKind::kInt;
      break;
    case TokenKind::kFloat:
      v->kind = ValueKind::kFloat;
      break;
    case TokenKind::kString:
      v->kind = ValueKind::kString;
      break;
    case TokenKind::kBlockString:
      v->kind = ValueKind::kBlock;
      break;
    case TokenKind::kName:
      if (tok.value == "true" || tok.value == "false") {
        v->kind = ValueKind::kBoolean;
      } else if (tok.value == "null") {
        v->kind = ValueKind::kNull;
      } else {
        v->kind = ValueKind::kEnum;
      }
      break;
    default:
      Unexpected();
      return nullptr;
  }
  Next();
  v->raw = tok.value;
  return v;
}

std::vector<Directive> Parser::ParseDirectives(bool is_const) {
  std::vector<Directive> out;
  while (Peek().kind == TokenKind::kAt) {
    if (err_) break;
    Expect(TokenKind::kAt);
    Directive d;
    d.pos = PeekPos();
    d.name = ParseName();
    d.arguments = ParseArguments(is_const);
    out.push_back(std::move(d));
  }
  return out;
}

std::unique_ptr<Type> Parser::ParseTypeReference() {
  auto t = std::make_unique<Type>();
  if (Skip(TokenKind::kBracketL)) {
    if (!Deeper()) return t;
    t->pos = PeekPos();
    t->elem = ParseTypeReference();
    Expect(TokenKind::kBracketR);
    --depth_;
  } else {
    t->pos = PeekPos();
    t->named_type = ParseName();
  }
  if (Skip(TokenKind::kBang)) t->non_null = true;
  return t;
}

FragmentDefinition Parser::ParseFragmentDefinition() {
  FragmentDefinition f;
  f.pos = PeekPos();
  ExpectKeyword("fragment");
  if (Peek().value == "on") {
    Unexpected();
  } else {
    f.name = ParseName();
  }
  f.variable_definition = ParseVariableDefinitions();
  ExpectKeyword("on");
  f.type_condition = ParseName();
  f.directives = ParseDirectives(false);
  f.selection_set = ParseSelectionSet(true);
  return f;
}

// ---- SDL ----

std::string Parser::ParseDescription() {
  const Token& t = Peek();
  if (t.kind != TokenKind::kBlockString && t.kind != TokenKind::kString) return "";
  return Next().value;
}

SchemaDocument Parser::ParseSchemaDocument() {
  SchemaDocument doc;
  while (Peek().kind != TokenKind::kEof) {
    if (err_) return doc;
    std::string description;
    if (Peek().kind == TokenKind::kBlockString || Peek().kind == TokenKind::kString) {
      description = ParseDescription();
    }
    if (Peek().kind != TokenKind::kName) {
      Unexpected();
      break;
    }
    const std::string word = Peek().value;
    if (word == "scalar" || word == "type" || word == "interface" || word == "union" ||
        word == "enum" || word == "input") {
      doc.definitions.push_back(ParseTypeDefinition(std::move(description)));
    } else if (word == "schema") {
      ExpectKeyword("schema");
      SchemaDefinition def;
      def.pos = PeekPos();
      def.description = std::move(description);
      def.directives = ParseDirectives(true);
      def.operation_types = ParseOperationTypes(def);
      doc.schema.push_back(std::move(def));
    } else if (word == "directive") {
      doc.directives.push_back(ParseDirectiveDefinition(std::move(description)));
    } else if (word == "extend") {
      if (!description.empty()) UnexpectedToken(prev_);
      ParseExtension(doc);
    } else {
      Unexpected();
      return doc;
    }
  }
  return doc;
}

std::vector<OperationTypeDefinition> Parser::ParseOperationTypes(SchemaDefinition& def) {
  (void)def;
  std::vector<OperationTypeDefinition> out;
  Some(TokenKind::kBraceL, TokenKind::kBraceR, [&] {
    OperationTypeDefinition op;
    op.pos = PeekPos();
    op.operation = ParseOperationType();
    Expect(TokenKind::kColon);
    op.type = ParseName();
    out.push_back(std::move(op));
  });
  return out;
}

std::vector<std::string> Parser::ParseImplements() {
  std::vector<std::string> out;
  if (Peek().value == "implements") {
    Next();
    Skip(TokenKind::kAmp);
    out.push_back(ParseName());
    while (Skip(TokenKind::kAmp) && !err_) out.push_back(ParseName());
  }
  return out;
}

std::vector<ArgumentDefinition> Parser::ParseArgumentDefs() {
  std::vector<ArgumentDefinition> out;
  Some(TokenKind::kParenL, TokenKind::kParenR, [&] {
    ArgumentDefinition a;
    a.pos = PeekPos();
    a.description = ParseDescription();
    a.name = ParseName();
    Expect(TokenKind::kColon);
    a.type = ParseTypeReference();
    if (Skip(TokenKind::kEquals)) a.default_value = ParseValueLiteral(true);
    a.directives = ParseDirectives(true);
    out.push_back(std::move(a));
  });
  return out;
}

std::vector<FieldDefinition> Parser::ParseFieldsDefinition(bool input) {
  std::vector<FieldDefinition> out;
  Some(TokenKind::kBraceL, TokenKind::kBraceR, [&] {
    FieldDefinition f;
    f.pos = PeekPos();
    f.description = ParseDescription();
    f.name = ParseName();
    if (!input) f.arguments = ParseArgumentDefs();
    Expect(TokenKind::kColon);
    f.type = ParseTypeReference();
    if (input && Skip(TokenKind::kEquals)) f.default_value = ParseValueLiteral(true);
    f.directives = ParseDirectives(true);
    out.push_back(std::move(f));
  });
  return out;
}

std::vector<std::string> Parser::ParseUnionMembers() {
  std::vector<std::string> out;
  if (Skip(TokenKind::kEquals)) {
    Skip(TokenKind::kPipe);
    out.push_back(ParseName());
    while (Skip(TokenKind::kPipe) && !err_) out.push_back(ParseName());
  }
  return out;
}

std::vector<EnumValueDefinition> Parser::ParseEnumValues() {
  std::vector<EnumValueDefinition> out;
  Some(TokenKind::kBraceL, TokenKind::kBraceR, [&] {
    EnumValueDefinition e;
    e.pos = PeekPos();
    e.description = ParseDescription();
    e.name = ParseName();
    e.directives = ParseDirectives(true);
    out.push_back(std::move(e));
  });
  return out;
}

Definition Parser::ParseTypeDefinition(std::string description) {
  Definition def;
  const std::string word = Peek().value;
  ExpectKeyword(word);
  def.pos = PeekPos();
  def.description = std::move(description);
  def.name = ParseName();
  if (word == "scalar") {
    def.kind = "SCALAR";
    def.directives = ParseDirectives(true);
  } else if (word == "type" || word == "interface") {
    def.kind = word == "type" ? "OBJECT" : "INTERFACE";
    def.interfaces = ParseImplements();
    def.directives = ParseDirectives(true);
    def.fields = ParseFieldsDefinition(false);
  } else if (word == "union") {
    def.kind = "UNION";
    def.directives = ParseDirectives(true);
    def.types = ParseUnionMembers();
  } else if (word == "enum") {
    def.kind = "ENUM";
    def.directives = ParseDirectives(true);
    def.enum_values = ParseEnumValues();
  } else {
    def.kind = "INPUT_OBJECT";
    def.directives = ParseDirectives(true);
    def.fields = ParseFieldsDefinition(true);
  }
  return def;
}

void Parser::ParseExtension(SchemaDocument& doc) {
  ExpectKeyword("extend");
  const std::string word = Peek().value;
  if (word == "schema") {
    ExpectKeyword("schema");
    SchemaDefinition def;
    def.pos = PeekPos();
    def.directives = ParseDirectives(true);
    def.operation_types = ParseOperationTypes(def);
    if (def.directives.empty() && def.operation_types.empty()) Unexpected();
    doc.schema_extension.push_back(std::move(def));
    return;
  }
  Definition def;
  if (word != "scalar" && word != "type" && word != "interface" && word != "union" &&
      word != "enum" && word != "input") {
    Unexpected();
    return;
  }
  ExpectKeyword(word);
  def.pos = PeekPos();
  def.name = ParseName();
  bool empty = false;
  if (word == "scalar") {
    def.kind = "SCALAR";
    def.directives = ParseDirectives(true);
    empty = def.directives.empty();
  } else if (word == "type") {
    def.kind = "OBJECT";
    def.interfaces = ParseImplements();
    def.directives = ParseDirectives(true);
    def.fields = ParseFieldsDefinition(false);
    empty = def.interfaces.empty() && def.directives.empty() && def.fields.empty();
  } else if (word == "interface") {
    def.kind = "INTERFACE";
    def.directives = ParseDirectives(true);
    def.fields = ParseFieldsDefinition(false);
    empty = def.directives.empty() && def.fields.empty();
  } else if (word == "union") {
    def.kind = "UNION";
    def.directives = ParseDirectives(true);
    def.types = ParseUnionMembers();
    empty = def.directives.empty() && def.types.empty();
  } else if (word == "enum") {
    def.kind = "ENUM";
    def.directives = ParseDirectives(true);
    def.enum_values = ParseEnumValues();
    empty = def.directives.empty() && def.enum_values.empty();
  } else {
    def.kind = "INPUT_OBJECT";
    def.directives = ParseDirectives(false);
    def.fields = ParseFieldsDefinition(true);
    empty = def.directives.empty() && def.fields.empty();
  }
  if (empty) Unexpected();
  doc.extensions.push_back(std::move(def));
}

DirectiveDefinition Parser::ParseDirectiveDefinition(std::string description) {
  ExpectKeyword("directive");
  Expect(TokenKind::kAt);
  DirectiveDefinition def;
  def.pos = PeekPos();
  def.description = std::move(description);
  def.name = ParseName();
  def.arguments = ParseArgumentDefs();
  if (Peek().kind == TokenKind::kName && Peek().value == "repeatable") {
    def.is_repeatable = true;
    Skip(TokenKind::kName);
  }
  ExpectKeyword("on");
  Skip(TokenKind::kPipe);
  do {
    Token name = Expect(TokenKind::kName);
    if (err_) break;
    if (!IsDirectiveLocation(name.value)) {
      UnexpectedToken(name);
      break;
    }
    def.locations.push_back(name.value);
  } while (Skip(TokenKind::kPipe) && !err_);
  return def;
}

Result<SchemaDocument> ParseSchemaImpl(std::string_view input, bool built_in) {
  if (input.size() > kMaxGraphqlInputBytes) {
    return MakeError(GraphqlError::kParse, "GraphQL schema too large");
  }
  Parser p(input);
  SchemaDocument doc = p.ParseSchemaDocument();
  if (p.failed()) return p.TakeError();
  for (auto& d : doc.definitions) d.built_in = built_in;
  for (auto& d : doc.extensions) d.built_in = built_in;
  return doc;
}

}  // namespace

Result<QueryDocument> ParseQuery(std::string_view input) {
  if (input.size() > kMaxGraphqlInputBytes) {
    return MakeError(GraphqlError::kParse, "GraphQL query too large");
  }
  Parser p(input);
  QueryDocument doc = p.ParseQueryDocument();
  if (p.failed()) return p.TakeError();
  return doc;
}

Result<SchemaDocument> ParseSchema(std::string_view input) { return ParseSchemaImpl(input, false); }

Result<SchemaDocument> ParseBuiltinSchema(std::string_view input) {
  return ParseSchemaImpl(input, true);
}

}  // namespace gatehouse::rego::graphql
