/* hiblab inspect: show an image's header without restoring it. */
#include "cli.h"

#include "core/error.h"
#include "core/registry.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void help(void)
{
	printf("usage: hiblab inspect TARGET\n\n"
	       "Show the image's header: state (valid or spent), format version, source,\n"
	       "pages, chunk size, records, stored size and ratio, the filter chain with\n"
	       "each filter's settings (never key material), the digest, and an encrypted\n"
	       "image's header tag (it is checked only by a resume, which has the key).\n"
	       "Reads only.\n\n"
	       "  TARGET      the image, e.g. file:/tmp/a.img\n"
	       "  -h, --help  this help\n\n"
	       "exit status: 0 a header was read (valid or spent), 3 no image, 4 refused.\n");
}

/* A filter's stored parameters in words, if this build knows the filter. */
static void describe_params(const struct hb_header_filter *f, char *buf, size_t cap)
{
	const struct hb_registered *r = hb_find_plugin(HB_KIND_FILTER, f->name);
	const struct hb_filter *filter = r ? (const struct hb_filter *)r->ops : NULL;
	struct hb_ctl_describe d = { .params = &f->params, .buf = buf, .cap = cap };

	buf[0] = '\0';
	if (f->params.len == 0)
		return;
	if (!filter || !filter->ctl || filter->ctl(NULL, HB_CTL_DESCRIBE_PARAMS, &d) != 0)
		snprintf(buf, cap, "%zu bytes of parameters", f->params.len);
}

static void print_header(const char *target, const struct hb_header *h)
{
	char size[32], stored[32], when[64], params[256], text[HB_STR_MAX * 4], name[HB_NAME_MAX * 4];
	time_t created = (time_t)h->created;
	struct tm tm;
	unsigned i;

	hb_format_size(h->image_bytes, size, sizeof(size));
	hb_format_size(h->data_bytes + HB_HEADER_AREA, stored, sizeof(stored));
	if (gmtime_r(&created, &tm))
		strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
	else
		snprintf(when, sizeof(when), "?");
	printf("image:    %s\n", target);
	printf("state:    %s\n", h->spent ? "spent (already resumed or invalidated; will not resume)"
				      : "valid (resumable)");
	printf("format:   version %u\n", h->version);
	printf("id:       %016llx\n", (unsigned long long)h->image_id);
	printf("created:  %s\n", when);
	printf("source:   %s\n", cli_escaped(h->source, text, sizeof(text)));
	printf("pages:    %llu x %u bytes (%s, %llu bytes)\n", (unsigned long long)h->page_count,
	       h->page_size, size, (unsigned long long)h->image_bytes);
	printf("chunk:    %u pages\n", h->chunk_pages);
	printf("records:  %llu\n", (unsigned long long)h->record_count);
	printf("stored:   %s (%llu bytes of records + %u header)\n", stored,
	       (unsigned long long)h->data_bytes, HB_HEADER_AREA);
	printf("ratio:    %.2f\n",
	       (double)h->image_bytes / (double)(h->data_bytes + HB_HEADER_AREA));
	printf("filters:  %s\n", h->filter_count ? "" : "none");
	for (i = 0; i < h->filter_count; i++) {
		const struct hb_header_filter *f = &h->filters[i];
		describe_params(f, params, sizeof(params));
		printf("  %u. %-18s %s", i + 1, cli_escaped(f->name, name, sizeof(name)),
		       cli_escaped(f->options, text, sizeof(text)));
		printf("%s%s%s\n",
		       hb_find_plugin(HB_KIND_FILTER, f->name) ? "" : "  (not in this build)",
		       params[0] ? "  " : "", params);
	}
	printf("digest:   xxh3-128 over chunk digests ");
	for (i = 0; i < HB_DIGEST_LEN; i++)
		printf("%02x", h->digest[i]);
	printf("\n");
	if (h->tag_len) {
		printf("tag:      hmac-sha256 of the header under the image key ");
		for (i = 0; i < h->tag_len; i++)
			printf("%02x", h->tag[i]);
		printf("\n");
	}
}

int cmd_inspect(int argc, char **argv)
{
	struct hb_header h;
	int err;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		help();
		return HB_EXIT_OK;
	}
	if (argc != 2)
		return cli_usage_error("inspect", "expected one TARGET, e.g. file:/tmp/a.img");
	err = hb_inspect(argv[1], &h);
	if (err)
		return cli_fail(err);
	print_header(argv[1], &h);
	return HB_EXIT_OK;
}
