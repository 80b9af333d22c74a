// Rego evaluator: runs a compiled query (rego/compiler.h) against a compiled program.
//
// Top-down evaluation with backtracking in continuation-passing style: every step takes a
// continuation (a non-owning FnRef) that is called once per solution and returns false to stop
// the search (an error was recorded, or the caller has what it needs). Variables live in frame
// slots; bindings are recorded on a trail and undone when a branch returns. Rule values are
// computed whole and memoised for the evaluation (a `with` modifier evaluates under a fresh
// memo). Documents are never copied: Values are shared by reference count.
//
// An Evaluator is one evaluation on one thread; it borrows the program, which must outlive it.
// Limits: a step budget, a call depth and an optional deadline; exceeding one ends evaluation
// with an eval_cancel_error. Errors are "file:row: code: message" as OPA prints them.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "rego/builtins/builtin.h"
#include "rego/compiler.h"
#include "rego/value.h"

namespace gatehouse::rego::ir {

// A non-owning reference to a callable; the callable must outlive the call.
template <typename Sig>
class FnRef;
template <typename R, typename... A>
class FnRef<R(A...)> {
 public:
  template <typename F, typename = std::enable_if_t<!std::is_same_v<std::decay_t<F>, FnRef>>>
  FnRef(F&& f)  // NOLINT: implicit by design
      : obj_(const_cast<void*>(static_cast<const void*>(&f))), call_([](void* o, A... a) -> R {
          return (*static_cast<std::remove_reference_t<F>*>(o))(std::forward<A>(a)...);
        }) {}
  R operator()(A... a) const { return call_(obj_, std::forward<A>(a)...); }

 private:
  void* obj_;
  R (*call_)(void*, A...);
};

struct EvalLimits {
  std::uint64_t max_steps = 100'000'000;
  std::uint32_t max_depth = 200;  // nested rule / function evaluations
  const Clock* clock = nullptr;   // for the deadline
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

class Evaluator {
 public:
  Evaluator(const Program& program, BuiltinContext& ctx, const EvalLimits& limits);

  void SetInput(std::optional<Value> input) { cur_.input = std::move(input); }
  // Replaces the base document at `path` (below data) for this evaluation, as `with` does.
  void OverlayData(std::vector<Value> path, Value value) {
    cur_.data.push_back(DataOverride{std::move(path), std::move(value)});
  }

  // Evaluates `query`; `on_solution` runs once per solution (read the bindings with
  // SlotValue / ExprValue meanwhile) and returns false to stop.
  Status Run(const CompiledQuery& query, FnRef<bool()> on_solution);

  std::optional<Value> SlotValue(std::int32_t slot) const;
  const std::optional<Value>& ExprValue(std::size_t i) const { return expr_values_[i]; }

 private:
  using K = FnRef<bool()>;
  using KV = FnRef<bool(const Value&)>;

  struct Slot {
    Value v;
    bool bound = false;
  };
  struct Memo {
    std::uint8_t state = 0;  // 0 unknown, 1 in progress, 2 undefined, 3 value
    Value v;
  };
  struct DataOverride {
    std::vector<Value> path;
    Value value;
  };
  struct FnMock {
    const void* target = nullptr;
    std::optional<Value> value;
    const Node* node = nullptr;
    const Builtin* builtin = nullptr;
  };
  // Everything a `with` modifier replaces.
  struct Context {
    std::optional<Value> input;
    std::vector<DataOverride> data;
    std::vector<FnMock> mocks;
    std::vector<Memo> memo;
  };

  bool Fail(Error e);
  bool FailAt(const Term* t, ErrorCode code, std::string_view message);
  bool FailAtLoc(std::uint16_t file, Location loc, ErrorCode code, std::string_view message);
  std::string FileName(std::uint16_t file) const;
  bool Step();

  void PushFrame(std::int32_t size, std::size_t& saved);
  void PopFrame(std::size_t saved);
  bool IsBound(std::int32_t slot) const { return slots_[fp_ + slot].bound; }
  void Bind(std::int32_t slot, const Value& v);
  void Undo(std::size_t mark);

  bool EvalBody(const Body* b, std::size_t i, K k);
  bool EvalExpr(const Expr* e, K k);
  bool EvalExprCore(const Expr* e, K k);
  bool EvalWith(const Expr* e, K k);
  bool BuildWithContext(const Expr* e, Context& inner, bool& defined);
  bool EvalSomeIn(const Expr* e, K k);
  bool EvalEvery(const Expr* e, K k);
  bool ForEachMember(const Value& coll, FnRef<bool(const Value&, const Value&)> f);

  bool EvalTerm(const Term* t, KV k);
  bool EvalItems(const Term* t, std::size_t i, std::vector<Value>& out, K k);
  bool EvalCompr(const Term* t, KV k);
  bool EvalTemplate(const Term* t, KV k);
  bool CanEval(const Term* t) const;

  bool Unify(const Term* t, const Value& v, K k);
  bool UnifyItems(const std::vector<Term*>& ts, std::size_t off, std::size_t step,
                  std::span<const Value> vs, std::size_t i, K k);
  bool UnifyObject(const Term* t, const Value& v, std::size_t i, K k);
  bool UnifyTerms(const Term* a, const Term* b, K k);
  bool UnifyPairs(std::vector<std::pair<const Term*, const Term*>>& pairs, K k);

  bool EvalRef(const Term* t, KV k);
  // Walks the rest of ref `t` (from item i) through v. kStorage: v is base data, whose paths
  // are strings as in OPA's store, so a number key also finds its decimal text ("2").
  template <bool kStorage = false>
  bool WalkValue(const Value& v, const Term* t, std::size_t i, KV k);
  template <bool kStorage = false>
  bool WalkKey(const Value& v, const Value& key, const Term* t, std::size_t i, KV k);
  bool EvalData(const Node* n, const Term* t, std::size_t i, KV k);
  bool DescendData(const Node* n, const Value& key, const Term* t, std::size_t i, KV k);
  // Whether a replaced document (`with data...`, an overlay) lies on n's path or below it.
  bool OverridesReach(const Node* n) const;
  // The virtual document at `n`; nullopt when undefined (check error_).
  std::optional<Value> NodeValue(const Node* n);
  std::optional<Value> LeafValue(const Node* n);
  // Whether a rule defined below leaf node n writes into the value of one of n's object rules
  // (`p[q].r := {...}` and `p.q.r.s.u := 42`): OPA's conflict. Sets the error when it does.
  bool InjectsIntoRuleValue(const Node* n, const Value& value);
  bool OverrideTouches(const Node* n) const;
  Value PatchBelow(const Node* n, Value v) const;

  bool EvalCall(const Term* t, KV k);
  bool EvalArgs(const Term* t, std::size_t i, Value* args, K k);
  // Argument i is a var that a later argument binds: evaluates the rest first, then reads it.
  bool EvalArgsDeferred(const Term* t, std::size_t i, Value* args, K k);
  bool Invoke(const Term* t, const Value* args, KV k);
  bool CallBuiltin(const Term* t, const Builtin* b, std::span<const Value> args, KV k);
  bool CallFunction(const Term* site, const Node* n, std::span<const Value> args,
                    std::optional<Value>& out);
  bool EvalPrint(const Term* t, K k);

  const Program& prog_;
  BuiltinContext& ctx_;
  EvalLimits limits_;
  std::vector<Slot> slots_;
  std::vector<std::uint32_t> trail_;
  std::size_t fp_ = 0;
  Context cur_;
  std::optional<Error> error_;
  std::uint64_t steps_ = 0;
  std::uint32_t depth_ = 0;
  std::vector<std::optional<Value>> expr_values_;
  const CompiledQuery* query_ = nullptr;
};

// Writes `v` at `path` inside `base` (objects are created as needed).
Value SetPath(const Value& base, std::span<const Value> path, const Value& v);

}  // namespace gatehouse::rego::ir
