// The foundation's properties, in C++.
#include <fmt/format.h>

#include "model/names.hpp"
#include "properties/property.hpp"

namespace cow {
namespace {

// A read, or a final state, must show `id`; `dma` picks which writes this property owns.
std::optional<std::string> check_visible(const Scenario& sc, const State& s, bool final, bool dma) {
  for (unsigned t = 0; t < sc.threads.size(); ++t) {
    const Thread& th = s.threads[t];
    if (th.read_op == 0 || th.seen == kSegv) continue;  // killed: its last read is gone
    const Op& op = sc.threads[t].ops[th.read_op - 1u];
    const WriteDef* w = sc.write(op.expect);
    if (!w || w->dma != dma || th.seen == op.expect) continue;
    return fmt::format("{} read page {} h{} and saw {}, not {} ({})", sc.threads[t].name, op.page, op.half,
                       sc.value_name(th.seen), sc.value_name(op.expect),
                       dma ? "the data its O_DIRECT read put there" : "its own last write");
  }
  if (!final) return std::nullopt;
  for (unsigned mm = 0; mm < sc.processes.size(); ++mm) {
    if (!s.mms[mm].alive) continue;
    for (unsigned v = 0; v < kMaxVpages; ++v)
      for (unsigned h = 0; h < kHalves; ++h) {
        u8 id = sc.final_expect[mm][v][h];
        const WriteDef* w = sc.write(id);
        if (!w || w->dma != dma) continue;
        const Pte& p = s.pte(mm, v);
        if (!p.present() || s.frames[p.frame].data[h] == id) continue;
        return fmt::format("at the end {} page {} ({}) h{} holds {}, not {}", sc.mm_name(mm), v,
                           frame_name(p.frame), h, sc.value_name(s.frames[p.frame].data[h]), sc.value_name(id));
      }
  }
  return std::nullopt;
}

class DmaVisible : public Property {
 public:
  std::string_view name() const override { return "dma-visible"; }
  std::string_view summary() const override {
    return "after a DMA through a GUP reference completes, the page's owner reads the DMA'd data "
           "(the 2008 O_DIRECT-vs-fork loss; LWN 2006)";
  }
  std::optional<std::string> check(const Scenario& sc, const State& s, bool final) const override {
    return check_visible(sc, s, final, true);
  }
};

class OwnWriteVisible : public Property {
 public:
  std::string_view name() const override { return "own-write-visible"; }
  std::string_view summary() const override {
    return "a thread reads back its own last store, and at the end each page half holds its "
           "writer's last store";
  }
  std::optional<std::string> check(const Scenario& sc, const State& s, bool final) const override {
    return check_visible(sc, s, final, false);
  }
};

class PinWritableInOwner : public Property {
 public:
  std::string_view name() const override { return "pin-writable-in-owner"; }
  std::string_view summary() const override {
    return "a page pinned for write is never mapped read-only in its owner (fork must not "
           "write-protect a page under DMA)";
  }
  std::optional<std::string> check(const Scenario& sc, const State& s, bool) const override {
    for (unsigned i = 0; i < sc.pins.size(); ++i) {
      const Pin& pin = s.pins[i];
      const PinDef& def = sc.pins[i];
      if (pin.state != kPinActive || !def.write) continue;
      const Pte& p = s.pte(def.owner_mm, def.vpage);
      if (p.present() && p.frame == pin.frame && !p.writable())
        return fmt::format("pin {} (for write) holds {}, which {} maps read-only at page {}", def.name,
                           frame_name(pin.frame), sc.mm_name(def.owner_mm), def.vpage);
    }
    return std::nullopt;
  }
};

class RefcountSane : public Property {
 public:
  std::string_view name() const override { return "refcount-sane"; }
  std::string_view summary() const override {
    return "mapcount equals the PTEs mapping a frame, refcount >= mapcount + pins, and a free "
           "frame is neither mapped nor pinned";
  }
  std::optional<std::string> check(const Scenario& sc, const State& s, bool) const override {
    for (unsigned f = 0; f < kMaxFrames; ++f) {
      unsigned maps = 0, pins = 0;
      for (unsigned mm = 0; mm < sc.processes.size(); ++mm)
        for (const Pte& p : s.tables[s.mms[mm].table].pte) maps += p.present() && p.frame == f;
      for (unsigned i = 0; i < sc.pins.size(); ++i) pins += s.pins[i].state == kPinActive && s.pins[i].frame == f;
      const Frame& fr = s.frames[f];
      if (fr.mapcount != maps)
        return fmt::format("frame#{} mapcount {} but {} PTEs map it", f, fr.mapcount, maps);
      if (fr.refcount < fr.mapcount + pins)
        return fmt::format("frame#{} refcount {} < mapcount {} + pins {}", f, fr.refcount, fr.mapcount, pins);
      if (fr.refcount == 0 && (maps || pins))
        return fmt::format("frame#{} is free but mapped {} times and pinned {} times", f, maps, pins);
    }
    return std::nullopt;
  }
};

class NoDeadlock : public Property {
 public:
  std::string_view name() const override { return "no-deadlock"; }
  std::string_view summary() const override {
    return "every state in which no step is enabled has every thread finished";
  }
  std::optional<std::string> check(const Scenario&, const State&, bool) const override { return std::nullopt; }
  bool is_deadlock() const override { return true; }
  std::vector<ConjunctReads> reads() const override { return {}; }  // persistent sets keep deadlocks
};

}  // namespace

const std::vector<const Property*>& builtin_properties() {
  static const DmaVisible dma;
  static const OwnWriteVisible own;
  static const PinWritableInOwner pin;
  static const RefcountSane ref;
  static const NoDeadlock dl;
  static const std::vector<const Property*> list = {&dma, &own, &pin, &ref, &dl};
  return list;
}

const Property* find_property(std::string_view name) {
  for (const Property* p : builtin_properties())
    if (p->name() == name) return p;
  return nullptr;
}

}  // namespace cow
