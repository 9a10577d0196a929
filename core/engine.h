/* The image engine: what the CLI, the scenario runner and the tests call.
 * Callers see these functions only: how the pipeline runs inside (its
 * worker threads, the filter chain, the target's layout) is not their
 * business.  A public header, installed as <hiblab/engine.h>. */
#ifndef HB_ENGINE_H
#define HB_ENGINE_H

#include <stdbool.h>
#include <stdint.h>

#include "format.h"

#define HB_DEFAULT_CHUNK_PAGES 32u  /* 32 x 4 KiB = 128 KiB, the kernel's unit */

struct hb_progress {
	const char *phase;    /* "suspend", "resume" */
	uint64_t done;        /* original bytes processed */
	uint64_t total;
};

typedef void hb_progress_fn(void *ctx, const struct hb_progress *p);

struct hb_suspend_args {
	const char *source;      /* "sim:mixed,size=256MiB,seed=1", "file:/path" */
	const char *filters;     /* "zero,crc32c"; NULL, "" or "none": no filter */
	const char *target;      /* "file:/tmp/a.img" */
	const char *key_spec;    /* for ciphers, or NULL */
	hb_passphrase_fn *ask_passphrase;  /* prompt when no key_spec (or NULL) */
	void *ask_ctx;
	uint32_t chunk_pages;    /* 0: HB_DEFAULT_CHUNK_PAGES */
	unsigned threads;        /* worker threads; 0: online CPUs */
	hb_progress_fn *progress;
	void *progress_ctx;
};

struct hb_resume_args {
	const char *target;
	const char *sink;        /* "file:/path", "null"; NULL: "null" */
	bool verify;             /* compare with the source recorded in the image */
	unsigned threads;        /* worker threads; 0: online CPUs */
	const char *key_spec;
	/* refuse an image without a cipher (the CLI sets it with --key): only
	 * the key holder can have made what is restored */
	bool require_sealed;
	hb_passphrase_fn *ask_passphrase;  /* prompt when no key_spec: up to 3 tries */
	void *ask_ctx;
	hb_progress_fn *progress;
	void *progress_ctx;
};

/* Where the time of a suspend or resume went (docs/BENCHMARKS.md, "Where
 * the time went").  Suspend: source, filters, digest, target (writes),
 * commit.  Resume: target (reads), filters, digest, sink (handing pages on,
 * or with --verify comparing them with the source), commit (spending the
 * image).  setup: the rest of the call (parsing, opening the target,
 * preparing the chain: a KDF runs there). */
enum hb_phase {
	HB_PHASE_SOURCE,   /* suspend: producing the source pages (open, read) */
	HB_PHASE_FILTERS,  /* the chain encoding or decoding, the record crc */
	HB_PHASE_DIGEST,   /* the end-to-end digest: each chunk's XXH3 (the fold of
			    * 16 bytes a chunk, in order, is too small to time) */
	HB_PHASE_TARGET,   /* the writer: write calls (suspend), read calls (resume) */
	HB_PHASE_COMMIT,   /* suspend: header, writer commit, source committed;
			    * resume: the invalidate before the first page */
	HB_PHASE_SINK,     /* resume: the sink (open, write, commit) */
	HB_PHASE_SETUP,
	HB_PHASES
};

/* "source", "filters", "digest", "target", "commit", "sink", "setup" */
const char *hb_phase_name(enum hb_phase p);

struct hb_stats {
	uint64_t pages;
	uint64_t bytes;          /* original bytes (the source's exact length) */
	uint64_t records;
	uint64_t image_bytes;    /* bytes on the target: header area + records */
	double seconds;          /* wall clock, the call up to its commit */
	/* thread-seconds per phase, summed over the pipeline's threads: their
	 * sum is at most threads x seconds */
	double phase_seconds[HB_PHASES];
	/* seconds less the wall time the source (suspend) or the sink (resume)
	 * cost: bytes / engine_seconds is the engine's own MB/s */
	double engine_seconds;
	unsigned threads;        /* pipeline threads that ran */
};

int hb_suspend(const struct hb_suspend_args *a, struct hb_stats *st);
int hb_resume(const struct hb_resume_args *a, struct hb_stats *st);

/* Read and check the header of the image at target (spent images too). */
int hb_inspect(const char *target, struct hb_header *h);

/* Drop the image at target without restoring it. HB_ENOIMAGE if none. */
int hb_invalidate(const char *target);

#endif
