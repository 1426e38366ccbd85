#include "checker/itf.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "model/invariant.hpp"
#include "model/memory_model.hpp"
#include "model/names.hpp"
#include "model/paths.hpp"
#include "model/threads.hpp"
#include "properties/smt_property.hpp"

namespace cow {

using nlohmann::json;

json itf_int(long long n) {
  constexpr long long kExact = 1LL << 53;  // JSON numbers are exact below 2^53 (IEEE doubles)
  if (n > -kExact && n < kExact) return n;
  return {{"#bigint", std::to_string(n)}};
}

namespace {

// The ADR-015 containers: a set (written sorted, so equal sets are equal text), a map of
// [key, value] pairs, a tuple.
json itf_set(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  return {{"#set", names}};
}
json itf_map(const json& pairs) { return {{"#map", pairs.is_null() ? json::array() : pairs}}; }
json itf_tup(const json& items) { return {{"#tup", items}}; }

std::string thread_or_empty(const Scenario& sc, u8 tid) {
  if (tid == kNone) return "";
  return tid < sc.threads.size() ? sc.threads[tid].name : fmt::format("thread#{}", tid);
}

// vm_flags, by the kernel's names (VM_ANON for an anonymous VMA: vma_is_anonymous()).
json vma_flags(const Vma& v) {
  std::vector<std::string> f;
  if (v.flags & kVmRead) f.push_back("VM_READ");
  if (v.flags & kVmWrite) f.push_back("VM_WRITE");
  if (v.flags & kVmShared) f.push_back("VM_SHARED");
  if (v.flags & kVmAnon) f.push_back("VM_ANON");
  if (v.flags & kVmDontCopy) f.push_back("VM_DONTCOPY");
  if (v.flags & kVmMayWrite) f.push_back("VM_MAYWRITE");
  if (v.flags & kVmFile) f.push_back("VM_FILE");
  if (v.flags & kVmLocked) f.push_back("VM_LOCKED");
  return itf_set(f);
}

// An mm's VMAs in slot order, [start, end) in pages; anon_vma 0 is vma->anon_vma == NULL;
// vma_lock is the per-VMA lock (6.4+).
json vmas_of(const Mm& m) {
  json list = json::array();
  for (const Vma& v : m.vma) {
    if (!v.pages) continue;
    list.push_back({{"start", itf_int(v.start)},
                    {"end", itf_int(v.start + v.pages)},
                    {"flags", vma_flags(v)},
                    {"file_frame", frame_name(v.file_frame)},
                    {"anon_vma", itf_int(v.anon_vma)},
                    {"vma_lock", {{"write_locked", (v.lock & kVmaWriteLocked) != 0}, {"readers", itf_int(v.lock & kVmaReaders)}}}});
  }
  return list;
}

// An mm's page table: the entries that are not pte_none, by virtual page.
json ptes_of(const State& s, unsigned mm) {
  json pairs = json::array();
  if (s.mms[mm].table == kNone) return itf_map(pairs);
  for (unsigned v = 0; v < kMaxVpages; ++v) {
    const Pte& p = s.pte(mm, v);
    if (p.none() && !p.cleared()) continue;
    pairs.push_back(json::array({itf_int(v),
                                 {{"present", p.present()},
                                  {"writable", p.writable()},
                                  {"dirty", (p.flags & kPteDirty) != 0},
                                  {"swap", p.swapped()},
                                  {"swp_exclusive", (p.flags & kPteSwpExclusive) != 0},
                                  {"cleared", p.cleared()},
                                  {"frame", frame_name(p.frame)}}}));
  }
  return itf_map(pairs);
}

json rwlock(const Scenario& sc, const RwLock& l) {
  return {{"readers", itf_int(l.readers)}, {"writer", thread_or_empty(sc, l.writer)}};
}

// One var that maps each process (by its name in the scenario) to what `of` says.
template <class Of>
json per_mm(const Scenario& sc, Of&& of) {
  json pairs = json::array();
  for (unsigned mm = 0; mm < sc.processes.size(); ++mm) pairs.push_back(json::array({sc.processes[mm].name, of(mm)}));
  return itf_map(pairs);
}

// struct page's flags, by the kernel's names (the model's ghost flags in parentheses).
json frame_flags(const Frame& f) {
  std::vector<std::string> n;
  const std::pair<u8, const char*> flags[] = {
      {kFrameAnon, "PageAnon"},         {kFrameAnonExclusive, "PageAnonExclusive"}, {kFrameGup, "PG_gup"},
      {kFrameSwapCache, "PageSwapCache"}, {kFramePageCache, "page_cache"},        {kFrameKsm, "PageKsm"},
      {kFramePageLocked, "PG_locked"},  {kFrameZero, "zero_page"}};
  for (auto [bit, name] : flags)
    if (f.flags & bit) n.push_back(name);
  const std::pair<u8, const char*> pg[] = {
      {kPgDirty, "PG_dirty"},      {kPgWriteback, "PG_writeback"},          {kPgMlocked, "PG_mlocked"},
      {kPgBlock, "block_mapped"},  {kPgMkwrite, "page_mkwrite_done"},       {kPgDirtiedByMlock, "(dirtied_by_mlock)"},
      {kPgWriteLost, "(write_lost)"}, {kPgFileRw, "file_open_for_write"}};
  for (auto [bit, name] : pg)
    if (f.pg & bit) n.push_back(name);
  return itf_set(n);
}

// The frames in use (refcount > 0): page_count, page_mapcount, pincount, swapcount, the
// flags, and what each half of the page holds (the write that put it there).
json frames_of(const Scenario& sc, const State& s) {
  json pairs = json::array();
  for (unsigned f = 0; f < kMaxFrames; ++f) {
    const Frame& fr = s.frames[f];
    if (!fr.refcount) continue;
    json data = json::array();
    for (unsigned h = 0; h < kHalves; ++h) data.push_back(sc.value_name(fr.data[h]));
    pairs.push_back(json::array({frame_name(static_cast<u8>(f)),
                                 {{"refcount", itf_int(fr.refcount)},
                                  {"mapcount", itf_int(fr.mapcount)},
                                  {"pincount", itf_int(fr.pincount)},
                                  {"swapcount", itf_int(fr.swapcount)},
                                  {"anon_vma", itf_int(fr.anon_vma)},
                                  {"flags", frame_flags(fr)},
                                  {"data", itf_tup(data)}}}));
  }
  return itf_map(pairs);
}

// Where each thread is: its op (index and kind; "finished" past the last), the pc in that
// op's kernel path, its local `f` and the value its last read returned.
json threads_of(const Scenario& sc, const State& s) {
  json pairs = json::array();
  for (unsigned t = 0; t < sc.threads.size(); ++t) {
    const Thread& th = s.threads[t];
    const bool done = thread_finished(sc, s, t);
    pairs.push_back(json::array({sc.threads[t].name,
                                 {{"op", itf_int(th.op)},
                                  {"op_name", done ? std::string("finished") : std::string(op_name(sc.threads[t].ops[th.op].kind))},
                                  {"pc", itf_int(th.pc)},
                                  {"frame", frame_name(th.frame)},
                                  {"seen", sc.value_name(th.seen)}}}));
  }
  return itf_map(pairs);
}

json pins_of(const Scenario& sc, const State& s) {
  json pairs = json::array();
  for (unsigned i = 0; i < sc.pins.size(); ++i) {
    const Pin& p = s.pins[i];
    const char* state = p.state == kPinActive ? "active" : p.state == kPinReleased ? "released" : "none";
    pairs.push_back(json::array({sc.pins[i].name, {{"state", state}, {"frame", frame_name(p.frame)}, {"dma", p.dma != 0}}}));
  }
  return itf_map(pairs);
}

// Each thread's TLB (scenarios with `tlb`): the valid entries, by virtual page.
json tlbs_of(const Scenario& sc, const State& s) {
  json pairs = json::array();
  for (unsigned t = 0; t < sc.threads.size(); ++t) {
    json entries = json::array();
    for (unsigned v = 0; v < kMaxVpages; ++v) {
      const u8 e = s.tlb[t][v];
      if (!(e & kTlbValid)) continue;
      entries.push_back(json::array(
          {itf_int(v), {{"writable", (e & kTlbWrite) != 0}, {"frame", frame_name(static_cast<u8>(e & kTlbFrame))}}}));
    }
    pairs.push_back(json::array({sc.threads[t].name, itf_map(entries)}));
  }
  return itf_map(pairs);
}

// The stores in flight (weak memory models), as the text trace words them.
json store_buffer_of(const Scenario& sc, const State& s) {
  json list = json::array();
  for (const Buffered& b : s.buffered)
    if (b.tid != kNone) list.push_back({{"thread", thread_or_empty(sc, b.tid)}, {"store", buffered_text(b)}});
  return list;
}

}  // namespace

const std::vector<std::string>& itf_vars() {
  static const std::vector<std::string> vars = {
      "thread", "label",    "alive",      "vmas",      "ptes",  "mmap_lock", "ptl",         "has_pinned",
      "write_protect_seq", "frames",     "threads",   "pins",  "tlb",       "store_buffer"};
  return vars;
}

json itf_state_vars(const Scenario& sc, const State& s, const std::string& thread, const std::string& label) {
  json st = json::object();
  st["thread"] = thread;
  st["label"] = label;
  st["alive"] = per_mm(sc, [&](unsigned mm) { return json(s.mms[mm].alive != 0); });
  st["vmas"] = per_mm(sc, [&](unsigned mm) { return vmas_of(s.mms[mm]); });
  st["ptes"] = per_mm(sc, [&](unsigned mm) { return ptes_of(s, mm); });
  st["mmap_lock"] = per_mm(sc, [&](unsigned mm) { return rwlock(sc, s.mms[mm].mmap_lock); });
  st["ptl"] = per_mm(sc, [&](unsigned mm) {
    return json(s.mms[mm].table == kNone ? std::string() : thread_or_empty(sc, s.tables[s.mms[mm].table].ptl.holder));
  });
  st["has_pinned"] = per_mm(sc, [&](unsigned mm) { return json(s.mms[mm].has_pinned != 0); });
  st["write_protect_seq"] = per_mm(sc, [&](unsigned mm) { return itf_int(s.mms[mm].write_protect_seq); });
  st["frames"] = frames_of(sc, s);
  st["threads"] = threads_of(sc, s);
  st["pins"] = pins_of(sc, s);
  st["tlb"] = tlbs_of(sc, s);
  st["store_buffer"] = store_buffer_of(sc, s);
  return st;
}

json itf_trace(const CheckRun& run, std::size_t i) {
  const Scenario& sc = run.scenario;
  const Design& d = *run.design;
  const PropertyOutcome& o = run.result.outcomes[i];
  json meta = {{"format", "ITF"},
               {"format-description", kItfFormatDescription},
               {"source", sc.file},
               {"description", fmt::format("cowcheck counterexample: {} violated on {} under {}", o.property->name(),
                                           sc.name, d.name())},
               {"scenario", sc.name},
               {"design", std::string(d.name())},
               {"property", std::string(o.property->name())},
               {"detail", o.detail},
               {"params", json::object()},
               {"tlb", sc.tlb},
               {"arch", arch_name(sc.arch)},
               {"memory_model", memory_model_name(sc.memory_model)}};
  for (const auto& [k, v] : sc.params) meta["params"][k] = itf_int(v);
  if (auto* smt = dynamic_cast<const SmtProperty*>(o.property)) meta["property_file"] = smt->file();

  // Every state, re-executed: each step is the enabled successor of its thread and label.
  json states = json::array();
  State s = initial_state(sc, d);
  auto push = [&](const std::string& thread, const std::string& label) {
    json st = itf_state_vars(sc, s, thread, label);
    st["#meta"] = {{"index", states.size()}};
    states.push_back(std::move(st));
  };
  push("", "");
  Expansion ex;
  for (const TraceStep& step : run.traces[i].steps) {
    successors(sc, d, s, ex);
    auto it = std::find_if(ex.succ.begin(), ex.succ.end(),
                           [&](const Successor& su) { return su.tid == step.tid && su.label == step.label; });
    INVARIANT(it != ex.succ.end(), "counterexample step cannot be re-executed for ITF");
    s = it->next;
    push(sc.threads[step.tid].name, step.label);
  }
  return {{"#meta", meta}, {"vars", itf_vars()}, {"states", states}};
}

json itf_report(const CheckRun& run) {
  json traces = json::array();
  for (std::size_t i = 0; i < run.result.outcomes.size(); ++i)
    if (run.result.outcomes[i].violated) traces.push_back(itf_trace(run, i));
  return traces.size() == 1 ? traces[0] : traces;
}

}  // namespace cow
