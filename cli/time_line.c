/* The summary's second line for suspend and resume: where the time went,
 * as shares of the thread-seconds every phase took, and the engine's own
 * throughput (docs/BENCHMARKS.md, "Where the time went"). */
#include "cli.h"

#include <stdio.h>

struct shown {
	enum hb_phase phase;
	const char *label;  /* NULL: the sink's label, given by the caller */
};

static const struct shown suspend_shown[] = {
	{ HB_PHASE_SOURCE, "source" }, { HB_PHASE_FILTERS, "filters" },
	{ HB_PHASE_DIGEST, "digest" }, { HB_PHASE_TARGET, "target" },
	{ HB_PHASE_COMMIT, "commit" }, { HB_PHASE_SETUP, "setup" },
};

static const struct shown resume_shown[] = {
	{ HB_PHASE_TARGET, "read" }, { HB_PHASE_FILTERS, "filters" },
	{ HB_PHASE_DIGEST, "digest" }, { HB_PHASE_SINK, NULL },
	{ HB_PHASE_COMMIT, "invalidate" }, { HB_PHASE_SETUP, "setup" },
};

void cli_print_times(const struct hb_stats *st, const char *sink_label)
{
	const struct shown *shown = sink_label ? resume_shown : suspend_shown;
	unsigned n = sink_label ? sizeof(resume_shown) / sizeof(resume_shown[0]) :
				  sizeof(suspend_shown) / sizeof(suspend_shown[0]);
	double total = 0.0;
	char rate[32];
	unsigned i;

	for (i = 0; i < n; i++)
		total += st->phase_seconds[shown[i].phase];
	fputs("  time:", stdout);
	for (i = 0; i < n; i++)
		printf("%s %s %.0f%%", i ? "," : "", shown[i].label ? shown[i].label : sink_label,
		       total > 0 ? 100.0 * st->phase_seconds[shown[i].phase] / total : 0.0);
	cli_rate(st->bytes, st->engine_seconds, rate, sizeof(rate));
	printf(" (%.2f thread-s, %u thread%s); engine %s\n", total, st->threads,
	       st->threads == 1 ? "" : "s", rate);
}
