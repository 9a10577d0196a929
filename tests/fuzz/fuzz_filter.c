/* Fuzz target: every filter's decoder, through the chain API (core/chain.h).
 *
 * Input:
 *   [0]          the filter: its index in this build's registry (mod count)
 *   [1]          n, the length of the filter's header parameters
 *   [2, 2+n)     those parameters (what the image header would hold)
 *   then records, each a u16 length (little-endian) and that many bytes,
 *   decoded in turn as records 0, 1, ... of one image (at most FUZZ_RECORDS)
 *
 * A one-filter chain is built and prepared for resume with the parameters
 * given, the fixed key file and a fixed AAD, so a cipher's authentication
 * passes for seeds made with them (HB_FUZZ_SEEDS=DIR writes those seeds:
 * three pages of each kind of content through each filter's encoder). */
#include "tests/fuzz/fuzz.h"

#include "core/bytes.h"
#include "core/chain.h"
#include "core/error.h"
#include "core/registry.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* small pages and chunks: inputs stay short and executions fast */
#define FUZZ_PAGE 512u
#define FUZZ_CHUNK_PAGES 4u
#define FUZZ_RECORDS 4u
#define FUZZ_CHUNK (FUZZ_PAGE * FUZZ_CHUNK_PAGES)

static const uint8_t aad[32] = "hiblab fuzz: a fixed static part";

static unsigned filter_count(void)
{
	const struct hb_registered *r = hb_registry(HB_KIND_FILTER);
	unsigned n = 0;

	while (r[n].plugin)
		n++;
	return n;
}

static struct hb_image_info image(bool saving)
{
	return (struct hb_image_info){
		.page_size = FUZZ_PAGE,
		.chunk_pages = FUZZ_CHUNK_PAGES,
		.page_count = FUZZ_CHUNK_PAGES * FUZZ_RECORDS,
		.image_id = 0x0123456789abcdefull,
		.key_spec = fuzz_key_spec(),
		.saving = saving,
	};
}

static struct hb_chunk_ref chunk(uint64_t seq)
{
	return (struct hb_chunk_ref){
		.seq = seq,
		.first_page = seq * FUZZ_CHUNK_PAGES,
		.pages = FUZZ_CHUNK_PAGES,
	};
}

/* Record seq of the seed images: zeros, text, the text again (a duplicate
 * for dedup), and bytes that do not compress. */
static void seed_chunk(uint64_t seq, uint8_t *buf)
{
	static const char text[] = "hiblab writes and reads hibernation images. ";
	uint32_t x = 2463534242u;
	size_t i;

	for (i = 0; i < FUZZ_CHUNK; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		buf[i] = seq == 0 ? 0 : seq < 3 ? (uint8_t)text[i % (sizeof(text) - 1)] : (uint8_t)x;
	}
}

static void write_seed(const char *dir, unsigned index, const char *name)
{
	struct hb_image_info img = image(true);
	static uint8_t out[2 + HB_PARAMS_MAX + FUZZ_RECORDS * (2 + 4 * FUZZ_CHUNK)];
	uint8_t pages[FUZZ_CHUNK];
	struct hb_chain c;
	struct hb_worker w;
	size_t len = 0;
	uint64_t seq;
	char path[1024];

	if (hb_chain_from_text(&c, name) || hb_chain_prepare(&c, &img)) {
		fprintf(stderr, "fuzz_filter: %s: %s\n", name, hb_detail(HB_EINTERNAL));
		exit(1);
	}
	img.aad = aad;
	img.aad_len = sizeof(aad);
	if (hb_worker_init(&w, &c, &img))
		exit(1);
	out[len++] = (uint8_t)index;
	out[len++] = (uint8_t)c.params[0].len;
	memcpy(out + len, c.params[0].data, c.params[0].len);
	len += c.params[0].len;
	for (seq = 0; seq < FUZZ_RECORDS; seq++) {
		struct hb_chunk_ref ref = chunk(seq);
		const uint8_t *rec;
		size_t rec_len;

		seed_chunk(seq, pages);
		if (hb_worker_encode(&w, &ref, pages, sizeof(pages), &rec, &rec_len) ||
		    rec_len > 4 * FUZZ_CHUNK)
			exit(1);
		hb_put16(out + len, (uint16_t)rec_len);
		memcpy(out + len + 2, rec, rec_len);
		len += 2 + rec_len;
	}
	hb_worker_fini(&w);
	hb_chain_free(&c);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fuzz_write_file(path, out, len);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *seeds = getenv("HB_FUZZ_SEEDS");
	const struct hb_registered *r = hb_registry(HB_KIND_FILTER);
	unsigned i;

	(void)argc;
	(void)argv;
	if (!seeds)
		return 0;
	for (i = 0; r[i].plugin; i++)
		write_seed(seeds, i, r[i].plugin->name);
	exit(0);
}

static void decode_records(struct hb_worker *w, const uint8_t *p, size_t size)
{
	uint64_t seq;

	for (seq = 0; seq < FUZZ_RECORDS && size >= 2; seq++) {
		struct hb_chunk_ref ref = chunk(seq);
		size_t len = hb_get16(p);
		const uint8_t *out;
		size_t out_len;

		if (len > size - 2)
			len = size - 2;
		if (hb_worker_decode(w, &ref, p + 2, len, &out, &out_len) != 0)
			return;
		p += 2 + len;
		size -= 2 + len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned count;
	const struct hb_registered *r = hb_registry(HB_KIND_FILTER);
	struct hb_image_info img = image(false);
	struct hb_chain c;
	struct hb_worker w;
	size_t n;

	if (!count)
		count = filter_count();
	if (size < 2 || size - 2 < data[1])
		return 0;
	n = data[1];
	if (hb_chain_from_text(&c, r[data[0] % count].plugin->name))
		abort();  /* a registered filter with its defaults: must configure */
	memcpy(c.params[0].data, data + 2, n);
	c.params[0].len = n;
	if (hb_chain_prepare(&c, &img) == 0) {
		img.aad = aad;
		img.aad_len = sizeof(aad);
		if (hb_worker_init(&w, &c, &img) == 0) {
			decode_records(&w, data + 2 + n, size - 2 - n);
			hb_worker_fini(&w);
		}
	}
	hb_chain_free(&c);
	hb_clear_detail();
	return 0;
}
