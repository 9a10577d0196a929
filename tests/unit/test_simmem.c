/* Simulated memory (sim/memory.h): the pool path gives exactly the pages of
 * the reference, in any order, from any thread, at any page number; seeds
 * differ; stamped classes never repeat a page; and each profile's zero and
 * duplicate fractions follow its weights.  Speed is hiblab-bench's job. */
#include "sim/memory.h"

#include <criterion/criterion.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define PS 4096u
#define NPROF 8u

static uint8_t ref[PS];

static const struct hb_profile *profile(unsigned i)
{
	const struct hb_profile *p = hb_profile_at(i);

	cr_assert_not_null(p, "profile %u", i);
	return p;
}

/* pages [first, first + count) by hb_sim_fill in batches of `batch`, each
 * compared with hb_sim_page */
static void expect_reference(const struct hb_profile *p, uint64_t seed, uint64_t first,
			     uint64_t count, uint64_t batch, size_t ps)
{
	struct hb_sim *m = hb_sim_new(p, seed, ps);
	uint8_t *buf = (uint8_t *)malloc(batch * ps), *one = (uint8_t *)malloc(ps);
	uint64_t i, k, n;

	cr_assert(m && buf && one);
	for (i = first; i < first + count; i += n) {
		n = first + count - i < batch ? first + count - i : batch;
		hb_sim_fill(m, i, n, buf);
		for (k = 0; k < n; k++) {
			hb_sim_page(p, seed, i + k, one, ps);
			cr_assert(memcmp(one, buf + k * ps, ps) == 0,
				  "%s seed %llu page %llu (batch %llu, page size %zu): pool path "
				  "differs from the reference", p->name, (unsigned long long)seed,
				  (unsigned long long)(i + k), (unsigned long long)batch, ps);
		}
	}
	free(buf);
	free(one);
	hb_sim_free(m);
}

Test(simmem, pool_path_is_the_reference_in_any_batch)
{
	static const uint64_t batches[] = { 1, 7, 32, 33 };
	unsigned i, b;

	for (i = 0; i < NPROF; i++)
		for (b = 0; b < sizeof(batches) / sizeof(batches[0]); b++)
			expect_reference(profile(i), 1, 3, 600, batches[b], PS);
}

Test(simmem, pages_beyond_2_to_the_40_and_other_page_sizes)
{
	unsigned i;

	for (i = 0; i < NPROF; i++) {
		expect_reference(profile(i), 9, (1ull << 40) + 5, 100, 32, PS);
		expect_reference(profile(i), 9, (1ull << 62) - 50, 100, 32, PS);
		expect_reference(profile(i), 2, 0, 64, 32, 512);
		expect_reference(profile(i), 2, 0, 40, 16, 65536);
	}
}

Test(simmem, same_page_whatever_the_order)
{
	const struct hb_profile *p = hb_profile_find("mixed");
	struct hb_sim *m = hb_sim_new(p, 4, PS);
	static uint8_t fwd[256 * PS], one[PS];
	uint64_t i;

	cr_assert_not_null(m);
	hb_sim_fill(m, 1000, 256, fwd);
	for (i = 256; i-- > 0;) {
		hb_sim_fill(m, 1000 + i, 1, one);
		cr_assert(memcmp(one, fwd + i * PS, PS) == 0, "page %llu", (unsigned long long)i);
	}
	hb_sim_free(m);
}

struct filler {
	const struct hb_sim *m;
	uint8_t *buf;
	uint64_t first, count;
};

static void *fill_thread(void *arg)
{
	struct filler *f = (struct filler *)arg;
	uint64_t i;

	/* backwards, page by page: a different order from the other threads */
	for (i = f->count; i-- > 0;)
		hb_sim_fill(f->m, f->first + i, 1, f->buf + i * PS);
	return NULL;
}

Test(simmem, one_pool_shared_by_threads)
{
	const struct hb_profile *p = hb_profile_find("desktop");
	struct hb_sim *m = hb_sim_new(p, 5, PS);
	struct filler f[4];
	pthread_t t[4];
	uint64_t k;
	unsigned i;

	cr_assert_not_null(m);
	for (i = 0; i < 4; i++) {
		f[i] = (struct filler){ .m = m, .first = 7 + i * 100, .count = 300 };
		f[i].buf = (uint8_t *)malloc(300 * PS);
		cr_assert_not_null(f[i].buf);
		cr_assert_eq(pthread_create(&t[i], NULL, fill_thread, &f[i]), 0);
	}
	for (i = 0; i < 4; i++) {
		cr_assert_eq(pthread_join(t[i], NULL), 0);
		for (k = 0; k < f[i].count; k++) {
			hb_sim_page(p, 5, f[i].first + k, ref, PS);
			cr_assert(memcmp(ref, f[i].buf + k * PS, PS) == 0, "thread %u page %llu", i,
				  (unsigned long long)(f[i].first + k));
		}
		free(f[i].buf);
	}
	hb_sim_free(m);
}

Test(simmem, seeds_give_other_pages)
{
	static uint8_t a[64 * PS], b[64 * PS];
	unsigned i, k;

	for (i = 0; i < NPROF; i++) {
		const struct hb_profile *p = profile(i);
		struct hb_sim *m1 = hb_sim_new(p, 1, PS), *m2 = hb_sim_new(p, 2, PS);

		cr_assert(m1 && m2);
		hb_sim_fill(m1, 0, 64, a);
		hb_sim_fill(m2, 0, 64, b);
		if (strcmp(p->name, "zero") != 0) {
			for (k = 0; k < 64 && memcmp(a + k * PS, b + k * PS, PS) == 0; k++)
				;
			cr_assert_lt(k, 64, "%s: seeds 1 and 2 give the same 64 pages", p->name);
		}
		hb_sim_free(m1);
		hb_sim_free(m2);
	}
}

/* a set of 128-bit page digests: open addressing, sized for n entries */
struct digests {
	XXH128_hash_t *h;
	uint8_t *used;
	size_t mask;
};

static void digests_init(struct digests *d, size_t n)
{
	size_t cap = 1;

	while (cap < 2 * n)
		cap <<= 1;
	d->h = (XXH128_hash_t *)calloc(cap, sizeof(*d->h));
	d->used = (uint8_t *)calloc(cap, 1);
	d->mask = cap - 1;
	cr_assert(d->h && d->used);
}

/* true when the page was seen before */
static bool digests_add(struct digests *d, const uint8_t *page)
{
	XXH128_hash_t h = XXH3_128bits(page, PS);
	size_t k = (size_t)h.low64 & d->mask;

	for (; d->used[k]; k = (k + 1) & d->mask) {
		if (XXH128_isEqual(d->h[k], h))
			return true;
	}
	d->used[k] = 1;
	d->h[k] = h;
	return false;
}

static void digests_free(struct digests *d)
{
	free(d->h);
	free(d->used);
}

#define UNIQUE_PAGES 100000u

Test(simmem, stamped_pages_never_repeat, .timeout = 120)
{
	static uint8_t buf[32 * PS];
	unsigned i, k, seen;
	uint64_t first;

	for (i = 0; i < NPROF; i++) {
		const struct hb_profile *p = profile(i);
		struct hb_sim *m = hb_sim_new(p, 3, PS);
		struct digests d;

		cr_assert_not_null(m);
		digests_init(&d, UNIQUE_PAGES);
		seen = 0;
		for (first = 0; first < UNIQUE_PAGES; first += 32) {
			hb_sim_fill(m, first, 32, buf);
			for (k = 0; k < 32; k++) {
				if (hb_sim_class_of(p, 3, first + k)->mode != HB_MODE_STAMPED)
					continue;
				seen++;
				cr_assert(!digests_add(&d, buf + k * PS),
					  "%s: page %llu (%s) repeats an earlier page", p->name,
					  (unsigned long long)(first + k),
					  hb_sim_class_of(p, 3, first + k)->name);
			}
		}
		digests_free(&d);
		hb_sim_free(m);
	}
}

#define SAMPLE_PAGES 65536u
#define FRACTION_TOLERANCE 0.025

/* the share of a profile's weight that classes of one mode have */
static double mode_share(const struct hb_profile *p, enum hb_class_mode mode)
{
	unsigned c, total = 0, in = 0;

	for (c = 0; c < p->nclasses; c++) {
		total += p->share[c].weight;
		if (p->share[c].cls->mode == mode)
			in += p->share[c].weight;
	}
	return (double)in / total;
}

Test(simmem, zero_and_duplicate_fractions_follow_the_weights, .timeout = 120)
{
	static const uint8_t zero[PS];
	static uint8_t buf[32 * PS];
	unsigned i, k, zeros, dups;
	uint64_t first;

	for (i = 0; i < NPROF; i++) {
		const struct hb_profile *p = profile(i);
		struct hb_sim *m = hb_sim_new(p, 1, PS);
		double zf, df, zw = mode_share(p, HB_MODE_ZERO), dw = mode_share(p, HB_MODE_EXACT);
		struct digests d;

		cr_assert_not_null(m);
		digests_init(&d, SAMPLE_PAGES);
		zeros = dups = 0;
		for (first = 0; first < SAMPLE_PAGES; first += 32) {
			hb_sim_fill(m, first, 32, buf);
			for (k = 0; k < 32; k++) {
				if (memcmp(buf + k * PS, zero, PS) == 0)
					zeros++;
				else if (digests_add(&d, buf + k * PS))
					dups++;
			}
		}
		zf = (double)zeros / SAMPLE_PAGES;
		/* a template's first copy is no duplicate yet: at most 509 of them */
		df = (double)(dups + (dw > 0 ? 509 : 0)) / SAMPLE_PAGES;
		cr_assert(zf > zw - FRACTION_TOLERANCE && zf < zw + FRACTION_TOLERANCE,
			  "%s: zero fraction %.4f, weight %.4f", p->name, zf, zw);
		cr_assert(df > dw - FRACTION_TOLERANCE && df < dw + FRACTION_TOLERANCE,
			  "%s: duplicate fraction %.4f, weight %.4f", p->name, df, dw);
		digests_free(&d);
		hb_sim_free(m);
	}
}
