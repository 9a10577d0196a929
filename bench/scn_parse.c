/* The scenario file parser: `key = value` lines, `#` comments, `[part]`
 * sections, lists that continue on the next line after a trailing comma.
 * Every mistake is collected as "file:line: message"; nothing runs unless
 * there is none. */
#include "scenario.h"

#include "open_regular.h"

#include "core/error.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct parser {
	struct scn_file *f;
	struct scn_diag *d;
	struct scn_section *sec;
	bool stop;  /* too many parts: the rest would only add noise */
};

static void diag(struct parser *p, int line, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 3, 4)))
#endif
	;

static void diag(struct parser *p, int line, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (p->d->count == SCN_DIAG_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	snprintf(p->d->msg[p->d->count++], sizeof(p->d->msg[0]), "%.300s:%d: %.320s", p->f->path, line,
		 text);
}

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

/* A '#' starts a comment at the start of a line or after a blank. */
static void strip_comment(char *s)
{
	char *p;

	for (p = s; *p; p++) {
		if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			return;
		}
	}
}

static int add_item(struct scn_list *l, const char *text, int line)
{
	char **items = (char **)realloc(l->items, (l->count + 1) * sizeof(*items));
	int *lines;

	if (!items)
		return HB_ENOMEM;
	l->items = items;
	lines = (int *)realloc(l->lines, (l->count + 1) * sizeof(*lines));
	if (!lines)
		return HB_ENOMEM;
	l->lines = lines;
	l->items[l->count] = strdup(text);
	if (!l->items[l->count])
		return HB_ENOMEM;
	l->lines[l->count++] = line;
	return 0;
}

static struct scn_list *find_key(struct scn_section *s, const char *key, bool *is_axis)
{
	unsigned i;

	for (i = 0; i < SCN_AXES; i++) {
		if (strcmp(key, scn_axis_key((enum scn_axis)i)) == 0) {
			*is_axis = true;
			return &s->axis[i];
		}
	}
	for (i = 0; i < SCN_SINGLES; i++) {
		if (strcmp(key, scn_single_key((enum scn_single)i)) == 0) {
			*is_axis = false;
			return &s->single[i];
		}
	}
	return NULL;
}

/* Add the items of one line's value; true if it ends with the separator:
 * the list goes on on the next line. */
static bool add_items(struct parser *p, struct scn_list *l, const char *key, char *value,
		      char sep, int line)
{
	size_t len = strlen(value);
	bool more = len > 0 && value[len - 1] == sep;
	unsigned before = p->d->count;
	char *start = value;

	if (more)
		value[len - 1] = '\0';
	for (;;) {
		char *end = strchr(start, sep), *item;
		if (end)
			*end = '\0';
		item = trim(start);
		if (!*item)
			diag(p, line, "%s: empty item in the list", key);
		else if (strlen(item) > SCN_ITEM_MAX)
			diag(p, line, "%s: an item longer than %d bytes", key, SCN_ITEM_MAX);
		else if (l->count == SCN_ITEMS_MAX)
			diag(p, line, "%s: more than %d items in the list", key, SCN_ITEMS_MAX);
		else if (add_item(l, item, line))
			diag(p, line, "out of memory");
		if (!end || p->d->count != before)
			break;
		start = end + 1;
	}
	return more && p->d->count == before;
}

static int parse_section(struct parser *p, char *s, int line)
{
	size_t len = strlen(s), i;
	struct scn_section *parts;

	if (s[len - 1] != ']' || len < 3) {
		diag(p, line, "bad section header: expected [name]");
		return 0;
	}
	s[len - 1] = '\0';
	s++;
	for (i = 0; s[i]; i++) {
		if (!isalnum((unsigned char)s[i]) && !strchr("_-.", s[i])) {
			diag(p, line, "section name '%s': use letters, digits, '_', '-', '.'", s);
			break;
		}
	}
	for (i = 0; i < p->f->nparts; i++) {
		if (strcmp(p->f->parts[i].name, s) == 0)
			diag(p, line, "section [%s] already defined on line %d", s,
			     p->f->parts[i].line);
	}
	if (p->f->nparts == SCN_PARTS_MAX) {
		diag(p, line, "more than %d parts in one file", SCN_PARTS_MAX);
		p->stop = true;
		return 0;
	}
	parts = (struct scn_section *)realloc(p->f->parts, (p->f->nparts + 1) * sizeof(*parts));
	if (!parts)
		return HB_ENOMEM;
	p->f->parts = parts;
	p->sec = &parts[p->f->nparts++];
	memset(p->sec, 0, sizeof(*p->sec));
	snprintf(p->sec->name, sizeof(p->sec->name), "%s", s);
	p->sec->line = line;
	return 0;
}

/* One "key = value" line; *cont is set to the list a trailing separator
 * continues on the next line. */
static void parse_line(struct parser *p, char *s, int line, struct scn_list **cont,
		       const char **cont_key)
{
	char *eq = strchr(s, '=');
	char *key, *value;
	struct scn_list *l;
	bool is_axis = false;

	if (!eq) {
		diag(p, line, "expected key = value");
		return;
	}
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (strcmp(key, "name") == 0) {
		if (p->sec != &p->f->top)
			diag(p, line, "name: set it before the first [section]");
		else if (!*value)
			diag(p, line, "name: empty value");
		else
			snprintf(p->f->name, sizeof(p->f->name), "%s", value);
		return;
	}
	l = find_key(p->sec, key, &is_axis);
	if (!l) {
		diag(p, line, "unknown key '%s'", key);
		return;
	}
	if (l->line) {
		diag(p, line, "%s: already set on line %d", key, l->line);
		return;
	}
	l->line = line;
	if (!*value) {
		diag(p, line, "%s: empty value", key);
		return;
	}
	if (!is_axis) {
		/* words for a command line may hold commas (console=ttyS0,115200) */
		if (strcmp(key, "description") != 0 && strcmp(key, "kernel-args") != 0 &&
		    strchr(value, ','))
			diag(p, line, "%s: takes one value, not a list", key);
		else if (strcmp(key, "description") != 0 && strlen(value) > SCN_ITEM_MAX)
			diag(p, line, "%s: a value longer than %d bytes", key, SCN_ITEM_MAX);
		else if (add_item(l, value, line))
			diag(p, line, "out of memory");
		return;
	}
	if (add_items(p, l, key, value, strcmp(key, "chain") == 0 ? '|' : ',', line)) {
		*cont = l;
		*cont_key = strcmp(key, "chain") == 0 ? "chain" : key;
	}
}

int scn_parse_text(const char *path, const char *text, struct scn_file *f, struct scn_diag *d)
{
	struct parser p = { .f = f, .d = d };
	struct scn_list *cont = NULL;
	const char *cont_key = NULL, *base;
	char *copy = strdup(text), *line, *next;
	int n = 0, err = 0;

	memset(f, 0, sizeof(*f));
	memset(d, 0, sizeof(*d));
	snprintf(f->path, sizeof(f->path), "%s", path);
	snprintf(f->dir, sizeof(f->dir), "%s", path);
	if (strrchr(f->dir, '/'))
		*strrchr(f->dir, '/') = '\0';
	else
		snprintf(f->dir, sizeof(f->dir), ".");
	base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	snprintf(f->name, sizeof(f->name), "%.*s", (int)strcspn(base, "."), base);
	p.sec = &f->top;
	if (!copy)
		return hb_fail(HB_ENOMEM, "out of memory");
	for (line = copy; line && !err && !p.stop; line = next) {
		char *s;
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		n++;
		if (strlen(line) > SCN_LINE_MAX) {
			diag(&p, n, "line longer than %d bytes", SCN_LINE_MAX);
			cont = NULL;
			continue;
		}
		strip_comment(line);
		s = trim(line);
		if (cont) {
			/* a list that ended with a separator goes on here */
			struct scn_list *l = cont;
			cont = NULL;
			if (!*s || *s == '[')
				diag(&p, n - 1, "%s: empty item at the end of the list", cont_key);
			else if (add_items(&p, l, cont_key, s, strcmp(cont_key, "chain") ? ',' : '|', n))
				cont = l;
			continue;
		}
		if (!*s)
			continue;
		if (*s == '[')
			err = parse_section(&p, s, n);
		else
			parse_line(&p, s, n, &cont, &cont_key);
	}
	if (cont)
		diag(&p, n, "%s: empty item at the end of the list", cont_key);
	free(copy);
	if (err)
		return hb_fail(err, "out of memory");
	scn_check(f, d);
	return d->count ? HB_EUSAGE : 0;
}

/* The whole text of a scenario file, at most SCN_FILE_MAX bytes; NULL with
 * the reason in d. */
static char *read_text(const char *path, struct scn_diag *d)
{
	struct stat st;
	char *text = NULL;
	const char *why = NULL;
	char too_big[96];
	size_t len = 0;
	int fd = scn_open_regular(path, &st);

	snprintf(too_big, sizeof(too_big), "larger than %u bytes, the most a scenario file may hold",
		 SCN_FILE_MAX);
	if (fd < 0) {
		snprintf(d->msg[d->count++], sizeof(d->msg[0]), "%s", hb_detail(fd));
		return NULL;
	}
	/* one byte more than the limit: a file that grew since fstat is caught */
	if (st.st_size <= SCN_FILE_MAX)
		text = (char *)malloc(SCN_FILE_MAX + 2);
	if (!text) {
		why = st.st_size > SCN_FILE_MAX ? too_big : "out of memory";
		goto out;
	}
	while (len <= SCN_FILE_MAX) {
		ssize_t n = read(fd, text + len, SCN_FILE_MAX + 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			why = n < 0 ? strerror(errno) : NULL;
			break;
		}
		len += (size_t)n;
	}
	if (!why && len > SCN_FILE_MAX)
		why = too_big;
	else if (!why && memchr(text, '\0', len))
		why = "not a text file";
out:
	close(fd);
	if (why) {
		snprintf(d->msg[d->count++], sizeof(d->msg[0]), "%.300s: %s", path, why);
		free(text);
		return NULL;
	}
	text[len] = '\0';
	return text;
}

int scn_parse_file(const char *path, struct scn_file *f, struct scn_diag *d)
{
	char *text;
	int err;

	memset(f, 0, sizeof(*f));
	memset(d, 0, sizeof(*d));
	text = read_text(path, d);
	if (!text)
		return HB_EUSAGE;
	err = scn_parse_text(path, text, f, d);
	free(text);
	return err;
}

static void free_list(struct scn_list *l)
{
	unsigned i;

	for (i = 0; i < l->count; i++)
		free(l->items[i]);
	free(l->items);
	free(l->lines);
	memset(l, 0, sizeof(*l));
}

static void free_section(struct scn_section *s)
{
	unsigned i;

	for (i = 0; i < SCN_AXES; i++)
		free_list(&s->axis[i]);
	for (i = 0; i < SCN_SINGLES; i++)
		free_list(&s->single[i]);
}

void scn_free(struct scn_file *f)
{
	unsigned i;

	free_section(&f->top);
	for (i = 0; i < f->nparts; i++)
		free_section(&f->parts[i]);
	free(f->parts);
	f->parts = NULL;
	f->nparts = 0;
}
