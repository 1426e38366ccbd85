// The traits table's columns (names, meanings, each value as text and as C++) and the
// order designs are listed in.
#include "model/design_traits.hpp"

#include <charconv>
#include <tuple>
#include <vector>

#include "model/invariant.hpp"

namespace cow {

namespace {

const char* walk_name(GupFastWalk w) {
  switch (w) {
    case GupFastWalk::NoRecheck: return "NoRecheck";
    case GupFastWalk::Recheck: return "Recheck";
  }
  UNREACHABLE("bad GupFastWalk");
}
const char* sync_name(GupFastSync s) {
  switch (s) {
    case GupFastSync::None: return "None";
    case GupFastSync::Brlock: return "Brlock";
    case GupFastSync::WriteProtectSeq: return "WriteProtectSeq";
  }
  UNREACHABLE("bad GupFastSync");
}
const char* tables_name(PageTables p) {
  switch (p) {
    case PageTables::PerMm: return "PerMm";
    case PageTables::SharedCow: return "SharedCow";
  }
  UNREACHABLE("bad PageTables");
}
const char* soft_dirty_name(SoftDirty s) {
  switch (s) {
    case SoftDirty::None: return "None";
    case SoftDirty::Wrprotect: return "Wrprotect";
    case SoftDirty::SkipPinned: return "SkipPinned";
    case SoftDirty::SkipPinnedVmaLocked: return "SkipPinnedVmaLocked";
  }
  UNREACHABLE("bad SoftDirty");
}
const char* reclaim_name(Reclaim r) {
  switch (r) {
    case Reclaim::UnmapsPinned: return "UnmapsPinned";
    case Reclaim::SkipsPinned: return "SkipsPinned";
  }
  UNREACHABLE("bad Reclaim");
}
const char* mlock_name(MlockPopulate m) {
  switch (m) {
    case MlockPopulate::WriteFaultsShared: return "WriteFaultsShared";
    case MlockPopulate::ReadFaultsShared: return "ReadFaultsShared";
  }
  UNREACHABLE("bad MlockPopulate");
}
const char* ksm_protect_name(KsmProtect k) {
  switch (k) {
    case KsmProtect::PtLock: return "PtLock";
    case KsmProtect::ClearFlush: return "ClearFlush";
    case KsmProtect::Brlock: return "Brlock";
  }
  UNREACHABLE("bad KsmProtect");
}
const char* ksm_wrprotect_name(KsmWrprotect k) {
  switch (k) {
    case KsmWrprotect::PteWrite: return "PteWrite";
    case KsmWrprotect::PteWriteOrDirty: return "PteWriteOrDirty";
  }
  UNREACHABLE("bad KsmWrprotect");
}

const char* fault_lock_name(FaultLock f) {
  switch (f) {
    case FaultLock::MmapLock: return "MmapLock";
    case FaultLock::VmaLockAnon: return "VmaLockAnon";
    case FaultLock::VmaLock: return "VmaLock";
    case FaultLock::VmaLockAnonPrepareUnlocked: return "VmaLockAnonPrepareUnlocked";
  }
  UNREACHABLE("bad FaultLock");
}
const char* fork_vma_lock_name(ForkVmaLock f) {
  switch (f) {
    case ForkVmaLock::None: return "None";
    case ForkVmaLock::Every: return "Every";
    case ForkVmaLock::AnonOrWritablePrivate: return "AnonOrWritablePrivate";
    case ForkVmaLock::AnonOrCow: return "AnonOrCow";
    case ForkVmaLock::WithAnonVma: return "WithAnonVma";
  }
  UNREACHABLE("bad ForkVmaLock");
}

std::string yes_no(bool b) { return b ? "yes" : "no"; }
std::string cpp_bool(bool b) { return b ? "true" : "false"; }
template <class E>
std::string cpp_enum(const char* type, const char* (*name)(E), E e) {
  return std::string(type) + "::" + name(e);
}

// "5.9-rc4" -> ({5, 9}, 4); a release sorts after its release candidates (rc 1000).
std::tuple<std::vector<int>, int> version_key(std::string_view v) {
  std::vector<int> nums;
  int rc = 1000;
  std::size_t dash = v.find('-');
  std::string_view main = v.substr(0, dash);
  while (!main.empty()) {
    std::size_t dot = main.find('.');
    std::string_view part = main.substr(0, dot);
    int n = 0;
    std::from_chars(part.data(), part.data() + part.size(), n);
    nums.push_back(n);
    if (dot == std::string_view::npos) break;
    main.remove_prefix(dot + 1);
  }
  if (dash != std::string_view::npos) {
    std::string_view suffix = v.substr(dash + 1);
    if (suffix.starts_with("rc")) suffix.remove_prefix(2);
    rc = 0;
    std::from_chars(suffix.data(), suffix.data() + suffix.size(), rc);
  }
  return {nums, rc};
}

}  // namespace

const char* kind_name(DesignKind k) {
  switch (k) {
    case DesignKind::Release: return "release";
    case DesignKind::Proposal: return "proposal";
  }
  UNREACHABLE("bad DesignKind");
}

std::string ae_barriers_text(unsigned char bits) {
  if (bits == 0) return "none";
  std::string s;
  auto add = [&](AeBarrier b, const char* name) {
    if (bits & b) s += (s.empty() ? "" : ", ") + std::string(name);
  };
  add(kAeShareMb, "share smp_mb");
  add(kAeClearMb, "clear smp_mb__after_atomic");
  add(kAePinMb, "pin smp_mb__after_atomic");
  add(kAeUnshareRmb, "unshare smp_rmb");
  add(kForkSeqMb, "fork smp_mb after raw_write_seqcount_begin");
  return s;
}

namespace {
std::string ae_barriers_cpp(unsigned char bits) {
  if (bits == 0) return "0";
  if (bits == kAeAllBarriers) return "kAeAllBarriers";
  if (bits == (kAeAllBarriers | kForkSeqMb)) return "kAeAllBarriers | kForkSeqMb";
  std::string s;
  for (auto [b, name] : {std::pair{kAeShareMb, "kAeShareMb"}, {kAeClearMb, "kAeClearMb"}, {kAePinMb, "kAePinMb"},
                         {kAeUnshareRmb, "kAeUnshareRmb"}, {kForkSeqMb, "kForkSeqMb"}})
    if (bits & b) s += (s.empty() ? "" : " | ") + std::string(name);
  return s;
}
}  // namespace

const std::array<TraitField, 13>& trait_fields() {
  static const std::array<TraitField, 13> fields{{
      {"gup_fast_walk", "GUP-fast walk", "GUP-fast's PTE walk: get_page with no re-check (x86 gup.c), or grab and re-check the PTE (mm/gup.c)",
       [](const DesignTraits& t) -> std::string { return walk_name(t.gup_fast_walk); },
       [](const DesignTraits& t) { return cpp_enum("GupFastWalk", walk_name, t.gup_fast_walk); }},
      {"gup_fast_sync", "GUP-fast vs fork", "what keeps GUP-fast out of fork's check-then-write-protect window",
       [](const DesignTraits& t) -> std::string { return sync_name(t.gup_fast_sync); },
       [](const DesignTraits& t) { return cpp_enum("GupFastSync", sync_name, t.gup_fast_sync); }},
      {"gup_breaks_cow_for_read", "GUP breaks COW for reads", "FOLL_WRITE forced on COW mappings for every GUP (5.8)",
       [](const DesignTraits& t) { return yes_no(t.gup_breaks_cow_for_read); },
       [](const DesignTraits& t) { return cpp_bool(t.gup_breaks_cow_for_read); }},
      {"page_tables", "page tables", "per-mm PTE pages, or PTE pages shared by fork and copied on the first change",
       [](const DesignTraits& t) -> std::string { return tables_name(t.page_tables); },
       [](const DesignTraits& t) { return cpp_enum("PageTables", tables_name, t.page_tables); }},
      {"anon_exclusive", "PageAnonExclusive", "the design keeps PageAnonExclusive (5.19)",
       [](const DesignTraits& t) { return yes_no(t.anon_exclusive); },
       [](const DesignTraits& t) { return cpp_bool(t.anon_exclusive); }},
      {"soft_dirty", "clear_refs", "what clear_refs' soft-dirty clearing does to PTEs",
       [](const DesignTraits& t) -> std::string { return soft_dirty_name(t.soft_dirty); },
       [](const DesignTraits& t) { return cpp_enum("SoftDirty", soft_dirty_name, t.soft_dirty); }},
      {"reclaim", "reclaim", "whether reclaim unmaps maybe-pinned pages",
       [](const DesignTraits& t) -> std::string { return reclaim_name(t.reclaim); },
       [](const DesignTraits& t) { return cpp_enum("Reclaim", reclaim_name, t.reclaim); }},
      {"mlock", "mlock", "which faults mlock's population takes, under which mmap_lock mode",
       [](const DesignTraits& t) -> std::string { return mlock_name(t.mlock); },
       [](const DesignTraits& t) { return cpp_enum("MlockPopulate", mlock_name, t.mlock); }},
      {"ksm_protect", "KSM vs GUP-fast", "what keeps GUP-fast out of KSM's page_count check",
       [](const DesignTraits& t) -> std::string { return ksm_protect_name(t.ksm_protect); },
       [](const DesignTraits& t) { return cpp_enum("KsmProtect", ksm_protect_name, t.ksm_protect); }},
      {"ksm_wrprotect", "KSM write_protect_page", "which PTEs KSM checks and write-protects (pte_write; or pte_dirty too, 2.6.36)",
       [](const DesignTraits& t) -> std::string { return ksm_wrprotect_name(t.ksm_wrprotect); },
       [](const DesignTraits& t) { return cpp_enum("KsmWrprotect", ksm_wrprotect_name, t.ksm_wrprotect); }},
      {"fault_lock", "fault lock", "what a user page fault locks: mmap_lock, or the VMA's lock (6.4: anonymous VMAs with an anon_vma; 6.18: any)",
       [](const DesignTraits& t) -> std::string { return fault_lock_name(t.fault_lock); },
       [](const DesignTraits& t) { return cpp_enum("FaultLock", fault_lock_name, t.fault_lock); }},
      {"fork_vma_lock", "fork's VMA locks", "which VMAs dup_mmap write-locks (vma_start_write) before copying them",
       [](const DesignTraits& t) -> std::string { return fork_vma_lock_name(t.fork_vma_lock); },
       [](const DesignTraits& t) { return cpp_enum("ForkVmaLock", fork_vma_lock_name, t.fork_vma_lock); }},
      {"ae_barriers", "PageAnonExclusive barriers",
       "the barriers between clearing PageAnonExclusive and GUP-fast's pin (088b8aa537c2, 6.1); they order only "
       "under a weak --memory-model",
       [](const DesignTraits& t) { return ae_barriers_text(t.ae_barriers); },
       [](const DesignTraits& t) { return ae_barriers_cpp(t.ae_barriers); }},
  }};
  return fields;
}

bool kernel_before(std::string_view a, std::string_view b) { return version_key(a) < version_key(b); }

bool design_before(const DesignTraits& a, const DesignTraits& b) {
  const auto ka = version_key(a.kernel), kb = version_key(b.kernel);
  if (ka != kb) return ka < kb;
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.date != b.date) return a.date < b.date;
  return a.name < b.name;
}

}  // namespace cow
