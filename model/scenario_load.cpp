// Scenario files: TOML, read with toml++. Every error names the file, the line and what
// was expected. The format is documented in scenarios/README.md.
#include "model/scenario_load.hpp"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <fstream>
#include <toml++/toml.h>

#include "model/expr.hpp"
#include "model/input_error.hpp"
#include "model/invariant.hpp"

namespace cow {

const char* op_name(OpKind k) {
  switch (k) {
    case OpKind::Write: return "write";
    case OpKind::Read: return "read";
    case OpKind::OdirectRead: return "odirect_read";
    case OpKind::Fork: return "fork";
    case OpKind::PinLongterm: return "pin_longterm";
    case OpKind::Unpin: return "unpin";
    case OpKind::Dma: return "dma";
    case OpKind::Madvise: return "madvise";
    case OpKind::OdirectWrite: return "odirect_write";
    case OpKind::Vmsplice: return "vmsplice";
    case OpKind::PinUserPages: return "pin_user_pages";
    case OpKind::PinRead: return "pin_read";
    case OpKind::Munmap: return "munmap";
    case OpKind::Exit: return "exit";
    case OpKind::Mprotect: return "mprotect";
    case OpKind::ClearRefs: return "clear_refs";
    case OpKind::SwapOut: return "swap_out";
    case OpKind::Wait: return "wait";
    case OpKind::ProcMemWrite: return "proc_mem_write";
    case OpKind::Mlock: return "mlock";
    case OpKind::Munlock: return "munlock";
    case OpKind::Msync: return "msync";
    case OpKind::KsmScan: return "ksm_scan";
  }
  UNREACHABLE("bad op kind");
}

namespace {

constexpr long kMaxParam = 1'000'000;  // far beyond every bound; keeps expressions from overflowing

constexpr OpKind kAllOps[] = {OpKind::Write,        OpKind::Read,     OpKind::OdirectRead,  OpKind::Fork,
                              OpKind::PinLongterm,  OpKind::Unpin,    OpKind::Dma,          OpKind::Madvise,
                              OpKind::OdirectWrite, OpKind::Vmsplice, OpKind::PinUserPages, OpKind::PinRead,
                              OpKind::Munmap,       OpKind::Exit,     OpKind::Mprotect,     OpKind::ClearRefs,
                              OpKind::SwapOut,      OpKind::Wait,     OpKind::ProcMemWrite, OpKind::Mlock,
                              OpKind::Munlock,      OpKind::Msync,    OpKind::KsmScan};

class Loader {
 public:
  Loader(std::string file, const std::map<std::string, long>& overrides)
      : file_(std::move(file)), overrides_(overrides) {}

  Scenario load() {
    toml::table root;
    if (!std::ifstream(file_).good()) throw InputError(file_, 0, 0, "cannot open the scenario file for reading");
    try {
      root = toml::parse_file(file_);
    } catch (const toml::parse_error& e) {
      throw InputError(file_, static_cast<int>(e.source().begin.line),
                       static_cast<int>(e.source().begin.column),
                       "malformed TOML: " + std::string(e.description()));
    }
    sc_.file = file_;
    check_keys(root, {"name", "summary", "source", "properties", "params", "matrix", "filesystem", "process", "thread"});
    sc_.name = req_string(root, "name");
    sc_.summary = opt_string(root, "summary");
    load_params(root);
    load_matrix(root);
    load_properties(root);
    load_filesystem(root);
    load_processes(root);
    load_threads(root);
    resolve_pins();
    compute_expectations();
    check_symmetric();
    check_exits();
    build_initial_state();
    return std::move(sc_);
  }

 private:
  std::string file_;
  std::map<std::string, long> overrides_;
  Scenario sc_;
  Env params_;
  struct PendingPinRef {
    unsigned thread, op;
    std::string name;
    ExprPos pos;
  };
  std::vector<PendingPinRef> pin_refs_;
  struct VmaDecl {
    unsigned mm;
    Vma vma;
    bool populated;
    bool holes;  // a file VMA over a sparse file: no block is allocated behind its pages
    ExprPos where;
  };
  std::vector<VmaDecl> vmas_;

  ExprPos pos(const toml::node& n) const {
    return {file_, static_cast<int>(n.source().begin.line), static_cast<int>(n.source().begin.column)};
  }
  [[noreturn]] void fail(const toml::node& n, const std::string& msg) const {
    ExprPos p = pos(n);
    throw InputError(p.file, p.line, p.column, msg);
  }
  [[noreturn]] void fail_at(const ExprPos& p, const std::string& msg) const {
    throw InputError(p.file, p.line, p.column, msg);
  }

  void check_keys(const toml::table& t, std::initializer_list<std::string_view> allowed) const {
    for (auto&& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) != allowed.end()) continue;
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(v, "unknown key '" + std::string(k.str()) + "' (expected one of: " + list + ")");
    }
  }
  std::string req_string(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) fail(t, "missing key '" + std::string(key) + "' (a string)");
    if (!n->is_string()) fail(*n, "'" + std::string(key) + "' must be a string");
    return n->as_string()->get();
  }
  std::string opt_string(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) return {};
    if (!n->is_string()) fail(*n, "'" + std::string(key) + "' must be a string");
    return n->as_string()->get();
  }
  // An integer given as a number or as an expression string ("K", "i+1").
  long int_value(const toml::node& n, const Env& env, std::string_view what) const {
    if (n.is_integer()) return static_cast<long>(n.as_integer()->get());
    if (n.is_string()) return eval_expr(n.as_string()->get(), env, pos(n));
    fail(n, "'" + std::string(what) + "' must be an integer or an expression string such as \"K-1\"");
  }
  long req_int(const toml::table& t, std::string_view key, const Env& env) const {
    const toml::node* n = t.get(key);
    if (!n) fail(t, "missing key '" + std::string(key) + "' (an integer)");
    return int_value(*n, env, key);
  }
  bool opt_bool(const toml::table& t, std::string_view key, bool dflt) const {
    const toml::node* n = t.get(key);
    if (!n) return dflt;
    if (!n->is_boolean()) fail(*n, "'" + std::string(key) + "' must be true or false");
    return n->as_boolean()->get();
  }
  // The index of the string value of `key` among `options`; otherwise fails with `msg` at
  // the key (or at `where` when it is missing).
  std::size_t choice(const toml::table& t, const toml::node& where, std::string_view key,
                     std::initializer_list<std::string_view> options, const std::string& msg) const {
    const toml::node* n = t.get(key);
    const std::string v = n && n->is_string() ? n->as_string()->get() : "";
    std::size_t i = 0;
    for (std::string_view o : options) {
      if (v == o) return i;
      ++i;
    }
    fail(n ? *n : where, msg);
  }

  // A flag given as true/false, or as a number or parameter name (nonzero: set).
  bool opt_flag(const toml::table& t, std::string_view key, const Env& env, bool dflt) const {
    const toml::node* n = t.get(key);
    if (!n) return dflt;
    if (n->is_boolean()) return n->as_boolean()->get();
    return req_int(t, key, env) != 0;
  }
  const toml::array& req_array(const toml::table& t, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (!n) fail(t, "missing key '" + std::string(key) + "' (an array)");
    if (!n->is_array()) fail(*n, "'" + std::string(key) + "' must be an array");
    return *n->as_array();
  }
  // `when = "expr"`: the entry is kept only when the expression is non-zero.
  bool when(const toml::table& t, const Env& env) const {
    const toml::node* n = t.get("when");
    if (!n) return true;
    return int_value(*n, env, "when") != 0;
  }
  // `for = "i in 0..K"`: the values the entry is repeated for (one pass, no variable, if absent).
  std::vector<Env> expand(const toml::table& t, const Env& env) const {
    const toml::node* n = t.get("for");
    if (!n) return {env};
    if (!n->is_string()) fail(*n, "'for' must be a string such as \"i in 0..K\"");
    Loop l = parse_loop(n->as_string()->get(), env, pos(*n));
    if (l.hi - l.lo > static_cast<long>(kMaxThreads + kMaxOps))
      fail(*n, "loop of " + std::to_string(l.hi - l.lo) + " iterations is beyond the model's bounds (kMaxThreads = " +
                   std::to_string(kMaxThreads) + " threads, kMaxOps = " + std::to_string(kMaxOps) + " ops per thread)" +
                   params_note());
    std::vector<Env> out;
    for (long i = l.lo; i < l.hi; ++i) {
      Env e = env;
      e[l.var] = i;
      out.push_back(std::move(e));
    }
    return out;
  }

  void load_params(const toml::table& root) {
    if (const toml::node* n = root.get("params")) {
      if (!n->is_table()) fail(*n, "'params' must be a table of integers, e.g. [params] K = 2");
      for (auto&& [k, v] : *n->as_table()) {
        if (!v.is_integer()) fail(v, "parameter '" + std::string(k.str()) + "' must be an integer");
        params_[std::string(k.str())] = static_cast<long>(v.as_integer()->get());
      }
    }
    for (const auto& [k, v] : overrides_) {
      if (!params_.count(k)) {
        std::string list;
        for (const auto& [pk, pv] : params_) list += (list.empty() ? "" : ", ") + pk;
        throw InputError(file_, 0, 0,
                         "--param " + k + ": the scenario has no parameter '" + k +
                             "' (it has: " + (list.empty() ? "none" : list) + ")");
      }
      params_[k] = v;
    }
    for (const auto& [k, v] : params_)
      if (v < 0 || v > kMaxParam)
        throw InputError(file_, 0, 0, "parameter " + k + " = " + std::to_string(v) + " must be between 0 and " +
                                          std::to_string(kMaxParam));
    sc_.params = params_;
  }

  // matrix = [ { pin = 0 }, { pin = 1 } ]: the parameter settings a design comparison
  // runs (one row each); every key must be a declared parameter.
  void load_matrix(const toml::table& root) {
    const toml::node* n = root.get("matrix");
    if (!n) return;
    if (!n->is_array()) fail(*n, "'matrix' must be an array of parameter tables, e.g. matrix = [ { pin = 0 }, { pin = 1 } ]");
    for (const toml::node& row : *n->as_array()) {
      if (!row.is_table()) fail(row, "each 'matrix' entry must be a table of parameter values, e.g. { pin = 1 }");
      std::map<std::string, long> m;
      for (auto&& [k, v] : *row.as_table()) {
        std::string key(k.str());
        if (!sc_.params.count(key)) fail(v, "'matrix' names parameter '" + key + "', which [params] does not declare");
        if (!v.is_integer()) fail(v, "'matrix' value of '" + key + "' must be an integer");
        long x = static_cast<long>(v.as_integer()->get());
        if (x < 0 || x > kMaxParam) fail(v, "'matrix' value of '" + key + "' must be between 0 and " + std::to_string(kMaxParam));
        m[key] = x;
      }
      sc_.matrix.push_back(std::move(m));
    }
  }

  void load_properties(const toml::table& root) {
    const toml::node* n = root.get("properties");
    if (!n) return;
    if (!n->is_array()) fail(*n, "'properties' must be an array of property names");
    for (const toml::node& p : *n->as_array()) {
      if (!p.is_string()) fail(p, "'properties' must hold property names (strings)");
      sc_.properties.push_back(p.as_string()->get());
    }
  }

  unsigned find_process(const toml::node& where, const std::string& name) const {
    for (unsigned i = 0; i < sc_.processes.size(); ++i)
      if (sc_.processes[i].name == name) return i;
    fail(where, "unknown process '" + name + "' (declare it with [[process]] name = \"" + name + "\")");
  }

  void load_processes(const toml::table& root) {
    const toml::node* n = root.get("process");
    if (!n) fail(root, "expected at least one [[process]] table");
    if (!n->is_array_of_tables()) fail(*n, "'process' must be written as [[process]] tables");
    for (const toml::node& pn : *n->as_array()) {
      const toml::table& pt = *pn.as_table();
      check_keys(pt, {"name", "vma"});
      if (sc_.processes.size() >= kMaxMms)
        fail(pn, "too many processes: the model's bound kMaxMms is " + std::to_string(kMaxMms));
      ProcessDef p;
      p.name = req_string(pt, "name");
      for (const auto& q : sc_.processes)
        if (q.name == p.name) fail(pn, "process '" + p.name + "' is declared twice");
      unsigned mm = static_cast<unsigned>(sc_.processes.size());
      sc_.processes.push_back(p);
      if (const toml::node* vn = pt.get("vma")) {
        if (!vn->is_array()) fail(*vn, "'vma' must be an array of tables");
        unsigned count = 0;
        for (const toml::node& v : *vn->as_array()) {
          if (!v.is_table()) fail(v, "a VMA is a table {start, pages, prot, kind, populated}");
          if (++count > kMaxVmas)
            fail(v, "too many VMAs in process '" + p.name + "': the model's bound kMaxVmas is " +
                        std::to_string(kMaxVmas));
          load_vma(mm, *v.as_table());
        }
      }
    }
  }

  // [filesystem]: what the file system behind the scenario's files does (issue 6, the
  // 2010 mlock thread): whether it has ->page_mkwrite, and how many free blocks it has.
  void load_filesystem(const toml::table& root) {
    const toml::node* n = root.get("filesystem");
    if (!n) return;
    if (!n->is_table()) fail(*n, "'filesystem' must be a table {page_mkwrite, free_blocks}");
    const toml::table& t = *n->as_table();
    check_keys(t, {"page_mkwrite", "free_blocks"});
    sc_.fs_page_mkwrite = opt_flag(t, "page_mkwrite", params_, true);
    if (t.get("free_blocks")) {
      long b = req_int(t, "free_blocks", params_);
      if (b < 0 || b > static_cast<long>(kMaxFrames))
        fail(*t.get("free_blocks"), "'free_blocks' must be between 0 (the disk is full) and " +
                                        std::to_string(kMaxFrames) + " (one per frame of the model)" + params_note());
      sc_.initial.free_blocks = static_cast<u8>(b);
    }
  }

  void load_vma(unsigned mm, const toml::table& t) {
    check_keys(t, {"start", "pages", "prot", "kind", "populated", "blocks"});
    long start = req_int(t, "start", params_);
    long pages = req_int(t, "pages", params_);
    const toml::node& where = t.get("pages") ? *t.get("pages") : static_cast<const toml::node&>(t);
    if (start < 0 || pages <= 0) fail(where, "a VMA needs start >= 0 and pages >= 1");
    if (start > static_cast<long>(kMaxVpages) || pages > static_cast<long>(kMaxVpages) ||
        start + pages > static_cast<long>(kMaxVpages))
      fail(where, "VMA [" + std::to_string(start) + "," + std::to_string(start + pages) +
                      ") goes past the model's bound kMaxVpages = " + std::to_string(kMaxVpages) +
                      " virtual pages per process" + params_note());
    u8 flags = kVmRead | kVmMayWrite;  // (an anonymous mapping of a process may always be made writable)
    std::string prot = opt_string(t, "prot");
    if (prot.empty() || prot == "rw") flags |= kVmWrite;
    else if (prot != "r") fail(*t.get("prot"), "'prot' must be \"rw\" or \"r\"");
    std::string kind = opt_string(t, "kind");
    if (kind.empty() || kind == "anon-private") flags |= kVmAnon;
    else if (kind == "anon-shared") flags |= kVmAnon | kVmShared;
    else if (kind == "file-private") flags |= kVmFile;
    else if (kind == "file-shared") flags |= kVmFile | kVmShared;
    else fail(*t.get("kind"), "'kind' must be \"anon-private\", \"anon-shared\", \"file-private\" (a private "
                              "mapping of a file the process may only read) or \"file-shared\" (a shared mapping "
                              "of a file the process opened for reading and writing)");
    bool holes = false;
    if (const toml::node* b = t.get("blocks")) {
      if (!(flags & kVmFile)) fail(*b, "'blocks' is for file VMAs (kind = \"file-private\" or \"file-shared\")");
      holes = choice(t, *b, "blocks", {"allocated", "holes"},
                     "'blocks' must be \"allocated\" or \"holes\" (a sparse file: no block behind its pages)") == 1;
    }
    if (flags & kVmFile) sc_.has_file = true;
    for (const VmaDecl& d : vmas_)
      if (d.mm == mm && start < d.vma.start + d.vma.pages && d.vma.start < start + pages)
        fail(where, "this VMA overlaps another VMA of the same process");
    vmas_.push_back({mm, Vma{static_cast<u8>(start), static_cast<u8>(pages), flags},
                     opt_bool(t, "populated", true), holes, pos(t)});
  }

  std::string params_note() const {
    std::string s;
    for (const auto& [k, v] : params_) s += (s.empty() ? " (with " : ", ") + k + " = " + std::to_string(v);
    return s.empty() ? s : s + ")";
  }

  void load_threads(const toml::table& root) {
    const toml::node* n = root.get("thread");
    if (!n) fail(root, "expected at least one [[thread]] table");
    if (!n->is_array_of_tables()) fail(*n, "'thread' must be written as [[thread]] tables");
    for (const toml::node& tn : *n->as_array()) {
      const toml::table& tt = *tn.as_table();
      check_keys(tt, {"name", "process", "device", "for", "when", "ops", "symmetric"});
      if (!when(tt, params_)) continue;
      const std::size_t first = sc_.threads.size();
      for (const Env& env : expand(tt, params_)) load_thread(tn, tt, env);
      if (opt_bool(tt, "symmetric", false)) symmetric_.push_back({first, sc_.threads.size(), &tn});
    }
  }

  // A `symmetric = true` loop: its threads must be interchangeable (checked once the pins
  // and values are resolved).
  struct SymmetricDecl {
    std::size_t first, end;
    const toml::node* where;
  };
  std::vector<SymmetricDecl> symmetric_;
  void check_symmetric() {
    static constexpr std::size_t kMaxPermutations = 720;
    std::size_t perms = 1;
    for (const SymmetricDecl& d : symmetric_) {
      if (d.end - d.first < 2) continue;  // one thread: nothing to permute
      const ThreadDef& a = sc_.threads[d.first];
      std::vector<u8> cls;
      for (std::size_t t = d.first; t < d.end; ++t) {
        const ThreadDef& b = sc_.threads[t];
        cls.push_back(static_cast<u8>(t));
        if (b.mm != a.mm) fail(*d.where, "symmetric threads must run in the same process ('" + b.name + "' does not)");
        if (b.ops.size() != a.ops.size())
          fail(*d.where, "symmetric threads must do the same operations ('" + a.name + "' and '" + b.name + "' differ)");
        for (std::size_t o = 0; o < a.ops.size(); ++o) {
          const Op &x = a.ops[o], &y = b.ops[o];
          if (x.kind == OpKind::Fork || x.kind == OpKind::Unpin || x.kind == OpKind::Dma || x.kind == OpKind::Madvise)
            fail(*d.where, std::string("a symmetric thread cannot do '") + op_name(x.kind) +
                               "' (it names a process or a pin shared by all): use write, read, odirect_read, pin_longterm");
          if (x.kind != y.kind || x.page != y.page || x.half != y.half || (x.write_id == 0) != (y.write_id == 0) ||
              (x.pin == kNone) != (y.pin == kNone))
            fail(*d.where, "symmetric threads must do the same operations on the same pages ('" + a.name + "' and '" +
                               b.name + "' differ at op " + std::to_string(o + 1) + ")");
        }
      }
      for (std::size_t k = 2; k <= cls.size(); ++k) perms *= k;
      if (perms > kMaxPermutations)
        fail(*d.where, "too many interchangeable threads: at most " + std::to_string(kMaxPermutations) +
                           " permutations in all (6 threads in one class)");
      sc_.thread_classes.push_back(std::move(cls));
    }
  }

  void load_thread(const toml::node& tn, const toml::table& tt, const Env& env) {
    if (sc_.threads.size() >= kMaxThreads)
      fail(tn, "too many threads: the model's bound kMaxThreads is " + std::to_string(kMaxThreads) + params_note());
    ThreadDef td;
    const toml::node* nn = tt.get("name");
    if (!nn || !nn->is_string()) fail(tn, "a thread needs a 'name' (a string; \"R{i}\" inside a loop)");
    td.name = substitute(nn->as_string()->get(), env, pos(*nn));
    for (const auto& o : sc_.threads)
      if (o.name == td.name) fail(tn, "thread '" + td.name + "' is declared twice");
    bool device = opt_bool(tt, "device", false);
    const toml::node* pn = tt.get("process");
    if (device && pn) fail(*pn, "a device runs in no process: give either 'process' or 'device = true'");
    if (!device) {
      if (!pn || !pn->is_string()) fail(tn, "thread '" + td.name + "' needs 'process' (or 'device = true')");
      td.mm = static_cast<u8>(find_process(*pn, pn->as_string()->get()));
    }
    unsigned tid = static_cast<unsigned>(sc_.threads.size());
    sc_.threads.push_back(td);
    for (const toml::node& on : req_array(tt, "ops")) {
      if (!on.is_table()) fail(on, "an op is a table such as { op = \"write\", page = 0, half = 1 }");
      const toml::table& ot = *on.as_table();
      if (!when(ot, env)) continue;
      for (const Env& oenv : expand(ot, env)) load_op(tid, on, ot, oenv);
    }
  }

  u8 new_write(unsigned tid, unsigned mm, unsigned page, unsigned half, bool dma, const ExprPos& where) {
    if (sc_.writes.size() >= kMaxWrites)
      fail_at(where, "too many writes: the model's bound kMaxWrites is " + std::to_string(kMaxWrites));
    WriteDef w;
    w.thread = static_cast<u8>(tid);
    w.mm = static_cast<u8>(mm);
    w.vpage = static_cast<u8>(page);
    w.half = static_cast<u8>(half);
    w.dma = dma;
    w.name = sc_.threads[tid].name + (dma ? ":dma@" : ":store@") + std::to_string(page);
    unsigned same = 0;  // a thread's second write to the page: "T:store@0#2"
    for (const WriteDef& x : sc_.writes) same += x.thread == w.thread && x.dma == dma && x.vpage == w.vpage;
    if (same) w.name += "#" + std::to_string(same + 1);
    sc_.writes.push_back(w);
    return static_cast<u8>(sc_.writes.size());
  }

  u8 new_pin(const std::string& name, unsigned tid, unsigned page, bool longterm, const toml::node& where) {
    for (const PinDef& p : sc_.pins)
      if (p.name == name) fail(where, "pin '" + name + "' is declared twice");
    if (sc_.pins.size() >= kMaxPins)
      fail(where, "too many pins: the model's bound kMaxPins is " + std::to_string(kMaxPins) + params_note());
    PinDef p;
    p.name = name;
    p.owner_mm = sc_.threads[tid].mm;
    p.vpage = static_cast<u8>(page);
    p.longterm = longterm;
    p.thread = static_cast<u8>(tid);
    sc_.pins.push_back(p);
    return static_cast<u8>(sc_.pins.size() - 1);
  }

  // What kind of GUP reference a pin is: FOLL_WRITE or not, FOLL_PIN or FOLL_GET.
  void set_pin_kind(u8 pin, bool write, bool foll_pin) {
    sc_.pins[pin].write = write;
    sc_.pins[pin].foll_pin = foll_pin;
  }

  // The 'pin' key naming the reference an op takes, or a default name.
  std::string pin_name(const toml::table& ot, std::string dflt) const {
    const toml::node* pn = ot.get("pin");
    if (!pn) return dflt;
    if (!pn->is_string()) fail(*pn, "'pin' must be a name (a string)");
    return pn->as_string()->get();
  }

  OpKind op_kind(const toml::node& n) const {
    if (!n.is_string()) fail(n, "'op' must be a string");
    const std::string& s = n.as_string()->get();
    for (OpKind k : kAllOps)
      if (s == op_name(k)) return k;
    std::string list;
    for (OpKind k : kAllOps) list += (list.empty() ? "" : ", ") + std::string(op_name(k));
    fail(n, "unknown operation '" + s + "' (expected one of: " + list + ")");
  }

  void load_op(unsigned tid, const toml::node& on, const toml::table& ot, const Env& env) {
    ThreadDef& td = sc_.threads[tid];
    if (td.ops.size() >= kMaxOps)
      fail(on, "too many ops in thread '" + td.name + "': the model's bound kMaxOps is " + std::to_string(kMaxOps));
    const toml::node* kn = ot.get("op");
    if (!kn) fail(on, "an op needs 'op' (one of write, read, odirect_read, fork, pin_longterm, unpin, dma, madvise, odirect_write, "
                  "vmsplice, pin_user_pages, pin_read, munmap, exit, mprotect, clear_refs, swap_out, wait, proc_mem_write, "
                  "mlock, munlock, msync, ksm_scan)");
    Op op;
    op.kind = op_kind(*kn);
    op.line = static_cast<int>(on.source().begin.line);
    bool device = td.mm == kNone;
    auto need_process = [&] {
      if (device) fail(on, "'" + std::string(op_name(op.kind)) + "' is done by a process thread, not a device");
    };
    auto page = [&] {
      long v = req_int(ot, "page", env);
      if (v < 0 || v >= static_cast<long>(kMaxVpages))
        fail(*ot.get("page"), "page " + std::to_string(v) + " is outside the model's bound kMaxVpages = " +
                                  std::to_string(kMaxVpages) + params_note());
      return static_cast<u8>(v);
    };
    auto half = [&] {
      long v = req_int(ot, "half", env);
      if (v < 0 || v >= static_cast<long>(kHalves)) fail(*ot.get("half"), "'half' must be 0 or 1");
      return static_cast<u8>(v);
    };
    auto pin_ref = [&](bool required) {
      const toml::node* pn = ot.get("pin");
      if (!pn) {
        if (required) fail(on, "'" + std::string(op_name(op.kind)) + "' needs 'pin' (the name a pin_longterm, vmsplice or pin_user_pages gave its reference)");
        return;
      }
      if (!pn->is_string()) fail(*pn, "'pin' must be a pin name (a string)");
      pin_refs_.push_back({tid, static_cast<unsigned>(td.ops.size()), pn->as_string()->get(), pos(*pn)});
    };
    switch (op.kind) {
      case OpKind::Write:
      case OpKind::ProcMemWrite:  // (the kernel's write through /proc/self/mem names its value the same way)
        check_keys(ot, {"op", "page", "half", "for", "when"});
        need_process();
        op.page = page();
        op.half = half();
        op.write_id = new_write(tid, td.mm, op.page, op.half, false, pos(on));
        break;
      case OpKind::Read:
        check_keys(ot, {"op", "page", "half", "for", "when"});
        need_process();
        op.page = page();
        op.half = half();
        break;
      case OpKind::OdirectRead:
        check_keys(ot, {"op", "page", "half", "foll_pin", "fast", "for", "when"});
        need_process();
        op.page = page();
        op.half = half();
        op.foll_pin = ot.get("foll_pin") && req_int(ot, "foll_pin", env) != 0;  // default FOLL_GET
        op.gup_fast = opt_flag(ot, "fast", env, true);  // false: get_user_pages under mmap_sem (before 2.6.27)
        op.pin = new_pin(td.name + ":odirect@" + std::to_string(op.page), tid, op.page, false, on);
        sc_.pins[op.pin].foll_pin = op.foll_pin;
        op.write_id = new_write(tid, td.mm, op.page, op.half, true, pos(on));
        break;
      case OpKind::Fork: {
        check_keys(ot, {"op", "child", "for", "when"});
        need_process();
        const toml::node* cn = ot.get("child");
        if (!cn || !cn->is_string()) fail(on, "'fork' needs 'child' (the name of a [[process]] with no VMAs)");
        unsigned c = find_process(*cn, cn->as_string()->get());
        if (c == td.mm) fail(*cn, "a process cannot fork into itself");
        if (!sc_.processes[c].initial) fail(*cn, "process '" + sc_.processes[c].name + "' is already created by another fork");
        for (const VmaDecl& d : vmas_)
          if (d.mm == c) fail(*cn, "the child process '" + sc_.processes[c].name + "' must declare no VMAs: fork copies them");
        sc_.processes[c].initial = false;
        op.child = static_cast<u8>(c);
        break;
      }
      case OpKind::PinLongterm: {
        check_keys(ot, {"op", "page", "pin", "foll_pin", "for", "when"});
        need_process();
        op.page = page();
        op.foll_pin = ot.get("foll_pin") && req_int(ot, "foll_pin", env) != 0;
        std::string name = td.name + ":pin@" + std::to_string(op.page);
        if (const toml::node* pn = ot.get("pin")) {
          if (!pn->is_string()) fail(*pn, "'pin' must be a name (a string)");
          name = pn->as_string()->get();
        }
        op.pin = new_pin(name, tid, op.page, true, on);
        sc_.pins[op.pin].foll_pin = op.foll_pin;
        break;
      }
      case OpKind::Unpin:
        check_keys(ot, {"op", "pin", "for", "when"});
        pin_ref(true);
        break;
      case OpKind::Dma:      // a device writes through the pin
      case OpKind::PinRead:  // the holder reads through it
        check_keys(ot, {"op", "pin", "half", "for", "when"});
        op.half = half();
        pin_ref(true);
        break;
      case OpKind::OdirectWrite:
        check_keys(ot, {"op", "page", "half", "foll_pin", "for", "when"});
        need_process();
        op.page = page();
        op.half = half();
        op.gup_write = false;  // the device reads memory: GUP without FOLL_WRITE
        op.foll_pin = ot.get("foll_pin") && req_int(ot, "foll_pin", env) != 0;
        op.pin = new_pin(td.name + ":odirect_write@" + std::to_string(op.page), tid, op.page, false, on);
        set_pin_kind(op.pin, /*write=*/false, op.foll_pin);
        break;
      case OpKind::Vmsplice:
        check_keys(ot, {"op", "page", "pin", "for", "when"});
        need_process();
        op.page = page();
        op.gup_write = false;  // iov_iter_get_pages: FOLL_GET, read-only
        op.pin = new_pin(pin_name(ot, td.name + ":vmsplice@" + std::to_string(op.page)), tid, op.page, false, on);
        set_pin_kind(op.pin, /*write=*/false, /*foll_pin=*/false);
        break;
      case OpKind::PinUserPages: {
        check_keys(ot, {"op", "page", "pin", "write", "fast", "longterm", "for", "when"});
        need_process();
        op.page = page();
        op.foll_pin = true;
        op.gup_write = opt_flag(ot, "write", env, true);
        op.gup_fast = opt_flag(ot, "fast", env, false);
        bool longterm = opt_flag(ot, "longterm", env, true);
        op.pin = new_pin(pin_name(ot, td.name + ":pin@" + std::to_string(op.page)), tid, op.page, longterm, on);
        set_pin_kind(op.pin, op.gup_write, /*foll_pin=*/true);
        break;
      }
      case OpKind::Munmap:
      case OpKind::SwapOut:
      case OpKind::Mlock:
      case OpKind::Munlock:
      case OpKind::Msync:
        check_keys(ot, {"op", "page", "for", "when"});
        if (op.kind == OpKind::SwapOut) sc_.has_swap = true;
        need_process();
        op.page = page();
        break;
      case OpKind::Exit:
      case OpKind::ClearRefs:
        check_keys(ot, {"op", "for", "when"});
        need_process();
        break;
      case OpKind::KsmScan: {
        check_keys(ot, {"op", "page", "merge", "for", "when"});
        need_process();  // ksmd works in the process's mm (use_mm-free: it takes its mmap_sem)
        op.page = page();
        long m = req_int(ot, "merge", env);
        if (m < 0 || m >= static_cast<long>(kMaxVpages) || m == op.page)
          fail(*ot.get("merge"), "'merge' must be another virtual page of the process (0.." +
                                     std::to_string(kMaxVpages - 1) + "), the one ksmd merges into 'page'");
        op.merge = static_cast<u8>(m);
        sc_.has_ksm = true;
        break;
      }
      case OpKind::Wait: {
        check_keys(ot, {"op", "process", "for", "when"});
        need_process();
        const toml::node* pn = ot.get("process");
        if (!pn || !pn->is_string()) fail(on, "'wait' needs 'process' (the child it waits for)");
        op.child = static_cast<u8>(find_process(*pn, pn->as_string()->get()));
        if (op.child == td.mm) fail(*pn, "a process cannot wait for itself");
        break;
      }
      case OpKind::Mprotect: {
        check_keys(ot, {"op", "page", "prot", "for", "when"});
        need_process();
        op.page = page();
        op.prot_write = choice(ot, on, "prot", {"r", "rw"},
                               "'prot' must be \"r\" (PROT_READ) or \"rw\" (PROT_READ|PROT_WRITE)") == 1;
        break;
      }
      case OpKind::Madvise: {
        check_keys(ot, {"op", "page", "advice", "for", "when"});
        need_process();
        op.page = page();
        constexpr Advice kAdvice[] = {Advice::DontFork, Advice::DoFork, Advice::DontNeed};
        op.advice = kAdvice[choice(ot, on, "advice", {"DONTFORK", "DOFORK", "DONTNEED"},
                                   "'advice' must be \"DONTFORK\", \"DOFORK\" or \"DONTNEED\" (other advice is not "
                                   "modelled yet)")];
        break;
      }
    }
    td.ops.push_back(op);
  }

  // exit ends a process: another thread of it would never run again, and no op of the
  // exiting thread may follow.
  void check_exits() {
    for (unsigned t = 0; t < sc_.threads.size(); ++t) {
      const ThreadDef& td = sc_.threads[t];
      for (std::size_t i = 0; i < td.ops.size(); ++i) {
        if (td.ops[i].kind == OpKind::Wait) {
          bool forked = false;
          for (std::size_t j = 0; j < i; ++j)
            forked |= td.ops[j].kind == OpKind::Fork && td.ops[j].child == td.ops[i].child;
          if (!forked)
            throw InputError(file_, td.ops[i].line, 0,
                             "'wait' for process '" + sc_.mm_name(td.ops[i].child) + "': thread '" + td.name +
                                 "' must fork it earlier (wait4 waits for a child of the caller)");
        }
        if (td.ops[i].kind != OpKind::Exit) continue;
        if (i + 1 != td.ops.size())
          throw InputError(file_, td.ops[i + 1].line, 0, "thread '" + td.name + "' has an op after 'exit'; exit must be its last op");
        for (unsigned u = 0; u < sc_.threads.size(); ++u)
          if (u != t && sc_.threads[u].mm == td.mm)
            throw InputError(file_, td.ops[i].line, 0,
                             "'exit' ends process '" + sc_.mm_name(td.mm) + "', but thread '" + sc_.threads[u].name +
                                 "' also runs in it; the model exits single-threaded processes only");
      }
    }
  }

  void resolve_pins() {
    for (const PendingPinRef& r : pin_refs_) {
      u8 slot = kNone;
      for (unsigned i = 0; i < sc_.pins.size(); ++i)
        if (sc_.pins[i].name == r.name) slot = static_cast<u8>(i);
      if (slot == kNone) fail_at(r.pos, "unknown pin '" + r.name + "' (name it in a pin_longterm, vmsplice or pin_user_pages op)");
      Op& op = sc_.threads[r.thread].ops[r.op];
      op.pin = slot;
      if (op.kind == OpKind::Dma) {
        const PinDef& p = sc_.pins[slot];
        op.write_id = new_write(r.thread, p.owner_mm, p.vpage, op.half, true, r.pos);
      }
    }
  }

  // Reads check the thread's own last write to that half (an O_DIRECT read's DMA counts
  // as the thread's); final states check each half written by a single thread or device.
  void compute_expectations() {
    for (ThreadDef& td : sc_.threads) {
      for (std::size_t i = 0; i < td.ops.size(); ++i) {
        Op& op = td.ops[i];
        if (op.kind != OpKind::Read && op.kind != OpKind::OdirectWrite && op.kind != OpKind::PinRead) continue;
        // A read through a pin (or the device's read of an O_DIRECT write) expects what this
        // thread last stored to the pinned page.
        const unsigned page = op.kind == OpKind::PinRead ? sc_.pins[op.pin].vpage : op.page;
        if (op.kind == OpKind::PinRead && sc_.pins[op.pin].owner_mm != td.mm) continue;
        for (std::size_t j = i; j-- > 0;) {
          const Op& w = td.ops[j];
          bool writes = (w.kind == OpKind::Write || w.kind == OpKind::OdirectRead) && w.page == page &&
                        w.half == op.half;
          if (writes) {
            op.expect = w.write_id;
            break;
          }
        }
      }
    }
    std::map<std::tuple<unsigned, unsigned, unsigned>, std::set<unsigned>> writers;
    for (unsigned id = 1; id <= sc_.writes.size(); ++id) {
      const WriteDef& w = sc_.writes[id - 1];
      writers[{w.mm, w.vpage, w.half}].insert(w.thread);
    }
    for (unsigned id = 1; id <= sc_.writes.size(); ++id) {
      const WriteDef& w = sc_.writes[id - 1];
      if (writers[{w.mm, w.vpage, w.half}].size() == 1)  // later ids of one thread win
        sc_.final_expect[w.mm][w.vpage][w.half] = static_cast<u8>(id);
    }
  }

  void build_initial_state() {
    State& s = sc_.initial;
    for (unsigned mm = 0; mm < sc_.processes.size(); ++mm) {
      s.mms[mm].table = static_cast<u8>(mm);
      if (sc_.processes[mm].initial) {
        s.mms[mm].alive = 1;
        s.tables[mm].users = 1;
      }
    }
    unsigned next_frame = 0;
    std::array<unsigned, kMaxMms> nvma{};
    for (const VmaDecl& d : vmas_) {
      Vma& vma = s.mms[d.mm].vma[nvma[d.mm]++];
      vma = d.vma;
      if (vma.flags & kVmFile) {  // the file's pages are in the page cache (their contents: initial)
        if (next_frame + vma.pages > kMaxFrames)
          fail_at(d.where, "the file pages need more than the model's bound kMaxFrames = " +
                               std::to_string(kMaxFrames) + " frames" + params_note());
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
      for (unsigned v = d.vma.start; v < d.vma.start + d.vma.pages; ++v) {
        if (next_frame >= kMaxFrames)
          fail_at(d.where, "the populated pages need more than the model's bound kMaxFrames = " +
                               std::to_string(kMaxFrames) + " frames" + params_note());
        Frame& f = s.frames[next_frame];
        f.refcount = 1;
        f.mapcount = 1;
        f.flags = kFrameAnon;
        // Faulted in by its owner: a store to a writable VMA (do_anonymous_page:
        // pte_mkwrite(pte_mkdirty(entry))), present read-only otherwise.
        s.tables[d.mm].pte[v] = Pte{static_cast<u8>(next_frame),
                                    static_cast<u8>(kPtePresent | ((d.vma.flags & kVmWrite) ? kPteWrite | kPteDirty : 0))};
        ++next_frame;
      }
    }
  }
};

}  // namespace

Scenario load_scenario(const std::string& path, const std::map<std::string, long>& overrides) {
  return Loader(path, overrides).load();
}

}  // namespace cow
