/* What is written from results (bench/results.h) into a results directory:
 * runs.csv, runs.json, summary.md, junit.xml and gnuplot charts
 * (results/README.md).  Reports read results; results never call them. */
#ifndef HB_BENCH_REPORTS_H
#define HB_BENCH_REPORTS_H

#include "results.h"

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

/* One CSV field, quoted (RFC 4180) when it holds a comma, quote or newline. */
void scn_csv_field(FILE *f, const char *s);

/* A short label for run i: the fields that differ across the set. */
void scn_result_label(const struct scn_results *rs, unsigned i, char *buf, size_t cap);

/* mkdir -p: a results directory and what goes under it. */
int scn_mkdirs(const char *path);

#endif
