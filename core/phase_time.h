/* Timing the engine's phases (docs/BENCHMARKS.md, "Where the time went"):
 * one monotonic clock read at each phase boundary of a chunk, never per
 * page, booked in the slot that holds the chunk (one thread at a time), and
 * summed once the pipeline's threads are joined. */
#ifndef HB_PHASE_TIME_H
#define HB_PHASE_TIME_H

#include "engine.h"

/* The pipeline's three stages (core/pipeline.c): read in order, work in
 * parallel, emit in order. */
enum hb_stage { HB_STAGE_READ, HB_STAGE_WORK, HB_STAGE_EMIT, HB_STAGES };

/* What one hb_pipe_run spent, in seconds. */
struct hb_pipe_times {
	double wall;                    /* before the threads start to after they are joined */
	double phase[HB_PHASES];        /* thread-seconds the stages booked, per phase */
	double busy[HB_STAGES];         /* thread-seconds each stage's callbacks booked */
	double excluded[HB_STAGES];     /* of which booked under the excluded phase */
	double engine;                  /* wall without the excluded phase: hb_engine_wall() */
	unsigned threads;               /* threads that ran */
};

/* CLOCK_MONOTONIC in seconds.  Built with -DHB_NO_PHASE_CLOCK it reads no
 * clock and returns 0 (every time then reads 0): the build that measures
 * what the clock reads cost. */
double hb_clock(void);

/* Book the time since *since under phase p of seconds[], and start the next
 * phase now. */
static inline void hb_lap(double seconds[HB_PHASES], enum hb_phase p, double *since)
{
	double now = hb_clock();

	seconds[p] += now - *since;
	*since = now;
}

/* The least wall time stages busy[] thread-seconds long can take on threads
 * threads: the parallel share of the whole, or a serial stage (read, emit)
 * alone when it is longer. */
double hb_stage_bound(const double busy[HB_STAGES], unsigned threads);

/* wall without what the excluded phase added to it: wall x the bound
 * without the excluded seconds / the bound with them. */
double hb_engine_wall(double wall, const double busy[HB_STAGES],
		      const double excluded[HB_STAGES], unsigned threads);

/* Fill st's time fields at the end of a call that started at start: outside[]
 * holds the phases booked outside the pipeline, pt what the pipeline spent,
 * excluded the phase engine_seconds leaves out. */
void hb_stats_times(struct hb_stats *st, double start, const double outside[HB_PHASES],
		    const struct hb_pipe_times *pt, enum hb_phase excluded);


/* hiblab in a test guest (docs/QEMU.md): with HIBLAB_PHASE_MARKS in the
 * environment, one "HIBLAB-PHASE name" line at a phase boundary the host times
 * on the serial console: on stderr, or appended to the file it names when it
 * is a path ("/dev/console": an initramfs script that keeps stderr for
 * itself); without it, nothing. */
void hb_phase_mark(const char *name);

#endif
