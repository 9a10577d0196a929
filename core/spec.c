/* Splitting "name:positional,key=value,..." spec text into hb_spec items.
 * In a value, "\," stands for a comma and "\\" for a backslash, so a path
 * holding a comma can be given; any other backslash is itself. */
#include "options.h"
#include "error.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool is_word(const char *s, size_t len)
{
	size_t i;

	if (len == 0)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!isalnum(c) && c != '_' && c != '-')
			return false;
	}
	return true;
}

/* A backslash that escapes the next character: one before a comma or a
 * backslash. */
static bool escapes(const char *s)
{
	return s[0] == '\\' && (s[1] == ',' || s[1] == '\\');
}

/* The comma that ends the token at s (skipping escaped ones), or NULL. */
static const char *token_end(const char *s)
{
	for (; *s; s++) {
		if (escapes(s))
			s++;
		else if (*s == ',')
			return s;
	}
	return NULL;
}

size_t hb_spec_escape(const char *value, char *buf, size_t cap)
{
	size_t n = 0;
	const char *p;

	for (p = value; *p; p++) {
		/* a backslash is doubled only where it would otherwise escape: before
		 * a comma or a backslash, and last (a separator may follow); text
		 * without commas stays exactly as images before the escape hold it */
		bool twice = *p == ',' || (*p == '\\' && (p[1] == ',' || p[1] == '\\' || !p[1]));
		if (twice) {
			if (n + 1 < cap)
				buf[n] = '\\';
			n++;
		}
		if (n + 1 < cap)
			buf[n] = *p;
		n++;
	}
	if (cap)
		buf[n < cap ? n : cap - 1] = '\0';
	return n;
}

static int copy_field(char *dst, size_t cap, const char *src, size_t len, const char *what,
		      const char *field)
{
	if (len >= cap)
		return hb_fail(HB_EUSAGE, "%s: %s too long (%zu bytes, at most %zu)", what, field,
			       len, cap - 1);
	memcpy(dst, src, len);
	dst[len] = '\0';
	return 0;
}

/* A value with its escapes undone. */
static int copy_value(char *dst, size_t cap, const char *src, size_t len, const char *what)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		if (i + 1 < len && escapes(src + i))
			i++;
		if (n + 1 == cap)
			return hb_fail(HB_EUSAGE, "%s: option value too long (%zu bytes, at most %zu)",
				       what, len, cap - 1);
		dst[n++] = src[i];
	}
	dst[n] = '\0';
	return 0;
}

static int add_arg(struct hb_spec *item, const char *key, size_t key_len, const char *value,
		   size_t value_len, const char *what)
{
	struct hb_spec_arg *arg;
	int err;

	if (item->nargs == HB_SPEC_ARGS)
		return hb_fail(HB_EUSAGE, "%s: %s: more than %d options", what, item->name,
			       HB_SPEC_ARGS);
	arg = &item->args[item->nargs];
	err = copy_field(arg->key, sizeof(arg->key), key, key_len, what, "option name");
	if (!err)
		err = copy_value(arg->value, sizeof(arg->value), value, value_len, what);
	if (!err)
		item->nargs++;
	return err;
}

/* A "key=value" token: key is a bare word. */
static int add_key_value(struct hb_spec *item, const char *tok, size_t len, const char *what)
{
	const char *eq = (const char *)memchr(tok, '=', len);
	size_t key_len;

	if (!eq)
		return hb_fail(HB_EUSAGE, "%s: %.*s: expected key=value", what, (int)len, tok);
	key_len = (size_t)(eq - tok);
	if (!is_word(tok, key_len))
		return hb_fail(HB_EUSAGE, "%s: %.*s: bad option name", what, (int)len, tok);
	return add_arg(item, tok, key_len, eq + 1, len - key_len - 1, what);
}

/* "name" or "name:rest" where rest is "positional" or "key=value". */
static int start_item(struct hb_spec *item, const char *tok, size_t len, const char *what)
{
	const char *colon = (const char *)memchr(tok, ':', len);
	size_t name_len = colon ? (size_t)(colon - tok) : len;
	const char *rest;
	size_t rest_len;
	const char *eq;
	int err;

	memset(item, 0, sizeof(*item));
	if (!is_word(tok, name_len))
		return hb_fail(HB_EUSAGE, "%s: '%.*s' is not a plugin name", what, (int)len, tok);
	err = copy_field(item->name, sizeof(item->name), tok, name_len, what, "plugin name");
	if (err || !colon)
		return err;
	rest = colon + 1;
	rest_len = len - name_len - 1;
	if (rest_len == 0)
		return hb_fail(HB_EUSAGE, "%s: %.*s: nothing after ':'", what, (int)len, tok);
	eq = (const char *)memchr(rest, '=', rest_len);
	if (eq && is_word(rest, (size_t)(eq - rest)))
		return add_key_value(item, rest, rest_len, what);
	return add_arg(item, "", 0, rest, rest_len, what);
}

int hb_spec_parse_list(const char *text, const char *what, struct hb_spec *items,
		       unsigned max_items, unsigned *count)
{
	const char *tok = text;
	unsigned n = 0;
	int err = 0;

	if (!text || !*text)
		return hb_fail(HB_EUSAGE, "%s: empty", what);
	while (!err) {
		const char *end = token_end(tok);
		size_t len = end ? (size_t)(end - tok) : strlen(tok);
		const char *eq = (const char *)memchr(tok, '=', len);

		if (len == 0)
			return hb_fail(HB_EUSAGE, "%s: empty item in '%s'", what, text);
		if (eq && is_word(tok, (size_t)(eq - tok))) {
			if (n == 0)
				return hb_fail(HB_EUSAGE, "%s: '%.*s' comes before any plugin name",
					       what, (int)len, tok);
			err = add_key_value(&items[n - 1], tok, len, what);
		} else if (n == max_items) {
			return hb_fail(HB_EUSAGE, "%s: more than %u items", what, max_items);
		} else {
			err = start_item(&items[n], tok, len, what);
			n++;
		}
		if (!end)
			break;
		tok = end + 1;
	}
	*count = n;
	return err;
}

int hb_spec_parse(const char *text, const char *what, struct hb_spec *item)
{
	unsigned n = 0;

	return hb_spec_parse_list(text, what, item, 1, &n);
}
