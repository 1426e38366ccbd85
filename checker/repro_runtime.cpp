// The fixed part of every reproducer `cowcheck repro` writes (checker/repro.cpp writes
// the scenario's part around it): the system calls each scenario op stands for, the
// ordering of the ops between threads and processes, the bounded retry loop, and KTAP
// output, in the manner of the kernel's tools/testing/selftests/mm/cow.c.
#include "checker/repro_runtime.hpp"

namespace cow {

// The generated program defines, before this text: N_OPS, N_THREADS, N_MMS, N_PINS,
// N_WRITES, N_VPAGES, the name TEST_NAME, mm_initial[], and declares run_process(),
// check_run() and check_memory().
const char* const kReproRuntime = R"RUNTIME(
/* Not every scenario uses every helper. */
#define MAYBE_UNUSED __attribute__((unused))
#define PAGE 4096
#define HALF 2048
#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21
#endif

/* What a run ends with, worst last: the program's verdict is the worst of its runs. */
enum { RUN_OK = 0, RUN_SKIP = 1, RUN_FAIL = 2, RUN_ERROR = 3 };

/* Shared by every process and thread of a run (MAP_SHARED, created before any fork). */
struct control {
	int done[N_OPS];          /* 1 once the op has returned */
	int seen[N_OPS];          /* the value a read returned: a write id, 0, or -1 (other) */
	pid_t pid[N_MMS];         /* each process of the scenario */
	int thread_done[N_THREADS]; /* 1 once the thread has finished (or its process exited) */
	int threads_finished;
	int processes;            /* processes alive (created and not exited) */
	int checked;              /* processes that have checked their memory at the end */
	int verdict;              /* RUN_* */
	int stop;                 /* set on a skip or an error: every thread gives up */
	char why[512];
};

static MAYBE_UNUSED struct control *ctl;
static MAYBE_UNUSED char *area;             /* the scenario's virtual pages, at one address in every process */
static MAYBE_UNUSED int iteration;          /* which run of the retry loop (it widens the jitter) */
static MAYBE_UNUSED char data_path[64] = "", out_path[64] = "";
static MAYBE_UNUSED int data_fd = -1, out_fd = -1, direct_in = -1, direct_out = -1;
static MAYBE_UNUSED int pipes[N_PINS][2];

static MAYBE_UNUSED void set_verdict(int v, const char *fmt, ...)
{
	va_list ap;
	if (__atomic_load_n(&ctl->verdict, __ATOMIC_SEQ_CST) >= v)
		return;
	__atomic_store_n(&ctl->verdict, v, __ATOMIC_SEQ_CST);
	va_start(ap, fmt);
	vsnprintf(ctl->why, sizeof(ctl->why), fmt, ap);
	va_end(ap);
	if (v == RUN_SKIP || v == RUN_ERROR)
		__atomic_store_n(&ctl->stop, 1, __ATOMIC_SEQ_CST);
}
#define skip_run(...) set_verdict(RUN_SKIP, __VA_ARGS__)
#define error_run(...) set_verdict(RUN_ERROR, __VA_ARGS__)
#define fail_run(...) set_verdict(RUN_FAIL, __VA_ARGS__)

static MAYBE_UNUSED int stopping(void)
{
	return __atomic_load_n(&ctl->stop, __ATOMIC_SEQ_CST);
}

static MAYBE_UNUSED double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Wait until op `op` (of another thread, maybe another process) has returned. */
static MAYBE_UNUSED int wait_op(int op)
{
	double start = now();
	while (!__atomic_load_n(&ctl->done[op], __ATOMIC_ACQUIRE)) {
		if (stopping())
			return -1;
		if (now() - start > 10) {
			error_run("timed out after 10 s waiting for op %d", op);
			return -1;
		}
		sched_yield();
	}
	return 0;
}

static MAYBE_UNUSED void done_op(int op)
{
	__atomic_store_n(&ctl->done[op], 1, __ATOMIC_RELEASE);
}

/* A few hundred to a few ten thousand cycles of delay, different in every run, before an
 * op whose kernel steps the trace interleaves with another thread's: the retry loop
 * sweeps the window. */
static MAYBE_UNUSED void jitter(unsigned salt)
{
	unsigned x = (unsigned)iteration * 2654435761u + salt * 40503u;
	unsigned n = (x >> 8) % (64u << (iteration % 8));
	for (volatile unsigned i = 0; i < n; i++)
		;
}

static MAYBE_UNUSED char *page_addr(int vpage, int half)
{
	return area + (size_t)vpage * PAGE + (size_t)half * HALF;
}

static MAYBE_UNUSED int value_byte(int id)
{
	return 0x40 + id;
}

/* The write id a byte shows: 0 for the initial zeroes, -1 for anything else. */
static MAYBE_UNUSED int value_of(unsigned char b)
{
	if (b == 0)
		return 0;
	if (b > 0x40 && b <= 0x40 + N_WRITES)
		return b - 0x40;
	return -1;
}

static MAYBE_UNUSED void do_store(int vpage, int half, int id)
{
	memset(page_addr(vpage, half), value_byte(id), HALF);
}

static MAYBE_UNUSED void do_load(int op, int vpage, int half)
{
	ctl->seen[op] = value_of(*(volatile unsigned char *)page_addr(vpage, half));
}

/* The data files: data_fd holds, at offset id * PAGE, HALF bytes of value id (what a
 * device writes into memory); out_fd receives what a device reads from memory. */
static MAYBE_UNUSED int open_direct(const char *path, int flags)
{
	int fd = open(path, flags | O_DIRECT);
	if (fd < 0 && errno == EINVAL)
		skip_run("the file system of %s refuses O_DIRECT", path);
	else if (fd < 0)
		error_run("open %s: %s", path, strerror(errno));
	return fd;
}

static MAYBE_UNUSED void do_odirect_read(int vpage, int half, int id)
{
	if (direct_in < 0 && (direct_in = open_direct(data_path, O_RDONLY)) < 0)
		return;
	if (pread(direct_in, page_addr(vpage, half), HALF, (off_t)id * PAGE) != HALF) {
		if (errno == EINVAL)
			skip_run("O_DIRECT read of %d bytes refused (alignment)", HALF);
		else
			error_run("O_DIRECT read: %s", strerror(errno));
	}
}

/* What a device wrote to the out file for op `op` (at op * PAGE) is what that op read. */
static MAYBE_UNUSED void read_back(int op)
{
	unsigned char b;
	if (pread(out_fd, &b, 1, (off_t)op * PAGE) != 1) {
		error_run("reading back what the device wrote: %s", strerror(errno));
		return;
	}
	ctl->seen[op] = value_of(b);
}

static MAYBE_UNUSED void do_odirect_write(int op, int vpage, int half)
{
	if (direct_out < 0 && (direct_out = open_direct(out_path, O_RDWR)) < 0)
		return;
	if (pwrite(direct_out, page_addr(vpage, half), HALF, (off_t)op * PAGE) != HALF) {
		error_run("O_DIRECT write: %s", strerror(errno));
		return;
	}
	read_back(op);
}

/* io_uring with fixed buffers, by raw system calls (no liburing): a ring per pin. */
struct ring {
	int fd;
	unsigned *sq_tail, *sq_mask, *sq_array, *cq_head, *cq_tail, *cq_mask;
	struct io_uring_sqe *sqes;
	struct io_uring_cqe *cqes;
};
static MAYBE_UNUSED struct ring rings[N_PINS];

static MAYBE_UNUSED int ring_setup(struct ring *r)
{
	struct io_uring_params p;
	char *sq, *cq;
	memset(&p, 0, sizeof(p));
	r->fd = (int)syscall(__NR_io_uring_setup, 4, &p);
	if (r->fd < 0) {
		skip_run("io_uring_setup: %s", strerror(errno));
		return -1;
	}
	sq = mmap(NULL, p.sq_off.array + p.sq_entries * sizeof(unsigned), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		  r->fd, IORING_OFF_SQ_RING);
	cq = mmap(NULL, p.cq_off.cqes + p.cq_entries * sizeof(struct io_uring_cqe), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_CQ_RING);
	r->sqes = mmap(NULL, p.sq_entries * sizeof(struct io_uring_sqe), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
		       r->fd, IORING_OFF_SQES);
	if (sq == MAP_FAILED || cq == MAP_FAILED || r->sqes == MAP_FAILED) {
		error_run("mmap of the io_uring rings: %s", strerror(errno));
		return -1;
	}
	r->sq_tail = (unsigned *)(sq + p.sq_off.tail);
	r->sq_mask = (unsigned *)(sq + p.sq_off.ring_mask);
	r->sq_array = (unsigned *)(sq + p.sq_off.array);
	r->cq_head = (unsigned *)(cq + p.cq_off.head);
	r->cq_tail = (unsigned *)(cq + p.cq_off.tail);
	r->cq_mask = (unsigned *)(cq + p.cq_off.ring_mask);
	r->cqes = (struct io_uring_cqe *)(cq + p.cq_off.cqes);
	return 0;
}

/* One READ_FIXED or WRITE_FIXED of HALF bytes between the registered page and fd. */
static MAYBE_UNUSED int ring_rw(struct ring *r, int opcode, int fd, char *addr, off_t off)
{
	unsigned tail = *r->sq_tail, head;
	struct io_uring_sqe *sqe = &r->sqes[tail & *r->sq_mask];
	int res;
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = (unsigned char)opcode;
	sqe->fd = fd;
	sqe->addr = (unsigned long)addr;
	sqe->len = HALF;
	sqe->off = (unsigned long long)off;
	sqe->buf_index = 0;
	r->sq_array[tail & *r->sq_mask] = tail & *r->sq_mask;
	__atomic_store_n(r->sq_tail, tail + 1, __ATOMIC_RELEASE);
	if (syscall(__NR_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0) < 0) {
		error_run("io_uring_enter: %s", strerror(errno));
		return -1;
	}
	head = *r->cq_head;
	if (head == __atomic_load_n(r->cq_tail, __ATOMIC_ACQUIRE)) {
		error_run("io_uring: no completion");
		return -1;
	}
	res = r->cqes[head & *r->cq_mask].res;
	__atomic_store_n(r->cq_head, head + 1, __ATOMIC_RELEASE);
	if (res != HALF) {
		error_run("io_uring fixed-buffer I/O returned %d", res);
		return -1;
	}
	return 0;
}

/* io_uring_register(IORING_REGISTER_BUFFERS): pin_user_pages(FOLL_WRITE | FOLL_LONGTERM). */
static MAYBE_UNUSED void do_iouring_pin(int pin, int vpage)
{
	struct iovec iov = {page_addr(vpage, 0), PAGE};
	if (ring_setup(&rings[pin]) < 0)
		return;
	if (syscall(__NR_io_uring_register, rings[pin].fd, IORING_REGISTER_BUFFERS, &iov, 1) < 0) {
		if (errno == ENOMEM)
			skip_run("IORING_REGISTER_BUFFERS: ENOMEM (RLIMIT_MEMLOCK?)");
		else
			error_run("IORING_REGISTER_BUFFERS: %s", strerror(errno));
	}
}

static MAYBE_UNUSED void do_iouring_unpin(int pin)
{
	if (syscall(__NR_io_uring_register, rings[pin].fd, IORING_UNREGISTER_BUFFERS, NULL, 0) < 0)
		error_run("IORING_UNREGISTER_BUFFERS: %s", strerror(errno));
	close(rings[pin].fd);
}

/* The device writes through the pin: IORING_OP_READ_FIXED from the data file. */
static MAYBE_UNUSED void do_iouring_dma(int pin, int vpage, int half, int id)
{
	ring_rw(&rings[pin], IORING_OP_READ_FIXED, data_fd, page_addr(vpage, half), (off_t)id * PAGE);
}

/* The holder reads through the pin: IORING_OP_WRITE_FIXED to the out file, read back. */
static MAYBE_UNUSED void do_iouring_read(int op, int pin, int vpage, int half)
{
	if (ring_rw(&rings[pin], IORING_OP_WRITE_FIXED, out_fd, page_addr(vpage, half), (off_t)op * PAGE) == 0)
		read_back(op);
}

/* mm/gup_test.h: PIN_LONGTERM_TEST_* (CONFIG_GUP_TEST, debugfs), as cow.c uses it. */
struct pin_longterm_test {
	unsigned long long addr, size;
	unsigned int flags;
};
#define PIN_LONGTERM_TEST_START _IOW('g', 7, struct pin_longterm_test)
#define PIN_LONGTERM_TEST_STOP _IO('g', 8)
#define PIN_LONGTERM_TEST_READ _IOW('g', 9, unsigned long long)
#define PIN_LONGTERM_TEST_FLAG_USE_WRITE 1
#define PIN_LONGTERM_TEST_FLAG_USE_FAST 2
static MAYBE_UNUSED int gup_fd[N_PINS];

static MAYBE_UNUSED void do_gup_test_pin(int pin, int vpage, int write, int fast)
{
	struct pin_longterm_test args = {(unsigned long)page_addr(vpage, 0), PAGE,
					 (write ? PIN_LONGTERM_TEST_FLAG_USE_WRITE : 0) | (fast ? PIN_LONGTERM_TEST_FLAG_USE_FAST : 0)};
	gup_fd[pin] = open("/sys/kernel/debug/gup_test", O_RDWR);
	if (gup_fd[pin] < 0) {
		skip_run("/sys/kernel/debug/gup_test: %s (CONFIG_GUP_TEST and debugfs are needed)", strerror(errno));
		return;
	}
	if (ioctl(gup_fd[pin], PIN_LONGTERM_TEST_START, &args))
		error_run("PIN_LONGTERM_TEST_START: %s", strerror(errno));
}

static MAYBE_UNUSED void do_gup_test_read(int op, int pin, int half)
{
	static char buf[PAGE];
	unsigned long long addr = (unsigned long)buf;
	if (ioctl(gup_fd[pin], PIN_LONGTERM_TEST_READ, &addr)) {
		error_run("PIN_LONGTERM_TEST_READ: %s", strerror(errno));
		return;
	}
	ctl->seen[op] = value_of((unsigned char)buf[half * HALF]);
}

static MAYBE_UNUSED void do_gup_test_unpin(int pin)
{
	if (ioctl(gup_fd[pin], PIN_LONGTERM_TEST_STOP))
		error_run("PIN_LONGTERM_TEST_STOP: %s", strerror(errno));
	close(gup_fd[pin]);
}

/* vmsplice(2) of the page into the pin's pipe: the pipe holds a GUP reference. */
static MAYBE_UNUSED void do_vmsplice(int pin, int vpage)
{
	struct iovec iov = {page_addr(vpage, 0), PAGE};
	if (vmsplice(pipes[pin][1], &iov, 1, 0) != PAGE)
		error_run("vmsplice: %s", strerror(errno));
}

static MAYBE_UNUSED char pipe_buf[N_PINS][PAGE];
static MAYBE_UNUSED int pipe_drained[N_PINS];

static MAYBE_UNUSED void drain_pipe(int pin)
{
	ssize_t got = 0, n;
	if (pipe_drained[pin])
		return;
	pipe_drained[pin] = 1;
	while (got < PAGE && (n = read(pipes[pin][0], pipe_buf[pin] + got, PAGE - got)) > 0)
		got += n;
	if (got != PAGE)
		error_run("read of the pipe: %s", strerror(errno));
}

static MAYBE_UNUSED void do_pipe_read(int op, int pin, int half)
{
	drain_pipe(pin);
	ctl->seen[op] = value_of((unsigned char)pipe_buf[pin][half * HALF]);
}

/* MADV_PAGEOUT, and /proc/self/pagemap to see whether the page went to swap (cow.c does
 * the same and skips when it did not). */
static MAYBE_UNUSED void do_swap_out(int vpage)
{
	unsigned long long entry = 0;
	int fd;
	if (madvise(page_addr(vpage, 0), PAGE, MADV_PAGEOUT)) {
		skip_run("MADV_PAGEOUT: %s", strerror(errno));
		return;
	}
	fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &entry, sizeof(entry), (off_t)((unsigned long)page_addr(vpage, 0) / PAGE) * 8) != 8) {
		skip_run("/proc/self/pagemap: %s", strerror(errno));
	} else if (!(entry & (1ULL << 62))) {
		skip_run("MADV_PAGEOUT did not swap the page out (is swap enabled?)");
	}
	if (fd >= 0)
		close(fd);
}

/* write(2) to /proc/self/mem: get_user_pages(FOLL_WRITE | FOLL_FORCE). */
static MAYBE_UNUSED void do_proc_mem_write(int vpage, int half, int id)
{
	char buf[HALF];
	int fd = open("/proc/self/mem", O_RDWR);
	memset(buf, value_byte(id), HALF);
	if (fd < 0) {
		skip_run("/proc/self/mem: %s", strerror(errno));
		return;
	}
	if (pwrite(fd, buf, HALF, (off_t)(unsigned long)page_addr(vpage, half)) < 0 && errno != EFAULT && errno != EIO)
		error_run("write to /proc/self/mem: %s", strerror(errno));
	close(fd);
}

static MAYBE_UNUSED void do_clear_refs(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY);
	if (fd < 0 || write(fd, "4", 1) != 1)
		skip_run("echo 4 > /proc/self/clear_refs: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

static MAYBE_UNUSED void check_syscall(int ret, const char *what)
{
	if (ret)
		error_run("%s: %s", what, strerror(errno));
}

/* A thread killed by SIGSEGV or SIGBUS stops, as the model's killed thread does. */
static __thread MAYBE_UNUSED sigjmp_buf *thread_jmp;

static MAYBE_UNUSED void on_fault(int sig)
{
	if (thread_jmp)
		siglongjmp(*thread_jmp, sig);
	_exit(128 + sig);
}

static MAYBE_UNUSED void thread_finished(int t)
{
	if (!__atomic_exchange_n(&ctl->thread_done[t], 1, __ATOMIC_SEQ_CST))
		__atomic_add_fetch(&ctl->threads_finished, 1, __ATOMIC_SEQ_CST);
}

/* After its threads: wait for every thread of every process, check this process's memory
 * (check_memory, generated), then leave; the first process waits for the others. */
static MAYBE_UNUSED void wait_all_threads(void)
{
	double start = now();
	while (__atomic_load_n(&ctl->threads_finished, __ATOMIC_SEQ_CST) < N_THREADS && !stopping()) {
		if (now() - start > 10) {
			error_run("timed out after 10 s waiting for the other threads");
			return;
		}
		sched_yield();
	}
}

static MAYBE_UNUSED void process_exits(void)
{
	__atomic_sub_fetch(&ctl->processes, 1, __ATOMIC_SEQ_CST);
}

/* One run: set up the scenario's memory and files, run its processes, check. */
static MAYBE_UNUSED int one_run(void)
{
	char buf[HALF];
	int id, status;
	pid_t pid;

	ctl = mmap(NULL, sizeof(*ctl), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	area = mmap(NULL, (size_t)N_VPAGES * PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (ctl == MAP_FAILED || area == MAP_FAILED)
		return RUN_ERROR;
	memset(ctl, 0, sizeof(*ctl));
	for (int i = 0; i < N_OPS; i++)
		ctl->seen[i] = -2;
	strcpy(data_path, "/var/tmp/cowcheck-repro-data-XXXXXX");
	strcpy(out_path, "/var/tmp/cowcheck-repro-out-XXXXXX");
	data_fd = mkstemp(data_path);
	out_fd = mkstemp(out_path);
	if (data_fd < 0 || out_fd < 0) {
		printf("# mkstemp in /var/tmp: %s\n", strerror(errno));
		return RUN_ERROR;
	}
	for (id = 1; id <= N_WRITES; id++) {
		memset(buf, value_byte(id), HALF);
		if (pwrite(data_fd, buf, HALF, (off_t)id * PAGE) != HALF)
			return RUN_ERROR;
	}
	if (ftruncate(out_fd, (off_t)(N_OPS + 1) * PAGE) || fsync(data_fd))
		return RUN_ERROR;
	for (int p = 0; p < N_PINS; p++)
		if (pipe(pipes[p]))
			return RUN_ERROR;
	signal(SIGSEGV, on_fault);
	signal(SIGBUS, on_fault);

	for (int mm = 0; mm < N_MMS; mm++)
		ctl->processes += mm_initial[mm];
	for (int mm = 0; mm < N_MMS; mm++) {
		if (!mm_initial[mm])
			continue;
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			run_process(mm);	/* never returns */
		ctl->pid[mm] = pid;
	}
	for (int mm = 0; mm < N_MMS; mm++) {
		if (!mm_initial[mm])
			continue;
		waitpid(ctl->pid[mm], &status, 0);
		if (!stopping() && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
			error_run("process %d of the scenario ended with status %#x", mm, status);
	}
	if (!stopping())
		check_run();
	unlink(data_path);
	unlink(out_path);
	close(data_fd);
	close(out_fd);
	for (int p = 0; p < N_PINS; p++) {
		close(pipes[p][0]);
		close(pipes[p][1]);
	}
	id = ctl->verdict;
	if (id != RUN_OK)
		printf("# run %d: %s\n", iteration, ctl->why);
	fflush(stdout);
	munmap(area, (size_t)N_VPAGES * PAGE);
	munmap(ctl, sizeof(*ctl));
	return id;
}

/* The retry loop: at most `runs` runs, or until `seconds` have passed, or the first run
 * that fails; KTAP on stdout (kselftest exit codes: 0 pass, 1 fail, 4 skip). */
static MAYBE_UNUSED int retry_loop(int runs, double seconds)
{
	double start = now();
	int worst = RUN_OK, r = RUN_OK, done = 0;
	char why[512] = "";
	printf("TAP version 13\n1..1\n");
	for (iteration = 0; iteration < runs; iteration++) {
		pid_t pid;
		int status;
		fflush(stdout);
		pid = fork();
		if (pid == 0)
			_exit(one_run());
		waitpid(pid, &status, 0);
		r = WIFEXITED(status) ? WEXITSTATUS(status) : RUN_ERROR;
		done++;
		if (r > worst) {
			worst = r;
			snprintf(why, sizeof(why), "run %d", iteration);
		}
		if (r != RUN_OK || now() - start > seconds)
			break;
	}
	if (worst == RUN_OK) {
		printf("ok 1 %s (%d run%s)\n", TEST_NAME, done, done == 1 ? "" : "s");
	} else if (worst == RUN_SKIP) {
		printf("ok 1 %s # SKIP (see the reason above)\n", TEST_NAME);
	} else if (worst == RUN_FAIL) {
		printf("not ok 1 %s (%s of %d)\n", TEST_NAME, why, done);
	} else {
		printf("not ok 1 %s # error (%s)\n", TEST_NAME, why);
	}
	printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:%d\n", worst == RUN_OK, worst == RUN_FAIL,
	       worst == RUN_SKIP, worst == RUN_ERROR);
	return worst == RUN_OK ? 0 : worst == RUN_SKIP ? 4 : 1;
}
)RUNTIME";

}  // namespace cow
