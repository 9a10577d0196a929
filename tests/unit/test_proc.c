/* The proc: source on a child process this test starts: its pattern comes
 * back bit-exact, it runs again after the suspend (after a failed one too),
 * a child stopped before stays stopped, and what cannot be read is refused
 * with one line. */
#include "testutil.h"

#include "core/engine.h"
#include "core/error.h"
#include "core/plugin.h"
#include "core/registry.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PATTERN_PAGES 2048u  /* 8 MiB of 4 KiB pages */
#define WORDS (4096u / 8u)

static char dir[256], img[512], target[600], out[512], sink[600], source[64];
static pid_t child = -1;

/* Word w of pattern page p: distinct everywhere, so a page found is the one
 * written, at its place. */
static uint64_t pattern_word(uint64_t p, uint64_t w)
{
	return 0x9e3779b97f4a7c15ull * (p * WORDS + w + 1) ^ 0x5eedull;
}

static void child_fill_and_wait(int ready_fd)
{
	uint64_t *mem = (uint64_t *)mmap(NULL, (size_t)PATTERN_PAGES * 4096, PROT_READ | PROT_WRITE,
					 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t p, w;

	prctl(PR_SET_PDEATHSIG, SIGKILL);  /* never outlives a crashed test */
	if (mem == MAP_FAILED)
		_exit(1);
	for (p = 0; p < PATTERN_PAGES; p++)
		for (w = 0; w < WORDS; w++)
			mem[p * WORDS + w] = pattern_word(p, w);
	if (write(ready_fd, "r", 1) != 1)
		_exit(1);
	for (;;)
		pause();
}

static pid_t start_child(void)
{
	int fds[2];
	char c;
	pid_t pid;

	cr_assert_eq(pipe(fds), 0);
	pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		child_fill_and_wait(fds[1]);
	}
	close(fds[1]);
	cr_assert_eq(read(fds[0], &c, 1), 1, "the child did not fill its memory");
	close(fds[0]);
	return pid;
}

static char state_of(pid_t pid)
{
	char path[64], buf[512], state = '?';
	const char *end;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return '?';
	if (fgets(buf, sizeof(buf), f) && (end = strrchr(buf, ')')) != NULL)
		state = end[2];
	fclose(f);
	return state;
}

/* Waits (up to 2 s) for the state to be, or not to be, stopped. */
static bool settles_stopped(pid_t pid, bool stopped)
{
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 1000000 };
	int i;

	for (i = 0; i < 2000; i++) {
		if ((state_of(pid) == 'T') == stopped)
			return true;
		nanosleep(&tick, NULL);
	}
	return false;
}

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_path(img, sizeof(img), dir, "a.img");
	tu_path(out, sizeof(out), dir, "pages.raw");
	snprintf(target, sizeof(target), "file:%s", img);
	snprintf(sink, sizeof(sink), "file:%s", out);
	child = start_child();
	snprintf(source, sizeof(source), "proc:%d", (int)child);
}

static void teardown(void)
{
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	child = -1;
	tu_rmdir(dir);
}

static int suspend(const char *src, const char *filters, const char *tgt, struct hb_stats *st)
{
	struct hb_suspend_args a = { .source = src, .filters = filters, .target = tgt,
				     .threads = 2 };

	return hb_suspend(&a, st);
}

/* The pattern's pages, in order, somewhere among the restored pages. */
static void assert_pattern_restored(void)
{
	size_t len, pages, p, i;
	uint8_t *got = tu_read_file(out, &len);
	uint64_t *page0 = (uint64_t *)malloc(4096);

	cr_assert(page0);
	for (i = 0; i < WORDS; i++)
		page0[i] = pattern_word(0, i);
	pages = len / 4096;
	for (p = 0; p < pages && memcmp(got + p * 4096, page0, 4096) != 0; p++)
		;
	cr_assert_lt(p, pages, "the pattern's first page is not among the %zu restored", pages);
	cr_assert_leq(p + PATTERN_PAGES, pages, "the pattern is cut short");
	for (i = 0; i < PATTERN_PAGES * WORDS; i++) {
		uint64_t word;
		memcpy(&word, got + p * 4096 + i * 8, 8);
		cr_assert_eq(word, pattern_word(i / WORDS, i % WORDS), "pattern page %zu differs",
			     i / WORDS);
	}
	free(page0);
	free(got);
}

TestSuite(proc, .init = setup, .fini = teardown, .timeout = 60);

Test(proc, round_trip_restores_the_pattern_and_the_child_runs_again)
{
	struct hb_resume_args r = { .target = target, .sink = sink };
	struct hb_header h;
	struct hb_stats st;
	char want[64];
	int err = suspend(source, "zero,lz4,crc32c", target, &st);

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_geq(st.pages, PATTERN_PAGES);
	cr_assert(settles_stopped(child, false), "the child is still stopped: %c",
		  state_of(child));
	cr_assert_eq(hb_inspect(target, &h), 0);
	snprintf(want, sizeof(want), "proc:pid=%d,what=all", (int)child);
	cr_assert_str_eq(h.source, want);
	err = hb_resume(&r, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_pattern_restored();
}

Test(proc, anon_only_still_holds_the_pattern_and_no_more_pages)
{
	struct hb_resume_args r = { .target = target, .sink = sink };
	struct hb_stats all, anon;
	char spec[96];
	int err = suspend(source, "lz4", target, &all);

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	snprintf(spec, sizeof(spec), "%s,what=anon", source);
	err = suspend(spec, "lz4", target, &anon);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_lt(anon.pages, all.pages, "the file pages (libc, the binary) are left out");
	err = hb_resume(&r, &anon);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	assert_pattern_restored();
}

Test(proc, a_failed_suspend_lets_the_child_run_again)
{
	struct hb_stats st;
	char bad[600];
	int err;

	snprintf(bad, sizeof(bad), "file:%s/nodir/x.img", dir);
	err = suspend(source, "lz4", bad, &st);
	cr_assert_eq(err, HB_EUSAGE, "%d: %s", err, hb_detail(err));
	cr_assert(settles_stopped(child, false), "the child was left stopped: %c",
		  state_of(child));
}

Test(proc, a_child_stopped_before_stays_stopped)
{
	struct hb_stats st;
	int err;

	cr_assert_eq(kill(child, SIGSTOP), 0);
	cr_assert(settles_stopped(child, true));
	err = suspend(source, "lz4", target, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(state_of(child), 'T', "hiblab continued a process it had not stopped");
}

Test(proc, verify_refuses_a_proc_image)
{
	struct hb_resume_args r = { .target = target, .verify = true };
	struct hb_stats st;
	int err = suspend(source, "lz4", target, &st);

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	err = hb_resume(&r, &st);
	cr_assert_eq(err, HB_EUSAGE);
	cr_assert(strstr(hb_detail(err), "made from proc, which cannot be read again"), "%s",
		  hb_detail(err));
}

static void assert_refused(const char *src, const char *why)
{
	struct hb_stats st;
	int err = suspend(src, NULL, target, &st);

	cr_assert_eq(err, HB_EUSAGE, "%s: %d: %s", src, err, hb_detail(err));
	cr_assert(strstr(hb_detail(err), why), "%s: %s", src, hb_detail(err));
	cr_assert_eq(tu_exists(img), 0, "%s: an image was written", src);
}

Test(proc, what_cannot_be_read_is_refused_in_one_line)
{
	char spec[64], want[64];
	pid_t gone = fork(), zombie;
	int i;

	cr_assert_geq(gone, 0);
	if (gone == 0)
		_exit(0);
	waitpid(gone, NULL, 0);
	snprintf(spec, sizeof(spec), "proc:%d", (int)gone);
	snprintf(want, sizeof(want), "no process %d", (int)gone);
	assert_refused(spec, want);

	assert_refused("proc:1", "PID 1 (init) is never stopped");
	snprintf(spec, sizeof(spec), "proc:%d", (int)getpid());
	assert_refused(spec, "this hiblab itself");

	zombie = fork();
	cr_assert_geq(zombie, 0);
	if (zombie == 0)
		_exit(0);
	for (i = 0; i < 2000 && state_of(zombie) != 'Z'; i++)
		usleep(1000);
	snprintf(spec, sizeof(spec), "proc:%d", (int)zombie);
	assert_refused(spec, "a zombie");
	waitpid(zombie, NULL, 0);
}

Test(proc, a_process_that_exits_while_read_is_named)
{
	struct hb_instance in;
	struct hb_source_info info;
	const struct hb_source *src;
	uint8_t *buf = (uint8_t *)malloc(32 * 4096);
	int err = hb_instance_from_text(&in, HB_KIND_SOURCE, source, "--source");

	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert(buf);
	src = (const struct hb_source *)in.ops;
	err = src->open(in.priv, in.conf, &info);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(state_of(child), 'T', "open stops the process");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	child = -1;
	err = src->read(in.priv, 0, 32, buf);
	cr_assert_eq(err, HB_EIO);
	cr_assert(strstr(hb_detail(err), "exited while it was being read"), "%s", hb_detail(err));
	src->close(in.priv);
	hb_instance_free(&in);
	free(buf);
}
