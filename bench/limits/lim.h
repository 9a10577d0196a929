/* hiblab-bench: the limits hiblab is held against (issues 3 and 5).  On one
 * page set in memory, chunk by chunk: memcpy; each compressor, cipher and
 * checksum called bare through its library exactly as its plugin calls it;
 * the same filter through the plugin layer (a one-filter chain); and the
 * bare library on N threads over disjoint slices of the same pages. */
#ifndef HB_BENCH_LIM_H
#define HB_BENCH_LIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define LIM_PAGE_SIZE 4096u
#define LIM_ORIGIN_MAX 600
#define LIM_SPARE 4096u  /* room after each chunk for a filter growing it in place */

/* The page set: generated once (or read from a file); every measurement
 * then runs over the very same bytes. */
struct lim_pages {
	uint8_t *data;
	size_t bytes;      /* a whole number of pages (a file's last one zero-padded) */
	size_t file_bytes; /* the exact length (what --write-pages writes) */
	size_t page_size;
	size_t chunk;      /* bytes per chunk (the last may be shorter) */
	size_t stride;     /* chunk i sits at data + i * stride: chunk + LIM_SPARE */
	size_t nchunks;
	uint64_t *sums;    /* XXH3-64 of each chunk, to prove nothing changed it */
	char origin[LIM_ORIGIN_MAX];  /* "sim:mixed,size=256MiB,seed=1" or "file:PATH" */
};

int lim_pages_generate(struct lim_pages *p, const char *profile, uint64_t size, uint64_t seed,
		       size_t chunk);
int lim_pages_read(struct lim_pages *p, const char *path, size_t chunk);
int lim_pages_write(const struct lim_pages *p, const char *path);
/* 0, or -1 with a message naming who if any chunk differs from its digest. */
int lim_pages_check(const struct lim_pages *p, const char *who);
void lim_pages_free(struct lim_pages *p);

/* One chunk as a runner sees it: its place in the image (ciphers derive the
 * nonce and associated data from it, as the plugin does) and its pages. */
struct lim_chunk {
	uint64_t seq;
	uint64_t first_page;
	uint32_t pages;
	const uint8_t *orig;
	size_t len;
	uint8_t *slot;     /* orig, writable, with slot_cap bytes of room */
	size_t slot_cap;
};

void lim_chunk_at(const struct lim_pages *p, size_t i, struct lim_chunk *c);

/* A way to run one filter on a chunk: the bare library or the plugin layer.
 * Either writes into buf (cap bytes) or points *out at its own buffer (the
 * plugin's worker buffers), so neither path pays a copy the other does not. */
struct lim_ops {
	int (*encode)(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
		      const uint8_t **out, size_t *out_len);
	int (*decode)(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
		      uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len);
	void (*destroy)(void *ctx);
};

/* A bare library runner: one row of the report. */
struct lim_codec {
	const char *name;   /* the row: "lz4", "zstd-1" */
	const char *chain;  /* the one-filter chain that makes the same call; NULL: none */
	const char *call;   /* what is called, for the report */
	int param;          /* level or acceleration, where the library takes one */
	bool digest_only;   /* a checksum: encode gives the digest alone (see lim_pass) */
	size_t (*bound)(size_t len);
	/* one context (one per thread); NULL after a message on stderr */
	void *(*create)(const struct lim_codec *c);
	struct lim_ops ops;
};

extern const struct lim_codec lim_memcpy;
extern const struct lim_codec lim_lz4, lim_lzo, lim_zstd1, lim_zstd3, lim_deflate;
extern const struct lim_codec lim_aes_gcm, lim_chacha;
extern const struct lim_codec lim_crc32c, lim_xxh3;

/* The fixed test key of the bare ciphers (and the plugin's key file). */
#define LIM_KEY_LEN 32
extern const uint8_t lim_test_key[LIM_KEY_LEN];

/* ---- timing ---------------------------------------------------------------- */

/* A figure: MB/s of the best run, and the CPU share that run had. */
struct lim_fig {
	double mbps;
	double share;
};

#define LIM_REPS_MAX 100

struct lim_timing {
	double min_time;  /* seconds: one run repeats whole passes until this long */
	unsigned reps;    /* runs (at most LIM_REPS_MAX); the best one counts */
};

/* One timed thing: a pass over the page set. */
struct lim_job {
	int (*pass)(void *arg);
	void *arg;
	double bytes;      /* original bytes per pass */
	unsigned threads;  /* threads doing the work (0: one) */
	struct lim_fig best;  /* out: the best run; share: CPU time / (threads x wall) */
	double run[LIM_REPS_MAX];  /* out: MB/s of each run */
};

/* A best run with less CPU than this shared its CPUs with other work: its
 * figure is low, and the report says so. */
#define LIM_SHARE_MIN 0.95

double lim_now(void);

/* Runs the jobs interleaved (run 1 of each, then run 2 ...), so a drift of
 * the machine hits bare and plugin alike; sets each job's best. */
int lim_measure(struct lim_job *jobs, unsigned n, const struct lim_timing *t);

/* The plugin layer's overhead in percent: the median over the runs of plugin
 * time / bare time of the same interleaved pair, which a burst of other work
 * on the machine moves far less than the ratio of two best runs. */
double lim_overhead(const struct lim_job *bare, const struct lim_job *plg, unsigned reps);

/* ---- passes and stores ---------------------------------------------------- */

/* Every chunk's encoded record, packed in order: the decode passes' input. */
struct lim_store {
	uint8_t *buf;
	size_t *off;
	size_t *len;
	size_t nchunks;
	uint64_t total;  /* encoded bytes */
};

/* One runner over a range of chunks. */
struct lim_pass {
	const struct lim_ops *ops;
	void *ctx;
	const struct lim_pages *pages;
	const struct lim_store *store;  /* decode input */
	size_t first, end;              /* chunks [first, end) */
	uint8_t *buf;                   /* scratch output, cap bytes */
	size_t cap;
	bool keep_data;                 /* encode gives a digest alone: store data + digest */
	uint8_t *rbuf;                  /* lim_pass_resume: a record read in, rcap bytes */
	size_t rcap;
	uint64_t sink;                  /* keeps the outputs live */
};

int lim_pass_encode(void *arg);
int lim_pass_decode(void *arg);
/* What a resume does per record besides the plumbing, bare: copy the record
 * in (its read into a slot), CRC-32C of it (the record check), decode, and
 * XXH3-128 of the pages (the image digest's chunk digest). */
int lim_pass_resume(void *arg);

#define LIM_ALIGN 64  /* records start on a cache line */

/* Page-aligned memory (free() frees it), or NULL. */
void *lim_alloc(size_t size);

/* Untimed: encode every chunk into s (records of at most bound bytes), then
 * decode each record and compare it with the original pages. */
int lim_store_fill(struct lim_store *s, struct lim_pass *p, size_t bound, const char *what);
void lim_store_free(struct lim_store *s);

/* ---- the plugin layer ---------------------------------------------------- */

/* The one-filter chain as a runner (single thread).  key_spec: "keyfile=PATH";
 * readonly: encode through hb_worker_encode on a read-only chunk instead of
 * hb_worker_run on its writable slot, as the suspend pipeline does. */
void *lim_plugin_create(const char *chain, const struct lim_pages *p, const char *key_spec,
			bool readonly);
extern const struct lim_ops lim_plugin_ops;
size_t lim_plugin_bound(const void *ctx);

/* ---- N threads ------------------------------------------------------------ */

/* The bare codec on n threads over n disjoint slices of the pages (decoding
 * the slices of s): encode, decode and lim_pass_resume; best MB/s of the
 * whole set's bytes over wall time. */
int lim_fanout(const struct lim_codec *c, const struct lim_pages *p, const struct lim_store *s,
	       unsigned n, const struct lim_timing *t, struct lim_fig *enc, struct lim_fig *dec,
	       struct lim_fig *resume);

/* ---- generate ------------------------------------------------------------- */

/* memcpy, then one row per simulated memory profile */
#define LIM_GEN_ROWS 16
#define LIM_GEN_ROW "generate"  /* its name in --only */

struct lim_gen_row {
	const char *name;  /* "memcpy" or a profile */
	struct lim_fig fig;
};

/* MB/s of generating every chunk of p's size, one thread; sets *n rows. */
int lim_generate(const struct lim_pages *p, const struct lim_timing *t, struct lim_gen_row *rows,
		 unsigned *n);

/* ---- report ---------------------------------------------------------------- */

struct lim_row {
	const struct lim_codec *codec;
	struct lim_fig bare_enc, bare_dec;  /* mbps 0: not measured */
	struct lim_fig plg_enc, plg_dec;
	struct lim_fig thr_enc, thr_dec;
	struct lim_fig thr_resume;          /* lim_pass_resume on N threads */
	double bare_ratio, plg_ratio;       /* original / encoded bytes */
	bool has_ovh;                       /* both paths measured */
	double ovh_enc, ovh_dec;            /* lim_overhead, percent */
};

struct lim_setup {
	const struct lim_pages *pages;
	struct lim_timing timing;
	unsigned threads;
	bool readonly;  /* plugin encode on a read-only chunk (--readonly-input) */
	const struct lim_gen_row *gen;  /* the generate rows (ngen 0: not measured) */
	unsigned ngen;
};

#define LIM_OVERHEAD_MAX 5.0  /* issue 3: the plugin layer must cost under 5% */

void lim_report_table(FILE *f, const struct lim_setup *s, const struct lim_row *rows,
		      unsigned n);
int lim_report_csv(const char *path, const struct lim_setup *s, const struct lim_row *rows,
		   unsigned n);

#endif
