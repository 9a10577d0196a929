/* hiblab compare: regressions need the tolerance AND the U test over the
 * cycles; ratios and verdicts need neither; too few cycles are said, not
 * guessed; runs.csv reads back what was written. */
#include "testutil.h"

#include "bench/reports.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

/* n cycles around mbps (over 1 GiB), spread +-1% the same way each time */
static void cycles_at(struct scn_samples *s, unsigned n, double mbps)
{
	static const double jitter[] = { 0, 0.01, -0.01, 0.005, -0.005, 0.0075, -0.0075 };
	unsigned i;

	s->count = 0;
	for (i = 0; i < n; i++)
		scn_samples_add(s, (double)(1u << 30) / (mbps * (1 + jitter[i % 7])) / 1e6);
}

static struct scn_result make_n(unsigned index, const char *chain, double s, double r,
				double ratio, bool met, unsigned cycles)
{
	struct scn_result x;

	memset(&x, 0, sizeof(x));
	x.index = index;
	snprintf(x.scenario, sizeof(x.scenario), "bench");
	snprintf(x.memory, sizeof(x.memory), "mixed size=1GiB seed=1");
	snprintf(x.disk, sizeof(x.disk), "ssd");
	snprintf(x.chain, sizeof(x.chain), "%s", chain);
	snprintf(x.fault, sizeof(x.fault), "none");
	snprintf(x.expect, sizeof(x.expect), "restored");
	x.verdict = met ? SCN_VERDICT_RESTORED : SCN_VERDICT_REFUSED;
	if (!met)
		snprintf(x.reason, sizeof(x.reason), "record 3: checksum mismatch");
	x.chunk_pages = 32;
	x.cycles = cycles;
	x.suspend_mbps = s;
	x.resume_mbps = r;
	x.ratio = ratio;
	x.met = met;
	x.rss_kib = 10240;
	x.bytes_in = 1 << 30;
	cycles_at(&x.suspend_cycle_s, cycles, s);
	cycles_at(&x.resume_cycle_s, cycles, r);
	scn_result_spread(&x);
	return x;
}

/* 5 cycles a side: fully apart, p = 2/252, below 0.05 */
static struct scn_result make(unsigned index, const char *chain, double s, double r,
			      double ratio, bool met)
{
	return make_n(index, chain, s, r, ratio, met, 5);
}

static struct scn_compare_totals run_alpha(const struct scn_result *b, unsigned nb,
					   const struct scn_result *c, unsigned nc, double tol,
					   double alpha)
{
	struct scn_results base = { .v = NULL }, cur = { .v = NULL };
	struct scn_compare_opts o = { .tolerance = tol, .alpha = alpha };
	struct scn_comparison cmp;
	struct scn_compare_totals t;
	unsigned i;

	for (i = 0; i < nb; i++)
		scn_results_add(&base, &b[i]);
	for (i = 0; i < nc; i++)
		scn_results_add(&cur, &c[i]);
	cr_assert_eq(scn_compare(&base, &cur, &o, &cmp), 0);
	t = cmp.t;
	scn_comparison_free(&cmp);
	scn_results_free(&base);
	scn_results_free(&cur);
	return t;
}

static struct scn_compare_totals run(const struct scn_result *b, unsigned nb,
				     const struct scn_result *c, unsigned nc, double tol)
{
	return run_alpha(b, nb, c, nc, tol, 0.05);
}
Test(compare, within_tolerance_is_quiet)
{
	struct scn_result b = make(0, "zero,lz4", 800, 1200, 2.6, true);
	struct scn_result c = make(0, "zero,lz4", 760, 1290, 2.59, true);  /* ratio -0.4% */
	struct scn_compare_totals t = run(&b, 1, &c, 1, 0.10);

	cr_assert_eq(t.matched, 1);
	cr_assert_eq(t.regressions, 0);
	cr_assert_eq(t.improvements, 0);
}

Test(compare, slower_bigger_and_verdict_are_regressions)
{
	struct scn_result b[3] = { make(0, "zero,lz4", 800, 1200, 2.6, true),
				   make(1, "zero,zstd", 500, 900, 3.0, true),
				   make(2, "zero", 1000, 2000, 1.4, true) };
	struct scn_result c[3] = { make(0, "zero,lz4", 600, 1200, 2.6, true),   /* slower */
				   make(1, "zero,zstd", 500, 900, 2.5, true),   /* bigger */
				   make(2, "zero", 1000, 2000, 1.4, false) };   /* refused */
	struct scn_compare_totals t = run(b, 3, c, 3, 0.10);

	cr_assert_eq(t.matched, 3);
	cr_assert_eq(t.regressions, 3);
	/* a looser tolerance forgives the speed, not the ratio (0.5%) nor the verdict */
	t = run(b, 3, c, 3, 0.30);
	cr_assert_eq(t.regressions, 2);
}

Test(compare, improvements_and_unpaired)
{
	struct scn_result b[2] = { make(0, "zero,lz4", 800, 1200, 2.6, false),
				   make(1, "gone", 1, 1, 1, true) };
	struct scn_result c[2] = { make(0, "zero,lz4", 1000, 1200, 2.6, true),
				   make(1, "new", 1, 1, 1, true) };
	struct scn_compare_totals t = run(b, 2, c, 2, 0.10);

	cr_assert_eq(t.regressions, 0);
	cr_assert_eq(t.improvements, 2);  /* fixed, and faster */
	cr_assert_eq(t.only_base, 1);
	cr_assert_eq(t.only_new, 1);
}

Test(compare, csv_round_trip)
{
	struct scn_results rs = { .v = NULL }, back = { .v = NULL };
	struct scn_result r = make(7, "zero,zstd:level=3,crc32c", 812.5, 1203.25, 2.6125, false);
	char dir[256], path[512];

	snprintf(r.suspend_error, sizeof(r.suspend_error), "sim: power cut, \"quoted\"\nline");
	scn_results_add(&rs, &r);
	tu_mkdir(dir, sizeof(dir));
	tu_path(path, sizeof(path), dir, "runs.csv");
	cr_assert_eq(scn_write_csv(path, &rs), 0);
	cr_assert_eq(scn_load(path, &back), 0);
	cr_assert_eq(back.count, 1);
	cr_assert_eq(back.v[0].index, 7);
	cr_assert_str_eq(back.v[0].chain, r.chain);
	cr_assert_str_eq(back.v[0].reason, r.reason);
	cr_assert_str_eq(back.v[0].suspend_error, r.suspend_error);
	cr_assert_eq(back.v[0].met, false);
	cr_assert_float_eq(back.v[0].suspend_mbps, 812.5, 0.01);
	cr_assert_float_eq(back.v[0].ratio, 2.6125, 0.0001);
	cr_assert_eq(back.v[0].bytes_in, 1u << 30);
	scn_results_free(&rs);
	scn_results_free(&back);
	tu_rmdir(dir);
}

/* Verdicts are an enum inside; runs.csv carries their names, every one of
 * which reads back, and a name no hiblab writes is refused, not kept. */
Test(compare, verdicts_round_trip_by_name)
{
	struct scn_results rs = { .v = NULL }, back = { .v = NULL };
	char dir[256], path[512];
	unsigned v;

	for (v = 0; v < SCN_VERDICTS; v++) {
		struct scn_result r = make(v, "zero", 1, 1, 1, true);
		r.verdict = (enum scn_verdict)v;
		scn_results_add(&rs, &r);
	}
	tu_mkdir(dir, sizeof(dir));
	tu_path(path, sizeof(path), dir, "runs.csv");
	cr_assert_eq(scn_write_csv(path, &rs), 0);
	cr_assert_eq(scn_load(path, &back), 0);
	cr_assert_eq(back.count, SCN_VERDICTS);
	for (v = 0; v < SCN_VERDICTS; v++)
		cr_assert_eq(back.v[v].verdict, (enum scn_verdict)v, "verdict %s",
			     scn_verdict_name((enum scn_verdict)v));
	cr_assert_str_eq(scn_verdict_name(SCN_VERDICT_WRONG), "WRONG");
	scn_results_free(&back);
	tu_write_file(path, "index,scenario,verdict\n0,s,MAYBE\n", 33);
	cr_assert_eq(scn_load(path, &back), HB_EUSAGE);
	cr_assert(strstr(hb_detail(HB_EUSAGE), "verdict 'MAYBE'"), "%s", hb_detail(HB_EUSAGE));
	scn_results_free(&rs);
	scn_results_free(&back);
	tu_rmdir(dir);
}

/* runs.json has the columns of runs.csv, in the same order. */
Test(compare, json_keys_are_the_csv_columns)
{
	struct scn_results rs = { .v = NULL };
	struct scn_result r = make(3, "zero,lz4", 800, 1200, 2.6, true);
	char dir[256], path[512], text[8192];
	const char *at;
	unsigned c;
	size_t n;
	FILE *f;

	scn_results_add(&rs, &r);
	tu_mkdir(dir, sizeof(dir));
	tu_path(path, sizeof(path), dir, "runs.json");
	cr_assert_eq(scn_write_json(path, &rs), 0);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	text[n] = '\0';
	fclose(f);
	at = text;
	for (c = 0; c < scn_column_count; c++) {
		char key[64];
		snprintf(key, sizeof(key), "\"%s\": ", scn_columns[c].name);
		at = strstr(at, key);
		cr_assert_not_null(at, "no %s after the previous key", key);
	}
	cr_assert(strstr(text, "\"met\": true, \"faults_fired\": 0"));
	scn_results_free(&rs);
	tu_rmdir(dir);
}

/* hiblab merge keeps a run found in two sets once. */
Test(compare, merge_drops_duplicates)
{
	struct scn_results all = { .v = NULL }, more = { .v = NULL };
	struct scn_result a = make(0, "zero", 1, 1, 1, true), b = make(1, "zero", 1, 1, 1, true);
	unsigned dups = 0;

	scn_results_add(&all, &a);
	scn_results_add(&more, &a);
	scn_results_add(&more, &b);
	cr_assert_eq(scn_results_merge(&all, &more, &dups), 0);
	cr_assert_eq(all.count, 2);
	cr_assert_eq(dups, 1);
	scn_results_free(&all);
	scn_results_free(&more);
}

/* Fewer than 3 cycles on a side: its speed is not judged (said), while its
 * ratio and verdict still are.  3 a side are judged, but can never be
 * significant at 0.05 (p = 0.10 at best); 5 a side can. */
Test(compare, too_few_cycles_leave_speed_unjudged)
{
	struct scn_result b[2] = { make_n(0, "zero,lz4", 800, 1200, 2.6, true, 2),
				   make(1, "zero,zstd", 500, 900, 3.0, true) };
	struct scn_result c[2] = { make(0, "zero,lz4", 400, 600, 2.6, true),   /* half as fast */
				   make_n(1, "zero,zstd", 250, 900, 2.98, true, 2) }; /* and 0.7% bigger */
	struct scn_compare_totals t;

	t = run(b, 2, c, 2, 0.10);
	cr_assert_eq(t.matched, 2);
	cr_assert_eq(t.unjudged, 2);
	cr_assert_eq(t.regressions, 1, "only the ratio beyond 0.5%% counts");
	c[1].ratio = 2.99;  /* 0.3%: within */
	t = run(b, 2, c, 2, 0.10);
	cr_assert_eq(t.regressions, 0);
	b[0] = make_n(0, "zero,lz4", 800, 1200, 2.6, true, 3);
	c[0] = make_n(0, "zero,lz4", 400, 600, 2.6, true, 3);
	b[1] = make_n(1, "zero,zstd", 500, 900, 3.0, true, 3);
	c[1] = make_n(1, "zero,zstd", 250, 900, 2.99, true, 3);
	t = run(b, 2, c, 2, 0.10);
	cr_assert_eq(t.unjudged, 0);
	cr_assert_eq(t.regressions, 0, "3 cycles a side: p = 0.10, not below 0.05");
	cr_assert_eq(t.unproven, 3);
	t = run_alpha(b, 2, c, 2, 0.10, 0.2);
	cr_assert_eq(t.regressions, 3, "at alpha 0.2: #0 suspend and resume, #1 suspend");
	b[0] = make(0, "zero,lz4", 800, 1200, 2.6, true);
	c[0] = make(0, "zero,lz4", 400, 600, 2.6, true);
	t = run(b, 1, c, 1, 0.10);
	cr_assert_eq(t.regressions, 2, "5 cycles a side: p = 0.008");
}

/* A median beyond the tolerance whose cycles overlap the baseline's is
 * noise, not a regression: one slow cycle moves neither the median nor
 * the ranks much. */
Test(compare, overlapping_cycles_are_noise)
{
	struct scn_result b = make(0, "zero,lz4", 800, 1200, 2.6, true);
	struct scn_result c = b;
	static const double fast[5] = { 1000, 640, 1010, 650, 990 }, slow[5] = { 660, 700, 980,
										   690, 970 };
	struct scn_compare_totals t;
	unsigned i;

	b.suspend_cycle_s.count = c.suspend_cycle_s.count = 0;
	for (i = 0; i < 5; i++) {
		scn_samples_add(&b.suspend_cycle_s, (double)(1u << 30) / fast[i] / 1e6);
		scn_samples_add(&c.suspend_cycle_s, (double)(1u << 30) / slow[i] / 1e6);
	}
	/* medians 990 -> 700 (-29%), ranks interleaved: p = 0.69 */
	t = run(&b, 1, &c, 1, 0.10);
	cr_assert_eq(t.regressions, 0);
	cr_assert_eq(t.unproven, 1);
}

/* A runs.csv of an older hiblab has cycles but no per-cycle figures: its
 * speeds are not judged, rather than judged on one mean. */
Test(compare, no_cycle_figures_are_not_judged)
{
	struct scn_result b = make(0, "zero,lz4", 800, 1200, 2.6, true);
	struct scn_result c = make(0, "zero,lz4", 400, 600, 2.6, true);
	struct scn_compare_totals t;

	b.suspend_cycle_s.count = b.resume_cycle_s.count = 0;
	t = run(&b, 1, &c, 1, 0.10);
	cr_assert_eq(t.regressions, 0);
	cr_assert_eq(t.unjudged, 1);
}

/* Another verdict is a regression even when both meet their expectation
 * (expect = safe: restored and refused both pass). */
Test(compare, any_other_verdict_is_a_regression)
{
	struct scn_result b = make(0, "zero,lz4", 800, 1200, 2.6, true);
	struct scn_result c = make(0, "zero,lz4", 800, 1200, 2.6, true);
	struct scn_compare_totals t;

	snprintf(b.expect, sizeof(b.expect), "safe");
	snprintf(c.expect, sizeof(c.expect), "safe");
	c.verdict = SCN_VERDICT_REFUSED;
	t = run(&b, 1, &c, 1, 0.10);
	cr_assert_eq(t.regressions, 1);
	t = run(&b, 1, &b, 1, 0.10);
	cr_assert_eq(t.regressions, 0);
}
