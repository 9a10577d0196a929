/* report.html: one page a person opens after a run, offline or in a CI
 * artifact viewer.  Self-contained on purpose: the CSS inline, gnuplot's
 * SVG charts copied in, no script, font or image fetched from anywhere.
 * Every text that came from results or a scenario file is escaped
 * (scn_xml_text). */
#include "reports.h"

#include "core/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A scenario file or a chart bigger than this is not a page's business. */
#define EMBED_MAX (4u << 20)

static const char style[] =
	"body{font:14px/1.45 sans-serif;margin:1.5em auto;max-width:1240px;padding:0 1em;"
	"color:#1b1b1b;background:#fff}"
	"h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.6em 0 .5em;"
	"border-bottom:1px solid #ddd}"
	"table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #d0d0d0;"
	"padding:.25em .55em;vertical-align:top}th{background:#f3f3f3;text-align:left}"
	"td.n{text-align:right;white-space:nowrap}td.none{color:#666;text-align:right;white-space:nowrap}"
	"tr.miss td{background:#fff3f0}.bad{color:#b00020;font-weight:bold}"
	"small,.small{font-size:.8em;color:#555}dl.meta{display:grid;"
	"grid-template-columns:max-content 1fr;gap:.15em 1em}dl.meta dt{font-weight:bold}"
	"dl.meta dd{margin:0}.flags{font:11px monospace;color:#444;word-break:break-word}"
	"pre{background:#f7f7f7;border:1px solid #e0e0e0;padding:.6em;overflow-x:auto;"
	"font-size:12px}.chart{overflow-x:auto;margin:.5em 0 1.5em}.chart svg{display:block}"
	".missing{color:#8a5a00;background:#fff8e6;border:1px solid #f0d9a0;padding:.5em}";

/* path's bytes, NUL-terminated (malloc'd), or NULL with errno. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t n;

	if (!f)
		return NULL;
	buf = (char *)malloc(EMBED_MAX + 1);
	if (buf) {
		n = fread(buf, 1, EMBED_MAX, f);
		buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

/* ---- the run's metadata ---- */

/* The "flags" line of /proc/cpuinfo (this host's), or "". */
static void cpu_flags(char *buf, size_t cap)
{
	char line[4096];
	FILE *f = fopen("/proc/cpuinfo", "r");
	const char *p;

	buf[0] = '\0';
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0 || !(p = strchr(line, ':')))
			continue;
		for (p++; *p == ' '; p++)
			;
		snprintf(buf, cap, "%.*s", (int)strcspn(p, "\n"), p);
		break;
	}
	fclose(f);
}

static void meta_item(FILE *f, const char *name, const char *value)
{
	fprintf(f, "<dt>%s</dt><dd>", name);
	scn_xml_text(f, value[0] ? value : "unknown");
	fputs("</dd>\n", f);
}

static void meta_section(FILE *f, const struct scn_results *rs)
{
	const struct scn_result *first = &rs->v[0];
	char when[64], flags[4096];
	time_t now = time(NULL);
	unsigned i, missed = 0, wrong = 0, hosts = 1;

	for (i = 0; i < rs->count; i++) {
		missed += !rs->v[i].met;
		wrong += rs->v[i].verdict == SCN_VERDICT_WRONG;
		hosts += i && (strcmp(rs->v[i].host, first->host) != 0 ||
			       strcmp(rs->v[i].commit, first->commit) != 0);
	}
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	cpu_flags(flags, sizeof(flags));
	fprintf(f, "<p>%u runs: %u as expected, <span class=\"%s\">%u not</span>%s.</p>\n",
		rs->count, rs->count - missed, missed ? "bad" : "", missed,
		wrong ? ", <span class=\"bad\">some WRONG</span>" : "");
	fputs("<dl class=\"meta\">\n", f);
	meta_item(f, "hiblab", first->hiblab_version);
	meta_item(f, "commit", first->commit);
	meta_item(f, "host", first->host);
	meta_item(f, "kernel", first->host_kernel);
	meta_item(f, "CPU", first->cpu);
	meta_item(f, "report written", when);
	fputs("</dl>\n", f);
	if (hosts > 1)
		fputs("<p class=\"small\">The runs come from more than one build or host (a merged "
		      "set): the lines above are the first run's; runs.csv has each run's.</p>\n", f);
	if (flags[0]) {
		fputs("<details><summary class=\"small\">CPU flags (of the host that wrote this "
		      "report)</summary><p class=\"flags\">", f);
		scn_xml_text(f, flags);
		fputs("</p></details>\n", f);
	}
}

static void scenario_section(FILE *f, char *const *scenarios, unsigned count)
{
	unsigned i;

	if (!count)
		return;
	fputs("<h2>Scenario</h2>\n", f);
	for (i = 0; i < count; i++) {
		char *text = slurp(scenarios[i]);
		fputs("<details open><summary>", f);
		scn_xml_text(f, scenarios[i]);
		fputs("</summary><pre>", f);
		if (text)
			scn_xml_text(f, text);
		else
			fprintf(f, "(cannot read it: %s)", strerror(errno));
		fputs("</pre></details>\n", f);
		free(text);
	}
}

/* ---- the summary table ---- */

static void speed_cell(FILE *f, const struct scn_result *r, bool resume)
{
	struct scn_speed s;

	scn_report_speed(r, resume, &s);
	if (!s.measured)
		fprintf(f, "<td class=\"none\">— <small>%s</small></td>", scn_report_unmeasured(r));
	else if (s.cycles >= 2)
		fprintf(f, "<td class=\"n\">%.1f<br><small>%.1f–%.1f, %u cycles</small></td>",
			s.mbps, s.min, s.max, s.cycles);
	else
		fprintf(f, "<td class=\"n\">%.1f</td>", s.mbps);
}

static void run_row(FILE *f, const struct scn_results *rs, unsigned i)
{
	const struct scn_result *r = &rs->v[i];
	char text[1400];

	fprintf(f, "<tr%s><td class=\"n\">%u</td><td title=\"", r->met ? "" : " class=\"miss\"",
		r->index);
	scn_result_key(r, text, sizeof(text));
	scn_xml_text(f, text);
	fputs("\">", f);
	scn_result_label(rs, i, text, sizeof(text));
	scn_xml_text(f, text);
	fprintf(f, "</td><td class=\"%s\">", r->verdict == SCN_VERDICT_WRONG ? "bad" : "");
	scn_result_verdict_text(r, text, sizeof(text));
	scn_xml_text(f, text);
	if (r->suspend_error[0]) {
		fputs("<br><small>suspend: ", f);
		scn_xml_text(f, r->suspend_error);
		fputs("</small>", f);
	}
	fputs("</td>", f);
	if (scn_report_has_ratio(r))
		fprintf(f, "<td class=\"n\">%.2f</td>", r->ratio);
	else
		fprintf(f, "<td class=\"none\">— <small>%s</small></td>", scn_report_unmeasured(r));
	speed_cell(f, r, false);
	speed_cell(f, r, true);
	fprintf(f, "<td class=\"n\">%.1f</td><td>%s", (double)r->rss_kib / 1024.0,
		r->met ? "yes" : "<span class=\"bad\">no</span>, expected ");
	if (!r->met)
		scn_xml_text(f, r->expect);
	fputs("</td></tr>\n", f);
}

static void summary_section(FILE *f, const struct scn_results *rs)
{
	unsigned i;

	fputs("<h2>Runs</h2>\n<table id=\"runs\"><thead><tr><th>#</th><th>run <small>(what "
	      "differs between runs; hover for all)</small></th><th>verdict</th><th>ratio</th>"
	      "<th>suspend MB/s</th><th>resume MB/s</th><th>peak RSS MiB</th>"
	      "<th>as expected</th></tr></thead><tbody>\n", f);
	for (i = 0; i < rs->count; i++)
		run_row(f, rs, i);
	fputs("</tbody></table>\n<p class=\"small\">MB/s: source bytes per second, the median "
	      "over the cycles with the slowest and the fastest cycle below it; — and the verdict "
	      "where a run measured nothing (a refused resume has no speed).  Ratio: source / "
	      "image.  runs.csv and summary.md hold every column.</p>\n", f);
}

/* ---- the charts ---- */

/* The chains' points of pareto.svg as a table: what each point is. */
static void chain_table(FILE *f, const struct scn_results *rs)
{
	struct scn_chain_point *p;
	unsigned i, n;

	if (scn_chain_points(rs, &p, &n) != 0 || !n) {
		free(p);
		return;
	}
	fputs("<table class=\"chains\"><thead><tr><th>chain</th><th>restored runs</th>"
	      "<th>ratio</th><th>suspend MB/s</th><th>resume MB/s</th><th>best trade-off for"
	      "</th></tr></thead><tbody>\n", f);
	for (i = 0; i < n; i++) {
		fputs("<tr><td>", f);
		scn_xml_text(f, p[i].chain);
		fprintf(f, "</td><td class=\"n\">%u</td><td class=\"n\">%.2f</td>"
			   "<td class=\"n\">%.1f</td><td class=\"n\">%.1f</td><td>%s%s%s</td></tr>\n",
			p[i].runs, p[i].ratio, p[i].suspend_mbps, p[i].resume_mbps,
			p[i].best_suspend ? "suspend" : "",
			p[i].best_suspend && p[i].best_resume ? ", " : "",
			p[i].best_resume ? "resume" : "");
	}
	fputs("</tbody></table>\n", f);
	free(p);
}

/* The svg's opening tag without its namespace declarations (the HTML parser
 * knows SVG; they would be the page's only URLs), sized from its viewBox so
 * a wide chart scrolls rather than shrinking its text. */
static const char *open_tag(FILE *f, const char *svg)
{
	const char *end = strchr(svg, '>'), *vb = strstr(svg, "viewBox=\"");
	unsigned w, h;

	if (!end)
		return svg;
	fputs("<svg", f);
	if (vb && vb < end && sscanf(vb, "viewBox=\"0 0 %u %u\"", &w, &h) == 2)
		fprintf(f, " width=\"%u\" height=\"%u\" viewBox=\"0 0 %u %u\"", w, h, w, h);
	fputs(">", f);
	return end + 1;
}

/* The reference at p, if it is one whose name must be the chart's own:
 * id="X", id='X', href="#X", href='#X', url(#X).  The length up to X. */
static size_t reference_at(const char *p, const char *start)
{
	static const char *const refs[] = { "id=\"", "id='", "href=\"#", "href='#", "url(#" };
	unsigned i;

	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		size_t n = strlen(refs[i]);
		/* an attribute starts after a blank or a ':' (xlink:href) */
		if (strncmp(p, refs[i], n) == 0 &&
		    (refs[i][0] == 'u' || (p > start && (p[-1] == ' ' || p[-1] == ':' ||
						       p[-1] == '\t' || p[-1] == '\n'))))
			return n;
	}
	return 0;
}

/* The svg's body with every id and reference to one prefixed: gnuplot names
 * its defs the same in every chart, and ids are one per page. */
static void svg_body(FILE *f, const char *body, const char *prefix)
{
	const char *p;
	size_t n;

	for (p = body; *p; p++) {
		n = reference_at(p, body);
		if (n) {
			fwrite(p, 1, n, f);
			fprintf(f, "%s-", prefix);
			p += n - 1;
			continue;
		}
		fputc(*p, f);
	}
}

static void chart(FILE *f, const char *dir, const char *name, const char *heading,
		  const char *note)
{
	char path[1200], prefix[32];
	char *text, *svg;

	snprintf(path, sizeof(path), "%s/%s.svg", dir, name);
	text = slurp(path);
	fprintf(f, "<h2>%s</h2>\n", heading);
	if (note)
		fprintf(f, "<p class=\"small\">%s</p>\n", note);
	svg = text ? strstr(text, "<svg") : NULL;
	if (!svg) {
		fprintf(f, "<p class=\"missing\">%s.svg is missing: gnuplot did not draw it "
			   "(see charts.gp).</p>\n", name);
		free(text);
		return;
	}
	snprintf(prefix, sizeof(prefix), "%s", name);
	fprintf(f, "<div class=\"chart\" id=\"chart-%s\">", name);
	svg_body(f, open_tag(f, svg), prefix);
	fputs("</div>\n", f);
	free(text);
}

static void charts_section(FILE *f, const char *dir, const struct scn_results *rs,
			   bool charts_drawn)
{
	char path[1200];
	FILE *timeline;
	struct scn_chain_point *p = NULL;
	unsigned chains = 0;

	if (!charts_drawn) {
		fputs("<h2>Charts</h2>\n<p class=\"missing\">The charts need gnuplot, which is not "
		      "installed (apt-get install gnuplot-nox; then run gnuplot charts.gp in this "
		      "directory, or run again).</p>\n", f);
		return;
	}
	if (scn_chain_points(rs, &p, &chains) == 0 && chains) {
		chart(f, dir, "pareto", "Ratio against speed",
		      "One point per chain (the mean of its restored runs); the best trade-offs "
		      "(no other chain both smaller and faster) joined and named.");
		chain_table(f, rs);
	} else {
		fputs("<h2>Ratio against speed</h2>\n<p class=\"small\">No run restored: no chain "
		      "to weigh.</p>\n", f);
	}
	free(p);
	chart(f, dir, "throughput", "Throughput per run",
	      "The bar: the median over the cycles; the whiskers: the slowest to the fastest "
	      "cycle (none with one cycle).  A run that measured nothing says why instead of a bar.");
	chart(f, dir, "ratio", "Compression ratio per run", NULL);
	snprintf(path, sizeof(path), "%s/timeline.svg", dir);
	timeline = fopen(path, "r");
	if (timeline) {
		fclose(timeline);
		chart(f, dir, "timeline", "Guest cycles: where the seconds go", NULL);
	}
}

int scn_write_html(const char *dir, const char *title, char *const *scenarios,
		   unsigned scenario_count, const struct scn_results *rs, bool charts_drawn)
{
	char path[1200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/report.html", dir);
	f = fopen(path, "w");
	if (!f)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width\">\n<title>hiblab: ", f);
	scn_xml_text(f, title);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>hiblab: ", style);
	scn_xml_text(f, title);
	fputs("</h1>\n", f);
	if (rs->count) {
		meta_section(f, rs);
		summary_section(f, rs);
		charts_section(f, dir, rs, charts_drawn);
	} else {
		fputs("<p>No runs.</p>\n", f);
	}
	scenario_section(f, scenarios, scenario_count);
	fputs("</body></html>\n", f);
	if (fclose(f) != 0)
		return hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
	return 0;
}
