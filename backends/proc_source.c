/* proc: the resident pages of a live process, read through /proc/PID/pagemap
 * and /proc/PID/mem, so a chain can be measured on the memory of a real
 * workload without writing a dump first.  docs/WRITERS.md, "`proc:PID`",
 * says which pages and what a user without root gets.
 *
 * The process is stopped (SIGSTOP) for as long as the source is open: open
 * walks its mappings and page tables once and keeps the present pages as a
 * list of runs (memory grows with the number of runs, not of pages); read
 * preads /proc/PID/mem at those addresses; close sends SIGCONT, and so does
 * every failure after the stop.  A process that was stopped before stays
 * stopped.  Signals go through a pidfd, so a pid reused after the process
 * exited never receives them. */
#include "core/error.h"
#include "core/plugin.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

/* pagemap entry bits: Documentation/admin-guide/mm/pagemap.rst */
#define PM_PRESENT (1ull << 63)
#define PM_FILE_OR_SHARED (1ull << 61)
/* task flag of a kernel thread (include/linux/sched.h): it has no memory */
#define PF_KTHREAD_FLAG 0x00200000u
/* a stop waits for a thread leaving an uninterruptible sleep; past this
 * the process is given up on (and continued) */
#define STOP_WAIT_MS 5000
/* the walk's buffer: 8192 pagemap entries (32 MiB of address space) or
 * 2730 scanned ranges a call */
#define SCRATCH_BYTES 65536u

enum proc_what { PROC_ALL, PROC_ANON };

struct proc_conf {
	int64_t pid;
	unsigned what;  /* enum proc_what */
};

/* first .. first+pages-1 of the source are the pages at addr.. */
struct proc_run {
	uint64_t addr;
	uint64_t first;
	uint64_t pages;
};

struct proc_priv {
	int pid;
	int pidfd;
	int mem_fd;
	int map_fd;
	bool stopped_by_us;
	bool scan_works;    /* PAGEMAP_SCAN answered once: its errors are real */
	bool scan_missing;  /* this kernel has no PAGEMAP_SCAN: read pagemap */
	uint32_t page_size;
	struct proc_run *runs;
	size_t run_count, run_cap;
	uint64_t pages;
};

static int signal_process(const struct proc_priv *s, int sig)
{
	if (s->pidfd >= 0)
		return (int)syscall(SYS_pidfd_send_signal, s->pidfd, sig, NULL, 0);
	return kill(s->pid, sig);
}

/* The state letter and the flags of one task's stat file ("pid (comm) S
 * ppid pgrp session tty tpgid flags ..."); comm may hold spaces and ')'. */
static int read_stat(const char *path, char *state, unsigned *flags)
{
	char buf[1024];
	const char *end;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	end = strrchr(buf, ')');
	if (!end || sscanf(end + 1, " %c %*d %*d %*d %*d %*d %u", state, flags) != 2)
		return -1;
	return 0;
}

static bool stopped_state(char state)
{
	/* T: stopped, t: stopped by a tracer, Z/X: a thread that has exited */
	return state == 'T' || state == 't' || state == 'Z' || state == 'X';
}

/* true when every thread of the process is stopped; -1 when it is gone */
static int all_threads_stopped(int pid)
{
	char path[64], task[96];
	struct dirent *d;
	DIR *dir;
	int stopped = 1;

	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while (stopped == 1 && (d = readdir(dir)) != NULL) {
		char state;
		unsigned flags;

		if (d->d_name[0] == '.')
			continue;
		/* thread ids are numbers: %.20s only bounds the text */
		snprintf(task, sizeof(task), "%s/%.20s/stat", path, d->d_name);
		if (read_stat(task, &state, &flags) == 0 && !stopped_state(state))
			stopped = 0;
	}
	closedir(dir);
	return stopped;
}

static int wait_stopped(const struct proc_priv *s)
{
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 1000000 };
	int ms;

	for (ms = 0; ms < STOP_WAIT_MS; ms++) {
		int r = all_threads_stopped(s->pid);
		if (r < 0)
			return hb_fail(HB_EIO, "proc: process %d exited before it could be read",
				       s->pid);
		if (r == 1)
			return 0;
		nanosleep(&tick, NULL);
	}
	return hb_fail(HB_EIO, "proc: process %d did not stop within %d s (a thread in an "
			       "uninterruptible wait?)", s->pid, STOP_WAIT_MS / 1000);
}

/* Which process, and may it be stopped at all: refused before any signal. */
static int check_process(struct proc_priv *s, const struct proc_conf *c, bool *was_stopped)
{
	char path[64], state;
	unsigned flags;

	s->pid = (int)c->pid;
	if (s->pid == 1)
		return hb_fail(HB_EUSAGE, "proc:1: PID 1 (init) is never stopped");
	if (s->pid == (int)getpid())
		return hb_fail(HB_EUSAGE, "proc:%d: that is this hiblab itself", s->pid);
	snprintf(path, sizeof(path), "/proc/%d/stat", s->pid);
	if (read_stat(path, &state, &flags) != 0)
		return hb_fail(HB_EUSAGE, "proc:%d: no process %d", s->pid, s->pid);
	if (flags & PF_KTHREAD_FLAG)
		return hb_fail(HB_EUSAGE, "proc:%d: a kernel thread has no memory of its own",
			       s->pid);
	if (state == 'Z' || state == 'X')
		return hb_fail(HB_EUSAGE, "proc:%d: a zombie (it has exited; no memory is left)",
			       s->pid);
	*was_stopped = state == 'T' || state == 't';
	return 0;
}

/* /proc/PID/x, with what a refusal means said once */
static int open_proc_file(const struct proc_priv *s, const char *name, int *fd)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", s->pid, name);
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	if (*fd >= 0)
		return 0;
	if (errno == ENOENT || errno == ESRCH)
		return hb_fail(HB_EUSAGE, "proc:%d: no process %d", s->pid, s->pid);
	if (errno == EACCES || errno == EPERM)
		return hb_fail(HB_EIO, "proc:%d: %s: %s (another user's process needs root or "
				       "CAP_SYS_PTRACE)", s->pid, path, strerror(errno));
	return hb_fail(HB_EIO, "proc:%d: %s: %s", s->pid, path, strerror(errno));
}

/* pages [addr, addr + count pages) are present: extend the last run or
 * start one */
static int add_pages(struct proc_priv *s, uint64_t addr, uint64_t count)
{
	struct proc_run *last = s->run_count ? &s->runs[s->run_count - 1] : NULL;

	if (last && last->addr + last->pages * s->page_size == addr) {
		last->pages += count;
	} else {
		if (s->run_count == s->run_cap) {
			size_t cap = s->run_cap ? s->run_cap * 2 : 64;
			struct proc_run *runs =
				(struct proc_run *)realloc(s->runs, cap * sizeof(*runs));
			if (!runs)
				return hb_fail(HB_ENOMEM, "out of memory");
			s->runs = runs;
			s->run_cap = cap;
		}
		s->runs[s->run_count++] =
			(struct proc_run){ .addr = addr, .first = s->pages, .pages = count };
	}
	s->pages += count;
	return 0;
}

/* The PAGEMAP_SCAN ioctl (Linux 6.7; <linux/fs.h> from 6.1 lacks it): the
 * kernel reports present ranges itself, skipping empty page tables, where
 * reading pagemap costs 8 bytes per page of address space even in holes (a
 * sanitizer's shadow: terabytes). The layout is the kernel's ABI. */
#define SCAN_IS_FILE (1ull << 2)
#define SCAN_IS_PRESENT (1ull << 3)
struct scan_region {
	uint64_t start, end, categories;
};
struct scan_arg {
	uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
	uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
#define PAGEMAP_SCAN_IOCTL _IOWR('f', 16, struct scan_arg)

/* 1: [start, end) was scanned; 0: this kernel has no PAGEMAP_SCAN */
static int scan_mapping(struct proc_priv *s, uint64_t start, uint64_t end, unsigned what,
			void *scratch)
{
	struct scan_region *vec = (struct scan_region *)scratch;
	uint64_t file = what == PROC_ANON ? SCAN_IS_FILE : 0;
	struct scan_arg a = { .size = sizeof(a), .start = start, .end = end,
			      .vec = (uint64_t)(uintptr_t)vec,
			      .vec_len = SCRATCH_BYTES / sizeof(*vec),
			      .category_inverted = file, .category_mask = SCAN_IS_PRESENT | file,
			      .return_mask = SCAN_IS_PRESENT };
	int err = 0;

	while (!err && a.start < end) {
		int n = ioctl(s->map_fd, PAGEMAP_SCAN_IOCTL, &a), i;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == ENOTTY || errno == EINVAL) && !s->scan_works)
			return 0;
		if (n < 0 || a.walk_end <= a.start)
			return hb_fail(HB_EIO, "proc:%d: pagemap scan at 0x%llx: %s", s->pid,
				       (unsigned long long)a.start,
				       n < 0 ? strerror(errno) : "no progress");
		s->scan_works = true;
		for (i = 0; !err && i < n; i++)
			err = add_pages(s, vec[i].start, (vec[i].end - vec[i].start) / s->page_size);
		a.start = a.walk_end;
	}
	return err ? err : 1;
}

/* Without PAGEMAP_SCAN: one pagemap entry per page. */
static int read_mapping(struct proc_priv *s, uint64_t start, uint64_t end, unsigned what,
			void *scratch)
{
	uint64_t *entries = (uint64_t *)scratch;
	uint64_t page = start / s->page_size, last = end / s->page_size;
	int err = 0;

	while (!err && page < last) {
		uint64_t batch = SCRATCH_BYTES / 8;
		uint64_t want = last - page < batch ? last - page : batch;
		ssize_t n = pread(s->map_fd, entries, want * 8, (off_t)(page * 8));
		uint64_t i, got;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return hb_fail(HB_EIO, "proc:%d: pagemap at 0x%llx: %s", s->pid,
				       (unsigned long long)(page * s->page_size),
				       n < 0 ? strerror(errno) : "the process exited");
		got = (uint64_t)n / 8;
		for (i = 0; !err && i < got; i++) {
			uint64_t e = entries[i];
			if ((e & PM_PRESENT) && !(what == PROC_ANON && (e & PM_FILE_OR_SHARED)))
				err = add_pages(s, (page + i) * s->page_size, 1);
		}
		page += got;
	}
	return err;
}

/* The present pages of [start, end) (of the kind asked for) into the runs. */
static int add_mapping(struct proc_priv *s, uint64_t start, uint64_t end, unsigned what,
		       void *scratch)
{
	int r = s->scan_missing ? 0 : scan_mapping(s, start, end, what, scratch);

	if (r < 0)
		return r;
	if (r == 1)
		return 0;
	s->scan_missing = true;
	return read_mapping(s, start, end, what, scratch);
}

/* A mapping whose pages /proc/PID/mem cannot give: the kernel's time data
 * (EIO), the legacy vsyscall page (above the user address space), and
 * device memory (VM_IO, VM_PFNMAP: "io", "pf" in VmFlags). */
static bool unreadable_mapping(const char *name, const char *vmflags)
{
	static const char *const special[] = { "[vvar]", "[vvar_vclock]", "[vsyscall]" };
	size_t i;

	for (i = 0; i < sizeof(special) / sizeof(special[0]); i++) {
		if (strcmp(name, special[i]) == 0)
			return true;
	}
	return strstr(vmflags, " io") != NULL || strstr(vmflags, " pf") != NULL;
}

/* Walk /proc/PID/smaps: each mapping's range, name, resident size and
 * flags; the pagemap is read only for mappings with resident pages. */
static int walk_mappings(struct proc_priv *s, unsigned what)
{
	char path[64], name[512] = "";
	unsigned long long start = 0, end = 0, rss_kb = 0;
	/* zeroed: PAGEMAP_SCAN fills it through an ioctl memcheck does not know */
	void *scratch = calloc(1, SCRATCH_BYTES);
	char *line = NULL;
	size_t line_cap = 0;
	bool have = false;
	FILE *f = NULL;
	int err = 0;

	snprintf(path, sizeof(path), "/proc/%d/smaps", s->pid);
	if (!scratch) {
		err = hb_fail(HB_ENOMEM, "out of memory");
		goto out;
	}
	f = fopen(path, "re");
	if (!f) {
		err = hb_fail(HB_EIO, "proc:%d: %s: %s", s->pid, path, strerror(errno));
		goto out;
	}
	while (!err && getline(&line, &line_cap, f) > 0) {
		unsigned long long a, b;
		int name_at = 0;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llx-%llx %*s %*s %*s %*s %n", &a, &b, &name_at) == 2 &&
		    name_at > 0) {
			start = a;
			end = b;
			rss_kb = 0;
			snprintf(name, sizeof(name), "%s", line + name_at);
			have = true;
		} else if (have && sscanf(line, "Rss: %llu kB", &a) == 1) {
			rss_kb = a;
		} else if (have && strncmp(line, "VmFlags:", 8) == 0) {
			/* the last line of a mapping's block */
			if (rss_kb > 0 && !unreadable_mapping(name, line + 8))
				err = add_mapping(s, start, end, what, scratch);
			have = false;
		}
	}
	if (!err && ferror(f))
		err = hb_fail(HB_EIO, "proc:%d: %s: read error", s->pid, path);
out:
	if (f)
		fclose(f);
	free(line);
	free(scratch);
	return err;
}

static void proc_continue(struct proc_priv *s)
{
	if (s->stopped_by_us)
		(void)signal_process(s, SIGCONT);
	s->stopped_by_us = false;
}

static int proc_open(void *priv, const void *conf, struct hb_source_info *info)
{
	struct proc_priv *s = (struct proc_priv *)priv;
	const struct proc_conf *c = (const struct proc_conf *)conf;
	bool was_stopped = false;
	int err;

	s->pidfd = s->mem_fd = s->map_fd = -1;
	s->page_size = (uint32_t)sysconf(_SC_PAGESIZE);
	err = check_process(s, c, &was_stopped);
	/* both files first: a process we may not read is refused untouched */
	if (!err)
		err = open_proc_file(s, "mem", &s->mem_fd);
	if (!err)
		err = open_proc_file(s, "pagemap", &s->map_fd);
	if (err)
		goto out;
	/* without pidfds (before Linux 5.3) signals go by pid */
	s->pidfd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (!was_stopped) {
		if (signal_process(s, SIGSTOP) != 0) {
			err = hb_fail(errno == ESRCH ? HB_EUSAGE : HB_EIO, "proc:%d: stop: %s",
				      s->pid, strerror(errno));
			goto out;
		}
		s->stopped_by_us = true;
	}
	err = wait_stopped(s);
	if (!err)
		err = walk_mappings(s, c->what);
	if (err)
		goto out;
	info->page_size = s->page_size;
	info->bytes = s->pages * s->page_size;
out:
	if (err)
		proc_continue(s);  /* a failure after the stop leaves it running */
	return err;
}

/* The run holding source page p (p < s->pages). */
static const struct proc_run *find_run(const struct proc_priv *s, uint64_t p)
{
	size_t lo = 0, hi = s->run_count;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->runs[mid].first <= p)
			lo = mid;
		else
			hi = mid;
	}
	return &s->runs[lo];
}

static int read_failed(const struct proc_priv *s, uint64_t addr, ssize_t n)
{
	char state;
	unsigned flags;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", s->pid);
	if (read_stat(path, &state, &flags) != 0 || state == 'Z' || state == 'X')
		return hb_fail(HB_EIO, "proc:%d: the process exited while it was being read",
			       s->pid);
	return hb_fail(HB_EIO, "proc:%d: read at 0x%llx: %s", s->pid, (unsigned long long)addr,
		       n < 0 ? strerror(errno) : "the mapping is gone");
}

static int proc_read(void *priv, uint64_t first, uint32_t count, uint8_t *buf)
{
	struct proc_priv *s = (struct proc_priv *)priv;
	uint64_t p = first, end = first + count;

	while (p < end && p < s->pages) {
		const struct proc_run *r = find_run(s, p);
		uint64_t in_run = r->first + r->pages - p;
		uint64_t n = end - p < in_run ? end - p : in_run;
		uint64_t addr = r->addr + (p - r->first) * s->page_size;
		uint8_t *dst = buf + (p - first) * s->page_size;
		size_t len = (size_t)n * s->page_size, got = 0;

		while (got < len) {
			ssize_t k = pread(s->mem_fd, dst + got, len - got, (off_t)(addr + got));
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0)
				return read_failed(s, addr + got, k);
			got += (size_t)k;
		}
		p += n;
	}
	if (p < end)
		memset(buf + (p - first) * s->page_size, 0, (size_t)(end - p) * s->page_size);
	return 0;
}

static void proc_close(void *priv)
{
	struct proc_priv *s = (struct proc_priv *)priv;

	proc_continue(s);
	if (s->mem_fd >= 0)
		close(s->mem_fd);
	if (s->map_fd >= 0)
		close(s->map_fd);
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->mem_fd = s->map_fd = s->pidfd = -1;
	free(s->runs);
	s->runs = NULL;
	s->run_count = s->run_cap = 0;
}

static const struct hb_option proc_options[] = {
	{ .name = "pid", .type = HB_OPT_INT, .flags = HB_OPT_POSITIONAL, .min = 1,
	  .max = 4194304, .help = "the process to read (stopped while it is read)",
	  .offset = offsetof(struct proc_conf, pid) },
	{ .name = "what", .type = HB_OPT_CHOICE, .choices = "all|anon", .def = "all",
	  .help = "resident pages: all (as RSS counts them) or anon (private anonymous only)",
	  .offset = offsetof(struct proc_conf, what) },
	{ .name = NULL },
};

const struct hb_source hb_source_proc = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "proc",
		.help = "resident pages of a live process (stopped while read)",
		.options = proc_options,
		.conf_size = sizeof(struct proc_conf),
		.priv_size = sizeof(struct proc_priv),
	},
	.parallel_read = true,  /* pread of /proc/PID/mem: no shared position */
	.replayable = false,    /* a live process: its pages change once it runs again */
	.open = proc_open,
	.read = proc_read,
	.close = proc_close,
};
