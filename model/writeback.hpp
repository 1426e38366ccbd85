// Write-back I/O as the application drives it: sync_file_range(2) (fs/sync.c, 2.6.17),
// which replaced the -mm patch's posix_fadvise() commands LINUX_FADV_ASYNC_WRITE and
// LINUX_FADV_WRITE_WAIT (LWN, "Tweaks to madvise() and posix_fadvise()", February 2006),
// and the disk that serves the I/O it starts.
//
// The I/O of one page has three steps, as in the kernel: write_cache_pages starts it
// (clear_page_dirty_for_io, ->writepage: set_page_writeback, submit_bio), the disk reads
// the page's data at some later step (the bio's DMA), and the completion ends it
// (end_page_writeback). A store to the page in between (the PTE write-protected by
// page_mkclean faults, ->page_mkwrite, set_page_dirty) dirties it again, and may or may
// not be in what the disk read. The disk's contents are State::disk, kept for the first
// kMaxDiskPages page-cache frames in scenarios with sync_file_range.
#pragma once
#include "model/design.hpp"
#include "model/scenario_stages.hpp"

namespace cow::kernel {

// The page-cache frame behind virtual page `page` of process mm's shared file VMA (the
// initial state's VMAs: the file does not move). kNone when there is none.
u8 sync_file_range_frame(const Scenario& sc, unsigned mm, unsigned page);

// sync_file_range(fd, offset of the page, PAGE_SIZE, flags), a step per phase:
// SYNC_FILE_RANGE_WAIT_BEFORE (wait_on_page_writeback_range), SYNC_FILE_RANGE_WRITE
// (__filemap_fdatawrite_range(WB_SYNC_NONE): skips a page already under write-back),
// SYNC_FILE_RANGE_WAIT_AFTER (wait_on_page_writeback_range again).
bool step_sync_file_range(Step& st, const Design& d);

// The disk (a device thread's op): reads a page under write-back, then completes its I/O
// (end_page_writeback); finishes when nothing is in flight and every other thread has
// finished.
bool step_disk(Step& st);

}  // namespace cow::kernel

namespace cow {

// Loading, after the initial state is built: the checks of sync_file_range and disk ops
// (each an InputError at the op's line) and Scenario::tracks_disk, Scenario::disk_expect.
void writeback_stage(ParsedScenario& p);

}  // namespace cow
