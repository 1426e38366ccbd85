// Stage 2 of loading a scenario: validation. Every check on what a scenario means, as
// opposed to how it is written: the model's bounds (model/bounds.hpp), parameter ranges,
// names that must be unique or must name something declared, what a device may do,
// fork and wait targets, symmetric loops, exit, and the frames the initial state needs.
// The parser (model/scenario_parse.cpp) calls the checks on single values where it reads
// them, so that the first error in a file is the one reported; whole() runs the checks
// that need the whole description, after parsing.
#include <cctype>
#include <string_view>

#include "model/bounds.hpp"
#include "model/invariant.hpp"
#include "model/scenario_stages.hpp"

namespace cow::validate {

namespace {
constexpr long kMaxParam = 1'000'000;  // far beyond every bound; keeps expressions from overflowing
}  // namespace

std::string params_note(const Env& params) {
  std::string s;
  for (const auto& [k, v] : params) s += (s.empty() ? " (with " : ", ") + k + " = " + std::to_string(v);
  return s.empty() ? s : s + ")";
}

void overrides_declared(const std::string& file, const Env& declared, const std::map<std::string, long>& overrides) {
  for (const auto& [k, v] : overrides) {
    if (declared.count(k)) continue;
    std::string list;
    for (const auto& [pk, pv] : declared) list += (list.empty() ? "" : ", ") + pk;
    throw ParamOverrideError(file, k, "", "the scenario has no parameter '" + k + "' (it has: " +
                                              (list.empty() ? "none" : list) + ")");
  }
}

void param_values(const std::string& file, const Env& params) {
  for (const auto& [k, v] : params)
    if (v < 0 || v > kMaxParam)
      throw InputError(file, 0, 0, "parameter " + k + " = " + std::to_string(v) + " must be between 0 and " +
                                       std::to_string(kMaxParam));
}

void param_value(const std::string& key, std::int64_t value, const ExprPos& at) {
  if (value < 0 || value > kMaxParam)
    fail_at(at, "parameter '" + key + "' = " + std::to_string(value) + " must be between 0 and " +
                    std::to_string(kMaxParam));
}

void override_value(const std::string& file, const std::string& key, long value) {
  if (value < 0 || value > kMaxParam)
    throw ParamOverrideError(file, key, "=" + std::to_string(value),
                             "a parameter must be between 0 and " + std::to_string(kMaxParam));
}

void matrix_key(const Env& params, const std::string& key, const ExprPos& at) {
  if (!params.count(key)) fail_at(at, "'matrix' names parameter '" + key + "', which [params] does not declare");
}

void matrix_value(const std::string& key, long value, const ExprPos& at) {
  if (value < 0 || value > kMaxParam)
    fail_at(at, "'matrix' value of '" + key + "' must be between 0 and " + std::to_string(kMaxParam));
}

void loop_size(const Loop& loop, const Env& params, const ExprPos& at) {
  if (loop.hi - loop.lo > static_cast<long>(kMaxThreads + kMaxOps))
    fail_at(at, "loop of " + std::to_string(loop.hi - loop.lo) +
                    " iterations is beyond the model's bounds (kMaxThreads = " + std::to_string(kMaxThreads) +
                    " threads, kMaxOps = " + std::to_string(kMaxOps) + " ops per thread)" + params_note(params));
}

void free_blocks(long blocks, const Env& params, const ExprPos& at) {
  if (blocks < 0 || blocks > static_cast<long>(kMaxFrames))
    fail_at(at, "'free_blocks' must be between 0 (the disk is full) and " + std::to_string(kMaxFrames) +
                    " (one per frame of the model)" + params_note(params));
}

void process_count(const Scenario& sc, const ExprPos& at) {
  if (sc.processes.size() >= kMaxMms)
    fail_at(at, "too many processes: the model's bound kMaxMms is " + std::to_string(kMaxMms));
}

// Names go into traces, tables and the properties' symbols (|thread:NAME|): letters,
// digits and _ . : @ # + - only, 1 to 48 of them (no NUL, no control character, no '|').
void name_chars(const char* what, const std::string& name, const ExprPos& at) {
  static constexpr std::size_t kMaxName = 48;
  if (name.empty()) fail_at(at, std::string("a ") + what + " name must not be empty");
  if (name.size() > kMaxName)
    fail_at(at, std::string("a ") + what + " name has at most " + std::to_string(kMaxName) + " characters");
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && std::string_view("_.:@#+-").find(c) == std::string_view::npos) {
      const bool printable = std::isprint(static_cast<unsigned char>(c));
      fail_at(at, std::string(what) + " name '" + (printable ? name : std::string("...")) + "' has the character " +
                      (printable ? "'" + std::string(1, c) + "'" : "with code " + std::to_string(static_cast<unsigned char>(c))) +
                      ": a name has letters, digits and _ . : @ # + - only");
    }
}

void process_name(const Scenario& sc, const std::string& name, const ExprPos& at) {
  name_chars("process", name, at);
  for (const ProcessDef& q : sc.processes)
    if (q.name == name) fail_at(at, "process '" + name + "' is declared twice");
}

unsigned process_named(const Scenario& sc, const std::string& name, const ExprPos& at) {
  for (unsigned i = 0; i < sc.processes.size(); ++i)
    if (sc.processes[i].name == name) return i;
  fail_at(at, "unknown process '" + name + "' (declare it with [[process]] name = \"" + name + "\")");
}

void vma_count(unsigned count, const std::string& process, const ExprPos& at) {
  if (count > kMaxVmas)
    fail_at(at, "too many VMAs in process '" + process + "': the model's bound kMaxVmas is " + std::to_string(kMaxVmas));
}

void vma_range(long start, long pages, const Env& params, const ExprPos& at) {
  if (start < 0 || pages <= 0) fail_at(at, "a VMA needs start >= 0 and pages >= 1");
  if (start > static_cast<long>(kMaxVpages) || pages > static_cast<long>(kMaxVpages) ||
      start + pages > static_cast<long>(kMaxVpages))
    fail_at(at, "VMA [" + std::to_string(start) + "," + std::to_string(start + pages) +
                    ") goes past the model's bound kMaxVpages = " + std::to_string(kMaxVpages) +
                    " virtual pages per process" + params_note(params));
}

void blocks_on_file(u8 vma_flags, const ExprPos& at) {
  if (!(vma_flags & kVmFile)) fail_at(at, "'blocks' is for file VMAs (kind = \"file-private\" or \"file-shared\")");
}

void vma_overlap(const std::vector<VmaDecl>& vmas, unsigned mm, long start, long pages, const ExprPos& at) {
  for (const VmaDecl& d : vmas)
    if (d.mm == mm && start < d.vma.start + d.vma.pages && d.vma.start < start + pages)
      fail_at(at, "this VMA overlaps another VMA of the same process");
}

void thread_count(const Scenario& sc, const Env& params, const ExprPos& at) {
  if (sc.threads.size() >= kMaxThreads)
    fail_at(at, "too many threads: the model's bound kMaxThreads is " + std::to_string(kMaxThreads) +
                    params_note(params));
}

void thread_name(const Scenario& sc, const std::string& name, const ExprPos& at) {
  name_chars("thread", name, at);
  for (const ThreadDef& o : sc.threads)
    if (o.name == name) fail_at(at, "thread '" + name + "' is declared twice");
}

void device_or_process(bool device, bool names_process, const ExprPos& at) {
  if (device && names_process) fail_at(at, "a device runs in no process: give either 'process' or 'device = true'");
}

void op_count(const ThreadDef& td, const ExprPos& at) {
  if (td.ops.size() >= kMaxOps)
    fail_at(at, "too many ops in thread '" + td.name + "': the model's bound kMaxOps is " + std::to_string(kMaxOps));
}

void op_in_process(const ThreadDef& td, OpKind kind, const ExprPos& at) {
  if (td.mm == kNone) fail_at(at, "'" + std::string(op_name(kind)) + "' is done by a process thread, not a device");
}

void page(long page, const Env& params, const ExprPos& at) {
  if (page < 0 || page >= static_cast<long>(kMaxVpages))
    fail_at(at, "page " + std::to_string(page) + " is outside the model's bound kMaxVpages = " +
                    std::to_string(kMaxVpages) + params_note(params));
}

void half(long half, const ExprPos& at) {
  if (half < 0 || half >= static_cast<long>(kHalves)) fail_at(at, "'half' must be 0 or 1");
}

void fork_child(const ParsedScenario& p, unsigned parent, unsigned child, const ExprPos& at) {
  if (child == parent) fail_at(at, "a process cannot fork into itself");
  const ProcessDef& c = p.sc.processes[child];
  if (!c.initial) fail_at(at, "process '" + c.name + "' is already created by another fork");
  for (const VmaDecl& d : p.vmas)
    if (d.mm == child) fail_at(at, "the child process '" + c.name + "' must declare no VMAs: fork copies them");
}

void wait_target(unsigned mm, unsigned target, const ExprPos& at) {
  if (target == mm) fail_at(at, "a process cannot wait for itself");
}

void ksm_merge(long merge, u8 page, const ExprPos& at) {
  if (merge < 0 || merge >= static_cast<long>(kMaxVpages) || merge == page)
    fail_at(at, "'merge' must be another virtual page of the process (0.." + std::to_string(kMaxVpages - 1) +
                    "), the one ksmd merges into 'page'");
}

void write_count(const Scenario& sc, const ExprPos& at) {
  if (sc.writes.size() >= kMaxWrites)
    fail_at(at, "too many writes: the model's bound kMaxWrites is " + std::to_string(kMaxWrites));
}

void new_pin(const Scenario& sc, const std::string& name, const Env& params, const ExprPos& at) {
  name_chars("pin", name, at);
  for (const PinDef& p : sc.pins)
    if (p.name == name) fail_at(at, "pin '" + name + "' is declared twice");
  if (sc.pins.size() >= kMaxPins)
    fail_at(at, "too many pins: the model's bound kMaxPins is " + std::to_string(kMaxPins) + params_note(params));
}

u8 pin_named(const Scenario& sc, const std::string& name, const ExprPos& at) {
  u8 slot = kNone;
  for (unsigned i = 0; i < sc.pins.size(); ++i)
    if (sc.pins[i].name == name) slot = static_cast<u8>(i);
  if (slot == kNone) fail_at(at, "unknown pin '" + name + "' (name it in a pin_longterm, vmsplice or pin_user_pages op)");
  return slot;
}

namespace {

// A `symmetric = true` loop: its threads must be interchangeable (same process, the same
// ops on the same pages, none naming a process or a pin they would share), and all the
// classes together must have few enough permutations.
void symmetric_loops(const ParsedScenario& p) {
  static constexpr std::size_t kMaxPermutations = 720;
  const Scenario& sc = p.sc;
  std::size_t perms = 1;
  for (const SymmetricLoop& d : p.symmetric) {
    // Only ops that name nothing shared by all (docs/writing-a-scenario.md), however
    // many threads the loop has.
    for (std::size_t t = d.first; t < d.end; ++t)
      for (const Op& x : sc.threads[t].ops)
        if (x.kind != OpKind::Write && x.kind != OpKind::Read && x.kind != OpKind::OdirectRead &&
            x.kind != OpKind::PinLongterm)
          throw InputError(sc.file, x.line, 0,
                           std::string("a symmetric thread cannot do '") + op_name(x.kind) +
                               "': only write, read, odirect_read and pin_longterm (ops that name no process, pin or "
                               "other shared object)");
    if (d.end - d.first < 2) continue;  // one thread: nothing to permute
    const ThreadDef& a = sc.threads[d.first];
    for (std::size_t t = d.first; t < d.end; ++t) {
      const ThreadDef& b = sc.threads[t];
      if (b.mm != a.mm) fail_at(d.where, "symmetric threads must run in the same process ('" + b.name + "' does not)");
      if (b.ops.size() != a.ops.size())
        fail_at(d.where, "symmetric threads must do the same operations ('" + a.name + "' and '" + b.name + "' differ)");
      for (std::size_t o = 0; o < a.ops.size(); ++o) {
        const Op &x = a.ops[o], &y = b.ops[o];
        if (x.kind != y.kind || x.page != y.page || x.half != y.half || (x.write_id == 0) != (y.write_id == 0) ||
            (x.pin == kNone) != (y.pin == kNone))
          fail_at(d.where, "symmetric threads must do the same operations on the same pages ('" + a.name + "' and '" +
                               b.name + "' differ at op " + std::to_string(o + 1) + ")");
      }
    }
    for (std::size_t k = 2; k <= d.end - d.first; ++k) perms *= k;
    if (perms > kMaxPermutations)
      fail_at(d.where, "too many interchangeable threads: at most " + std::to_string(kMaxPermutations) +
                           " permutations in all (6 threads in one class)");
  }
}

// wait4 waits for a child the thread forked earlier; exit ends a process: another thread
// of it would never run again, and no op of the exiting thread may follow.
void waits_and_exits(const Scenario& sc) {
  for (unsigned t = 0; t < sc.threads.size(); ++t) {
    const ThreadDef& td = sc.threads[t];
    for (std::size_t i = 0; i < td.ops.size(); ++i) {
      if (td.ops[i].kind == OpKind::Wait) {
        bool forked = false;
        for (std::size_t j = 0; j < i; ++j)
          forked |= td.ops[j].kind == OpKind::Fork && td.ops[j].child == td.ops[i].child;
        if (!forked)
          throw InputError(sc.file, td.ops[i].line, 0,
                           "'wait' for process '" + sc.mm_name(td.ops[i].child) + "': thread '" + td.name +
                               "' must fork it earlier (wait4 waits for a child of the caller)");
      }
      if (td.ops[i].kind != OpKind::Exit) continue;
      if (i + 1 != td.ops.size())
        throw InputError(sc.file, td.ops[i + 1].line, 0,
                         "thread '" + td.name + "' has an op after 'exit'; exit must be its last op");
      for (unsigned u = 0; u < sc.threads.size(); ++u)
        if (u != t && sc.threads[u].mm == td.mm)
          throw InputError(sc.file, td.ops[i].line, 0,
                           "'exit' ends process '" + sc.mm_name(td.mm) + "', but thread '" + sc.threads[u].name +
                               "' also runs in it; the model exits single-threaded processes only");
    }
  }
}

// `unpin` is the driver's put_page of a reference it holds: the pin must be one that a
// pin_longterm, vmsplice or pin_user_pages op takes (odirect_read and odirect_write drop
// their own reference when the I/O completes), it is put once, and a thread that takes
// the pin itself must take it before it puts it. (An unpin in another thread waits for
// the pin; one whose GUP took nothing puts nothing: model/successors.cpp.)
void unpins(const Scenario& sc) {
  std::vector<int> released_at(sc.pins.size(), 0);
  for (unsigned t = 0; t < sc.threads.size(); ++t) {
    const ThreadDef& td = sc.threads[t];
    for (std::size_t i = 0; i < td.ops.size(); ++i) {
      const Op& u = td.ops[i];
      if (u.kind != OpKind::Unpin) continue;
      const PinDef& pin = sc.pins[u.pin];
      const ThreadDef& holder = sc.threads[pin.thread];
      std::size_t j = 0;
      while (j < holder.ops.size() && (holder.ops[j].pin != u.pin || !takes_pin(holder.ops[j].kind))) ++j;
      INVARIANT(j < holder.ops.size(), "a pin no op takes");
      const Op& take = holder.ops[j];
      if (take.kind != OpKind::PinLongterm && take.kind != OpKind::Vmsplice && take.kind != OpKind::PinUserPages)
        throw InputError(sc.file, u.line, 0,
                         "'unpin' of pin '" + pin.name + "': its " + op_name(take.kind) + " at line " +
                             std::to_string(take.line) +
                             " drops its own reference when the I/O completes; unpin releases the pins of "
                             "pin_longterm, vmsplice and pin_user_pages");
      if (released_at[u.pin])
        throw InputError(sc.file, u.line, 0,
                         "pin '" + pin.name + "' is already released by the unpin at line " +
                             std::to_string(released_at[u.pin]) + " (a reference is put once)");
      released_at[u.pin] = u.line;
      if (pin.thread == t && j > i)
        throw InputError(sc.file, u.line, 0,
                         "'unpin' of pin '" + pin.name + "' comes before the " + op_name(take.kind) + " at line " +
                             std::to_string(take.line) + " that takes it");
    }
  }
}

// The initial state gives every page of a file VMA a page-cache frame, and every page of
// a populated anonymous VMA its own frame, in declaration order
// (model/scenario_initial.cpp): they must fit in kMaxFrames.
void initial_frames(const ParsedScenario& p) {
  unsigned frames = 0;
  for (const VmaDecl& d : p.vmas) {
    if (d.vma.flags & kVmFile) {
      if (frames + d.vma.pages > kMaxFrames)
        fail_at(d.where, "the file pages need more than the model's bound kMaxFrames = " +
                             std::to_string(kMaxFrames) + " frames" + params_note(p.sc.params));
      frames += d.vma.pages;
      continue;
    }
    if (!d.populated) continue;
    for (unsigned v = 0; v < d.vma.pages; ++v, ++frames)
      if (frames >= kMaxFrames)
        fail_at(d.where, "the populated pages need more than the model's bound kMaxFrames = " +
                             std::to_string(kMaxFrames) + " frames" + params_note(p.sc.params));
  }
}

}  // namespace

void whole(const ParsedScenario& p) {
  symmetric_loops(p);
  waits_and_exits(p.sc);
  unpins(p.sc);
  initial_frames(p);
}

}  // namespace cow::validate
