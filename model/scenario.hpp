// A scenario: what user space and devices do, loaded from TOML at run time (see
// model/scenario_load.hpp). Everything here is static; State holds what changes.
#pragma once
#include <array>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/state.hpp"

namespace cow {

// What a scenario thread (or device) does. kOps below names each one and says what it
// means in the kernel.
enum class OpKind : u8 {
  Write, Read, OdirectRead, Fork, PinLongterm, Unpin, Dma, Madvise, OdirectWrite, Vmsplice,
  PinUserPages, PinRead, Munmap, Exit, Mprotect, ClearRefs, SwapOut, Wait, ProcMemWrite, Mlock,
  Munlock, Msync, KsmScan, HoldPageLock, SyncFileRange,
  Disk,  // Disk last: kOps's static_assert counts on it
};

// The keys a scenario file may have at its top level (the loader refuses others).
inline constexpr std::string_view kScenarioKeys[] = {"name",       "summary", "source", "properties",
                                                     "params",     "matrix",  "filesystem", "tlb",
                                                     "arch",       "memory_model", "process", "thread"};

// Every operation: its enumerator, its name in scenario files (`op = "..."`), and what it
// means in the kernel. The loader's op names, its errors, and the checks of
// docs/writing-a-scenario.md (tests/test_guides.cpp) all come from this table.
struct OpInfo {
  OpKind kind;
  const char* name;
  const char* meaning;
};
inline constexpr OpInfo kOps[] = {
    {OpKind::Write, "write", "a CPU store to one half of a page (user access; may write-fault)"},
    {OpKind::Read, "read", "a CPU load of one half of a page"},
    {OpKind::OdirectRead, "odirect_read", "read(2) with O_DIRECT into the page: GUP for write, device DMA, put_page"},
    {OpKind::Fork, "fork", "fork(2): dup_mmap copies the VMAs and PTEs into the child"},
    {OpKind::PinLongterm, "pin_longterm", "a driver (RDMA MR registration) takes a long-term GUP reference for write"},
    {OpKind::Unpin, "unpin", "the driver drops a reference pin_longterm, vmsplice or pin_user_pages took (put_page)"},
    {OpKind::Dma, "dma", "a device writes (DMA) into the page through a pin"},
    {OpKind::Madvise, "madvise",
     "madvise(2) of the VMA holding the page: MADV_DONTFORK / MADV_DOFORK (VM_DONTCOPY), MADV_DONTNEED (zap its PTE)"},
    {OpKind::OdirectWrite, "odirect_write",
     "write(2) with O_DIRECT from the page: GUP for read, the device reads it, put_page"},
    {OpKind::Vmsplice, "vmsplice",
     "vmsplice(2) of the page into a pipe: GUP (FOLL_GET, read); the pipe keeps the reference"},
    {OpKind::PinUserPages, "pin_user_pages",
     "pin_user_pages[_fast] (FOLL_PIN, maybe FOLL_WRITE, FOLL_LONGTERM): io_uring, gup_test"},
    {OpKind::PinRead, "pin_read",
     "the holder of a pin reads the page through it (read(2) of the pipe, write_fixed, PIN_LONGTERM_TEST_READ)"},
    {OpKind::Munmap, "munmap", "munmap(2) of the VMA holding the page"},
    {OpKind::Exit, "exit", "the process exits: exit_mmap unmaps everything"},
    {OpKind::Mprotect, "mprotect", "mprotect(2) of the VMA holding the page to PROT_READ or PROT_READ|PROT_WRITE"},
    {OpKind::ClearRefs, "clear_refs", "echo 4 > /proc/self/clear_refs: clear soft-dirty, write-protecting the PTEs"},
    {OpKind::SwapOut, "swap_out",
     "madvise(MADV_PAGEOUT): reclaim the page into the swap cache, unmap it to swap entries"},
    {OpKind::Wait, "wait", "wait4(2) for a child process to exit"},
    {OpKind::ProcMemWrite, "proc_mem_write",
     "write(2) to /proc/self/mem: get_user_pages(FOLL_WRITE|FOLL_FORCE), the kernel writes the page"},
    {OpKind::Mlock, "mlock", "mlock(2) of the VMA holding the page: VM_LOCKED, then every page faulted in and mlocked"},
    {OpKind::Munlock, "munlock", "munlock(2) of the VMA holding the page: VM_LOCKED cleared, its pages munlocked"},
    {OpKind::Msync, "msync",
     "msync(MS_SYNC) of a file VMA: write back its dirty pages (clear_page_dirty_for_io, ->writepage)"},
    {OpKind::KsmScan, "ksm_scan",
     "ksmd finds two identical anonymous pages and merges one into the other (a KSM page)"},
    {OpKind::HoldPageLock, "hold_page_lock",
     "a page-lock holder (reclaim's shrink_page_list, swap-in, migration, KSM): get_page + lock_page on the page, "
     "then unlock_page + put_page a step later"},
    {OpKind::SyncFileRange, "sync_file_range",
     "sync_file_range(2) of the file page behind a shared file mapping: wait for write-back in flight, start "
     "write-back of a dirty page (WB_SYNC_NONE), wait again (LINUX_FADV_ASYNC_WRITE / LINUX_FADV_WRITE_WAIT)"},
    {OpKind::Disk, "disk",
     "the disk: serves the write-back I/O started on file pages (reads the page, then end_page_writeback)"},
};

namespace detail {
constexpr bool ops_in_enum_order() {
  for (std::size_t i = 0; i < std::size(kOps); ++i)
    if (static_cast<std::size_t>(kOps[i].kind) != i) return false;
  return true;
}
}  // namespace detail
static_assert(std::size(kOps) == static_cast<std::size_t>(OpKind::Disk) + 1 && detail::ops_in_enum_order(),
              "kOps must list every OpKind once, in the enum's order");

// "write", "odirect_read", ...: the op's name in scenario files.
constexpr const char* op_name(OpKind k) { return kOps[static_cast<std::size_t>(k)].name; }

// The op a scenario file names `name`, if any.
constexpr std::optional<OpKind> op_kind_named(std::string_view name) {
  for (const OpInfo& o : kOps)
    if (name == o.name) return o.kind;
  return std::nullopt;
}

enum class Advice : u8 { DontFork, DoFork, DontNeed };

// sync_file_range(2)'s flags, with the kernel's values (include/linux/fs.h, 2.6.17).
enum SyncFlag : u8 { kSyncWaitBefore = 1, kSyncWrite = 2, kSyncWaitAfter = 4 };

// The architecture's protection of GUP-fast (mm/gup.c; mm/mmu_gather.c):
//   X86: a TLB flush is an IPI to every CPU of the mm, and GUP-fast runs with interrupts
//        off, so a flush (and the freeing after it) waits for every GUP-fast walker that
//        is between reading a PTE and taking its reference;
//   Rcu: CONFIG_MMU_GATHER_RCU_TABLE_FREE (arm64, powerpc, ...): page tables are freed
//        after an RCU grace period, data pages are not: a flush does not wait, and
//        GUP-fast must take its reference with get_page_unless_zero and re-check the PTE.
enum class Arch : u8 { X86, Rcu };
const char* arch_name(Arch a);

// How the CPUs order the lockless accesses of the PageAnonExclusive protocol
// (model/memory_model.hpp): sequential consistency, x86-TSO, or the Linux-kernel memory
// model (tools/memory-model).
enum class MemoryModel : u8 { Sc, Tso, Lkmm };
const char* memory_model_name(MemoryModel m);

struct Op {
  OpKind kind{};
  u8 page = 0;      // virtual page (write, read, odirect_read, pin_longterm, madvise)
  u8 half = 0;      // which half of the page (write, read, odirect_read, dma)
  u8 write_id = 0;  // data value this op writes (write, odirect_read, dma)
  u8 pin = kNone;   // pin slot (odirect_read, pin_longterm, unpin, dma)
  u8 child = kNone; // mm the fork creates
  u8 merge = 0;     // ksm_scan: the page merged into `page` (which becomes the KSM page)
  u8 expect = 0;    // read: the write id it should see (0: nothing to check)
  Advice advice{};  // madvise
  bool foll_pin = false;  // odirect_read: pin_user_pages (FOLL_PIN) rather than get_user_pages (FOLL_GET)
  bool gup_write = true;  // GUP with FOLL_WRITE (odirect_read, pin_longterm, pin_user_pages write = true)
  bool gup_fast = true;   // GUP tries get_user_pages_fast first (else slow GUP under mmap_lock)
  bool foll_longterm = false;  // GUP with FOLL_LONGTERM (pin_user_pages longterm = true, pin_longterm)
  bool prot_write = false;  // mprotect: PROT_READ|PROT_WRITE (else PROT_READ)
  u8 sync_flags = 0;  // sync_file_range: SyncFlag bits
  int line = 0;     // where it was declared
};

// The ops that take a pin (a GUP reference held for a driver or a device); unpin, dma
// and pin_read name one.
inline bool takes_pin(OpKind k) {
  return k == OpKind::OdirectRead || k == OpKind::OdirectWrite || k == OpKind::PinLongterm || k == OpKind::Vmsplice ||
         k == OpKind::PinUserPages;
}

struct ThreadDef {
  std::string name;
  u8 mm = kNone;  // the process it runs in; kNone for a device
  std::vector<Op> ops;
};

struct PinDef {
  std::string name;
  u8 owner_mm = 0;
  u8 vpage = 0;
  bool write = true;
  bool longterm = false;
  bool foll_pin = false;  // FOLL_PIN (pincount, page_maybe_dma_pinned, mm->has_pinned), else FOLL_GET
  u8 thread = 0;  // who takes it
};

struct WriteDef {
  std::string name;  // how traces print the value, e.g. "R0:DMA"
  u8 thread = 0;
  u8 mm = 0;         // whose memory it is meant for
  u8 vpage = 0;
  u8 half = 0;
  bool dma = false;  // written by a device through a pin (else a CPU store)
};

struct ProcessDef {
  std::string name;
  bool initial = true;  // false: created by a fork op
};

struct Scenario {
  std::string name;
  std::string summary;
  std::string file;
  std::map<std::string, long> params;
  std::vector<std::string> properties;  // defaults when --property is not given
  std::vector<std::pair<int, int>> property_pos;  // the line and column naming each
  // The parameter settings `cowcheck compare` runs, one row each (the `matrix` key);
  // empty: one row with the defaults.
  std::vector<std::map<std::string, long>> matrix;
  std::vector<ProcessDef> processes;
  std::vector<ThreadDef> threads;
  std::vector<PinDef> pins;
  std::vector<WriteDef> writes;  // index = write id - 1
  // What each (mm, vpage, half) must hold once every thread has finished: the id of the
  // last write when a single thread (or device) writes it, 0 when nothing is expected.
  std::array<std::array<std::array<u8, kHalves>, kMaxVpages>, kMaxMms> final_expect{};
  State initial{};
  // Interchangeable threads (a [[thread]] loop declared `symmetric = true`): same process,
  // same operations on the same pages, each with its own values and pins. --symmetry
  // stores states up to permutations of each class (model/symmetry.cpp).
  std::vector<std::vector<u8>> thread_classes;
  // Some op swaps pages out (then loads may fault: model/footprint.cpp).
  bool has_swap = false;
  // Some VMA maps a file (page-cache frames held by VMAs: footprints are not tracked).
  bool has_file = false;
  // A load or a GUP without FOLL_WRITE may find an empty anonymous PTE (an unpopulated
  // VMA, or one MADV_DONTNEED empties): from 2.6.32 its fault maps the zero page, one
  // frame mapped in every mm that reads it (model/zero_page.hpp; footprints are not tracked).
  bool may_map_zero_page = false;
  // Some op merges pages with KSM (a frame then maps at two virtual pages: not tracked).
  bool has_ksm = false;
  // Some op holds a page lock across steps (hold_page_lock): trylock_page may fail, and
  // do_wp_page may sleep in lock_page (model/page_lock.hpp; footprints not tracked).
  bool has_page_lock = false;
  // Model each CPU's TLB (the `tlb` key): loads and stores use cached translations, the
  // kernel's flushes remove them (model/tlb.hpp). Off, an access reads the PTE itself.
  bool tlb = false;
  // How GUP-fast is kept from walking what an unmapper frees (the `arch` key, --arch).
  Arch arch = Arch::X86;
  // How CPUs order lockless accesses (the `memory_model` key, --memory-model).
  MemoryModel memory_model = MemoryModel::Sc;
  // The file system implements ->page_mkwrite (ext4, xfs, btrfs: blocks are allocated or
  // reserved at the first write fault); false: ext2/ext3, which allocate at write-back.
  bool fs_page_mkwrite = true;
  // Some op is sync_file_range: the disk's contents are kept (State::disk, model/writeback.hpp).
  bool tracks_disk = false;
  // What the disk must hold at the end (property on-disk-after-sync): for frame f and half
  // h, the last store to it before the last sync_file_range with SYNC_FILE_RANGE_WAIT_AFTER
  // of its single writer, when no store to it follows that wait; 0: no expectation.
  std::array<std::array<u8, kHalves>, kMaxDiskPages> disk_expect{};

  // A value a frame or a read holds: 0, a write's id, or kSegv (model/fault.hpp) for the
  // "read" of a thread that was killed.
  const WriteDef* write(u8 id) const { return id == 0 || id == kSegv ? nullptr : &writes.at(id - 1u); }
  std::string value_name(u8 id) const {
    if (id == 0) return "0";
    return id == kSegv ? "nothing (killed by a signal)" : writes.at(id - 1u).name;
  }
  std::string mm_name(unsigned mm) const { return processes.at(mm).name; }
  // The write with id `id` comes, in its thread's program order, before a fork by that
  // thread: the child may see it (isolation's write_before_fork).
  bool write_before_fork(u8 id) const {
    const WriteDef& wd = writes.at(id - 1u);
    bool seen_write = false;
    for (const Op& op : threads.at(wd.thread).ops) {
      if (op.write_id == id) seen_write = true;
      if (op.kind == OpKind::Fork && seen_write) return true;
    }
    return false;
  }
};

}  // namespace cow
