/* The dedup filter through the plugin API: an encoder and a separate decoder
 * instance (each with its own table, as on suspend and on resume), chunks in
 * image order.  Round trips, what references cost, bounded tables, and
 * corrupt or out-of-order input refused. */
#include "filterfx.h"

#include "core/alloc.h"
#include "core/bytes.h"
#include "core/error.h"
#include "core/registry.h"

#include <criterion/criterion.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define PAGE FX_PAGE_SIZE  /* the fixture's image */
#define CHUNK FX_CHUNK_PAGES

/* A page whose content depends only on key: same key, same page. */
static void page(uint8_t *out, uint64_t key)
{
	uint64_t s = key * 0x9e3779b97f4a7c15ull + 0x632be59bd9b4e019ull;
	size_t i;

	for (i = 0; i < PAGE; i++) {
		s ^= s << 13;
		s ^= s >> 7;
		s ^= s << 17;
		out[i] = (uint8_t)(s >> 32);
	}
}

/* An encoded chunk kept for decoding later. */
struct rec {
	uint8_t *data;
	size_t len;
};

/* Encode n chunks (of lens[i] bytes at in[i]) in order with a new encoder. */
static void encode_all(const char *spec, uint8_t *const *in, const size_t *lens, size_t n,
		       struct rec *out)
{
	struct filterfx e;
	size_t i;

	fx_open(&e, spec, true);
	for (i = 0; i < n; i++) {
		size_t cap = fx_bound(&e, lens[i]);
		int err;

		out[i].data = malloc(cap ? cap : 1);
		cr_assert_not_null(out[i].data);
		err = fx_encode(&e, i, in[i], lens[i], out[i].data, cap, &out[i].len);
		cr_assert_eq(err, 0, "%s chunk %zu: %s", spec, i, hb_detail(err));
		cr_assert_leq(out[i].len, cap);
	}
	fx_close(&e);
}

/* Decode them in order with a new decoder; each must come back bit-exact. */
static void decode_all(const char *spec, uint8_t *const *in, const size_t *lens, size_t n,
		       const struct rec *recs)
{
	struct filterfx d;
	size_t i;

	fx_open(&d, spec, false);
	for (i = 0; i < n; i++) {
		uint8_t *dec = malloc(lens[i] + 1);
		size_t dec_len = 0;
		int err;

		cr_assert_not_null(dec);
		err = fx_decode(&d, i, recs[i].data, recs[i].len, dec, lens[i], &dec_len);
		cr_assert_eq(err, 0, "%s chunk %zu: %s", spec, i, hb_detail(err));
		cr_assert_eq(dec_len, lens[i], "%s chunk %zu: %zu bytes", spec, i, dec_len);
		cr_assert(lens[i] == 0 || memcmp(dec, in[i], lens[i]) == 0,
			  "%s chunk %zu differs", spec, i);
		free(dec);
	}
	fx_close(&d);
}

static void free_recs(struct rec *recs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(recs[i].data);
}

/* References in an encoded record (bits set in its map); head: the input's
 * length modulo the page size. */
static unsigned refs_in(const struct rec *r)
{
	size_t nblocks = hb_get32(r->data) / PAGE, i;
	unsigned n = 0;

	for (i = 0; i < nblocks; i++)
		n += (r->data[4 + i / 8] >> (i % 8)) & 1u;
	return n;
}

/* A chunk of CHUNK pages: keys[i] chooses page i. */
static uint8_t *chunk_of(const uint64_t *keys, size_t npages)
{
	uint8_t *buf = malloc(npages * PAGE);
	size_t i;

	cr_assert_not_null(buf);
	for (i = 0; i < npages; i++)
		page(buf + i * PAGE, keys[i]);
	return buf;
}

Test(dedup, registered_with_bounded_memory_option)
{
	const struct hb_registered *r = hb_find_plugin(HB_KIND_FILTER, "dedup");
	const struct hb_option *o;

	cr_assert_not_null(r);
	o = &r->plugin->options[0];
	/* the pipeline must run it one chunk at a time, in image order */
	cr_assert(((const struct hb_filter *)r->ops)->ordered);
	cr_assert_str_eq(o->name, "entries");
	cr_assert_str_eq(o->def, "4096");
	cr_assert(strstr(o->help, "16 MiB") != NULL, "help must state the memory cost: %s",
		  o->help);
}

Test(dedup, same_page_32_times_is_about_one_page)
{
	uint64_t keys[CHUNK];
	uint8_t *in;
	size_t len = CHUNK * PAGE, i;
	struct rec r;

	for (i = 0; i < CHUNK; i++)
		keys[i] = 77;
	in = chunk_of(keys, CHUNK);
	encode_all("dedup", &in, &len, 1, &r);
	/* length, map, one page, 31 slot numbers */
	cr_assert_eq(r.len, 4 + 4 + PAGE + 31 * 4, "%zu bytes", r.len);
	cr_assert_eq(refs_in(&r), 31);
	decode_all("dedup", &in, &len, 1, &r);
	free_recs(&r, 1);
	free(in);
}

Test(dedup, duplicates_across_chunks_are_referenced)
{
	uint64_t k0[CHUNK], k1[CHUNK], k2[CHUNK];
	uint8_t *in[3];
	size_t lens[3] = { CHUNK * PAGE, CHUNK * PAGE, CHUNK * PAGE }, i;
	struct rec r[3];

	for (i = 0; i < CHUNK; i++) {
		k0[i] = 1000 + i;               /* all new */
		k1[i] = 1000 + (CHUNK - 1 - i); /* chunk 0 reversed */
		k2[i] = i % 2 ? 1000 + i : 5000 + i;  /* half old, half new */
	}
	in[0] = chunk_of(k0, CHUNK);
	in[1] = chunk_of(k1, CHUNK);
	in[2] = chunk_of(k2, CHUNK);
	encode_all("dedup", in, lens, 3, r);
	cr_assert_eq(refs_in(&r[0]), 0);
	/* 32 pages in 4096 slots: at most a rare collision may evict one */
	cr_assert_geq(refs_in(&r[1]), CHUNK - 2, "%u refs", refs_in(&r[1]));
	cr_assert_leq(r[1].len, 4 + 4 + CHUNK * 4 + 2 * PAGE, "%zu bytes", r[1].len);
	cr_assert_geq(refs_in(&r[2]), CHUNK / 2 - 2, "%u refs", refs_in(&r[2]));
	decode_all("dedup", in, lens, 3, r);
	free_recs(r, 3);
	for (i = 0; i < 3; i++)
		free(in[i]);
}

/* More distinct pages than slots: pages evict each other, fewer duplicates
 * are found, but every chunk still comes back exact. */
Test(dedup, table_smaller_than_distinct_pages_round_trips)
{
	static const char *const specs[] = { "dedup:entries=1", "dedup:entries=3", "dedup:17" };
	enum { NCHUNK = 8 };
	uint8_t *in[NCHUNK];
	size_t lens[NCHUNK], i, j, s;
	struct rec r[NCHUNK];
	uint64_t x = 12345;

	for (i = 0; i < NCHUNK; i++) {
		uint64_t keys[CHUNK];

		for (j = 0; j < CHUNK; j++) {
			x = x * 6364136223846793005ull + 1442695040888963407ull;
			/* 50 distinct pages, runs of repeats */
			keys[j] = j % 4 == 3 && j ? keys[j - 1] : (x >> 33) % 50;
		}
		in[i] = chunk_of(keys, CHUNK);
		lens[i] = CHUNK * PAGE;
	}
	for (s = 0; s < sizeof(specs) / sizeof(specs[0]); s++) {
		unsigned refs = 0;

		encode_all(specs[s], in, lens, NCHUNK, r);
		for (i = 0; i < NCHUNK; i++)
			refs += refs_in(&r[i]);
		cr_assert_gt(refs, 0, "%s found no duplicate", specs[s]);
		decode_all(specs[s], in, lens, NCHUNK, r);
		free_recs(r, NCHUNK);
	}
	for (i = 0; i < NCHUNK; i++)
		free(in[i]);
}

/* Lengths that are not whole pages: the short block is literal, at the front,
 * so pages after a small header (as zero emits) still line up. */
Test(dedup, any_length_round_trips)
{
	static const size_t lens[] = { 0, 1, 100, PAGE - 1, PAGE, PAGE + 1, 3 * PAGE + 8,
				       CHUNK * PAGE + 4095 };
	enum { N = sizeof(lens) / sizeof(lens[0]) };
	uint8_t *in[N];
	size_t l[N], i;
	struct rec r[N];

	for (i = 0; i < N; i++) {
		size_t j;

		l[i] = lens[i];
		in[i] = malloc(lens[i] + PAGE);
		cr_assert_not_null(in[i]);
		/* the same page repeated, shifted by the head: found every time */
		memset(in[i], 0xa5, lens[i] % PAGE);
		for (j = 0; j < lens[i] / PAGE; j++)
			page(in[i] + lens[i] % PAGE + j * PAGE, 9);
		if (lens[i] < PAGE)
			page(in[i], 3);  /* arbitrary bytes */
	}
	encode_all("dedup", in, l, N, r);
	/* 3 pages after an 8-byte header: page 9 was seen in chunk 5, so all 3
	 * are references */
	cr_assert_eq(refs_in(&r[6]), 3);
	cr_assert_eq(r[6].len, 4 + 1 + 8 + 3 * 4);
	decode_all("dedup", in, l, N, r);
	free_recs(r, N);
	for (i = 0; i < N; i++)
		free(in[i]);
}

/* Encode the two chunks of the corruption tests: chunk 0 holds 32 pages,
 * chunk 1 the same pages shuffled: all references. */
struct pair {
	uint8_t *in[2];
	size_t lens[2];
	struct rec r[2];
};

/* n keys whose pages land in distinct slots of a table of `entries` (the
 * slot is XXH3-64 of the page modulo entries: part of the format). */
static void distinct_slot_keys(uint64_t *keys, size_t n, size_t entries)
{
	uint8_t *seen = calloc(entries, 1), buf[PAGE];
	uint64_t k = 200;
	size_t i = 0;

	cr_assert_not_null(seen);
	while (i < n) {
		size_t s;

		page(buf, k);
		s = (size_t)(XXH3_64bits(buf, PAGE) % entries);
		if (!seen[s]) {
			seen[s] = 1;
			keys[i++] = k;
		}
		k++;
	}
	free(seen);
}

static void pair_make(struct pair *p, const char *spec, size_t entries)
{
	uint64_t k0[CHUNK], k1[CHUNK];
	size_t i;

	distinct_slot_keys(k0, CHUNK, entries);
	for (i = 0; i < CHUNK; i++)
		k1[i] = k0[(i * 7) % CHUNK];
	p->in[0] = chunk_of(k0, CHUNK);
	p->in[1] = chunk_of(k1, CHUNK);
	p->lens[0] = p->lens[1] = CHUNK * PAGE;
	encode_all(spec, p->in, p->lens, 2, p->r);
	cr_assert_eq(refs_in(&p->r[1]), CHUNK, "test needs chunk 1 all references");
}

static void pair_free(struct pair *p)
{
	free_recs(p->r, 2);
	free(p->in[0]);
	free(p->in[1]);
}

/* Decode len bytes as record seq into a fresh buffer of one whole chunk. */
static int decode_chunk(struct filterfx *d, uint64_t seq, const uint8_t *in, size_t len)
{
	uint8_t *dec = malloc(CHUNK * PAGE);
	size_t dec_len;
	int err;

	cr_assert_not_null(dec);
	err = fx_decode(d, seq, in, len, dec, CHUNK * PAGE, &dec_len);
	free(dec);
	return err;
}

/* Decode chunk 0 as given, then bytes (len) as chunk 1: the error. */
static int decode_second(const char *spec, const struct pair *p, const uint8_t *bytes,
			 size_t len)
{
	struct filterfx d;
	int err;

	fx_open(&d, spec, false);
	err = decode_chunk(&d, 0, p->r[0].data, p->r[0].len);
	cr_assert_eq(err, 0, "%s", hb_detail(err));
	err = decode_chunk(&d, 1, bytes, len);
	fx_close(&d);
	return err;
}

static void expect_corrupt(int err, const char *what)
{
	cr_assert_eq(err, HB_ECORRUPT, "%s: got %d", what, err);
	cr_assert(strstr(hb_detail(err), "record 1: dedup") != NULL, "%s: detail '%s'", what,
		  hb_detail(err));
}

Test(dedup, corrupt_references_refused)
{
	struct pair p;
	uint8_t *b;
	size_t len;
	const size_t refs = 4 + 4;  /* first slot number: after length and map */

	pair_make(&p, "dedup:entries=1000", 1000);
	len = p.r[1].len;
	b = malloc(len + 8);
	cr_assert_not_null(b);

	/* the untouched record decodes */
	cr_assert_eq(decode_second("dedup:entries=1000", &p, p.r[1].data, len), 0);

	/* a slot number past the table */
	memcpy(b, p.r[1].data, len);
	hb_put32(b + refs, 1000);
	expect_corrupt(decode_second("dedup:entries=1000", &p, b, len), "bad slot");
	cr_assert(strstr(hb_detail(HB_ECORRUPT), "slot 1000") != NULL);
	hb_put32(b + refs, 0xffffffffu);
	expect_corrupt(decode_second("dedup:entries=1000", &p, b, len), "huge slot");

	/* a slot no page has filled: chunk 0 filled exactly the 32 slots that
	 * chunk 1 names, so any other slot is empty */
	memcpy(b, p.r[1].data, len);
	{
		uint32_t s;
		for (s = 0; s < 1000; s++) {
			bool used = false;
			size_t i;
			for (i = 0; i < CHUNK; i++)
				used |= hb_get32(p.r[1].data + refs + 4 * i) == s;
			if (!used)
				break;
		}
		hb_put32(b + refs + 4 * 5, s);
	}
	expect_corrupt(decode_second("dedup:entries=1000", &p, b, len), "empty slot");
	cr_assert(strstr(hb_detail(HB_ECORRUPT), "empty slot") != NULL);

	/* short payloads: every cut is refused */
	{
		size_t cut;
		for (cut = 0; cut < len; cut += cut < 64 ? 1 : 7)
			expect_corrupt(decode_second("dedup:entries=1000", &p, p.r[1].data, cut),
				       "short");
	}

	/* stray bytes after the last block */
	memcpy(b, p.r[1].data, len);
	b[len] = 0;
	expect_corrupt(decode_second("dedup:entries=1000", &p, b, len + 1), "stray");
	cr_assert(strstr(hb_detail(HB_ECORRUPT), "stray") != NULL);

	/* a length larger than the stage can give back */
	memcpy(b, p.r[1].data, len);
	hb_put32(b, CHUNK * PAGE + 1);
	expect_corrupt(decode_second("dedup:entries=1000", &p, b, len), "length");

	free(b);
	pair_free(&p);
}

/* A reference to a slot the decoder has never filled: a record decoded
 * without the records before it (or with a forged slot). */
Test(dedup, empty_slot_refused)
{
	struct pair p;
	struct filterfx d;
	int err;

	pair_make(&p, "dedup", 4096);
	fx_open(&d, "dedup", false);
	/* chunk 1's references, fed to a decoder that never saw chunk 0 */
	err = decode_chunk(&d, 0, p.r[1].data, p.r[1].len);
	cr_assert_eq(err, HB_ECORRUPT);
	cr_assert(strstr(hb_detail(err), "record 0: dedup") != NULL, "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "empty slot") != NULL, "%s", hb_detail(err));
	fx_close(&d);
	pair_free(&p);
}

Test(dedup, bitmap_padding_and_tiny_input_refused)
{
	uint64_t keys[3] = { 1, 1, 1 };
	uint8_t *in = chunk_of(keys, 3), dec[3 * PAGE];
	size_t len = 3 * PAGE, dec_len;
	struct rec r;
	struct filterfx d;
	int err;

	encode_all("dedup", &in, &len, 1, &r);
	cr_assert_eq(refs_in(&r), 2);
	r.data[4] |= 0x80;  /* a map bit past the third block */
	fx_open(&d, "dedup", false);
	err = fx_decode(&d, 0, r.data, r.len, dec, sizeof(dec), &dec_len);
	cr_assert_eq(err, HB_ECORRUPT);
	cr_assert(strstr(hb_detail(err), "record 0: dedup") != NULL, "%s", hb_detail(err));
	fx_close(&d);

	fx_open(&d, "dedup", false);
	err = fx_decode(&d, 0, r.data, 3, dec, sizeof(dec), &dec_len);
	cr_assert_eq(err, HB_ECORRUPT);
	fx_close(&d);
	free_recs(&r, 1);
	free(in);
}

/* Random single-bit flips anywhere in a record: refused or decoded, never a
 * crash or a write past the output (ASan watches). */
Test(dedup, bit_flips_never_crash)
{
	struct pair p;
	uint8_t *b;
	size_t len, bit;

	pair_make(&p, "dedup:entries=64", 64);
	len = p.r[1].len;
	b = malloc(len);
	cr_assert_not_null(b);
	for (bit = 0; bit < len * 8; bit += bit < 8 * 160 ? 1 : 613) {
		int err;

		memcpy(b, p.r[1].data, len);
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		err = decode_second("dedup:entries=64", &p, b, len);
		cr_assert(err == 0 || err == HB_ECORRUPT, "bit %zu: %d", bit, err);
	}
	free(b);
	pair_free(&p);
}

/* The table depends on image order: a record out of turn is a bug in the
 * caller, refused rather than written into an unreadable image. */
Test(dedup, out_of_order_refused)
{
	uint64_t keys[CHUNK] = { 0 };
	uint8_t *in = chunk_of(keys, CHUNK), *out;
	struct filterfx e;
	size_t cap, out_len;
	int err;

	fx_open(&e, "dedup", true);
	cap = fx_bound(&e, CHUNK * PAGE);
	out = malloc(cap);
	cr_assert_not_null(out);
	err = fx_encode(&e, 1, in, CHUNK * PAGE, out, cap, &out_len);
	cr_assert_eq(err, HB_EINTERNAL);
	cr_assert(strstr(hb_detail(err), "image order") != NULL, "%s", hb_detail(err));
	cr_assert_eq(fx_encode(&e, 0, in, CHUNK * PAGE, out, cap, &out_len), 0);
	cr_assert_eq(fx_encode(&e, 0, in, CHUNK * PAGE, out, cap, &out_len), HB_EINTERNAL);
	cr_assert_eq(fx_encode(&e, 1, in, CHUNK * PAGE, out, cap, &out_len), 0);
	fx_close(&e);
	free(out);
	free(in);
}

Test(dedup, options_bounded)
{
	struct hb_instance inst;
	struct hb_image_info img = { .page_size = 256, .chunk_pages = 32 };
	struct hb_params params = { .len = 0 };
	const struct hb_filter *f;
	void *state;

	cr_assert_eq(hb_instance_from_text(&inst, HB_KIND_FILTER, "dedup:entries=0", "test"),
		     HB_EUSAGE);
	cr_assert_eq(hb_instance_from_text(&inst, HB_KIND_FILTER, "dedup:entries=262145", "test"),
		     HB_EUSAGE);
	cr_assert_eq(hb_instance_from_text(&inst, HB_KIND_FILTER, "dedup:entries=262144", "test"),
		     0);
	f = (const struct hb_filter *)inst.ops;
	/* pages below the smallest the bound allows for are refused, not overrun */
	state = hb_zalloc(f->state_size);
	cr_assert_not_null(state);
	cr_assert_eq(f->prepare(f, inst.conf, state, &img, &params), HB_EUSAGE);
	hb_wipe_free(state, f->state_size);
	hb_instance_free(&inst);
}

/* prepare twice (a retried key prompt runs prepare, release, prepare) and
 * release twice: no leak, no double free (ASan watches). */
Test(dedup, prepare_release_repeat)
{
	struct filterfx t;

	fx_open(&t, "dedup:entries=8", true);
	cr_assert_eq(t.f->prepare(t.f, t.inst.conf, t.state, &t.img, &t.params), 0);
	t.f->release(t.state);
	t.f->release(t.state);
	t.prepared = false;
	fx_close(&t);
}

/* After a failed record the decoder's table may be half updated: the
 * records after it are refused too, with the same code. */
Test(dedup, refuses_all_after_a_failure)
{
	struct pair p;
	struct filterfx d;
	int err;

	pair_make(&p, "dedup", 4096);
	fx_open(&d, "dedup", false);
	err = decode_chunk(&d, 0, p.r[0].data, p.r[0].len - 1);
	cr_assert_eq(err, HB_ECORRUPT);
	err = decode_chunk(&d, 1, p.r[1].data, p.r[1].len);
	cr_assert_eq(err, HB_ECORRUPT);
	cr_assert(strstr(hb_detail(err), "record 1: dedup: refused after an earlier record")
		  != NULL, "%s", hb_detail(err));
	fx_close(&d);
	pair_free(&p);
}
