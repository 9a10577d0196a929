/* What `hiblab compare` prints: an aligned table, one line per metric of
 * each compared run (run, metric, old, new, change, p, verdict), the notes
 * that explain its verdicts, and the runs found on one side only. */
#include "reports.h"

#include <string.h>

enum { COL_RUN, COL_METRIC, COL_OLD, COL_NEW, COL_CHANGE, COL_P, COL_VERDICT, COLS };

static void cells(const struct scn_comparison *cmp, unsigned i, char c[COLS][720])
{
	const struct scn_compare_row *w = &cmp->rows[i];
	bool first = i == 0 || cmp->rows[i - 1].run != w->run;
	int digits = strcmp(w->metric, "ratio") == 0 ? 4 : strstr(w->metric, "RSS") ? 1 : 2;

	snprintf(c[COL_RUN], 720, "%s", first ? cmp->runs[w->run].label : "");
	snprintf(c[COL_METRIC], 720, "%s", w->metric);
	if (w->old_text) {
		snprintf(c[COL_OLD], 720, "%s", w->old_text);
		snprintf(c[COL_NEW], 720, "%s", w->cur_text);
	} else {
		snprintf(c[COL_OLD], 720, "%.*f", digits, w->old);
		snprintf(c[COL_NEW], 720, "%.*f", digits, w->cur);
	}
	if (w->has_change)
		snprintf(c[COL_CHANGE], 720, "%+.1f%%", w->change_pct);
	else
		c[COL_CHANGE][0] = '\0';
	if (w->change == SCN_CHANGE_UNJUDGED)
		snprintf(c[COL_P], 720, "n/a");
	else if (w->p < 0)
		snprintf(c[COL_P], 720, "-");
	else if (w->p < 0.001)
		snprintf(c[COL_P], 720, "<0.001");
	else
		snprintf(c[COL_P], 720, "%.3f", w->p);
	snprintf(c[COL_VERDICT], 720, "%s", scn_change_word(w));
}

/* The last column unpadded: no spaces at the ends of lines. */
static void put_cell(FILE *out, const char *s, size_t width, bool left, bool last)
{
	if (last)
		fprintf(out, "%s\n", s);
	else if (left)
		fprintf(out, "%-*s  ", (int)width, s);
	else
		fprintf(out, "%*s  ", (int)width, s);
}

void scn_compare_print(FILE *out, const struct scn_comparison *cmp)
{
	static const char *const head[COLS] = { "run", "metric", "old", "new", "change", "p",
						"verdict" };
	/* text columns to the left, figures to the right */
	static const bool left[COLS] = { true, true, false, false, false, false, true };
	char c[COLS][720];
	size_t width[COLS];
	unsigned i, k, side;

	for (k = 0; k < COLS; k++)
		width[k] = strlen(head[k]);
	for (i = 0; i < cmp->row_count; i++) {
		cells(cmp, i, c);
		for (k = 0; k < COLS; k++)
			width[k] = strlen(c[k]) > width[k] ? strlen(c[k]) : width[k];
	}
	if (cmp->row_count) {
		for (k = 0; k < COLS; k++)
			put_cell(out, head[k], width[k], left[k], k + 1 == COLS);
	}
	for (i = 0; i < cmp->row_count; i++) {
		cells(cmp, i, c);
		for (k = 0; k < COLS; k++)
			put_cell(out, c[k], width[k], left[k], k + 1 == COLS);
	}
	for (i = 0; i < cmp->run_count; i++) {
		if (cmp->runs[i].notes[0])
			fprintf(out, "note: %s: %s\n", cmp->runs[i].label, cmp->runs[i].notes);
	}
	for (side = SCN_SIDE_BASE; side <= SCN_SIDE_NEW; side++) {
		for (i = 0; i < cmp->run_count; i++) {
			if (cmp->runs[i].side == side)
				fprintf(out, "%s %s\n", side == SCN_SIDE_BASE ? "gone: only in BASE:" :
					"new: only in NEW:", cmp->runs[i].key);
		}
	}
}
