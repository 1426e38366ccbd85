// The model state: one fixed-size, trivially copyable value with no padding, hashed as
// bytes. Field names follow the kernel (refcount = page_count(), mapcount =
// page_mapcount(), ptl = split page-table lock, mmap_lock = mm->mmap_lock rwsem).
// Everything static (what each thread will do, which pin belongs to which op) lives in
// the Scenario, not here.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "model/bounds.hpp"

namespace cow {

using u8 = std::uint8_t;
using u16 = std::uint16_t;

inline constexpr u8 kNone = 0xFF;  // "no frame / no holder / no page table"

// struct page (one base page). data[h] is the id of the last write to half h (0: the
// initial contents); Scenario::write_names says who wrote it.
struct Frame {
  u8 refcount = 0;   // page_count(): mappings + GUP references (+ swapcache, page cache)
  u8 mapcount = 0;   // page_mapcount(): number of PTEs mapping the frame
  u8 flags = 0;      // FrameFlag bits
  u8 pg = 0;         // PageFlag bits: page-cache, LRU and filesystem state
  std::array<u8, kHalves> data{};
  u8 pincount = 0;   // FOLL_PIN pins (page_maybe_dma_pinned); 0 in the 2008 designs
  u8 swapcount = 0;  // page_swapcount(): swap PTEs that name this page's swap slot
  u8 anon_vma = 0;   // page->mapping of an anonymous page: the id of its anon_vma (0: none)
  bool operator==(const Frame&) const = default;
};
enum FrameFlag : u8 {
  kFrameAnon = 1 << 0,
  kFrameAnonExclusive = 1 << 1,  // PageAnonExclusive (5.19 designs)
  kFrameGup = 1 << 2,            // PG_gup (design pg_gup, 2009): GUP has taken a reference once
  kFrameSwapCache = 1 << 3,      // PageSwapCache: the swap cache holds one reference
  kFramePageCache = 1 << 4,      // a page-cache page of a file: the page cache holds one reference
  kFrameKsm = 1 << 5,            // PageKsm: a KSM page (read-only, shared by merged mappings; never reused on write)
  // PG_locked: the page lock (lock_page / trylock_page / unlock_page, include/linux/pagemap.h).
  // Held across one step by the paths that take it atomically here; across several by a
  // page-lock holder (op hold_page_lock, model/page_lock.cpp) and by do_wp_page's
  // lock_page (2.6.29 .. 5.8, model/fault.cpp).
  kFramePageLocked = 1 << 6,
  // The shared zero page (my_zero_pfn, 2.6.32+ a13ea5b75964 "mm: reinstate ZERO_PAGE"):
  // one frame, mapped read-only by read faults on empty anonymous PTEs (model/zero_page.hpp).
  kFrameZero = 1 << 7,
};
// The page-cache, LRU and filesystem state of a page (mlock's dirtying of shared mappings, 2010).
enum PageFlag : u8 {
  kPgDirty = 1 << 0,      // PG_dirty: the page cache must write it back (set_page_dirty)
  kPgWriteback = 1 << 1,  // PG_writeback: its write-back I/O is in flight
  kPgMlocked = 1 << 2,    // PG_mlocked: on the unevictable list because a VM_LOCKED VMA maps it (2.6.28)
  kPgBlock = 1 << 3,      // the file block behind the page is allocated (else a hole of a sparse file)
  // ->page_mkwrite has set the page up for writing since it was last cleaned (block
  // allocated or reserved, buffers mapped: what Dave Chinner says every first write fault
  // of an mmap()ed page must do); clear_page_dirty_for_io clears it with the PTEs' write bits.
  kPgMkwrite = 1 << 4,
  // Ghost (records history, changes no behaviour): set_page_dirty ran in a fault that
  // mlock's population took, an access that writes nothing (property mlock-dirties-nothing).
  kPgDirtiedByMlock = 1 << 5,
  // Ghost: write-back found the page in a hole with the disk full: ->writepage failed with
  // ENOSPC and the data written through the mapping never reached the disk.
  kPgWriteLost = 1 << 6,
  // The page's file is open for writing (a shared writable mapping maps it); the other
  // files of a scenario are read-only to every process (property file-integrity).
  kPgFileRw = 1 << 7,
};

// A page-table entry: none, present (maps a frame), or a swap entry. The model's swap
// device is the swap cache: a swapped-out page stays in its frame with PageSwapCache set,
// and a swap entry names that frame (its swap slot). kPteSwpExclusive is the 5.19
// pte_swp_exclusive bit (1493a1913e34).
enum PteFlag : u8 {
  kPtePresent = 1 << 0,
  kPteWrite = 1 << 1,
  kPteDirty = 1 << 2,
  kPteSwap = 1 << 3,
  kPteSwpExclusive = 1 << 4,
  // Under a weak memory model (model/memory_model.hpp): ptep_clear_flush has cleared the
  // entry, under the PT lock, to set it again (KSM's write_protect_page): lockless walkers
  // read it as none, the rmap still counts the page as mapped. frame is kept.
  kPteCleared = 1 << 5,
};
struct Pte {
  u8 frame = kNone;
  u8 flags = 0;  // PteFlag bits
  bool present() const { return flags & kPtePresent; }
  bool swapped() const { return flags & kPteSwap; }
  bool none() const { return !(flags & (kPtePresent | kPteSwap)); }
  bool writable() const { return flags & kPteWrite; }
  bool cleared() const { return flags & kPteCleared; }
  bool operator==(const Pte&) const = default;
};

// A spinlock: the holder's thread id, or kNone.
struct SpinLock {
  u8 holder = kNone;
  bool operator==(const SpinLock&) const = default;
};

// A reader/writer semaphore (mmap_lock) or a big-reader lock: reader count and the
// writer's thread id (kNone when no writer).
struct RwLock {
  u8 readers = 0;
  u8 writer = kNone;
  bool operator==(const RwLock&) const = default;
};

// A page table (one PTE page covering every virtual page of an mm) with its own PT lock,
// an object of its own so that a later design can share one table between mms.
struct PageTable {
  SpinLock ptl;
  u8 users = 0;  // mms using this table (1 until a design shares tables: cow-pte-table)
  u8 flags = 0;  // PageTableFlag bits
  u8 reserved = 0;  // keeps State free of padding; always 0
  std::array<Pte, kMaxVpages> pte{};
  bool operator==(const PageTable&) const = default;
};

enum PageTableFlag : u8 {
  // An entry changed while two mms shared the table (set by the successor function, for
  // the property shared-table-unmodified: a shared table must be unshared first).
  kTableModifiedShared = 1 << 0,
};

// A VMA: [start, start + pages) with VmaFlag bits. pages == 0: unused slot.
//
// Its anon_vma (the reverse map of its anonymous pages, mm/rmap.c) is an id: VMA slot i of
// mm m owns id anon_vma_id(m, i) once anon_vma_prepare gave it one (0: vma->anon_vma ==
// NULL). `avc` is its anon_vma_chain: the set of anon_vma ids it is linked to (its own,
// and, through anon_vma_fork, its parent's), a bit per id. An anonymous page belongs to one
// anon_vma (Frame::anon_vma); rmap finds it from every VMA linked to that anon_vma.
//
// `lock` is the per-VMA lock (6.4+, include/linux/mmap_lock.h): kVmaWriteLocked while the
// mmap_lock writer has it (vma_start_write; every VMA is unlocked by mmap_write_unlock),
// and the number of readers (page faults under lock_vma_under_rcu).
struct Vma {
  u8 start = 0;
  u8 pages = 0;
  u8 flags = 0;
  u8 file_frame = kNone;  // a file mapping: the page-cache frame of its first page (the others follow)
  u8 anon_vma = 0;        // vma->anon_vma: an id, 0 for NULL
  u8 avc = 0;             // anon_vma_chain: bit i set when linked to anon_vma id i
  u8 lock = 0;            // kVmaWriteLocked | readers
  bool contains(unsigned v) const { return pages != 0 && v >= start && v < start + pages; }
  bool operator==(const Vma&) const = default;
};
inline constexpr u8 kVmaWriteLocked = 0x80;
inline constexpr u8 kVmaReaders = 0x7F;
// The id of the anon_vma VMA slot i of mm m gets from anon_vma_prepare (1 .. 6).
inline constexpr u8 anon_vma_id(unsigned mm, unsigned slot) { return static_cast<u8>(1 + mm * kMaxVmas + slot); }
static_assert(anon_vma_id(kMaxMms - 1, kMaxVmas - 1) < 8, "anon_vma ids fit the 8-bit anon_vma_chain");

enum VmaFlag : u8 {
  kVmRead = 1 << 0,
  kVmWrite = 1 << 1,
  kVmShared = 1 << 2,
  kVmAnon = 1 << 3,
  kVmDontCopy = 1 << 4,  // MADV_DONTFORK
  kVmMayWrite = 1 << 5,  // VM_MAYWRITE: mprotect may add VM_WRITE (kept when PROT_READ drops it)
  kVmFile = 1 << 6,      // a mapping of a file (vm_file): private (read-only file) or shared (kVmShared)
  kVmLocked = 1 << 7,    // VM_LOCKED: mlock(2)ed; not inherited by fork's child
};

struct Mm {
  u8 alive = 0;      // 1 once the process exists (the initial ones, or after fork copied it)
  u8 table = kNone;  // index into State::tables
  RwLock mmap_lock;
  std::array<Vma, kMaxVmas> vma{};
  u8 has_pinned = 0;  // mm->has_pinned (5.9, 008cfe4418b3): some FOLL_PIN was ever taken; never cleared
  u8 write_protect_seq = 0;  // mm->write_protect_seq (5.11, 57efa1fe5957): odd while fork write-protects
  bool operator==(const Mm&) const = default;
};

// A thread: where it is (op index, pc within that op's kernel path) and its locals, kept
// after use as the reference scenario counts them.
struct Thread {
  u8 op = 0;          // index of the current operation; == op count when finished
  u8 pc = 0;          // step within the operation's kernel path (path-specific enum)
  u8 idx = 0;         // loop variable (fork: the virtual page being copied)
  u8 frame = kNone;   // local `f`: the frame GUP found / pinned
  u8 seen = 0;        // value returned by the thread's last read
  u8 read_op = 0;     // 1 + index of the op that did the last read, 0: none yet
  // A local of the weak memory model's steps (model/memory_model.hpp), 0 otherwise:
  // GUP-fast's PageAnonExclusive read early (1 + the bit); KSM's saved PTE flags (1 + flags).
  u8 saved = 0;
  bool operator==(const Thread&) const = default;
};
inline constexpr u8 kSegv = 0xFF;  // Thread::seen after the thread was killed (model/fault.hpp)

// A store a CPU has made that other CPUs do not see yet (a store-buffer entry), under a
// weak memory model (model/memory_model.hpp): `tid` kNone for a free slot.
struct Buffered {
  u8 tid = kNone;
  u8 kind = 0;  // BufferedKind
  u8 frame = kNone;
  bool operator==(const Buffered&) const = default;
};
enum BufferedKind : u8 {
  kBufPinAdd = 1,   // folio_ref_add(folio, refs * (GUP_PIN_COUNTING_BIAS - 1)): pincount + 1
  kBufAeClear = 2,  // ClearPageAnonExclusive (clear_bit)
  kBufSeqInc = 3,   // raw_write_seqcount_begin's mm->write_protect_seq++ (`frame` is the mm)
};

// A GUP reference held on behalf of a driver or a device (O_DIRECT bio, RDMA MR).
// Owner, virtual page, kind and direction are static: Scenario::pins.
struct Pin {
  u8 state = 0;  // PinState
  u8 frame = kNone;
  u8 dma = 0;    // 1 once the device wrote through this pin
  bool operator==(const Pin&) const = default;
};
enum PinState : u8 { kPinNone = 0, kPinActive = 1, kPinReleased = 2 };

// A TLB entry: a valid translation to a frame, read-only or writable.
inline constexpr u8 kTlbValid = 0x80;
inline constexpr u8 kTlbWrite = 0x40;
inline constexpr u8 kTlbFrame = 0x0F;
static_assert(kMaxFrames <= 16, "a TLB entry keeps its frame in 4 bits");

struct State {
  std::array<Frame, kMaxFrames> frames{};
  std::array<PageTable, kMaxMms> tables{};
  std::array<Mm, kMaxMms> mms{};
  std::array<Thread, kMaxThreads> threads{};
  std::array<Pin, kMaxPins> pins{};
  // Each thread's TLB (its CPU's cached translations of its mm's pages), for scenarios
  // that model TLBs (Scenario::tlb): tlb[t][v] is 0, or kTlbValid | (kTlbWrite) | frame.
  // A user load or store uses the entry when there is one, even after the PTE changed;
  // a flush (flush_tlb_page, flush_tlb_mm, ptep_clear_flush) removes entries.
  std::array<std::array<u8, kMaxVpages>, kMaxThreads> tlb{};
  std::array<Buffered, kMaxBuffered> buffered{};  // stores in flight (weak memory models only)
  RwLock brlock;  // Arcangeli's global big-reader lock (design brlock only)
  u8 free_blocks = 0;  // the file system's free blocks (0: a write into a hole gets ENOSPC)
  // The disk behind the first kMaxDiskPages page-cache frames (model/writeback.hpp), kept
  // in scenarios with sync_file_range (Scenario::tracks_disk; all 0 in the others):
  // disk[f][h] is the value the block behind frame f holds in half h (0: the initial
  // contents), written when the disk reads the page during its write-back I/O.
  std::array<std::array<u8, kHalves>, kMaxDiskPages> disk{};
  u8 disk_read = 0;  // bit f: the write-back I/O in flight on frame f has read the page
  bool operator==(const State&) const = default;

  Pte& pte(unsigned mm, unsigned v) { return tables[mms[mm].table].pte[v]; }
  const Pte& pte(unsigned mm, unsigned v) const { return tables[mms[mm].table].pte[v]; }
  SpinLock& ptl(unsigned mm) { return tables[mms[mm].table].ptl; }
};

static_assert(std::is_trivially_copyable_v<State>);
static_assert(std::has_unique_object_representations_v<State>,
              "State is hashed as bytes: it must have no padding");
static_assert(sizeof(State) <= 388, "State size budget");

std::uint64_t hash_state(const State& s);
std::uint64_t hash_bytes(const void* p, std::size_t n);

}  // namespace cow
