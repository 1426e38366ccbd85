// The designs cowcheck knows: each design file registers its class with one line,
//
//   static const cow::RegisterDesign<MyDesign> registered;
//
// and is found by `cowcheck list designs`, `check --design`, `compare` and the design
// matrix; the build compiles every file in model/designs/ (CMake glob), so a new design is
// one new file. The registry also records, for every hook, which design's code a design
// runs (the class that last defined the hook, found at compile time), for the tables of
// `cowcheck list hooks` and the README.
#pragma once
#include <array>
#include <memory>
#include <source_location>
#include <string>
#include <typeinfo>
#include <string_view>
#include <type_traits>
#include <vector>

#include "model/design.hpp"

namespace cow {

// One row per hook: its name in Design, the kernel function(s) it stands for, and its
// declaration (for `cowcheck new-design`, which lists every hook of the base).
struct HookInfo {
  std::string_view name;
  std::string_view kernel;
  std::string_view declaration;
};
inline constexpr std::size_t kHookCount = 14;
const std::array<HookInfo, kHookCount>& hooks();

// Library designs are listed everywhere (list, compare, the design matrix); a test
// fixture (a design that exists to show the checker catching something, in tests/) is
// found by name only.
enum class Registration { Library, TestFixture };

struct RegisteredDesign {
  const Design* design;
  // For each hook (in hooks() order), the name of the design whose code runs it, or ""
  // when it is the shared default in model/design.cpp.
  std::array<std::string_view, kHookCount> hook_origin;
  std::string cpp_class;  // e.g. "cow::designs::V5_19"
  std::string file;       // the registering source file, e.g. "model/designs/v5_19.cpp"
  Registration registration = Registration::Library;
};

void set_design_traits(Design& d, const DesignTraits& t);

namespace detail {
template <class>
struct member_class;
template <class C, class R, class... A>
struct member_class<R (C::*)(A...) const> {
  using type = C;
};
// The design that last defined the hook whose member-function pointer type is M.
template <class M>
constexpr std::string_view origin() {
  using C = typename member_class<M>::type;
  if constexpr (std::is_same_v<C, Design>) return {};
  else return C::kTraits.name;
}
void add_design(std::unique_ptr<Design> d, const std::array<std::string_view, kHookCount>& origins,
                const char* mangled_class, const char* file, Registration r);
}  // namespace detail

template <class D>
struct RegisterDesign {
  explicit RegisterDesign(Registration r = Registration::Library,
                          std::source_location where = std::source_location::current()) {
    static_assert(std::is_base_of_v<Design, D>, "a design derives from Design (through its base design)");
    static_assert(D::kTraits.fork_vma_lock == ForkVmaLock::None || D::kTraits.fault_lock != FaultLock::MmapLock,
                  "kTraits.fork_vma_lock: dup_mmap can write-lock VMAs only in a kernel with per-VMA locks "
                  "(kTraits.fault_lock is MmapLock: patch a design of 6.4 or later, e.g. v6.18)");
    auto d = std::make_unique<D>();
    set_design_traits(*d, D::kTraits);
    // In hooks() order.
    const std::array<std::string_view, kHookCount> origins{
        detail::origin<decltype(&D::copy_one_pte)>(),
        detail::origin<decltype(&D::copy_one_pte_finish)>(),
        detail::origin<decltype(&D::fork_share_table)>(),
        detail::origin<decltype(&D::unshare_table)>(),
        detail::origin<decltype(&D::do_wp_page)>(),
        detail::origin<decltype(&D::do_swap_page)>(),
        detail::origin<decltype(&D::new_anon_page)>(),
        detail::origin<decltype(&D::gup_fast_grab)>(),
        detail::origin<decltype(&D::gup_slow_got_page)>(),
        detail::origin<decltype(&D::gup_must_unshare)>(),
        detail::origin<decltype(&D::can_follow_write_pte)>(),
        detail::origin<decltype(&D::faultin_page)>(),
        detail::origin<decltype(&D::try_to_unmap_share)>(),
        detail::origin<decltype(&D::initial_state)>(),
    };
    detail::add_design(std::move(d), origins, typeid(D).name(), where.file_name(), r);
  }
};

// Every library design, in history order (design_before).
const std::vector<RegisteredDesign>& registered_designs();
const std::vector<const Design*>& all_designs();
// A library design or a test fixture, by name.
const Design* find_design(std::string_view name);
const RegisteredDesign* find_registered(std::string_view name);

}  // namespace cow
