// Paging and listings shared by every registry store interface (project_store.h, member_store.h,
// robot_store.h, user_store.h, audit_store.h): plain values, copy freely.
#pragma once

#include <cstdint>
#include <vector>

namespace gatehouse::registry {

// Paging as Harbor's API pages: 1-based page number, page_size in [1, kMaxPageSize]; a page
// outside that range is the store's "invalid_argument".
inline constexpr std::int64_t kMaxPageSize = 1000;

struct PageRequest {
  std::int64_t page = 1;
  std::int64_t page_size = 100;
};

template <typename T>
struct Listing {
  std::vector<T> items;
  std::int64_t total = 0;  // matching rows over all pages (Harbor's X-Total-Count)
};

}  // namespace gatehouse::registry
