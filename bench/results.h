/* Results of scenario runs, and what is written from them: runs.csv,
 * runs.json, summary.md, junit.xml and gnuplot charts (results/README.md). */
#ifndef HB_BENCH_RESULTS_H
#define HB_BENCH_RESULTS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

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
	char verdict[16];        /* restored, refused, WRONG, CRASH */
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
};

struct scn_results {
	struct scn_result *v;
	unsigned count, cap;
};

int scn_results_add(struct scn_results *rs, const struct scn_result *r);
void scn_results_free(struct scn_results *rs);
void scn_results_sort(struct scn_results *rs);

/* The key that pairs runs across result sets: scenario, part and combination. */
void scn_result_key(const struct scn_result *r, char *buf, size_t cap);

/* "restored", "refused: no image", "WRONG: page 3 differs" */
void scn_result_verdict_text(const struct scn_result *r, char *buf, size_t cap);

/* A short label for run i: the fields that differ across the set. */
void scn_result_label(const struct scn_results *rs, unsigned i, char *buf, size_t cap);

/* Each writer returns 0 or HB_EIO with a detail line. */
int scn_write_csv(const char *path, const struct scn_results *rs);
/* One CSV field, quoted (RFC 4180) when it holds a comma, quote or newline. */
void scn_csv_field(FILE *f, const char *s);
int scn_read_csv(const char *path, struct scn_results *rs);
int scn_write_json(const char *path, const struct scn_results *rs);
int scn_write_summary(const char *path, const char *title, const struct scn_results *rs);
int scn_write_junit(const char *path, const struct scn_results *rs);

/* throughput.svg and ratio.svg with gnuplot; 1 (and a note on log) if
 * gnuplot is not installed. */
int scn_write_charts(const char *dir, const struct scn_results *rs, FILE *log);

/* All of the above into dir (created). */
int scn_write_all(const char *dir, const char *title, const struct scn_results *rs, FILE *log);

/* Load runs.csv from a results directory or a csv path. */
int scn_load(const char *path, struct scn_results *rs);

/* mkdir -p */
int scn_mkdirs(const char *path);

/* ---- compare ----------------------------------------------------------------- */

struct scn_compare_totals {
	unsigned matched, regressions, improvements, only_base, only_new;
};

/* Print what got slower, bigger or changed verdict; tolerance is a fraction
 * (0.10 = 10%). */
void scn_compare(const struct scn_results *base, const struct scn_results *cur, double tolerance,
		 FILE *out, struct scn_compare_totals *t);

#endif
