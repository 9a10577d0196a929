/* Scenario values -> engine specs, checked against the registry. */
#include "scn_specs.h"
#include "scenario.h"

#include "core/error.h"
#include "core/registry.h"
#include "sim/disk.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORDS_MAX 24

int scn_say(char *msg, size_t mcap, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, mcap, fmt, ap);
	va_end(ap);
	return -1;
}

/* Split text on blanks into words (copied into buf). */
static unsigned split_words(const char *text, char *buf, size_t cap, char **words)
{
	unsigned n = 0;
	char *p, *save = NULL;

	snprintf(buf, cap, "%s", text);
	for (p = strtok_r(buf, " \t", &save); p && n < WORDS_MAX; p = strtok_r(NULL, " \t", &save))
		words[n++] = p;
	return n;
}

static int append(char *spec, size_t cap, const char *sep, const char *word, char *msg,
		  size_t mcap)
{
	size_t used = strlen(spec);
	int n = snprintf(spec + used, cap - used, "%s%s", used ? sep : "", word);

	if (n < 0 || (size_t)n >= cap - used)
		return scn_say(msg, mcap, "value too long");
	return 0;
}

/* Words after the first are key=value options of the same plugin. */
static int append_options(const char *key, char **words, unsigned n, char *spec, size_t cap,
			  char *msg, size_t mcap)
{
	unsigned i;

	for (i = 1; i < n; i++) {
		if (!strchr(words[i], '=') || words[i][0] == '=')
			return scn_say(msg, mcap, "%s: '%s': expected key=value", key, words[i]);
		if (append(spec, cap, ",", words[i], msg, mcap))
			return -1;
	}
	return 0;
}

/* Configure the plugin of spec to check its name and options. */
static int check_plugin(enum hb_kind kind, const char *key, const char *spec, char *msg,
			size_t mcap, struct hb_instance *keep)
{
	struct hb_spec s;
	struct hb_instance in;
	int err = hb_spec_parse(spec, key, &s);

	if (err)
		return scn_say(msg, mcap, "%s", hb_detail(err));
	if (!hb_find_plugin(kind, s.name))
		return scn_say(msg, mcap, "%s: unknown %s '%s' (see: hiblab plugins)", key,
			    hb_kind_name(kind), s.name);
	err = hb_instance_init(&in, kind, &s, key);
	if (err)
		return scn_say(msg, mcap, "%s", hb_detail(err));
	if (keep)
		*keep = in;
	else
		hb_instance_free(&in);
	return 0;
}

int scn_memory_spec(const char *item, const char *dir, char *spec, size_t cap, char *msg,
		    size_t mcap)
{
	char buf[1024], edir[2048], *w[WORDS_MAX];
	unsigned n = split_words(item, buf, sizeof(buf), w);
	const struct hb_source *src;
	struct hb_source_info info;
	struct hb_instance in;
	int err;
	int len;

	spec[0] = '\0';
	if (n == 0)
		return scn_say(msg, mcap, "memory: empty value");
	/* the directory is a path, the rest is spec text as the user wrote it */
	hb_spec_escape(dir, edir, sizeof(edir));
	if (strncmp(w[0], "file:", 5) == 0 && w[0][5] != '/' && dir[0])
		len = snprintf(spec, cap, "file:%s/%s", edir, w[0] + 5);
	else if (strchr(w[0], ':') || strchr(w[0], '='))
		len = snprintf(spec, cap, "%s", w[0]);
	else
		len = snprintf(spec, cap, "sim:%s", w[0]);
	if (len < 0 || (size_t)len >= cap)
		return scn_say(msg, mcap, "memory: '%.40s...': too long", w[0]);
	if (strchr(w[0], '=') && !strchr(w[0], ':'))
		return scn_say(msg, mcap, "memory: '%s': start with a profile (mixed, text, ...) or "
				       "file:PATH", w[0]);
	if (append_options("memory", w, n, spec, cap, msg, mcap))
		return -1;
	if (check_plugin(HB_KIND_SOURCE, "memory", spec, msg, mcap, &in))
		return -1;
	/* opening checks what options alone cannot: page size, the file */
	src = (const struct hb_source *)in.ops;
	err = src->open(in.priv, in.conf, &info);
	if (src->close)
		src->close(in.priv);
	hb_instance_free(&in);
	if (err)
		return scn_say(msg, mcap, "memory: %s", hb_detail(err));
	return 0;
}

int scn_disk_spec(const char *item, char *spec, size_t cap, bool *is_file, bool *file_backing,
		  char *msg, size_t mcap)
{
	char buf[1024], check[1200], *w[WORDS_MAX];
	unsigned n = split_words(item, buf, sizeof(buf), w), i;
	struct hb_fault_set faults;

	*is_file = *file_backing = false;
	spec[0] = '\0';
	if (n == 0)
		return scn_say(msg, mcap, "disk: empty value");
	if (strcmp(w[0], "file") == 0) {
		*is_file = true;
		snprintf(spec, cap, "file");
	} else {
		snprintf(spec, cap, "%s%s", strchr(w[0], ':') ? "" : "sim:", w[0]);
	}
	for (i = 1; i < n; i++) {
		if (strcmp(w[i], "backing=file") == 0 && !*is_file) {
			*file_backing = true;
			continue;
		}
		if (strncmp(w[i], "fault=", 6) == 0 && hb_fault_parse(w[i] + 6, &faults))
			return scn_say(msg, mcap, "disk: %s", hb_detail(HB_EUSAGE));
		if (!strchr(w[i], '=') || w[i][0] == '=')
			return scn_say(msg, mcap, "disk: '%s': expected key=value", w[i]);
		if (append(spec, cap, ",", w[i], msg, mcap))
			return -1;
	}
	/* the file writer needs its path to be configured: any will do here */
	snprintf(check, sizeof(check), "%s%s", spec, *is_file ? ":/nonexistent/hiblab.img" : "");
	if (*is_file && strchr(spec, ','))
		snprintf(check, sizeof(check), "file:/nonexistent/hiblab.img%s", strchr(spec, ','));
	return check_plugin(HB_KIND_WRITER, "disk", check, msg, mcap, NULL);
}

/* One filter: "zstd", "zstd:3", "zstd:level=3", "zstd level=19 window=20". */
static int one_filter(const char *key, const char *text, char *spec, size_t cap, char *msg,
		      size_t mcap)
{
	char buf[1024], one[HB_STR_MAX], *w[WORDS_MAX];
	unsigned n = split_words(text, buf, sizeof(buf), w);

	if (n == 0)
		return scn_say(msg, mcap, "%s: empty filter in '+'", key);
	if (strcmp(w[0], "none") == 0)
		return scn_say(msg, mcap, "%s: 'none' cannot be joined with other filters", key);
	snprintf(one, sizeof(one), "%s", w[0]);
	if (append_options(key, w, n, one, sizeof(one), msg, mcap))
		return -1;
	if (check_plugin(HB_KIND_FILTER, key, one, msg, mcap, NULL))
		return -1;
	return append(spec, cap, ",", one, msg, mcap);
}

int scn_filters_spec(const char *key, const char *item, char *spec, size_t cap, char *msg,
		     size_t mcap)
{
	char buf[1024], *part, *save = NULL;
	size_t len = strlen(item);

	spec[0] = '\0';
	if (strcmp(item, "none") == 0)
		return 0;
	if (item[0] == '+' || (len && item[len - 1] == '+') || strstr(item, "++"))
		return scn_say(msg, mcap, "%s: '%s': empty filter in '+'", key, item);
	snprintf(buf, sizeof(buf), "%s", item);
	for (part = strtok_r(buf, "+", &save); part; part = strtok_r(NULL, "+", &save)) {
		if (one_filter(key, part, spec, cap, msg, mcap))
			return -1;
	}
	return 0;
}

int scn_chain_spec(const char *item, char *spec, size_t cap, char *msg, size_t mcap)
{
	struct hb_spec specs[16];
	struct hb_instance in;
	unsigned n = 0, i;
	int err;

	spec[0] = '\0';
	if (strcmp(item, "none") == 0)
		return 0;
	if (strchr(item, ' ') || strchr(item, '\t'))
		return scn_say(msg, mcap, "chain: '%s': a chain is a --filters list, no blanks "
				       "(zero,zstd:level=3,crc32c)", item);
	err = hb_spec_parse_list(item, "chain", specs, 16, &n);
	if (err)
		return scn_say(msg, mcap, "%s", hb_detail(err));
	for (i = 0; i < n; i++) {
		if (!hb_find_plugin(HB_KIND_FILTER, specs[i].name))
			return scn_say(msg, mcap, "chain: unknown filter '%s' (see: hiblab plugins)",
				    specs[i].name);
		err = hb_instance_init(&in, HB_KIND_FILTER, &specs[i], "chain");
		if (err)
			return scn_say(msg, mcap, "%s", hb_detail(err));
		hb_instance_free(&in);
	}
	if (strlen(item) >= cap)
		return scn_say(msg, mcap, "chain: too long");
	strcpy(spec, item);
	return 0;
}

static bool spec_sets(const struct hb_spec *s, const char *key)
{
	unsigned i;

	for (i = 0; i < s->nargs; i++) {
		if (strcmp(s->args[i].key, key) == 0)
			return true;
	}
	return false;
}

int scn_workload_of(const char *spec, struct scn_workload *w)
{
	const struct hb_option *o;
	struct hb_instance in;
	struct hb_spec s;
	char v[HB_STR_MAX];
	int err = hb_spec_parse(spec, "memory", &s);

	*w = (struct scn_workload){ .profile = "mixed", .mib = 64, .seed = 1 };
	if (err || strcmp(s.name, "sim") != 0)
		return err;
	err = hb_instance_init(&in, HB_KIND_SOURCE, &s, "memory");
	if (err)
		return err;
	for (o = in.plugin->options; o->name; o++) {
		hb_option_value_text(o, in.conf, v, sizeof(v));
		if (strcmp(o->name, "profile") == 0)
			snprintf(w->profile, sizeof(w->profile), "%.31s", v);
		else if (strcmp(o->name, "seed") == 0)
			w->seed = strtoull(v, NULL, 10);
		else if (strcmp(o->name, "size") == 0 && spec_sets(&s, "size"))
			w->mib = strtoull(v, NULL, 10) >> 20;
	}
	hb_instance_free(&in);
	return 0;
}

int scn_fault_check(const char *item, char *msg, size_t mcap)
{
	struct hb_fault_set set;

	if (hb_fault_parse(item, &set))
		return scn_say(msg, mcap, "fault: %s", hb_detail(HB_EUSAGE));
	return 0;
}
