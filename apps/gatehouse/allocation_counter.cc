// The replaceable global allocation functions, counting per thread. Kept alone in this file so
// the compiler never sees the replacement next to its callers.
#include "gatehouse/allocation_counter.h"

#include <cstdlib>
#include <new>

namespace gatehouse::app {
namespace {
thread_local std::uint64_t allocations = 0;
}  // namespace

std::uint64_t ThreadAllocations() { return allocations; }

void CountAllocation() { ++allocations; }

}  // namespace gatehouse::app

void* operator new(std::size_t size) {
  gatehouse::app::CountAllocation();
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
