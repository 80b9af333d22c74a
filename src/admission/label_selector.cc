#include "admission/label_selector.h"

#include <algorithm>

#include "admission/admission_errors.h"

namespace gatehouse::admission {
namespace {

Error Invalid(std::string_view field, const std::string& what) {
  return MakeError(AdmissionError::kInvalidConstraint, std::string(field) + ": " + what);
}

std::optional<std::string_view> LabelValue(const value::Value& labels, std::string_view key) {
  const value::Value* v = labels.is_object() ? labels.Find(key) : nullptr;
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string_view(*v->AsString());
}

}  // namespace

Result<LabelSelector> LabelSelector::Parse(const value::Value& doc, std::string_view field) {
  LabelSelector s;
  if (doc.is_null()) return s;
  if (!doc.is_object()) return Invalid(field, "must be an object");
  if (const value::Value* labels = doc.Find("matchLabels"); labels && !labels->is_null()) {
    if (!labels->is_object()) return Invalid(field, "matchLabels must be an object");
    for (const auto& [key, value] : *labels->AsObject()) {
      if (!value.is_string()) {
        return Invalid(field, "matchLabels." + key + " must be a string");
      }
      s.requirements_.push_back({key, Operator::kIn, {*value.AsString()}});
    }
  }
  const value::Value* expressions = doc.Find("matchExpressions");
  if (expressions == nullptr || expressions->is_null()) return s;
  if (!expressions->is_array()) return Invalid(field, "matchExpressions must be a list");
  for (std::size_t i = 0; i < expressions->AsArray()->size(); ++i) {
    const value::Value& e = (*expressions->AsArray())[i];
    const std::string at = std::string(field) + ".matchExpressions[" + std::to_string(i) + "]";
    const value::Value* key = e.Find("key");
    const value::Value* op = e.Find("operator");
    if (key == nullptr || !key->is_string() || key->AsString()->empty()) {
      return Invalid(at, "key: Required value");
    }
    if (op == nullptr || !op->is_string()) return Invalid(at, "operator: Required value");
    Requirement r;
    r.key = *key->AsString();
    const std::string& name = *op->AsString();
    if (name == "In") {
      r.op = Operator::kIn;
    } else if (name == "NotIn") {
      r.op = Operator::kNotIn;
    } else if (name == "Exists") {
      r.op = Operator::kExists;
    } else if (name == "DoesNotExist") {
      r.op = Operator::kDoesNotExist;
    } else {
      return Invalid(at,
                     "operator: Invalid value: \"" + name + "\": not a valid selector operator");
    }
    if (const value::Value* values = e.Find("values"); values && !values->is_null()) {
      if (!values->is_array()) return Invalid(at, "values must be a list");
      for (const value::Value& v : *values->AsArray()) {
        if (!v.is_string()) return Invalid(at, "values must be strings");
        r.values.push_back(*v.AsString());
      }
    }
    const bool set_op = r.op == Operator::kIn || r.op == Operator::kNotIn;
    if (set_op && r.values.empty()) {
      return Invalid(at,
                     "values: Required value: must be specified when `operator` is 'In' or "
                     "'NotIn'");
    }
    if (!set_op && !r.values.empty()) {
      return Invalid(at,
                     "values: Forbidden: may not be specified when `operator` is 'Exists' or "
                     "'DoesNotExist'");
    }
    s.requirements_.push_back(std::move(r));
  }
  return s;
}

bool LabelSelector::Matches(const value::Value& labels) const {
  return std::all_of(requirements_.begin(), requirements_.end(), [&](const Requirement& r) {
    const std::optional<std::string_view> v = LabelValue(labels, r.key);
    const auto listed = [&] {
      return std::find(r.values.begin(), r.values.end(), *v) != r.values.end();
    };
    switch (r.op) {
      case Operator::kIn:
        return v && listed();
      case Operator::kNotIn:
        return !v || !listed();
      case Operator::kExists:
        return v.has_value();
      case Operator::kDoesNotExist:
        return !v;
    }
    return false;
  });
}

}  // namespace gatehouse::admission
