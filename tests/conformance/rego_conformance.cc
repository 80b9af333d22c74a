// Placeholder until the evaluator lands: runs nothing and fails.
#include <cstdio>

int main() {
  std::puts("0 passed, 0 failed, 0 skipped");
  return 1;
}
