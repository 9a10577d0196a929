/* The parent side of runs: a scratch directory, a key file, one child
 * process per run (its peak RSS is the run's own; a crash is a verdict),
 * and a line per finished run. */
#include "runner.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* 32 bytes for cipher filters: from /dev/urandom, else the clock (a test
 * key: it protects nothing). */
static int write_key(const char *path)
{
	uint8_t key[32];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC), out;
	unsigned i;

	if (fd < 0 || read(fd, key, sizeof(key)) != (ssize_t)sizeof(key)) {
		uint64_t x = (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32;
		for (i = 0; i < sizeof(key); i++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			key[i] = (uint8_t)(x >> 56);
		}
	}
	if (fd >= 0)
		close(fd);
	out = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (out < 0 || write(out, key, sizeof(key)) != (ssize_t)sizeof(key)) {
		if (out >= 0)
			close(out);
		return hb_fail(HB_EIO, "run: key file %s: %s", path, strerror(errno));
	}
	close(out);
	return 0;
}

int scn_runner_init(struct scn_runner *rn, bool quiet, FILE *out)
{
	const char *tmp = getenv("TMPDIR");

	memset(rn, 0, sizeof(*rn));
	rn->quiet = quiet;
	rn->out = out;
	progress_show_init(&rn->show, quiet);
	rn->started = progress_now();
	snprintf(rn->scratch, sizeof(rn->scratch), "%s/hiblab-run-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(rn->scratch))
		return hb_fail(HB_EIO, "run: scratch directory %s: %s", rn->scratch, strerror(errno));
	snprintf(rn->keyfile, sizeof(rn->keyfile), "%s/key", rn->scratch);
	return write_key(rn->keyfile);
}

static void remove_run_files(const struct scn_runner *rn, unsigned index)
{
	static const char *const kinds[] = { "img", "disk" };
	char path[700];
	unsigned i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/run-%u.%s", rn->scratch, index, kinds[i]);
		unlink(path);
	}
}

void scn_runner_fini(struct scn_runner *rn)
{
	if (!rn->scratch[0])
		return;
	unlink(rn->keyfile);
	rmdir(rn->scratch);
	rn->scratch[0] = '\0';
}

/* The fields of res that describe r; the run itself fills in the rest. */
static void describe(struct scn_result *res, const struct scn_run *r)
{
	memset(res, 0, sizeof(*res));
	res->index = r->index;
	snprintf(res->scenario, sizeof(res->scenario), "%s", r->scenario);
	snprintf(res->part, sizeof(res->part), "%s", r->part);
	snprintf(res->memory, sizeof(res->memory), "%s", r->memory_label);
	snprintf(res->disk, sizeof(res->disk), "%s", r->disk_label);
	snprintf(res->chain, sizeof(res->chain), "%s", r->chain_label);
	snprintf(res->fault, sizeof(res->fault), "%s", r->fault);
	snprintf(res->expect, sizeof(res->expect), "%s", scn_expect_name(r->expect));
	res->chunk_pages = r->chunk_pages;
	res->cycles = r->cycles;
	res->qemu = r->qemu;
	res->kernel = r->kernel;
	scn_run_meta(res);
	if (r->qemu)
		snprintf(res->guest_kernel, sizeof(res->guest_kernel), "%.255s",
			 r->guest_kernel[0] ? r->guest_kernel : "default");
	snprintf(res->machine, sizeof(res->machine), "%s",
		 !r->qemu ? "sim" : r->libvirt ? "libvirt" : "qemu");
}

static void print_line(struct scn_runner *rn, const struct scn_result *res)
{
	char verdict[600], id[200];

	progress_show_clear(&rn->show);
	if (rn->quiet && res->met)
		return;
	scn_result_verdict_text(res, verdict, sizeof(verdict));
	snprintf(id, sizeof(id), "%s%s%s", res->scenario, res->part[0] ? "/" : "", res->part);
	fprintf(rn->out, "[%u/%u] %-4s %s%s%s%s  ratio %.2f  suspend %.1f MB/s  resume %.1f MB/s  "
			 "rss %.1f MiB  %s: %s | %s | %s | fault=%s\n",
		rn->done, rn->total, res->met ? "ok" : "FAIL", verdict,
		res->met ? "" : " (expected ", res->met ? "" : res->expect, res->met ? "" : ")",
		res->ratio, res->suspend_mbps, res->resume_mbps, (double)res->rss_kib / 1024.0, id,
		res->memory, res->disk, res->chain, res->fault);
	fflush(rn->out);
}

static int read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = (uint8_t *)buf;

	while (len) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* "run 3/10 (all ETA 15 s): COMBO" before a run starts: in place on a
 * terminal (the run's own progress redraws it), a line to a pipe.  The ETA
 * is the pace of the runs done so far; none is known before the first. */
static void show_start(struct scn_runner *rn, const struct scn_run *r)
{
	char eta[32], line[1400];
	double left = -1.0;

	if (rn->done)
		left = (progress_now() - rn->started) / rn->done * (rn->total - rn->done);
	progress_eta_text(left, eta, sizeof(eta));
	snprintf(rn->all_eta, sizeof(rn->all_eta), "all ETA %s", eta);
	snprintf(line, sizeof(line), "run %u/%u (%s): %s", rn->done + 1, rn->total, rn->all_eta,
		 r->combo);
	progress_show_status(&rn->show, line);
}

int scn_runner_run(struct scn_runner *rn, const struct scn_run *r, struct scn_result *res)
{
	int fds[2], status = 0;
	pid_t pid;
	bool got;

	show_start(rn, r);
	fflush(NULL);  /* nothing buffered may be written twice */
	if (pipe(fds) != 0)
		return hb_fail(HB_EIO, "run: pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return hb_fail(HB_EIO, "run: fork: %s", strerror(errno));
	}
	if (pid == 0) {
		struct scn_result mine;
		ssize_t n;
		close(fds[0]);
		describe(&mine, r);
		if (r->qemu)
			scn_run_qemu(rn, r, &mine);
		else
			scn_run_here(rn, r, &mine);
		scn_result_spread(&mine);
		n = write(fds[1], &mine, sizeof(mine));
		fflush(NULL);
		_exit(n == (ssize_t)sizeof(mine) ? 0 : 1);
	}
	close(fds[1]);
	got = read_all(fds[0], res, sizeof(*res)) == 0;
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	remove_run_files(rn, r->index);
	if (!got) {
		describe(res, r);
		res->verdict = SCN_VERDICT_CRASH;
		if (WIFSIGNALED(status))
			snprintf(res->reason, sizeof(res->reason), "the run's process died of signal "
				 "%d", WTERMSIG(status));
		else
			snprintf(res->reason, sizeof(res->reason), "the run's process exited %d "
				 "without a result", WEXITSTATUS(status));
	}
	rn->done++;
	print_line(rn, res);
	return 0;
}
