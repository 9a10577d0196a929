/* compare --junit FILE: one test case per compared run, so a CI page lists
 * each run a gate judged; a failure per run that regressed, its table rows
 * and notes as the message.  Runs on one side only are skipped cases. */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <string.h>

static void failure(FILE *f, const struct scn_comparison *cmp, unsigned run)
{
	char line[300];
	unsigned i;

	fputs(">\n      <failure message=\"", f);
	for (i = 0; i < cmp->row_count; i++) {
		const struct scn_compare_row *w = &cmp->rows[i];
		if (w->run != run || w->change != SCN_CHANGE_WORSE)
			continue;
		if (w->old_text)
			snprintf(line, sizeof(line), "%s %s -> %s; ", w->metric, w->old_text,
				 w->cur_text);
		else
			snprintf(line, sizeof(line), "%s %.2f -> %.2f (%+.1f%%%s); ", w->metric,
				 w->old, w->cur, w->change_pct, w->p >= 0 ? ", significant" : "");
		scn_xml_text(f, line);
	}
	fputs("\" type=\"regression\">", f);
	scn_xml_text(f, cmp->runs[run].notes);
	fputs("</failure>\n    </testcase>\n", f);
}

int scn_compare_junit(const char *path, const struct scn_comparison *cmp)
{
	FILE *f = fopen(path, "w");
	unsigned i, failures = 0, skipped = 0;

	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	for (i = 0; i < cmp->run_count; i++) {
		failures += cmp->runs[i].regression;
		skipped += cmp->runs[i].side != SCN_SIDE_BOTH;
	}
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hiblab compare\" "
		   "tests=\"%u\" failures=\"%u\" skipped=\"%u\">\n  <testsuite name=\"compare\" "
		   "tests=\"%u\" failures=\"%u\" skipped=\"%u\" errors=\"0\">\n", cmp->run_count,
		failures, skipped, cmp->run_count, failures, skipped);
	for (i = 0; i < cmp->run_count; i++) {
		const struct scn_compare_run *r = &cmp->runs[i];
		fputs("    <testcase classname=\"hiblab.compare\" name=\"", f);
		scn_xml_text(f, r->key);
		fprintf(f, "\" time=\"%.3f\"", r->seconds);
		if (r->regression)
			failure(f, cmp, i);
		else if (r->side != SCN_SIDE_BOTH)
			fprintf(f, ">\n      <skipped message=\"only in %s\"/>\n    </testcase>\n",
				r->side == SCN_SIDE_BASE ? "BASE" : "NEW");
		else
			fputs("/>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
	if (fclose(f) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}
