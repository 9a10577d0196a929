/* Generators for each class of page.  Each is deterministic in its key, and
 * built to compress roughly like the real thing (see docs/SIMULATION.md). */
#include "memory.h"

#include <string.h>

/* how many distinct pages the duplicate class copies */
#define DUP_TEMPLATES 509u

/* splitmix64 stream: small, fast, and good enough for content */
struct rng {
	uint64_t s;
};

static inline uint64_t next(struct rng *r)
{
	r->s += 0x9e3779b97f4a7c15ull;
	return hb_mix64(r->s);
}

static void fill_random(struct rng *r, uint8_t *out, size_t len)
{
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t v = next(r);
		memcpy(out + i, &v, 8);
	}
	for (; i < len; i++)
		out[i] = (uint8_t)next(r);
}

static const char *const words[] = {
	"the", "of", "and", "to", "a", "in", "is", "that", "for", "it", "as", "was", "with",
	"be", "by", "on", "not", "he", "this", "are", "or", "his", "from", "at", "which",
	"but", "have", "an", "had", "they", "you", "were", "their", "one", "all", "we",
	"can", "her", "has", "there", "been", "if", "more", "when", "will", "would", "who",
	"so", "no", "memory", "kernel", "page", "image", "swap", "device", "resume",
	"suspend", "system", "file", "process", "error", "value", "return", "struct",
	"buffer", "write", "read", "time", "first", "after", "before", "during", "only",
	"other", "some", "these", "into", "than", "them", "then", "could", "should",
	"between", "through", "because", "while", "where", "under", "about", "over",
	"compression", "encryption", "hibernation", "workload", "database", "network",
	"request", "response", "server", "client", "thread", "queue", "block", "sector",
	"checksum", "record", "header", "version", "config", "option", "default", "path",
	"INFO", "WARN", "DEBUG", "2026-11-25", "12:00:01", "user", "session", "login",
};

#define NWORDS (sizeof(words) / sizeof(words[0]))

static void fill_text(struct rng *r, uint8_t *out, size_t len)
{
	size_t pos = 0;
	uint64_t bits = 0;
	unsigned left = 0, line = 0;

	while (pos < len) {
		const char *w;
		size_t n;
		uint64_t pick;

		if (left < 16) {
			bits = next(r);
			left = 64;
		}
		/* skewed choice: common words far more often, as in real text */
		pick = (bits & 0xff) * (bits & 0xff) >> 8;
		w = words[pick * NWORDS >> 8];
		bits >>= 8;
		left -= 8;
		n = strlen(w);
		if (n > len - pos)
			n = len - pos;
		memcpy(out + pos, w, n);
		pos += n;
		line += (unsigned)n + 1;
		if (pos < len) {
			out[pos++] = line > 72 ? '\n' : ((bits & 0x1f) == 0 ? '.' : ' ');
			if (line > 72)
				line = 0;
		}
	}
}

/* Common x86-64 instruction encodings; 0xAA marks a random byte (an
 * immediate or displacement), so code compresses like code does. */
static const uint8_t insns[][8] = {
	{ 3, 0x48, 0x89, 0xe5 },             /* mov %rsp,%rbp */
	{ 1, 0x55 },                         /* push %rbp */
	{ 1, 0xc3 },                         /* ret */
	{ 4, 0x48, 0x8b, 0x45, 0xAA },       /* mov disp8(%rbp),%rax */
	{ 4, 0x48, 0x89, 0x45, 0xAA },       /* mov %rax,disp8(%rbp) */
	{ 5, 0xe8, 0xAA, 0xAA, 0xff, 0xff }, /* call rel32 (backward) */
	{ 2, 0x31, 0xc0 },                   /* xor %eax,%eax */
	{ 3, 0x48, 0x85, 0xc0 },             /* test %rax,%rax */
	{ 2, 0x74, 0xAA },                   /* je rel8 */
	{ 2, 0x75, 0xAA },                   /* jne rel8 */
	{ 5, 0xb8, 0xAA, 0x00, 0x00, 0x00 }, /* mov $imm32,%eax */
	{ 2, 0x41, 0x57 },                   /* push %r15 */
	{ 4, 0x48, 0x83, 0xec, 0xAA },       /* sub $imm8,%rsp */
	{ 7, 0x48, 0x8d, 0x3d, 0xAA, 0xAA, 0x00, 0x00 }, /* lea rel32(%rip),%rdi */
	{ 3, 0x0f, 0x1f, 0x00 },             /* nop */
	{ 1, 0x5d },                         /* pop %rbp */
};

#define NINSNS (sizeof(insns) / sizeof(insns[0]))

static void fill_code(struct rng *r, uint8_t *out, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		uint64_t v = next(r);
		const uint8_t *ins = insns[v % NINSNS];
		unsigned i;

		v >>= 8;
		for (i = 1; i <= ins[0] && pos < len; i++) {
			out[pos++] = ins[i] == 0xAA ? (uint8_t)v : ins[i];
			v >>= 8;
		}
	}
}

static void fill_heap(struct rng *r, uint8_t *out, size_t len)
{
	/* one arena per page: pointers cluster like a real allocator's */
	uint64_t arena = 0x00007f0000000000ull | ((next(r) & 0xffffff) << 16);
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t v = next(r), word;
		unsigned kind = (unsigned)(v & 15);

		v >>= 4;
		if (kind < 7)
			word = arena + ((v & 0xffff) << 4);       /* pointer, 16-aligned */
		else if (kind < 11)
			word = v & 0xff;                          /* small integer */
		else if (kind < 14)
			word = 0;                                 /* NULL / padding */
		else
			word = v;                                 /* hash, key, float */
		memcpy(out + i, &word, 8);
	}
	memset(out + i, 0, len - i);
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

/* A slotted table page as PostgreSQL and InnoDB lay them out: a header, an
 * array of line pointers growing up, rows growing down from the end, and
 * the free space between them zero.  Rows: a 24-byte tuple header with
 * nearby transaction ids, a rising key, a timestamp, a short text column. */
static void fill_table(struct rng *r, uint8_t *out, size_t len)
{
	size_t fill = len / 2 + (size_t)(next(r) % (len / 2));  /* 50-100% full */
	size_t lower = 24, upper = len;
	uint64_t xid = next(r) & 0xffffff, key = next(r) & 0xffffffff;
	uint64_t stamp = 1764000000ull + (next(r) & 0xffffff), lsn = next(r);

	memset(out, 0, len);
	memcpy(out, &lsn, 8);
	for (;;) {
		uint64_t v = next(r);
		size_t text = 8 + (size_t)(v % 56), row = 24 + 16 + text;
		uint64_t rx = xid + (v >> 8) % 64;

		if (upper < row || upper - row < lower + 4 || len - upper + row > fill)
			break;
		upper -= row;
		memcpy(out + upper, &rx, 4);             /* xmin */
		put16(out + upper + 18, 3);              /* columns */
		out[upper + 22] = 24;                    /* data offset */
		key += 1 + (v >> 32) % 3;
		stamp += (v >> 40) % 5;
		memcpy(out + upper + 24, &key, 8);
		memcpy(out + upper + 32, &stamp, 8);
		fill_text(r, out + upper + 40, text);
		put16(out + lower, (unsigned)upper);     /* line pointer: offset, length */
		put16(out + lower + 2, (unsigned)row);
		lower += 4;
	}
	put16(out + 12, (unsigned)lower);
	put16(out + 14, (unsigned)(upper == len ? 0 : upper));
}

void hb_page_fill(enum hb_page_class cls, uint64_t key, uint8_t *out, size_t page_size)
{
	struct rng r = { .s = hb_mix64(key ^ ((uint64_t)cls << 56)) };

	switch (cls) {
	case HB_PAGE_ZERO:
		memset(out, 0, page_size);
		return;
	case HB_PAGE_TEXT:
		fill_text(&r, out, page_size);
		return;
	case HB_PAGE_CODE:
		fill_code(&r, out, page_size);
		return;
	case HB_PAGE_HEAP:
		fill_heap(&r, out, page_size);
		return;
	case HB_PAGE_RANDOM:
		fill_random(&r, out, page_size);
		return;
	case HB_PAGE_DUP:
		/* a few hundred templates, each text or heap: dedup's prey */
		hb_page_fill((key & 1) ? HB_PAGE_TEXT : HB_PAGE_HEAP, key % DUP_TEMPLATES, out, page_size);
		return;
	case HB_PAGE_TABLE:
		fill_table(&r, out, page_size);
		return;
	case HB_PAGE_CLASSES:
		break;
	}
	memset(out, 0, page_size);
}

static void builtin_fill(const struct hb_sim_class *c, uint64_t key, uint8_t *out,
			 size_t page_size)
{
	hb_page_fill((enum hb_page_class)(c - hb_sim_builtin), key, out, page_size);
}

/* Every class but zero and duplicate is stamped: a pool page alone would
 * repeat, and dedup would find what the class does not promise.  Random is
 * a pool too: no two pages of one pool sit within a pool's span of each
 * other (sim/page_pools.c), so no compressor window sees a repeat. */
const struct hb_sim_class hb_sim_builtin[HB_PAGE_CLASSES] = {
	[HB_PAGE_ZERO] = { .name = "zero", .mode = HB_MODE_ZERO, .fill = builtin_fill },
	[HB_PAGE_TEXT] = { .name = "text", .mode = HB_MODE_STAMPED, .fill = builtin_fill },
	[HB_PAGE_CODE] = { .name = "code", .mode = HB_MODE_STAMPED, .fill = builtin_fill },
	[HB_PAGE_HEAP] = { .name = "heap", .mode = HB_MODE_STAMPED, .fill = builtin_fill },
	[HB_PAGE_RANDOM] = { .name = "random", .mode = HB_MODE_STAMPED, .fill = builtin_fill },
	[HB_PAGE_DUP] = { .name = "duplicate", .mode = HB_MODE_EXACT, .fill = builtin_fill,
			  .templates = DUP_TEMPLATES },
	[HB_PAGE_TABLE] = { .name = "table", .mode = HB_MODE_STAMPED, .fill = builtin_fill },
};
