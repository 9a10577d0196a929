/* Measuring memory for `hiblab learn`: one pass in order, in chunks.  Every
 * chunk goes through the engine's own lz4, zstd-1 and lzo filters (a
 * one-filter chain each), so the ratios are the image ratios `hiblab
 * suspend --filters lz4` would give; each page is also checked for zero,
 * for an earlier copy (a table of page hashes), and, when learning, sorted
 * into a class by how well lz4 packs it alone, the class's pages measured
 * in their own chunks in original order.
 *
 * Memory is bounded whatever the source's size: the chunk and one chunk per
 * class, and the hash table: at most TABLE_SLOTS_MAX slots of 24 bytes (96
 * MiB), holding up to half as many distinct pages (8 GiB of 4 KiB pages);
 * past that, new contents are not remembered (learn says so), and a copy of
 * one of them goes uncounted. */
#include "learn.h"

#include "core/chain.h"
#include "core/error.h"
#include "core/registry.h"

#include <lz4.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define TABLE_SLOTS_MAX (1u << 22)

const char *const learn_comp_chain[LEARN_COMPRESSORS] = { "lz4", "zstd:level=1", "lzo" };
const char *const learn_comp_name[LEARN_COMPRESSORS] = { "lz4", "zstd-1", "lzo" };

/* ---- the three compressors, through the filter chain API ------------------ */

struct learn_chains {
	uint32_t page_size, chunk_pages;
	struct hb_chain chain[LEARN_COMPRESSORS];
	struct hb_worker worker[LEARN_COMPRESSORS];
	bool ready[LEARN_COMPRESSORS];
};

void learn_chains_free(struct learn_chains *c)
{
	unsigned i;

	if (!c)
		return;
	for (i = 0; i < LEARN_COMPRESSORS; i++) {
		if (c->ready[i])
			hb_worker_fini(&c->worker[i]);
		hb_chain_free(&c->chain[i]);
	}
	free(c);
}

int learn_chains_new(uint32_t page_size, uint32_t chunk_pages, struct learn_chains **out)
{
	static const uint8_t header[64] = "hiblab learn: no header";
	struct learn_chains *c = (struct learn_chains *)calloc(1, sizeof(*c));
	struct hb_image_info img = { .page_size = page_size, .chunk_pages = chunk_pages,
				     .page_count = chunk_pages, .image_id = 1, .saving = true };
	unsigned i;
	int err = 0;

	*out = NULL;
	if (!c)
		return hb_fail(HB_ENOMEM, "learn: out of memory");
	c->page_size = page_size;
	c->chunk_pages = chunk_pages;
	for (i = 0; !err && i < LEARN_COMPRESSORS; i++) {
		err = hb_chain_from_text(&c->chain[i], learn_comp_chain[i]);
		img.aad = NULL;
		img.aad_len = 0;
		if (!err)
			err = hb_chain_prepare(&c->chain[i], &img);
		img.aad = header;
		img.aad_len = sizeof(header);
		if (!err)
			err = hb_worker_init(&c->worker[i], &c->chain[i], &img);
		c->ready[i] = !err;
	}
	if (err) {
		learn_chains_free(c);
		return err;
	}
	*out = c;
	return 0;
}

int learn_chains_measure(struct learn_chains *c, const uint8_t *pages, uint64_t count,
			 struct learn_sizes *z)
{
	uint64_t done, seq = 0;
	unsigned i;
	int err;

	for (done = 0; done < count; done += c->chunk_pages, seq++) {
		uint64_t n = count - done < c->chunk_pages ? count - done : c->chunk_pages;
		struct hb_chunk_ref ref = { .seq = seq, .first_page = done, .pages = (uint32_t)n };
		size_t len = (size_t)n * c->page_size;

		for (i = 0; i < LEARN_COMPRESSORS; i++) {
			const uint8_t *out;
			size_t out_len;

			err = hb_worker_encode(&c->worker[i], &ref, pages + done * c->page_size, len,
					       &out, &out_len);
			if (err)
				return err;
			z->out[i] += HB_RECORD_HDR + out_len;
		}
		z->in += len;
	}
	return 0;
}

/* ---- the table of page hashes --------------------------------------------- */

struct slot {
	XXH128_hash_t h;
	uint32_t seen;  /* 0: empty */
};

struct table {
	struct slot *slot;
	uint32_t mask, used;
};

/* How often this content was seen before (0: new); remembers it. */
static uint32_t table_see(struct table *t, const uint8_t *page, size_t len, bool *full)
{
	XXH128_hash_t h = XXH3_128bits(page, len);
	uint32_t i = (uint32_t)h.low64 & t->mask;

	for (;; i = (i + 1) & t->mask) {
		struct slot *s = &t->slot[i];

		if (!s->seen) {
			/* half full at most: probes stay short */
			if (t->used >= t->mask / 2) {
				*full = true;
				return 0;
			}
			s->h = h;
			s->seen = 1;
			t->used++;
			return 0;
		}
		if (s->h.low64 == h.low64 && s->h.high64 == h.high64)
			return s->seen < UINT32_MAX ? s->seen++ : s->seen;
	}
}

/* ---- the pass ---------------------------------------------------------------- */

struct class_buf {
	uint8_t *pages;
	uint32_t count;
};

struct pass {
	const struct learn_opts *o;
	struct learn_scan *s;
	struct learn_chains *chains;
	struct table table;
	uint8_t *chunk;
	uint8_t *lz4_out;
	struct class_buf buf[LEARN_CLASSES + 1];  /* [LEARN_CLASSES]: duplicates */
};

static struct learn_class *class_at(struct learn_scan *s, unsigned k)
{
	return k == LEARN_CLASSES ? &s->dup : &s->cls[k];
}

static unsigned class_of_page(struct pass *p, const uint8_t *page)
{
	static const double edges[LEARN_CLASSES - 1] = { 1.3, 2.0, 3.0, 5.0, 10.0 };
	uint32_t ps = p->s->page_size;
	int n = LZ4_compress_default((const char *)page, (char *)p->lz4_out, (int)ps,
				     LZ4_compressBound((int)ps));
	double ratio = n > 0 ? (double)ps / n : 1.0;
	unsigned k;

	for (k = 0; k < LEARN_CLASSES - 1 && ratio >= edges[k]; k++)
		;
	return k;
}

static int class_add(struct pass *p, unsigned k, const uint8_t *page, bool flush)
{
	struct class_buf *b = &p->buf[k];
	struct learn_class *c = class_at(p->s, k);
	uint32_t ps = p->s->page_size;
	int err;

	if (page) {
		memcpy(b->pages + (size_t)b->count * ps, page, ps);
		b->count++;
		c->pages++;
	}
	if (b->count == p->chains->chunk_pages || (flush && b->count)) {
		err = learn_chains_measure(p->chains, b->pages, b->count, &c->sizes);
		b->count = 0;
		return err;
	}
	return 0;
}

static int page_seen(struct pass *p, const uint8_t *page, const uint8_t *zero)
{
	struct learn_scan *s = p->s;
	uint32_t before;

	if (memcmp(page, zero, s->page_size) == 0) {
		s->zero_pages++;
		return 0;
	}
	before = table_see(&p->table, page, s->page_size, &s->table_full);
	if (before) {
		s->duplicate_pages++;
		if (before == 1)
			s->duplicated_contents++;
		return p->o->classes ? class_add(p, LEARN_CLASSES, page, false) : 0;
	}
	return p->o->classes ? class_add(p, class_of_page(p, page), page, false) : 0;
}

static void pass_free(struct pass *p)
{
	unsigned k;

	learn_chains_free(p->chains);
	free(p->table.slot);
	free(p->chunk);
	free(p->lz4_out);
	for (k = 0; k <= LEARN_CLASSES; k++)
		free(p->buf[k].pages);
}

static int pass_init(struct pass *p, const struct learn_input *in, uint64_t pages)
{
	uint32_t cp = p->o->chunk_pages ? p->o->chunk_pages : HB_DEFAULT_CHUNK_PAGES;
	uint64_t slots = 64;
	size_t chunk = (size_t)cp * in->page_size;
	unsigned k;
	int err;

	if (cp > HB_MAX_CHUNK_PAGES || chunk > HB_MAX_CHUNK_BYTES)
		return hb_fail(HB_EUSAGE, "--chunk-pages %u of %u-byte pages: at most %u pages and "
					  "%u MiB a chunk",
			       cp, in->page_size, HB_MAX_CHUNK_PAGES, HB_MAX_CHUNK_BYTES >> 20);
	err = learn_chains_new(in->page_size, cp, &p->chains);
	if (err)
		return err;
	while (slots < 2 * pages && slots < TABLE_SLOTS_MAX)
		slots *= 2;
	p->table.slot = (struct slot *)calloc(slots, sizeof(struct slot));
	p->table.mask = (uint32_t)(slots - 1);
	p->chunk = (uint8_t *)malloc(chunk);
	p->lz4_out = (uint8_t *)malloc((size_t)LZ4_compressBound((int)in->page_size));
	if (!p->table.slot || !p->chunk || !p->lz4_out)
		return hb_fail(HB_ENOMEM, "learn: out of memory");
	for (k = 0; p->o->classes && k <= LEARN_CLASSES; k++) {
		p->buf[k].pages = (uint8_t *)malloc(chunk);
		if (!p->buf[k].pages)
			return hb_fail(HB_ENOMEM, "learn: out of memory");
	}
	return 0;
}

int learn_scan(const struct learn_input *in, const struct learn_opts *o, struct learn_scan *s)
{
	struct pass p = { .o = o, .s = s };
	uint64_t pages = (in->bytes + in->page_size - 1) / in->page_size, first;
	uint8_t *zero = (uint8_t *)calloc(1, in->page_size);
	unsigned k;
	int err;

	memset(s, 0, sizeof(*s));
	s->page_size = in->page_size;
	s->pages = pages;
	err = zero ? pass_init(&p, in, pages) : hb_fail(HB_ENOMEM, "learn: out of memory");
	for (first = 0; !err && first < pages;) {
		uint32_t n = (uint32_t)(pages - first < p.chains->chunk_pages ? pages - first
									 : p.chains->chunk_pages);
		uint32_t i;

		err = in->read(in->ctx, first, n, p.chunk);
		if (!err)
			err = learn_chains_measure(p.chains, p.chunk, n, &s->whole);
		for (i = 0; !err && i < n; i++)
			err = page_seen(&p, p.chunk + (size_t)i * in->page_size, zero);
		first += n;
		if (o->progress) {
			struct hb_progress pr = { .phase = o->phase, .done = first * in->page_size,
						  .total = pages * in->page_size };
			o->progress(o->progress_ctx, &pr);
		}
	}
	for (k = 0; !err && o->classes && k <= LEARN_CLASSES; k++)
		err = class_add(&p, k, NULL, true);
	s->whole.in = in->bytes;  /* the source's exact length, as an image records it */
	pass_free(&p);
	free(zero);
	return err;
}

void learn_figures_of(const struct learn_scan *s, struct learn_figures *f)
{
	unsigned i;

	f->pages = s->pages;
	f->zero = s->pages ? (double)s->zero_pages / (double)s->pages : 0.0;
	f->duplicate = s->pages ? (double)s->duplicate_pages / (double)s->pages : 0.0;
	for (i = 0; i < LEARN_COMPRESSORS; i++)
		f->ratio[i] = (double)s->whole.in / (double)(HB_HEADER_AREA + s->whole.out[i]);
}

/* ---- inputs ------------------------------------------------------------------ */

static int source_read(void *ctx, uint64_t first, uint32_t count, uint8_t *buf)
{
	struct hb_instance *in = (struct hb_instance *)ctx;

	return ((const struct hb_source *)in->ops)->read(in->priv, first, count, buf);
}

int learn_scan_source(const char *spec, const struct learn_opts *o, struct learn_scan *s)
{
	struct hb_instance src;
	struct hb_source_info info = { 0 };
	const struct hb_source *ops;
	int err = hb_instance_from_text(&src, HB_KIND_SOURCE, spec, "--source");

	if (err)
		return err;
	ops = (const struct hb_source *)src.ops;
	if (ops->needs_raw_target) {
		err = hb_fail(HB_EUSAGE, "--source %s: %s cannot be learned from", spec,
			      src.plugin->name);
		goto out;
	}
	err = ops->open(src.priv, src.conf, &info);
	if (!err && info.bytes == 0)
		err = hb_fail(HB_EUSAGE, "--source %s is empty: nothing to learn", spec);
	if (!err) {
		struct learn_input in = { .read = source_read, .ctx = &src,
					  .page_size = info.page_size, .bytes = info.bytes };
		err = learn_scan(&in, o, s);
	}
	if (ops->close)
		ops->close(src.priv);
out:
	hb_instance_free(&src);
	return err;
}

static int sim_read(void *ctx, uint64_t first, uint32_t count, uint8_t *buf)
{
	hb_sim_fill((const struct hb_sim *)ctx, first, count, buf);
	return 0;
}

int learn_scan_profile(const struct hb_profile *p, uint32_t page_size, uint64_t size,
		       const struct learn_opts *o, struct learn_scan *s)
{
	struct hb_sim *m = hb_sim_new(p, 1, page_size);
	struct learn_input in = { .read = sim_read, .ctx = m, .page_size = page_size, .bytes = size };
	int err;

	if (!m)
		return hb_fail(HB_ENOMEM, "learn: out of memory for the page pools");
	err = learn_scan(&in, o, s);
	hb_sim_free(m);
	return err;
}
