/* hiblab inspect: show an image's header without restoring it. */
#include "cli.h"

#include "backends/kernel_image.h"
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
	       "On a swap: or block: target without a hiblab image but with the kernel's\n"
	       "own (S1SUSPEND), read and verify that one: kernel release, page counts,\n"
	       "compressor, sizes, ratio, and its CRC32 (or the record where it breaks).\n"
	       "Reads only.\n\n"
	       "  TARGET      the image, e.g. file:/tmp/a.img, swap:/dev/sda2,offset=N\n"
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

static void print_kernel_image(const char *target, const struct hb_kimage_report *r)
{
	static const char *const from[] = { [HB_KIMAGE_REL_NONE] = "not found in the image",
					    [HB_KIMAGE_REL_UTSNAME] = "from swsusp_info",
					    [HB_KIMAGE_REL_BANNER] = "from the saved memory's banner" };
	char data[32], stored[32], text[260];

	hb_format_size(r->data_bytes, data, sizeof(data));
	hb_format_size(r->stored_bytes, stored, sizeof(stored));
	printf("image:    %s\n", target);
	printf("kind:     the kernel's own hibernation image (S1SUSPEND, swap header at page "
	       "%llu)\n", (unsigned long long)r->header_page);
	printf("kernel:   %s (%s; %s)\n", r->release[0] ? cli_escaped(r->release, text, sizeof(text))
						      : "?",
	       r->machine[0] ? r->machine : "machine not recorded", from[r->release_from]);
	printf("flags:    0x%x%s%s%s\n", r->flags,
	       r->flags & HB_KIMAGE_SF_PLATFORM ? " platform" : "",
	       r->flags & HB_KIMAGE_SF_CRC32 ? " crc32" : "",
	       r->flags & HB_KIMAGE_SF_HW_SIG ? " hw-signature" : "");
	printf("compress: %s", hb_kimage_comp_name(r->comp));
	if (r->comp != HB_KIMAGE_PLAIN)
		printf(", %llu records of up to 32 pages", (unsigned long long)r->records);
	printf("\n");
	printf("pages:    %llu in the image: 1 swsusp_info, %llu page-frame list, %llu data\n",
	       (unsigned long long)r->pages, (unsigned long long)r->meta_pages,
	       (unsigned long long)r->image_pages);
	printf("memory:   %llu frames restored, %llu of them zero pages not stored\n",
	       (unsigned long long)r->pfns, (unsigned long long)r->zero_pages);
	printf("size:     %s (%llu bytes: the image the kernel restores)\n", data,
	       (unsigned long long)r->data_bytes);
	printf("stored:   %s (%llu bytes: %llu map pages and the pages they list)\n", stored,
	       (unsigned long long)r->stored_bytes, (unsigned long long)r->map_pages);
	printf("ratio:    %.2f\n", r->ratio);
	if (r->flags & HB_KIMAGE_SF_CRC32)
		printf("crc32:    %08x stored, %08x computed: crc ok\n", r->crc_stored,
		       r->crc_computed);
	else
		printf("crc32:    none (the kernel keeps no CRC of an uncompressed image)\n");
}

int cmd_inspect(int argc, char **argv)
{
	struct hb_kimage_report kr;
	struct hb_header h;
	int err, kerr;

	if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		help();
		return HB_EXIT_OK;
	}
	if (argc != 2)
		return cli_usage_error("inspect", "expected one TARGET, e.g. file:/tmp/a.img");
	err = hb_inspect(argv[1], &h);
	/* no hiblab image: the kernel's own may be there */
	kerr = err == HB_ENOIMAGE || err == HB_EFOREIGN ? hb_kimage_read(argv[1], &kr) : HB_ENOIMAGE;
	if (kerr == 0) {
		print_kernel_image(argv[1], &kr);
		return HB_EXIT_OK;
	}
	if (kerr != HB_ENOIMAGE)
		return cli_fail(kerr);
	if (err)
		return cli_fail(err);
	print_header(argv[1], &h);
	return HB_EXIT_OK;
}
