// Stage 3 of loading a scenario: derivation. The fields of a Scenario that follow from
// its parsed and validated description: what each read expects (Op::expect), what each
// page half must hold at the end (final_expect), the classes of interchangeable threads
// (thread_classes, from the `symmetric = true` loops), and whether the scenario swaps,
// maps files or merges pages with KSM (has_swap, has_file, has_ksm).
#include <set>
#include <tuple>

#include "model/scenario_stages.hpp"

namespace cow {

namespace {

// Reads check the thread's own last write to that half (an O_DIRECT read's DMA counts
// as the thread's); final states check each half written by a single thread or device.
void compute_expectations(Scenario& sc) {
  for (ThreadDef& td : sc.threads) {
    for (std::size_t i = 0; i < td.ops.size(); ++i) {
      Op& op = td.ops[i];
      if (op.kind != OpKind::Read && op.kind != OpKind::OdirectWrite && op.kind != OpKind::PinRead) continue;
      // A read through a pin (or the device's read of an O_DIRECT write) expects what this
      // thread last stored to the pinned page.
      const unsigned page = op.kind == OpKind::PinRead ? sc.pins[op.pin].vpage : op.page;
      if (op.kind == OpKind::PinRead && sc.pins[op.pin].owner_mm != td.mm) continue;
      for (std::size_t j = i; j-- > 0;) {
        const Op& w = td.ops[j];
        // A store, a DMA through an O_DIRECT read, or the kernel's write through
        // /proc/PID/mem on the thread's behalf.
        bool writes = (w.kind == OpKind::Write || w.kind == OpKind::OdirectRead || w.kind == OpKind::ProcMemWrite) &&
                      w.page == page && w.half == op.half;
        if (writes) {
          op.expect = w.write_id;
          break;
        }
      }
    }
  }
  std::map<std::tuple<unsigned, unsigned, unsigned>, std::set<unsigned>> writers;
  for (unsigned id = 1; id <= sc.writes.size(); ++id) {
    const WriteDef& w = sc.writes[id - 1];
    writers[{w.mm, w.vpage, w.half}].insert(w.thread);
  }
  for (unsigned id = 1; id <= sc.writes.size(); ++id) {
    const WriteDef& w = sc.writes[id - 1];
    if (writers[{w.mm, w.vpage, w.half}].size() == 1)  // later ids of one thread win
      sc.final_expect[w.mm][w.vpage][w.half] = static_cast<u8>(id);
  }
}

}  // namespace

void derive(ParsedScenario& p) {
  Scenario& sc = p.sc;
  compute_expectations(sc);
  for (const SymmetricLoop& d : p.symmetric) {
    if (d.end - d.first < 2) continue;  // one thread: nothing to permute
    std::vector<u8> cls;
    for (std::size_t t = d.first; t < d.end; ++t) cls.push_back(static_cast<u8>(t));
    sc.thread_classes.push_back(std::move(cls));
  }
  bool read_gup = false, empties = false;  // (may_map_zero_page)
  for (const ThreadDef& td : sc.threads)
    for (const Op& op : td.ops) {
      sc.has_swap |= op.kind == OpKind::SwapOut;
      sc.has_ksm |= op.kind == OpKind::KsmScan;
      sc.has_page_lock |= op.kind == OpKind::HoldPageLock;
      read_gup |= (takes_pin(op.kind) && !op.gup_write) || op.kind == OpKind::Read;
      empties |= op.kind == OpKind::Madvise && op.advice == Advice::DontNeed;
    }
  for (const VmaDecl& d : p.vmas) {
    sc.has_file |= (d.vma.flags & kVmFile) != 0;
    empties |= (d.vma.flags & kVmAnon) && !(d.vma.flags & kVmShared) && !d.populated;
  }
  sc.may_map_zero_page = read_gup && empties;
}

}  // namespace cow
