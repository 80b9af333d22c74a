// Heap allocations made by the calling thread so far, for `gatehouse bench`'s allocs/op.
// The counter is thread-local (no contention) and costs one increment per `operator new`.
#pragma once

#include <cstdint>

namespace gatehouse::app {

std::uint64_t ThreadAllocations();

}  // namespace gatehouse::app
