// An allocator for the visited set's big arrays: blocks of 2 MiB and more are aligned to
// 2 MiB and marked MADV_HUGEPAGE, so that random probes into tables of hundreds of MiB
// miss the TLB far less (the store is memory-bound; Debian's default transparent huge
// pages mode is "madvise").
#pragma once
#include <cstddef>
#include <cstdlib>
#include <new>
#include <sys/mman.h>

namespace cow {

template <class T>
struct HugeAlloc {
  using value_type = T;
  HugeAlloc() = default;
  template <class U>
  HugeAlloc(const HugeAlloc<U>&) {}
  static constexpr std::size_t kHuge = std::size_t{2} << 20;
  T* allocate(std::size_t n) {
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHuge) {
      if (void* p = std::malloc(bytes)) return static_cast<T*>(p);
      throw std::bad_alloc();
    }
    const std::size_t rounded = (bytes + kHuge - 1) / kHuge * kHuge;
    void* p = std::aligned_alloc(kHuge, rounded);
    if (!p) throw std::bad_alloc();
    madvise(p, rounded, MADV_HUGEPAGE);  // a hint: failure is harmless
    return static_cast<T*>(p);
  }
  void deallocate(T* p, std::size_t) { std::free(p); }
  template <class U>
  bool operator==(const HugeAlloc<U>&) const { return true; }
};

}  // namespace cow
