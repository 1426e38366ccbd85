// A scenario: what user space and devices do, loaded from TOML at run time (see
// model/scenario_load.cpp). Everything here is static; State holds what changes.
#pragma once
#include <array>
#include <map>
#include <string>
#include <vector>

#include "model/state.hpp"

namespace cow {

enum class OpKind : u8 {
  Write,        // a CPU store to one half of a page (user access; may write-fault)
  Read,         // a CPU load of one half of a page
  OdirectRead,  // read(2) with O_DIRECT into the page: GUP for write, device DMA, put_page
  Fork,         // fork(2): dup_mmap copies the VMAs and PTEs into the child
  PinLongterm,  // a driver (RDMA MR registration) takes a long-term GUP reference for write
  Unpin,        // the driver drops it (put_page)
  Dma,          // a device writes through a pin
  Madvise,      // madvise(MADV_DONTFORK / MADV_DOFORK) on whole VMAs
  OdirectWrite, // write(2) with O_DIRECT from the page: GUP for read, the device reads it, put_page
  Vmsplice,     // vmsplice(2) of the page into a pipe: GUP (FOLL_GET, read); the pipe keeps the reference
  PinUserPages, // pin_user_pages[_fast] (FOLL_PIN, maybe FOLL_WRITE, FOLL_LONGTERM): io_uring, gup_test
  PinRead,      // the holder of a pin reads the page through it (read(2) of the pipe, write_fixed, PIN_LONGTERM_TEST_READ)
  Munmap,       // munmap(2) of the VMA holding the page
  Exit,         // the process exits: exit_mmap unmaps everything
  Mprotect,     // mprotect(2) of the VMA holding the page to PROT_READ or PROT_READ|PROT_WRITE
  ClearRefs,    // echo 4 > /proc/self/clear_refs: clear soft-dirty, write-protecting the PTEs
  SwapOut,      // madvise(MADV_PAGEOUT): reclaim the page into the swap cache, unmap it to swap entries
  Wait,         // wait4(2) for a child process to exit
  ProcMemWrite, // write(2) to /proc/self/mem: get_user_pages(FOLL_WRITE|FOLL_FORCE), the kernel writes the page
  Mlock,        // mlock(2) of the VMA holding the page: VM_LOCKED, then every page faulted in and mlocked
  Munlock,      // munlock(2) of that VMA: VM_LOCKED cleared, its pages munlocked
  Msync,        // msync(MS_SYNC) of a file VMA: write back its dirty pages (clear_page_dirty_for_io, ->writepage)
  KsmScan,      // ksmd finds two identical anonymous pages and merges one into the other (a KSM page)
};
const char* op_name(OpKind k);

enum class Advice : u8 { DontFork, DoFork, DontNeed };

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
  bool prot_write = false;  // mprotect: PROT_READ|PROT_WRITE (else PROT_READ)
  int line = 0;     // where it was declared
};

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
  // Some op merges pages with KSM (a frame then maps at two virtual pages: not tracked).
  bool has_ksm = false;
  // The file system implements ->page_mkwrite (ext4, xfs, btrfs: blocks are allocated or
  // reserved at the first write fault); false: ext2/ext3, which allocate at write-back.
  bool fs_page_mkwrite = true;

  const WriteDef* write(u8 id) const { return id == 0 ? nullptr : &writes.at(id - 1u); }
  std::string value_name(u8 id) const { return id == 0 ? "0" : writes.at(id - 1u).name; }
  std::string mm_name(unsigned mm) const { return processes.at(mm).name; }
};

}  // namespace cow
