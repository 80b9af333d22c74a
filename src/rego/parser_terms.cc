// Terms and operators: OPA's parseTerm, parseRef, parseCall, parseArray, parseSetOrObject,
// parseTermIn and the binary operator chain (as precedence climbing).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include "rego/parser_internal.h"
#include "value/decimal.h"

namespace gatehouse::rego::internal {
namespace {

// Binary operator precedence as OPA's parseTermRelation > Or > And > Arith > Factor chain.
int Precedence(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEqual:
    case TokenKind::kNeq:
    case TokenKind::kLt:
    case TokenKind::kLte:
    case TokenKind::kGt:
    case TokenKind::kGte:
      return 1;
    case TokenKind::kOr:
      return 2;
    case TokenKind::kAnd:
      return 3;
    case TokenKind::kAdd:
    case TokenKind::kSub:
      return 4;
    case TokenKind::kMul:
    case TokenKind::kQuo:
    case TokenKind::kRem:
      return 5;
    default:
      return 0;
  }
}

Op BinaryOp(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEqual:
      return Op::kEqual;
    case TokenKind::kNeq:
      return Op::kNeq;
    case TokenKind::kLt:
      return Op::kLt;
    case TokenKind::kLte:
      return Op::kLte;
    case TokenKind::kGt:
      return Op::kGt;
    case TokenKind::kGte:
      return Op::kGte;
    case TokenKind::kOr:
      return Op::kOr;
    case TokenKind::kAnd:
      return Op::kAnd;
    case TokenKind::kAdd:
      return Op::kPlus;
    case TokenKind::kSub:
      return Op::kMinus;
    case TokenKind::kMul:
      return Op::kMul;
    case TokenKind::kQuo:
      return Op::kDiv;
    case TokenKind::kRem:
      return Op::kRem;
    default:
      return Op::kNamed;
  }
}

std::string_view KindNameForRef(TermKind kind) {
  switch (kind) {
    case TermKind::kNull:
      return "null";
    case TermKind::kBool:
      return "boolean";
    case TermKind::kNumber:
      return "number";
    case TermKind::kString:
      return "string";
    case TermKind::kRef:
      return "ref";
    default:
      return "term";
  }
}

// The literal after the optional "-" / "." prefix must be digits [. digits] [e [+-] digits],
// and a "." prefix allows no second fraction.
bool ValidNumberText(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && s[i] == '-') ++i;
  bool dot_first = i < s.size() && s[i] == '.';
  if (dot_first) ++i;
  std::size_t digits = i;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == digits) return false;
  if (i < s.size() && s[i] == '.') {
    if (dot_first) return false;
    ++i;
    std::size_t frac = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == frac) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    std::size_t exp = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    if (i == exp) return false;
  }
  return i == s.size();
}

}  // namespace

// ---- terms ----

TermId Parser::ParseTerm() {
  if (failed()) return kNone;
  MemoEntry& cached = memo_[pos_];
  if (cached.state == 1) {
    pos_ = cached.end;
    return cached.term;
  }
  if (cached.state == 2) {
    auto it = memo_errors_.find(pos_);
    if (it != memo_errors_.end()) error_ = it->second;
    return kNone;
  }
  std::uint32_t start = pos_;
  if (++steps_ > max_steps_) {
    Fatal(Loc(), "policy too complex to parse");
    return kNone;
  }
  TermId term = ParseTermUncached();
  // memo_ may not be referenced across the recursive call: it is not resized, but be explicit.
  MemoEntry& entry = memo_[start];
  if (term == kNone) {
    entry.state = 2;
    if (error_) memo_errors_.emplace(start, *error_);
  } else {
    entry.state = 1;
    entry.term = term;
    entry.end = pos_;
  }
  return term;
}

TermId Parser::ParseTermUncached() {
  DepthGuard guard(*this);
  if (!guard.ok()) return kNone;
  Location loc = Loc();
  TermId term = kNone;
  switch (Cur()) {
    case TokenKind::kNull:
      term = AddScalar(TermKind::kNull, value::Value(), loc);
      Next();
      break;
    case TokenKind::kTrue:
    case TokenKind::kFalse:
      term = AddScalar(TermKind::kBool, value::Value(Cur() == TokenKind::kTrue), loc);
      Next();
      break;
    case TokenKind::kSub:
    case TokenKind::kDot:
    case TokenKind::kNumber:
      term = ParseNumber();
      break;
    case TokenKind::kString:
    case TokenKind::kRawString:
      term = AddString(DecodeStringLiteral(TextOf(Tok())), loc);
      Next();
      break;
    case TokenKind::kTemplateStart:
      term = ParseTemplate();
      break;
    case TokenKind::kIdent:
    case TokenKind::kContains:  // `contains` is only special in rule heads
      term = ParseVar();
      break;
    case TokenKind::kLBrack:
      term = ParseArray();
      break;
    case TokenKind::kLBrace:
      term = ParseSetOrObject();
      break;
    case TokenKind::kLParen: {
      Next();
      term = ParseTermIn(true);
      if (term == kNone) return kNone;
      if (Cur() != TokenKind::kRParen) {
        ErrorAt(Loc(), "non-terminated expression");
        return kNone;
      }
      Next();
      break;
    }
    default:
      Illegal();
      return kNone;
  }
  if (term == kNone) return kNone;
  return ParseTermFinish(term, false);
}

TermId Parser::ParseVar() {
  Location loc = Loc();
  std::string_view text = TextOf(Tok());
  Next();
  if (text == "_") {
    // Each `_` is a distinct variable, named like OPA's generated wildcards.
    return AddVar(Intern("$" + std::to_string(wildcards_++)), loc);
  }
  return AddVar(Intern(text), loc);
}

TermId Parser::ParseTermFinish(TermId head, bool allow_space) {
  const Token& next = Tok();
  TokenKind kind = Cur();
  if ((kind == TokenKind::kLParen || kind == TokenKind::kDot || kind == TokenKind::kLBrack) &&
      (allow_space || !next.space_before)) {
    return ParseRef(head);
  }
  if (IsVarNamed(head, "data") || IsVarNamed(head, "input")) {
    TermId parts[] = {head};
    return AddNode(TermKind::kRef, ast_.terms[head].loc, parts);
  }
  return head;
}

TermId Parser::ParseRef(TermId head) {
  TermKind head_kind = ast_.terms[head].kind;
  switch (head_kind) {
    case TermKind::kVar:
    case TermKind::kArray:
    case TermKind::kObject:
    case TermKind::kSet:
    case TermKind::kArrayCompr:
    case TermKind::kSetCompr:
    case TermKind::kObjectCompr:
    case TermKind::kCall:
      break;
    default:
      ErrorAt(Loc(), "illegal ref (head cannot be " + std::string(KindNameForRef(head_kind)) + ")");
      return kNone;
  }
  Location loc = ast_.terms[head].loc;
  std::vector<TermId> parts{head};
  for (bool first = true;; first = false) {
    if (!first && Tok().space_before) break;
    switch (Cur()) {
      case TokenKind::kDot: {
        Next();
        if (!IsWord(Tok().kind) || Tok().space_before) {
          Illegal("expected ident");
          return kNone;
        }
        parts.push_back(AddString(std::string(TextOf(Tok())), Loc()));
        Next();
        continue;
      }
      case TokenKind::kLBrack: {
        Next();
        TermId part = ParseTermIn(true);
        if (part == kNone) return kNone;
        if (Cur() != TokenKind::kRBrack) {
          Illegal("expected ]");
          return kNone;
        }
        Next();
        parts.push_back(part);
        continue;
      }
      case TokenKind::kLParen: {
        TermId op = AddNode(TermKind::kRef, loc, parts);
        TermId call = ParseCall(op, loc);
        if (call == kNone) return kNone;
        TokenKind after = Cur();
        if ((after == TokenKind::kDot || after == TokenKind::kLBrack) && !Tok().space_before) {
          return ParseRef(call);
        }
        return call;
      }
      default:
        break;
    }
    break;
  }
  return AddNode(TermKind::kRef, loc, parts);
}

TermId Parser::ParseCall(TermId op, Location loc) {
  Next();  // (
  std::vector<TermId> children{op};
  if (!ParseTermList(TokenKind::kRParen, children)) return kNone;
  Next();  // )
  return AddNode(TermKind::kCall, loc, children);
}

TermId Parser::ParseNumber() {
  Location loc = Loc();
  std::string text;
  if (Cur() == TokenKind::kSub) {
    text = "-";
    Next();
    if (Cur() != TokenKind::kNumber && Cur() != TokenKind::kDot) {
      Illegal("expected number");
      return kNone;
    }
  }
  if (Cur() == TokenKind::kDot) {
    text += '.';
    Next();
    if (Cur() != TokenKind::kNumber || Tok().space_before) {
      Illegal("expected number");
      return kNone;
    }
  }
  std::string_view lit = TextOf(Tok());
  // Go's big.Float reads "00" as 0; OPA refuses leading zeros instead.
  if (text.find('.') == std::string::npos && lit.size() > 1 && lit[0] == '0' && lit[1] == '0') {
    Illegal("expected number");
    return kNone;
  }
  text.append(lit);
  if (!ValidNumberText(text)) {
    Illegal("expected number");
    return kNone;
  }
  Next();
  value::Value v;
  bool integral = text.find_first_of(".eE") == std::string::npos;
  std::int64_t i = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
  if (integral && ec == std::errc() && end == text.data() + text.size()) {
    v = value::Value(i);
  } else {
    // Like OPA (whose numbers are arbitrary precision), refuse only absurd magnitudes.
    std::size_t mantissa_end = text.find_first_of("eE");
    long long exponent = 0;
    if (mantissa_end != std::string::npos) {
      std::from_chars(text.data() + mantissa_end + 1 + (text[mantissa_end + 1] == '+' ? 1 : 0),
                      text.data() + text.size(), exponent);  // saturates only via the check below
      if (text.size() - mantissa_end > 12)
        exponent = text[mantissa_end + 1] == '-' ? -(1LL << 40) : (1LL << 40);
    }
    long long digits = static_cast<long long>(std::min(mantissa_end, text.size()));
    if (exponent + digits > 30000 || exponent < -30000 - digits) {
      ErrorAt(loc, "number too big");
      return kNone;
    }
    // A double when it holds the number exactly (as its shortest digits), else the exact text.
    auto decimal = value::ParseDecimal(text);
    if (decimal && !value::FitsDouble(*decimal)) {
      v = value::Value(value::BigNumber{text});
    } else {
      v = value::Value(std::strtod(text.c_str(), nullptr));
    }
  }
  return AddScalar(TermKind::kNumber, std::move(v), loc, Intern(text));
}

TermId Parser::ParseTemplate() {
  Location loc = Loc();
  bool raw = TextOf(Tok()).back() == '`';
  Next();
  std::vector<TermId> parts;
  while (true) {
    switch (Cur()) {
      case TokenKind::kTemplateText:
        parts.push_back(AddString(DecodeTemplateText(TextOf(Tok()), raw), Loc()));
        Next();
        continue;
      case TokenKind::kLBrace: {
        Location part_loc = Loc();
        Next();
        DepthGuard guard(*this);
        if (!guard.ok()) return kNone;
        TermId value = ParseExprTerm();
        if (value == kNone) return kNone;
        std::vector<With> withs;
        if (Cur() == TokenKind::kWith && !ParseWiths(withs)) return kNone;
        if (Cur() != TokenKind::kRBrace) {
          Illegal("expected } to end the template expression");
          return kNone;
        }
        Next();
        Expr e;
        e.loc = ast_.terms[value].loc;
        e.term = value;
        ExprId expr = AddExpr(e, withs);
        TermId children[] = {value};
        parts.push_back(AddNode(TermKind::kTemplateExpr, part_loc, children, Op::kNamed,
                                AddBody(e.loc, std::span<const ExprId>(&expr, 1))));
        continue;
      }
      case TokenKind::kTemplateEnd:
        Next();
        return AddNode(TermKind::kTemplateString, loc, parts);
      default:
        Illegal("expected template string text");
        return kNone;
    }
  }
}

TermId Parser::ParseArray() {
  Location loc = Loc();
  Next();  // [
  if (Cur() == TokenKind::kRBrack) {
    Next();
    return AddNode(TermKind::kArray, loc, {});
  }
  bool maybe_compr = true;
  if (Cur() == TokenKind::kComma) {  // `[, x]` is accepted for compatibility with OPA
    maybe_compr = false;
    Next();
  }
  State start = Save();
  // Only a plain term may head a comprehension: `[1 | 1]` is a comprehension, not `or(1, 1)`.
  TermId head = ParseTerm();
  if (head == kNone) return kNone;
  switch (Cur()) {
    case TokenKind::kRBrack: {
      Next();
      TermId items[] = {head};
      return AddNode(TermKind::kArray, loc, items);
    }
    case TokenKind::kComma: {
      Next();
      std::vector<TermId> items{head};
      if (!ParseTermList(TokenKind::kRBrack, items)) return kNone;
      Next();
      return AddNode(TermKind::kArray, loc, items);
    }
    case TokenKind::kOr:
      if (maybe_compr) {
        Next();
        BodyId body = ParseBody(TokenKind::kRBrack);
        if (body != kNone) {
          Next();
          TermId items[] = {head};
          return AddNode(TermKind::kArrayCompr, loc, items, Op::kNamed, body);
        }
        if (Cur() != TokenKind::kComma) return kNone;
      }
      break;
    default:
      break;
  }
  Restore(start);
  std::vector<TermId> items;
  if (!ParseTermList(TokenKind::kRBrack, items)) return kNone;
  Next();
  return AddNode(TermKind::kArray, loc, items);
}

TermId Parser::ParseSetOrObject() {
  Location loc = Loc();
  Next();  // {
  if (Cur() == TokenKind::kRBrace) {
    Next();
    return AddNode(TermKind::kObject, loc, {});
  }
  bool maybe_compr = true;
  if (Cur() == TokenKind::kComma) {
    maybe_compr = false;
    Next();
  }
  State start = Save();
  TermId head = ParseTerm();
  if (head == kNone) return kNone;
  switch (Cur()) {
    case TokenKind::kOr:
      if (maybe_compr) return ParseSetRest(start, head, maybe_compr, loc);
      break;
    case TokenKind::kRBrace:
    case TokenKind::kComma:
      return ParseSetRest(start, head, maybe_compr, loc);
    case TokenKind::kColon:
      return ParseObjectRest(head, maybe_compr, loc);
    default:
      break;
  }
  Restore(start);
  head = ParseTermIn(false);
  if (head == kNone) return kNone;
  switch (Cur()) {
    case TokenKind::kRBrace:
    case TokenKind::kComma:
      return ParseSetRest(start, head, false, loc);
    case TokenKind::kColon:
      return ParseObjectRest(head, maybe_compr, loc);
    default:
      break;
  }
  Illegal("non-terminated set");
  return kNone;
}

TermId Parser::ParseSetRest(State start, TermId head, bool maybe_compr, Location loc) {
  switch (Cur()) {
    case TokenKind::kRBrace: {
      Next();
      TermId items[] = {head};
      return AddNode(TermKind::kSet, loc, items);
    }
    case TokenKind::kComma: {
      Next();
      std::vector<TermId> items{head};
      if (!ParseTermList(TokenKind::kRBrace, items)) return kNone;
      Next();
      return AddNode(TermKind::kSet, loc, items);
    }
    case TokenKind::kOr: {
      if (maybe_compr) {
        Next();
        BodyId body = ParseBody(TokenKind::kRBrace);
        if (body != kNone) {
          Next();
          TermId items[] = {head};
          return AddNode(TermKind::kSetCompr, loc, items, Op::kNamed, body);
        }
        if (Cur() != TokenKind::kComma) return kNone;
      }
      Restore(start);
      std::vector<TermId> items;
      if (!ParseTermList(TokenKind::kRBrace, items)) return kNone;
      Next();
      return AddNode(TermKind::kSet, loc, items);
    }
    default:
      Illegal("non-terminated set");
      return kNone;
  }
}

TermId Parser::ParseObjectRest(TermId key, bool maybe_compr, Location loc) {
  if (Cur() != TokenKind::kColon) {
    Illegal("expected :");
    return kNone;
  }
  Next();
  State start = Save();
  // As for sets: try a plain value first, so `{k: v | body}` is a comprehension.
  TermId val = ParseTerm();
  if (val == kNone) return kNone;
  bool maybe_relation = true;
  if (maybe_compr) {
    switch (Cur()) {
      case TokenKind::kRBrace:
      case TokenKind::kComma:
        maybe_relation = false;
        [[fallthrough]];
      case TokenKind::kOr: {
        TermId t = ParseObjectFinish(key, val, true, loc);
        if (t != kNone) return t;
        break;
      }
      default:
        break;
    }
  }
  Restore(start);
  if (maybe_relation) {
    val = ParseTermIn(false);
    if (val == kNone) return kNone;
    if (Cur() == TokenKind::kRBrace || Cur() == TokenKind::kComma) {
      return ParseObjectFinish(key, val, false, loc);
    }
  }
  Illegal("non-terminated object");
  return kNone;
}

TermId Parser::ParseObjectFinish(TermId key, TermId val, bool maybe_compr, Location loc) {
  switch (Cur()) {
    case TokenKind::kRBrace: {
      Next();
      TermId items[] = {key, val};
      return AddNode(TermKind::kObject, loc, items);
    }
    case TokenKind::kOr: {
      if (!maybe_compr) {
        Illegal("non-terminated object");
        return kNone;
      }
      Next();
      BodyId body = ParseBody(TokenKind::kRBrace);
      if (body == kNone) return kNone;
      Next();
      TermId items[] = {key, val};
      return AddNode(TermKind::kObjectCompr, loc, items, Op::kNamed, body);
    }
    case TokenKind::kComma: {
      Next();
      std::vector<TermId> items{key, val};
      if (!ParseTermPairList(TokenKind::kRBrace, items)) return kNone;
      Next();
      return AddNode(TermKind::kObject, loc, items);
    }
    default:
      Illegal("non-terminated object");
      return kNone;
  }
}

bool Parser::ParseTermList(TokenKind end, std::vector<TermId>& out) {
  if (Cur() == end) return true;
  while (true) {
    TermId t = ParseTermIn(false);
    if (t == kNone) return false;
    out.push_back(t);
    if (Cur() == end) return true;
    if (Cur() == TokenKind::kComma) {
      Next();
      if (Cur() == end) return true;
      continue;
    }
    Illegal("expected , or " + std::string(TokenKindName(end)));
    return false;
  }
}

bool Parser::ParseTermPairList(TokenKind end, std::vector<TermId>& out) {
  if (Cur() == end) return true;
  while (true) {
    TermId k = ParseTermIn(false);
    if (k == kNone) return false;
    if (Cur() != TokenKind::kColon) {
      Illegal("expected :");
      return false;
    }
    Next();
    TermId v = ParseTermIn(false);
    if (v == kNone) return false;
    out.push_back(k);
    out.push_back(v);
    if (Cur() == end) return true;
    if (Cur() == TokenKind::kComma) {
      Next();
      if (Cur() == end) return true;
      continue;
    }
    Illegal("expected , or " + std::string(TokenKindName(end)));
    return false;
  }
}

// `in` binds loosest; with key_val, `k, v in xs` is tried first (literals, `some`, `every`).
TermId Parser::ParseTermIn(bool key_val) {
  TermId lhs = ParseBinary(1);
  if (lhs == kNone) return kNone;
  while (true) {
    Location loc = ast_.terms[lhs].loc;
    if (key_val && Cur() == TokenKind::kComma) {
      State s = Save();
      Next();
      TermId mhs = ParseBinary(1);
      if (mhs != kNone && Cur() == TokenKind::kIn) {
        Next();
        TermId rhs = ParseBinary(1);
        if (rhs != kNone) {
          TermId args[] = {lhs, mhs, rhs};
          lhs = AddOpCall(Op::kMemberWithKey, loc, args);
          if (Cur() == TokenKind::kIn) continue;
          return lhs;
        }
      }
      Restore(s);
    }
    if (Cur() == TokenKind::kIn) {
      Next();
      TermId rhs = ParseBinary(1);
      if (rhs == kNone) return kNone;
      TermId args[] = {lhs, rhs};
      lhs = AddOpCall(Op::kMember, loc, args);
      if (Cur() == TokenKind::kIn) continue;
    }
    return lhs;
  }
}

TermId Parser::ParseBinary(int min_precedence) {
  TermId lhs = ParseTerm();
  if (lhs == kNone) return kNone;
  while (true) {
    TokenKind kind = Cur();
    int prec = Precedence(kind);
    if (prec == 0 || prec < min_precedence) return lhs;
    Next();
    TermId rhs = ParseBinary(prec + 1);
    if (rhs == kNone) return kNone;
    TermId args[] = {lhs, rhs};
    lhs = AddOpCall(BinaryOp(kind), ast_.terms[lhs].loc, args);
  }
}

}  // namespace gatehouse::rego::internal
