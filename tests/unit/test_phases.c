/* Where the time went (core/phase_time.c): every phase of a suspend and a
 * resume is filled and they add up; the wall-time model behind the engine
 * seconds, alone and in the pipeline with a source that sleeps. */
#include "testutil.h"

#include "core/chain.h"
#include "core/engine.h"
#include "core/error.h"
#include "core/phase_time.h"
#include "core/pipeline.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <unistd.h>

#define WORKED 5

/* The checks every call's times pass: no phase below zero, the ones that
 * worked above it, absent at zero, the sum within threads x wall, and the
 * engine seconds (without the source or the sink) within the call's. */
static void check_times(const struct hb_stats *st, const char *what,
			const enum hb_phase worked[WORKED], enum hb_phase absent)
{
	double sum = 0.0;
	unsigned p;

	for (p = 0; p < HB_PHASES; p++) {
		cr_assert_geq(st->phase_seconds[p], 0.0, "%s: %s", what,
			      hb_phase_name((enum hb_phase)p));
		sum += st->phase_seconds[p];
	}
	cr_assert_gt(st->seconds, 0.0, "%s", what);
	cr_assert_leq(sum, st->threads * st->seconds * 1.0001, "%s: %f thread-s in %f s on %u",
		      what, sum, st->seconds, st->threads);
	for (p = 0; p < WORKED; p++)
		cr_assert_gt(st->phase_seconds[worked[p]], 0.0, "%s: %s", what,
			     hb_phase_name(worked[p]));
	cr_assert_lt(st->phase_seconds[absent], 1e-12, "%s: %s", what, hb_phase_name(absent));
	/* the engine's MB/s is above the plain figure: the source or sink left out */
	cr_assert_gt(st->engine_seconds, 0.0, "%s", what);
	cr_assert_lt(st->engine_seconds, st->seconds, "%s", what);
}

Test(phases, suspend_and_resume_fill_every_phase)
{
	char dir[256], img[512], target[600];
	struct hb_suspend_args s = { .source = "sim:mixed,size=4MiB,seed=3",
				     .filters = "zero,lz4,crc32c", .threads = 2 };
	struct hb_resume_args r = { .verify = true, .threads = 2 };
	static const enum hb_phase suspend_work[WORKED] = { HB_PHASE_SOURCE, HB_PHASE_FILTERS,
		HB_PHASE_DIGEST, HB_PHASE_TARGET, HB_PHASE_COMMIT };
	static const enum hb_phase resume_work[WORKED] = { HB_PHASE_TARGET, HB_PHASE_FILTERS,
		HB_PHASE_DIGEST, HB_PHASE_SINK, HB_PHASE_COMMIT };
	struct hb_stats st;
	int err;

	tu_mkdir(dir, sizeof(dir));
	snprintf(target, sizeof(target), "file:%s", tu_path(img, sizeof(img), dir, "a.img"));
	s.target = r.target = target;
	err = hb_suspend(&s, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	cr_assert_eq(st.threads, 2);
	check_times(&st, "suspend", suspend_work, HB_PHASE_SINK);

	err = hb_resume(&r, &st);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	check_times(&st, "resume", resume_work, HB_PHASE_SOURCE);
	tu_rmdir(dir);
}

Test(phases, names)
{
	cr_assert_str_eq(hb_phase_name(HB_PHASE_SOURCE), "source");
	cr_assert_str_eq(hb_phase_name(HB_PHASE_SINK), "sink");
	cr_assert_str_eq(hb_phase_name(HB_PHASE_SETUP), "setup");
	cr_assert_str_eq(hb_phase_name(HB_PHASES), "?");
}

/* The model alone: a free source leaves the wall as it is; otherwise the
 * wall shrinks as the bound does without the source: by its seconds /
 * threads when every thread reads, to what the work alone takes when the
 * source was read in order and overlapped the work. */
Test(phases, engine_wall_model)
{
	double none[HB_STAGES] = { 0, 0, 0 };
	double busy[HB_STAGES] = { 0.1, 4.0, 0.5 }, in_work[HB_STAGES] = { 0, 2.0, 0 };
	double serial[HB_STAGES] = { 10.0, 4.0, 0.5 }, in_read[HB_STAGES] = { 9.9, 0, 0 };

	cr_assert_float_eq(hb_stage_bound(busy, 2), 2.3, 1e-12);
	cr_assert_float_eq(hb_stage_bound(serial, 2), 10.0, 1e-12);
	cr_assert_float_eq(hb_engine_wall(2.5, busy, none, 2), 2.5, 1e-12);
	cr_assert_float_eq(hb_engine_wall(2.3, busy, in_work, 2), 2.3 - 2.0 / 2, 1e-12);
	/* at the efficiency measured: 10% more wall than the bound */
	cr_assert_float_eq(hb_engine_wall(2.53, busy, in_work, 2), 1.1 * (2.3 - 2.0 / 2), 1e-12);
	/* 10 s of wall, the source 9.9 of it in order: without it the work
	 * (4.6 thread-s on 2 threads) bounds the run */
	cr_assert_float_eq(hb_engine_wall(10.0, serial, in_read, 2), 2.3, 1e-12);
	/* nothing booked: the wall as it is */
	cr_assert_float_eq(hb_engine_wall(1.0, none, none, 2), 1.0, 1e-12);
}

/* ---- the pipeline with a source that sleeps --------------------------- */

#define CHUNKS 40

struct slow {
	bool parallel_source;  /* the source sleeps in the work stage */
	long source_us, work_us;
};

static void sleep_us(long us)
{
	struct timespec ts = { .tv_sec = 0, .tv_nsec = us * 1000 };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void source(const struct slow *c, struct hb_slot *s)
{
	double t = hb_clock();

	if (c->source_us)
		sleep_us(c->source_us);
	hb_lap(s->phase, HB_PHASE_SOURCE, &t);
}

static int slow_read(void *ctx, struct hb_slot *s)
{
	const struct slow *c = (const struct slow *)ctx;

	if (s->seq == CHUNKS)
		return 1;
	if (!c->parallel_source)
		source(c, s);
	return 0;
}

static int slow_work(void *ctx, struct hb_slot *s)
{
	const struct slow *c = (const struct slow *)ctx;
	double t;

	if (c->parallel_source)
		source(c, s);
	t = hb_clock();
	sleep_us(c->work_us);
	hb_lap(s->phase, HB_PHASE_FILTERS, &t);
	return 0;
}

static int slow_emit(void *ctx, struct hb_slot *s)
{
	(void)ctx;
	(void)s;
	return 0;
}

static const struct hb_pipe_ops slow_ops = {
	.read = slow_read,
	.work = slow_work,
	.emit = slow_emit,
};

static void run_slow(struct slow *c, struct hb_pipe_times *t)
{
	struct hb_image_info img = { .page_size = 4096, .chunk_pages = 1, .page_count = CHUNKS,
				     .saving = true };
	struct hb_chain chain;
	int err = hb_chain_from_text(&chain, "none");

	if (!err)
		err = hb_chain_prepare(&chain, &img);
	if (!err)
		err = hb_pipe_run(&(struct hb_pipe_args){
			.ops = &slow_ops, .ctx = c, .threads = 2, .in_cap = 4096,
			.chain = &chain, .img = &img, .times = t, .excluded = HB_PHASE_SOURCE });
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	hb_chain_free(&chain);
}

/* Read in order and slower than the work: the source's seconds dominate,
 * and the engine's wall is about what the work takes on two threads, not
 * the wall less the source's share of one thread. */
Test(phases, slow_source_in_order_dominates, .timeout = 30)
{
	struct slow c = { .parallel_source = false, .source_us = 4000, .work_us = 2000 };
	struct hb_pipe_times t;
	double source_s, work_s;

	run_slow(&c, &t);
	source_s = t.phase[HB_PHASE_SOURCE];
	work_s = t.phase[HB_PHASE_FILTERS];
	cr_assert_eq(t.threads, 2);
	cr_assert_gt(source_s, 1.5 * work_s, "source %f, work %f", source_s, work_s);
	cr_assert_geq(t.wall, source_s, "the source, read in order, bounds the wall");
	cr_assert_float_eq(t.excluded[HB_STAGE_READ], source_s, 1e-9);
	cr_assert_geq(t.engine, work_s / 2 * 0.9, "engine %f, work %f", t.engine, work_s);
	cr_assert_lt(t.engine, t.wall / 2, "engine %f of wall %f", t.engine, t.wall);
}

/* Read in parallel by both threads: the source costs about its seconds / 2. */
Test(phases, slow_source_in_parallel, .timeout = 30)
{
	struct slow c = { .parallel_source = true, .source_us = 4000, .work_us = 2000 };
	struct hb_pipe_times t;

	run_slow(&c, &t);
	cr_assert_gt(t.phase[HB_PHASE_SOURCE], 1.5 * t.phase[HB_PHASE_FILTERS]);
	cr_assert_float_eq(t.excluded[HB_STAGE_WORK], t.phase[HB_PHASE_SOURCE], 1e-9);
	cr_assert_float_eq(t.engine, t.wall - t.phase[HB_PHASE_SOURCE] / 2, 0.1 * t.wall,
			   "engine %f, wall %f, source %f", t.engine, t.wall, t.phase[HB_PHASE_SOURCE]);
	cr_assert_leq(t.busy[HB_STAGE_READ] + t.busy[HB_STAGE_WORK] + t.busy[HB_STAGE_EMIT],
		      2 * t.wall * 1.0001);
}

/* A source that costs nothing leaves the wall as it is. */
Test(phases, free_source_leaves_the_wall, .timeout = 30)
{
	struct slow c = { .parallel_source = false, .source_us = 0, .work_us = 1000 };
	struct hb_pipe_times t;

	run_slow(&c, &t);
	cr_assert_lt(t.excluded[HB_STAGE_READ], 0.2 * t.wall);
	cr_assert_geq(t.engine, 0.95 * t.wall, "engine %f, wall %f", t.engine, t.wall);
	cr_assert_leq(t.engine, t.wall);
}

Test(phases, marks_go_to_stderr_or_to_the_file_named_and_nowhere_without_the_variable)
{
	char dir[256], path[300], missing[300];
	size_t len;
	char *text;

	tu_mkdir(dir, sizeof(dir));
	tu_path(path, sizeof(path), dir, "console");
	tu_path(missing, sizeof(missing), dir, "absent");
	tu_write_file(path, "boot\n", 5);
	unsetenv("HIBLAB_PHASE_MARKS");
	hb_phase_mark("write");
	setenv("HIBLAB_PHASE_MARKS", path, 1);
	hb_phase_mark("read");
	hb_phase_mark("restore");
	/* a path that is not there is not made: marks are for a console */
	setenv("HIBLAB_PHASE_MARKS", missing, 1);
	hb_phase_mark("commit");
	unsetenv("HIBLAB_PHASE_MARKS");
	text = (char *)tu_read_file(path, &len);
	cr_assert_str_eq(text, "boot\nHIBLAB-PHASE read\nHIBLAB-PHASE restore\n");
	cr_assert_neq(access(missing, F_OK), 0);
	free(text);
	tu_rmdir(dir);
}
