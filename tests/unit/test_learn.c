/* The learned-profile round trip (issue 11 part 3): learn from a dump that
 * is no built-in profile (a mixture of several, in stretches), write the
 * .prof, then generate memory from the file at 1/4, 1x and 4x the dump's
 * size: zero fraction, duplicate fraction and the lz4 and zstd-1 image
 * ratios within 5% of the dump's, and the lzo one too (the dense knob,
 * docs/SIMULATION.md). */
#include "testutil.h"

#include "bench/learn.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PS 4096u

static char dir[256], dump[512], prof[512];

/* stretches of built-in profiles, one after another */
static void write_dump(void)
{
	static const struct { const char *profile; uint32_t pages; } parts[] = {
		{ "vmhost", 2048 }, { "text", 512 }, { "database", 1024 },
		{ "random", 256 }, { "desktop", 1024 }, { "duplicates", 512 },
	};
	FILE *f = fopen(dump, "wb");
	uint8_t *buf = (uint8_t *)malloc(512 * PS);
	unsigned i;

	cr_assert(f && buf);
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		struct hb_sim *m = hb_sim_new(hb_profile_find(parts[i].profile), 3, PS);
		uint32_t done;

		cr_assert_not_null(m);
		for (done = 0; done < parts[i].pages; done += 512) {
			hb_sim_fill(m, done, 512, buf);
			cr_assert_eq(fwrite(buf, PS, 512, f), 512u);
		}
		hb_sim_free(m);
	}
	cr_assert_eq(fclose(f), 0);
	free(buf);
}

static void setup(void)
{
	tu_mkdir(dir, sizeof(dir));
	tu_path(dump, sizeof(dump), dir, "mixture.dump");
	tu_path(prof, sizeof(prof), dir, "mixture.prof");
	write_dump();
}

static void teardown(void)
{
	tu_rmdir(dir);
}

static void figures_of(const char *spec, bool classes, struct learn_scan *s,
		       struct learn_figures *f)
{
	struct learn_opts o = { .classes = classes };
	int err = learn_scan_source(spec, &o, s);

	cr_assert_eq(err, 0, "%s: %s", spec, hb_detail(err));
	learn_figures_of(s, f);
}

static void within(const char *what, const char *size, double got, double want, double tol)
{
	double off = (got - want) / want;

	fprintf(stderr, "learn round trip, %s at %s: original %.4f generated %.4f (%+.1f%%)\n",
		what, size, want, got, off * 100);
	cr_expect(off <= tol && off >= -tol, "%s at %s: generated %.4f, original %.4f (%+.1f%%)",
		  what, size, got, want, off * 100);
}

Test(learn, profile_reproduces_the_original_at_any_size, .init = setup, .fini = teardown)
{
	static const struct { const char *name; uint64_t num, den; } scales[] = {
		{ "1/4", 1, 4 }, { "1x", 1, 1 }, { "4x", 4, 1 },
	};
	struct learn_scan *s = (struct learn_scan *)malloc(sizeof(*s));
	struct hb_prof *p = (struct hb_prof *)malloc(sizeof(*p));
	struct learn_figures orig, gen;
	char spec[1200];
	uint64_t pages;
	unsigned i;
	FILE *f;

	cr_assert(s && p);
	snprintf(spec, sizeof(spec), "file:%s", dump);
	figures_of(spec, true, s, &orig);
	pages = s->pages;
	cr_assert_eq(learn_fit(s, 0, p), 0, "%s", hb_detail(HB_EINTERNAL));
	f = fopen(prof, "w");
	cr_assert(f);
	cr_assert_eq(hb_prof_write(p, "test", f), 0);
	fclose(f);
	for (i = 0; i < sizeof(scales) / sizeof(scales[0]); i++) {
		snprintf(spec, sizeof(spec), "sim:%s,size=%llu,seed=7", prof,
			 (unsigned long long)(pages * scales[i].num / scales[i].den * PS));
		figures_of(spec, false, s, &gen);
		within("zero fraction", scales[i].name, gen.zero, orig.zero, 0.05);
		within("duplicate fraction", scales[i].name, gen.duplicate, orig.duplicate, 0.05);
		within("lz4 ratio", scales[i].name, gen.ratio[LEARN_LZ4], orig.ratio[LEARN_LZ4], 0.05);
		within("zstd-1 ratio", scales[i].name, gen.ratio[LEARN_ZSTD1],
		       orig.ratio[LEARN_ZSTD1], 0.05);
		within("lzo ratio", scales[i].name, gen.ratio[LEARN_LZO], orig.ratio[LEARN_LZO], 0.05);
	}
	free(s);
	free(p);
}

/* The filler's first two knobs move the two compressors apart: more matches pack
 * better under both; lower entropy far more under zstd than lz4. */
Test(learn, match_drives_lz4_entropy_drives_zstd)
{
	struct learn_chains *c;
	struct learn_sizes z[3];
	static const double knobs[3][2] = { { 0.2, 1.0 }, { 0.6, 1.0 }, { 0.2, 0.4 } };
	uint8_t *pages = (uint8_t *)malloc(64 * PS);
	struct hb_datagen *g = (struct hb_datagen *)malloc(sizeof(*g));
	struct hb_sim_class cls = { .mode = HB_MODE_STAMPED, .fill = hb_datagen_fill, .params = g };
	double lz4[3], zstd[3];
	unsigned k, i;

	cr_assert(pages && g);
	cr_assert_eq(learn_chains_new(PS, 32, &c), 0);
	for (k = 0; k < 3; k++) {
		hb_datagen_init(g, knobs[k][0], knobs[k][1], 0.0);
		for (i = 0; i < 64; i++)
			hb_datagen_fill(&cls, i, pages + (size_t)i * PS, PS);
		memset(&z[k], 0, sizeof(z[k]));
		cr_assert_eq(learn_chains_measure(c, pages, 64, &z[k]), 0);
		lz4[k] = (double)z[k].in / (double)z[k].out[LEARN_LZ4];
		zstd[k] = (double)z[k].in / (double)z[k].out[LEARN_ZSTD1];
	}
	cr_expect(lz4[1] > lz4[0] * 1.5, "lz4 %.3f -> %.3f with more matches", lz4[0], lz4[1]);
	cr_expect(zstd[2] / zstd[0] > 1.3 * lz4[2] / lz4[0],
		  "skewed literals: zstd %.3f -> %.3f, lz4 %.3f -> %.3f: zstd must gain far more",
		  zstd[0], zstd[2], lz4[0], lz4[2]);
	learn_chains_free(c);
	free(pages);
	free(g);
}

static void ratios_of_knobs(struct learn_chains *c, double m, double e, double d, double r[3])
{
	uint8_t *pages = (uint8_t *)malloc(64 * PS);
	struct hb_datagen *g = (struct hb_datagen *)malloc(sizeof(*g));
	struct hb_sim_class cls = { .mode = HB_MODE_STAMPED, .fill = hb_datagen_fill, .params = g };
	struct learn_sizes z = { 0 };
	unsigned i;

	cr_assert(pages && g);
	hb_datagen_init(g, m, e, d);
	for (i = 0; i < 64; i++)
		hb_datagen_fill(&cls, i, pages + (size_t)i * PS, PS);
	cr_assert_eq(learn_chains_measure(c, pages, 64, &z), 0);
	for (i = 0; i < 3; i++)
		r[i] = (double)z.in / (double)z.out[i];
	free(pages);
	free(g);
}

/* The third knob tells lzo from lz4: spread matches among long literal runs
 * pack worse under lzo than lz4, dense blocks of short near words better. */
Test(learn, dense_drives_lzo_past_lz4)
{
	struct learn_chains *c;
	double plain[3], dense[3];

	cr_assert_eq(learn_chains_new(PS, 32, &c), 0);
	ratios_of_knobs(c, 0.3, 1.0, 0.0, plain);
	ratios_of_knobs(c, 0.0, 1.0, 1.0, dense);
	cr_expect(plain[LEARN_LZO] < plain[LEARN_LZ4], "dense 0: lzo %.3f, lz4 %.3f",
		  plain[LEARN_LZO], plain[LEARN_LZ4]);
	cr_expect(dense[LEARN_LZO] > 1.15 * dense[LEARN_LZ4], "dense 1: lzo %.3f, lz4 %.3f",
		  dense[LEARN_LZO], dense[LEARN_LZ4]);
	learn_chains_free(c);
}
