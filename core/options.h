/* Plugin options declared as data, and the "name:positional,key=value" specs
 * that set them.  The core parses every option, so `hiblab plugins` can list
 * them and scenarios can set them without any plugin parsing text itself. */
#ifndef HB_OPTIONS_H
#define HB_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HB_NAME_MAX 32   /* plugin and option names, with the NUL */
#define HB_STR_MAX 512   /* string option values, with the NUL */
#define HB_SPEC_ARGS 16  /* key=value pairs in one spec item */

enum hb_opt_type {
	HB_OPT_INT,     /* int64_t, decimal, within [min, max] */
	HB_OPT_SIZE,    /* uint64_t, bytes: 4096, 64KiB, 2GiB, 1TB ... within [min, max] */
	HB_OPT_BOOL,    /* bool: yes/no, true/false, on/off, 1/0 */
	HB_OPT_CHOICE,  /* unsigned index into the '|'-separated choices */
	HB_OPT_STRING   /* char[HB_STR_MAX] */
};

#define HB_OPT_POSITIONAL 1u  /* "plugin:VALUE" sets this option */
/* STRING with choices: one of them, or a file name (a value with a '/' or a
 * '.'); any other value is refused as a CHOICE would be */
#define HB_OPT_OR_FILE 2u

struct hb_option {
	const char *name;
	enum hb_opt_type type;
	const char *def;      /* default, as text; NULL: the option is required */
	int64_t min, max;     /* INT and SIZE bounds (both 0: unbounded) */
	const char *choices;  /* CHOICE: "zero|random|text|mixed" */
	const char *help;     /* one line */
	size_t offset;        /* offsetof() the value in the plugin's conf struct */
	unsigned flags;
};

/* One parsed spec item: "zstd:level=3" or "sim:mixed,size=1GiB,seed=7". */
struct hb_spec_arg {
	char key[HB_NAME_MAX];  /* "" for the positional value */
	char value[HB_STR_MAX];
};

struct hb_spec {
	char name[HB_NAME_MAX];
	unsigned nargs;
	struct hb_spec_arg args[HB_SPEC_ARGS];
};

/* Parse a list of spec items: "zero,zstd:level=3,window=20,crc32c".  A token
 * "key=value" whose key is a bare word continues the previous item's options.
 * what names the list in error messages ("--filters"). */
int hb_spec_parse_list(const char *text, const char *what, struct hb_spec *items,
		       unsigned max_items, unsigned *count);

/* Parse exactly one spec item ("file:/tmp/a.img"). */
int hb_spec_parse(const char *text, const char *what, struct hb_spec *item);

/* value as it must be written in a spec value: a backslash put before each
 * comma, and before each backslash that would otherwise escape what follows
 * (one before a comma or a backslash, or the last character).  Writes what
 * fits in cap (NUL-terminated); returns the length of the whole text, as
 * snprintf does. */
size_t hb_spec_escape(const char *value, char *buf, size_t cap);

/* Fill conf with the defaults, then apply spec's arguments.  Errors name the
 * plugin and the option: "zstd: level=25: out of range 1..19". */
int hb_options_apply(const struct hb_option *opts, void *conf, const struct hb_spec *spec);

/* Canonical text of every option's current value: "level=3,window=0".  Used in
 * image headers and reports; parsing it back gives the same conf. */
int hb_options_format(const struct hb_option *opts, const void *conf, char *buf, size_t cap);

/* Text of one option's value in conf. */
void hb_option_value_text(const struct hb_option *o, const void *conf, char *buf, size_t cap);

/* Sizes: "4096", "64KiB", "2GiB", "1TB", "1.5GiB" is refused (whole units only). */
int hb_parse_size(const char *text, uint64_t *out);

/* "256.0 MiB" style, for humans. */
void hb_format_size(uint64_t bytes, char *buf, size_t cap);

#endif
