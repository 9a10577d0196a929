/* hiblab compare: hold a result set against a baseline.  Runs pair up by
 * scenario, part and combination.  Correctness and image ratios are not
 * noisy: any other verdict, or a ratio down by more than 0.5%, is a
 * regression outright.  Speeds are: a speed is a regression only when its
 * median moved beyond the tolerance AND the Mann-Whitney U test over the
 * cycles calls the move significant (p < alpha), the way Google Benchmark's
 * compare.py and pyperf judge it; with fewer than SCN_COMPARE_MIN_CYCLES
 * cycles a side it says "n/a" rather than guess.  Peak RSS, one figure a
 * run, counts beyond the tolerance and 8 MiB. */
#include "results.h"

#include "core/error.h"

#include <math.h>
#include <stdlib.h>
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

/* v with room for one more of size bytes (*cap grown), or NULL. */
static void *grow(void *v, unsigned *cap, size_t size)
{
	unsigned ncap = *cap ? *cap * 2 : 32;
	void *nv = realloc(v, ncap * size);

	if (nv)
		*cap = ncap;
	else
		hb_fail(HB_ENOMEM, "compare: out of memory");
	return nv;
}

static struct scn_compare_run *add_run(struct scn_comparison *cmp, const char *key,
				       const char *label, enum scn_compare_side side)
{
	struct scn_compare_run *r;

	if (cmp->run_count == cmp->runs_cap) {
		r = (struct scn_compare_run *)grow(cmp->runs, &cmp->runs_cap, sizeof(*r));
		if (!r)
			return NULL;
		cmp->runs = r;
	}
	r = &cmp->runs[cmp->run_count++];
	memset(r, 0, sizeof(*r));
	snprintf(r->key, sizeof(r->key), "%s", key);
	snprintf(r->label, sizeof(r->label), "%s", label);
	r->side = side;
	return r;
}

static struct scn_compare_row *add_row(struct scn_comparison *cmp, const char *metric)
{
	struct scn_compare_row *w;

	if (cmp->row_count == cmp->rows_cap) {
		w = (struct scn_compare_row *)grow(cmp->rows, &cmp->rows_cap, sizeof(*w));
		if (!w)
			return NULL;
		cmp->rows = w;
	}
	w = &cmp->rows[cmp->row_count++];
	memset(w, 0, sizeof(*w));
	w->run = cmp->run_count - 1;
	w->metric = metric;
	w->p = -1;
	return w;
}

/* A note under the table for the run being compared: why a verdict moved,
 * why a speed was not judged. */
static void note(struct scn_compare_run *r, const char *what, const char *text)
{
	size_t used = strlen(r->notes);

	if (used + 2 < sizeof(r->notes))
		snprintf(r->notes + used, sizeof(r->notes) - used, "%s%s: %s", used ? "; " : "",
			 what, text);
}

static void mark(struct scn_comparison *cmp, struct scn_compare_row *w, enum scn_change ch)
{
	w->change = ch;
	if (ch == SCN_CHANGE_WORSE) {
		cmp->t.regressions++;
		cmp->runs[w->run].regression = true;
	} else if (ch == SCN_CHANGE_BETTER) {
		cmp->t.improvements++;
	}
}

/* The smallest two-sided p-value na and nb cycles can give: both sets
 * apart, 2 of C(na+nb, na) orderings. */
static double best_p(unsigned na, unsigned nb)
{
	double c = 1;
	unsigned i;

	for (i = 1; i <= na; i++)
		c = c * (double)(nb + i) / (double)i;
	return 2 / c > 1 ? 1 : 2 / c;
}

/* One speed: medians over the cycles, the U test over them. */
static void speed(struct scn_comparison *cmp, const struct scn_compare_opts *o,
		  const char *metric, const struct scn_result *b, const struct scn_result *c,
		  const struct scn_samples *sb, const struct scn_samples *sc, double mean_b,
		  double mean_c)
{
	struct scn_compare_run *run = &cmp->runs[cmp->run_count - 1];
	double vb[SCN_SAMPLES_MAX], vc[SCN_SAMPLES_MAX], mb, mc, p95, max, tmp[SCN_SAMPLES_MAX];
	unsigned nb = scn_samples_mbps(sb, b->bytes_in, vb), nc = scn_samples_mbps(sc, c->bytes_in, vc);
	struct scn_compare_row *w;
	char why[160];

	if (!(mean_b > 0) || !(mean_c > 0))
		return;  /* not measured on a side: a refused run's speed means nothing */
	w = add_row(cmp, metric);
	if (!w)
		return;
	mb = mean_b;
	mc = mean_c;
	if (nb) {
		memcpy(tmp, vb, nb * sizeof(*tmp));
		scn_quantiles(tmp, nb, &mb, &p95, &max);
	}
	if (nc) {
		memcpy(tmp, vc, nc * sizeof(*tmp));
		scn_quantiles(tmp, nc, &mc, &p95, &max);
	}
	w->old = mb;
	w->cur = mc;
	w->has_change = true;
	w->change_pct = (mc - mb) / mb * 100.0;
	if (nb < SCN_COMPARE_MIN_CYCLES || nc < SCN_COMPARE_MIN_CYCLES) {
		bool noted = run->unjudged;

		w->change = SCN_CHANGE_UNJUDGED;
		if (!run->unjudged)
			cmp->t.unjudged++;
		run->unjudged = true;
		if (b->cycles >= SCN_COMPARE_MIN_CYCLES && c->cycles >= SCN_COMPARE_MIN_CYCLES &&
		    (!nb || !nc))
			snprintf(why, sizeof(why), "not judged: no per-cycle figures in %s (a "
				 "runs.csv of an older hiblab)", !nb ? "BASE" : "NEW");
		else
			snprintf(why, sizeof(why), "not enough cycles to judge (%u and %u; "
				 "%u needed)", nb ? nb : b->cycles, nc ? nc : c->cycles,
				 SCN_COMPARE_MIN_CYCLES);
		if (!noted)  /* once a run: suspend and resume lack the same cycles */
			note(run, "speeds", why);
		return;
	}
	w->p = scn_mann_whitney_p(vb, nb, vc, nc);
	if (fabs(w->change_pct) <= o->tolerance * 100.0) {
		mark(cmp, w, SCN_CHANGE_SAME);
	} else if (w->p >= o->alpha) {
		/* beyond the tolerance, yet within what the cycles' spread explains */
		mark(cmp, w, SCN_CHANGE_UNPROVEN);
		cmp->t.unproven++;
		if (best_p(nb, nc) >= o->alpha) {
			snprintf(why, sizeof(why), "%u and %u cycles give p = %.3f at best, not below "
				 "%.2f: run more cycles", nb, nc, best_p(nb, nc), o->alpha);
			note(run, metric, why);
		}
	} else {
		mark(cmp, w, mc < mb ? SCN_CHANGE_WORSE : SCN_CHANGE_BETTER);
	}
}

static void ratio(struct scn_comparison *cmp, const struct scn_result *b,
		  const struct scn_result *c)
{
	struct scn_compare_row *w;

	if (!(b->ratio > 0) || !(c->ratio > 0))
		return;
	w = add_row(cmp, "ratio");
	if (!w)
		return;
	w->old = b->ratio;
	w->cur = c->ratio;
	w->has_change = true;
	w->change_pct = (c->ratio - b->ratio) / b->ratio * 100.0;
	/* ratios are not noisy: beyond 0.5% counts whatever the tolerance */
	if (c->ratio < b->ratio * (1.0 - SCN_COMPARE_RATIO_TOLERANCE))
		mark(cmp, w, SCN_CHANGE_WORSE);
	else if (c->ratio > b->ratio * (1.0 + SCN_COMPARE_RATIO_TOLERANCE))
		mark(cmp, w, SCN_CHANGE_BETTER);
}

static void rss(struct scn_comparison *cmp, const struct scn_compare_opts *o,
		const struct scn_result *b, const struct scn_result *c)
{
	struct scn_compare_row *w;

	if (!b->rss_kib || !c->rss_kib)
		return;
	w = add_row(cmp, "peak RSS MiB");
	if (!w)
		return;
	w->old = (double)b->rss_kib / 1024.0;
	w->cur = (double)c->rss_kib / 1024.0;
	w->has_change = true;
	w->change_pct = (w->cur - w->old) / w->old * 100.0;
	/* one figure a run: a little growth is the allocator, not hiblab */
	if (w->cur > w->old * (1.0 + o->tolerance) && c->rss_kib >= b->rss_kib + 8192)
		mark(cmp, w, SCN_CHANGE_WORSE);
	else if (w->cur < w->old * (1.0 - o->tolerance) && b->rss_kib >= c->rss_kib + 8192)
		mark(cmp, w, SCN_CHANGE_BETTER);
}

/* The verdict row; false when the figures mean nothing after it. */
static bool verdict(struct scn_comparison *cmp, const struct scn_result *b,
		    const struct scn_result *c)
{
	struct scn_compare_run *run = &cmp->runs[cmp->run_count - 1];
	struct scn_compare_row *w = add_row(cmp, "verdict");
	char vb[700], vc[700], pair[1420];

	if (!w)
		return false;
	w->old_text = scn_verdict_name(b->verdict);
	w->cur_text = scn_verdict_name(c->verdict);
	scn_result_verdict_text(b, vb, sizeof(vb));
	scn_result_verdict_text(c, vc, sizeof(vc));
	if ((b->met && !c->met) ||
	    (c->verdict == SCN_VERDICT_WRONG && b->verdict != SCN_VERDICT_WRONG)) {
		mark(cmp, w, SCN_CHANGE_WORSE);
		snprintf(pair, sizeof(pair), "%.700s -> %.700s", vb, vc);
		note(run, "verdict", pair);
		return false;
	}
	if (!b->met && c->met) {
		mark(cmp, w, SCN_CHANGE_BETTER);
	} else if (b->verdict != c->verdict) {
		/* correctness is not noisy: another verdict is a regression outright */
		mark(cmp, w, SCN_CHANGE_WORSE);
		snprintf(pair, sizeof(pair), "%.700s -> %.700s", vb, vc);
		note(run, "verdict", pair);
		return false;
	} else if (strcmp(vb, vc) != 0) {
		w->change = SCN_CHANGE_OTHER;
		snprintf(pair, sizeof(pair), "%.700s -> %.700s", vb, vc);
		note(run, "reason", pair);
	}
	return true;
}

int scn_compare(const struct scn_results *base, const struct scn_results *cur,
		const struct scn_compare_opts *o, struct scn_comparison *cmp)
{
	char key[1400], tmp[1400], label[700], shown[720];
	unsigned i;

	memset(cmp, 0, sizeof(*cmp));
	for (i = 0; i < base->count; i++) {
		const struct scn_result *b = &base->v[i], *c;
		struct scn_compare_run *run;
		scn_result_key(b, key, sizeof(key));
		scn_result_label_in_part(base, i, label, sizeof(label));
		snprintf(shown, sizeof(shown), "#%u %s", b->index, label);
		c = find(cur, key, tmp, sizeof(tmp));
		run = add_run(cmp, key, shown, c ? SCN_SIDE_BOTH : SCN_SIDE_BASE);
		if (!run)
			return HB_ENOMEM;
		if (!c) {
			cmp->t.only_base++;
			continue;
		}
		cmp->t.matched++;
		run->seconds = (c->suspend_s + c->resume_s) * c->cycles;
		if (!verdict(cmp, b, c))
			continue;  /* its figures mean nothing now */
		speed(cmp, o, "suspend MB/s", b, c, &b->suspend_cycle_s, &c->suspend_cycle_s,
		      b->suspend_mbps, c->suspend_mbps);
		speed(cmp, o, "resume MB/s", b, c, &b->resume_cycle_s, &c->resume_cycle_s,
		      b->resume_mbps, c->resume_mbps);
		ratio(cmp, b, c);
		rss(cmp, o, b, c);
	}
	for (i = 0; i < cur->count; i++) {
		scn_result_key(&cur->v[i], key, sizeof(key));
		if (find(base, key, tmp, sizeof(tmp)))
			continue;
		scn_result_label_in_part(cur, i, label, sizeof(label));
		snprintf(shown, sizeof(shown), "#%u %s", cur->v[i].index, label);
		if (!add_run(cmp, key, shown, SCN_SIDE_NEW))
			return HB_ENOMEM;
		cmp->t.only_new++;
	}
	return 0;
}

void scn_comparison_free(struct scn_comparison *cmp)
{
	free(cmp->rows);
	free(cmp->runs);
	memset(cmp, 0, sizeof(*cmp));
}

const char *scn_change_word(const struct scn_compare_row *w)
{
	bool speed = strstr(w->metric, "MB/s") != NULL, is_ratio = strcmp(w->metric, "ratio") == 0;
	bool is_verdict = strcmp(w->metric, "verdict") == 0;

	switch (w->change) {
	case SCN_CHANGE_SAME:
		return "same";
	case SCN_CHANGE_WORSE:
		return is_verdict ? "VERDICT" : speed ? "SLOWER" : is_ratio ? "BIGGER" : "MEMORY";
	case SCN_CHANGE_BETTER:
		return is_verdict ? "fixed" : speed ? "faster" : is_ratio ? "smaller" : "leaner";
	case SCN_CHANGE_UNPROVEN:
		return "noise";
	case SCN_CHANGE_UNJUDGED:
		return "n/a";
	case SCN_CHANGE_OTHER:
		return "changed";
	}
	return "?";
}
