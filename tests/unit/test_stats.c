/* The spread over cycles and the Mann-Whitney U test compare decides with:
 * p-values checked against the exact distribution worked by hand (and as
 * SciPy's mannwhitneyu gives them), and the per-cycle figures read back. */
#include "testutil.h"

#include "bench/reports.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Test(stats, exact_p_values)
{
	const double lo3[] = { 1, 2, 3 }, hi3[] = { 4, 5, 6 };
	const double lo4[] = { 1, 2, 3, 4 }, hi4[] = { 5, 6, 7, 8 };
	const double lo5[] = { 1, 2, 3, 4, 5 }, hi5[] = { 6, 7, 8, 9, 10 };
	const double odd[] = { 1, 3, 5 }, even[] = { 2, 4, 6 };

	/* fully apart: 2 of C(6,3) = 20 orderings are as extreme */
	cr_assert_float_eq(scn_mann_whitney_p(lo3, 3, hi3, 3), 0.1, 1e-12);
	cr_assert_float_eq(scn_mann_whitney_p(hi3, 3, lo3, 3), 0.1, 1e-12);
	cr_assert_float_eq(scn_mann_whitney_p(lo4, 4, hi4, 4), 2.0 / 70, 1e-12);
	cr_assert_float_eq(scn_mann_whitney_p(lo5, 5, hi5, 5), 2.0 / 252, 1e-12);
	/* interleaved: U = 3 of 9; P(U <= 3) = (1+1+2+3)/20 */
	cr_assert_float_eq(scn_mann_whitney_p(odd, 3, even, 3), 0.7, 1e-12);
	/* unequal sizes: U = 0 of 2x4; 2 of C(6,2) = 15 */
	cr_assert_float_eq(scn_mann_whitney_p(lo3, 2, hi4, 4), 2.0 / 15, 1e-12);
}

Test(stats, ties_and_edges)
{
	const double a[] = { 1, 1, 2, 2 }, b[] = { 3, 3, 4, 4 }, same[] = { 7, 7, 7 };

	/* ties: the normal approximation, tie-corrected, continuity-corrected:
	 * U = 0, mean 8, sigma^2 = 16/12 * (9 - 24/56), z = 7.5 / sigma */
	cr_assert_float_eq(scn_mann_whitney_p(a, 4, b, 4), 0.026518, 1e-5);
	cr_assert_float_eq(scn_mann_whitney_p(same, 3, same, 3), 1.0, 1e-12);
	cr_assert_float_eq(scn_mann_whitney_p(a, 0, b, 4), 1.0, 1e-12);
}

Test(stats, large_samples_use_the_normal_approximation)
{
	double a[40], b[40];
	unsigned i;

	for (i = 0; i < 40; i++) {
		a[i] = 100 + i;
		b[i] = 100.5 + i;  /* shifted by half a step: no ties, no real difference */
	}
	cr_assert_gt(scn_mann_whitney_p(a, 40, b, 40), 0.5);
	for (i = 0; i < 40; i++)
		b[i] = 200 + i;
	cr_assert_lt(scn_mann_whitney_p(a, 40, b, 40), 1e-10);
}

Test(stats, spread_from_cycle_seconds)
{
	struct scn_result r;
	unsigned i;

	memset(&r, 0, sizeof(r));
	r.bytes_in = 1000000;
	scn_samples_add(&r.suspend_cycle_s, 0.5);
	scn_samples_add(&r.suspend_cycle_s, 0.25);
	scn_samples_add(&r.suspend_cycle_s, 1.0);
	scn_samples_add(&r.suspend_cycle_s, 0);  /* no figure: not a cycle */
	scn_result_spread(&r);
	cr_assert_eq(r.suspend_cycle_s.count, 3);
	cr_assert_float_eq(r.suspend_mbps_median, 2.0, 1e-9);
	cr_assert_float_eq(r.suspend_mbps_min, 1.0, 1e-9);
	cr_assert_float_eq(r.suspend_mbps_max, 4.0, 1e-9);
	cr_assert_float_eq(r.resume_mbps_median, 0.0, 1e-9);  /* no resume cycle */
	for (i = 0; i < SCN_SAMPLES_MAX + 5; i++)
		scn_samples_add(&r.resume_cycle_s, 0.1);
	cr_assert_eq(r.resume_cycle_s.count, SCN_SAMPLES_MAX);
}

Test(stats, cycles_read_back_from_runs_csv_and_json)
{
	struct scn_results rs = { .v = NULL }, back = { .v = NULL };
	struct scn_result r;
	char dir[256], path[512], *text;
	uint8_t *raw;
	size_t n;

	memset(&r, 0, sizeof(r));
	snprintf(r.scenario, sizeof(r.scenario), "s");
	r.bytes_in = 1 << 20;
	r.verdict = SCN_VERDICT_RESTORED;
	scn_samples_add(&r.suspend_cycle_s, 0.012345);
	scn_samples_add(&r.suspend_cycle_s, 0.5);
	scn_samples_add(&r.resume_cycle_s, 0.25);
	scn_result_spread(&r);
	scn_results_add(&rs, &r);
	tu_mkdir(dir, sizeof(dir));
	tu_path(path, sizeof(path), dir, "runs.csv");
	cr_assert_eq(scn_write_csv(path, &rs), 0);
	cr_assert_eq(scn_load(path, &back), 0);
	cr_assert_eq(back.v[0].suspend_cycle_s.count, 2);
	cr_assert_float_eq(back.v[0].suspend_cycle_s.v[0], 0.012345, 1e-9);
	cr_assert_float_eq(back.v[0].suspend_cycle_s.v[1], 0.5, 1e-9);
	cr_assert_eq(back.v[0].resume_cycle_s.count, 1);
	cr_assert_float_eq(back.v[0].suspend_mbps_max, r.suspend_mbps_max, 0.01);
	tu_path(path, sizeof(path), dir, "runs.json");
	cr_assert_eq(scn_write_json(path, &rs), 0);
	raw = tu_read_file(path, &n);
	text = strndup((const char *)raw, n);
	free(raw);
	cr_assert(strncmp(text, "{\"format_version\": 2,\n \"runs\": [\n  {", 35) == 0, "%.60s", text);
	cr_assert(strstr(text, "\"suspend_cycle_s\": [0.012345, 0.500000]"), "%s", text);
	cr_assert(strstr(text, "\"resume_cycle_s\": [0.250000]}\n ]}\n"), "%s", text);
	free(text);
	scn_results_free(&rs);
	scn_results_free(&back);
	tu_rmdir(dir);
}

/* A crafted cell: figures stop at the first that is not a time, and a
 * thousand of them keep SCN_SAMPLES_MAX. */
Test(stats, crafted_cycle_cells)
{
	const struct scn_column *c = scn_column_find("suspend_cycle_s");
	char many[8192];
	struct scn_result r;
	size_t used = 0;
	unsigned i;

	cr_assert_not_null(c);
	memset(&r, 0, sizeof(r));
	cr_assert_eq(scn_column_set(c, &r, "0.5 0.25 nan 0.1"), 0);
	cr_assert_eq(r.suspend_cycle_s.count, 2);
	cr_assert_eq(scn_column_set(c, &r, "-1 0.5"), 0);
	cr_assert_eq(r.suspend_cycle_s.count, 0);
	cr_assert_eq(scn_column_set(c, &r, "0.5 inf"), 0);
	cr_assert_eq(r.suspend_cycle_s.count, 1);
	cr_assert_eq(scn_column_set(c, &r, "0 0.5"), 0);
	cr_assert_eq(r.suspend_cycle_s.count, 0);
	for (i = 0; i < 1000; i++)
		used += (size_t)snprintf(many + used, sizeof(many) - used, "%s0.1", i ? " " : "");
	cr_assert_eq(scn_column_set(c, &r, many), 0);
	cr_assert_eq(r.suspend_cycle_s.count, SCN_SAMPLES_MAX);
}
