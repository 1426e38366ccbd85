#include "model/writeback.hpp"

#include "model/input_error.hpp"
#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/page_lock.hpp"
#include "model/pagecache.hpp"
#include "model/paths.hpp"
#include "model/threads.hpp"

namespace cow::kernel {

u8 sync_file_range_frame(const Scenario& sc, unsigned mm, unsigned page) {
  if (mm >= sc.processes.size() || !sc.processes[mm].initial) return kNone;
  const Vma* vma = find_vma(sc.initial, mm, page);
  if (!vma || !is_shared_file(*vma)) return kNone;
  return file_page(*vma, page);
}

namespace {

// The op's next phase after `done` (kPcY1 after the first wait, kPcY2 after the write),
// or past the op when no flag asks for one.
void next_phase(Step& st, u8 next) {
  const u8 flags = st.op().sync_flags;
  if (next == kPcY1 && (flags & (kSyncWrite | kSyncWaitAfter))) return st.go((flags & kSyncWrite) ? kPcY1 : kPcY2);
  if (next == kPcY2 && (flags & kSyncWaitAfter)) return st.go(kPcY2);
  st.finish_op();
}

}  // namespace

// fs/sync.c (2.6.17, f79e2abb9bd4 "[PATCH] sys_sync_file_range()"; the same at 2.6.27),
// do_sync_file_range:
//   if (flags & SYNC_FILE_RANGE_WAIT_BEFORE) {
//           ret = wait_on_page_writeback_range(mapping, offset >> PAGE_CACHE_SHIFT, endbyte >> PAGE_CACHE_SHIFT);
//           if (ret < 0) goto out; }
//   if (flags & SYNC_FILE_RANGE_WRITE) {
//           ret = __filemap_fdatawrite_range(mapping, offset, endbyte, WB_SYNC_NONE);
//           if (ret < 0) goto out; }
//   if (flags & SYNC_FILE_RANGE_WAIT_AFTER)
//           ret = wait_on_page_writeback_range(mapping, offset >> PAGE_CACHE_SHIFT, endbyte >> PAGE_CACHE_SHIFT);
// The -mm patch's LINUX_FADV_ASYNC_WRITE was the same __filemap_fdatawrite_range(WB_SYNC_NONE)
// call, LINUX_FADV_WRITE_WAIT the same wait_on_page_writeback_range (mm/fadvise.c,
// fadvise-async-write-commands.patch, February 2006). No mmap_sem: the range is the file's.
bool step_sync_file_range(Step& st, const Design& d) {
  const Op& op = st.op();
  const u8 f = sync_file_range_frame(st.sc, st.def().mm, op.page);
  INVARIANT(f < kMaxDiskPages, "writeback_stage checks sync_file_range's page");
  Frame& fr = st.s.frames[f];
  u8 pc = st.self().pc;
  if (pc == kPcStart && !(op.sync_flags & kSyncWaitBefore)) pc = (op.sync_flags & kSyncWrite) ? kPcY1 : kPcY2;
  switch (pc) {
    case kPcStart:
      // wait_on_page_writeback_range (mm/filemap.c): for each page of the range with
      // PAGECACHE_TAG_WRITEBACK, wait_on_page_writeback(page): sleeps until PG_writeback clears.
      st.label = "sync_file_range:wait_on_page_writeback(SYNC_FILE_RANGE_WAIT_BEFORE)";
      if (fr.pg & kPgWriteback) return false;
      next_phase(st, kPcY1);
      return true;
    case kPcY1:
      // __filemap_fdatawrite_range -> do_writepages -> write_cache_pages (mm/page-writeback.c, 2.6.27;
      // mpage_writepages in fs/mpage.c at 2.6.17), for each PAGECACHE_TAG_DIRTY page of the range:
      //   lock_page(page); ...
      //   if (wbc->sync_mode != WB_SYNC_NONE)
      //           wait_on_page_writeback(page);
      //   if (PageWriteback(page) || !clear_page_dirty_for_io(page)) { unlock_page(page); continue; }
      //   ret = (*writepage)(page, wbc, data);
      // WB_SYNC_NONE: a page already under write-back is skipped, and stays dirty.
      if (page_locked(st.s, f)) {  // lock_page sleeps
        st.label = "sync_file_range:write_cache_pages:lock_page";
        return false;
      }
      if (fr.pg & kPgWriteback) st.label = "sync_file_range:write_cache_pages(WB_SYNC_NONE):PageWriteback: skipped";
      else if (!(fr.pg & kPgDirty)) st.label = "sync_file_range:write_cache_pages:clean page";
      else if (!clear_page_dirty_for_io_and_writepage(st, d, f)) return false;
      next_phase(st, kPcY2);
      return true;
    case kPcY2:
      st.label = "sync_file_range:wait_on_page_writeback(SYNC_FILE_RANGE_WAIT_AFTER)";
      if (fr.pg & kPgWriteback) return false;
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in sync_file_range");
  }
}

// The disk, for the bio ->writepage submitted (block_write_full_page -> submit_bh):
//   the device reads the page (DMA from memory) at some point after submission;
//   the completion: end_buffer_async_write -> end_page_writeback (mm/filemap.c):
//           if (!test_clear_page_writeback(page)) BUG(); ... wake_up_page(page, PG_writeback);
// A page whose block write-back could not allocate (ENOSPC) puts nothing on the disk.
// The disk serves the lowest frame under write-back first (with one page, every order).
bool step_disk(Step& st) {
  for (unsigned f = 0; f < kMaxDiskPages; ++f) {
    Frame& fr = st.s.frames[f];
    if (!(fr.flags & kFramePageCache) || !(fr.pg & kPgWriteback)) continue;
    const u8 bit = static_cast<u8>(1u << f);
    if (!(st.s.disk_read & bit)) {
      st.label = "bio:the disk reads the page";
      if (fr.pg & kPgBlock) st.s.disk[f] = fr.data;
      st.s.disk_read |= bit;
      return true;
    }
    st.label = "end_page_writeback";
    fr.pg &= static_cast<u8>(~kPgWriteback);
    st.s.disk_read &= static_cast<u8>(~bit);
    return true;
  }
  for (unsigned t = 0; t < st.sc.threads.size(); ++t)
    if (t != st.tid && !thread_finished(st.sc, st.s, t)) return false;
  st.label = "the disk is idle (every thread has finished)";
  st.finish_op();
  return true;
}

}  // namespace cow::kernel

namespace cow {

namespace {

[[noreturn]] void fail_op(const Scenario& sc, const Op& op, const std::string& msg) {
  throw InputError(sc.file, op.line, 0, msg);
}

// The file page and half a write lands in: kNone when it is not a page kept on disk, or
// when its process is a fork child (whose VMAs the initial state does not have).
struct Target {
  u8 frame = kNone;
  bool unknown = false;
};
Target write_target(const Scenario& sc, const WriteDef& w) {
  if (w.mm >= sc.processes.size() || !sc.processes[w.mm].initial) return {kNone, true};
  const Vma* vma = kernel::find_vma(sc.initial, w.mm, w.vpage);
  if (!vma || !(vma->flags & kVmFile)) return {};
  const u8 f = kernel::file_page(*vma, w.vpage);
  return {f < kMaxDiskPages ? f : kNone, false};
}

}  // namespace

void writeback_stage(ParsedScenario& p) {
  Scenario& sc = p.sc;
  const Op* first_write = nullptr;
  const Op* msync = nullptr;
  bool has_disk = false;
  for (const ThreadDef& td : sc.threads)
    for (std::size_t i = 0; i < td.ops.size(); ++i) {
      const Op& op = td.ops[i];
      if (op.kind == OpKind::Msync && !msync) msync = &op;
      if (op.kind == OpKind::Disk) {
        if (td.mm != kNone) fail_op(sc, op, "'disk' is the op of a device thread (device = true)");
        if (td.ops.size() != 1) fail_op(sc, op, "'disk' must be the only op of its thread (it serves I/O until every other thread has finished)");
        if (has_disk) fail_op(sc, op, "a scenario has one 'disk'");
        has_disk = true;
      }
      if (op.kind != OpKind::SyncFileRange) continue;
      sc.tracks_disk = true;
      if (op.sync_flags == 0)
        fail_op(sc, op, "'sync_file_range' needs at least one of wait_before, write, wait_after");
      const u8 f = kernel::sync_file_range_frame(sc, td.mm, op.page);
      if (f == kNone)
        fail_op(sc, op, "'sync_file_range' of page " + std::to_string(op.page) + ": process '" + sc.mm_name(td.mm) +
                            "' has no shared file mapping there (kind = \"file-shared\", declared in the file)");
      if (f >= kMaxDiskPages)
        fail_op(sc, op, "'sync_file_range' of page " + std::to_string(op.page) + ": its page-cache frame#" +
                            std::to_string(f) + " is past the model's bound kMaxDiskPages = " +
                            std::to_string(kMaxDiskPages) + " (declare the file's VMA first)");
      if ((op.sync_flags & kSyncWrite) && !first_write) first_write = &op;
    }
  if (!sc.tracks_disk) return;
  if (msync)
    fail_op(sc, *msync, "'msync' in a scenario with sync_file_range: msync's write-back does not go through the "
                        "disk model (model/writeback.hpp)");
  if (first_write && !has_disk)
    fail_op(sc, *first_write, "'sync_file_range' with write starts I/O that only a 'disk' completes: add a device "
                              "thread with ops = [ { op = \"disk\" } ]");
  // disk_expect: the single writer's last store before its last wait-after sync of the page.
  std::array<std::array<int, kHalves>, kMaxDiskPages> writer{};  // -1 none, -2 several, else the thread
  for (auto& w : writer) w.fill(-1);
  for (const WriteDef& w : sc.writes) {
    const Target t = write_target(sc, w);
    if (t.unknown) return;  // a fork child writes: no expectation anywhere
    if (t.frame == kNone) continue;
    int& who = writer[t.frame][w.half];
    who = (w.dma || (who != -1 && who != w.thread)) ? -2 : w.thread;
  }
  for (unsigned f = 0; f < kMaxDiskPages; ++f)
    for (unsigned h = 0; h < kHalves; ++h) {
      if (writer[f][h] < 0) continue;
      const ThreadDef& td = sc.threads[static_cast<std::size_t>(writer[f][h])];
      u8 last = 0, expect = 0;
      bool valid = false;
      for (const Op& op : td.ops) {
        if (op.write_id != 0 && (op.kind == OpKind::Write || op.kind == OpKind::ProcMemWrite)) {
          const WriteDef& w = sc.writes[op.write_id - 1u];
          if (write_target(sc, w).frame == f && w.half == h) {
            last = op.write_id;
            valid = false;
          }
        }
        if (op.kind == OpKind::SyncFileRange && (op.sync_flags & kSyncWaitAfter) &&
            kernel::sync_file_range_frame(sc, td.mm, op.page) == f) {
          expect = last;
          valid = true;
        }
      }
      if (valid) sc.disk_expect[f][h] = expect;
    }
}

}  // namespace cow
