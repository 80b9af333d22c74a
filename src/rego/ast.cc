#include "rego/ast.h"

namespace gatehouse::rego {

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kNamed:
      return "";
    case Op::kAssign:
      return "assign";
    case Op::kUnify:
      return "eq";
    case Op::kEqual:
      return "equal";
    case Op::kNeq:
      return "neq";
    case Op::kLt:
      return "lt";
    case Op::kLte:
      return "lte";
    case Op::kGt:
      return "gt";
    case Op::kGte:
      return "gte";
    case Op::kPlus:
      return "plus";
    case Op::kMinus:
      return "minus";
    case Op::kMul:
      return "mul";
    case Op::kDiv:
      return "div";
    case Op::kRem:
      return "rem";
    case Op::kAnd:
      return "and";
    case Op::kOr:
      return "or";
    case Op::kMember:
      return "internal.member_2";
    case Op::kMemberWithKey:
      return "internal.member_3";
  }
  return "";
}

}  // namespace gatehouse::rego
