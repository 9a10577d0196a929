/* Fuzz target: the image header and record reader (core/format.c).
 *
 * Input: an image's first bytes.  The first HB_HEADER_AREA bytes (zero-padded
 * when shorter, as a short file's area reads) go to hb_header_decode; what
 * follows is walked as records with hb_record_decode and hb_record_crc_ok.
 * A header that decodes must encode back to the same bytes (the crc aside:
 * the fuzz build does not check it), and its filter list must build a chain
 * or be refused cleanly. */
#include "tests/fuzz/fuzz.h"

#include "core/chain.h"
#include "core/format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

static void check_round_trip(const uint8_t *area, const struct hb_header *h, size_t slen)
{
	static uint8_t again[HB_HEADER_AREA];
	uint8_t *stat = (uint8_t *)malloc(HB_HEADER_AREA);
	size_t len = 0, total = 0;

	if (!stat)
		abort();
	if (hb_header_static_encode(h, stat, HB_HEADER_AREA, &len) != 0 || len != slen ||
	    hb_header_encode(h, stat, len, NULL, NULL, again, &total) != 0 ||
	    memcmp(again, area, 12) != 0 ||
	    memcmp(again + 16, area + 16, HB_HEADER_AREA - 16) != 0) {
		fprintf(stderr, "fuzz_header: a decoded header does not encode back to its bytes\n");
		abort();
	}
	free(stat);
}

static void walk_records(const uint8_t *p, size_t size, uint64_t image_id)
{
	while (size >= HB_RECORD_HDR) {
		struct hb_record r;
		size_t payload;

		if (hb_record_decode(p, &r) != 0)
			return;
		payload = size - HB_RECORD_HDR < r.payload_len ? size - HB_RECORD_HDR
							       : r.payload_len;
		(void)hb_record_crc_ok(p, image_id, p + HB_RECORD_HDR, (uint32_t)payload);
		p += HB_RECORD_HDR + payload;
		size -= HB_RECORD_HDR + payload;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t area[HB_HEADER_AREA];
	static struct hb_header h;
	static struct hb_chain chain;
	size_t head = size < HB_HEADER_AREA ? size : HB_HEADER_AREA;
	size_t soff = 0, slen = 0;

	memset(area, 0, sizeof(area));
	memcpy(area, data, head);
	if (hb_header_decode(area, &h, &soff, &slen) != 0)
		return 0;
	if (soff != HB_FIXED_LEN || soff + slen > HB_HEADER_AREA)
		abort();
	check_round_trip(area, &h, slen);
	if (hb_chain_from_header(&chain, &h) == 0)
		hb_chain_free(&chain);
	walk_records(data + head, size - head, h.image_id);
	return 0;
}
