// Test fixture (not a kernel, not a posted patch): v6.18 with an smp_mb() after
// copy_page_range's raw_write_seqcount_begin(&src_mm->write_protect_seq), so that fork's
// increment is visible before it reads mm->has_pinned (MMF_HAS_PINNED) and the pin count.
// It shows that the store-buffering shape between fork and FOLL_PIN GUP-fast under lkmm
// (model/fork_weak.hpp, papers/memory-ordering.md) needs a full barrier on fork's side,
// and nothing else (tests/test_memory_model.cpp).
#include "model/design_registry.hpp"
#include "model/designs/v6_18.hpp"

namespace cow::designs {

class V6_18ForkSeqMb : public V6_18 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_18::kTraits;
    t.name = "fixture-v6.18-fork-seq-mb";
    t.base = "v6.18";
    t.kind = DesignKind::Proposal;
    t.summary = "test fixture: v6.18 with smp_mb() after copy_page_range's raw_write_seqcount_begin";
    t.source = "mm/memory.c copy_page_range (v6.18) with one barrier added";
    t.ae_barriers = static_cast<unsigned char>(t.ae_barriers | kForkSeqMb);
    return t;
  }();
};

static const RegisterDesign<V6_18ForkSeqMb> fork_seq_mb{Registration::TestFixture};

}  // namespace cow::designs
