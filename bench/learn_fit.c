/* Fitting a profile to a scan: shares from the counts, and for each class
 * the three knobs of its filler (match, entropy, dense) that make the
 * generated class pack as its original pages did under lz4, zstd-1 and lzo.
 * lz4 follows match and dense, zstd entropy too, lzo dense more than lz4
 * does, so a small 3-D search finds them: a coarse grid over [0, 1]^3, then
 * three rounds of a 3 x 3 x 3 grid at half the step around the best point.
 * A class's candidate is judged on a sample generated exactly as the
 * generator makes the class (stamped pool pages), measured through the
 * same chains as the original.
 *
 * The duplicates' knobs are fitted last, in context: what a duplicate page
 * costs depends on where its twins fall (in the same chunk a copy is nearly
 * free), and the generator places them its own way (runs of pages, a few
 * templates).  So their knobs are those that make a whole generated memory,
 * the classes fitted already, pack as the original did under all three. */
#include "learn.h"

#include "core/error.h"

#include <stdlib.h>
#include <string.h>

#define SAMPLE_CHUNKS 4u           /* a class candidate's sample: 4 chunks of pages */
#define CLASS_GRID 5u
#define CLASS_STARTS 4u
#define WHOLE_GRID 4u
#define WHOLE_STARTS 1u
#define STARTS_MAX 4u
#define CONTEXT_GOOD 0.02   /* the whole within 2% under every compressor: leave it */
#define CONTEXT_STEP 0.0625 /* the refit's first step: the knobs move little */
#define ROUNDS 3u
#define WHOLE_SAMPLE_PAGES 2048u   /* a duplicate candidate's whole memory: 8 MiB of 4 KiB pages */
/* Templates: few enough that even a quarter of the original uses each one
 * many times over (a template's first copy is not a duplicate), so the
 * duplicate fraction holds at any size within 3 / TEMPLATE_DIVISOR. */
#define TEMPLATE_DIVISOR 128u

enum { KNOB_MATCH, KNOB_ENTROPY, KNOB_DENSE, KNOBS };

/* How far knobs land from the targets; sets *err on an error. */
typedef double try_fn(void *ctx, const double k[KNOBS], int *err);

struct fit {
	struct learn_chains *chains;
	uint8_t *sample;
	uint32_t page_size, pages, chunk_pages;
	double target[LEARN_COMPRESSORS];
	/* the whole memory, for the duplicates */
	struct hb_prof *p;
	struct learn_scan *scan;
	uint64_t whole_bytes;
};

static double off_by(double got, double want)
{
	double r = got > want ? got / want - 1.0 : want / got - 1.0;

	return r * r;
}

/* The squared relative misses of a sample's ratios, all three compressors
 * weighing the same. */
static double misses(const struct fit *f, const double ratio[LEARN_COMPRESSORS])
{
	double d = 0.0;
	unsigned c;

	for (c = 0; c < LEARN_COMPRESSORS; c++)
		d += off_by(ratio[c], f->target[c]);
	return d;
}

static double try_class(void *ctx, const double k[KNOBS], int *err)
{
	struct fit *f = (struct fit *)ctx;
	struct hb_datagen *g = (struct hb_datagen *)malloc(sizeof(*g));
	struct hb_sim_class cls = { .mode = HB_MODE_STAMPED, .fill = hb_datagen_fill, .params = g };
	struct learn_sizes z = { 0 };
	double ratio[LEARN_COMPRESSORS];
	uint32_t i;
	unsigned c;

	if (!g) {
		*err = hb_fail(HB_ENOMEM, "learn: out of memory");
		return 0.0;
	}
	hb_datagen_init(g, k[KNOB_MATCH], k[KNOB_ENTROPY], k[KNOB_DENSE]);
	for (i = 0; i < f->pages; i++)
		hb_datagen_fill(&cls, hb_mix64(i), f->sample + (size_t)i * f->page_size, f->page_size);
	free(g);
	*err = learn_chains_measure(f->chains, f->sample, f->pages, &z);
	for (c = 0; c < LEARN_COMPRESSORS; c++)
		ratio[c] = (double)z.in / (double)z.out[c];
	return misses(f, ratio);
}

static double try_duplicates(void *ctx, const double k[KNOBS], int *err)
{
	struct fit *f = (struct fit *)ctx;
	struct learn_opts o = { .chunk_pages = f->chunk_pages };
	struct learn_figures fig;

	hb_datagen_init(&f->p->gen[HB_PROFILE_CLASSES_MAX], k[KNOB_MATCH], k[KNOB_ENTROPY],
			k[KNOB_DENSE]);
	*err = learn_scan_profile(&f->p->profile, f->page_size, f->whole_bytes, &o, f->scan);
	if (*err)
		return 0.0;
	learn_figures_of(f->scan, &fig);
	return misses(f, fig.ratio);
}

static double clamp01(double v)
{
	return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v;
}

struct candidate {
	double k[KNOBS];
	double miss;  /* < 0: none yet */
};

/* Keep c among the `n` best in best[] (sorted, best first). */
static void rank(struct candidate *best, unsigned n, const struct candidate *c)
{
	unsigned i = n;

	while (i > 0 && (best[i - 1].miss < 0.0 || c->miss < best[i - 1].miss)) {
		if (i < n)
			best[i] = best[i - 1];
		i--;
	}
	if (i < n)
		best[i] = *c;
}

/* Try every point of a grid of n a side from corner, step apart (clamped to
 * [0, 1]), ranking each among the `keep` best. */
static int grid_try(try_fn *attempt, void *ctx, const double corner[KNOBS], unsigned n,
		    double step, struct candidate *best, unsigned keep)
{
	unsigned cells = n * n * n, cell, i;
	int err = 0;

	for (cell = 0; cell < cells && !err; cell++) {
		struct candidate c;
		unsigned rest = cell;

		for (i = 0; i < KNOBS; i++, rest /= n)
			c.k[i] = clamp01(corner[i] + (rest % n) * step);
		c.miss = attempt(ctx, c.k, &err);
		if (!err)
			rank(best, keep, &c);
	}
	return err;
}

/* The best knobs: a grid of `grid` points a side over [0, 1]^3, then from
 * each of its `starts` best points ROUNDS grids of 3 a side at half the
 * step each time.  Several starts because the misses have more than one
 * valley (a little dense and some match can pack like much dense and no
 * match under lz4 and lzo, not under zstd), and the coarse grid's best
 * point can sit in the wrong one. */
static int search(try_fn *attempt, void *ctx, unsigned grid, unsigned starts,
		  struct hb_datagen *out)
{
	struct candidate coarse[STARTS_MAX], best = { .miss = -1.0 };
	double corner[KNOBS] = { 0.0 }, step;
	unsigned s, round, i;
	int err;

	for (s = 0; s < STARTS_MAX; s++)
		coarse[s].miss = -1.0;
	err = grid_try(attempt, ctx, corner, grid, 1.0 / (grid - 1), coarse, starts);
	for (s = 0; s < starts && !err && coarse[s].miss >= 0.0; s++) {
		struct candidate here = coarse[s];

		for (step = 0.5 / (grid - 1), round = 0; round < ROUNDS && !err; round++, step /= 2) {
			for (i = 0; i < KNOBS; i++)
				corner[i] = here.k[i] - step;
			err = grid_try(attempt, ctx, corner, 3, step, &here, 1);
		}
		rank(&best, 1, &here);
	}
	if (!err)
		hb_datagen_init(out, best.k[KNOB_MATCH], best.k[KNOB_ENTROPY], best.k[KNOB_DENSE]);
	return err;
}

/* Refine knobs g from where they are: ROUNDS grids of 3 a side, from step. */
static int refine(try_fn *attempt, void *ctx, double step, struct hb_datagen *g)
{
	struct candidate here = { .k = { g->match, g->entropy, g->dense }, .miss = -1.0 };
	double corner[KNOBS];
	unsigned round, i;
	int err = 0;

	for (round = 0; round < ROUNDS && !err; round++, step /= 2) {
		for (i = 0; i < KNOBS; i++)
			corner[i] = here.k[i] - step;
		err = grid_try(attempt, ctx, corner, 3, step, &here, 1);
	}
	if (!err)
		hb_datagen_init(g, here.k[KNOB_MATCH], here.k[KNOB_ENTROPY], here.k[KNOB_DENSE]);
	return err;
}

/* The classes were fitted page by page, but the original's chunks also
 * hold matches across pages (a B-tree's neighbours, a compiler's arrays),
 * which the whole image counts and no class does.  So generate the whole
 * memory, see how far each compressor's ratio lands, and refit the classes
 * to targets moved by that much (then the duplicates again, in context). */
static int in_context(struct fit *f, const struct learn_figures *orig)
{
	struct learn_opts o = { .chunk_pages = f->chunk_pages };
	struct learn_figures gen;
	double off[LEARN_COMPRESSORS], worst = 0.0;
	unsigned c, k;
	int err = learn_scan_profile(&f->p->profile, f->page_size, f->whole_bytes, &o, f->scan);

	if (err)
		return err;
	learn_figures_of(f->scan, &gen);
	for (c = 0; c < LEARN_COMPRESSORS; c++) {
		off[c] = gen.ratio[c] / orig->ratio[c];
		if (off_by(gen.ratio[c], orig->ratio[c]) > worst)
			worst = off_by(gen.ratio[c], orig->ratio[c]);
	}
	if (worst < CONTEXT_GOOD * CONTEXT_GOOD)
		return 0;
	for (k = 0; !err && k < f->p->nclasses; k++) {
		const struct hb_prof_measured *m = &f->p->cls[k].measured;

		f->target[LEARN_LZ4] = m->lz4 / off[LEARN_LZ4];
		f->target[LEARN_ZSTD1] = m->zstd1 / off[LEARN_ZSTD1];
		f->target[LEARN_LZO] = m->lzo / off[LEARN_LZO];
		err = refine(try_class, f, CONTEXT_STEP, &f->p->gen[k]);
	}
	if (!err && f->p->duplicate > 0.0) {
		memcpy(f->target, orig->ratio, sizeof(f->target));
		err = refine(try_duplicates, f, CONTEXT_STEP, &f->p->gen[HB_PROFILE_CLASSES_MAX]);
	}
	return err;
}

static void ratios_of(const struct learn_sizes *z, struct hb_prof_measured *m)
{
	m->lz4 = (double)z->in / (double)z->out[LEARN_LZ4];
	m->zstd1 = (double)z->in / (double)z->out[LEARN_ZSTD1];
	m->lzo = (double)z->in / (double)z->out[LEARN_LZO];
	m->set = true;
}

static void shares(const struct learn_scan *s, struct hb_prof *p)
{
	uint64_t dups = s->duplicate_pages, templates;
	unsigned k;

	p->page_size = s->page_size;
	p->zero = (double)s->zero_pages / (double)s->pages;
	if (dups) {
		templates = dups / TEMPLATE_DIVISOR;
		if (templates > s->duplicated_contents)
			templates = s->duplicated_contents;
		if (templates > HB_PROF_TEMPLATES_MAX)
			templates = HB_PROF_TEMPLATES_MAX;
		p->templates = templates < 1 ? 1 : (uint32_t)templates;
		/* each template's first copy is not a duplicate: add them */
		p->duplicate = (double)(dups + p->templates) / (double)s->pages;
		if (p->zero + p->duplicate > 1.0)
			p->duplicate = 1.0 - p->zero;
	}
	for (k = 0; k < LEARN_CLASSES; k++) {
		if (!s->cls[k].pages)
			continue;
		/* written as fractions of the pages that are neither zero nor copies */
		p->cls[p->nclasses].share = (double)s->cls[k].pages /
					    (double)(s->pages - s->zero_pages - dups);
		ratios_of(&s->cls[k].sizes, &p->cls[p->nclasses].measured);
		p->nclasses++;
	}
}

int learn_fit(const struct learn_scan *s, uint32_t chunk_pages, struct hb_prof *p)
{
	struct fit f = { .page_size = s->page_size, .p = p };
	struct learn_figures fig;
	uint64_t whole_pages = s->pages < WHOLE_SAMPLE_PAGES ? s->pages : WHOLE_SAMPLE_PAGES;
	unsigned k;
	int err;

	memset(p, 0, sizeof(*p));
	f.chunk_pages = chunk_pages ? chunk_pages : HB_DEFAULT_CHUNK_PAGES;
	f.pages = SAMPLE_CHUNKS * f.chunk_pages;
	f.whole_bytes = whole_pages * s->page_size;
	err = learn_chains_new(s->page_size, f.chunk_pages, &f.chains);
	f.sample = (uint8_t *)malloc((size_t)f.pages * s->page_size);
	f.scan = (struct learn_scan *)malloc(sizeof(*f.scan));
	if (!err && (!f.sample || !f.scan))
		err = hb_fail(HB_ENOMEM, "learn: out of memory");
	shares(s, p);
	for (k = 0; !err && k < p->nclasses; k++) {
		f.target[LEARN_LZ4] = p->cls[k].measured.lz4;
		f.target[LEARN_ZSTD1] = p->cls[k].measured.zstd1;
		f.target[LEARN_LZO] = p->cls[k].measured.lzo;
		err = search(try_class, &f, CLASS_GRID, CLASS_STARTS, &p->gen[k]);
	}
	learn_figures_of(s, &fig);
	p->pages = s->pages;
	p->zero_fraction = fig.zero;
	p->duplicate_fraction = fig.duplicate;
	p->measured = (struct hb_prof_measured){ .set = true, .lz4 = fig.ratio[LEARN_LZ4],
						 .zstd1 = fig.ratio[LEARN_ZSTD1],
						 .lzo = fig.ratio[LEARN_LZO] };
	hb_prof_finish(p);
	if (!err && p->duplicate > 0.0) {
		memcpy(f.target, fig.ratio, sizeof(f.target));
		err = search(try_duplicates, &f, WHOLE_GRID, WHOLE_STARTS,
			     &p->gen[HB_PROFILE_CLASSES_MAX]);
	}
	if (!err)
		err = in_context(&f, &fig);
	learn_chains_free(f.chains);
	free(f.sample);
	free(f.scan);
	return err;
}
