/* hiblab compare: a result set against a baseline; exit 1 on a regression. */
#include "cli.h"

#include "bench/reports.h"
#include "bench/results.h"
#include "core/error.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
	printf("usage: hiblab compare BASE NEW [--tolerance 10%%] [--alpha 0.05] [--junit FILE]\n\n"
	       "Pair the runs of two result sets (directories holding runs.csv, or the files)\n"
	       "by scenario, part and combination, and print one aligned table: for each run\n"
	       "its verdict, suspend and resume MB/s (medians over the cycles), image ratio and\n"
	       "peak RSS, old and new, the change, the p-value and what it means:\n"
	       "  VERDICT   a run no longer meets its expectation, went WRONG, or its verdict\n"
	       "            changed otherwise (correctness is not noisy)\n"
	       "  SLOWER    the median MB/s dropped beyond the tolerance AND the cycles say it\n"
	       "            is real: the Mann-Whitney U test gives p < alpha.  Judged with 3\n"
	       "            cycles or more a side (else n/a); 3 a side can reach p = 0.10 at\n"
	       "            best, so use 4 or more where a gate must catch slowdowns\n"
	       "  noise     beyond the tolerance, but within what the cycles' spread explains\n"
	       "  BIGGER    the image ratio dropped by more than 0.5%% (ratios are not noisy;\n"
	       "            no tolerance, no test)\n"
	       "  MEMORY    peak RSS grew by more than the tolerance and 8 MiB\n"
	       "  (and same, fixed, faster, smaller, leaner, changed: not regressions)\n"
	       "Notes under the table say why a verdict moved or a speed was not judged;\n"
	       "runs found on one side only are listed (gone, new), not judged.\n\n"
	       "      --tolerance P   a speed or memory change smaller than this is the same\n"
	       "                      (percent, default 10%%)\n"
	       "      --alpha A       significance level of the speed test (default 0.05)\n"
	       "      --junit FILE    also write FILE: one JUnit test case per compared run, a\n"
	       "                      failure for each that regressed\n"
	       "  -h, --help          this help\n\n"
	       "Two sets that share no run are refused (exit 2): a gate that passes them\n"
	       "would let any regression in.\n\n"
	       "Exit status: 0 no regression, 1 a regression, 2 bad input or no run in common.\n");
}

static int parse_tolerance(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || (*end && strcmp(end, "%") != 0) || !(v >= 0.0 && v < 1000.0))
		return -1;
	*out = v / 100.0;
	return 0;
}

static int parse_alpha(const char *s, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v > 0.0 && v < 1.0))
		return -1;
	*out = v;
	return 0;
}

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tolerance", required_argument, NULL, 't' },
		{ "alpha", required_argument, NULL, 'a' },
		{ "junit", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scn_results base = { .v = NULL }, cur = { .v = NULL };
	struct scn_compare_opts o = { .tolerance = 0.10, .alpha = 0.05 };
	struct scn_comparison cmp = { .rows = NULL };
	const char *junit = NULL;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_tolerance(optarg, &o.tolerance))
				return cli_usage_error("compare", "--tolerance %s: expected a percentage "
						       "like 10%%", optarg);
			break;
		case 'a':
			if (parse_alpha(optarg, &o.alpha))
				return cli_usage_error("compare", "--alpha %s: expected a level between "
						       "0 and 1, like 0.05", optarg);
			break;
		case 'j':
			junit = optarg;
			break;
		case 'h':
			help();
			return HB_EXIT_OK;
		case ':':
			return cli_usage_error("compare", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("compare", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 2)
		return cli_usage_error("compare", "expected BASE and NEW");
	err = scn_load(argv[optind], &base);
	if (!err)
		err = scn_load(argv[optind + 1], &cur);
	if (!err)
		err = scn_compare(&base, &cur, &o, &cmp);
	if (!err && cmp.t.matched == 0)
		err = hb_fail(HB_EUSAGE, "compare: %s and %s share no run (%u runs against %u; "
					 "runs pair by scenario, part, memory, disk, chain, fault "
					 "and chunk): nothing to judge", argv[optind], argv[optind + 1],
			      base.count, cur.count);
	if (!err && junit)
		err = scn_compare_junit(junit, &cmp);
	if (!err) {
		scn_compare_print(stdout, &cmp);
		printf("compare: %u runs matched, %u regressions, %u improvements, %u beyond the "
		       "tolerance but not significant, %u with too few cycles to judge their speed, "
		       "%u only in BASE, %u only in NEW (tolerance %.0f%%, alpha %.2f)\n",
		       cmp.t.matched, cmp.t.regressions, cmp.t.improvements, cmp.t.unproven,
		       cmp.t.unjudged, cmp.t.only_base, cmp.t.only_new, o.tolerance * 100.0, o.alpha);
	}
	c = cmp.t.regressions;
	scn_comparison_free(&cmp);
	scn_results_free(&base);
	scn_results_free(&cur);
	if (err)
		return cli_fail(err);
	return c ? HB_EXIT_RUNTIME : HB_EXIT_OK;
}
