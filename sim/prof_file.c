/* .prof files: a learned profile as text (the format is documented in
 * docs/SIMULATION.md).  One line, one keyword; every mistake is reported as
 * "FILE:LINE: what is wrong", the first one found, and nothing is used
 * from a file that has one. */
#include "learned.h"

#include "core/error.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WEIGHT_SCALE 1000000.0  /* shares become integer weights out of a million */
#define MAX_WORDS 16

struct line {
	const char *file;
	unsigned no;
	unsigned nwords;
	char *word[MAX_WORDS];
};

static int bad(const struct line *l, const char *what, const char *value)
{
	if (value)
		return hb_fail(HB_EUSAGE, "%s:%u: %s: %s", l->file, l->no, value, what);
	return hb_fail(HB_EUSAGE, "%s:%u: %s", l->file, l->no, what);
}

static int number(const struct line *l, const char *text, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(text, &end);
	if (end == text || *end || errno || !(v >= -1e300 && v <= 1e300))  /* NaN, inf */
		return bad(l, "not a number", text);
	if (v < min || v > max) {
		char what[96];

		snprintf(what, sizeof(what), "out of range %g..%g", min, max);
		return bad(l, what, text);
	}
	*out = v;
	return 0;
}

static int whole(const struct line *l, const char *text, uint64_t min, uint64_t max,
		 uint64_t *out)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (end == text || *end || errno || *text < '0' || *text > '9')
		return bad(l, "not a whole number", text);
	if (v < min || v > max) {
		char what[96];

		snprintf(what, sizeof(what), "out of range %" PRIu64 "..%" PRIu64, min, max);
		return bad(l, what, text);
	}
	*out = v;
	return 0;
}

/* "key value" pairs from word from on: each key must be one of keys (a
 * '|'-list), once; its value goes to out[index of key]. */
static int pairs(const struct line *l, unsigned from, const char *const *keys, unsigned nkeys,
		 const double *min, const double *max, double *out, bool *seen)
{
	unsigned w, k;
	int err;

	for (w = from; w < l->nwords; w += 2) {
		for (k = 0; k < nkeys && strcmp(l->word[w], keys[k]) != 0; k++)
			;
		if (k == nkeys)
			return bad(l, "unknown keyword", l->word[w]);
		if (seen[k])
			return bad(l, "given twice on the line", l->word[w]);
		if (w + 1 >= l->nwords)
			return bad(l, "needs a value", l->word[w]);
		err = number(l, l->word[w + 1], min[k], max[k], &out[k]);
		if (err)
			return err;
		seen[k] = true;
	}
	return 0;
}

enum { K_MATCH, K_ENTROPY, K_DENSE, K_LZ4, K_ZSTD1, K_LZO, K_TEMPLATES, K_PAGES, K_ZERO, K_DUP, K_NKEYS };

static const char *const key_names[K_NKEYS] = {
	"match", "entropy", "dense", "lz4", "zstd-1", "lzo", "templates", "pages", "zero", "duplicate"
};
static const double key_min[K_NKEYS] = { 0, 0, 0, 1e-3, 1e-3, 1e-3, 1, 1, 0, 0 };
static const double key_max[K_NKEYS] = { 1, 1, 1, 1e6, 1e6, 1e6, HB_PROF_TEMPLATES_MAX, 1e15, 1, 1 };

/* A class line's knobs (match and entropy required; dense, new in version
 * 2, 0 when absent) and measured ratios (optional). */
static int class_knobs(const struct line *l, unsigned from, struct hb_datagen *g,
		       struct hb_prof_measured *m, bool templates, uint32_t *ntemplates)
{
	double v[K_NKEYS] = { 0 };
	bool seen[K_NKEYS] = { false };
	unsigned nkeys = templates ? K_TEMPLATES + 1 : K_LZO + 1;
	int err = pairs(l, from, key_names, nkeys, key_min, key_max, v, seen);

	if (err)
		return err;
	if (!seen[K_MATCH] || !seen[K_ENTROPY])
		return bad(l, templates ? "expected: duplicate SHARE templates N match M entropy E [dense D]"
				       : "expected: class SHARE match M entropy E [dense D] [lz4 R zstd-1 R lzo R]",
			   NULL);
	if (templates && !seen[K_TEMPLATES])
		return bad(l, "duplicate: templates N is required", NULL);
	if (templates && v[K_TEMPLATES] - (double)(uint32_t)v[K_TEMPLATES] > 0.0)
		return bad(l, "templates: not a whole number", l->word[from + 1]);
	if (ntemplates)
		*ntemplates = (uint32_t)v[K_TEMPLATES];
	hb_datagen_init(g, v[K_MATCH], v[K_ENTROPY], v[K_DENSE]);
	m->set = seen[K_LZ4] && seen[K_ZSTD1] && seen[K_LZO];
	if (!m->set && (seen[K_LZ4] || seen[K_ZSTD1] || seen[K_LZO]))
		return bad(l, "give all three of lz4, zstd-1 and lzo, or none", NULL);
	m->lz4 = v[K_LZ4];
	m->zstd1 = v[K_ZSTD1];
	m->lzo = v[K_LZO];
	return 0;
}

/* measured pages N zero Z duplicate D lz4 R zstd-1 R lzo R (all of them) */
static int measured_line(const struct line *l, struct hb_prof *p)
{
	double v[K_NKEYS] = { 0 };
	bool seen[K_NKEYS] = { false };
	unsigned k;
	int err = pairs(l, 1, key_names, K_NKEYS, key_min, key_max, v, seen);

	if (err)
		return err;
	for (k = K_LZ4; k < K_NKEYS; k++) {
		if (k != K_TEMPLATES && !seen[k])
			return bad(l, "expected: measured pages N zero Z duplicate D lz4 R zstd-1 R lzo R",
				   NULL);
	}
	if (seen[K_MATCH] || seen[K_ENTROPY] || seen[K_TEMPLATES])
		return bad(l, "measured takes pages, zero, duplicate, lz4, zstd-1 and lzo", NULL);
	p->pages = (uint64_t)v[K_PAGES];
	p->zero_fraction = v[K_ZERO];
	p->duplicate_fraction = v[K_DUP];
	p->measured = (struct hb_prof_measured){ .set = true, .lz4 = v[K_LZ4], .zstd1 = v[K_ZSTD1],
						 .lzo = v[K_LZO] };
	return 0;
}

/* Split the line at s (NUL-terminated, comment removed) into words. */
static int split(struct line *l, char *s)
{
	l->nwords = 0;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s)
			return 0;
		if (l->nwords == MAX_WORDS)
			return bad(l, "too many words", NULL);
		l->word[l->nwords++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r')
			s++;
		if (*s)
			*s++ = '\0';
	}
}

struct seen_at {
	unsigned page_size, zero, duplicate, measured;
};

static int once(const struct line *l, unsigned *first)
{
	char what[64];

	if (*first) {
		snprintf(what, sizeof(what), "given twice (first on line %u)", *first);
		return bad(l, what, l->word[0]);
	}
	*first = l->no;
	return 0;
}

static int keyword(struct line *l, struct hb_prof *p, struct seen_at *at)
{
	struct hb_prof_measured unused;  /* the duplicates carry no ratios of their own */
	const char *k = l->word[0];
	uint64_t v = 0;
	int err;

	if (strcmp(k, "page-size") == 0) {
		if ((err = once(l, &at->page_size)) != 0)
			return err;
		if (l->nwords != 2)
			return bad(l, "expected: page-size BYTES", NULL);
		err = whole(l, l->word[1], 512, 65536, &v);
		if (!err && (v & (v - 1)))
			err = bad(l, "not a power of two", l->word[1]);
		p->page_size = (uint32_t)v;
		return err;
	}
	if (strcmp(k, "zero") == 0) {
		if ((err = once(l, &at->zero)) != 0)
			return err;
		if (l->nwords != 2)
			return bad(l, "expected: zero SHARE", NULL);
		return number(l, l->word[1], 0, 1, &p->zero);
	}
	if (strcmp(k, "duplicate") == 0) {
		if ((err = once(l, &at->duplicate)) != 0)
			return err;
		if (l->nwords < 2)
			return bad(l, "expected: duplicate SHARE templates N match M entropy E [dense D]", NULL);
		err = number(l, l->word[1], 0, 1, &p->duplicate);
		if (!err)
			err = class_knobs(l, 2, &p->gen[HB_PROFILE_CLASSES_MAX], &unused, true,
					  &p->templates);
		return err;
	}
	if (strcmp(k, "class") == 0) {
		if (p->nclasses == HB_PROFILE_CLASSES_MAX)
			return bad(l, "more than 16 classes", NULL);
		if (l->nwords < 2)
			return bad(l, "expected: class SHARE match M entropy E [dense D] [lz4 R zstd-1 R lzo R]",
				   NULL);
		err = number(l, l->word[1], 0, 1e9, &p->cls[p->nclasses].share);
		if (!err)
			err = class_knobs(l, 2, &p->gen[p->nclasses], &p->cls[p->nclasses].measured,
					  false, NULL);
		p->nclasses++;
		return err;
	}
	if (strcmp(k, "measured") == 0) {
		if ((err = once(l, &at->measured)) != 0)
			return err;
		return measured_line(l, p);
	}
	return bad(l, "unknown keyword", k);
}

/* The shares must leave room for each other, and the whole profile hold in
 * the generator's 16 shares. */
static int check_shares(const struct line *l, struct hb_prof *p)
{
	double classes = 0.0;
	unsigned i, shares;

	for (i = 0; i < p->nclasses; i++)
		classes += p->cls[i].share;
	if (p->zero + p->duplicate > 1.0 + 1e-9)
		return bad(l, "zero and duplicate shares add up to more than 1", NULL);
	if (p->duplicate > 0.0 && !p->templates)
		return bad(l, "a duplicate share needs its templates", NULL);
	if (classes <= 0.0 && p->zero + p->duplicate < 1.0 - 1e-9)
		return bad(l, "shares do not sum to a positive total: the classes leave the pages "
			      "that are neither zero nor duplicate to no class",
			   NULL);
	shares = p->nclasses + (p->zero > 0.0) + (p->duplicate > 0.0);
	if (shares > HB_PROFILE_CLASSES_MAX)
		return bad(l, "more than 16 classes (zero and duplicate count as one each)", NULL);
	return 0;
}

int hb_prof_parse(const char *name, const char *text, size_t len, struct hb_prof *p)
{
	char *copy = (char *)malloc(len + 1), *s, *nl, *hash;
	struct line l = { .file = name, .no = 0 };
	struct seen_at at = { 0 };
	int err = 0;

	memset(p, 0, sizeof(*p));
	if (!copy)
		return hb_fail(HB_ENOMEM, "%s: out of memory", name);
	memcpy(copy, text, len);
	copy[len] = '\0';
	if (memchr(text, '\0', len)) {
		err = hb_fail(HB_EUSAGE, "%s: a NUL byte: not a text profile", name);
		goto out;
	}
	for (s = copy; !err && s; s = nl) {
		nl = strchr(s, '\n');
		if (nl)
			*nl++ = '\0';
		else if (!*s && l.no)
			break;  /* the end of the last line */
		l.no++;
		if (l.no == 1) {
			unsigned version;
			char tail;

			if (sscanf(s, "hiblab-profile %u%c", &version, &tail) != 1 && strcmp(s, "") != 0)
				err = bad(&l, "not a hiblab profile: the first line must be "
					      "'hiblab-profile 2'", NULL);
			else if (strcmp(s, "") == 0)
				err = bad(&l, "empty first line: expected 'hiblab-profile 2'", NULL);
			else if (version < 1 || version > HB_PROF_VERSION)
				err = bad(&l, "profile format version not supported by this build "
					      "(it reads versions 1 and 2)", NULL);
			continue;
		}
		hash = strchr(s, '#');
		if (hash)
			*hash = '\0';
		err = split(&l, s);
		if (!err && l.nwords)
			err = keyword(&l, p, &at);
	}
	if (!err && !at.page_size)
		err = bad(&l, "no page-size line", NULL);
	if (!err)
		err = check_shares(&l, p);
	if (!err)
		hb_prof_finish(p);
out:
	free(copy);
	return err;
}

int hb_prof_load(const char *path, struct hb_prof *p)
{
	/* O_NONBLOCK: a FIFO would wait for a writer; fstat refuses it instead */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
	char *text = NULL;
	struct stat st;
	size_t got = 0;
	ssize_t n;
	int err = 0;

	if (fd < 0)
		return hb_fail(HB_EUSAGE, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0) {
		err = hb_fail(HB_EUSAGE, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = hb_fail(HB_EUSAGE, "%s: %s, not a profile file", path,
			      S_ISDIR(st.st_mode)    ? "a directory"
			      : S_ISFIFO(st.st_mode) ? "a FIFO"
						     : "a device or socket");
		goto out;
	}
	if (st.st_size > (off_t)HB_PROF_MAX_BYTES) {
		err = hb_fail(HB_EUSAGE, "%s: %lld bytes: a profile is at most %u bytes", path,
			      (long long)st.st_size, HB_PROF_MAX_BYTES);
		goto out;
	}
	text = (char *)malloc(HB_PROF_MAX_BYTES + 1);
	if (!text) {
		err = hb_fail(HB_ENOMEM, "%s: out of memory", path);
		goto out;
	}
	/* read to the end, never past the bound: the file may grow meanwhile */
	while ((n = read(fd, text + got, HB_PROF_MAX_BYTES + 1 - got)) > 0)
		got += (size_t)n;
	if (n < 0) {
		err = hb_fail(HB_EIO, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (got > HB_PROF_MAX_BYTES) {
		err = hb_fail(HB_EUSAGE, "%s: more than %u bytes: not a profile", path,
			      HB_PROF_MAX_BYTES);
		goto out;
	}
	err = hb_prof_parse(path, text, got, p);
out:
	free(text);
	close(fd);
	return err;
}

void hb_prof_finish(struct hb_prof *p)
{
	double classes = 0.0, rest = 1.0 - p->zero - p->duplicate;
	unsigned i, n = 0;

	if (rest < 0.0)
		rest = 0.0;
	for (i = 0; i < p->nclasses; i++)
		classes += p->cls[i].share;
	p->profile = (struct hb_profile){ .name = "learned", .help = "a learned profile",
					  .spread = true };
	if (p->zero > 0.0) {
		p->profile.share[n].cls = &hb_sim_builtin[HB_PAGE_ZERO];
		p->profile.share[n++].weight = (unsigned)(p->zero * WEIGHT_SCALE + 0.5);
	}
	if (p->duplicate > 0.0) {
		p->sim[HB_PROFILE_CLASSES_MAX - 1] = (struct hb_sim_class){
			.name = "duplicate", .mode = HB_MODE_EXACT, .fill = hb_datagen_fill,
			.params = &p->gen[HB_PROFILE_CLASSES_MAX], .templates = p->templates
		};
		p->profile.share[n].cls = &p->sim[HB_PROFILE_CLASSES_MAX - 1];
		p->profile.share[n++].weight = (unsigned)(p->duplicate * WEIGHT_SCALE + 0.5);
	}
	for (i = 0; i < p->nclasses && n < HB_PROFILE_CLASSES_MAX && classes > 0.0; i++) {
		p->sim[i] = (struct hb_sim_class){ .name = "learned", .mode = HB_MODE_STAMPED,
						   .fill = hb_datagen_fill, .params = &p->gen[i] };
		p->profile.share[n].cls = &p->sim[i];
		p->profile.share[n++].weight =
			(unsigned)(p->cls[i].share / classes * rest * WEIGHT_SCALE + 0.5);
	}
	p->profile.nclasses = n;
}

static int write_measured(const struct hb_prof_measured *m, FILE *out)
{
	if (!m->set)
		return 0;
	return fprintf(out, " lz4 %.4f zstd-1 %.4f lzo %.4f", m->lz4, m->zstd1, m->lzo) < 0;
}

int hb_prof_write(const struct hb_prof *p, const char *comment, FILE *out)
{
	const struct hb_datagen *d = &p->gen[HB_PROFILE_CLASSES_MAX];
	bool failed = false;
	unsigned i;

	failed |= fprintf(out, "hiblab-profile %u\n", HB_PROF_VERSION) < 0;
	if (comment)
		failed |= fprintf(out, "# %s\n", comment) < 0;
	failed |= fprintf(out, "page-size %" PRIu32 "\nzero %.6f\n", p->page_size, p->zero) < 0;
	if (p->duplicate > 0.0)
		failed |= fprintf(out, "duplicate %.6f templates %" PRIu32 " match %.4f entropy %.4f "
				       "dense %.4f\n",
				  p->duplicate, p->templates, d->match, d->entropy, d->dense) < 0;
	for (i = 0; i < p->nclasses; i++) {
		failed |= fprintf(out, "class %.6f match %.4f entropy %.4f dense %.4f", p->cls[i].share,
				  p->gen[i].match, p->gen[i].entropy, p->gen[i].dense) < 0;
		failed |= write_measured(&p->cls[i].measured, out) != 0;
		failed |= fputc('\n', out) == EOF;
	}
	if (p->measured.set)
		failed |= fprintf(out, "measured pages %" PRIu64 " zero %.6f duplicate %.6f lz4 %.4f "
				       "zstd-1 %.4f lzo %.4f\n",
				  p->pages, p->zero_fraction, p->duplicate_fraction, p->measured.lz4,
				  p->measured.zstd1, p->measured.lzo) < 0;
	failed |= fflush(out) != 0;
	return failed ? hb_fail(HB_EIO, "writing the profile: %s", strerror(errno)) : 0;
}
