/* hiblab merge: join the results of shards (or of several hosts). */
#include "cli.h"

#include "bench/reports.h"
#include "core/error.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void help(void)
{
	printf("usage: hiblab merge --out DIR RESULTS...\n\n"
	       "Join result sets (directories holding runs.csv, or runs.csv files), such as\n"
	       "the shards of `hiblab run --shard I/N`, and write every report again into\n"
	       "DIR: runs.csv, runs.json, summary.md, junit.xml and the charts.  A run found\n"
	       "in two sets (same scenario and index) is kept once.\n\n"
	       "      --out DIR   where the merged results go (required)\n"
	       "  -h, --help      this help\n\n"
	       "Exit status: 0 every run as expected, 1 some run not, 2 bad input.\n");
}

int cmd_merge(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct scn_results all = { .v = NULL };
	const char *out = NULL;
	char title[96] = "";
	unsigned i, missed = 0, dups = 0;
	int c, err = 0;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out = optarg;
			break;
		case 'h':
			help();
			return HB_EXIT_OK;
		case ':':
			return cli_usage_error("merge", "%s needs a value", argv[optind - 1]);
		default:
			return cli_usage_error("merge", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (!out)
		return cli_usage_error("merge", "--out DIR is required");
	if (optind == argc)
		return cli_usage_error("merge", "no results given");
	for (; optind < argc && !err; optind++) {
		struct scn_results one = { .v = NULL };
		err = scn_load(argv[optind], &one);
		if (!err)
			err = scn_results_merge(&all, &one, &dups);
		scn_results_free(&one);
	}
	if (!err) {
		scn_results_sort(&all);
		for (i = 0; i < all.count; i++)
			missed += !all.v[i].met;
		if (all.count)
			snprintf(title, sizeof(title), "%s (merged)", all.v[0].scenario);
		err = scn_write_all(out, title, NULL, 0, &all, stdout);
	}
	if (!err)
		printf("merged %u runs (%u duplicates dropped): %u as expected, %u not\nresults: %s\n",
		       all.count, dups, all.count - missed, missed, out);
	scn_results_free(&all);
	if (err)
		return cli_fail(err);
	return missed ? HB_EXIT_RUNTIME : HB_EXIT_OK;
}
