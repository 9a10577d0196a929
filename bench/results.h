/* Results of scenario runs: the in-memory records, their verdicts, the
 * columns they are written and read back with, adding, merging and loading
 * them.  What is written from them (runs.csv, summary.md ...): reports.h. */
#ifndef HB_BENCH_RESULTS_H
#define HB_BENCH_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "core/engine.h"

/* What came back from a run.  Names only at the edges: reports, and
 * results files read back (scn_verdict_name, scn_verdict_parse). */
enum scn_verdict {
	SCN_VERDICT_NONE,      /* not judged yet ("" in runs.csv) */
	SCN_VERDICT_RESTORED,  /* memory came back bit-exact */
	SCN_VERDICT_REFUSED,   /* no image restored, with the reason */
	SCN_VERDICT_WRONG,     /* memory came back different: never acceptable */
	SCN_VERDICT_CRASH,     /* the run's process or the guest died */
	SCN_VERDICT_SKIPPED,   /* not run: the guest kernel lacks what the run needs */
	SCN_VERDICTS
};

/* "", "restored", "refused", "WRONG", "CRASH", "skipped" */
const char *scn_verdict_name(enum scn_verdict v);
/* The verdict called name; HB_EUSAGE (no detail line) for a name no hiblab writes. */
int scn_verdict_parse(const char *name, enum scn_verdict *v);

/* One metric's figure for each cycle that succeeded (the first
 * SCN_SAMPLES_MAX of them): seconds, from which the spread and compare's
 * significance test come. */
#define SCN_SAMPLES_MAX 48
struct scn_samples {
	unsigned count;
	double v[SCN_SAMPLES_MAX];
};

struct scn_result {
	unsigned index;
	char scenario[64];
	char part[64];
	char memory[256];
	char disk[256];
	char chain[512];
	char fault[256];
	unsigned chunk_pages;
	unsigned cycles;
	char expect[16];
	uint64_t bytes_in;       /* the source's bytes */
	uint64_t bytes_out;      /* the image on the target */
	double ratio;
	double suspend_s, suspend_mbps;   /* mean over the cycles that succeeded */
	double resume_s, resume_mbps;
	uint64_t rss_kib;        /* peak resident memory of the run's process */
	enum scn_verdict verdict;
	char reason[512];        /* why refused (or what went wrong) */
	bool met;                /* the verdict is what expect asks */
	unsigned fired;          /* faults that took effect */
	char suspend_error[512]; /* "" or why the suspend failed */
	/* guest runs (machine = qemu or libvirt, docs/QEMU.md); sim runs leave
	 * them 0 and "" but machine */
	char machine[8];         /* sim, qemu, libvirt */
	double restore_s;        /* the restore step alone: resume started to back in the image */
	uint64_t pages;          /* pages in the image */
	char accel[8];           /* kvm, tcg */
	bool qemu, kernel;       /* a guest run; the kernel's own hibernation (who = kernel) */
	/* where the time went (docs/BENCHMARKS.md): thread-seconds per phase and
	 * engine seconds (without the source, or the sink), means over the cycles
	 * that succeeded; engine MB/s = bytes_in / engine seconds */
	double suspend_phase_s[HB_PHASES], suspend_engine_s, suspend_engine_mbps;
	double resume_phase_s[HB_PHASES], resume_engine_s, resume_engine_mbps;
	unsigned threads;        /* pipeline threads of the last cycle */
	/* guest runs: the kernel axis as written ("default" for the default guest),
	 * and the release the guest kernel printed */
	char guest_kernel[256];
	char kernel_release[80];
	/* which build on which machine (bench/run_meta.c) */
	char hiblab_version[32];
	char commit[64];
	char host[80];
	char host_kernel[80];
	char cpu[96];
	/* the spread over cycles (scn_result_spread): each cycle's seconds, and
	 * the MB/s of bytes_in at the median, fastest and slowest cycle */
	struct scn_samples suspend_cycle_s, resume_cycle_s;
	double suspend_mbps_median, suspend_mbps_min, suspend_mbps_max;
	double resume_mbps_median, resume_mbps_min, resume_mbps_max;
};

struct scn_results {
	struct scn_result *v;
	unsigned count, cap;
};

int scn_results_add(struct scn_results *rs, const struct scn_result *r);
void scn_results_free(struct scn_results *rs);
void scn_results_sort(struct scn_results *rs);

/* Add the runs of more to all; a run already in all (same scenario and
 * index) is kept once and counted in *dups. */
int scn_results_merge(struct scn_results *all, const struct scn_results *more, unsigned *dups);

/* Add a cycle's seconds (kept while there is room). */
void scn_samples_add(struct scn_samples *s, double seconds);

/* r's MB/s medians, minima and maxima from its cycles' seconds and bytes_in. */
void scn_result_spread(struct scn_result *r);

/* The MB/s of bytes in each of s's cycles, into out (SCN_SAMPLES_MAX). */
unsigned scn_samples_mbps(const struct scn_samples *s, uint64_t bytes, double *out);

/* Sort v[0..n) (n >= 1) and give its nearest-rank median, p95 and max. */
void scn_quantiles(double *v, unsigned n, double *p50, double *p95, double *max);

/* The two-sided p-value of the Mann-Whitney U test that a and b come from
 * one distribution: exact without ties (na + nb <= 60), else the normal
 * approximation with the tie and continuity corrections.  1 when either is
 * empty. */
double scn_mann_whitney_p(const double *a, unsigned na, const double *b, unsigned nb);

/* Fill r's build and machine fields from this process and host. */
void scn_run_meta(struct scn_result *r);

/* The commit this program was built from (git describe), or "unknown". */
const char *scn_build_commit(void);

/* The key that pairs runs across result sets: scenario, part and combination. */
void scn_result_key(const struct scn_result *r, char *buf, size_t cap);

/* A short label for run i: the fields that differ across the set (the
 * chain where none does). */
void scn_result_label(const struct scn_results *rs, unsigned i, char *buf, size_t cap);
/* The same among the runs of its own scenario and part, after their names:
 * "smoke/ciphers: zero,lz4,aes-256-gcm" (the chain where nothing differs). */
void scn_result_label_in_part(const struct scn_results *rs, unsigned i, char *buf, size_t cap);

/* "restored", "refused: no image", "WRONG: page 3 differs" */
void scn_result_verdict_text(const struct scn_result *r, char *buf, size_t cap);

/* ---- columns: one table for runs.csv, runs.json and reading them back ---- */

enum scn_column_kind {
	SCN_COL_UINT,     /* unsigned */
	SCN_COL_U64,      /* uint64_t */
	SCN_COL_REAL,     /* double, with the column's decimals */
	SCN_COL_TEXT,     /* char[size] */
	SCN_COL_YESNO,    /* bool: yes/no (JSON: true/false) */
	SCN_COL_VERDICT,  /* enum scn_verdict, by name */
	SCN_COL_WHO,      /* bool kernel: "kernel" or "hiblab" */
	SCN_COL_SAMPLES   /* struct scn_samples: "0.012 0.013" (JSON: an array) */
};

struct scn_column {
	const char *name;          /* the CSV header and the JSON key */
	enum scn_column_kind kind;
	size_t offset;             /* offsetof() the field in struct scn_result */
	size_t size;               /* TEXT: the field's size */
	int decimals;              /* REAL: digits after the point */
};

/* In the order of runs.csv's columns. */
extern const struct scn_column scn_columns[];
extern const unsigned scn_column_count;

/* The column called name, or NULL. */
const struct scn_column *scn_column_find(const char *name);

/* r's value in column c as text ("yes", "2.6125", "restored"). */
void scn_column_text(const struct scn_column *c, const struct scn_result *r, char *buf,
		     size_t cap);

/* Set r's field of column c from its text; HB_EUSAGE (no detail line) for a
 * verdict no hiblab writes.  Numbers that do not parse read as 0. */
int scn_column_set(const struct scn_column *c, struct scn_result *r, const char *text);

/* ---- loading ------------------------------------------------------------- */

/* One CSV record (RFC 4180; quotes may span lines) split into at most max
 * fields held in buf (cap bytes).  The number of fields, 0 at the end. */
unsigned scn_csv_record(FILE *f, char *buf, size_t cap, char **fields, unsigned max);

/* runs.json's format_version: 2 wraps the rows in an object with it (1, a
 * bare array, had no spread columns). */
#define SCN_JSON_FORMAT_VERSION 2

/* Read runs.csv into rs (appending). */
int scn_read_csv(const char *path, struct scn_results *rs);

/* Load runs.csv from a results directory or a csv path. */
int scn_load(const char *path, struct scn_results *rs);

/* ---- compare ----------------------------------------------------------------- */

struct scn_compare_totals {
	unsigned matched, regressions, improvements, only_base, only_new;
	unsigned unjudged;  /* matched runs with too few cycles to judge their speed */
	unsigned unproven;  /* speeds beyond the tolerance that the test calls noise */
};

/* Speeds need this many cycles on both sides to be judged; a ratio that
 * drops by more than this is a regression, whatever the tolerance. */
#define SCN_COMPARE_MIN_CYCLES 3u
#define SCN_COMPARE_RATIO_TOLERANCE 0.005

struct scn_compare_opts {
	double tolerance;  /* a fraction: 0.10 = 10% */
	double alpha;      /* a speed change counts when p < alpha */
};

enum scn_change {
	SCN_CHANGE_SAME,
	SCN_CHANGE_WORSE,     /* a regression */
	SCN_CHANGE_BETTER,
	SCN_CHANGE_UNPROVEN,  /* beyond the tolerance, not significant */
	SCN_CHANGE_UNJUDGED,  /* too few cycles a side */
	SCN_CHANGE_OTHER      /* the same verdict for another reason */
};

/* One line of the table: a metric of a compared run. */
struct scn_compare_row {
	unsigned run;                  /* its run in scn_comparison.runs */
	const char *metric;            /* "verdict", "suspend MB/s", "ratio" ... */
	double old, cur;               /* the figures (speeds: medians over cycles) */
	const char *old_text, *cur_text;  /* the verdict row: names instead */
	bool has_change;
	double change_pct;
	double p;                      /* the U test's p-value; < 0 where none applies */
	enum scn_change change;
};

enum scn_compare_side { SCN_SIDE_BOTH, SCN_SIDE_BASE, SCN_SIDE_NEW };

struct scn_compare_run {
	char key[1400];      /* scn_result_key: what pairs it */
	char label[720];     /* "#3 ciphers zero,lz4": what tells it apart */
	char notes[1500];    /* why a verdict moved, why a speed was not judged */
	enum scn_compare_side side;
	bool regression, unjudged;
	double seconds;      /* NEW's time on it */
};

struct scn_comparison {
	struct scn_compare_row *rows;
	struct scn_compare_run *runs;
	unsigned row_count, rows_cap, run_count, runs_cap;
	struct scn_compare_totals t;
};

/* Pair base and cur and judge every pair; 0 or HB_ENOMEM. */
int scn_compare(const struct scn_results *base, const struct scn_results *cur,
		const struct scn_compare_opts *o, struct scn_comparison *cmp);
void scn_comparison_free(struct scn_comparison *cmp);

/* A row's verdict as printed: "same", "SLOWER", "noise", "n/a" ... */
const char *scn_change_word(const struct scn_compare_row *w);

#endif
