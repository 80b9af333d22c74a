// Snapshot<T>: readers see nullptr or one whole published version, never a torn one, while a
// writer keeps publishing; a loaded version stays valid after later publications.
#include "common/snapshot.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse {
namespace {

// Each version's fields are derived from its number, so a reader can check a whole object.
struct Version {
  explicit Version(int n)
      : number(n), text(std::to_string(n)), items(static_cast<size_t>(n % 7), n) {}
  int number;
  std::string text;
  std::vector<int> items;
  bool Consistent() const {
    if (text != std::to_string(number) || items.size() != static_cast<size_t>(number % 7)) {
      return false;
    }
    for (int i : items) {
      if (i != number) return false;
    }
    return true;
  }
};

TEST(SnapshotTest, EmptyUntilPublished) {
  Snapshot<Version> s;
  EXPECT_EQ(s.Load(), nullptr);
  s.Publish(std::make_shared<const Version>(3));
  ASSERT_NE(s.Load(), nullptr);
  EXPECT_EQ(s.Load()->number, 3);
}

TEST(SnapshotTest, LoadedVersionOutlivesLaterPublications) {
  Snapshot<Version> s(std::make_shared<const Version>(1));
  std::shared_ptr<const Version> held = s.Load();
  s.Publish(std::make_shared<const Version>(2));
  EXPECT_EQ(held->number, 1);
  EXPECT_TRUE(held->Consistent());
  EXPECT_EQ(s.Load()->number, 2);
}

TEST(SnapshotTest, ReadersSeeWholeVersionsInOrderWhileAWriterPublishes) {
  constexpr int kVersions = 2000;
  Snapshot<Version> s(std::make_shared<const Version>(0));
  std::atomic<bool> done{false};
  std::atomic<int> torn{0};
  std::atomic<int> backwards{0};
  std::vector<std::thread> readers;
  for (int r = 0; r < 4; ++r) {
    readers.emplace_back([&] {
      int last = 0;
      // Reads at least once after the writer is done, so the last version is seen.
      for (bool finished = false; !finished;) {
        finished = done.load(std::memory_order_acquire);
        std::shared_ptr<const Version> v = s.Load();
        if (!v->Consistent()) ++torn;
        if (v->number < last) ++backwards;
        last = v->number;
      }
      if (last != kVersions) ++backwards;
    });
  }
  std::thread writer([&] {
    for (int n = 1; n <= kVersions; ++n) s.Publish(std::make_shared<const Version>(n));
    done.store(true, std::memory_order_release);
  });
  writer.join();
  for (auto& t : readers) t.join();
  EXPECT_EQ(torn.load(), 0);
  EXPECT_EQ(backwards.load(), 0);
  EXPECT_EQ(s.Load()->number, kVersions);
}

}  // namespace
}  // namespace gatehouse
