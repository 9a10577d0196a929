/* The compression filters (lz4, lz4hc, zstd, lzo, deflate) through the
 * plugin API alone: look up, configure, prepare, create, encode, decode,
 * destroy, release, as the engine does.
 *
 * Every buffer is allocated at exactly the size the filter may use, so an
 * overrun by one byte is an ASan error under `make SAN=1`. */
#include "filterfx.h"

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

#define CHUNK (FX_CHUNK_PAGES * FX_PAGE_SIZE)
#define SEQ 17  /* the record number the detail lines must name */

/* ---- a filter instance driven by hand ----------------------------------- */

static void codec_open(struct filterfx *t, const char *spec)
{
	fx_open(t, spec, true);
	cr_assert_not_null(t->f->bound, "%s: a compressor needs bound()", spec);
}

/* Encode into a buffer of exactly bound() bytes; returns it (malloc'd). */
static uint8_t *codec_encode(struct filterfx *t, const uint8_t *in, size_t len, size_t *out_len)
{
	size_t cap = fx_bound(t, len);
	uint8_t *out = malloc(cap);
	int err;

	cr_assert_not_null(out);
	err = fx_encode(t, SEQ, in, len, out, cap, out_len);
	cr_assert_eq(err, 0, "%s encode %zu bytes: %s", t->spec, len, hb_detail(err));
	cr_assert_leq(*out_len, cap, "%s: wrote past its bound", t->spec);
	return out;
}

/* Decode in[0..len) into a fresh buffer of exactly out_cap bytes.  The input
 * is copied to a buffer of exactly len bytes so an over-read is caught. */
static int codec_decode(struct filterfx *t, const uint8_t *in, size_t len, size_t out_cap,
			uint8_t **out, size_t *out_len)
{
	uint8_t *src = malloc(len ? len : 1);
	uint8_t *dst = malloc(out_cap ? out_cap : 1);
	size_t dst_len;
	int err;

	cr_assert(src && dst);
	if (len)
		memcpy(src, in, len);
	hb_clear_detail();
	err = fx_decode(t, SEQ, src, len, dst, out_cap, &dst_len);
	free(src);
	if (!err)
		cr_assert_leq(dst_len, out_cap, "%s: decoded past out_cap", t->spec);
	if (out) {
		*out = dst;
		*out_len = dst_len;
	} else {
		free(dst);
	}
	return err;
}

/* Decoding must be refused as corrupt, with a detail naming record and filter. */
static void expect_corrupt(struct filterfx *t, const uint8_t *in, size_t len, size_t out_cap,
			   const char *what)
{
	char prefix[64];
	int err = codec_decode(t, in, len, out_cap, NULL, NULL);

	cr_assert_eq(err, HB_ECORRUPT, "%s: %s: got %d (%s)", t->spec, what, err, hb_detail(err));
	snprintf(prefix, sizeof(prefix), "record %d: %.*s: ", SEQ, (int)strcspn(t->spec, ":"),
		 t->spec);
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
	struct filterfx t;
	size_t s;
	int k;

	codec_open(&t, c->spec);
	for (k = 0; k < K_COUNT; k++) {
		for (s = 0; s < COUNT(sizes); s++) {
			size_t len = sizes[s], enc_len, dec_len;
			uint8_t *in = make_data((enum kind)k, len, 42 + s);
			uint8_t *enc = codec_encode(&t, in, len, &enc_len);
			uint8_t *dec;
			int err;

			cr_assert_geq(enc_len, 1);
			cr_assert_leq(enc_len, len + 1, "%s %s %zu: grew to %zu", c->spec,
				      kind_names[k], len, enc_len);
			cr_assert(enc[0] == 0 || enc[0] == 1, "%s: flag %u", c->spec, enc[0]);
			if (enc[0] == 1)
				cr_assert_eq(hb_get32(enc + 1), len, "%s: length field", c->spec);
			/* out_cap exactly the original length, as for the last chunk */
			err = codec_decode(&t, enc, enc_len, len, &dec, &dec_len);
			cr_assert_eq(err, 0, "%s %s %zu: %s", c->spec, kind_names[k], len,
				     hb_detail(err));
			cr_assert_eq(dec_len, len, "%s %s %zu", c->spec, kind_names[k], len);
			cr_assert(memcmp(dec, in, len) == 0, "%s %s %zu: bytes differ", c->spec,
				  kind_names[k], len);
			free(dec);
			/* and with the stage's whole capacity, as for any other chunk */
			err = codec_decode(&t, enc, enc_len, CHUNK + 1, &dec, &dec_len);
			cr_assert_eq(err, 0, "%s: %s", c->spec, hb_detail(err));
			cr_assert_eq(dec_len, len);
			cr_assert(memcmp(dec, in, len) == 0);
			free(dec);
			free(enc);
			free(in);
		}
	}
	fx_close(&t);
}

/* Random data does not compress: stored raw, exactly one byte of overhead. */
CODEC_PARAMS(random_stored_raw, every_codec)
ParameterizedTest(struct codec_case *c, compress, random_stored_raw)
{
	static const size_t sizes[] = { 1, 5, 6, 4096, 65537, CHUNK };
	struct filterfx t;
	size_t s;

	codec_open(&t, c->spec);
	for (s = 0; s < COUNT(sizes); s++) {
		size_t enc_len;
		uint8_t *in = make_data(K_RANDOM, sizes[s], 7 + s);
		uint8_t *enc = codec_encode(&t, in, sizes[s], &enc_len);

		cr_assert_eq(enc_len, sizes[s] + 1, "%s: %zu random bytes became %zu", c->spec,
			     sizes[s], enc_len);
		cr_assert_eq(enc[0], 0, "%s: flag", c->spec);
		cr_assert(memcmp(enc + 1, in, sizes[s]) == 0, "%s: raw bytes differ", c->spec);
		free(enc);
		free(in);
	}
	fx_close(&t);
}

/* Zero and text chunks do compress, with the length recorded. */
CODEC_PARAMS(compressible_is_compressed, every_codec)
ParameterizedTest(struct codec_case *c, compress, compressible_is_compressed)
{
	struct filterfx t;
	int k;

	codec_open(&t, c->spec);
	for (k = K_ZERO; k <= K_TEXT; k += K_TEXT - K_ZERO) {
		size_t enc_len;
		uint8_t *in, *enc;

		/* at its top acceleration lz4 hardly searches: text need not shrink */
		if (k == K_TEXT && strcmp(c->spec, "lz4:acceleration=65537") == 0)
			continue;
		in = make_data((enum kind)k, CHUNK, 3);
		enc = codec_encode(&t, in, CHUNK, &enc_len);

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
	fx_close(&t);
}

/* Records are independent: a worker that never saw the others decodes any
 * one of them, in any order, and one worker encodes chunk after chunk. */
CODEC_PARAMS(records_independent, each_codec)
ParameterizedTest(struct codec_case *c, compress, records_independent)
{
	struct filterfx w1, w2;
	uint8_t *in[3], *enc[3], *dec;
	size_t enc_len[3], dec_len;
	int i, err;

	codec_open(&w1, c->spec);
	codec_open(&w2, c->spec);
	for (i = 0; i < 3; i++) {
		in[i] = make_data(i == 1 ? K_MIXED : K_TEXT, CHUNK, 100 + (uint64_t)i);
		enc[i] = codec_encode(&w1, in[i], CHUNK, &enc_len[i]);
	}
	for (i = 2; i >= 0; i--) {
		err = codec_decode(&w2, enc[i], enc_len[i], CHUNK, &dec, &dec_len);
		cr_assert_eq(err, 0, "%s record %d: %s", c->spec, i, hb_detail(err));
		cr_assert_eq(dec_len, CHUNK);
		cr_assert(memcmp(dec, in[i], CHUNK) == 0, "%s record %d differs", c->spec, i);
		free(dec);
		free(enc[i]);
		free(in[i]);
	}
	fx_close(&w2);
	fx_close(&w1);
}

/* ---- corruption ---------------------------------------------------------- */

/* A codec, and one record of len bytes of text it compressed, for the
 * corruption tests. */
struct packed {
	struct filterfx t;
	uint8_t *in, *enc;
	size_t enc_len;
};

static void packed_open(struct packed *p, const char *spec, size_t len)
{
	codec_open(&p->t, spec);
	p->in = make_data(K_TEXT, len, 99);
	p->enc = codec_encode(&p->t, p->in, len, &p->enc_len);
	cr_assert_eq(p->enc[0], 1, "%s: text stored raw", spec);
}

static void packed_close(struct packed *p)
{
	free(p->enc);
	free(p->in);
	fx_close(&p->t);
}

CODEC_PARAMS(bad_flag, each_codec)
ParameterizedTest(struct codec_case *c, compress, bad_flag)
{
	static const uint8_t flags[] = { 2, 3, 0x7f, 0x80, 0xfe, 0xff };
	struct packed p;
	uint8_t *in, *enc;
	size_t enc_len, i;

	packed_open(&p, c->spec, 8192);
	for (i = 0; i < COUNT(flags); i++) {
		char what[32];
		p.enc[0] = flags[i];
		snprintf(what, sizeof(what), "flag 0x%02x", flags[i]);
		expect_corrupt(&p.t, p.enc, p.enc_len, 8192, what);
		cr_assert(strstr(hb_detail(HB_ECORRUPT), "flag"), "%s", hb_detail(HB_ECORRUPT));
	}
	/* a raw record of random bytes relabelled as compressed */
	in = make_data(K_RANDOM, 4096, 5);
	enc = codec_encode(&p.t, in, 4096, &enc_len);
	cr_assert_eq(enc[0], 0);
	enc[0] = 1;
	expect_corrupt(&p.t, enc, enc_len, 4096, "raw record flagged compressed");
	free(enc);
	free(in);
	packed_close(&p);
}

CODEC_PARAMS(bad_length, each_codec)
ParameterizedTest(struct codec_case *c, compress, bad_length)
{
	const size_t len = 8192;
	const uint32_t lens[] = { 0, 1, len - 1, len + 1, len * 2, 0x7fffffff, 0xffffffff };
	struct packed p;
	size_t i;

	packed_open(&p, c->spec, len);
	for (i = 0; i < COUNT(lens); i++) {
		char what[64];
		hb_put32(p.enc + 1, lens[i]);
		snprintf(what, sizeof(what), "length %u", lens[i]);
		/* out_cap the real length, then room to spare: the library decodes */
		expect_corrupt(&p.t, p.enc, p.enc_len, len, what);
		expect_corrupt(&p.t, p.enc, p.enc_len, 4 * len, what);
	}
	hb_put32(p.enc + 1, (uint32_t)len);
	cr_assert_eq(codec_decode(&p.t, p.enc, p.enc_len, len, NULL, NULL), 0, "%s: restored",
		     c->spec);
	/* the right length, but larger than the stage can hold */
	expect_corrupt(&p.t, p.enc, p.enc_len, len - 1, "out_cap below length");
	packed_close(&p);
}

/* Every truncation, from empty to one byte short, and trailing garbage. */
CODEC_PARAMS(truncated_or_extended, each_codec)
ParameterizedTest(struct codec_case *c, compress, truncated_or_extended)
{
	const size_t len = 16384;
	struct packed p;
	uint8_t *longer;
	size_t n;

	packed_open(&p, c->spec, len);
	for (n = 0; n < p.enc_len; n++) {
		char what[64];
		snprintf(what, sizeof(what), "cut to %zu of %zu bytes", n, p.enc_len);
		expect_corrupt(&p.t, p.enc, n, len, what);
	}
	longer = malloc(p.enc_len + 16);
	cr_assert_not_null(longer);
	memcpy(longer, p.enc, p.enc_len);
	memset(longer + p.enc_len, 0, 16);
	expect_corrupt(&p.t, longer, p.enc_len + 1, len, "one byte of trailing zero");
	expect_corrupt(&p.t, longer, p.enc_len + 16, len, "16 bytes of trailing zero");
	memcpy(longer + p.enc_len, p.enc + 1, 16);
	expect_corrupt(&p.t, longer, p.enc_len + 16, 2 * len, "16 bytes of trailing data");
	free(longer);
	/* a raw record one byte longer than the stage can hold */
	longer = calloc(1, len + 2);
	cr_assert_not_null(longer);
	expect_corrupt(&p.t, longer, len + 2, len, "stored record too long");
	cr_assert_eq(codec_decode(&p.t, longer, len + 1, len, NULL, NULL), 0, "%s: raw", c->spec);
	free(longer);
	packed_close(&p);
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
	struct packed p;
	uint8_t *dec;
	size_t pos, dec_len, flips = 0, caught = 0;
	int bit, err;

	packed_open(&p, c->spec, len);
	for (pos = 1; pos < p.enc_len; pos++) {
		for (bit = 0; bit < 8; bit++) {
			p.enc[pos] ^= (uint8_t)(1u << bit);
			err = codec_decode(&p.t, p.enc, p.enc_len, len, &dec, &dec_len);
			p.enc[pos] ^= (uint8_t)(1u << bit);
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
	packed_close(&p);
}

/* Short and empty records. */
CODEC_PARAMS(short_records, each_codec)
ParameterizedTest(struct codec_case *c, compress, short_records)
{
	static const uint8_t packed_hdr[] = { 1, 0x00, 0x10, 0x00, 0x00 };
	struct filterfx t;
	size_t n;

	codec_open(&t, c->spec);
	expect_corrupt(&t, packed_hdr, 0, 4096, "empty record");
	for (n = 1; n <= 4; n++)
		expect_corrupt(&t, packed_hdr, n, 4096, "header cut short");
	expect_corrupt(&t, packed_hdr, 5, 4096, "no stream at all");
	fx_close(&t);
}

/* ---- bounds and options -------------------------------------------------- */

/* bound() is the flag and the length, plus the library's own worst case. */
Test(compress, bound_is_library_worst_case)
{
	static const size_t sizes[] = { 0, 1, 100, 4096, 65535, 65536, CHUNK, 16u << 20 };
	const char *const names[] = { "lz4", "lz4hc", "zstd", "lzo", "deflate" };
	size_t s, i;

	for (i = 0; i < COUNT(names); i++) {
		struct filterfx t;

		codec_open(&t, names[i]);
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
			cr_assert_eq(fx_bound(&t, n), 5 + lib, "%s bound(%zu) = %zu, want %zu",
				     names[i], n, fx_bound(&t, n), 5 + lib);
		}
		fx_close(&t);
	}
}

/* A caller that hands encode less than bound() is told it broke the contract. */
CODEC_PARAMS(encode_below_bound, each_codec)
ParameterizedTest(struct codec_case *c, compress, encode_below_bound)
{
	struct filterfx t;
	uint8_t *in = make_data(K_TEXT, 4096, 1);
	uint8_t *out;
	size_t cap;
	int err;

	codec_open(&t, c->spec);
	cap = fx_bound(&t, 4096) - 1;
	out = malloc(cap);
	err = fx_encode(&t, SEQ, in, 4096, out, cap, NULL);
	cr_assert_eq(err, HB_EINTERNAL, "%s: got %d", c->spec, err);
	free(out);
	free(in);
	fx_close(&t);
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
		struct filterfx a, b;
		size_t a_len, b_len;
		uint8_t *ea, *eb;

		codec_open(&a, pairs[i].fast);
		codec_open(&b, pairs[i].strong);
		ea = codec_encode(&a, in, CHUNK, &a_len);
		eb = codec_encode(&b, in, CHUNK, &b_len);
		cr_log_info("%s: %zu bytes, %s: %zu bytes", a.spec, a_len, b.spec, b_len);
		cr_assert_lt(b_len, a_len, "%s (%zu bytes) not smaller than %s (%zu)", b.spec,
			     b_len, a.spec, a_len);
		free(ea);
		free(eb);
		fx_close(&b);
		fx_close(&a);
	}
	free(in);
}
