/* Fuzz target: the plugin-spec and option parsers (core/spec.c,
 * core/options.c).
 *
 * Input: spec text, "name:positional,key=value,...".  It is parsed as one
 * item (hb_spec_parse) and as a list (hb_spec_parse_list); the one item's
 * arguments are then applied to every registered plugin's option table,
 * whatever its name says.  A filter's accepted configuration must format to
 * canonical text that parses and applies back to the same text: that text is
 * what an image header stores and a resume reads back.  (Other kinds may
 * have more options than one spec holds, HB_SPEC_ARGS; none is stored.) */
#include "tests/fuzz/fuzz.h"

#include "core/alloc.h"
#include "core/error.h"
#include "core/options.h"
#include "core/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The canonical text of conf must configure the plugin to the same text. */
static void check_canonical(const struct hb_plugin *p, const void *conf)
{
	static char text[HB_NAME_MAX + HB_STR_MAX * 2], again[HB_STR_MAX * 2];
	static char first[HB_STR_MAX * 2];
	static struct hb_spec spec;
	void *conf2;
	int n;

	if (hb_options_format(p->options, conf, first, sizeof(first)) != 0)
		return;  /* too long for a header: refused there, with a message */
	n = snprintf(text, sizeof(text), "%s%s%s", p->name, first[0] ? ":" : "", first);
	if (n < 0 || (size_t)n >= sizeof(text))
		return;
	conf2 = hb_zalloc(p->conf_size);
	if (!conf2)
		abort();
	if (hb_spec_parse(text, "fuzz", &spec) != 0 || hb_options_apply(p->options, conf2, &spec) ||
	    hb_options_format(p->options, conf2, again, sizeof(again)) != 0 ||
	    strcmp(first, again) != 0) {
		fprintf(stderr, "fuzz_spec: %s: canonical text '%s' does not read back: %s\n",
			p->name, first, hb_detail(HB_EINTERNAL));
		abort();
	}
	hb_wipe_free(conf2, p->conf_size);
}

static void apply_everywhere(const struct hb_spec *spec)
{
	static const enum hb_kind kinds[] = { HB_KIND_FILTER, HB_KIND_WRITER, HB_KIND_SOURCE,
					      HB_KIND_SINK };
	size_t k;

	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		const struct hb_registered *r;

		for (r = hb_registry(kinds[k]); r->plugin; r++) {
			const struct hb_plugin *p = r->plugin;
			void *conf = hb_zalloc(p->conf_size);

			if (!conf)
				abort();
			if (hb_options_apply(p->options, conf, spec) == 0 &&
			    kinds[k] == HB_KIND_FILTER)
				check_canonical(p, conf);
			hb_wipe_free(conf, p->conf_size);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hb_spec one, list[HB_SPEC_ARGS];
	char *text = (char *)malloc(size + 1);
	unsigned count = 0;

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = '\0';
	(void)hb_spec_parse_list(text, "fuzz", list, HB_SPEC_ARGS, &count);
	if (count > HB_SPEC_ARGS)
		abort();
	if (hb_spec_parse(text, "fuzz", &one) == 0)
		apply_everywhere(&one);
	free(text);
	hb_clear_detail();
	return 0;
}
