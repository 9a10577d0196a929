/* Running expanded scenario runs: each in a child process of its own, so
 * its peak memory is its own and a crash is a verdict, not the end of the
 * matrix. */
#ifndef HB_BENCH_RUNNER_H
#define HB_BENCH_RUNNER_H

#include "progress.h"
#include "results.h"
#include "scenario.h"

#include <stdio.h>

struct scn_runner {
	char scratch[512];     /* images, backing files and the key file */
	char keyfile[600];
	struct progress_show show;  /* "run N/M" and the run's progress on stderr */
	char all_eta[48];      /* "all ETA 15 s": for the run going now to show */
	bool quiet;            /* only runs that miss their expectation */
	unsigned total, done;
	double started;
	FILE *out;             /* one line per finished run */
	char outdir[600];      /* results directory: guest consoles go under it */
	bool keep_disks;       /* guest runs: each cycle's disk after its suspend, in outdir/disks */
};

/* Make the scratch directory (under $TMPDIR or /tmp) and a random key. */
int scn_runner_init(struct scn_runner *rn, bool quiet, FILE *out);
void scn_runner_fini(struct scn_runner *rn);

/* Run r in a child process and fill res. */
int scn_runner_run(struct scn_runner *rn, const struct scn_run *r, struct scn_result *res);

/* In the child, with res already describing r (scenario, combination,
 * expect): the run itself fills in the figures and the verdict. */
/* a simulated run: suspend and resume, cycles times (bench/run_one.c) */
void scn_run_here(const struct scn_runner *rn, const struct scn_run *r, struct scn_result *res);
/* a machine = qemu or libvirt run (bench/run_qemu.c) */
void scn_run_qemu(const struct scn_runner *rn, const struct scn_run *r, struct scn_result *res);

#endif
