/* hiblab compare: a result set against a baseline; exit 1 on a regression. */
#include "cli.h"

#include "bench/results.h"
#include "core/error.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void help(void)
{
	printf("usage: hiblab compare BASE NEW [--tolerance 10%%]\n\n"
	       "Pair the runs of two result sets (directories holding runs.csv, or the files)\n"
	       "by scenario, part and combination, and print what changed:\n"
	       "  verdict   a run no longer meets its expectation, went WRONG, or its verdict\n"
	       "            changed otherwise (correctness is not noisy)\n"
	       "  slower    suspend or resume MB/s dropped by more than the tolerance; judged\n"
	       "            only with 3 cycles or more on both sides (else n/a: not enough\n"
	       "            cycles to judge)\n"
	       "  bigger    the compression ratio dropped by more than 0.5%% (ratios are not\n"
	       "            noisy; the tolerance does not apply)\n"
	       "  memory    peak RSS grew by more than the tolerance and 8 MiB\n"
	       "  (and fixed, faster, smaller, leaner, changed, gone, new: not regressions)\n\n"
	       "      --tolerance P   allowed change, in percent (default 10%%)\n"
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

int cmd_compare(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "tolerance", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scn_results base = { .v = NULL }, cur = { .v = NULL };
	struct scn_compare_totals t;
	double tol = 0.10;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_tolerance(optarg, &tol))
				return cli_usage_error("compare", "--tolerance %s: expected a percentage "
						       "like 10%%", optarg);
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
	if (!err) {
		scn_compare(&base, &cur, tol, stdout, &t);
		if (t.matched == 0)
			err = hb_fail(HB_EUSAGE, "compare: %s and %s share no run (%u runs against %u; "
						 "runs pair by scenario, part, memory, disk, chain, "
						 "fault and chunk): nothing to judge", argv[optind],
				      argv[optind + 1], base.count, cur.count);
	}
	if (!err) {
		printf("compare: %u runs matched, %u regressions, %u improvements, %u only in BASE, "
		       "%u only in NEW, %u with too few cycles to judge their speed (tolerance "
		       "%.0f%%)\n", t.matched, t.regressions, t.improvements, t.only_base,
		       t.only_new, t.unjudged, tol * 100.0);
	}
	scn_results_free(&base);
	scn_results_free(&cur);
	if (err)
		return cli_fail(err);
	return t.regressions ? HB_EXIT_RUNTIME : HB_EXIT_OK;
}
