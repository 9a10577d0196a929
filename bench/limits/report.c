/* The report: a table for people, a CSV for make bench and the closing notes. */
#include "lim.h"

#include <errno.h>
#include <string.h>

/* "~": the best run had under LIM_SHARE_MIN of its CPUs (a busy machine) */
static bool cell_mbps(FILE *f, const struct lim_fig *v)
{
	bool busy = v->mbps > 0 && v->share < LIM_SHARE_MIN;

	if (v->mbps > 0)
		fprintf(f, " %8.0f%c", v->mbps, busy ? '~' : ' ');
	else
		fprintf(f, " %8s ", "-");
	return busy;
}

static bool cell_overhead(FILE *f, bool have, double o)
{
	bool over = have && o >= LIM_OVERHEAD_MAX;

	if (have)
		fprintf(f, " %6.1f%s", o, over ? "!" : " ");
	else
		fprintf(f, " %6s ", "-");
	return over;
}

static void cell_ratio(FILE *f, double v)
{
	if (v > 0)
		fprintf(f, " %7.3f", v);
	else
		fprintf(f, " %7s", "-");
}

static void timing_text(const struct lim_setup *s, char *buf, size_t cap)
{
	snprintf(buf, cap, "best of %u runs; a run repeats whole passes over the set until "
			   ">= %.2f s", s->timing.reps, s->timing.min_time);
}

/* generate MB/s beside memcpy's: the share of memory speed the simulator has */
static void report_generate(FILE *f, const struct lim_setup *s)
{
	double copy = s->gen[0].fig.mbps;
	bool busy = false;
	unsigned i;

	fprintf(f, "\ngenerate: hb_sim_fill of each %zu KiB chunk into a reused buffer, 1 thread "
		   "(seed 1; pools built before the clock); memcpy: each chunk of the set into the "
		   "same buffer\n", s->pages->chunk / 1024);
	fprintf(f, "%-18s %9s  %9s\n", "profile", "MB/s", "x memcpy");
	for (i = 0; i < s->ngen; i++) {
		fprintf(f, "%-18s", s->gen[i].name);
		busy |= cell_mbps(f, &s->gen[i].fig);
		fprintf(f, " %9.2f\n", copy > 0 ? s->gen[i].fig.mbps / copy : 0.0);
	}
	if (busy)
		fprintf(f, "~ other work ran on the machine: the figure is low\n");
}

void lim_report_table(FILE *f, const struct lim_setup *s, const struct lim_row *rows, unsigned n)
{
	const struct lim_pages *p = s->pages;
	bool any_over = false, any_busy = false;
	char timing[160];
	char thr[32];
	unsigned i;

	timing_text(s, timing, sizeof(timing));
	fprintf(f, "\nhiblab-bench: %s: %zu bytes, %zu chunks of %zu KiB\n", p->origin, p->bytes,
		p->nchunks, p->chunk / 1024);
	fprintf(f, "timing: CLOCK_MONOTONIC, %s\n", timing);
	fprintf(f, "plugin: one-filter chain; encode %s; decode hb_worker_decode on the record\n",
		s->readonly ? "hb_worker_encode on the read-only chunk"
			    : "hb_worker_run on the chunk's writable slot (as suspend)");
	fprintf(f, "MB/s: original (uncompressed) bytes per second, 10^6\n");
	fprintf(f, "overhead: median over the runs of plugin time / bare time - 1, bare and plugin "
		   "runs taken in turn\n\n");
	/* each heading ends where the cells under it end */
	snprintf(thr, sizeof(thr), "%u-thread bare", s->threads);
	fprintf(f, "%-18s %18s%21s%16s%17s%30s\n", "", "bare, 1 thread",
		"plugin, 1 thread", "overhead %", "ratio", thr);
	fprintf(f, "%-18s %8s  %8s   %8s  %8s  %6s  %6s  %7s %7s  %8s  %8s  %8s\n", "filter", "enc",
		"dec", "enc", "dec", "enc", "dec", "bare", "plugin", "enc", "dec", "resume*");
	for (i = 0; i < n; i++) {
		const struct lim_row *r = &rows[i];

		fprintf(f, "%-18s", r->codec->name);
		any_busy |= cell_mbps(f, &r->bare_enc);
		any_busy |= cell_mbps(f, &r->bare_dec);
		fputc(' ', f);
		any_busy |= cell_mbps(f, &r->plg_enc);
		any_busy |= cell_mbps(f, &r->plg_dec);
		any_over |= cell_overhead(f, r->has_ovh, r->ovh_enc);
		any_over |= cell_overhead(f, r->has_ovh, r->ovh_dec);
		cell_ratio(f, r->bare_ratio);
		cell_ratio(f, r->plg_ratio);
		fputc(' ', f);
		any_busy |= cell_mbps(f, &r->thr_enc);
		any_busy |= cell_mbps(f, &r->thr_dec);
		any_busy |= cell_mbps(f, &r->thr_resume);
		fputc('\n', f);
	}
	fprintf(f, "\n* resume: per record, what a resume does besides its plumbing, bare: copy "
		   "the record in,\n  CRC-32C of it, decode, XXH3-128 of the pages\n");
	if (any_busy)
		fprintf(f, "\n~ its best run had under %.0f%% of its CPUs: other work ran on the machine, "
			   "the figure is low\n", LIM_SHARE_MIN * 100);
	if (any_over)
		fprintf(f, "\n! plugin layer overhead >= %.0f%% (issue 3 requires under %.0f%%)\n",
			LIM_OVERHEAD_MAX, LIM_OVERHEAD_MAX);
	if (s->ngen)
		report_generate(f, s);
	fprintf(f, "\nbare calls:\n");
	for (i = 0; i < n; i++)
		fprintf(f, "  %-18s %s%s%s\n", rows[i].codec->name, rows[i].codec->call,
			rows[i].codec->chain ? "; plugin chain: " : "",
			rows[i].codec->chain ? rows[i].codec->chain : "");
}

/* an empty field for a figure not measured */
static void csv_num(FILE *f, bool have, double v, int decimals)
{
	fputc(',', f);
	if (have)
		fprintf(f, "%.*f", decimals, v);
}

static void csv_fig(FILE *f, const struct lim_fig *v, double *min_share)
{
	csv_num(f, v->mbps > 0, v->mbps, 1);
	if (v->mbps > 0 && v->share < *min_share)
		*min_share = v->share;
}

int lim_report_csv(const char *path, const struct lim_setup *s, const struct lim_row *rows,
		   unsigned n)
{
	const struct lim_pages *p = s->pages;
	FILE *f = fopen(path, "w");
	char timing[160];
	unsigned i;

	if (!f) {
		fprintf(stderr, "hiblab-bench: --csv %s: %s\n", path, strerror(errno));
		return -1;
	}
	timing_text(s, timing, sizeof(timing));
	fprintf(f, "filter,plugin_chain,pages,set_bytes,chunk_bytes,bare_enc_MBps,bare_dec_MBps,"
		   "plugin_enc_MBps,plugin_dec_MBps,overhead_enc_pct,overhead_dec_pct,bare_ratio,"
		   "plugin_ratio,threads,threads_enc_MBps,threads_dec_MBps,threads_resume_MBps,"
		   "min_cpu_share,timing\n");
	for (i = 0; i < n; i++) {
		const struct lim_row *r = &rows[i];
		double share = 1e9;

		/* the origin and timing texts hold commas: quoted */
		fprintf(f, "%s,%s,\"%s\",%zu,%zu", r->codec->name,
			r->codec->chain ? r->codec->chain : "", p->origin, p->bytes, p->chunk);
		csv_fig(f, &r->bare_enc, &share);
		csv_fig(f, &r->bare_dec, &share);
		csv_fig(f, &r->plg_enc, &share);
		csv_fig(f, &r->plg_dec, &share);
		csv_num(f, r->has_ovh, r->ovh_enc, 2);
		csv_num(f, r->has_ovh, r->ovh_dec, 2);
		csv_num(f, r->bare_ratio > 0, r->bare_ratio, 4);
		csv_num(f, r->plg_ratio > 0, r->plg_ratio, 4);
		fprintf(f, ",%u", s->threads);
		csv_fig(f, &r->thr_enc, &share);
		csv_fig(f, &r->thr_dec, &share);
		csv_fig(f, &r->thr_resume, &share);
		csv_num(f, share < 1e9, share, 3);
		fprintf(f, ",\"%s\"\n", timing);
	}
	/* the generate rows: generate:PROFILE (and generate:memcpy), bare_enc_MBps only */
	for (i = 0; i < s->ngen; i++) {
		double share = 1e9;

		fprintf(f, "%s:%s,,\"%s\",%zu,%zu", LIM_GEN_ROW, s->gen[i].name, p->origin, p->bytes,
			p->chunk);
		csv_fig(f, &s->gen[i].fig, &share);
		fprintf(f, ",,,,,,,,1,,,");
		csv_num(f, share < 1e9, share, 3);
		fprintf(f, ",\"%s\"\n", timing);
	}
	if (fclose(f) != 0) {
		fprintf(stderr, "hiblab-bench: --csv %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}
