/* dedup: a page identical to an earlier page is stored as a 4-byte reference.
 *
 * How.  Encoder and decoder each keep a table of `entries` page-size slots,
 * direct-mapped by content: slot = XXH3-64(block) % entries.  For each full
 * block, in image order, the encoder looks at the block's slot: if it holds
 * the same bytes (hash and memcmp), the block becomes a reference to that
 * slot; otherwise the block is stored literally and replaces the slot's
 * content.  The decoder copies a referenced block from its own table, and
 * puts every literal block it restores into the slot its hash selects, just
 * as the encoder did.  So after every record both tables hold the same bytes,
 * and resume never reads back restored pages (they may already be on their
 * way into the kernel).  A reference may name a slot filled earlier in the
 * same record.
 *
 * Order.  Both tables follow image order, so records pass through this
 * filter one at a time, in image order (record 0, 1, 2, ...), on both sides:
 * the table is per-image state (the core's state block) that every worker
 * uses, with no lock of its own.  .ordered = true below has the pipeline run
 * this stage on one chunk at a time, in image order (core/turns.c), while the
 * other stages stay parallel.  The filter also refuses a record that arrives
 * out of turn (HB_EINTERNAL) rather than write an image it could not read
 * back: a check against reordering, not a lock.  After a failed record the
 * table may be half updated, so every later record is refused with the same
 * code.
 *
 * Memory: entries x (page size + 9) bytes per image, on suspend and again on
 * resume; the default 4096 entries cost 16 MiB at 4 KiB pages.  It does not
 * grow with the image.  entries is stored in the image header with the other
 * options, so the decoder builds the same table.  Pages that collide in a
 * slot evict each other: a smaller table finds fewer duplicates, never wrong
 * ones.
 *
 * Blocks.  The input is cut into page-size blocks.  When its length is not a
 * multiple of the page size, the remainder is a short *head* block, always
 * stored literally.  At the head rather than the tail: a filter before this
 * one (zero) emits a small header and then whole pages, and counting blocks
 * from the end keeps those pages on block boundaries, so their duplicates are
 * still found.
 *
 * Encoded (little-endian):
 *   u32   input length
 *   map   one bit per full block, LSB first; set = a reference.  The unused
 *         high bits of the last byte are zero.
 *   head  (input length % page size) bytes, verbatim
 *   then, for each full block in order: a u32 slot number (< entries) if its
 *   bit is set, else the page-size block verbatim.
 *
 * The slot of a literal block is derived, not stored, so the format depends
 * on XXH3-64 (stable since xxHash 0.8.0) and on entries. */
#include "core/bytes.h"
#include "core/error.h"
#include "core/plugin.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#define DEDUP_MIN_BLOCK 512     /* smallest page size; the bound relies on it */
#define DEDUP_MAX_ENTRIES 262144 /* 1 GiB of table at 4 KiB pages */

/* The table: allocated by prepare(), freed by release().  One allocation:
 * this header, hash[entries], then data (entries x block), then
 * used[entries]. */
struct dedup_table {
	size_t entries;
	size_t block;        /* the image's page size */
	uint64_t next_seq;   /* the record expected next: enforces image order */
	int failed;          /* an HB_E* code once a record failed: refuse the rest */
	uint8_t *data;       /* slot s holds block bytes at data + s * block */
	uint8_t *used;       /* 1: the slot holds a block */
	uint64_t hash[];     /* XXH3-64 of each slot's content */
};

struct dedup_conf {
	int64_t entries;
};

/* The core's per-image state block. */
struct dedup_state {
	struct dedup_table *table;  /* between prepare() and release() */
};

struct dedup_priv {
	struct dedup_table *t;
};

static size_t dedup_bound(const struct hb_filter *self, const void *conf, size_t in_len)
{
	(void)self;
	(void)conf;
	/* worst case: no reference (a reference is smaller than a block); one
	 * map bit per block of the smallest page size */
	return 4 + (in_len / DEDUP_MIN_BLOCK + 8) / 8 + in_len;
}

static void dedup_release(void *state)
{
	struct dedup_state *st = (struct dedup_state *)state;
	struct dedup_table *t = st->table;
	size_t s;

	if (!t)
		return;
	/* the slots hold plaintext pages: wipe the ones in use (not the whole
	 * table, which would fault in memory a small image never touched) */
	for (s = 0; s < t->entries; s++) {
		if (t->used[s])
			explicit_bzero(t->data + s * t->block, t->block);
	}
	free(t);
	st->table = NULL;
}

static int dedup_prepare(const struct hb_filter *self, const void *conf, void *state,
			 const struct hb_image_info *img, struct hb_params *params)
{
	const struct dedup_conf *c = (const struct dedup_conf *)conf;
	struct dedup_state *st = (struct dedup_state *)state;
	size_t entries = (size_t)c->entries, block = img->page_size, bytes;
	struct dedup_table *t;

	(void)self;
	(void)params;
	dedup_release(state);  /* a second prepare without release must not leak */
	if (block < DEDUP_MIN_BLOCK)
		return hb_fail(HB_EUSAGE, "dedup: page size %zu is below %d", block,
			       DEDUP_MIN_BLOCK);
	if (c->entries < 1 || c->entries > DEDUP_MAX_ENTRIES)
		return hb_fail(HB_EUSAGE, "dedup: entries=%lld out of range 1..%d",
			       (long long)c->entries, DEDUP_MAX_ENTRIES);
	/* entries and page size are bounded, but a 32-bit size_t can still wrap */
	if (block > (SIZE_MAX - sizeof(*t)) / entries - sizeof(uint64_t) - 1)
		return hb_fail(HB_ENOMEM, "dedup: a table of %zu pages of %zu bytes is too "
					  "large", entries, block);
	bytes = sizeof(*t) + entries * (sizeof(uint64_t) + block + 1);
	/* calloc: every slot starts empty, and a large calloc is fresh (lazily
	 * zeroed) memory, so untouched slots cost no RAM */
	t = (struct dedup_table *)calloc(1, bytes);
	if (!t)
		return hb_fail(HB_ENOMEM, "dedup: out of memory for its table (%zu bytes, "
					  "entries=%zu)", bytes, entries);
	t->entries = entries;
	t->block = block;
	t->data = (uint8_t *)(t->hash + entries);
	t->used = t->data + entries * block;
	st->table = t;
	return 0;
}

static int dedup_create(const struct hb_filter *self, void *priv, const void *conf,
			const void *state, const struct hb_image_info *img)
{
	const struct dedup_state *st = (const struct dedup_state *)state;

	(void)self;
	(void)conf;
	if (!st->table || st->table->block != img->page_size)
		return hb_fail(HB_EINTERNAL, "dedup: worker created without its image's table");
	((struct dedup_priv *)priv)->t = st->table;
	return 0;
}

static void remember(struct dedup_table *t, size_t s, uint64_t h, const uint8_t *blk)
{
	memcpy(t->data + s * t->block, blk, t->block);
	t->hash[s] = h;
	t->used[s] = 1;
}

static int encode_blocks(struct dedup_table *t, struct hb_xfer *x)
{
	size_t P = t->block;
	size_t head = x->in_len % P, nblocks = x->in_len / P;
	size_t map_len = (nblocks + 7) / 8;
	uint8_t *map = x->out + 4;
	uint8_t *dst = map + map_len;
	size_t i;

	if (x->in_len > UINT32_MAX || x->out_cap < 4 + map_len + x->in_len)
		return hb_fail(HB_EINTERNAL, "dedup: %zu bytes of input exceed its bound",
			       x->in_len);
	hb_put32(x->out, (uint32_t)x->in_len);
	memset(map, 0, map_len);
	memcpy(dst, x->in, head);
	dst += head;
	for (i = 0; i < nblocks; i++) {
		const uint8_t *blk = x->in + head + i * P;
		uint64_t h = XXH3_64bits(blk, P);
		size_t s = (size_t)(h % t->entries);

		if (t->used[s] && t->hash[s] == h && memcmp(t->data + s * P, blk, P) == 0) {
			map[i / 8] |= (uint8_t)(1u << (i % 8));
			hb_put32(dst, (uint32_t)s);
			dst += 4;
		} else {
			memcpy(dst, blk, P);
			dst += P;
			remember(t, s, h, blk);
		}
	}
	x->out_len = (size_t)(dst - x->out);
	return 0;
}

/* Never trusts its input: every length, slot number and bit is checked. */
static int decode_blocks(struct dedup_table *t, struct hb_xfer *x)
{
	unsigned long long seq = (unsigned long long)x->chunk->seq;
	const uint8_t *map, *src, *end = x->in + x->in_len;
	size_t P = t->block, out_len, head, nblocks, map_len, i;

	if (x->in_len < 4)
		return hb_fail(HB_ECORRUPT, "record %llu: dedup: too short", seq);
	out_len = hb_get32(x->in);
	if (out_len > x->out_cap)
		return hb_fail(HB_ECORRUPT, "record %llu: dedup: length %zu exceeds %zu", seq,
			       out_len, x->out_cap);
	head = out_len % P;
	nblocks = out_len / P;
	map_len = (nblocks + 7) / 8;
	map = x->in + 4;
	if ((size_t)(end - map) < map_len)
		return hb_fail(HB_ECORRUPT, "record %llu: dedup: bitmap cut short", seq);
	if (nblocks % 8 && map[map_len - 1] >> (nblocks % 8))
		return hb_fail(HB_ECORRUPT, "record %llu: dedup: stray bits after the bitmap",
			       seq);
	src = map + map_len;
	if ((size_t)(end - src) < head)
		return hb_fail(HB_ECORRUPT, "record %llu: dedup: data cut short", seq);
	memcpy(x->out, src, head);
	src += head;
	for (i = 0; i < nblocks; i++) {
		uint8_t *dst = x->out + head + i * P;

		if (map[i / 8] & (1u << (i % 8))) {
			uint32_t s;

			if ((size_t)(end - src) < 4)
				return hb_fail(HB_ECORRUPT, "record %llu: dedup: references cut "
							    "short", seq);
			s = hb_get32(src);
			src += 4;
			if (s >= t->entries)
				return hb_fail(HB_ECORRUPT, "record %llu: dedup: block %zu names slot "
							    "%u of %zu", seq, i, s, t->entries);
			if (!t->used[s])
				return hb_fail(HB_ECORRUPT, "record %llu: dedup: block %zu names "
							    "empty slot %u", seq, i, s);
			memcpy(dst, t->data + (size_t)s * P, P);
		} else {
			uint64_t h;

			if ((size_t)(end - src) < P)
				return hb_fail(HB_ECORRUPT, "record %llu: dedup: data cut short",
					       seq);
			memcpy(dst, src, P);
			src += P;
			h = XXH3_64bits(dst, P);
			remember(t, (size_t)(h % t->entries), h, dst);
		}
	}
	if (src != end)
		return hb_fail(HB_ECORRUPT, "record %llu: dedup: %zu stray bytes", seq,
			       (size_t)(end - src));
	x->out_len = out_len;
	return 0;
}

/* Every record, both directions, passes here (see "Order" above). */
static int step(void *priv, struct hb_xfer *x,
		int (*blocks)(struct dedup_table *t, struct hb_xfer *x))
{
	struct dedup_table *t = ((struct dedup_priv *)priv)->t;
	unsigned long long seq = (unsigned long long)x->chunk->seq;
	int err;

	if (t->failed)
		return hb_fail(t->failed, "record %llu: dedup: refused after an earlier record "
					  "failed", seq);
	if (seq != t->next_seq)
		return hb_fail(HB_EINTERNAL, "record %llu: dedup expected record %llu: it needs "
					     "records in image order, one at a time",
			       seq, (unsigned long long)t->next_seq);
	err = blocks(t, x);
	/* a failed record may have half updated the table: whatever follows would
	 * decode against the wrong pages, so it is refused with the same code */
	if (err)
		t->failed = err;
	t->next_seq++;
	return err;
}

static int dedup_encode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	(void)self;
	return step(priv, x, encode_blocks);
}

static int dedup_decode(const struct hb_filter *self, void *priv, struct hb_xfer *x)
{
	(void)self;
	return step(priv, x, decode_blocks);
}

static const struct hb_option dedup_options[] = {
	{ .name = "entries", .type = HB_OPT_INT, .def = "4096", .min = 1,
	  .max = DEDUP_MAX_ENTRIES, .flags = HB_OPT_POSITIONAL,
	  .help = "pages remembered; costs entries x page size of RAM on suspend and on "
		  "resume (4096 = 16 MiB at 4 KiB pages)",
	  .offset = offsetof(struct dedup_conf, entries) },
	{ .name = NULL },
};

const struct hb_filter hb_filter_dedup = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "dedup",
		.help = "a page seen before costs 4 bytes (put it early: after zero)",
		.options = dedup_options,
		.conf_size = sizeof(struct dedup_conf),
		.priv_size = sizeof(struct dedup_priv),
	},
	.state_size = sizeof(struct dedup_state),
	.ordered = true,  /* the table follows image order: see the top */
	.bound = dedup_bound,
	.prepare = dedup_prepare,
	.release = dedup_release,
	.create = dedup_create,
	.encode = dedup_encode,
	.decode = dedup_decode,
};
