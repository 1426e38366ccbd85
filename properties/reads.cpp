// Read sets of a grounded property's conjuncts, by signature function (see
// properties/signature.cpp for what each function reads in the State).
#include "properties/reads.hpp"

#include <string_view>

namespace cow {

namespace {

struct Walker {
  const Ground& g;
  const Scenario& sc;
  ConjunctReads out;
  std::vector<char> seen;

  const SigFunction* fn_of(const GNode& n) const {
    for (const SigFunction& f : signature())
      if (f.eval == n.fn) return &f;
    return nullptr;
  }
  // Argument j of an application: its constant value, or -1 when it is a term.
  long arg_const(int node, unsigned j) const {
    const GNode& n = g.at(node);
    if (n.baked) return n.args[j];
    const GNode& k = g.at(g.kids_of(node)[j]);
    return k.k == K::Const ? k.v : -1;
  }
  ResMask col_of(long v) const { return v < 0 ? res::kAllCols : res::col(static_cast<unsigned>(v)); }
  ResMask mm_of(long m) const { return m < 0 ? res::kAllMm : (m < long{kMaxMms} ? res::mm(static_cast<unsigned>(m)) : 0); }
  ResMask pin_col(long p) const {
    if (p < 0) return res::kAllCols;
    if (static_cast<std::size_t>(p) >= sc.pins.size()) return 0;  // no_pin
    return res::col(sc.pins[static_cast<std::size_t>(p)].vpage);
  }
  // The frame argument of a frame function: a constant frame is looked up per state; a
  // PTE's or a pin's frame lies in that PTE's or pin's column.
  void frame_arg(int node) {
    long f = arg_const(node, 0);
    if (f >= 0) {
      if (f < long{kMaxFrames}) out.frames.push_back(static_cast<u8>(f));
      return;
    }
    int k = g.kids_of(node)[0];
    const GNode& kn = g.at(k);
    const SigFunction* kf = kn.k == K::App ? fn_of(kn) : nullptr;
    if (kf && kf->name == "pte_frame") out.fixed |= col_of(arg_const(k, 1));
    else if (kf && kf->name == "pin_frame") out.fixed |= pin_col(arg_const(k, 0));
    else out.fixed |= res::kAllCols | res::kFree;
  }

  void app(int node) {
    const SigFunction* f = fn_of(g.at(node));
    if (!f) { out.fixed |= res::kAll; return; }
    if (f->is_static) return;
    const std::string_view n = f->name;
    if (n == "mm_alive" || n.starts_with("vma_")) out.fixed |= mm_of(arg_const(node, 0));
    else if (n.starts_with("pte_")) out.fixed |= mm_of(arg_const(node, 0)) | col_of(arg_const(node, 1));
    else if (n == "refcount" || n == "mapcount" || n == "pincount" || n == "mapped_count" ||
             n == "pinned_count" || n == "frame_free" || n == "frame_anon" || n == "anon_exclusive" || n == "frame_pagecache" ||
             n == "file_writable" || n == "frame_ksm" || n.starts_with("page_") ||
             n == "data_h0" || n == "data_h1")
      frame_arg(node);
    else if (n == "pin_active" || n == "pin_released" || n == "pin_frame" || n == "pin_dma_done")
      out.fixed |= pin_col(arg_const(node, 0));
    else if (n.starts_with("thread_")) {
      long t = arg_const(node, 0);
      if (t < 0) out.fixed |= res::kAllThr;
      else if (static_cast<std::size_t>(t) < sc.threads.size()) out.fixed |= res::thr(static_cast<unsigned>(t));
    } else if (n == "mmap_lock_readers" || n == "mmap_lock_writer") {
      long m = arg_const(node, 0);
      out.fixed |= m < 0 ? ((res::mmap(0) << kMaxMms) - res::mmap(0)) : (m < long{kMaxMms} ? res::mmap(static_cast<unsigned>(m)) : 0);
    } else if (n == "ptl_holder") out.fixed |= res::kAllPtl | mm_of(arg_const(node, 0));
    else if (n == "table_shared" || n == "table_modified_shared")  // which table, and its entries
      out.fixed |= mm_of(arg_const(node, 0)) | res::kAllCols;
    else out.fixed |= res::kAll;  // all_finished outside (=> all_finished X), or a new function
  }

  void walk(int node) {
    if (seen[static_cast<std::size_t>(node)]) return;
    seen[static_cast<std::size_t>(node)] = 1;
    const GNode& n = g.at(node);
    if (n.k == K::App) app(node);
    for (unsigned j = 0; j < n.nkids; ++j) walk(g.kids_of(node)[j]);
  }
};

bool is_all_finished(const Ground& g, int node) {
  const GNode& n = g.at(node);
  if (n.k != K::App) return false;
  for (const SigFunction& f : signature())
    if (f.eval == n.fn) return f.name == "all_finished";
  return false;
}

void split(const Ground& g, int node, std::vector<int>& parts) {
  if (g.at(node).k == K::And) {
    for (unsigned j = 0; j < g.at(node).nkids; ++j) split(g, g.kids_of(node)[j], parts);
    return;
  }
  parts.push_back(node);
}

}  // namespace

std::vector<int> conjunct_roots(const Ground& g) {
  std::vector<int> parts, out;
  if (g.root >= 0) split(g, g.root, parts);
  for (int p : parts)
    if (g.at(p).k != K::Const) out.push_back(p);  // true (a false one fails at load)
  return out;
}

ConjunctReads conjunct_reads(const Ground& g, int p, const Scenario& sc) {
  const GNode& n = g.at(p);
  if (n.k == K::Implies && n.nkids == 2 && is_all_finished(g, g.kids_of(p)[0])) return ConjunctReads{0, {}, true};
  Walker w{g, sc, {}, std::vector<char>(g.nodes.size(), 0)};
  w.walk(p);
  return std::move(w.out);
}

}  // namespace cow
