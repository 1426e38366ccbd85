// A design's traits: what it is (name, the design it patches, kernel version, sources)
// and the version it runs of each shared kernel path whose history is a choice between a
// few known variants (GUP-fast's walk and what keeps it out of fork, KSM's
// write_protect_page, mlock's population, clear_refs, reclaim, page-table sharing). The
// shared paths in model/ read these; nothing else may decide them, so the declarations
// partial-order reduction and traces rely on (Design::has_brlock() and friends) are
// derived from the same values the behaviour is.
//
// Each design class holds its row as `static constexpr DesignTraits kTraits`, usually
// its base's row with the fields its patch changes (see model/designs/*.cpp);
// `cowcheck list traits` prints every row as one table.
#pragma once
#include <array>
#include <string>
#include <string_view>

namespace cow {

// GUP-fast's lockless walk of one PTE (r1, r2).
enum class GupFastWalk : unsigned char {
  // arch/x86/mm/gup.c gup_pte_range (2.6.27 .. 4.12): read the PTE, get_page(); the PTE
  // is not read again.
  NoRecheck,
  // mm/gup.c gup_pte_range (the generic GUP-fast; x86 since 4.13, e585513b76f7):
  // try_grab_compound_head (get_page_unless_zero), then "if (unlikely(pte_val(pte) !=
  // pte_val(*ptep)))" put the page back and fall back to slow GUP.
  Recheck,
};

// What keeps GUP-fast out of fork's window between its page_count check and the PTE
// write-protect, beyond the IRQs-off walk every design has.
enum class GupFastSync : unsigned char {
  None,             // nothing: GUP-fast takes no lock
  Brlock,           // a global big-reader lock: fork takes it for write with the PT lock,
                    // GUP-fast for read around the walk (Arcangeli's 2008 proposal)
  WriteProtectSeq,  // mm->write_protect_seq (57efa1fe5957, 5.11): fork's copy_page_range
                    // is a seqcount write side; FOLL_PIN GUP-fast reads it around the walk
};

// Page tables after fork.
enum class PageTables : unsigned char {
  PerMm,      // the child gets its own PTE page, PTE by PTE (copy_pte_range)
  SharedCow,  // fork shares the PTE page, any change unshares it first (COW PTE table RFC)
};

// What clear_refs (echo 4 > /proc/PID/clear_refs: clear soft-dirty) does to PTEs.
enum class SoftDirty : unsigned char {
  None,        // before 3.11 there is no soft-dirty: clear_refs clears referenced bits only
  Wrprotect,   // clear_soft_dirty write-protects every present PTE (3.11, 0f8975ec4db2)
  SkipPinned,  // ... except maybe-pinned pages of an mm that pinned (9348b73c2e1b, 5.11),
               // under mmap_write_lock (29a951dfb3c3, 5.11)
  SkipPinnedVmaLocked,  // ... and the walk write-locks each VMA (PGWALK_WRLOCK, 49b0638502da)
};

// What reclaim (MADV_PAGEOUT -> shrink_page_list) does with a maybe-pinned page.
enum class Reclaim : unsigned char {
  UnmapsPinned,  // puts it in the swap cache and unmaps it like any page
  SkipsPinned,   // "if (page_maybe_dma_pinned(page)) goto keep_locked" (feb889fb40fa, 5.11)
};

// Which faults mlock's population takes (mm/mlock.c __mlock_vma_pages_range).
enum class MlockPopulate : unsigned char {
  // 2.6.28 .. 2.6.37: FOLL_WRITE for every VM_WRITE VMA (a shared file mapping gets a
  // write fault on every page: page_mkwrite, set_page_dirty), under mmap_sem held for write.
  WriteFaultsShared,
  // 2.6.38: FOLL_WRITE only for private writable VMAs, which need it to break COW
  // (5ecfda041e4b "mlock: avoid dirtying pages and triggering writeback"); the pages are
  // faulted in under mmap_sem held for read (fed067da46ad).
  ReadFaultsShared,
};

// How KSM's write_protect_page keeps GUP from taking a reference between its page_count
// check and the write-protect.
enum class KsmProtect : unsigned char {
  PtLock,      // the check under the PT lock only: enough against slow GUP, not GUP-fast
               // (Arcangeli's recipe in the 2008 thread, <20081104150449.GA31975@random.random>)
  ClearFlush,  // ptep_clear_flush before the check: the TLB-flush IPI waits for every
               // IRQs-off GUP-fast walker of the mm (mm/ksm.c, 2.6.32 on)
  Brlock,      // the check under br_write_lock, which GUP-fast takes for read
               // (Arcangeli's brlock proposal, <20080925183846.GA6877@duo.random>)
};

// Which PTEs KSM's write_protect_page checks and write-protects.
enum class KsmWrprotect : unsigned char {
  PteWrite,         // "if (pte_write(*ptep))" (mm/ksm.c, 2.6.32)
  PteWriteOrDirty,  // "if (pte_write(*ptep) || pte_dirty(*ptep))", and the PTE is made
                    // clean (set_page_dirty first): Hugh Dickins, "ksm: fix bad user data
                    // when swapping" <alpine.LSU.2.00.1010021746180.27679@sister.anvils>, 2.6.36
};

// How a user page fault finds and locks its VMA (arch/x86/mm/fault.c do_user_addr_fault).
enum class FaultLock : unsigned char {
  MmapLock,     // mmap_read_lock for every fault (before 6.4)
  // 6.4 (0bff0aaea03e, c7f8f31c00d1): lock_vma_under_rcu first, for an anonymous VMA
  // that has an anon_vma; vma_start_read fails (no wait) while the VMA is write-locked, and
  // the fault falls back to mmap_read_lock; do_swap_page under the VMA lock returns
  // VM_FAULT_RETRY (retried under mmap_read_lock).
  VmaLockAnon,
  // 6.18: lock_vma_under_rcu for any VMA; a fault that needs an anon_vma the VMA lacks
  // calls vmf_anon_prepare, which takes mmap_read_trylock or returns VM_FAULT_RETRY.
  VmaLock,
  // No kernel: 6.18's faults with anon_vma_prepare under the VMA lock alone (no
  // mmap_read_trylock). The premise Barry Song's 2026 argument for dropping fork's VMA
  // locks rests on, removed; for the test fixture that shows what it prevents.
  VmaLockAnonPrepareUnlocked,
};

// Which VMAs dup_mmap write-locks (vma_start_write) before copying them, with per-VMA
// locks: a write-locked VMA takes no fault under its VMA lock until mmap_write_unlock.
enum class ForkVmaLock : unsigned char {
  None,                   // 6.4-rc1, and the 2026 proposal P3: none
  Every,                  // fb49c455323f (6.4): every VMA of the parent
  AnonOrWritablePrivate,  // P1: !vm_file || (!(vm_flags & VM_SHARED) && (vm_flags & VM_WRITE))
  AnonOrCow,              // P1': vma_is_anonymous(vma) || is_cow_mapping(vm_flags)
  WithAnonVma,            // P2: only a VMA whose anon_vma is set (anon_vma_fork, copy_page_range)
};

// The memory barriers of the PageAnonExclusive protocol, a bit each (088b8aa537c2 "mm: fix
// PageAnonExclusive clearing racing with concurrent RCU GUP-fast", 6.1, adds all four).
// They order only under a weak memory model (model/memory_model.hpp).
enum AeBarrier : unsigned char {
  kAeShareMb = 1 << 0,     // page_try_share_anon_rmap: smp_mb() before page_maybe_dma_pinned()
  kAeClearMb = 1 << 1,     // page_try_share_anon_rmap: smp_mb__after_atomic() after ClearPageAnonExclusive()
  kAePinMb = 1 << 2,       // try_grab_folio: smp_mb__after_atomic() after the pin, before the PTE re-check
  kAeUnshareRmb = 1 << 3,  // gup_must_unshare: smp_rmb() before PageAnonExclusive()
  kAeAllBarriers = kAeShareMb | kAeClearMb | kAePinMb | kAeUnshareRmb,
  // Not in any kernel (a test fixture's): smp_mb() after copy_page_range's
  // raw_write_seqcount_begin, before fork reads the pin state (model/fork_weak.hpp).
  kForkSeqMb = 1 << 4,
};
std::string ae_barriers_text(unsigned char bits);

// What kind of code a design models.
enum class DesignKind : unsigned char {
  Release,   // a kernel release (or release candidate) as tagged
  Proposal,  // a patch posted to a mailing list and not merged (as posted)
};

struct DesignTraits {
  std::string_view name;     // as on the command line: "v5.19"
  std::string_view base;     // the design this one patches ("" for the root, v2.6.27)
  std::string_view kernel;   // the kernel version the code is from or applies to: "5.9-rc4"
  DesignKind kind = DesignKind::Release;
  std::string_view date;     // when it was released or posted, YYYY-MM-DD
  std::string_view summary;  // one line
  std::string_view source;   // commits, files, message-ids

  GupFastWalk gup_fast_walk = GupFastWalk::NoRecheck;
  GupFastSync gup_fast_sync = GupFastSync::None;
  // GUP on a COW mapping breaks COW even for reads: FOLL_WRITE forced (17839856fd58, 5.8).
  bool gup_breaks_cow_for_read = false;
  PageTables page_tables = PageTables::PerMm;
  // PageAnonExclusive (6c287605fd56, 5.19): the anon-exclusive properties apply, traces
  // print the flag, and new anonymous pages get it (the design's new_anon_page).
  bool anon_exclusive = false;
  SoftDirty soft_dirty = SoftDirty::None;
  Reclaim reclaim = Reclaim::UnmapsPinned;
  MlockPopulate mlock = MlockPopulate::WriteFaultsShared;
  KsmProtect ksm_protect = KsmProtect::ClearFlush;
  KsmWrprotect ksm_wrprotect = KsmWrprotect::PteWrite;
  FaultLock fault_lock = FaultLock::MmapLock;
  ForkVmaLock fork_vma_lock = ForkVmaLock::None;
  unsigned char ae_barriers = 0;  // AeBarrier bits
};

// The fields of DesignTraits that select a shared path, for tables and for
// `cowcheck new-design`: the field's name in C++, a column title, what it selects, and
// its value in a row as table text and as C++ source.
struct TraitField {
  std::string_view field;
  std::string_view title;
  std::string_view meaning;
  std::string (*text)(const DesignTraits&);
  std::string (*cpp)(const DesignTraits&);
};
const std::array<TraitField, 13>& trait_fields();

const char* kind_name(DesignKind k);

// Orders designs by kernel version ("2.6.27" < "5.9-rc4" < "5.9"), then releases before
// proposals, then date, then name.
bool design_before(const DesignTraits& a, const DesignTraits& b);
// Kernel version order alone: kernel_before("4.9", "4.13"), kernel_before("6.4-rc1", "6.4.3").
bool kernel_before(std::string_view a, std::string_view b);

}  // namespace cow
