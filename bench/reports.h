/* What is written from results (bench/results.h) into a results directory:
 * runs.csv, runs.json, summary.md, junit.xml and gnuplot charts
 * (results/README.md).  Reports read results; results never call them. */
#ifndef HB_BENCH_REPORTS_H
#define HB_BENCH_REPORTS_H

#include "results.h"

#include "backends/qemu.h"

#include <stddef.h>
#include <stdio.h>

/* Every report of a run into dir (created). */
int scn_write_all(const char *dir, const char *title, const struct scn_results *rs, FILE *log);

/* Each writer returns 0 or HB_EIO with a detail line. */
int scn_write_csv(const char *path, const struct scn_results *rs);
int scn_write_json(const char *path, const struct scn_results *rs);
int scn_write_summary(const char *path, const char *title, const struct scn_results *rs);
int scn_write_junit(const char *path, const struct scn_results *rs);

/* throughput.svg and ratio.svg with gnuplot; 1 (and a note on log) if
 * gnuplot is not installed. */
int scn_write_charts(const char *dir, const struct scn_results *rs, FILE *log);

/* s as XML character data or attribute text: &<>" escaped, control bytes
 * (but newline and tab) dropped. */
void scn_xml_text(FILE *f, const char *s);

/* compare's table and notes (bench/report_compare.c), and its JUnit file:
 * one test case per compared run, a failure per run that regressed. */
void scn_compare_print(FILE *out, const struct scn_comparison *cmp);
int scn_compare_junit(const char *path, const struct scn_comparison *cmp);

/* One CSV field, quoted (RFC 4180) when it holds a comma, quote or newline. */
void scn_csv_field(FILE *f, const char *s);

/* mkdir -p: a results directory and what goes under it. */
int scn_mkdirs(const char *path);

/* ---- guest cycles' phases (bench/report_phases.c) ---- */

/* One row of cycles.csv, its phases in seconds (-1: not seen). */
struct scn_cycle_row {
	unsigned index, cycle;
	bool kernel;             /* who = kernel */
	char chain[256];
	char release[96];        /* kernel_release, else guest_kernel */
	double phase[HB_GP_COUNT];
};

struct scn_cycle_rows {
	struct scn_cycle_row *v;
	unsigned count, cap;
};

/* dir/cycles.csv's rows; none (and 0) without the file or its phase columns. */
int scn_cycle_rows_load(const char *dir, struct scn_cycle_rows *rows);
void scn_cycle_rows_free(struct scn_cycle_rows *rows);

/* summary.md's "Where the seconds go" table. */
void scn_phase_section(FILE *f, const struct scn_cycle_rows *rows);

/* dir/timeline.dat: one row per cycle, the end of each phase. */
int scn_timeline_data(const char *dir, const struct scn_cycle_rows *rows);

#endif
