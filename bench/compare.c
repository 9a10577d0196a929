/* hiblab compare: hold a result set against a baseline.  Runs pair up by
 * scenario, part and combination.  A regression is a run whose verdict
 * changed (other than to meeting its expectation), whose ratio dropped by
 * more than 0.5% (ratios are not noisy), that got slower beyond the
 * tolerance, or that needs more memory beyond it (and 8 MiB).  Speeds are
 * judged only with SCN_COMPARE_MIN_CYCLES cycles on both sides: fewer say
 * "not enough cycles to judge" instead of guessing. */
#include "results.h"

#include <string.h>

static const struct scn_result *find(const struct scn_results *rs, const char *key, char *tmp,
				     size_t cap)
{
	unsigned i;

	for (i = 0; i < rs->count; i++) {
		scn_result_key(&rs->v[i], tmp, cap);
		if (strcmp(tmp, key) == 0)
			return &rs->v[i];
	}
	return NULL;
}

static double change(double from, double to)
{
	return from > 0 ? (to - from) / from * 100.0 : 0.0;
}

/* -1 worse beyond tolerance, 1 better beyond it, 0 within. */
static int judge(double base, double cur, double tol, bool higher_is_better)
{
	if (base <= 0 || cur <= 0)
		return 0;
	if (cur < base * (1.0 - tol))
		return higher_is_better ? -1 : 1;
	if (cur > base * (1.0 + tol))
		return higher_is_better ? 1 : -1;
	return 0;
}

static void metric(FILE *out, const char *key, const char *what, const char *unit, double b,
		   double c, int verdict, const char *worse, const char *better,
		   struct scn_compare_totals *t)
{
	if (verdict == 0)
		return;
	fprintf(out, "%-9s %s: %s %.2f -> %.2f%s (%+.1f%%)\n", verdict < 0 ? worse : better, key,
		what, b, c, unit, change(b, c));
	if (verdict < 0)
		t->regressions++;
	else
		t->improvements++;
}

static void pair(FILE *out, const char *key, const struct scn_result *b,
		 const struct scn_result *c, double tol, struct scn_compare_totals *t)
{
	bool judge_speed = b->cycles >= SCN_COMPARE_MIN_CYCLES && c->cycles >= SCN_COMPARE_MIN_CYCLES;
	char vb[700], vc[700];
	int rss;

	scn_result_verdict_text(b, vb, sizeof(vb));
	scn_result_verdict_text(c, vc, sizeof(vc));
	if ((b->met && !c->met) ||
	    (c->verdict == SCN_VERDICT_WRONG && b->verdict != SCN_VERDICT_WRONG)) {
		fprintf(out, "%-9s %s: %s -> %s (expected %s)\n", "verdict", key, vb, vc, c->expect);
		t->regressions++;
		return;  /* its figures mean nothing now */
	}
	if (!b->met && c->met) {
		fprintf(out, "%-9s %s: %s -> %s\n", "fixed", key, vb, vc);
		t->improvements++;
	} else if (b->verdict != c->verdict) {
		/* correctness is not noisy: another verdict is a regression outright */
		fprintf(out, "%-9s %s: %s -> %s\n", "verdict", key, vb, vc);
		t->regressions++;
		return;
	} else if (strcmp(vb, vc) != 0) {
		fprintf(out, "%-9s %s: %s -> %s\n", "changed", key, vb, vc);
	}
	if (!judge_speed) {
		fprintf(out, "%-9s %s: not enough cycles to judge its speed (%u and %u; %u needed)\n",
			"n/a", key, b->cycles, c->cycles, SCN_COMPARE_MIN_CYCLES);
		t->unjudged++;
	} else {
		metric(out, key, "suspend", " MB/s", b->suspend_mbps, c->suspend_mbps,
		       judge(b->suspend_mbps, c->suspend_mbps, tol, true), "slower", "faster", t);
		metric(out, key, "resume", " MB/s", b->resume_mbps, c->resume_mbps,
		       judge(b->resume_mbps, c->resume_mbps, tol, true), "slower", "faster", t);
	}
	/* ratios are not noisy: a drop beyond 0.5% counts whatever the tolerance */
	metric(out, key, "ratio", "", b->ratio, c->ratio,
	       judge(b->ratio, c->ratio, SCN_COMPARE_RATIO_TOLERANCE, true), "bigger", "smaller", t);
	rss = judge((double)b->rss_kib, (double)c->rss_kib, tol, false);
	if (rss < 0 && c->rss_kib < b->rss_kib + 8192)
		rss = 0;
	metric(out, key, "peak RSS", " MiB", (double)b->rss_kib / 1024.0,
	       (double)c->rss_kib / 1024.0, rss, "memory", "leaner", t);
}

void scn_compare(const struct scn_results *base, const struct scn_results *cur, double tolerance,
		 FILE *out, struct scn_compare_totals *t)
{
	char key[1400], tmp[1400];
	unsigned i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < base->count; i++) {
		const struct scn_result *c;
		scn_result_key(&base->v[i], key, sizeof(key));
		c = find(cur, key, tmp, sizeof(tmp));
		if (!c) {
			fprintf(out, "%-9s %s\n", "gone", key);
			t->only_base++;
			continue;
		}
		t->matched++;
		pair(out, key, &base->v[i], c, tolerance, t);
	}
	for (i = 0; i < cur->count; i++) {
		scn_result_key(&cur->v[i], key, sizeof(key));
		if (!find(base, key, tmp, sizeof(tmp))) {
			fprintf(out, "%-9s %s\n", "new", key);
			t->only_new++;
		}
	}
}
