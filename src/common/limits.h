// Limits: the input bounds every parser and server path enforces. Exceeding one is an error
// that names the limit, never a crash. Plain data; copy freely.
#pragma once

#include <cstddef>

namespace gatehouse {

struct InputLimits {
  std::size_t max_body_bytes = 1 << 20;  // 1 MiB, the webhook body default
  std::size_t max_depth = 64;            // JSON/YAML nesting
};

}  // namespace gatehouse
