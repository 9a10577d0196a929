/* What is written from results (bench/results.h) into a results directory:
 * runs.csv, runs.json, summary.md, junit.xml and gnuplot charts
 * (results/README.md).  Reports read results; results never call them. */
#ifndef HB_BENCH_REPORTS_H
#define HB_BENCH_REPORTS_H

#include "results.h"

#include "backends/qemu.h"

#include <stddef.h>
#include <stdio.h>

/* Every report of a run into dir (created); scenarios: the files the runs
 * came from (report.html shows them), none for merged results. */
int scn_write_all(const char *dir, const char *title, char *const *scenarios,
		  unsigned scenario_count, const struct scn_results *rs, FILE *log);

/* Each writer returns 0 or HB_EIO with a detail line. */
int scn_write_csv(const char *path, const struct scn_results *rs);
int scn_write_json(const char *path, const struct scn_results *rs);
int scn_write_summary(const char *path, const char *title, const struct scn_results *rs);
int scn_write_junit(const char *path, const struct scn_results *rs);

/* throughput.svg, ratio.svg, pareto.svg (and timeline.svg for guest
 * cycles) with gnuplot; 1 (and a note on log) if gnuplot is not installed. */
int scn_write_charts(const char *dir, const struct scn_results *rs, FILE *log);

/* compare's table and notes (bench/report_compare.c), and its JUnit file:
 * one test case per compared run, a failure per run that regressed. */
void scn_compare_print(FILE *out, const struct scn_comparison *cmp);
int scn_compare_junit(const char *path, const struct scn_comparison *cmp);

/* report.html: one self-contained page of the metadata, the scenario files,
 * the summary table and the SVG charts found in dir; charts_drawn false
 * says the charts need gnuplot. */
int scn_write_html(const char *dir, const char *title, char *const *scenarios,
		   unsigned scenario_count, const struct scn_results *rs, bool charts_drawn);

/* ---- what reports show for a run's figures (bench/report_figures.c) ---- */

/* A run's suspend or resume speed as the tables and charts show it: the
 * median over its cycles (the mean of a results file without them), the
 * fastest and slowest cycle, or not measured at all. */
struct scn_speed {
	bool measured;   /* false: show the verdict's word, never 0.0 */
	double mbps;     /* the median, or the mean */
	double min, max; /* the cycles' spread: cycles >= 2 */
	unsigned cycles; /* cycles timed (0 for an older results file) */
};

void scn_report_speed(const struct scn_result *r, bool resume, struct scn_speed *s);

/* An image ratio was measured: the suspend committed an image. */
bool scn_report_has_ratio(const struct scn_result *r);

/* The word that stands where r measured nothing: "refused", "skipped",
 * "WRONG", "CRASH" (the verdict), "none" for a run without one, "" for a
 * restored run (a figure it lacks, such as a guest run's engine time). */
const char *scn_report_unmeasured(const struct scn_result *r);

/* One point per chain for the ratio-against-speed chart: the chain's
 * restored runs (means over them), and whether it is on the Pareto front
 * of suspend or of resume MB/s against the ratio. */
struct scn_chain_point {
	const char *chain;  /* points into the results */
	unsigned runs;
	double ratio, suspend_mbps, resume_mbps;  /* NaN: not measured */
	bool best_suspend, best_resume;
};

/* The points in order of ratio (malloc'd into *out, *count of them; none
 * without a restored run). */
int scn_chain_points(const struct scn_results *rs, struct scn_chain_point **out,
		     unsigned *count);

/* The indices of the points (x[i], y[i]) that no other point beats on one
 * axis without losing on the other (more is better on both; NaN never
 * counts), in order of x, into front (room for n); their number. */
unsigned scn_pareto_front(const double *x, const double *y, unsigned n, unsigned *front);

/* One CSV field, quoted (RFC 4180) when it holds a comma, quote or newline. */
void scn_csv_field(FILE *f, const char *s);

/* s as XML or HTML text or attribute value: &, <, >, " and ' escaped,
 * control characters but newline and tab dropped. */
void scn_xml_text(FILE *f, const char *s);

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
