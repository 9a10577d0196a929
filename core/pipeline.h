/* The parallel pipeline: N threads share a ring of slots; each chunk is
 * read in order (one thread at a time), worked on in parallel, and emitted
 * in order (one thread at a time).  Suspend and resume are two sets of
 * callbacks over it.  Memory is bounded by the ring: depth x slot size,
 * whatever the image size. */
#ifndef HB_PIPELINE_H
#define HB_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "chain.h"
#include "hash.h"
#include "phase_time.h"

struct hb_slot {
	uint64_t seq;
	uint64_t first_page;
	uint32_t pages;
	uint8_t *in;             /* slot-owned input buffer */
	size_t in_len;
	size_t in_cap;           /* its size: room for the chain to grow the data in place */
	const uint8_t *out;      /* result: into in, or the slot's worker buffers */
	size_t out_len;
	uint8_t record[HB_RECORD_HDR]; /* the record header, on disk order */
	uint8_t digest[HB_DIGEST_LEN];
	struct hb_worker worker; /* filter state and buffers of this slot */
	/* thread-seconds the callbacks booked for this slot's chunks (hb_lap) */
	double phase[HB_PHASES];
	void *user;              /* per-slot scratch for the callbacks */
};

struct hb_pipe_ops {
	/* In order, one at a time: fill s (seq is set) or return 1 at the end. */
	int (*read)(void *ctx, struct hb_slot *s);
	/* Any thread, in parallel. */
	int (*work)(void *ctx, struct hb_slot *s);
	/* In order, one at a time. */
	int (*emit)(void *ctx, struct hb_slot *s);
};

struct hb_pipe_args {
	const struct hb_pipe_ops *ops;
	void *ctx;
	unsigned threads;          /* 0: online CPUs */
	unsigned depth;            /* slots; 0: 2 x threads + 2 */
	size_t in_cap;
	const struct hb_chain *chain;
	const struct hb_image_info *img;
	/* optional: filled with what the run spent; excluded is the phase its
	 * engine time leaves out (the source or the sink) */
	struct hb_pipe_times *times;
	enum hb_phase excluded;
};

/* Run to the end of input or the first error (whose detail line is handed
 * to the calling thread).  Returns 0 or the first error. */
int hb_pipe_run(const struct hb_pipe_args *a);

/* Threads hb_pipe_run would use for threads == 0. */
unsigned hb_pipe_default_threads(void);

#endif
