/* The compression filters (lz4, lz4hc, zstd, lzo, deflate) through the
 * plugin API alone: look up, configure, prepare, create, encode, decode,
 * destroy, release, as the engine does.
 *
 * Every buffer is allocated at exactly the size the filter may use, so an
 * overrun by one byte is an ASan error under `make SAN=1`. */
#include "core/bytes.h"
#include "core/error.h"
#include "core/registry.h"

#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <lz4.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>

#define CHUNK (32 * 4096)
#define SEQ 17  /* the record number the detail lines must name */

/* ---- a filter instance driven by hand ----------------------------------- */

struct filt {
	char spec[48];
	char name[16];
	struct hb_instance inst;
	const struct hb_filter *f;
	struct hb_image_info img;
	struct hb_params params;
	bool created;
};

static void filt_open(struct filt *t, const char *spec)
{
	int err;

	memset(t, 0, sizeof(*t));
	snprintf(t->spec, sizeof(t->spec), "%s", spec);
	snprintf(t->name, sizeof(t->name), "%.*s", (int)strcspn(spec, ":"), spec);
	t->img.page_size = 4096;
	t->img.chunk_pages = 32;
	t->img.page_count = 1024;
	t->img.image_id = 0x1234;
	t->img.saving = true;
	cr_assert_not_null(hb_find_plugin(HB_KIND_FILTER, t->name), "%s is not registered",
			   t->name);
	err = hb_instance_from_text(&t->inst, HB_KIND_FILTER, spec, "test");
	cr_assert_eq(err, 0, "%s: %s", spec, hb_detail(err));
	t->f = (const struct hb_filter *)t->inst.ops;
	cr_assert_not_null(t->f->encode);
	cr_assert_not_null(t->f->decode);
	cr_assert_not_null(t->f->bound, "%s: a compressor needs bound()", spec);
	if (t->f->prepare) {
		err = t->f->prepare(t->inst.conf, &t->img, &t->params);
		cr_assert_eq(err, 0, "%s prepare: %s", spec, hb_detail(err));
	}
	if (t->f->create) {
		err = t->f->create(t->inst.priv, t->inst.conf, &t->img);
		cr_assert_eq(err, 0, "%s create: %s", spec, hb_detail(err));
	}
	t->created = true;
}

static void filt_close(struct filt *t)
{
	if (t->created && t->f->destroy)
		t->f->destroy(t->inst.priv);
	if (t->f && t->f->release)
		t->f->release(t->inst.conf);
	hb_instance_free(&t->inst);
	t->created = false;
}

static size_t filt_bound(const struct filt *t, size_t len)
{
	return t->f->bound(t->inst.conf, len);
}

/* Encode into a buffer of exactly bound() bytes; returns it (malloc'd). */
static uint8_t *filt_encode(struct filt *t, const uint8_t *in, size_t len, size_t *out_len)
{
	struct hb_chunk_ref ref = { .seq = SEQ, .first_page = 0, .pages = 32 };
	size_t cap = filt_bound(t, len);
	uint8_t *out = malloc(cap);
	struct hb_xfer x = { .chunk = &ref, .in = in, .in_len = len, .out = out, .out_cap = cap };
	int err;

	cr_assert_not_null(out);
	err = t->f->encode(t->inst.priv, &x);
	cr_assert_eq(err, 0, "%s encode %zu bytes: %s", t->spec, len, hb_detail(err));
	cr_assert_leq(x.out_len, cap, "%s: wrote past its bound", t->spec);
	*out_len = x.out_len;
	return out;
}

/* Decode in[0..len) into a fresh buffer of exactly out_cap bytes.  The input
 * is copied to a buffer of exactly len bytes so an over-read is caught. */
static int filt_decode(struct filt *t, const uint8_t *in, size_t len, size_t out_cap,
		       uint8_t **out, size_t *out_len)
{
	struct hb_chunk_ref ref = { .seq = SEQ, .first_page = 0, .pages = 32 };
	uint8_t *src = malloc(len ? len : 1);
	uint8_t *dst = malloc(out_cap ? out_cap : 1);
	struct hb_xfer x = { .chunk = &ref, .in = src, .in_len = len, .out = dst,
			     .out_cap = out_cap };
	int err;

	cr_assert(src && dst);
	if (len)
		memcpy(src, in, len);
	hb_clear_detail();
	err = t->f->decode(t->inst.priv, &x);
	free(src);
	if (!err)
		cr_assert_leq(x.out_len, out_cap, "%s: decoded past out_cap", t->spec);
	if (out) {
		*out = dst;
		*out_len = x.out_len;
	} else {
		free(dst);
	}
	return err;
}

/* Decoding must be refused as corrupt, with a detail naming record and filter. */
static void expect_corrupt(struct filt *t, const uint8_t *in, size_t len, size_t out_cap,
			   const char *what)
{
	char prefix[64];
	int err = filt_decode(t, in, len, out_cap, NULL, NULL);

	cr_assert_eq(err, HB_ECORRUPT, "%s: %s: got %d (%s)", t->spec, what, err, hb_detail(err));
	snprintf(prefix, sizeof(prefix), "record %d: %s: ", SEQ, t->name);
	cr_assert(strncmp(hb_detail(err), prefix, strlen(prefix)) == 0,
		  "%s: %s: detail '%s' should start '%s'", t->spec, what, hb_detail(err), prefix);
}

/* ---- test data ----------------------------------------------------------- */

enum kind { K_ZERO, K_RANDOM, K_TEXT, K_MIXED, K_COUNT };
static const char *const kind_names[K_COUNT] = { "zero", "random", "text", "mixed" };

static uint64_t rng_next(uint64_t *s)
{
	/* xorshift64*: deterministic, so every failure replays */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1DULL;
}

static void fill_random(uint8_t *p, size_t len, uint64_t seed)
{
	uint64_t s = seed | 1;
	size_t i;

	for (i = 0; i < len; i++)
		p[i] = (uint8_t)(rng_next(&s) >> 56);
}

static void fill_text(uint8_t *p, size_t len, uint64_t seed)
{
	static const char *const words[] = {
		"the", "page", "kernel", "swap", "image", "resume", "suspend", "memory",
		"of", "and", "a", "to", "in", "is", "frozen", "process", "record", "chunk",
		"filter", "compress", "zone", "slab", "inode", "dentry", "struct", "return",
	};
	uint64_t s = seed | 1;
	size_t i = 0;

	while (i < len) {
		uint64_t r = rng_next(&s);
		const char *w = words[r % (sizeof(words) / sizeof(words[0]))];
		char sep = (r >> 40) % 13 == 0 ? '\n' : (r >> 40) % 7 == 0 ? ',' : ' ';
		size_t n = strlen(w);

		if (n > len - i)
			n = len - i;
		memcpy(p + i, w, n);
		i += n;
		if (i < len)
			p[i++] = (uint8_t)sep;
	}
}

/* Pages of zero, text, random and pointer-like words in turn. */
static void fill_mixed(uint8_t *p, size_t len, uint64_t seed)
{
	size_t off, i;

	for (off = 0; off < len; off += 4096) {
		size_t n = len - off < 4096 ? len - off : 4096;
		switch ((off / 4096) % 4) {
		case 0:
			memset(p + off, 0, n);
			break;
		case 1:
			fill_text(p + off, n, seed + off);
			break;
		case 2:
			fill_random(p + off, n, seed + off);
			break;
		default:
			for (i = 0; i < n; i++) {
				uint64_t v = 0xffff888000000000ULL + ((seed + off + i / 8) % 97) * 64;
				p[off + i] = (uint8_t)(v >> (8 * (i % 8)));
			}
			break;
		}
	}
}

static uint8_t *make_data(enum kind k, size_t len, uint64_t seed)
{
	uint8_t *p = malloc(len ? len : 1);

	cr_assert_not_null(p);
	switch (k) {
	case K_ZERO:
		memset(p, 0, len);
		break;
	case K_RANDOM:
		fill_random(p, len, seed);
		break;
	case K_TEXT:
		fill_text(p, len, seed);
		break;
	case K_MIXED:
	case K_COUNT:
		fill_mixed(p, len, seed);
		break;
	}
	return p;
}

/* ---- parameters ---------------------------------------------------------- */

struct codec_case {
	char spec[48];
};

static struct codec_case every_codec[] = {
	{ "lz4" }, { "lz4:acceleration=8" }, { "lz4:acceleration=65537" },
	{ "lz4hc" }, { "lz4hc:level=1" }, { "lz4hc:level=12" },
	{ "zstd" }, { "zstd:level=1" }, { "zstd:19" },
	{ "lzo" },
	{ "deflate:level=0" }, { "deflate" }, { "deflate:level=2" }, { "deflate:level=3" },
};

/* one per filter, for the slower corruption sweeps */
static struct codec_case each_codec[] = {
	{ "lz4" }, { "lz4hc" }, { "zstd" }, { "lzo" }, { "deflate" },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* the parameters of a test: the codecs of one of the lists above */
#define CODEC_PARAMS(test, list)                                                     \
	ParameterizedTestParameters(compress, test)                                  \
	{                                                                            \
		return cr_make_param_array(struct codec_case, list, COUNT(list));    \
	}

/* ---- round trips --------------------------------------------------------- */

/* Bit-exact round trips of every kind of data at sizes around the framing's
 * edges (0, below and at the header, odd lengths, a page, a whole chunk). */
CODEC_PARAMS(roundtrip, every_codec)
ParameterizedTest(struct codec_case *c, compress, roundtrip)
{
	static const size_t sizes[] = { 0, 1, 4, 5, 6, 7, 100, 4095, 4096, 4097, 65536, 65537,
					CHUNK - 1, CHUNK };
	struct filt t;
	size_t s;
	int k;

	filt_open(&t, c->spec);
	for (k = 0; k < K_COUNT; k++) {
		for (s = 0; s < COUNT(sizes); s++) {
			size_t len = sizes[s], enc_len, dec_len;
			uint8_t *in = make_data((enum kind)k, len, 42 + s);
			uint8_t *enc = filt_encode(&t, in, len, &enc_len);
			uint8_t *dec;
			int err;

			cr_assert_geq(enc_len, 1);
			cr_assert_leq(enc_len, len + 1, "%s %s %zu: grew to %zu", c->spec,
				      kind_names[k], len, enc_len);
			cr_assert(enc[0] == 0 || enc[0] == 1, "%s: flag %u", c->spec, enc[0]);
			if (enc[0] == 1)
				cr_assert_eq(hb_get32(enc + 1), len, "%s: length field", c->spec);
			/* out_cap exactly the original length, as for the last chunk */
			err = filt_decode(&t, enc, enc_len, len, &dec, &dec_len);
			cr_assert_eq(err, 0, "%s %s %zu: %s", c->spec, kind_names[k], len,
				     hb_detail(err));
			cr_assert_eq(dec_len, len, "%s %s %zu", c->spec, kind_names[k], len);
			cr_assert(memcmp(dec, in, len) == 0, "%s %s %zu: bytes differ", c->spec,
				  kind_names[k], len);
			free(dec);
			/* and with the stage's whole capacity, as for any other chunk */
			err = filt_decode(&t, enc, enc_len, CHUNK + 1, &dec, &dec_len);
			cr_assert_eq(err, 0, "%s: %s", c->spec, hb_detail(err));
			cr_assert_eq(dec_len, len);
			cr_assert(memcmp(dec, in, len) == 0);
			free(dec);
			free(enc);
			free(in);
		}
	}
	filt_close(&t);
}

/* Random data does not compress: stored raw, exactly one byte of overhead. */
CODEC_PARAMS(random_stored_raw, every_codec)
ParameterizedTest(struct codec_case *c, compress, random_stored_raw)
{
	static const size_t sizes[] = { 1, 5, 6, 4096, 65537, CHUNK };
	struct filt t;
	size_t s;

	filt_open(&t, c->spec);
	for (s = 0; s < COUNT(sizes); s++) {
		size_t enc_len;
		uint8_t *in = make_data(K_RANDOM, sizes[s], 7 + s);
		uint8_t *enc = filt_encode(&t, in, sizes[s], &enc_len);

		cr_assert_eq(enc_len, sizes[s] + 1, "%s: %zu random bytes became %zu", c->spec,
			     sizes[s], enc_len);
		cr_assert_eq(enc[0], 0, "%s: flag", c->spec);
		cr_assert(memcmp(enc + 1, in, sizes[s]) == 0, "%s: raw bytes differ", c->spec);
		free(enc);
		free(in);
	}
	filt_close(&t);
}

/* Zero and text chunks do compress, with the length recorded. */
CODEC_PARAMS(compressible_is_compressed, every_codec)
ParameterizedTest(struct codec_case *c, compress, compressible_is_compressed)
{
	struct filt t;
	int k;

	filt_open(&t, c->spec);
	for (k = K_ZERO; k <= K_TEXT; k += K_TEXT - K_ZERO) {
		size_t enc_len;
		uint8_t *in, *enc;

		/* at its top acceleration lz4 hardly searches: text need not shrink */
		if (k == K_TEXT && strcmp(c->spec, "lz4:acceleration=65537") == 0)
			continue;
		in = make_data((enum kind)k, CHUNK, 3);
		enc = filt_encode(&t, in, CHUNK, &enc_len);

		cr_assert_eq(enc[0], 1, "%s %s: stored raw", c->spec, kind_names[k]);
		cr_assert_eq(hb_get32(enc + 1), CHUNK);
		/* zero: any compressor gets below 1/20; text from 26 words: below 3/4 */
		if (k == K_ZERO)
			cr_assert_lt(enc_len, CHUNK / 20, "%s zero: %zu bytes", c->spec, enc_len);
		else
			cr_assert_lt(enc_len, CHUNK * 3 / 4, "%s text: %zu bytes", c->spec, enc_len);
		free(enc);
		free(in);
	}
	filt_close(&t);
}

/* Records are independent: a worker that never saw the others decodes any
 * one of them, in any order, and one worker encodes chunk after chunk. */
CODEC_PARAMS(records_independent, each_codec)
ParameterizedTest(struct codec_case *c, compress, records_independent)
{
	struct filt w1, w2;
	uint8_t *in[3], *enc[3], *dec;
	size_t enc_len[3], dec_len;
	int i, err;

	filt_open(&w1, c->spec);
	filt_open(&w2, c->spec);
	for (i = 0; i < 3; i++) {
		in[i] = make_data(i == 1 ? K_MIXED : K_TEXT, CHUNK, 100 + (uint64_t)i);
		enc[i] = filt_encode(&w1, in[i], CHUNK, &enc_len[i]);
	}
	for (i = 2; i >= 0; i--) {
		err = filt_decode(&w2, enc[i], enc_len[i], CHUNK, &dec, &dec_len);
		cr_assert_eq(err, 0, "%s record %d: %s", c->spec, i, hb_detail(err));
		cr_assert_eq(dec_len, CHUNK);
		cr_assert(memcmp(dec, in[i], CHUNK) == 0, "%s record %d differs", c->spec, i);
		free(dec);
		free(enc[i]);
		free(in[i]);
	}
	filt_close(&w2);
	filt_close(&w1);
}

/* ---- corruption ---------------------------------------------------------- */

/* A compressed record of text for the corruption tests. */
static uint8_t *packed_text(struct filt *t, uint8_t **in, size_t len, size_t *enc_len)
{
	uint8_t *enc;

	*in = make_data(K_TEXT, len, 99);
	enc = filt_encode(t, *in, len, enc_len);
	cr_assert_eq(enc[0], 1, "%s: text stored raw", t->spec);
	return enc;
}

CODEC_PARAMS(bad_flag, each_codec)
ParameterizedTest(struct codec_case *c, compress, bad_flag)
{
	static const uint8_t flags[] = { 2, 3, 0x7f, 0x80, 0xfe, 0xff };
	struct filt t;
	uint8_t *in, *enc;
	size_t enc_len, i;

	filt_open(&t, c->spec);
	enc = packed_text(&t, &in, 8192, &enc_len);
	for (i = 0; i < COUNT(flags); i++) {
		char what[32];
		enc[0] = flags[i];
		snprintf(what, sizeof(what), "flag 0x%02x", flags[i]);
		expect_corrupt(&t, enc, enc_len, 8192, what);
		cr_assert(strstr(hb_detail(HB_ECORRUPT), "flag"), "%s", hb_detail(HB_ECORRUPT));
	}
	free(enc);
	free(in);
	/* a raw record of random bytes relabelled as compressed */
	in = make_data(K_RANDOM, 4096, 5);
	enc = filt_encode(&t, in, 4096, &enc_len);
	cr_assert_eq(enc[0], 0);
	enc[0] = 1;
	expect_corrupt(&t, enc, enc_len, 4096, "raw record flagged compressed");
	free(enc);
	free(in);
	filt_close(&t);
}

CODEC_PARAMS(bad_length, each_codec)
ParameterizedTest(struct codec_case *c, compress, bad_length)
{
	const size_t len = 8192;
	const uint32_t lens[] = { 0, 1, len - 1, len + 1, len * 2, 0x7fffffff, 0xffffffff };
	struct filt t;
	uint8_t *in, *enc;
	size_t enc_len, i;

	filt_open(&t, c->spec);
	enc = packed_text(&t, &in, len, &enc_len);
	for (i = 0; i < COUNT(lens); i++) {
		char what[64];
		hb_put32(enc + 1, lens[i]);
		snprintf(what, sizeof(what), "length %u", lens[i]);
		/* out_cap the real length, then room to spare: the library decodes */
		expect_corrupt(&t, enc, enc_len, len, what);
		expect_corrupt(&t, enc, enc_len, 4 * len, what);
	}
	hb_put32(enc + 1, (uint32_t)len);
	cr_assert_eq(filt_decode(&t, enc, enc_len, len, NULL, NULL), 0, "%s: restored", c->spec);
	/* the right length, but larger than the stage can hold */
	expect_corrupt(&t, enc, enc_len, len - 1, "out_cap below length");
	free(enc);
	free(in);
	filt_close(&t);
}

/* Every truncation, from empty to one byte short, and trailing garbage. */
CODEC_PARAMS(truncated_or_extended, each_codec)
ParameterizedTest(struct codec_case *c, compress, truncated_or_extended)
{
	const size_t len = 16384;
	struct filt t;
	uint8_t *in, *enc, *longer;
	size_t enc_len, n;

	filt_open(&t, c->spec);
	enc = packed_text(&t, &in, len, &enc_len);
	for (n = 0; n < enc_len; n++) {
		char what[64];
		snprintf(what, sizeof(what), "cut to %zu of %zu bytes", n, enc_len);
		expect_corrupt(&t, enc, n, len, what);
	}
	longer = malloc(enc_len + 16);
	cr_assert_not_null(longer);
	memcpy(longer, enc, enc_len);
	memset(longer + enc_len, 0, 16);
	expect_corrupt(&t, longer, enc_len + 1, len, "one byte of trailing zero");
	expect_corrupt(&t, longer, enc_len + 16, len, "16 bytes of trailing zero");
	memcpy(longer + enc_len, enc + 1, 16);
	expect_corrupt(&t, longer, enc_len + 16, 2 * len, "16 bytes of trailing data");
	free(longer);
	/* a raw record one byte longer than the stage can hold */
	longer = calloc(1, len + 2);
	cr_assert_not_null(longer);
	expect_corrupt(&t, longer, len + 2, len, "stored record too long");
	cr_assert_eq(filt_decode(&t, longer, len + 1, len, NULL, NULL), 0, "%s: raw", c->spec);
	free(longer);
	free(enc);
	free(in);
	filt_close(&t);
}

/* Flip every bit of every byte of a compressed record: never a crash or a
 * write past out_cap (ASan), only success with the recorded length or
 * HB_ECORRUPT.  A flip in the length field is always caught; one in the
 * stream is caught when it breaks the stream (a flipped literal cannot be:
 * that is the record checksum's job). */
CODEC_PARAMS(flipped_bits, each_codec)
ParameterizedTest(struct codec_case *c, compress, flipped_bits)
{
	const size_t len = 4096;
	struct filt t;
	uint8_t *in, *enc, *dec;
	size_t enc_len, pos, dec_len, flips = 0, caught = 0;
	int bit, err;

	filt_open(&t, c->spec);
	enc = packed_text(&t, &in, len, &enc_len);
	for (pos = 1; pos < enc_len; pos++) {
		for (bit = 0; bit < 8; bit++) {
			enc[pos] ^= (uint8_t)(1u << bit);
			err = filt_decode(&t, enc, enc_len, len, &dec, &dec_len);
			enc[pos] ^= (uint8_t)(1u << bit);
			free(dec);
			flips++;
			if (err == HB_ECORRUPT) {
				caught++;
				continue;
			}
			cr_assert_eq(err, 0, "%s: byte %zu bit %d: got %d", c->spec, pos, bit, err);
			cr_assert(pos >= 5, "%s: length field flip at %zu not caught", c->spec, pos);
			cr_assert_eq(dec_len, len, "%s: byte %zu bit %d", c->spec, pos, bit);
		}
	}
	cr_log_info("%s: %zu of %zu single-bit flips caught", c->spec, caught, flips);
	/* a structural flip is caught by every library: at least a fifth */
	cr_assert_geq(caught * 5, flips, "%s: only %zu of %zu flips caught", c->spec, caught,
		      flips);
	free(enc);
	free(in);
	filt_close(&t);
}

/* Short and empty records. */
CODEC_PARAMS(short_records, each_codec)
ParameterizedTest(struct codec_case *c, compress, short_records)
{
	static const uint8_t packed_hdr[] = { 1, 0x00, 0x10, 0x00, 0x00 };
	struct filt t;
	size_t n;

	filt_open(&t, c->spec);
	expect_corrupt(&t, packed_hdr, 0, 4096, "empty record");
	for (n = 1; n <= 4; n++)
		expect_corrupt(&t, packed_hdr, n, 4096, "header cut short");
	expect_corrupt(&t, packed_hdr, 5, 4096, "no stream at all");
	filt_close(&t);
}

/* ---- bounds and options -------------------------------------------------- */

/* bound() is the flag and the length, plus the library's own worst case. */
Test(compress, bound_is_library_worst_case)
{
	static const size_t sizes[] = { 0, 1, 100, 4096, 65535, 65536, CHUNK, 16u << 20 };
	const char *const names[] = { "lz4", "lz4hc", "zstd", "lzo", "deflate" };
	size_t s, i;

	for (i = 0; i < COUNT(names); i++) {
		struct filt t;

		filt_open(&t, names[i]);
		for (s = 0; s < COUNT(sizes); s++) {
			size_t n = sizes[s], lib = 0;

			if (i <= 1)
				lib = (size_t)LZ4_compressBound((int)n);
			else if (i == 2)
				lib = ZSTD_compressBound(n);
			else if (i == 3)
				lib = n + n / 16 + 64 + 3;
			else
				lib = n + 5 * (n ? (n + 65534) / 65535 : 1);
			if (lib < 8)
				lib = 8;
			cr_assert_eq(filt_bound(&t, n), 5 + lib, "%s bound(%zu) = %zu, want %zu",
				     names[i], n, filt_bound(&t, n), 5 + lib);
		}
		filt_close(&t);
	}
}

/* A caller that hands encode less than bound() is told it broke the contract. */
CODEC_PARAMS(encode_below_bound, each_codec)
ParameterizedTest(struct codec_case *c, compress, encode_below_bound)
{
	struct hb_chunk_ref ref = { .seq = SEQ };
	struct filt t;
	uint8_t *in = make_data(K_TEXT, 4096, 1);
	uint8_t *out;
	struct hb_xfer x = { .chunk = &ref, .in = in, .in_len = 4096 };
	int err;

	filt_open(&t, c->spec);
	x.out_cap = filt_bound(&t, 4096) - 1;
	out = malloc(x.out_cap);
	x.out = out;
	err = t.f->encode(t.inst.priv, &x);
	cr_assert_eq(err, HB_EINTERNAL, "%s: got %d", c->spec, err);
	free(out);
	free(in);
	filt_close(&t);
}

Test(compress, options_refused)
{
	static const char *const bad[] = {
		"zstd:level=25", "zstd:level=0", "zstd:level=-1", "zstd:level=3x", "zstd:20",
		"deflate:level=4", "deflate:level=-1", "lz4:acceleration=0",
		"lz4:acceleration=65538", "lz4hc:level=0", "lz4hc:level=13", "lzo:level=1",
		"lzo:3", "zstd:window=20",
	};
	struct hb_instance in;
	size_t i;

	for (i = 0; i < COUNT(bad); i++) {
		int err = hb_instance_from_text(&in, HB_KIND_FILTER, bad[i], "test");

		cr_assert_eq(err, HB_EUSAGE, "%s: got %d", bad[i], err);
		cr_assert_null(in.plugin, "%s: instance left behind", bad[i]);
	}
	cr_assert_eq(hb_instance_from_text(&in, HB_KIND_FILTER, "zstd:level=25", "test"), HB_EUSAGE);
	cr_assert(strstr(hb_detail(HB_EUSAGE), "level=25"), "%s", hb_detail(HB_EUSAGE));
	cr_assert(strstr(hb_detail(HB_EUSAGE), "1..19"), "%s", hb_detail(HB_EUSAGE));
}

Test(compress, option_defaults_and_positional)
{
	static const struct {
		const char *spec, *canonical;
	} cases[] = {
		{ "lz4", "acceleration=1" },   { "lz4:17", "acceleration=17" },
		{ "lz4hc", "level=9" },        { "lz4hc:12", "level=12" },
		{ "zstd", "level=3" },         { "zstd:19", "level=19" },
		{ "zstd:level=1", "level=1" }, { "lzo", "" },
		{ "deflate", "level=1" },      { "deflate:0", "level=0" },
		{ "deflate:level=3", "level=3" },
	};
	size_t i;

	for (i = 0; i < COUNT(cases); i++) {
		struct hb_instance in;
		char text[128];
		int err = hb_instance_from_text(&in, HB_KIND_FILTER, cases[i].spec, "test");

		cr_assert_eq(err, 0, "%s: %s", cases[i].spec, hb_detail(err));
		err = hb_options_format(in.plugin->options, in.conf, text, sizeof(text));
		cr_assert_eq(err, 0);
		cr_assert_str_eq(text, cases[i].canonical, "%s", cases[i].spec);
		hb_instance_free(&in);
	}
}

/* The options reach the library: more effort, a smaller record. */
Test(compress, levels_take_effect)
{
	static const struct {
		const char *fast, *strong;
	} pairs[] = {
		{ "lz4:acceleration=65537", "lz4:acceleration=1" },
		{ "lz4hc:level=1", "lz4hc:level=12" },
		{ "zstd:level=1", "zstd:level=19" },
		{ "deflate:level=0", "deflate:level=3" },
	};
	uint8_t *in = make_data(K_TEXT, CHUNK, 8);
	size_t i;

	for (i = 0; i < COUNT(pairs); i++) {
		struct filt a, b;
		size_t a_len, b_len;
		uint8_t *ea, *eb;

		filt_open(&a, pairs[i].fast);
		filt_open(&b, pairs[i].strong);
		ea = filt_encode(&a, in, CHUNK, &a_len);
		eb = filt_encode(&b, in, CHUNK, &b_len);
		cr_log_info("%s: %zu bytes, %s: %zu bytes", a.spec, a_len, b.spec, b_len);
		cr_assert_lt(b_len, a_len, "%s (%zu bytes) not smaller than %s (%zu)", b.spec,
			     b_len, a.spec, a_len);
		free(ea);
		free(eb);
		filt_close(&b);
		filt_close(&a);
	}
	free(in);
}
