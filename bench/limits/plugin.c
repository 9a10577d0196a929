/* The same filter through the hiblab plugin layer: a one-filter chain from
 * its text, prepared like suspend prepares it (and a second one like resume
 * does, from the first one's header parameters), run on one thread.
 *
 * Encode hands the chain the chunk as core/suspend.c does: hb_worker_run on
 * a writable slot with room after the data (the slot's in_cap is the larger
 * of chunk and chain bound), so a checksum can append in place; or, with
 * --readonly-input, hb_worker_encode on a read-only chunk.  Decode runs
 * hb_worker_decode on the stored record, read-only: a filter decoding in
 * place would consume the record the next pass needs. */
#include "lim.h"

#include "core/chain.h"
#include "core/error.h"

#include <stdlib.h>
#include <string.h>

struct plg_ctx {
	struct hb_chain save, load;
	struct hb_worker enc, dec;
	bool enc_ready, dec_ready;
	bool readonly;  /* hb_worker_encode rather than hb_worker_run on the slot */
};

/* Stands in for the header's static section, which a cipher authenticates. */
static const uint8_t fake_header[64] = "hiblab-bench: the header's static section";

static void plg_destroy(void *ctx)
{
	struct plg_ctx *x = (struct plg_ctx *)ctx;

	if (!x)
		return;
	if (x->enc_ready)
		hb_worker_fini(&x->enc);
	if (x->dec_ready)
		hb_worker_fini(&x->dec);
	hb_chain_free(&x->save);
	hb_chain_free(&x->load);
	free(x);
}

void *lim_plugin_create(const char *chain, const struct lim_pages *p, const char *key_spec,
			bool readonly)
{
	struct plg_ctx *x = (struct plg_ctx *)calloc(1, sizeof(*x));
	struct hb_image_info img;
	const char *step = "out of memory";
	unsigned i;
	int err = HB_ENOMEM;

	if (!x)
		goto out;
	x->readonly = readonly;
	memset(&img, 0, sizeof(img));
	img.page_size = (uint32_t)p->page_size;
	img.chunk_pages = (uint32_t)(p->chunk / p->page_size);
	img.page_count = p->bytes / p->page_size;
	img.image_id = 1;
	img.key_spec = key_spec;
	img.saving = true;
	step = "building the chain";
	err = hb_chain_from_text(&x->save, chain);
	if (!err)
		err = hb_chain_from_text(&x->load, chain);
	step = "preparing it to save";
	if (!err)
		err = hb_chain_prepare(&x->save, &img);
	/* the header is final now: workers get its static section */
	img.aad = fake_header;
	img.aad_len = sizeof(fake_header);
	step = "starting a saving worker";
	if (!err)
		err = hb_worker_init(&x->enc, &x->save, &img);
	x->enc_ready = !err;
	/* resume's chain reads what suspend's wrote into the header */
	for (i = 0; !err && i < x->save.count; i++)
		x->load.params[i] = x->save.params[i];
	img.saving = false;
	img.aad = NULL;
	img.aad_len = 0;
	step = "preparing it to load";
	if (!err)
		err = hb_chain_prepare(&x->load, &img);
	img.aad = fake_header;
	img.aad_len = sizeof(fake_header);
	step = "starting a loading worker";
	if (!err)
		err = hb_worker_init(&x->dec, &x->load, &img);
	x->dec_ready = !err;
out:
	if (err) {
		fprintf(stderr, "hiblab-bench: plugin %s: %s: %s\n", chain, step, hb_detail(err));
		plg_destroy(x);
		x = NULL;
	}
	return x;
}

size_t lim_plugin_bound(const void *ctx)
{
	const struct plg_ctx *x = (const struct plg_ctx *)ctx;

	return x->save.stage_cap[x->save.count];
}

static int plg_encode(void *ctx, const struct lim_chunk *c, uint8_t *buf, size_t cap,
		      const uint8_t **out, size_t *out_len)
{
	struct plg_ctx *x = (struct plg_ctx *)ctx;
	struct hb_chunk_ref ref = { .seq = c->seq, .first_page = c->first_page, .pages = c->pages };

	size_t in_cap = c->len > x->save.buf_cap ? c->len : x->save.buf_cap;

	(void)buf;
	(void)cap;
	if (x->readonly)
		return hb_worker_encode(&x->enc, &ref, c->orig, c->len, out, out_len);
	return hb_worker_run(&x->enc, &ref, true, c->slot, c->len,
			     in_cap < c->slot_cap ? in_cap : c->slot_cap, out, out_len);
}

static int plg_decode(void *ctx, const struct lim_chunk *c, const uint8_t *in, size_t in_len,
		      uint8_t *buf, size_t cap, const uint8_t **out, size_t *out_len)
{
	struct plg_ctx *x = (struct plg_ctx *)ctx;
	struct hb_chunk_ref ref = { .seq = c->seq, .first_page = c->first_page, .pages = c->pages };

	(void)buf;
	(void)cap;
	return hb_worker_decode(&x->dec, &ref, in, in_len, out, out_len);
}

const struct lim_ops lim_plugin_ops = {
	.encode = plg_encode,
	.decode = plg_decode,
	.destroy = plg_destroy,
};
