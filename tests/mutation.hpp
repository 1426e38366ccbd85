// Random changes to a state's fields, each within what the encoding allows (frame and
// thread indices in range): for tests that need states the search never reaches.
#pragma once
#include <random>
#include <vector>

#include "model/scenario.hpp"

namespace cow::test {

// `changes` times, one field (or one small group of fields) of s changed at random.
inline State mutate_fields(const Scenario& sc, State s, std::mt19937& rng, int changes) {
  auto pick = [&](unsigned n) { return static_cast<unsigned>(rng() % n); };
  const unsigned nw = static_cast<unsigned>(sc.writes.size());
  for (int n = 0; n < changes; ++n) {
    switch (pick(6)) {
      case 0: {
        Frame& f = s.frames[pick(kMaxFrames)];
        switch (pick(4)) {
          case 0:
            f.refcount = static_cast<u8>(pick(4));
            break;
          case 1:
            f.mapcount = static_cast<u8>(pick(3));
            break;
          case 2:
            f.data[pick(2)] = static_cast<u8>(pick(nw + 1));
            break;
          default:
            f.flags = static_cast<u8>(pick(4));
            break;
        }
        break;
      }
      case 1: {
        Pte& p = s.tables[pick(static_cast<unsigned>(sc.processes.size()))].pte[pick(kMaxVpages)];
        const u8 flags[] = {0, kPtePresent, kPtePresent | kPteWrite};
        p.flags = flags[pick(3)];
        p.frame = p.flags ? static_cast<u8>(pick(kMaxFrames)) : kNone;
        break;
      }
      case 2:
        if (!sc.pins.empty()) {
          Pin& p = s.pins[pick(static_cast<unsigned>(sc.pins.size()))];
          p.state = static_cast<u8>(pick(3));
          p.frame = p.state == kPinActive ? static_cast<u8>(pick(kMaxFrames)) : kNone;
          p.dma = static_cast<u8>(pick(2));
        }
        break;
      case 3: {
        unsigned t = pick(static_cast<unsigned>(sc.threads.size()));
        const auto& ops = sc.threads[t].ops;
        std::vector<u8> reads{0};
        for (unsigned i = 0; i < ops.size(); ++i)
          if (ops[i].kind == OpKind::Read) reads.push_back(static_cast<u8>(i + 1));
        s.threads[t].read_op = reads[pick(static_cast<unsigned>(reads.size()))];
        s.threads[t].seen = static_cast<u8>(pick(nw + 1));
        s.threads[t].op = static_cast<u8>(pick(static_cast<unsigned>(ops.size()) + 1));
        s.threads[t].pc = 0;
        break;
      }
      case 4: {
        Mm& m = s.mms[pick(static_cast<unsigned>(sc.processes.size()))];
        if (pick(2))
          m.alive ^= 1;
        else
          m.mmap_lock.readers = static_cast<u8>(pick(3));
        break;
      }
      default:
        s.tables[pick(static_cast<unsigned>(sc.processes.size()))].ptl.holder =
            pick(2) ? kNone : static_cast<u8>(pick(static_cast<unsigned>(sc.threads.size())));
        break;
    }
  }
  return s;
}

}  // namespace cow::test
