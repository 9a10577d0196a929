/* junit.xml: one test case per run, a failure for every run that missed
 * its expectation; one test suite per scenario. */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <string.h>

static void suite(FILE *f, const struct scn_results *rs, unsigned from, unsigned to)
{
	unsigned i, failures = 0;
	double secs = 0;

	for (i = from; i < to; i++) {
		failures += !rs->v[i].met;
		secs += (rs->v[i].suspend_s + rs->v[i].resume_s) * rs->v[i].cycles;
	}
	fputs("  <testsuite name=\"", f);
	scn_xml_text(f, rs->v[from].scenario);
	fprintf(f, "\" tests=\"%u\" failures=\"%u\" errors=\"0\" time=\"%.3f\">\n", to - from,
		failures, secs);
	for (i = from; i < to; i++) {
		const struct scn_result *r = &rs->v[i];
		char verdict[700];
		fputs("    <testcase classname=\"hiblab.", f);
		scn_xml_text(f, r->scenario);
		if (r->part[0]) {
			fputc('.', f);
			scn_xml_text(f, r->part);
		}
		fprintf(f, "\" name=\"#%u memory=", r->index);
		scn_xml_text(f, r->memory);
		fputs(" disk=", f);
		scn_xml_text(f, r->disk);
		fputs(" chain=", f);
		scn_xml_text(f, r->chain);
		fputs(" fault=", f);
		scn_xml_text(f, r->fault);
		fprintf(f, " chunk=%u\" time=\"%.3f\"", r->chunk_pages,
			(r->suspend_s + r->resume_s) * r->cycles);
		if (r->met) {
			fputs("/>\n", f);
			continue;
		}
		scn_result_verdict_text(r, verdict, sizeof(verdict));
		fputs(">\n      <failure message=\"", f);
		scn_xml_text(f, verdict);
		fprintf(f, "\" type=\"expected %s\">expected %s, got ", r->expect, r->expect);
		scn_xml_text(f, verdict);
		if (r->suspend_error[0]) {
			fputs("; suspend: ", f);
			scn_xml_text(f, r->suspend_error);
		}
		fputs("</failure>\n    </testcase>\n", f);
	}
	fputs("  </testsuite>\n", f);
}

int scn_write_junit(const char *path, const struct scn_results *rs)
{
	FILE *f = fopen(path, "w");
	unsigned i, from = 0, failures = 0;

	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	for (i = 0; i < rs->count; i++)
		failures += !rs->v[i].met;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"hiblab\" "
		   "tests=\"%u\" failures=\"%u\">\n", rs->count, failures);
	/* results are sorted by scenario: one suite per run of equal names */
	for (i = 1; i <= rs->count; i++) {
		if (i == rs->count || strcmp(rs->v[i].scenario, rs->v[from].scenario) != 0) {
			suite(f, rs, from, i);
			from = i;
		}
	}
	fputs("</testsuites>\n", f);
	if (fclose(f) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}
