/* hiblab learn: measure memory (any source) and fit a .prof profile that
 * generates memory compressing like it (docs/SIMULATION.md, "Learned
 * profiles").  learn_scan.c measures, learn_fit.c fits. */
#ifndef HB_BENCH_LEARN_H
#define HB_BENCH_LEARN_H

#include "core/engine.h"
#include "sim/learned.h"

/* The compressors a profile is fitted to and checked against. */
enum learn_comp { LEARN_LZ4, LEARN_ZSTD1, LEARN_LZO, LEARN_COMPRESSORS };

extern const char *const learn_comp_chain[LEARN_COMPRESSORS];  /* "lz4", "zstd:level=1", "lzo" */
extern const char *const learn_comp_name[LEARN_COMPRESSORS];   /* "lz4", "zstd-1", "lzo" */

/* Original bytes and image bytes (records with their headers) under each
 * compressor. */
struct learn_sizes {
	uint64_t in;
	uint64_t out[LEARN_COMPRESSORS];
};

/* A memory's five figures. */
struct learn_figures {
	uint64_t pages;
	double zero, duplicate;                 /* fractions of all pages */
	double ratio[LEARN_COMPRESSORS];        /* image ratios: bytes / image bytes */
};

/* The classes a scan sorts unique pages into, by how well lz4 packs each
 * page alone: ratio below 1.3, 2, 3, 5, 10, and above. */
#define LEARN_CLASSES 6

struct learn_class {
	uint64_t pages;
	struct learn_sizes sizes;  /* its pages in original order, in chunks */
};

struct learn_scan {
	uint32_t page_size;
	uint64_t pages, zero_pages, duplicate_pages;
	uint64_t duplicated_contents;  /* distinct pages that occur more than once */
	bool table_full;               /* contents past the table's bound were not remembered */
	struct learn_sizes whole;
	struct learn_class cls[LEARN_CLASSES];
	struct learn_class dup;        /* the duplicate pages themselves */
};

/* Pages [first, first + count) of the memory being scanned. */
typedef int learn_read_fn(void *ctx, uint64_t first, uint32_t count, uint8_t *buf);

struct learn_input {
	learn_read_fn *read;
	void *ctx;
	uint32_t page_size;
	uint64_t bytes;
};

struct learn_opts {
	uint32_t chunk_pages;      /* 0: HB_DEFAULT_CHUNK_PAGES */
	bool classes;              /* sort pages into classes too (learning, not checking) */
	hb_progress_fn *progress;  /* or NULL */
	void *progress_ctx;
	const char *phase;         /* the progress line's label */
};

/* One pass over in: zero and duplicate pages, whole-image sizes, classes. */
int learn_scan(const struct learn_input *in, const struct learn_opts *o, struct learn_scan *s);

/* The same over a source spec (file:, proc:, sim:...): opened, read in
 * order once, closed. */
int learn_scan_source(const char *spec, const struct learn_opts *o, struct learn_scan *s);

/* The same over a profile, size bytes of it (seed 1). */
int learn_scan_profile(const struct hb_profile *p, uint32_t page_size, uint64_t size,
		       const struct learn_opts *o, struct learn_scan *s);

void learn_figures_of(const struct learn_scan *s, struct learn_figures *f);

/* Image bytes of pages (count * page_size bytes, in chunks of chunk_pages)
 * under each compressor, added to *z. */
struct learn_chains;
int learn_chains_new(uint32_t page_size, uint32_t chunk_pages, struct learn_chains **out);
int learn_chains_measure(struct learn_chains *c, const uint8_t *pages, uint64_t count,
			 struct learn_sizes *z);
void learn_chains_free(struct learn_chains *c);

/* Fit p (page size, shares, knobs, measured) to what s found. */
int learn_fit(const struct learn_scan *s, uint32_t chunk_pages, struct hb_prof *p);

#endif
