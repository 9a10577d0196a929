/* Simulated pages at memory speed.  A class's filler is slow (it builds
 * text word by word); so each class keeps a pool of filled pages, built once
 * per (profile, seed, page size), and a page is a copy of one pool page:
 *
 * - stamped classes take pool page (page + rotation) mod pool size, then
 *   overwrite 8 bytes, at an offset fixed per pool page, with a bijective
 *   hash of the page number: every page is unique (dedup finds nothing the
 *   class does not promise), and two pages of one pool are a whole pool
 *   (1 MiB) apart, beyond every compressor window a 128 KiB chunk (or any
 *   chunk up to 1 MiB) gives, so no compressor finds a repeat either;
 * - exact classes (duplicates) copy one of their templates as is.
 *
 * hb_sim_page computes the same bytes without a pool, by calling the filler
 * for the pool page it needs: the reference the pool path must match. */
#include "memory.h"

#include <stdlib.h>
#include <string.h>

/* A stamped class's pool: 1 MiB is more than a 128 KiB chunk and more than
 * zstd-1's window, yet 4-6 MiB for a whole profile. */
#define POOL_BYTES (1u << 20)
#define POOL_PAGES_MIN 64u
#define ROTATION_SALT 0x6a09e667f3bcc909ull

struct pool {
	const struct hb_sim_class *cls;
	uint8_t *pages;  /* NULL for zero classes */
};

struct hb_sim {
	const struct hb_profile *profile;
	uint64_t seed;
	size_t page_size;
	struct pool pool[HB_PROFILE_CLASSES_MAX];  /* one per share of the profile */
};

static uint32_t pool_pages(const struct hb_sim_class *c, size_t page_size)
{
	size_t n = POOL_BYTES / page_size;

	if (c->mode == HB_MODE_ZERO)
		return 0;
	if (c->mode == HB_MODE_EXACT)
		return c->templates;
	return n < POOL_PAGES_MIN ? POOL_PAGES_MIN : (uint32_t)n;
}

/* The filler's key for pool page i.  A duplicate's is the key its template
 * always had, so duplicates are the very pages they were before pools. */
static uint64_t entry_key(const struct hb_sim_class *c, uint64_t seed, uint64_t i)
{
	if (c->mode == HB_MODE_EXACT)
		return hb_mix64(seed) + i;
	return hb_mix64(seed ^ hb_mix64(i));
}

/* Which pool page page copies. */
static uint64_t entry_of(const struct hb_sim_class *c, uint64_t seed, uint64_t page,
			 uint32_t n)
{
	if (c->mode == HB_MODE_EXACT)
		return hb_mix64(page) % n;
	return (page % n + hb_mix64(seed ^ ROTATION_SALT) % n) % n;
}

static void stamp(uint8_t *out, size_t page_size, uint64_t key, uint64_t seed, uint64_t page)
{
	size_t off = (size_t)(hb_mix64(key) % (page_size / 8)) * 8;
	uint64_t v = hb_mix64(seed ^ hb_mix64(page));

	memcpy(out + off, &v, 8);
}

/* One page of class c; from pool when there is one, else from the filler. */
static void make_page(const struct hb_sim_class *c, const uint8_t *pool, uint64_t seed,
		      uint64_t page, uint8_t *out, size_t page_size)
{
	uint32_t n = pool_pages(c, page_size);
	uint64_t i, key;

	if (c->mode == HB_MODE_ZERO) {
		memset(out, 0, page_size);
		return;
	}
	i = entry_of(c, seed, page, n);
	key = entry_key(c, seed, i);
	if (pool)
		memcpy(out, pool + i * page_size, page_size);
	else
		c->fill(c, key, out, page_size);
	if (c->mode == HB_MODE_STAMPED)
		stamp(out, page_size, key, seed, page);
}

void hb_sim_page(const struct hb_profile *p, uint64_t seed, uint64_t page, uint8_t *out,
		 size_t page_size)
{
	make_page(hb_sim_class_of(p, seed, page), NULL, seed, page, out, page_size);
}

struct hb_sim *hb_sim_new(const struct hb_profile *p, uint64_t seed, size_t page_size)
{
	struct hb_sim *m = (struct hb_sim *)calloc(1, sizeof(*m));
	unsigned s;
	uint32_t i, n;

	if (!m)
		return NULL;
	m->profile = p;
	m->seed = seed;
	m->page_size = page_size;
	for (s = 0; s < p->nclasses; s++) {
		const struct hb_sim_class *c = p->share[s].cls;

		m->pool[s].cls = c;
		n = pool_pages(c, page_size);
		if (!n)
			continue;
		m->pool[s].pages = (uint8_t *)malloc((size_t)n * page_size);
		if (!m->pool[s].pages) {
			hb_sim_free(m);
			return NULL;
		}
		for (i = 0; i < n; i++)
			c->fill(c, entry_key(c, seed, i), m->pool[s].pages + (size_t)i * page_size,
				page_size);
	}
	return m;
}

static const struct pool *pool_of(const struct hb_sim *m, const struct hb_sim_class *c)
{
	static const struct pool zero = { .cls = &hb_sim_builtin[HB_PAGE_ZERO] };
	unsigned s;

	for (s = 0; s < m->profile->nclasses; s++) {
		if (m->pool[s].cls == c)
			return &m->pool[s];
	}
	return &zero;  /* hb_sim_class_of's fallback: a profile with no weight */
}

void hb_sim_fill(const struct hb_sim *m, uint64_t first, uint64_t count, uint8_t *out)
{
	size_t ps = m->page_size;
	const struct pool *pl = NULL;
	uint64_t page;

	for (page = first; page < first + count; page++, out += ps) {
		/* the class changes only between runs */
		if (!pl || page == first || (page & ((1u << HB_SIM_RUN_SHIFT) - 1)) == 0)
			pl = pool_of(m, hb_sim_class_of(m->profile, m->seed, page));
		make_page(pl->cls, pl->pages, m->seed, page, out, ps);
	}
}

void hb_sim_free(struct hb_sim *m)
{
	unsigned s;

	if (!m)
		return;
	for (s = 0; s < HB_PROFILE_CLASSES_MAX; s++)
		free(m->pool[s].pages);
	free(m);
}
