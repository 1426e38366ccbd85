#include "checker/repro.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "checker/report.hpp"
#include "checker/repro_runtime.hpp"
#include "model/input_error.hpp"

namespace cow {

namespace {

constexpr int kNever = 1 << 30;  // the first step of an op the trace never reaches

// How user space takes and uses a pin.
enum class PinHow { Pipe, IoUring, GupTest, Odirect };

PinHow pin_how(const Scenario& sc, unsigned pin) {
  for (const ThreadDef& td : sc.threads)
    for (const Op& op : td.ops)
      if (takes_pin(op.kind) && op.pin == pin) {
        switch (op.kind) {
          case OpKind::Vmsplice: return PinHow::Pipe;
          case OpKind::PinLongterm: return PinHow::IoUring;
          case OpKind::PinUserPages: return op.gup_write && op.foll_longterm ? PinHow::IoUring : PinHow::GupTest;
          default: return PinHow::Odirect;
        }
      }
  return PinHow::Odirect;
}

// A C string literal of `s`.
std::string c_str(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

// A comment-safe line (no "*/").
std::string comment(std::string s) {
  for (std::size_t at; (at = s.find("*/")) != std::string::npos;) s.replace(at, 2, "* /");
  return s;
}

struct Gen {
  const ReexecutedTrace& t;
  const Scenario& sc;
  std::vector<std::vector<int>> id;     // id[thread][op]: the op's number in the program
  std::vector<int> first, last;         // by op number: the trace steps it spans (1-based)
  std::vector<std::pair<unsigned, unsigned>> op_at;  // by op number: thread, index
  std::set<std::string> props;          // the properties the program checks
  int n_ops = 0;

  explicit Gen(const ReexecutedTrace& tr) : t(tr), sc(tr.sc) {
    for (unsigned th = 0; th < sc.threads.size(); ++th) {
      id.emplace_back();
      for (unsigned j = 0; j < sc.threads[th].ops.size(); ++j) {
        id[th].push_back(n_ops++);
        op_at.emplace_back(th, j);
      }
    }
    first.assign(n_ops, kNever);
    last.assign(n_ops, -1);
    for (std::size_t i = 0; i < t.tids.size(); ++i) {
      const unsigned th = t.tids[i];
      const unsigned j = t.states[i].threads[th].op;
      if (j >= id[th].size()) continue;
      const int k = id[th][j];
      first[k] = std::min(first[k], static_cast<int>(i + 1));
      last[k] = std::max(last[k], static_cast<int>(i + 1));
    }
    static const std::set<std::string> observable{"isolation", "dma-visible", "own-write-visible", "pin-reliable",
                                                  "file-integrity"};
    for (const std::string& p : sc.properties)
      if (observable.count(p)) props.insert(p);
    if (observable.count(t.property)) props.insert(t.property);
  }

  bool in_trace(int k) const { return last[k] >= 0; }

  // The ops of other threads this op waits for: of each other thread, the last op the
  // trace finished before this op's first step.
  std::vector<int> preds(int k) const {
    std::vector<int> out;
    const unsigned th = op_at[k].first;
    for (unsigned o = 0; o < sc.threads.size(); ++o) {
      if (o == th) continue;
      int best = -1;
      for (int a : id[o])
        if (in_trace(a) && last[a] < first[k]) best = a;
      if (best >= 0) out.push_back(best);
    }
    return out;
  }

  // The ops of other threads whose steps the trace interleaves with this op's.
  std::vector<int> races(int k) const {
    std::vector<int> out;
    if (!in_trace(k)) return out;
    for (int a = 0; a < n_ops; ++a)
      if (op_at[a].first != op_at[k].first && in_trace(a) && first[a] <= last[k] && first[k] <= last[a]) out.push_back(a);
    return out;
  }

  std::string op_name_of(int k) const {
    const auto [th, j] = op_at[k];
    return sc.threads[th].name + "'s " + op_text(sc, sc.threads[th].ops[j]);
  }

  // The process whose declared VMAs mm has: itself if it exists at the start, else the
  // process that forks it (and so on up).
  unsigned origin(unsigned mm) const {
    for (int guard = 0; guard < 8 && !sc.processes[mm].initial; ++guard)
      for (const ThreadDef& td : sc.threads)
        for (const Op& op : td.ops)
          if (op.kind == OpKind::Fork && op.child == mm && td.mm != kNone) mm = td.mm;
    return mm;
  }
  // The VMA (of the initial state) holding virtual page v of mm (or of its origin).
  const Vma* vma_at(unsigned mm, unsigned v) const {
    for (const Vma& vma : sc.initial.mms[origin(mm)].vma)
      if (vma.contains(v)) return &vma;
    return nullptr;
  }
  std::string vma_range(unsigned mm, unsigned v) const {
    const Vma* vma = vma_at(mm, v);
    return vma ? fmt::format("page_addr({}, 0), {} * PAGE", vma->start, vma->pages) : fmt::format("page_addr({}, 0), PAGE", v);
  }

  std::string op_code(int k) const;
  std::string thread_function(unsigned th) const;
  std::string process_function() const;
  std::string checks() const;
  std::string setup_memory() const;
  std::string setup_vmas(unsigned mm) const;
};

std::string Gen::op_code(int k) const {
  const auto [th, j] = op_at[k];
  const Op& op = sc.threads[th].ops[j];
  const unsigned mm = sc.threads[th].mm;
  const std::string in = "\t\t";
  const PinHow how = op.pin < sc.pins.size() ? pin_how(sc, op.pin) : PinHow::Odirect;
  const unsigned pin_page = op.pin < sc.pins.size() ? sc.pins[op.pin].vpage : 0;
  switch (op.kind) {
    case OpKind::Write: return in + fmt::format("do_store({}, {}, {});\n", op.page, op.half, op.write_id);
    case OpKind::Read: return in + fmt::format("do_load({}, {}, {});\n", k, op.page, op.half);
    case OpKind::OdirectRead: return in + fmt::format("do_odirect_read({}, {}, {});\n", op.page, op.half, op.write_id);
    case OpKind::OdirectWrite: return in + fmt::format("do_odirect_write({}, {}, {});\n", k, op.page, op.half);
    case OpKind::Fork:
      return in + "fflush(stdout);\n" + in + "__atomic_add_fetch(&ctl->processes, 1, __ATOMIC_SEQ_CST);\n" + in +
             fmt::format("ctl->pid[{0}] = fork();\n", op.child) + in + fmt::format("if (ctl->pid[{}] == 0)\n", op.child) + in +
             fmt::format("\trun_process({});\n", op.child) + in + fmt::format("if (ctl->pid[{}] < 0)\n", op.child) + in +
             "\terror_run(\"fork: %s\", strerror(errno));\n";
    case OpKind::PinLongterm: return in + fmt::format("do_iouring_pin({}, {});\n", op.pin, op.page);
    case OpKind::PinUserPages:
      return how == PinHow::IoUring ? in + fmt::format("do_iouring_pin({}, {});\n", op.pin, op.page)
                                    : in + fmt::format("do_gup_test_pin({}, {}, {}, {});\n", op.pin, op.page, op.gup_write ? 1 : 0,
                                                       op.gup_fast ? 1 : 0);
    case OpKind::Vmsplice: return in + fmt::format("do_vmsplice({}, {});\n", op.pin, op.page);
    case OpKind::Unpin:
      if (how == PinHow::Pipe) return in + fmt::format("drain_pipe({});\n", op.pin);
      if (how == PinHow::IoUring) return in + fmt::format("do_iouring_unpin({});\n", op.pin);
      return in + fmt::format("do_gup_test_unpin({});\n", op.pin);
    case OpKind::Dma:
      if (how == PinHow::IoUring) return in + fmt::format("do_iouring_dma({}, {}, {}, {});\n", op.pin, pin_page, op.half, op.write_id);
      return in + "skip_run(\"a device write through this kind of pin has no user-space form\");\n";
    case OpKind::PinRead:
      if (how == PinHow::Pipe) return in + fmt::format("do_pipe_read({}, {}, {});\n", k, op.pin, op.half);
      if (how == PinHow::IoUring) return in + fmt::format("do_iouring_read({}, {}, {}, {});\n", k, op.pin, pin_page, op.half);
      return in + fmt::format("do_gup_test_read({}, {}, {});\n", k, op.pin, op.half);
    case OpKind::Madvise: {
      const char* adv = op.advice == Advice::DontFork ? "MADV_DONTFORK" : op.advice == Advice::DoFork ? "MADV_DOFORK" : "MADV_DONTNEED";
      return in + fmt::format("check_syscall(madvise({}, {}), \"madvise({})\");\n", vma_range(mm, op.page), adv, adv);
    }
    case OpKind::Munmap: return in + fmt::format("check_syscall(munmap({}), \"munmap\");\n", vma_range(mm, op.page));
    case OpKind::Mprotect:
      return in + fmt::format("check_syscall(mprotect({}, {}), \"mprotect\");\n", vma_range(mm, op.page),
                              op.prot_write ? "PROT_READ | PROT_WRITE" : "PROT_READ");
    case OpKind::Mlock: return in + fmt::format("check_syscall(mlock({}), \"mlock\");\n", vma_range(mm, op.page));
    case OpKind::Munlock: return in + fmt::format("check_syscall(munlock({}), \"munlock\");\n", vma_range(mm, op.page));
    case OpKind::Msync: return in + fmt::format("check_syscall(msync({}, MS_SYNC), \"msync\");\n", vma_range(mm, op.page));
    case OpKind::ClearRefs: return in + "do_clear_refs();\n";
    case OpKind::SwapOut: return in + fmt::format("do_swap_out({});\n", op.page);
    case OpKind::ProcMemWrite: return in + fmt::format("do_proc_mem_write({}, {}, {});\n", op.page, op.half, op.write_id);
    case OpKind::Wait: {
      std::string s;
      for (const ThreadDef& td : sc.threads)
        for (const Op& o : td.ops)
          if (o.kind == OpKind::Fork && td.mm == mm)
            for (const ThreadDef& ct : sc.threads)
              if (ct.mm == o.child && std::any_of(ct.ops.begin(), ct.ops.end(), [](const Op& x) { return x.kind == OpKind::Exit; }))
                s += in + fmt::format("waitpid(ctl->pid[{}], NULL, 0);\n", o.child);
      return s.empty() ? in + "waitpid(-1, NULL, 0);\n" : s;
    }
    case OpKind::Exit: {
      std::string s = in + "/* the process exits: its threads end with it */\n";
      for (unsigned o = 0; o < sc.threads.size(); ++o)
        if (sc.threads[o].mm == mm) {
          for (int a : id[o]) s += in + fmt::format("done_op({});\n", a);
          s += in + fmt::format("thread_finished({});\n", o);
        }
      return s + in + "process_exits();\n" + in + "_exit(0);\n";
    }
    case OpKind::KsmScan: return in + "skip_run(\"ksm_scan: this program does not drive ksmd\");\n";
    case OpKind::HoldPageLock:
      return in + "/* hold_page_lock: a kernel-internal page-lock holder (reclaim, migration); no user-space form */\n";
    case OpKind::SyncFileRange: {
      const unsigned o = origin(mm);
      unsigned slot = 0;
      const Vma* at = nullptr;
      for (const Vma& vma : sc.initial.mms[o].vma) {
        if (vma.pages == 0) continue;
        if (vma.contains(op.page)) {
          at = &vma;
          break;
        }
        ++slot;
      }
      if (!at) return in + "error_run(\"sync_file_range: no file mapping\");\n";
      const std::string flags = sync_flags_text(op.sync_flags, "SYNC_FILE_RANGE_", " | ");
      return in + fmt::format("check_syscall(sync_file_range(map_fd[{}][{}], {} * PAGE, PAGE, {}), \"sync_file_range\");\n", o,
                              slot, op.page - at->start, flags);
    }
    case OpKind::Disk: return in + "/* the disk: the real block device serves the write-back I/O */\n";
  }
  return in + "error_run(\"unknown op\");\n";
}

std::string Gen::thread_function(unsigned th) const {
  const ThreadDef& td = sc.threads[th];
  std::string s = fmt::format("/* {} */\nstatic void *thread_{}(void *unused)\n{{\n", comment(threads_legend(sc)[th]), th);
  s += "\tsigjmp_buf jb;\n\n\t(void)unused;\n\tif (sigsetjmp(jb, 1) == 0) {\n\t\tthread_jmp = &jb;\n";
  std::set<int> awaited;  // what an earlier op of this thread waited for already
  for (unsigned j = 0; j < td.ops.size(); ++j) {
    const int k = id[th][j];
    std::string span = in_trace(k) ? (first[k] == last[k] ? fmt::format("trace step {}", first[k])
                                                          : fmt::format("trace steps {}-{}", first[k], last[k]))
                                   : "after the trace";
    std::string race;
    for (int a : races(k)) race += (race.empty() ? "; races with " : ", ") + op_name_of(a);
    s += fmt::format("\n\t\t/* op {}: {} ({}{}) */\n", k, comment(op_text(sc, td.ops[j])), span, comment(race));
    for (int p : preds(k))
      if (awaited.insert(p).second) s += fmt::format("\t\tif (wait_op({}))\t/* {} */\n\t\t\tgoto out;\n", p, comment(op_name_of(p)));
    s += "\t\tif (stopping())\n\t\t\tgoto out;\n";
    if (!races(k).empty()) s += fmt::format("\t\tjitter({});\n", k);
    s += op_code(k);
    s += fmt::format("\t\tdone_op({});\n", k);
  }
  s += "\t}\nout: MAYBE_UNUSED;\n\tthread_jmp = NULL;\n";
  for (int k : id[th]) s += fmt::format("\tdone_op({});\n", k);
  s += fmt::format("\tthread_finished({});\n\treturn NULL;\n}}\n\n", th);
  return s;
}

std::string Gen::setup_memory() const {
  std::string s = "/* The VMAs of the processes that exist at the start, as the scenario declares them, at\n"
                  " * one address in every process; map_fd: the files they map. */\n"
                  "static MAYBE_UNUSED int map_fd[N_MMS][8];\n\n";
  s += "static void setup_memory(int mm)\n{\n\tMAYBE_UNUSED char path[64];\n\tMAYBE_UNUSED void *p;\n\n\tswitch (mm) {\n";
  for (unsigned mm = 0; mm < sc.processes.size(); ++mm) {
    if (!sc.processes[mm].initial) continue;
    s += fmt::format("\tcase {}:\t/* {} */\n", mm, comment(sc.processes[mm].name));
    s += setup_vmas(mm);
    s += "\t\tbreak;\n";
  }
  return s + "\t}\n}\n\n";
}

std::string Gen::setup_vmas(unsigned mm) const {
  std::string s;
  unsigned slot = 0;
  for (const Vma& vma : sc.initial.mms[mm].vma) {
    if (vma.pages == 0) continue;
    const bool file = vma.flags & kVmFile, shared = vma.flags & kVmShared, write = vma.flags & kVmWrite;
    const std::string where = fmt::format("page_addr({}, 0), {} * PAGE", vma.start, vma.pages);
    s += fmt::format("\t/* [{},{}) {} {} */\n", vma.start, vma.start + vma.pages, write ? "rw" : "r",
                     file ? (shared ? "file-shared" : "file-private") : (shared ? "anon-shared" : "anon-private"));
    if (file) {
      s += "\tstrcpy(path, \"/var/tmp/cowcheck-repro-map-XXXXXX\");\n\tmap_fd[" + std::to_string(mm) + "][" + std::to_string(slot) + "] = mkstemp(path);\n";
      s += fmt::format("\tif (map_fd[{2}][{0}] < 0 || ftruncate(map_fd[{2}][{0}], {1} * PAGE)) {{\n\t\terror_run(\"a file to map: %s\", "
                       "strerror(errno));\n\t\treturn;\n\t}}\n",
                       slot, vma.pages, mm);
      if (!shared || !write) {  // a file the process may only read: opened read-only, as dirty_cow's root-owned file
        s += fmt::format("\tclose(map_fd[{1}][{0}]);\n\tmap_fd[{1}][{0}] = open(path, O_RDONLY);\n", slot, mm);
      }
      s += "\tunlink(path);\n";
      s += fmt::format("\tp = mmap({}, {}, MAP_{} | MAP_FIXED, map_fd[{}][{}], 0);\n", where,
                       write ? "PROT_READ | PROT_WRITE" : "PROT_READ", shared ? "SHARED" : "PRIVATE", mm, slot);
    } else {
      s += fmt::format("\tp = mmap({}, PROT_READ | PROT_WRITE, MAP_{} | MAP_ANONYMOUS | MAP_FIXED, -1, 0);\n", where,
                       shared ? "SHARED" : "PRIVATE");
    }
    s += "\tif (p == MAP_FAILED) {\n\t\terror_run(\"mmap: %s\", strerror(errno));\n\t\treturn;\n\t}\n";
    if (!file) s += fmt::format("\tmadvise({}, MADV_NOHUGEPAGE);\n", where);
    for (unsigned v = vma.start; v < vma.start + vma.pages; ++v) {
      if (!sc.initial.pte(mm, v).present()) continue;
      if (file)
        s += fmt::format("\t(void)*(volatile char *)page_addr({}, 0);\t/* populated: mapped */\n", v);
      else
        s += fmt::format("\tmemset(page_addr({}, 0), 0, PAGE);\t/* populated: written (zeroes) */\n", v);
    }
    if (!file && !write) s += fmt::format("\tcheck_syscall(mprotect({}, PROT_READ), \"mprotect\");\n", where);
    ++slot;
  }
  std::string out;  // indented into the switch
  for (std::size_t at = 0; at < s.size();) {
    const std::size_t nl = s.find('\n', at);
    out += "\t" + s.substr(at, nl - at + 1);
    at = nl + 1;
  }
  return out;
}

std::string Gen::process_function() const {
  std::string s = "static void run_process(int mm)\n{\n\tpthread_t th[N_THREADS];\n\tint n = 0;\n\n";
  s += "\tif (mm_initial[mm])\n\t\tsetup_memory(mm);\n\tswitch (mm) {\n";
  for (unsigned mm = 0; mm < sc.processes.size(); ++mm) {
    s += fmt::format("\tcase {}:\t/* {} */\n", mm, comment(sc.processes[mm].name));
    for (unsigned th = 0; th < sc.threads.size(); ++th) {
      // A device runs in the process of the first process (whose pins it uses).
      const bool here = sc.threads[th].mm == mm || (mm == 0 && sc.threads[th].mm == kNone);
      if (here) s += fmt::format("\t\tif (pthread_create(&th[n++], NULL, thread_{}, NULL))\n\t\t\tn--;\n", th);
    }
    s += "\t\tbreak;\n";
  }
  s += "\t}\n\tfor (int i = 0; i < n; i++)\n\t\tpthread_join(th[i], NULL);\n";
  s += "\twait_all_threads();\n\tif (!stopping())\n\t\tcheck_memory(mm);\n";
  s += "\t__atomic_add_fetch(&ctl->checked, 1, __ATOMIC_SEQ_CST);\n";
  s += "\tif (mm == 0) {\t/* the others check their memory before the first one ends */\n"
       "\t\tdouble start = now();\n"
       "\t\twhile (__atomic_load_n(&ctl->checked, __ATOMIC_SEQ_CST) < __atomic_load_n(&ctl->processes, __ATOMIC_SEQ_CST) &&\n"
       "\t\t       !stopping() && now() - start < 10)\n\t\t\tsched_yield();\n"
       "\t\twhile (waitpid(-1, NULL, WNOHANG) > 0)\n\t\t\t;\n\t}\n";
  s += "\tfflush(stdout);\n\t_exit(0);\n}\n\n";
  return s;
}

// The properties, as far as user space can see them (properties/*.smt2 say them on the
// model's state): what each read returned, and what each process's memory holds at the end.
std::string Gen::checks() const {
  std::string s;
  // values: names, whose memory, written by a CPU before its thread forked (isolation's
  // write_before_fork), by a device
  const std::size_t nw = sc.writes.size();
  std::string names = "\t\"0\"", wmm = "-1", before = "0";
  for (std::size_t w = 0; w < nw; ++w) {
    const WriteDef& wd = sc.writes[w];
    const bool bf = sc.write_before_fork(static_cast<u8>(w + 1));
    names += ",\n\t" + c_str(wd.name);
    wmm += fmt::format(", {}", wd.mm);
    before += bf ? ", 1" : ", 0";
  }
  s += "/* the values: id 0 is the initial zeroes, id i > 0 the scenario's i-th write */\n";
  s += "static MAYBE_UNUSED const char *const value_names[N_WRITES + 1] = {\n" + names + ",\n};\n";
  s += "static MAYBE_UNUSED const int write_mm[N_WRITES + 1] = {" + wmm + "};\n";
  s += "static MAYBE_UNUSED const int write_before_fork[N_WRITES + 1] = {" + before + "};\n";
  s += "\n";
  s += "static MAYBE_UNUSED const char *value_name(int v)\n{\n\treturn v >= 0 && v <= N_WRITES ? value_names[v] : \"something else\";\n}\n\n";

  // What each process's memory must hold at the end (final_expect), where the process
  // keeps the page to the end.
  s += "/* At the end of the run, in process mm: what each page half must hold. */\nstatic void check_memory(int mm)\n{\n";
  s += "\t(void)mm;\n";
  for (unsigned mm = 0; mm < sc.processes.size(); ++mm) {
    std::string body;
    auto kept = [&](unsigned v) {
      for (const ThreadDef& td : sc.threads)
        for (const Op& op : td.ops) {
          const bool ours = td.mm == mm;
          if (ours && (op.kind == OpKind::Exit)) return false;
          if (ours && (op.kind == OpKind::Munmap || op.kind == OpKind::SwapOut ||
                       (op.kind == OpKind::Madvise && op.advice == Advice::DontNeed)) &&
              vma_at(mm, op.page) == vma_at(mm, v))
            return false;
          if (!sc.processes[mm].initial && op.kind == OpKind::Madvise && op.advice == Advice::DontFork &&
              vma_at(mm, op.page) == vma_at(mm, v))
            return false;
        }
      return vma_at(mm, v) != nullptr;
    };
    for (unsigned v = 0; v < kMaxVpages; ++v)
      for (unsigned h = 0; h < kHalves; ++h) {
        const u8 w = sc.final_expect[mm][v][h];
        if (w == 0 || !kept(v)) continue;
        const char* p = sc.writes[w - 1].dma ? "dma-visible" : "own-write-visible";
        if (!props.count(p)) continue;
        body += fmt::format("\t\tif ((v = value_of(*(volatile unsigned char *)page_addr({}, {}))) != {})\n", v, h, w);
        body += fmt::format("\t\t\tfail_run(\"{}: %s's page {} half {} holds %s at the end, not %s\", {}, value_name(v), {});\n", p, v,
                            h, c_str(sc.processes[mm].name), c_str(sc.writes[w - 1].name));
      }
    if (sc.processes[mm].initial && props.count("file-integrity")) {
      unsigned slot = 0;
      for (const Vma& vma : sc.initial.mms[mm].vma) {
        if (vma.pages == 0) continue;
        if ((vma.flags & kVmFile) && !((vma.flags & kVmShared) && (vma.flags & kVmWrite))) {
          body += fmt::format("\t\tfor (int i = 0; i < {} * PAGE; i += HALF) {{\t/* the file it may only read */\n", vma.pages);
          body += fmt::format("\t\t\tunsigned char b = 0;\n\t\t\tif (pread(map_fd[{}][{}], &b, 1, i) == 1 && b != 0)\n", mm, slot);
          body += "\t\t\t\tfail_run(\"file-integrity: the read-only file holds %s at offset %d\", value_name(value_of(b)), i);\n"
                  "\t\t}\n";
        }
        ++slot;
      }
    }
    if (!body.empty()) s += fmt::format("\tif (mm == {}) {{\n\t\tMAYBE_UNUSED int v;\n\n", mm) + body + "\t}\n";
  }
  s += "}\n\n";

  // What each read returned.
  s += "/* After the run: what each read returned. */\nstatic void check_run(void)\n{\n\tMAYBE_UNUSED int v;\n\n";
  for (int k = 0; k < n_ops; ++k) {
    const auto [th, j] = op_at[k];
    const Op& op = sc.threads[th].ops[j];
    if (op.kind != OpKind::Read && op.kind != OpKind::PinRead && op.kind != OpKind::OdirectWrite) continue;
    const ThreadDef& td = sc.threads[th];
    std::string c;
    if (props.count("isolation") && td.mm != kNone)
      c += fmt::format("\tif (v > 0 && write_mm[v] != {} && !write_before_fork[v])\n"
                       "\t\tfail_run(\"isolation: {} read %s, which another process wrote after the fork\", value_name(v));\n",
                       td.mm, td.name);
    if (op.expect != 0) {
      const bool is_dma = sc.writes[op.expect - 1].dma;
      std::vector<std::string> ps;
      if (is_dma && props.count("dma-visible")) ps.push_back("dma-visible");
      if (!is_dma && props.count("own-write-visible")) ps.push_back("own-write-visible");
      if (op.kind == OpKind::PinRead && props.count("pin-reliable")) ps.push_back("pin-reliable");
      for (const std::string& p : ps)
        c += fmt::format("\tif (v != -2 && v != {})\n\t\tfail_run(\"{}: {} read %s, not %s\", value_name(v), {});\n", op.expect, p,
                         td.name, c_str(sc.writes[op.expect - 1].name));
    }
    if (!c.empty()) s += fmt::format("\t/* op {}: {} */\n\tv = ctl->seen[{}];\n", k, comment(op_name_of(k)), k) + c;
  }
  return s + "}\n\n";
}

}  // namespace

std::string repro_program(const ReexecutedTrace& t, const ReproOptions& opt) {
  const Scenario& sc = t.sc;
  Gen g(t);
  std::string params;
  for (const auto& [k, v] : sc.params) params += fmt::format("{}{}={}", params.empty() ? "" : ",", k, v);
  // The test's name says what the program checks: the trace's property when user space
  // can see it, else the ones it can (an `ok` must not claim a property nobody checked).
  std::string checked = t.property;
  if (!g.props.count(t.property)) {
    checked.clear();
    for (const std::string& p : g.props) checked += (checked.empty() ? "" : ", ") + p;
    checked = (checked.empty() ? "runs the scenario" : "checks " + checked) + " (" + t.property + " is not visible from user space)";
  }
  const std::string name = fmt::format("{}{} on {}: {}", sc.name, params.empty() ? "" : " (" + params + ")", t.design->name(), checked);
  bool racy = false;
  for (int k = 0; k < g.n_ops; ++k) racy |= !g.races(k).empty();

  std::string s = "// SPDX-License-Identifier: GPL-2.0\n/*\n";
  s += " * Written by `cowcheck repro " + comment(opt.trace_path) + "`: a reproducer of the counterexample\n";
  s += fmt::format(" * cowcheck found for {} on {} (scenario {}{}, {}).\n", t.property, t.design->name(), comment(sc.file),
                   params.empty() ? "" : ", " + params, comment(sc.summary));
  s += " *\n * Build and run:  cc -O2 -Wall -o repro repro.c -lpthread && ./repro [RUNS [SECONDS]]\n *\n";
  s += " * The threads (each a thread of its process; a device is one of the first process):\n";
  for (const std::string& l : threads_legend(sc)) s += " *   " + comment(l) + "\n";
  s += fmt::format(" *\n * The trace ({} steps; every op below names the steps it spans):\n", t.tids.size());
  for (std::size_t i = 0; i < t.tids.size(); ++i)
    s += fmt::format(" *   {:>3}. {:<10} {}\n", i + 1, comment(sc.threads[t.tids[i]].name), comment(t.labels[i]));
  s += " *\n";
  if (racy)
    s += " * The kernel-internal interleaving cannot be forced from user space: the ops whose\n"
         " * steps the trace interleaves run concurrently, and the scenario runs again and again\n"
         " * (up to RUNS times, default 100000, or SECONDS, default 5), each run with other delays.\n";
  else
    s += " * The trace runs its ops one after another: one run shows what the kernel does.\n";
  s += " * It checks what user space can see of:";
  for (const std::string& p : g.props) s += " " + p;
  if (g.props.empty()) s += " nothing (the trace's property is kernel-internal; the program only runs the scenario)";
  if (!g.props.count(t.property)) s += fmt::format(".\n * The trace's property, {}, is not visible from user space", t.property);
  s += ".\n */\n";
  s += "#define _GNU_SOURCE\n#include <errno.h>\n#include <fcntl.h>\n#include <linux/io_uring.h>\n#include <pthread.h>\n"
       "#include <sched.h>\n#include <setjmp.h>\n#include <signal.h>\n#include <stdarg.h>\n#include <stdio.h>\n#include <stdlib.h>\n"
       "#include <string.h>\n#include <sys/ioctl.h>\n#include <sys/mman.h>\n#include <sys/syscall.h>\n#include <sys/uio.h>\n"
       "#include <sys/wait.h>\n#include <time.h>\n#include <unistd.h>\n\n";
  s += fmt::format("#define N_OPS {}\n#define N_THREADS {}\n#define N_MMS {}\n#define N_PINS {}\n#define N_WRITES {}\n#define N_VPAGES {}\n",
                   g.n_ops, sc.threads.size(), sc.processes.size(), std::max<std::size_t>(1, sc.pins.size()), sc.writes.size(),
                   kMaxVpages);
  s += "#define TEST_NAME " + c_str(name) + "\n\n";
  s += "static void run_process(int mm);\nstatic void check_run(void);\nstatic void check_memory(int mm);\n";
  std::string initial;
  for (const ProcessDef& p : sc.processes) initial += std::string(initial.empty() ? "" : ", ") + (p.initial ? "1" : "0");
  s += "/* the processes that exist at the start (the others are forked) */\nstatic const int mm_initial[N_MMS] = {" + initial + "};\n";
  s += kReproRuntime;
  s += "\n";
  s += g.setup_memory();
  for (unsigned th = 0; th < sc.threads.size(); ++th) s += g.thread_function(th);
  s += g.checks();
  s += g.process_function();
  s += fmt::format("int main(int argc, char **argv)\n{{\n\tint runs = argc > 1 ? atoi(argv[1]) : {};\n"
                   "\tdouble seconds = argc > 2 ? atof(argv[2]) : 5;\n\n\tsetvbuf(stdout, NULL, _IOLBF, 0);\n"
                   "\treturn retry_loop(runs, seconds);\n}}\n",
                   racy ? 100000 : 1);
  return s;
}

}  // namespace cow
