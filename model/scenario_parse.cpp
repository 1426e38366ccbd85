// Stage 1 of loading a scenario: parsing. Reads the TOML file with toml++ and builds the
// Scenario's static description: name, summary, [params] (with --param overrides),
// matrix, properties, [filesystem], the [[process]] tables and their VMAs, the
// [[thread]] tables (expanded over `for`, filtered by `when`) and their ops, the pins the
// ops take and the values they write. Errors about how the file is written (malformed
// TOML, unknown or missing keys, wrong types, unknown names of ops or choices) are
// raised here; every check on what it means is in model/scenario_validate.cpp, called
// from here at the point where its value is known. The format is documented in
// docs/writing-a-scenario.md.
#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <span>
#include <toml++/toml.h>

#include "model/input_file.hpp"
#include "model/invariant.hpp"
#include "model/scenario_stages.hpp"

namespace cow {

namespace {

class Parser {
 public:
  Parser(std::string file, const std::map<std::string, long>& overrides)
      : file_(std::move(file)), overrides_(overrides) {}

  ParsedScenario parse() {
    toml::table root;
    const std::string text = read_input_file(file_, "scenario", kMaxScenarioBytes);
    try {
      root = toml::parse(text, file_);
    } catch (const toml::parse_error& e) {
      throw InputError(file_, static_cast<int>(e.source().begin.line),
                       static_cast<int>(e.source().begin.column),
                       "malformed TOML: " + std::string(e.description()));
    }
    sc_.file = file_;
    check_keys(root, kScenarioKeys);
    sc_.name = req_string(root, "name");
    sc_.summary = opt_string(root, "summary");
    load_params(root);
    load_cpu(root);
    load_matrix(root);
    load_properties(root);
    load_filesystem(root);
    load_processes(root);
    load_threads(root);
    resolve_pins();
    return std::move(p_);
  }

 private:
  std::string file_;
  std::map<std::string, long> overrides_;
  ParsedScenario p_;
  Scenario& sc_ = p_.sc;
  Env params_;
  // An op's reference to a pin by name, resolved once every op is read.
  struct PendingPinRef {
    unsigned thread, op;
    std::string name;
    ExprPos pos;
  };
  std::vector<PendingPinRef> pin_refs_;

  ExprPos pos(const toml::node& n) const {
    return {file_, static_cast<int>(n.source().begin.line), static_cast<int>(n.source().begin.column)};
  }
  [[noreturn]] void fail(const toml::node& n, const std::string& msg) const { fail_at(pos(n), msg); }

  void check_keys(const toml::table& t, std::initializer_list<std::string_view> allowed) const {
    check_keys(t, std::span<const std::string_view>(allowed.begin(), allowed.size()));
  }
  void check_keys(const toml::table& t, std::span<const std::string_view> allowed) const {
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
    validate::loop_size(l, params_, pos(*n));
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
        const std::int64_t value = v.as_integer()->get();
        validate::param_value(std::string(k.str()), value, pos(v));
        params_[std::string(k.str())] = static_cast<long>(value);
      }
    }
    validate::overrides_declared(file_, params_, overrides_);
    for (const auto& [k, v] : overrides_) {
      validate::override_value(file_, k, v);
      params_[k] = v;
    }
    validate::param_values(file_, params_);
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
        validate::matrix_key(sc_.params, key, pos(v));
        if (!v.is_integer()) fail(v, "'matrix' value of '" + key + "' must be an integer");
        long x = static_cast<long>(v.as_integer()->get());
        validate::matrix_value(key, x, pos(v));
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
      sc_.property_pos.emplace_back(static_cast<int>(p.source().begin.line), static_cast<int>(p.source().begin.column));
    }
  }

  // The index of the process a string node names.
  unsigned process(const toml::node& n) const { return validate::process_named(sc_, n.as_string()->get(), pos(n)); }

  void load_processes(const toml::table& root) {
    const toml::node* n = root.get("process");
    if (!n) fail(root, "expected at least one [[process]] table");
    if (!n->is_array_of_tables()) fail(*n, "'process' must be written as [[process]] tables");
    for (const toml::node& pn : *n->as_array()) {
      const toml::table& pt = *pn.as_table();
      check_keys(pt, {"name", "vma", "when"});
      if (!when(pt, params_)) continue;  // a process only some settings have (its threads need the same `when`)
      validate::process_count(sc_, pos(pn));
      ProcessDef p;
      p.name = req_string(pt, "name");
      validate::process_name(sc_, p.name, pos(pn));
      unsigned mm = static_cast<unsigned>(sc_.processes.size());
      sc_.processes.push_back(p);
      if (const toml::node* vn = pt.get("vma")) {
        if (!vn->is_array()) fail(*vn, "'vma' must be an array of tables");
        unsigned count = 0;
        for (const toml::node& v : *vn->as_array()) {
          if (!v.is_table()) fail(v, "a VMA is a table {start, pages, prot, kind, populated}");
          validate::vma_count(++count, p.name, pos(v));
          load_vma(mm, *v.as_table());
        }
      }
    }
  }

  // [filesystem]: what the file system behind the scenario's files does: whether it has
  // ->page_mkwrite, and how many free blocks it has.
  // tlb = true: model each CPU's TLB (model/state.hpp State::tlb); arch: how GUP-fast is
  // protected against the freeing of what it walks (model/tlb.hpp).
  void load_cpu(const toml::table& root) {
    sc_.tlb = opt_bool(root, "tlb", false);
    if (root.get("arch"))
      sc_.arch = choice(root, root, "arch", {"x86", "rcu"},
                        "'arch' must be \"x86\" (TLB flushes by IPI, which waits for GUP-fast) or \"rcu\" "
                        "(page tables freed by RCU: a flush does not wait for GUP-fast)") == 0
                     ? Arch::X86
                     : Arch::Rcu;
    if (root.get("memory_model"))
      sc_.memory_model = static_cast<MemoryModel>(
          choice(root, root, "memory_model", {"sc", "tso", "lkmm"},
                 "'memory_model' must be \"sc\" (sequential consistency), \"tso\" (x86-TSO) or \"lkmm\" "
                 "(the Linux-kernel memory model)"));
  }

  void load_filesystem(const toml::table& root) {
    const toml::node* n = root.get("filesystem");
    if (!n) return;
    if (!n->is_table()) fail(*n, "'filesystem' must be a table {page_mkwrite, free_blocks}");
    const toml::table& t = *n->as_table();
    check_keys(t, {"page_mkwrite", "free_blocks"});
    sc_.fs_page_mkwrite = opt_flag(t, "page_mkwrite", params_, true);
    if (t.get("free_blocks")) {
      long b = req_int(t, "free_blocks", params_);
      validate::free_blocks(b, params_, pos(*t.get("free_blocks")));
      p_.free_blocks = static_cast<u8>(b);
    }
  }

  void load_vma(unsigned mm, const toml::table& t) {
    check_keys(t, {"start", "pages", "prot", "kind", "populated", "blocks"});
    long start = req_int(t, "start", params_);
    long pages = req_int(t, "pages", params_);
    const toml::node& where = t.get("pages") ? *t.get("pages") : static_cast<const toml::node&>(t);
    validate::vma_range(start, pages, params_, pos(where));
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
      validate::blocks_on_file(flags, pos(*b));
      holes = choice(t, *b, "blocks", {"allocated", "holes"},
                     "'blocks' must be \"allocated\" or \"holes\" (a sparse file: no block behind its pages)") == 1;
    }
    validate::vma_overlap(p_.vmas, mm, start, pages, pos(where));
    p_.vmas.push_back({mm, Vma{static_cast<u8>(start), static_cast<u8>(pages), flags},
                       opt_bool(t, "populated", true), holes, pos(t)});
  }

  void load_threads(const toml::table& root) {
    const toml::node* n = root.get("thread");
    if (!n) fail(root, "expected at least one [[thread]] table");
    if (!n->is_array_of_tables()) fail(*n, "'thread' must be written as [[thread]] tables");
    for (const toml::node& tn : *n->as_array()) {
      const toml::table& tt = *tn.as_table();
      check_keys(tt, {"name", "process", "device", "for", "when", "ops", "symmetric"});
      const std::vector<Env> envs = when(tt, params_) ? expand(tt, params_) : std::vector<Env>{};
      if (envs.empty()) {  // switched off: its ops are still checked
        if (const toml::node* on = tt.get("ops"); on && on->is_array())
          for (const toml::node& o : *on->as_array()) check_disabled_op(o);
        continue;
      }
      const std::size_t first = sc_.threads.size();
      for (const Env& env : envs) load_thread(tn, tt, env);
      if (opt_bool(tt, "symmetric", false)) p_.symmetric.push_back({first, sc_.threads.size(), pos(tn)});
    }
  }

  void load_thread(const toml::node& tn, const toml::table& tt, const Env& env) {
    validate::thread_count(sc_, params_, pos(tn));
    ThreadDef td;
    const toml::node* nn = tt.get("name");
    if (!nn || !nn->is_string()) fail(tn, "a thread needs a 'name' (a string; \"R{i}\" inside a loop)");
    td.name = substitute(nn->as_string()->get(), env, pos(*nn));
    validate::thread_name(sc_, td.name, pos(tn));
    bool device = opt_bool(tt, "device", false);
    const toml::node* pn = tt.get("process");
    validate::device_or_process(device, pn != nullptr, pn ? pos(*pn) : pos(tn));
    if (!device) {
      if (!pn || !pn->is_string()) fail(tn, "thread '" + td.name + "' needs 'process' (or 'device = true')");
      td.mm = static_cast<u8>(process(*pn));
    }
    unsigned tid = static_cast<unsigned>(sc_.threads.size());
    sc_.threads.push_back(td);
    for (const toml::node& on : req_array(tt, "ops")) {
      if (!on.is_table()) fail(on, "an op is a table such as { op = \"write\", page = 0, half = 1 }");
      const toml::table& ot = *on.as_table();
      const std::vector<Env> envs = when(ot, env) ? expand(ot, env) : std::vector<Env>{};
      if (envs.empty()) check_disabled_op(on);
      for (const Env& oenv : envs) load_op(tid, on, ot, oenv);
    }
  }

  // A new written value: named after its writer ("R0:dma@0", "W:store@1", "W:store@1#2").
  u8 new_write(unsigned tid, unsigned mm, unsigned page, unsigned half, bool dma, const ExprPos& where) {
    validate::write_count(sc_, where);
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
    validate::new_pin(sc_, name, params_, pos(where));
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

  // Every op name, in kOps order: "write, read, ...".
  static std::string op_names() {
    std::string list;
    for (const OpInfo& o : kOps) list += (list.empty() ? "" : ", ") + std::string(o.name);
    return list;
  }

  OpKind op_kind(const toml::node& n) const {
    if (!n.is_string()) fail(n, "'op' must be a string");
    const std::string& s = n.as_string()->get();
    if (std::optional<OpKind> k = op_kind_named(s)) return *k;
    fail(n, "unknown operation '" + s + "' (expected one of: " + op_names() + ")");
  }

  // The keys each op may have (an op that `when` or an empty `for` switches off is
  // checked against them too: a typo must not wait for the parameter that enables it).
  static std::span<const std::string_view> op_keys(OpKind k) {
    static constexpr std::string_view kWriteKeys[] = {"op", "page", "half", "for", "when"};
    static constexpr std::string_view kOdirectReadKeys[] = {"op", "page", "half", "foll_pin", "fast", "for", "when"};
    static constexpr std::string_view kForkKeys[] = {"op", "child", "for", "when"};
    static constexpr std::string_view kPinLongtermKeys[] = {"op", "page", "pin", "foll_pin", "for", "when"};
    static constexpr std::string_view kUnpinKeys[] = {"op", "pin", "for", "when"};
    static constexpr std::string_view kDmaKeys[] = {"op", "pin", "half", "for", "when"};
    static constexpr std::string_view kOdirectWriteKeys[] = {"op", "page", "half", "foll_pin", "for", "when"};
    static constexpr std::string_view kVmspliceKeys[] = {"op", "page", "pin", "for", "when"};
    static constexpr std::string_view kPinUserPagesKeys[] = {"op", "page", "pin", "write", "fast", "longterm", "for", "when"};
    static constexpr std::string_view kMunmapKeys[] = {"op", "page", "for", "when"};
    static constexpr std::string_view kExitKeys[] = {"op", "for", "when"};
    static constexpr std::string_view kKsmScanKeys[] = {"op", "page", "merge", "for", "when"};
    static constexpr std::string_view kWaitKeys[] = {"op", "process", "for", "when"};
    static constexpr std::string_view kMprotectKeys[] = {"op", "page", "prot", "for", "when"};
    static constexpr std::string_view kMadviseKeys[] = {"op", "page", "advice", "for", "when"};
    static constexpr std::string_view kSyncFileRangeKeys[] = {"op", "page", "wait_before", "write", "wait_after", "for", "when"};
    switch (k) {
      case OpKind::SyncFileRange:
        return kSyncFileRangeKeys;
      case OpKind::Disk:
        return kExitKeys;
      case OpKind::Write:
      case OpKind::ProcMemWrite:
      case OpKind::Read:
        return kWriteKeys;
      case OpKind::OdirectRead:
        return kOdirectReadKeys;
      case OpKind::Fork:
        return kForkKeys;
      case OpKind::PinLongterm:
        return kPinLongtermKeys;
      case OpKind::Unpin:
        return kUnpinKeys;
      case OpKind::Dma:
      case OpKind::PinRead:
        return kDmaKeys;
      case OpKind::OdirectWrite:
        return kOdirectWriteKeys;
      case OpKind::Vmsplice:
        return kVmspliceKeys;
      case OpKind::PinUserPages:
        return kPinUserPagesKeys;
      case OpKind::Munmap:
      case OpKind::SwapOut:
      case OpKind::Mlock:
      case OpKind::Munlock:
      case OpKind::Msync:
      case OpKind::HoldPageLock:
        return kMunmapKeys;
      case OpKind::Exit:
      case OpKind::ClearRefs:
        return kExitKeys;
      case OpKind::KsmScan:
        return kKsmScanKeys;
      case OpKind::Wait:
        return kWaitKeys;
      case OpKind::Mprotect:
        return kMprotectKeys;
      case OpKind::Madvise:
        return kMadviseKeys;
    }
    INVARIANT(false, "an op with no keys listed");
    return {};
  }

  // An op that is switched off (its thread's or its own `when` is 0, or its `for` is
  // empty): its name and its keys are checked all the same, its values are not (they may
  // be meaningful only when it is on).
  void check_disabled_op(const toml::node& on) const {
    if (!on.is_table()) fail(on, "an op is a table such as { op = \"write\", page = 0, half = 1 }");
    const toml::table& ot = *on.as_table();
    const toml::node* kn = ot.get("op");
    if (!kn) fail(on, "an op needs 'op' (one of " + op_names() + ")");
    check_keys(ot, op_keys(op_kind(*kn)));
  }

  void load_op(unsigned tid, const toml::node& on, const toml::table& ot, const Env& env) {
    ThreadDef& td = sc_.threads[tid];
    validate::op_count(td, pos(on));
    const toml::node* kn = ot.get("op");
    if (!kn) fail(on, "an op needs 'op' (one of " + op_names() + ")");
    Op op;
    op.kind = op_kind(*kn);
    op.line = static_cast<int>(on.source().begin.line);
    check_keys(ot, op_keys(op.kind));
    auto need_process = [&] { validate::op_in_process(td, op.kind, pos(on)); };
    auto page = [&] {
      long v = req_int(ot, "page", env);
      validate::page(v, params_, pos(*ot.get("page")));
      return static_cast<u8>(v);
    };
    auto half = [&] {
      long v = req_int(ot, "half", env);
      validate::half(v, pos(*ot.get("half")));
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
        need_process();
        op.page = page();
        op.half = half();
        op.write_id = new_write(tid, td.mm, op.page, op.half, false, pos(on));
        break;
      case OpKind::Read:
        need_process();
        op.page = page();
        op.half = half();
        break;
      case OpKind::OdirectRead:
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
        need_process();
        const toml::node* cn = ot.get("child");
        if (!cn || !cn->is_string()) fail(on, "'fork' needs 'child' (the name of a [[process]] with no VMAs)");
        unsigned c = process(*cn);
        validate::fork_child(p_, td.mm, c, pos(*cn));
        sc_.processes[c].initial = false;
        op.child = static_cast<u8>(c);
        break;
      }
      case OpKind::PinLongterm: {
        need_process();
        op.page = page();
        op.foll_pin = ot.get("foll_pin") && req_int(ot, "foll_pin", env) != 0;
        op.foll_longterm = true;
        op.pin = new_pin(pin_name(ot, td.name + ":pin@" + std::to_string(op.page)), tid, op.page, true, on);
        sc_.pins[op.pin].foll_pin = op.foll_pin;
        break;
      }
      case OpKind::Unpin:
        pin_ref(true);
        break;
      case OpKind::Dma:      // a device writes through the pin
      case OpKind::PinRead:  // the holder reads through it
        op.half = half();
        pin_ref(true);
        break;
      case OpKind::OdirectWrite:
        need_process();
        op.page = page();
        op.half = half();
        op.gup_write = false;  // the device reads memory: GUP without FOLL_WRITE
        op.foll_pin = ot.get("foll_pin") && req_int(ot, "foll_pin", env) != 0;
        op.pin = new_pin(td.name + ":odirect_write@" + std::to_string(op.page), tid, op.page, false, on);
        set_pin_kind(op.pin, /*write=*/false, op.foll_pin);
        break;
      case OpKind::Vmsplice:
        need_process();
        op.page = page();
        op.gup_write = false;  // iov_iter_get_pages: FOLL_GET, read-only
        op.pin = new_pin(pin_name(ot, td.name + ":vmsplice@" + std::to_string(op.page)), tid, op.page, false, on);
        set_pin_kind(op.pin, /*write=*/false, /*foll_pin=*/false);
        break;
      case OpKind::PinUserPages: {
        need_process();
        op.page = page();
        op.foll_pin = true;
        op.gup_write = opt_flag(ot, "write", env, true);
        op.gup_fast = opt_flag(ot, "fast", env, false);
        bool longterm = opt_flag(ot, "longterm", env, true);
        op.foll_longterm = longterm;
        op.pin = new_pin(pin_name(ot, td.name + ":pin@" + std::to_string(op.page)), tid, op.page, longterm, on);
        set_pin_kind(op.pin, op.gup_write, /*foll_pin=*/true);
        break;
      }
      case OpKind::Munmap:
      case OpKind::SwapOut:
      case OpKind::Mlock:
      case OpKind::Munlock:
      case OpKind::Msync:
      case OpKind::HoldPageLock:  // (the page is the one the process maps there when the lock is taken)
        need_process();
        op.page = page();
        break;
      case OpKind::Exit:
      case OpKind::ClearRefs:
        need_process();
        break;
      case OpKind::SyncFileRange:  // (model/writeback.cpp checks the page and the flags)
        need_process();
        op.page = page();
        op.sync_flags = static_cast<u8>((opt_flag(ot, "wait_before", env, false) ? kSyncWaitBefore : 0) |
                                        (opt_flag(ot, "write", env, false) ? kSyncWrite : 0) |
                                        (opt_flag(ot, "wait_after", env, false) ? kSyncWaitAfter : 0));
        break;
      case OpKind::Disk:  // a device's op (model/writeback.cpp)
        break;
      case OpKind::KsmScan: {
        need_process();  // ksmd works in the process's mm (use_mm-free: it takes its mmap_sem)
        op.page = page();
        long m = req_int(ot, "merge", env);
        validate::ksm_merge(m, op.page, pos(*ot.get("merge")));
        op.merge = static_cast<u8>(m);
        break;
      }
      case OpKind::Wait: {
        need_process();
        const toml::node* pn = ot.get("process");
        if (!pn || !pn->is_string()) fail(on, "'wait' needs 'process' (the child it waits for)");
        op.child = static_cast<u8>(process(*pn));
        validate::wait_target(td.mm, op.child, pos(*pn));
        break;
      }
      case OpKind::Mprotect: {
        need_process();
        op.page = page();
        op.prot_write = choice(ot, on, "prot", {"r", "rw"},
                               "'prot' must be \"r\" (PROT_READ) or \"rw\" (PROT_READ|PROT_WRITE)") == 1;
        break;
      }
      case OpKind::Madvise: {
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

  // Pins named by ops (unpin, dma, pin_read) are resolved once every op is read; a DMA's
  // value is meant for the pin's owner and page.
  void resolve_pins() {
    for (const PendingPinRef& r : pin_refs_) {
      u8 slot = validate::pin_named(sc_, r.name, r.pos);
      Op& op = sc_.threads[r.thread].ops[r.op];
      op.pin = slot;
      if (op.kind == OpKind::Dma) {
        const PinDef& p = sc_.pins[slot];
        op.write_id = new_write(r.thread, p.owner_mm, p.vpage, op.half, true, r.pos);
      }
    }
  }
};

}  // namespace

ParsedScenario parse_scenario(const std::string& file, const std::map<std::string, long>& overrides) {
  return Parser(file, overrides).parse();
}

}  // namespace cow
