/* Where a guest cycle's seconds go (docs/QEMU.md): the per-phase columns of
 * cycles.csv, read back into the summary's table (median, p95 and max over
 * the cycles of each run) and into timeline.dat, the data of the timeline
 * chart (report_svg.c draws it with the other charts). */
#include "reports.h"

#include "backends/qemu.h"
#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define CYCLE_FIELDS 64
#define CYCLE_RECORD 8192

static void rows_add(struct scn_cycle_rows *rows, const struct scn_cycle_row *r)
{
	struct scn_cycle_row *v;

	if (rows->count == rows->cap) {
		unsigned cap = rows->cap ? rows->cap * 2 : 64;
		v = (struct scn_cycle_row *)realloc(rows->v, cap * sizeof(*v));
		if (!v)
			return;  /* a report short of rows, not a failed run */
		rows->v = v;
		rows->cap = cap;
	}
	rows->v[rows->count++] = *r;
}

/* The column called name in the header, or -1. */
static int column(char **head, unsigned n, const char *name)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (strcmp(head[i], name) == 0)
			return (int)i;
	}
	return -1;
}

int scn_cycle_rows_load(const char *dir, struct scn_cycle_rows *rows)
{
	char path[1200], *head[CYCLE_FIELDS], *v[CYCLE_FIELDS], name[32];
	char *hbuf = (char *)malloc(CYCLE_RECORD), *buf = (char *)malloc(CYCLE_RECORD);
	int at_phase[HB_GP_COUNT], at_index, at_who, at_chain, at_cycle, at_kernel, at_release;
	unsigned nh, n, i;
	FILE *f = NULL;
	int err = 0;

	memset(rows, 0, sizeof(*rows));
	snprintf(path, sizeof(path), "%.1100s/cycles.csv", dir);
	if (!hbuf || !buf) {
		err = hb_fail(HB_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	f = fopen(path, "r");
	if (!f)
		goto out;  /* no guest runs: nothing to report */
	nh = scn_csv_record(f, hbuf, CYCLE_RECORD, head, CYCLE_FIELDS);
	at_index = column(head, nh, "index");
	at_who = column(head, nh, "who");
	at_chain = column(head, nh, "chain");
	at_cycle = column(head, nh, "cycle");
	at_kernel = column(head, nh, "guest_kernel");
	at_release = column(head, nh, "kernel_release");
	for (i = 0; i < HB_GP_COUNT; i++) {
		snprintf(name, sizeof(name), "phase_%s_s", hb_guest_phase_name((enum hb_guest_phase)i));
		at_phase[i] = column(head, nh, name);
	}
	if (at_index < 0 || at_cycle < 0 || at_phase[0] < 0)
		goto out;  /* an older hiblab's file: no phases in it */
	while ((n = scn_csv_record(f, buf, CYCLE_RECORD, v, CYCLE_FIELDS)) != 0) {
		struct scn_cycle_row r = { .index = 0 };
		if (n < nh)
			continue;
		r.index = (unsigned)strtoul(v[at_index], NULL, 10);
		r.cycle = (unsigned)strtoul(v[at_cycle], NULL, 10);
		r.kernel = at_who >= 0 && strcmp(v[at_who], "kernel") == 0;
		snprintf(r.chain, sizeof(r.chain), "%s", at_chain >= 0 ? v[at_chain] : "");
		snprintf(r.release, sizeof(r.release), "%s",
			 at_release >= 0 && *v[at_release] ? v[at_release] :
			 at_kernel >= 0 ? v[at_kernel] : "");
		for (i = 0; i < HB_GP_COUNT; i++) {
			const char *cell = at_phase[i] >= 0 ? v[at_phase[i]] : "";
			r.phase[i] = *cell ? strtod(cell, NULL) : -1.0;
		}
		rows_add(rows, &r);
	}
out:
	if (f)
		fclose(f);
	free(hbuf);
	free(buf);
	return err;
}

void scn_cycle_rows_free(struct scn_cycle_rows *rows)
{
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

/* One run's cell for phase p: "1.23" with one cycle, "p50 / p95 / max" with
 * three or more, "-" where no cycle saw the phase. */
static void phase_cell(FILE *f, const struct scn_cycle_rows *rows, unsigned index, unsigned p,
		       double *scratch)
{
	double p50, p95, max;
	unsigned i, n = 0;

	for (i = 0; i < rows->count; i++) {
		if (rows->v[i].index == index && rows->v[i].phase[p] >= 0)
			scratch[n++] = rows->v[i].phase[p];
	}
	if (n == 0) {
		fputs("| - ", f);
		return;
	}
	scn_quantiles(scratch, n, &p50, &p95, &max);
	if (n < 3)
		fprintf(f, "| %.2f ", p50);
	else
		fprintf(f, "| %.2f / %.2f / %.2f ", p50, p95, max);
}

void scn_phase_section(FILE *f, const struct scn_cycle_rows *rows)
{
	double *scratch;
	unsigned i, p, last = (unsigned)-1;

	if (!rows->count || !(scratch = (double *)malloc(rows->count * sizeof(*scratch))))
		return;
	fputs("\n## Where the seconds go (guest runs)\n\n| # | who | kernel | chain | cycles ", f);
	for (p = 0; p < HB_GP_COUNT; p++)
		fprintf(f, "| %s ", hb_guest_phase_name((enum hb_guest_phase)p));
	fputs("|\n|---:|---|---|---|---:", f);
	for (p = 0; p < HB_GP_COUNT; p++)
		fputs("|---:", f);
	fputs("|\n", f);
	for (i = 0; i < rows->count; i++) {
		const struct scn_cycle_row *r = &rows->v[i];
		unsigned n = 0, j;
		if (r->index == last)
			continue;
		last = r->index;
		for (j = 0; j < rows->count; j++)
			n += rows->v[j].index == r->index;
		fprintf(f, "| %u | %s | %s | %s | %u ", r->index, r->kernel ? "kernel" : "hiblab",
			r->release, r->chain, n);
		for (p = 0; p < HB_GP_COUNT; p++)
			phase_cell(f, rows, r->index, p, scratch);
		fputs("|\n", f);
	}
	free(scratch);
	fputs("\nSeconds per phase, timed on the host from the serial console: suspend "
	      "(freeze: the trigger to the kernel's \"Preallocating image memory\"; snapshot: to "
	      "the write's start; write: to the last record, or the kernel's \"Image saving "
	      "done\"; commit: to the header on the disk; poweroff: to \"reboot: Power down\") "
	      "and resume (boot: the machine started to the restore's start in /init; read: to "
	      "every page in, hiblab's SNAPSHOT_ATOMIC_RESTORE or the kernel's \"Image loading "
	      "done\"; restore: to back in the image, thawing; thaw: to the hibernating "
	      "command's return; verify: the workload's check).  One cycle: its figure; three "
	      "or more: median / p95 / max.  timeline.svg draws every cycle.\n", f);
}

int scn_timeline_data(const char *dir, const struct scn_cycle_rows *rows)
{
	char path[1200], label[400];
	FILE *f;
	unsigned i, p;
	char *q;

	snprintf(path, sizeof(path), "%.1100s/timeline.dat", dir);
	f = fopen(path, "w");
	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	fputs("# row label, then the end of each phase (seconds from the trigger, the resume "
	      "boot's phases after the suspend's): freeze snapshot write commit poweroff boot "
	      "read restore thaw verify\n", f);
	for (i = 0; i < rows->count; i++) {
		const struct scn_cycle_row *r = &rows->v[i];
		double at = 0.0;
		snprintf(label, sizeof(label), "#%u %s %s c%u", r->index, r->chain, r->release,
			 r->cycle);
		while ((q = strchr(label, '"')) != NULL)
			*q = '\'';
		fprintf(f, "%u \"%s\"", i, label);
		for (p = 0; p < HB_GP_COUNT; p++) {
			at += r->phase[p] > 0 ? r->phase[p] : 0.0;
			fprintf(f, " %.3f", at);
		}
		fputc('\n', f);
	}
	return fclose(f) == 0 ? 0 : hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
}
