/* Parsing option values into plugin conf structs, and printing them back. */
#include "options.h"
#include "error.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const struct {
	const char *suffix;
	uint64_t mult;
} size_units[] = {
	{ "", 1 },
	{ "B", 1 },
	{ "K", 1ull << 10 }, { "KiB", 1ull << 10 }, { "KB", 1000ull },
	{ "M", 1ull << 20 }, { "MiB", 1ull << 20 }, { "MB", 1000000ull },
	{ "G", 1ull << 30 }, { "GiB", 1ull << 30 }, { "GB", 1000000000ull },
	{ "T", 1ull << 40 }, { "TiB", 1ull << 40 }, { "TB", 1000000000000ull },
	{ "P", 1ull << 50 }, { "PiB", 1ull << 50 }, { "PB", 1000000000000000ull },
};

int hb_parse_size(const char *text, uint64_t *out)
{
	char *end;
	unsigned long long v;
	size_t i;

	if (!text || *text < '0' || *text > '9')
		return hb_fail(HB_EUSAGE, "'%s' is not a size (examples: 4096, 64KiB, 2GiB)",
			       text ? text : "");
	errno = 0;
	v = strtoull(text, &end, 10);
	if (errno)
		return hb_fail(HB_EUSAGE, "'%s' is too large a size", text);
	for (i = 0; i < sizeof(size_units) / sizeof(size_units[0]); i++) {
		if (strcmp(end, size_units[i].suffix) == 0) {
			if (v > UINT64_MAX / size_units[i].mult)
				return hb_fail(HB_EUSAGE, "'%s' is too large a size", text);
			*out = v * size_units[i].mult;
			return 0;
		}
	}
	return hb_fail(HB_EUSAGE, "'%s' is not a size: unknown unit '%s' (use B, KiB, MiB, GiB, TiB)",
		       text, end);
}

void hb_format_size(uint64_t bytes, char *buf, size_t cap)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	double v = (double)bytes;
	unsigned u = 0;

	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	if (u == 0)
		snprintf(buf, cap, "%" PRIu64 " B", bytes);
	else
		snprintf(buf, cap, "%.1f %s", v, units[u]);
}

/* Index of word in a '|'-separated list, or -1. */
static int choice_index(const char *choices, const char *word)
{
	size_t len = strlen(word);
	const char *p = choices;
	int i = 0;

	while (p && *p) {
		const char *bar = strchr(p, '|');
		size_t n = bar ? (size_t)(bar - p) : strlen(p);
		if (n == len && strncmp(p, word, n) == 0)
			return i;
		p = bar ? bar + 1 : NULL;
		i++;
	}
	return -1;
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

static int not_a_choice(const char *plugin, const struct hb_option *o, const char *v)
{
	return hb_fail(HB_EUSAGE, "%s: %s=%s: expected one of %s", plugin, o->name, v, o->choices);
}

static int out_of_range(const char *plugin, const struct hb_option *o, const char *v)
{
	if (o->type == HB_OPT_SIZE) {
		char lo[32], hi[32];
		hb_format_size((uint64_t)o->min, lo, sizeof(lo));
		hb_format_size((uint64_t)o->max, hi, sizeof(hi));
		return hb_fail(HB_EUSAGE, "%s: %s=%s: out of range %s..%s", plugin, o->name, v, lo,
			       hi);
	}
	return hb_fail(HB_EUSAGE, "%s: %s=%s: out of range %" PRId64 "..%" PRId64, plugin, o->name,
		       v, o->min, o->max);
}

static int set_value(const char *plugin, const struct hb_option *o, void *conf, const char *v)
{
	char *slot = (char *)conf + o->offset;
	char *end;
	long long i;
	uint64_t size;
	bool b;
	int c;

	switch (o->type) {
	case HB_OPT_INT:
		errno = 0;
		i = strtoll(v, &end, 10);
		if (errno || end == v || *end)
			return hb_fail(HB_EUSAGE, "%s: %s=%s: not a whole number", plugin, o->name, v);
		if ((o->min || o->max) && (i < o->min || i > o->max))
			return out_of_range(plugin, o, v);
		*(int64_t *)(void *)slot = i;
		return 0;
	case HB_OPT_SIZE:
		if (hb_parse_size(v, &size)) {
			char why[256];
			snprintf(why, sizeof(why), "%s", hb_detail(0));
			return hb_fail(HB_EUSAGE, "%s: %s: %s", plugin, o->name, why);
		}
		if ((o->min || o->max) && (size < (uint64_t)o->min || size > (uint64_t)o->max))
			return out_of_range(plugin, o, v);
		*(uint64_t *)(void *)slot = size;
		return 0;
	case HB_OPT_BOOL:
		if (parse_bool(v, &b))
			return hb_fail(HB_EUSAGE, "%s: %s=%s: expected yes or no", plugin, o->name, v);
		*(bool *)(void *)slot = b;
		return 0;
	case HB_OPT_CHOICE:
		c = choice_index(o->choices, v);
		if (c < 0)
			return not_a_choice(plugin, o, v);
		*(unsigned *)(void *)slot = (unsigned)c;
		return 0;
	case HB_OPT_STRING:
		if (strlen(v) >= HB_STR_MAX)
			return hb_fail(HB_EUSAGE, "%s: %s: value too long", plugin, o->name);
		if ((o->flags & HB_OPT_OR_FILE) && choice_index(o->choices, v) < 0 &&
		    !strpbrk(v, "/."))
			return not_a_choice(plugin, o, v);
		strcpy(slot, v);
		return 0;
	}
	return hb_fail(HB_EINTERNAL, "%s: %s: unknown option type", plugin, o->name);
}

static const struct hb_option *find_option(const struct hb_option *opts, const char *key)
{
	const struct hb_option *o;

	for (o = opts; o && o->name; o++) {
		if (key[0] ? strcmp(o->name, key) == 0 : (o->flags & HB_OPT_POSITIONAL) != 0)
			return o;
	}
	return NULL;
}

static bool spec_sets(const struct hb_spec *spec, const struct hb_option *o)
{
	unsigned i;

	for (i = 0; i < spec->nargs; i++) {
		const char *k = spec->args[i].key;
		if (k[0] ? strcmp(k, o->name) == 0 : (o->flags & HB_OPT_POSITIONAL) != 0)
			return true;
	}
	return false;
}

int hb_options_apply(const struct hb_option *opts, void *conf, const struct hb_spec *spec)
{
	const struct hb_option *o;
	unsigned i;
	int err;

	for (o = opts; o && o->name; o++) {
		if (o->def) {
			err = set_value(spec->name, o, conf, o->def);
			if (err)
				return err;
		} else if (!spec_sets(spec, o)) {
			return hb_fail(HB_EUSAGE, "%s: %s is required (%s)", spec->name, o->name,
				       o->help);
		}
	}
	for (i = 0; i < spec->nargs; i++) {
		const struct hb_spec_arg *a = &spec->args[i];
		o = find_option(opts, a->key);
		if (!o && !a->key[0])
			return hb_fail(HB_EUSAGE, "%s: takes no value after ':' (got '%s')",
				       spec->name, a->value);
		if (!o)
			return hb_fail(HB_EUSAGE, "%s: unknown option '%s' (see: hiblab plugins)",
				       spec->name, a->key);
		err = set_value(spec->name, o, conf, a->value);
		if (err)
			return err;
	}
	return 0;
}

void hb_option_value_text(const struct hb_option *o, const void *conf, char *buf, size_t cap)
{
	const char *slot = (const char *)conf + o->offset;
	unsigned idx;
	const char *p;

	switch (o->type) {
	case HB_OPT_INT:
		snprintf(buf, cap, "%" PRId64, *(const int64_t *)(const void *)slot);
		return;
	case HB_OPT_SIZE:
		snprintf(buf, cap, "%" PRIu64, *(const uint64_t *)(const void *)slot);
		return;
	case HB_OPT_BOOL:
		snprintf(buf, cap, "%s", *(const bool *)(const void *)slot ? "yes" : "no");
		return;
	case HB_OPT_CHOICE:
		idx = *(const unsigned *)(const void *)slot;
		for (p = o->choices; idx && p; idx--) {
			p = strchr(p, '|');
			if (p)
				p++;
		}
		snprintf(buf, cap, "%.*s", p ? (int)strcspn(p, "|") : 0, p ? p : "");
		return;
	case HB_OPT_STRING:
		snprintf(buf, cap, "%s", slot);
		return;
	}
	snprintf(buf, cap, "?");
}

int hb_options_format(const struct hb_option *opts, const void *conf, char *buf, size_t cap)
{
	const struct hb_option *o;
	size_t used = 0;
	char value[HB_STR_MAX];
	char escaped[2 * HB_STR_MAX];

	if (cap)
		buf[0] = '\0';
	for (o = opts; o && o->name; o++) {
		int n;
		hb_option_value_text(o, conf, value, sizeof(value));
		/* escaped, so a value holding a comma parses back the same */
		hb_spec_escape(value, escaped, sizeof(escaped));
		n = snprintf(buf + used, cap - used, "%s%s=%s", used ? "," : "", o->name, escaped);
		if (n < 0 || (size_t)n >= cap - used)
			return hb_fail(HB_EUSAGE, "options too long to store (%s)", o->name);
		used += (size_t)n;
	}
	return 0;
}
