/* report.html: self-contained (no URL in it, the charts' namespaces
 * dropped and their ids made the page's own), every text from results
 * escaped, and a page even without gnuplot. */
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

TestSuite(report_html, .init = setup, .fini = teardown);

static void one_run(struct scn_results *rs, const char *chain, enum scn_verdict v,
		    const char *reason)
{
	struct scn_result r = { .verdict = v, .bytes_in = 1000000, .bytes_out = 500000,
				.ratio = 2.0, .suspend_mbps = 100, .resume_mbps = 200, .met = true };

	r.index = rs->count;
	snprintf(r.scenario, sizeof(r.scenario), "t");
	snprintf(r.chain, sizeof(r.chain), "%s", chain);
	snprintf(r.reason, sizeof(r.reason), "%s", reason);
	snprintf(r.host, sizeof(r.host), "host<1>");
	cr_assert_eq(scn_results_add(rs, &r), 0);
}

static char *page(void)
{
	char path[300];
	size_t len;
	char *text;

	tu_path(path, sizeof(path), dir, "report.html");
	text = (char *)tu_read_file(path, &len);
	text = (char *)realloc(text, len + 1);
	text[len] = '\0';
	return text;
}

Test(report_html, texts_from_results_are_escaped)
{
	struct scn_results rs = { .v = NULL };
	char *html;

	one_run(&rs, "lz4<script>", SCN_VERDICT_RESTORED, "");
	one_run(&rs, "zstd", SCN_VERDICT_REFUSED, "a & \"b\"");
	cr_assert_eq(scn_write_html(dir, "t<i>", NULL, 0, &rs, false), 0);
	html = page();
	cr_assert_null(strstr(html, "<script"));
	cr_assert_null(strstr(html, "t<i>"));
	cr_assert_not_null(strstr(html, "lz4&lt;script&gt;"));
	cr_assert_not_null(strstr(html, "refused: a &amp; &quot;b&quot;"));
	cr_assert_not_null(strstr(html, "host&lt;1&gt;"));
	/* the refused run's resume is a dash and its verdict, not 0.0 */
	cr_assert_not_null(strstr(html, "— <small>refused</small>"));
	cr_assert_not_null(strstr(html, "The charts need gnuplot"));
	free(html);
	scn_results_free(&rs);
}

Test(report_html, charts_are_inlined_without_urls_and_with_their_own_ids)
{
	static const char svg[] =
		"<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
		"<svg \n viewBox=\"0 0 600 400\"\n xmlns=\"http://www.w3.org/2000/svg\"\n"
		" xmlns:xlink=\"http://www.w3.org/1999/xlink\"\n>\n<defs><path id='gpPt1'/></defs>"
		"<use xlink:href='#gpPt1'/><g filter=\"url(#textbox)\"/><rect width=\"3\"/></svg>\n";
	struct scn_results rs = { .v = NULL };
	char path[300], *html;

	one_run(&rs, "lz4", SCN_VERDICT_RESTORED, "");
	tu_path(path, sizeof(path), dir, "throughput.svg");
	tu_write_file(path, svg, strlen(svg));
	cr_assert_eq(scn_write_html(dir, "t", NULL, 0, &rs, true), 0);
	html = page();
	cr_assert_null(strstr(html, "http"));
	cr_assert_null(strstr(html, "<?xml"));
	cr_assert_not_null(strstr(html, "<svg width=\"600\" height=\"400\" viewBox=\"0 0 600 400\">"));
	cr_assert_not_null(strstr(html, "id='throughput-gpPt1'"));
	cr_assert_not_null(strstr(html, "xlink:href='#throughput-gpPt1'"));
	cr_assert_not_null(strstr(html, "url(#throughput-textbox)"));
	cr_assert_not_null(strstr(html, "<rect width=\"3\"/>"));
	/* ratio.svg was not drawn: said so, not left out silently */
	cr_assert_not_null(strstr(html, "ratio.svg is missing"));
	free(html);
	scn_results_free(&rs);
}

Test(report_html, the_scenario_file_is_shown_escaped)
{
	struct scn_results rs = { .v = NULL };
	char path[300], *html, *files[1];

	one_run(&rs, "lz4", SCN_VERDICT_RESTORED, "");
	tu_path(path, sizeof(path), dir, "s.scn");
	tu_write_file(path, "name = s # <b>\n", 15);
	files[0] = path;
	cr_assert_eq(scn_write_html(dir, "t", files, 1, &rs, false), 0);
	html = page();
	cr_assert_not_null(strstr(html, "<pre>name = s # &lt;b&gt;\n</pre>"));
	free(html);
	scn_results_free(&rs);
}
