// Result<T>: the value of a computation that can fail, or the Error that says why.
//
// A small subset of std::expected's API (which g++ 12 lacks in C++20): has_value(), value(),
// error(), operator*, operator->, value_or(). An Error carries a typed code (common/error_code.h:
// one enumerator of a domain's error enum, whose wire string metrics and review `status.error`
// prefixes show) and a human message. Denials are not
// errors: they are data in the caller's own Decision type. Result is a plain value type; it has
// no thread-safety concerns of its own.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

#include "common/error_code.h"

namespace gatehouse {

struct Error {
  ErrorCode code;       // e.g. value::ValueError::kInvalidJson, wire string "invalid_json"
  std::string message;  // for people: what went wrong, never a secret

  std::string ToString() const { return std::string(code.wire()) + ": " + message; }
};

inline Error MakeError(ErrorCode code, std::string message) {
  return Error{code, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}      // NOLINT: implicit
  Result(Error error) : data_(std::in_place_index<1>, std::move(error)) {}  // NOLINT: implicit

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(data_));
  }
  const Error& error() const {
    assert(!has_value());
    return std::get<1>(data_);
  }
  T value_or(T fallback) const& { return has_value() ? std::get<0>(data_) : std::move(fallback); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

inline Status Ok() { return Status(); }

}  // namespace gatehouse
