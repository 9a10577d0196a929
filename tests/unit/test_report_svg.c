/* The charts' data: labels wrapped and never cut, a run that measured
 * nothing as NaN with its verdict's word (not 0.0), the spread over the
 * cycles, and the chains' Pareto blocks. */
#include "testutil.h"

#include "bench/reports.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char dir[256];

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
}

static void teardown(void)
{
	tu_rmdir(dir);
}

TestSuite(report_svg, .init = setup, .fini = teardown);

static void add(struct scn_results *rs, const char *chain, const char *fault, enum scn_verdict v,
		unsigned cycles)
{
	struct scn_result r = { .verdict = v, .bytes_in = 1000000 };
	unsigned c;

	r.index = rs->count;
	snprintf(r.scenario, sizeof(r.scenario), "s");
	snprintf(r.chain, sizeof(r.chain), "%s", chain);
	snprintf(r.fault, sizeof(r.fault), "%s", fault);
	if (v == SCN_VERDICT_RESTORED) {
		r.bytes_out = 500000;
		r.ratio = 2.0;
		for (c = 0; c < cycles; c++) {
			scn_samples_add(&r.suspend_cycle_s, 0.01 * (c + 1));
			scn_samples_add(&r.resume_cycle_s, 0.01);
		}
		scn_result_spread(&r);
		r.suspend_mbps = r.suspend_mbps_median;
		r.resume_mbps = r.resume_mbps_median;
	}
	cr_assert_eq(scn_results_add(rs, &r), 0);
}

/* The data file's text, NUL-terminated. */
static char *data(const char *name)
{
	char path[300], *text;
	size_t len;

	tu_path(path, sizeof(path), dir, name);
	text = (char *)tu_read_file(path, &len);
	text = (char *)realloc(text, len + 1);
	text[len] = '\0';
	return text;
}

static void charts(const struct scn_results *rs)
{
	FILE *log = fopen("/dev/null", "w");

	cr_assert_not_null(log);
	cr_assert_geq(scn_write_charts(dir, rs, log), 0);
	fclose(log);
}

Test(report_svg, labels_are_wrapped_never_cut)
{
	static const char chain[] = "zero,dedup,zstd:level=3,chacha20-poly1305,xxh3,crc32c,lz4";
	struct scn_results rs = { .v = NULL };
	char *text, *row, *p, joined[400];
	size_t n = 0;

	add(&rs, chain, "powercut@flush2", SCN_VERDICT_RESTORED, 1);
	add(&rs, "zero", "none", SCN_VERDICT_RESTORED, 1);
	charts(&rs);
	text = data("charts.dat");
	row = strstr(text, "\n0 \"");
	cr_assert_not_null(row);
	/* the label's lines put together again are the whole label */
	for (p = row + 4; *p != '"' && n + 1 < sizeof(joined); p++) {
		if (p[0] == '\\' && p[1] == 'n') {
			p++;
			if (n && joined[n - 1] != ',')
				joined[n++] = ' ';
			continue;
		}
		joined[n++] = *p;
	}
	joined[n] = '\0';
	cr_assert_str_eq(joined, "#0 zero,dedup,zstd:level=3,chacha20-poly1305,xxh3,crc32c,lz4 "
				 "powercut@flush2");
	cr_assert_not_null(strstr(row, "\\n"), "a label this long takes more than one line");
	free(text);
	scn_results_free(&rs);
}

Test(report_svg, a_run_that_measured_nothing_is_nan_and_its_word)
{
	struct scn_results rs = { .v = NULL };
	char *text;

	add(&rs, "lz4", "none", SCN_VERDICT_RESTORED, 3);
	add(&rs, "lz4", "powercut@1%", SCN_VERDICT_REFUSED, 1);
	charts(&rs);
	text = data("charts.dat");
	/* three cycles: median 50 MB/s, slowest 33.33, fastest 100 */
	cr_assert_not_null(strstr(text, "\" 50.00 33.33 100.00 100.00 100.00 100.00 2.0000 \"\" \"\" \"\"\n"));
	cr_assert_not_null(strstr(text, "\" NaN NaN NaN NaN NaN NaN NaN \"refused\" \"refused\" \"refused\"\n"));
	free(text);
	text = data("pareto.dat");
	cr_assert_not_null(strstr(text, "2.0000 50.00 100.00 \"lz4\""));
	free(text);
	scn_results_free(&rs);
}
