// Stage 4 of loading a scenario: the initial state (Scenario::initial), before any step.
// The processes not created by a fork are alive, each with its own page table; their VMAs
// are in place; every page of a file VMA is in the page cache (one frame each, with its
// block unless the file has holes) and mapped read-only if the VMA is populated; every
// page of a populated anonymous VMA has its own frame, mapped writable if the VMA is, and
// the VMA has its anon_vma (an unpopulated one gets it at its first anonymous fault).
// Frames are handed out in declaration order; validation has checked that they fit.
#include "model/invariant.hpp"
#include "model/scenario_stages.hpp"

namespace cow {

void build_initial_state(ParsedScenario& p) {
  const Scenario& sc = p.sc;
  State& s = p.sc.initial;
  s.free_blocks = p.free_blocks;
  for (unsigned mm = 0; mm < sc.processes.size(); ++mm) {
    s.mms[mm].table = static_cast<u8>(mm);
    if (sc.processes[mm].initial) {
      s.mms[mm].alive = 1;
      s.tables[mm].users = 1;
    }
  }
  unsigned next_frame = 0;
  std::array<unsigned, kMaxMms> nvma{};
  for (const VmaDecl& d : p.vmas) {
    const unsigned slot = nvma[d.mm]++;
    Vma& vma = s.mms[d.mm].vma[slot];
    vma = d.vma;
    if (vma.flags & kVmFile) {  // the file's pages are in the page cache (their contents: initial)
      INVARIANT(next_frame + vma.pages <= kMaxFrames, "validation checks the initial frames");
      vma.file_frame = static_cast<u8>(next_frame);
      for (unsigned i = 0; i < vma.pages; ++i) {
        Frame& f = s.frames[next_frame++];
        f.refcount = 1;
        f.flags = kFramePageCache;
        if (!d.holes) f.pg |= kPgBlock;
        if ((vma.flags & kVmShared) && (vma.flags & kVmWrite)) f.pg |= kPgFileRw;
        if (d.populated) {  // mapped read-only, as a read fault leaves it (a shared one too: write-notify)
          f.refcount++;
          f.mapcount = 1;
          s.tables[d.mm].pte[vma.start + i] = Pte{static_cast<u8>(vma.file_frame + i), kPtePresent};
        }
      }
      continue;
    }
    if (!d.populated) continue;
    // Its pages were faulted in, so it has its anon_vma (anon_vma_prepare at the first fault).
    vma.anon_vma = anon_vma_id(d.mm, slot);
    vma.avc = static_cast<u8>(1u << vma.anon_vma);
    for (unsigned v = d.vma.start; v < d.vma.start + d.vma.pages; ++v) {
      INVARIANT(next_frame < kMaxFrames, "validation checks the initial frames");
      Frame& f = s.frames[next_frame];
      f.refcount = 1;
      f.mapcount = 1;
      f.flags = kFrameAnon;
      f.anon_vma = vma.anon_vma;
      // Faulted in by its owner: a store to a writable VMA (do_anonymous_page:
      // pte_mkwrite(pte_mkdirty(entry))), present read-only otherwise.
      s.tables[d.mm].pte[v] = Pte{static_cast<u8>(next_frame),
                                  static_cast<u8>(kPtePresent | ((d.vma.flags & kVmWrite) ? kPteWrite | kPteDirty : 0))};
      ++next_frame;
    }
  }
}

}  // namespace cow
