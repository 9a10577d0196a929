/* The filler of learned classes: a page is a sequence of segments, each
 * either a match (a copy of an earlier stretch of the same page, at a random
 * distance and length) or a run of literals drawn from a skewed table.  Two
 * knobs, as in zstd's programs/datagen.c (the idea, not its code): the match
 * probability sets how much an LZ compressor (lz4, lzo) finds, and the
 * literal entropy what an entropy coder (zstd) saves on top.  Matches stay
 * inside the page, so a page compresses the same wherever it lands.
 *
 * A third knob, dense, tells lzo from lz4.  Real memory is partly words
 * and records: the same short strings (a pointer's high bytes, a zero word,
 * an opcode, a field) over and over, a few bytes apart, among short literal
 * runs, in stretches.  lzo1x-1 codes such a match (3..8 bytes, within 2 KiB)
 * in 2 bytes with up to 3 following literals in the same bytes, where lz4
 * spends 3 (token and 16-bit offset), so lzo packs them up to ~25% better;
 * spread-out matches among long literal runs it packs worse than lz4 (it
 * skips ahead faster, so misses repeats of what it never looked at).  Dense
 * is the share of a page's blocks made of words from a small vocabulary
 * (they recur: a compressor that skips still meets them again), the other
 * blocks following match and entropy.  docs/SIMULATION.md has the figures. */
#include "learned.h"

#include <stdbool.h>
#include <string.h>

#define MATCH_MIN 4u     /* the shortest repeat lz4 and lzo take */
#define MATCH_SPAN 61.0  /* lengths 4..64 at low match rates, as real memory's short repeats */
#define LITERAL_SPAN 32u /* literal runs 1..32 */
/* Dense blocks: 9 segments in 10 a word, the others a short literal run.
 * 512 bytes: smaller blocks left lzo too little to find between the plain
 * ones it skips through; larger ones, too few blocks a page to mix. */
#define DENSE_BLOCK 512u
#define DENSE_WORD 58982u   /* 0.9 as a threshold of 16 bits */
#define DENSE_WORD_SPAN 5u  /* words of 4..8 bytes (lzo's 2-byte match: up to 8) */
#define DENSE_LITERALS 3u   /* literal runs of 1..3 (lzo codes them in the match's bytes) */
#define SEGMENT_LEAD 16u /* no match before this many bytes: nothing to copy yet */

/* log2 of x > 0 without libm (hiblab links none): the exponent from the
 * double's bits, the mantissa's logarithm from the atanh series. */
static double log2_of(double x)
{
	uint64_t bits;
	double m, y, y2, term, sum = 0.0;
	int e;
	unsigned k;

	memcpy(&bits, &x, sizeof(bits));
	e = (int)((bits >> 52) & 0x7ff) - 1023;
	bits = (bits & 0x000fffffffffffffull) | 0x3ff0000000000000ull;
	memcpy(&m, &bits, sizeof(m));  /* x = m * 2^e, m in [1, 2) */
	y = (m - 1.0) / (m + 1.0);
	y2 = y * y;
	for (k = 1, term = y; k < 40; k += 2, term *= y2)
		sum += term / k;
	return e + 2.0 * sum / 0.69314718055994530942;
}

/* Shannon entropy, in bits, of p_i ~ q^i over 256 symbols. */
static double geometric_bits(double q)
{
	double w = 1.0, sum = 0.0, h = 0.0;
	unsigned i;

	for (i = 0; i < 256; i++, w *= q)
		sum += w;
	w = 1.0;
	for (i = 0; i < 256; i++, w *= q) {
		double p = w / sum;
		if (p > 1e-300)  /* below, log2_of sees a denormal; the term is nil */
			h -= p * log2_of(p);
	}
	return h;
}

void hb_datagen_init(struct hb_datagen *g, double match, double entropy, double dense)
{
	double lo = 0.0, hi = 1.0, q, w, sum = 0.0, cum = 0.0;
	unsigned i, it, at = 0, end;

	g->match = match;
	g->entropy = entropy;
	g->match_below = (uint32_t)(match * 65536.0 + 0.5);
	g->dense = dense;
	g->dense_below = (uint32_t)(dense * 65536.0 + 0.5);
	/* matches grow longer as they grow commoner: at match 1 a page is a few
	 * long repeats, compressing 100x and more, like a sparse page; without
	 * this, lz4 would top out near 4x */
	g->match_span = (uint32_t)(MATCH_SPAN / (1.0 - 0.98 * match));
	/* the decay q whose distribution carries 8 * entropy bits a byte */
	for (it = 0; it < 60; it++) {
		q = (lo + hi) / 2;
		if (geometric_bits(q) < 8.0 * entropy)
			lo = q;
		else
			hi = q;
	}
	q = entropy >= 1.0 ? 1.0 : lo;
	for (i = 0, w = 1.0; i < 256; i++, w *= q)
		sum += w;
	/* rank i is byte 167 * i mod 256 (167 is odd: every byte once), so the
	 * commonest is 0, as in memory, and the next ones are scattered */
	for (i = 0, w = 1.0; i < 256 && at < HB_DATAGEN_LITERALS; i++, w *= q) {
		cum += w / sum;
		end = i == 255 ? HB_DATAGEN_LITERALS : (unsigned)(cum * HB_DATAGEN_LITERALS + 0.5);
		if (end > HB_DATAGEN_LITERALS)
			end = HB_DATAGEN_LITERALS;
		for (; at < end; at++)
			g->literal[at] = (uint8_t)(i * 167u);
	}
	for (; at < HB_DATAGEN_LITERALS; at++)
		g->literal[at] = 0;
	/* the vocabulary: spelt with the class's own literals, so zstd sees
	 * the entropy it was fitted to in dense blocks too */
	for (i = 0; i < HB_DATAGEN_WORDS * HB_DATAGEN_WORD_MAX; i++)
		g->word[i / HB_DATAGEN_WORD_MAX][i % HB_DATAGEN_WORD_MAX] =
			g->literal[hb_mix64(i ^ 0x776f726473ull) % HB_DATAGEN_LITERALS];
}

struct rng {
	uint64_t s;
};

static inline uint64_t next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ull;
	return hb_mix64(r->s);
}

void hb_datagen_fill(const struct hb_sim_class *c, uint64_t key, uint8_t *out, size_t page_size)
{
	const struct hb_datagen *g = (const struct hb_datagen *)c->params;
	struct rng r = { .s = hb_mix64(key ^ 0x6461746167656e31ull) };
	size_t pos = 0, block_end = 0;
	bool dense = false;

	while (pos < page_size) {
		uint64_t v = next(&r);
		size_t len, i;

		if (pos >= block_end) {
			/* each block of the page is dense or plain, as a whole */
			block_end = pos - pos % DENSE_BLOCK + DENSE_BLOCK;
			dense = g->dense_below && (uint32_t)(next(&r) & 0xffff) < g->dense_below;
		}
		if (dense && (uint32_t)(v & 0xffff) < DENSE_WORD) {
			len = MATCH_MIN + (size_t)((v >> 24) % DENSE_WORD_SPAN);
			if (len > page_size - pos)
				len = page_size - pos;
			memcpy(out + pos, g->word[(v >> 16) % HB_DATAGEN_WORDS], len);
			pos += len;
			continue;
		}
		if (!dense && pos >= SEGMENT_LEAD && (uint32_t)(v & 0xffff) < g->match_below) {
			size_t dist = 1 + (size_t)((v >> 32) % pos);

			len = MATCH_MIN + (size_t)((v >> 16) % g->match_span);
			if (len > page_size - pos)
				len = page_size - pos;
			/* byte by byte: a distance shorter than the length repeats */
			for (i = 0; i < len; i++, pos++)
				out[pos] = out[pos - dist];
			continue;
		}
		len = 1 + (size_t)((v >> 16) % (dense ? DENSE_LITERALS : LITERAL_SPAN));
		if (len > page_size - pos)
			len = page_size - pos;
		for (i = 0; i < len; i += 5) {
			uint64_t picks = next(&r);
			size_t k;

			for (k = 0; k < 5 && i + k < len; k++, picks >>= 12)
				out[pos + i + k] = g->literal[picks % HB_DATAGEN_LITERALS];
		}
		pos += len;
	}
}
