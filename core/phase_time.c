/* Timing the engine's phases (see phase_time.h), and the one formula that
 * turns per-thread phase times into wall seconds without the source or the
 * sink (docs/BENCHMARKS.md, "Where the time went"). */
#include "phase_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static const char *const phase_names[HB_PHASES] = {
	[HB_PHASE_SOURCE] = "source",
	[HB_PHASE_FILTERS] = "filters",
	[HB_PHASE_DIGEST] = "digest",
	[HB_PHASE_TARGET] = "target",
	[HB_PHASE_COMMIT] = "commit",
	[HB_PHASE_SINK] = "sink",
	[HB_PHASE_SETUP] = "setup",
};

const char *hb_phase_name(enum hb_phase p)
{
	return (unsigned)p < HB_PHASES ? phase_names[p] : "?";
}

double hb_clock(void)
{
#ifdef HB_NO_PHASE_CLOCK
	return 0.0;
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
#endif
}

double hb_stage_bound(const double busy[HB_STAGES], unsigned threads)
{
	double all = busy[HB_STAGE_READ] + busy[HB_STAGE_WORK] + busy[HB_STAGE_EMIT];
	double bound = all / (threads ? threads : 1);

	if (busy[HB_STAGE_READ] > bound)
		bound = busy[HB_STAGE_READ];
	if (busy[HB_STAGE_EMIT] > bound)
		bound = busy[HB_STAGE_EMIT];
	return bound;
}

/* The bound without the excluded seconds, at the efficiency (wall / bound)
 * the pipeline had with them: what the pipeline lost to waiting and to
 * other processes is shared out, not charged to the engine alone.  A free
 * source leaves wall as it is; a source read in parallel by every thread
 * costs about its seconds / threads; one read in order costs what the work
 * did not overlap. */
double hb_engine_wall(double wall, const double busy[HB_STAGES],
		      const double excluded[HB_STAGES], unsigned threads)
{
	double rest[HB_STAGES], all = hb_stage_bound(busy, threads);
	unsigned s;

	if (all <= 0.0)
		return wall;
	for (s = 0; s < HB_STAGES; s++)
		rest[s] = busy[s] > excluded[s] ? busy[s] - excluded[s] : 0.0;
	return wall * hb_stage_bound(rest, threads) / all;
}

void hb_stats_times(struct hb_stats *st, double start, const double outside[HB_PHASES],
		    const struct hb_pipe_times *pt, enum hb_phase excluded)
{
	double booked = 0.0, engine;
	unsigned p;

	st->seconds = hb_clock() - start;
	st->threads = pt->threads;
	for (p = 0; p < HB_PHASES; p++) {
		st->phase_seconds[p] = outside[p] + pt->phase[p];
		booked += outside[p];
	}
	/* setup: what the call spent outside the pipeline and every named phase */
	st->phase_seconds[HB_PHASE_SETUP] = st->seconds - pt->wall - booked;
	if (st->phase_seconds[HB_PHASE_SETUP] < 0)
		st->phase_seconds[HB_PHASE_SETUP] = 0.0;
	engine = st->seconds - outside[excluded] - (pt->wall - pt->engine);
	st->engine_seconds = engine > 0 ? engine : 0.0;
}

void hb_phase_mark(const char *name)
{
	const char *to = getenv("HIBLAB_PHASE_MARKS");
	FILE *f;

	if (!to)
		return;
	if (to[0] != '/') {
		fprintf(stderr, "HIBLAB-PHASE %s\n", name);
		fflush(stderr);
		return;
	}
	/* "r+": never made, never truncated; /dev/console, opened so, never
	 * becomes this process's terminal */
	f = fopen(to, "r+");
	if (f) {
		fseek(f, 0, SEEK_END);  /* a file grows; a device ignores it */
		fprintf(f, "HIBLAB-PHASE %s\n", name);
		fclose(f);
	}
}
