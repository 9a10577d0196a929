/* swap: reading an image back out of a swap area (the load half of
 * swap_writer.c): its header area, then the data pages through the chain of
 * map pages.  Nothing on disk is trusted: every map page is checked against
 * its checksum, the image's session and the area's bounds. */
#include "backends/rawio.h"
#include "backends/swap_writer.h"
#include "core/bytes.h"
#include "core/error.h"
#include "core/format.h"
#include "core/hash.h"

#include <string.h>

int hb_swap_read_header(void *priv, void *buf)
{
	struct swap_priv *s = (struct swap_priv *)priv;
	int err;

	memset(buf, 0, HB_HEADER_AREA);
	if (!s->img.desc_ok)
		return hb_fail(HB_ECORRUPT, "%s: the image's descriptor page is damaged",
			       s->raw.name);
	if (s->img.head_page == 0 || s->img.head_page >= s->dev_pages)
		return hb_fail(HB_ECORRUPT, "%s: the image's descriptor is damaged", s->raw.name);
	err = hb_swap_read_page(s, s->stage, s->img.head_page);
	if (err)
		return err;
	memcpy(buf, s->stage, HB_HEADER_AREA);
	/* the trailer says this is our image: a bad signature is damage, not a
	 * foreign header (so `hiblab invalidate` still puts the swap header back) */
	if (memcmp(buf, HB_MAGIC_VALID, HB_MAGIC_LEN) != 0 &&
	    memcmp(buf, HB_MAGIC_SPENT, HB_MAGIC_LEN) != 0)
		return hb_fail(HB_ECORRUPT, "%s: the image header's signature is damaged",
			       s->raw.name);
	return 0;
}

static int load_map(struct swap_priv *s)
{
	uint64_t page = s->map_page;
	uint32_t i, n;
	int err;

	if (page == 0 || page == s->base || page >= s->dev_pages)
		return hb_fail(HB_ECORRUPT, "%s: the image's page map ends early", s->raw.name);
	err = hb_swap_read_page(s, s->map, page);
	if (err)
		return err;
	n = hb_get32(s->map + 12);
	if (memcmp(s->map, MAP_MAGIC, 8) != 0 ||
	    hb_get32(s->map + 8) != hb_crc32c(0, s->map + 12, s->ps - 12) ||
	    hb_get64(s->map + 16) != s->img.session || hb_get64(s->map + 24) != s->map_seq ||
	    n > hb_swap_map_cap(s))
		return hb_fail(HB_ECORRUPT, "%s: page map %llu (page %llu) is damaged", s->raw.name,
			       (unsigned long long)s->map_seq, (unsigned long long)page);
	for (i = 0; i < n; i++) {
		const uint8_t *e = s->map + MAP_HDR + (size_t)EXT_LEN * i;
		uint64_t first = hb_get64(e), count = hb_get64(e + 8);
		if (first == 0 || count == 0 || first >= s->dev_pages ||
		    count > s->dev_pages - first || (s->base >= first && s->base < first + count))
			return hb_fail(HB_ECORRUPT, "%s: page map %llu names pages outside the area",
				       s->raw.name, (unsigned long long)s->map_seq);
	}
	s->map_page = hb_get64(s->map + 32);
	s->map_seq++;
	s->ext_i = 0;
	s->ext_n = n;
	return 0;
}

/* The stream's fill: the next run of data pages, into the stage. */
int hb_swap_fill(void *ctx, uint8_t **buf, size_t cap, uint64_t off, size_t *len)
{
	struct swap_priv *s = (struct swap_priv *)ctx;
	uint64_t left_pages = s->img.data_pages - s->pages_read;
	uint64_t n;
	int err;

	(void)cap;  /* STAGE_PAGES pages */
	(void)off;  /* the map says where */
	if (s->bytes_read >= s->img.data_bytes || left_pages == 0)
		return HB_ETRUNCATED;
	while (s->ext_left == 0) {
		if (s->ext_i == s->ext_n) {
			err = load_map(s);
			if (err)
				return err;
			continue;
		}
		s->ext_first = hb_get64(s->map + MAP_HDR + (size_t)EXT_LEN * s->ext_i);
		s->ext_left = hb_get64(s->map + MAP_HDR + (size_t)EXT_LEN * s->ext_i + 8);
		s->ext_i++;
	}
	n = s->ext_left < STAGE_PAGES ? s->ext_left : STAGE_PAGES;
	if (n > left_pages)
		n = left_pages;
	err = hb_raw_read(&s->raw, *buf, (size_t)n * s->ps, s->ext_first * s->ps);
	if (err == HB_ETRUNCATED)
		return hb_fail(HB_ECORRUPT, "%s: the page map points past the end", s->raw.name);
	if (err)
		return err;
	s->ext_first += n;
	s->ext_left -= n;
	s->pages_read += n;
	*len = (size_t)n * s->ps;
	if (*len > s->img.data_bytes - s->bytes_read)
		*len = (size_t)(s->img.data_bytes - s->bytes_read);
	s->bytes_read += *len;
	return 0;
}

int hb_swap_read(void *priv, void *buf, size_t len)
{
	return hb_stream_read(&((struct swap_priv *)priv)->stream, buf, len);
}
