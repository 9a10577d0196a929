/* The filler of learned classes: a page is a sequence of segments, each
 * either a match (a copy of an earlier stretch of the same page, at a random
 * distance and length) or a run of literals drawn from a skewed table.  Two
 * knobs, as in zstd's programs/datagen.c (the idea, not its code): the match
 * probability sets how much an LZ compressor (lz4, lzo) finds, and the
 * literal entropy what an entropy coder (zstd) saves on top.  Matches stay
 * inside the page, so a page compresses the same wherever it lands. */
#include "learned.h"

#include <string.h>

#define MATCH_MIN 4u     /* the shortest repeat lz4 and lzo take */
#define MATCH_SPAN 61.0  /* lengths 4..64 at low match rates, as real memory's short repeats */
#define LITERAL_SPAN 32u /* literal runs 1..32 */
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

void hb_datagen_init(struct hb_datagen *g, double match, double entropy)
{
	double lo = 0.0, hi = 1.0, q, w, sum = 0.0, cum = 0.0;
	unsigned i, it, at = 0, end;

	g->match = match;
	g->entropy = entropy;
	g->match_below = (uint32_t)(match * 65536.0 + 0.5);
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
	size_t pos = 0;

	while (pos < page_size) {
		uint64_t v = next(&r);
		size_t len, i;

		if (pos >= SEGMENT_LEAD && (uint32_t)(v & 0xffff) < g->match_below) {
			size_t dist = 1 + (size_t)((v >> 32) % pos);

			len = MATCH_MIN + (size_t)((v >> 16) % g->match_span);
			if (len > page_size - pos)
				len = page_size - pos;
			/* byte by byte: a distance shorter than the length repeats */
			for (i = 0; i < len; i++, pos++)
				out[pos] = out[pos - dist];
			continue;
		}
		len = 1 + (size_t)((v >> 16) % LITERAL_SPAN);
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
