// fork's write_protect_seq against FOLL_PIN GUP-fast under a weak memory model
// (model/fork_weak.hpp): copy_page_range's raw_write_seqcount_begin is a store and an
// smp_wmb(), and copy_present_page's reads of mm->has_pinned and the pin count may pass
// it under lkmm (store buffering with GUP-fast's pin and read_seqcount_retry). Every
// design with the seqcount fails under lkmm and holds under sc and tso; a fixture with an
// smp_mb() after the increment holds under all three.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <unistd.h>
#include <vector>

#include "checker/litmus.hpp"
#include "checker/replay.hpp"
#include "checker/report.hpp"
#include "checker/run.hpp"
#include "model/design_registry.hpp"
#include "model/fork_weak.hpp"
#include "model/paths.hpp"
#include "model/scenario_load.hpp"
#include "model/state.hpp"
#include "model/threads.hpp"
#include "tests/check_helpers.hpp"
#include "tests/litmus_shape.hpp"

using namespace cow;

namespace {

const std::string kScenario = std::string(COWCHECK_SOURCE_DIR) + "/scenarios/fastgup_fork_pin.toml";

CheckRun check(const char* design, MemoryModel mm) {
  CheckRequest req;
  req.scenario_file = kScenario;
  req.design = design;
  req.cpu.memory_model = mm;
  return run_check(req);
}

using cowtest::violated;

const Trace& trace_of(const CheckRun& run, const char* property) {
  for (std::size_t k = 0; k < run.result.outcomes.size(); ++k)
    if (run.result.outcomes[k].property->name() == property) return run.traces.at(k);
  FAIL("no trace for " << property);
  return run.traces.at(0);
}

}  // namespace

TEST_CASE("memory model: fork's write_protect_seq vs pin_user_pages_fast fails under lkmm on every seqcount design",
          "[memory-model][quick]") {
  struct Row {
    const char* design;
    MemoryModel mm;
    bool violated;
    std::uint64_t states;
  };
  const Row rows[] = {
      // v5.9 has no seqcount: 57efa1fe5957's race, under every model
      {"v5.9", MemoryModel::Sc, true, 300},
      {"v5.9", MemoryModel::Lkmm, true, 300},
      {"v5.11", MemoryModel::Sc, false, 435},
      {"v5.11", MemoryModel::Tso, false, 435},
      {"v5.11", MemoryModel::Lkmm, true, 578},
      {"v5.19", MemoryModel::Sc, false, 435},
      {"v5.19", MemoryModel::Tso, false, 527},
      {"v5.19", MemoryModel::Lkmm, true, 796},
      {"v6.1", MemoryModel::Sc, false, 435},
      {"v6.1", MemoryModel::Tso, false, 527},
      {"v6.1", MemoryModel::Lkmm, true, 750},
      {"v6.18", MemoryModel::Sc, false, 620},
      {"v6.18", MemoryModel::Tso, false, 736},
      {"v6.18", MemoryModel::Lkmm, true, 1030},
      {"fixture-v6.18-fork-seq-mb", MemoryModel::Sc, false, 620},
      {"fixture-v6.18-fork-seq-mb", MemoryModel::Tso, false, 736},
      {"fixture-v6.18-fork-seq-mb", MemoryModel::Lkmm, false, 776},
  };
  for (const Row& r : rows) {
    INFO(r.design << " " << memory_model_name(r.mm));
    CheckRun run = check(r.design, r.mm);
    CHECK(run.result.completion == Completion::Exhausted);
    CHECK(run.result.states == r.states);
    CHECK(violated(run, "dma-visible") == r.violated);
    CHECK(violated(run, "pin-writable-in-owner") == r.violated);
    for (const char* p : {"own-write-visible", "refcount-sane", "no-deadlock", "isolation", "no-use-after-free"})
      CHECK_FALSE(violated(run, p));
    CHECK(exit_status(run.result) == (r.violated ? 1 : 0));
  }
}

TEST_CASE("memory model: the write_protect_seq counterexample reads early, pins, then drains, and replays",
          "[memory-model][quick]") {
  CheckRun run = check("v5.11", MemoryModel::Lkmm);
  const Trace& t = trace_of(run, "pin-writable-in-owner");
  CHECK(t.steps.size() == 9);
  auto at = [&](const std::string& label) {
    for (std::size_t i = 0; i < t.steps.size(); ++i)
      if (t.steps[i].label.find(label) != std::string::npos) return i;
    FAIL("no step " << label);
    return t.steps.size();
  };
  const std::size_t early = at("page_maybe_dma_pinned read early");
  const std::size_t pin = at("gup_pte_range:try_grab_compound_head");
  const std::size_t drain = at("store buffer: write_protect_seq++ (raw_write_seqcount_begin) reaches memory");
  const std::size_t wrprotect = at("copy_present_pte:get_page+ptep_set_wrprotect");
  CHECK(early < pin);
  CHECK(pin < drain);
  CHECK(drain < wrprotect);
  CHECK(at("lockless_pages_from_mm:raw_read_seqcount") < pin);
  std::string changes;
  for (const TraceStep& s : t.steps)
    for (const std::string& c : s.changes) changes += c + "\n";
  CHECK(changes.find("F's store buffer holds write_protect_seq++ (raw_write_seqcount_begin): not yet visible to other CPUs") !=
        std::string::npos);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("fork-seq-trace-" + std::to_string(::getpid()) + ".json")).string();
  {
    std::ofstream out(path);
    out << json_report(run).dump(2);
  }
  std::string out;
  CHECK(replay(path, out) == 1);
  CHECK(out.find("VIOLATED pin-writable-in-owner") != std::string::npos);
  std::filesystem::remove(path);
}

// The fixture's "holds" is not vacuous: under lkmm the increment does sit in the buffer,
// fork does read early where the design lets it (v6.18) and not where it does not (the
// fixture), and executions end with the pin taken and fork done.
TEST_CASE("memory model: the fork-side barrier's verdict is not vacuous", "[memory-model][quick]") {
  Scenario sc = load_scenario(kScenario);
  sc.memory_model = MemoryModel::Lkmm;
  unsigned f = 0;
  while (sc.threads[f].name != "F") ++f;
  for (const char* name : {"v6.18", "fixture-v6.18-fork-seq-mb"}) {
    const Design& d = *find_design(name);
    std::set<std::vector<std::uint8_t>> seen;
    std::vector<State> todo{initial_state(sc, d)};
    bool seq_buffered = false, early = false, done_pinned = false, done_copied = false;  // copied: fork saw the pin
    Expansion ex;
    while (!todo.empty()) {
      State s = todo.back();
      todo.pop_back();
      const auto* b = reinterpret_cast<const std::uint8_t*>(&s);
      if (!seen.insert(std::vector<std::uint8_t>(b, b + sizeof s)).second) continue;
      for (const Buffered& x : s.buffered) seq_buffered |= x.tid != kNone && x.kind == kBufSeqInc;
      early |= !thread_finished(sc, s, f) && (s.threads[f].saved & kForkSavedEarly);
      successors(sc, d, s, ex);
      if (ex.succ.empty() && all_threads_finished(sc, s) && s.pins[0].state != kPinNone) done_pinned = true;
      for (const Successor& su : ex.succ) {
        done_copied |= su.label.find("(EBUSY)") != std::string_view::npos;  // page_try_dup_anon_rmap saw the pin
        todo.push_back(su.next);
      }
    }
    INFO(name);
    CHECK(seq_buffered == (std::string(name) == "v6.18"));
    CHECK(early == (std::string(name) == "v6.18"));
    CHECK(done_pinned);
    CHECK(done_copied);
  }
}

// The litmus export of the write_protect_seq race: well formed, with each design's
// barriers, and the files in papers/memory-ordering/ are its output.
TEST_CASE("memory model: the write_protect_seq litmus export has each design's barriers", "[memory-model][litmus][quick]") {
  CheckRun run = check("v5.11", MemoryModel::Lkmm);
  REQUIRE(violated(run, "pin-writable-in-owner"));
  const std::string path =
      (std::filesystem::temp_directory_path() / ("fork-seq-litmus-" + std::to_string(::getpid()) + ".json")).string();
  std::ofstream(path) << json_report(run).dump(2);
  for (const char* design : {"v5.11", "v5.19", "v6.1", "fixture-v6.18-fork-seq-mb"}) {
    INFO(design);
    const std::string text = litmus(path, design);
    cow::test::check_litmus_shape(text);
    const std::string d = design;
    CHECK((text.find("smp_mb();") != std::string::npos) == (d == "fixture-v6.18-fork-seq-mb"));
    CHECK((text.find("smp_mb__after_atomic();") != std::string::npos) == (d == "v6.1" || d == "fixture-v6.18-fork-seq-mb"));
    CHECK((text.find("atomic_inc(pincount);") != std::string::npos) == (d != "v5.11"));
    CHECK(text.find("exists (0:r0=0 /\\ 0:r1=0 /\\ 1:r0=0 /\\ 1:r1=1 /\\ 1:r3=1 /\\ 1:r4=0)") != std::string::npos);
    if (d != "fixture-v6.18-fork-seq-mb") {
      std::ifstream in(std::string(COWCHECK_SOURCE_DIR) + "/papers/memory-ordering/fastgup_fork_pin-" + d + ".litmus");
      std::stringstream committed;
      committed << in.rdbuf();
      CHECK(committed.str() == text);
    }
  }
  std::filesystem::remove(path);
}
