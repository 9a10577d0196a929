/* qemu: one boot of the test guest, its console timed line by line.
 * See backends/qemu.h. */
#include "backends/qemu.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const mark_text[HB_QM_COUNT] = {
	[HB_QM_BOOTED] = "HIBLAB-BOOTED", [HB_QM_FILLED] = "HIBLAB-FILLED",
	[HB_QM_SUSPEND_START] = "HIBLAB-SUSPEND-START",
	[HB_QM_RESTORE_START] = "HIBLAB-RESTORE-START",
	[HB_QM_RESUME_FAILED] = "HIBLAB-RESUME-FAILED", [HB_QM_SWAPON] = "HIBLAB-SWAPON",
	[HB_QM_RESUMED] = "HIBLAB-RESUMED", [HB_QM_VERIFY] = "HIBLAB-VERIFY",
	[HB_QM_DONE] = "HIBLAB-DONE", [HB_QM_POWEROFF] = "HIBLAB-POWEROFF",
};

/* The phase a boot is in once mark m was the last seen: named in timeouts. */
static const char *const phase_after[HB_QM_COUNT] = {
	[HB_QM_BOOTED] = "workload fill", [HB_QM_FILLED] = "suspend trigger",
	[HB_QM_SUSPEND_START] = "suspend (until power-off)",
	[HB_QM_RESTORE_START] = "restore",
	[HB_QM_RESUME_FAILED] = "boot after a refused resume", [HB_QM_SWAPON] = "power-off",
	[HB_QM_RESUMED] = "workload verify", [HB_QM_VERIFY] = "power-off",
	[HB_QM_DONE] = "power-off", [HB_QM_POWEROFF] = "power-off",
};

double hb_qemu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

const char *hb_qemu_guess_accel(void)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return "tcg";
	close(fd);
	return "kvm";
}

/* Appends s (and its NUL) to the store and to argv. */
struct argv_b {
	char **argv;
	unsigned n;
	char *store;
	size_t used, cap;
	bool full;
};

static void arg(struct argv_b *b, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

static void arg(struct argv_b *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->full || b->n + 1 >= HB_QEMU_ARGV || b->used >= b->cap) {
		b->full = true;
		return;
	}
	va_start(ap, fmt);
	n = vsnprintf(b->store + b->used, b->cap - b->used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->cap - b->used) {
		b->full = true;
		return;
	}
	b->argv[b->n++] = b->store + b->used;
	b->argv[b->n] = NULL;
	b->used += (size_t)n + 1;
}

/* Both boots of a cycle get the same machine: type, memory, CPUs, disk.
 * Only the command line's hb_* words differ, which the kernel ignores. */
int hb_qemu_argv(const struct hb_qemu_machine *m, char **argv, char *store, size_t cap)
{
	struct argv_b b = { .argv = argv, .store = store, .cap = cap };

	arg(&b, "%s", m->qemu ? m->qemu : "qemu-system-x86_64");
	arg(&b, "-accel");
	arg(&b, "%s", m->accel);
	arg(&b, "-M");
	arg(&b, "q35");
	arg(&b, "-m");
	arg(&b, "%llu", (unsigned long long)m->mem_mib);
	arg(&b, "-smp");
	arg(&b, "%u", m->vcpus ? m->vcpus : 1);
	/* no VGA, no NIC (its option ROM costs a second under TCG), no monitor */
	arg(&b, "-nodefaults");
	arg(&b, "-display");
	arg(&b, "none");
	arg(&b, "-no-reboot");
	arg(&b, "-serial");
	arg(&b, "stdio");
	arg(&b, "-kernel");
	arg(&b, "%s", m->kernel);
	arg(&b, "-initrd");
	arg(&b, "%s", m->initrd);
	arg(&b, "-append");
	arg(&b, "console=ttyS0 panic=-1 edd=off %s", m->append ? m->append : "");
	arg(&b, "-drive");
	arg(&b, "file=%s,format=raw,if=virtio", m->disk);
	if (b.full)
		return hb_fail(HB_EUSAGE, "qemu: command line too long");
	return 0;
}

struct watch {
	struct hb_qemu_boot *b;
	FILE *log;
	char line[1024];
	size_t len;
	int last;          /* the last mark seen, -1: none */
	bool kernel;       /* the guest kernel printed its banner */
	double last_t;
};

static void on_line(struct watch *w, double t)
{
	struct hb_qemu_boot *b = w->b;
	const char *p;
	unsigned i;

	w->line[w->len] = '\0';
	if (w->log)
		fprintf(w->log, "[host %8.3f] %s\n", t - b->start, w->line);
	/* the guest's console may prefix a line with terminal escapes */
	for (i = 0; i < HB_QM_COUNT; i++) {
		p = strstr(w->line, mark_text[i]);
		if (!p || b->seen[i] > 0)
			continue;
		b->seen[i] = t;
		snprintf(b->text[i], sizeof(b->text[i]), "%s", p);
		w->last = (int)i;
		w->last_t = t;
	}
	if ((p = strstr(w->line, "hiblab: ")) != NULL)
		snprintf(b->error, sizeof(b->error), "%s", p + 8);
	if (strstr(w->line, "Linux version"))
		w->kernel = true;
	if ((p = strstr(w->line, "Image created (")) != NULL)
		b->kernel_pages = strtoull(p + 15, NULL, 10);
	if (strstr(w->line, "KVM internal error") || strstr(w->line, "failed to initialize kvm") ||
	    strstr(w->line, "failed to initialize KVM"))
		b->kvm_failed = true;
	w->len = 0;
}

static void feed(struct watch *w, const char *buf, size_t n, double t)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			on_line(w, t);
		} else if (buf[i] != '\r' && w->len < sizeof(w->line) - 1) {
			w->line[w->len++] = buf[i];
		}
	}
}

int hb_qemu_boot(const struct hb_qemu_machine *m, struct hb_qemu_boot *b)
{
	char store[4096], *argv[HB_QEMU_ARGV];
	struct watch w = { .b = b, .last = -1 };
	int fds[2], status = 0, err;
	bool open_pipe = true;
	pid_t pid;

	memset(b, 0, sizeof(*b));
	err = hb_qemu_argv(m, argv, store, sizeof(store));
	if (err)
		return err;
	w.log = fopen(m->console, "a");
	if (!w.log)
		return hb_fail(HB_EIO, "qemu: console log %s: %s", m->console, strerror(errno));
	fprintf(w.log, "# %s -append '%s' (accel %s)\n", argv[0], m->append, m->accel);
	if (pipe2(fds, O_CLOEXEC) != 0) {
		fclose(w.log);
		return hb_fail(HB_EIO, "qemu: pipe: %s", strerror(errno));
	}
	b->start = w.last_t = hb_qemu_now();
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		fclose(w.log);
		return hb_fail(HB_EIO, "qemu: fork: %s", strerror(errno));
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);
		if (null >= 0)
			dup2(null, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "qemu: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	while (open_pipe) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		char buf[4096];
		int r = poll(&pfd, 1, 200);
		double t = hb_qemu_now();
		if (r > 0) {
			ssize_t n = read(fds[0], buf, sizeof(buf));
			if (n > 0)
				feed(&w, buf, (size_t)n, t);
			else if (n == 0 || errno != EINTR)
				open_pipe = false;
		}
		/* under KVM the kernel speaks at once; a KVM that cannot run the
		 * guest stays silent (and fails only after a minute) */
		if (strcmp(m->accel, "kvm") == 0 && !w.kernel && t - b->start > 10.0)
			b->kvm_failed = true;
		if (b->kvm_failed || t - w.last_t > (double)m->timeout_s) {
			/* a KVM that cannot run the guest hangs qemu: no use waiting */
			if (!b->kvm_failed) {
				b->timed_out = true;
				snprintf(b->phase, sizeof(b->phase), "%s",
					 w.last < 0 ? "boot" : phase_after[w.last]);
			}
			kill(pid, SIGKILL);
			break;
		}
	}
	if (w.len)
		on_line(&w, hb_qemu_now());
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	b->end = hb_qemu_now();
	b->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	fprintf(w.log, "# qemu exit %d after %.3f s%s%s\n", b->status, b->end - b->start,
		b->timed_out ? ", timed out in phase " : "", b->timed_out ? b->phase : "");
	fclose(w.log);
	if (b->status == 127 && b->seen[HB_QM_BOOTED] <= 0)
		return hb_fail(HB_EIO, "qemu: cannot run %s (install qemu-system-x86)", argv[0]);
	return 0;
}
