// The registry of designs (filled by RegisterDesign<D> at static initialisation, sorted on
// first use) and the table of hooks.
#include "model/design_registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <cxxabi.h>
#include <string>

#include "model/invariant.hpp"

namespace cow {

namespace {
// Filled during static initialisation, in whatever order the design files' registrars
// run; sorted and frozen by the first call of registered_designs() (from main or a test,
// after static initialisation).
std::vector<RegisteredDesign>& pending() {
  static std::vector<RegisteredDesign> list;
  return list;
}
std::vector<std::unique_ptr<Design>>& owned() {
  static std::vector<std::unique_ptr<Design>> list;
  return list;
}
}  // namespace

const std::array<HookInfo, kHookCount>& hooks() {
  static const std::array<HookInfo, kHookCount> list{{
      {"copy_one_pte", "kernel/fork.c dup_mmap -> mm/memory.c copy_one_pte (copy_present_pte, 5.9+)",
       "bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const override"},
      {"copy_one_pte_finish", "the second half of copy_present_pte, where another CPU may act in between (5.9+)",
       "void copy_one_pte_finish(Step& st, unsigned src, unsigned dst, unsigned v) const override"},
      {"fork_share_table", "copy_pte_range sharing the whole PTE page (COW PTE table RFC)",
       "bool fork_share_table(Step& st, unsigned src, unsigned dst) const override"},
      {"unshare_table", "breaking COW of a shared PTE page before a change (COW PTE table RFC)",
       "void unshare_table(Step& st, unsigned mm) const override"},
      {"do_wp_page", "mm/memory.c do_wp_page (reuse or wp_page_copy; FAULT_FLAG_UNSHARE in 5.19)",
       "VmFault do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override"},
      {"do_swap_page", "mm/memory.c do_swap_page", "VmFault do_swap_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override"},
      {"new_anon_page", "mm/rmap.c page_add_new_anon_rmap", "void new_anon_page(Step& st, u8 f) const override"},
      {"gup_fast_grab", "gup_pte_range's reference on the page (get_page / try_grab_compound_head, PTE re-check)",
       "bool gup_fast_grab(Step& st) const override"},
      {"gup_slow_got_page", "follow_page's reference, slow GUP", "void gup_slow_got_page(Step& st, u8 f) const override"},
      {"gup_must_unshare", "include/linux/mm.h gup_must_unshare (5.19)",
       "bool gup_must_unshare(const State& s, const Op& op, u8 f, const Vma* vma) const override"},
      {"can_follow_write_pte", "mm/gup.c follow_page_pte's FOLL_WRITE test (can_follow_write_pte, 4.9+)",
       "bool can_follow_write_pte(const State& s, const Pte& pte, const Vma& vma, FollFlags flags) const override"},
      {"faultin_page", "mm/gup.c faultin_page: the GUP flags after a fault (VM_FAULT_WRITE, FOLL_COW)",
       "FollFlags faultin_page(FollFlags flags, VmFault ret, const Vma& vma) const override"},
      {"try_to_unmap_share", "mm/rmap.c try_to_unmap_one: page_try_share_anon_rmap (5.19)",
       "bool try_to_unmap_share(Step& st, u8 f) const override"},
      {"initial_state", "the scenario's populated pages as the design sees them",
       "void initial_state(const Scenario& sc, State& s) const override"},
  }};
  return list;
}

void set_design_traits(Design& d, const DesignTraits& t) { d.traits_ = &t; }

void detail::add_design(std::unique_ptr<Design> d, const std::array<std::string_view, kHookCount>& origins,
                        const char* mangled_class, const char* file, Registration r) {
  int status = 0;
  char* demangled = abi::__cxa_demangle(mangled_class, nullptr, nullptr, &status);
  std::string cls = status == 0 && demangled ? demangled : mangled_class;
  std::free(demangled);
  std::string path = file;  // as the compiler saw it: keep the part from model/ or tests/ on
  for (const char* top : {"/model/designs/", "/tests/"})
    if (auto at = path.rfind(top); at != std::string::npos) {
      path = path.substr(at + 1);
      break;
    }
  pending().push_back(RegisteredDesign{d.get(), origins, cls, path, r});
  owned().push_back(std::move(d));
}

namespace {
// Library designs and fixtures, sorted; names checked unique and bases registered.
const std::vector<RegisteredDesign>& every_design() {
  static const std::vector<RegisteredDesign> sorted = [] {
    std::vector<RegisteredDesign> v = pending();
    std::sort(v.begin(), v.end(), [](const RegisteredDesign& a, const RegisteredDesign& b) {
      return design_before(a.design->traits(), b.design->traits());
    });
    for (std::size_t i = 1; i < v.size(); ++i)
      INVARIANT(v[i].design->name() != v[i - 1].design->name(),
                "two design classes register the name '" + std::string(v[i].design->name()) +
                    "' (a design class must define its own kTraits)");
    for (const RegisteredDesign& r : v) {
      const std::string_view base = r.design->traits().base;
      if (base.empty()) continue;
      bool found = false;
      for (const RegisteredDesign& b : v) found |= b.design->name() == base;
      INVARIANT(found, "design '" + std::string(r.design->name()) + "' names base '" + std::string(base) +
                           "', which is not registered");
    }
    return v;
  }();
  return sorted;
}
}  // namespace

const std::vector<RegisteredDesign>& registered_designs() {
  static const std::vector<RegisteredDesign> library = [] {
    std::vector<RegisteredDesign> v;
    for (const RegisteredDesign& r : every_design())
      if (r.registration == Registration::Library) v.push_back(r);
    return v;
  }();
  return library;
}

const std::vector<const Design*>& all_designs() {
  static const std::vector<const Design*> list = [] {
    std::vector<const Design*> v;
    for (const RegisteredDesign& r : registered_designs()) v.push_back(r.design);
    return v;
  }();
  return list;
}

const RegisteredDesign* find_registered(std::string_view name) {
  for (const RegisteredDesign& r : every_design())
    if (r.design->name() == name) return &r;
  return nullptr;
}

const Design* find_design(std::string_view name) {
  const RegisteredDesign* r = find_registered(name);
  return r ? r->design : nullptr;
}

}  // namespace cow
