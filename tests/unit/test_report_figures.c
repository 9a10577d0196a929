/* What the reports show for a run's figures: a speed only where the run
 * measured one, the verdict's word elsewhere, and one point per chain. */
#include "bench/reports.h"

#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static struct scn_result run(const char *chain, enum scn_verdict v, double ratio, double s_mbps,
			     double r_mbps)
{
	struct scn_result r = { .verdict = v, .ratio = ratio, .bytes_in = 1000000 };

	snprintf(r.chain, sizeof(r.chain), "%s", chain);
	r.bytes_out = ratio > 0 ? (uint64_t)(1000000 / ratio) : 0;
	r.suspend_mbps = s_mbps;
	r.resume_mbps = r_mbps;
	return r;
}

Test(report_figures, a_refused_resume_is_not_a_speed)
{
	struct scn_result r = run("zero,crc32c", SCN_VERDICT_REFUSED, 1.0, 0, 0);
	struct scn_speed s;

	scn_samples_add(&r.suspend_cycle_s, 0.01);  /* the suspend went: 100 MB/s */
	scn_result_spread(&r);
	scn_report_speed(&r, false, &s);
	cr_assert(s.measured);
	cr_assert_float_eq(s.mbps, 100.0, 1e-9);
	cr_assert_eq(s.cycles, 1);
	scn_report_speed(&r, true, &s);
	cr_assert_not(s.measured);
	cr_assert_str_eq(scn_report_unmeasured(&r), "refused");
}

Test(report_figures, the_spread_comes_from_the_cycles)
{
	struct scn_result r = run("lz4", SCN_VERDICT_RESTORED, 2.0, 50, 50);
	struct scn_speed s;

	scn_samples_add(&r.resume_cycle_s, 0.01);
	scn_samples_add(&r.resume_cycle_s, 0.02);
	scn_samples_add(&r.resume_cycle_s, 0.04);
	scn_result_spread(&r);
	scn_report_speed(&r, true, &s);
	cr_assert(s.measured);
	cr_assert_eq(s.cycles, 3);
	cr_assert_float_eq(s.mbps, 50.0, 1e-9);
	cr_assert_float_eq(s.min, 25.0, 1e-9);
	cr_assert_float_eq(s.max, 100.0, 1e-9);
}

Test(report_figures, an_older_file_without_cycles_shows_its_mean)
{
	struct scn_result r = run("lz4", SCN_VERDICT_RESTORED, 2.0, 70, 80);
	struct scn_speed s;

	scn_report_speed(&r, false, &s);
	cr_assert(s.measured);
	cr_assert_eq(s.cycles, 0);
	cr_assert_float_eq(s.mbps, 70.0, 1e-9);
	cr_assert_not(scn_report_has_ratio(&(struct scn_result){ .ratio = 0 }));
}

Test(report_figures, one_point_per_restored_chain_in_order_of_ratio)
{
	struct scn_results rs = { .v = NULL };
	struct scn_chain_point *p;
	unsigned n;
	struct scn_result a1 = run("zstd", SCN_VERDICT_RESTORED, 3.0, 10, 30);
	struct scn_result a2 = run("zstd", SCN_VERDICT_RESTORED, 3.0, 20, 50);
	struct scn_result b = run("lz4", SCN_VERDICT_RESTORED, 2.0, 40, 20);
	struct scn_result c = run("none", SCN_VERDICT_RESTORED, 1.0, 30, 10);
	struct scn_result d = run("broken", SCN_VERDICT_REFUSED, 9.0, 90, 0);

	cr_assert_eq(scn_results_add(&rs, &a1), 0);
	cr_assert_eq(scn_results_add(&rs, &a2), 0);
	cr_assert_eq(scn_results_add(&rs, &b), 0);
	cr_assert_eq(scn_results_add(&rs, &c), 0);
	cr_assert_eq(scn_results_add(&rs, &d), 0);
	cr_assert_eq(scn_chain_points(&rs, &p, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(p[0].chain, "none");
	cr_assert_str_eq(p[1].chain, "lz4");
	cr_assert_str_eq(p[2].chain, "zstd");
	cr_assert_eq(p[2].runs, 2);
	cr_assert_float_eq(p[2].suspend_mbps, 15.0, 1e-9);
	cr_assert_float_eq(p[2].resume_mbps, 40.0, 1e-9);
	/* suspend: none (1, 30) is beaten by lz4 (2, 40) */
	cr_assert_not(p[0].best_suspend);
	cr_assert(p[1].best_suspend);
	cr_assert(p[2].best_suspend);
	/* resume: zstd (3, 40) beats everything */
	cr_assert_not(p[0].best_resume);
	cr_assert_not(p[1].best_resume);
	cr_assert(p[2].best_resume);
	free(p);
	scn_results_free(&rs);
}
