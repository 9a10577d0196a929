/* qemu: one boot of the test guest, its console timed line by line.
 * See backends/qemu.h. */
#include "backends/qemu.h"
#include "backends/guest_console.h"
#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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
	if (m->cpu && *m->cpu) {
		arg(&b, "-cpu");
		arg(&b, "%s", m->cpu);
	}
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
	if (m->disk_bps)  /* QEMU's own block throttling: a slower disk, reads and writes */
		arg(&b, "file=%s,format=raw,if=virtio,throttling.bps-total=%llu", m->disk,
		    (unsigned long long)m->disk_bps);
	else
		arg(&b, "file=%s,format=raw,if=virtio", m->disk);
	if (b.full)
		return hb_fail(HB_EUSAGE, "qemu: command line too long");
	return 0;
}

/* Types line and Enter at the guest's serial input; a guest that is gone
 * gets nothing (MSG_NOSIGNAL: no SIGPIPE). */
static void type_line(int fd, const char *line)
{
	size_t len = strlen(line);
	char enter = '\r';

	while (len) {
		ssize_t n = send(fd, line, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		line += n;
		len -= (size_t)n;
	}
	while (send(fd, &enter, 1, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
}

int hb_qemu_boot(const struct hb_qemu_machine *m, struct hb_qemu_boot *b)
{
	char store[4096], *argv[HB_QEMU_ARGV], answer[256];
	struct hb_console con;
	int fds[2], keys[2] = { -1, -1 }, status = 0, err;
	bool open_pipe = true;
	pid_t pid;

	memset(b, 0, sizeof(*b));
	err = hb_qemu_argv(m, argv, store, sizeof(store));
	if (!err)
		err = hb_console_begin(&con, m, b, argv[0]);
	if (err)
		return err;
	if (pipe2(fds, O_CLOEXEC) != 0) {
		err = hb_fail(HB_EIO, "qemu: pipe: %s", strerror(errno));
		goto out;
	}
	/* the guest's serial input: a socket, so that typing into a qemu that
	 * is gone fails quietly instead of raising SIGPIPE */
	if (m->prompt && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, keys) != 0) {
		close(fds[0]);
		close(fds[1]);
		err = hb_fail(HB_EIO, "qemu: socketpair: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		err = hb_fail(HB_EIO, "qemu: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		int in = keys[1] >= 0 ? keys[1] : open("/dev/null", O_RDONLY);
		if (in >= 0)
			dup2(in, STDIN_FILENO);
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		execvp(argv[0], argv);
		fprintf(stderr, "qemu: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	if (keys[1] >= 0) {
		close(keys[1]);
		keys[1] = -1;
	}
	while (open_pipe) {
		struct pollfd pfd = { .fd = fds[0], .events = POLLIN };
		char buf[4096];
		int r = poll(&pfd, 1, 200);
		double t = hb_qemu_now();
		if (r > 0) {
			ssize_t n = read(fds[0], buf, sizeof(buf));
			if (n > 0)
				hb_console_feed(&con, buf, (size_t)n, t);
			else if (n == 0 || errno != EINTR)
				open_pipe = false;
		}
		if (keys[0] >= 0 && hb_console_answer(&con, answer, sizeof(answer)))
			type_line(keys[0], answer);
		/* a KVM that cannot run the guest hangs qemu: no use waiting */
		if (hb_console_expired(&con, t)) {
			kill(pid, SIGKILL);
			break;
		}
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	b->status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	if (b->status == 127 && b->seen[HB_QM_BOOTED] <= 0)
		err = hb_fail(HB_EIO, "qemu: cannot run %s (install qemu-system-x86)", argv[0]);
out:
	if (keys[0] >= 0)
		close(keys[0]);
	if (keys[1] >= 0)
		close(keys[1]);
	explicit_bzero(answer, sizeof(answer));
	b->end = hb_qemu_now();
	hb_console_end(&con);
	return err;
}
