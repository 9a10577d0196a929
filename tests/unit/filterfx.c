/* A filter plugin driven by hand through its API: see filterfx.h. */
#include "filterfx.h"

#include "core/alloc.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

void fx_init(struct filterfx *t, const char *spec, bool saving)
{
	int err;

	memset(t, 0, sizeof(*t));
	snprintf(t->spec, sizeof(t->spec), "%s", spec);
	err = hb_instance_from_text(&t->inst, HB_KIND_FILTER, spec, "test");
	cr_assert_eq(err, 0, "%s: %s", spec, hb_detail(err));
	t->f = (const struct hb_filter *)t->inst.ops;
	cr_assert(t->f->encode && t->f->decode, "%s: encode and decode are required", spec);
	t->img = (struct hb_image_info){
		.page_size = FX_PAGE_SIZE,
		.chunk_pages = FX_CHUNK_PAGES,
		.page_count = FX_PAGE_COUNT,
		.image_id = 0x1b2c3d4e5f607182ull,
		.saving = saving,
	};
}

void fx_prepare(struct filterfx *t)
{
	int err;

	if (!t->state)
		t->state = hb_zalloc(t->f->state_size);
	cr_assert_not_null(t->state, "%s: out of memory", t->spec);
	if (!t->f->prepare)
		return;
	err = t->f->prepare(t->f, t->inst.conf, t->state, &t->img, &t->params);
	cr_assert_eq(err, 0, "%s: prepare: %s", t->spec, hb_detail(err));
	t->prepared = true;
}

void fx_create(struct filterfx *t)
{
	int err;

	if (t->f->create) {
		err = t->f->create(t->f, t->inst.priv, t->inst.conf, t->state, &t->img);
		cr_assert_eq(err, 0, "%s: create: %s", t->spec, hb_detail(err));
	}
	t->created = true;
}

void fx_open(struct filterfx *t, const char *spec, bool saving)
{
	fx_init(t, spec, saving);
	fx_prepare(t);
	fx_create(t);
}

void fx_close(struct filterfx *t)
{
	if (t->created && t->f->destroy)
		t->f->destroy(t->inst.priv);
	if (t->prepared && t->f->release)
		t->f->release(t->state);
	if (t->f)
		hb_wipe_free(t->state, t->f->state_size);
	hb_instance_free(&t->inst);
	memset(t, 0, sizeof(*t));
}

size_t fx_bound(const struct filterfx *t, size_t len)
{
	return t->f->bound ? t->f->bound(t->f, t->inst.conf, len) : len;
}

struct hb_chunk_ref fx_chunk(const struct filterfx *t, uint64_t seq)
{
	return (struct hb_chunk_ref){ .seq = seq,
				      .first_page = seq * t->img.chunk_pages,
				      .pages = t->img.chunk_pages };
}

int fx_xfer(struct filterfx *t, bool encode, const struct hb_chunk_ref *ref, const uint8_t *in,
	    size_t len, uint8_t *out, size_t cap, size_t *out_len)
{
	/* the input is read-only (in_mut NULL), as the chain hands a source's pages */
	struct hb_xfer x = { .chunk = ref, .in = in, .in_len = len, .out = out, .out_cap = cap };
	int err = encode ? t->f->encode(t->f, t->inst.priv, &x) : t->f->decode(t->f, t->inst.priv, &x);

	if (!err && x.result) {
		/* passed through (a checksum dropping its digest): the output lies
		 * inside the input; the caller gets it in out, as with any filter */
		uintptr_t r = (uintptr_t)x.result, a = (uintptr_t)in;

		cr_assert(r >= a && r - a <= len && x.out_len <= len - (r - a),
			  "%s: result outside its input", t->spec);
		cr_assert_leq(x.out_len, cap, "%s: %zu bytes passed through, out holds %zu", t->spec,
			      x.out_len, cap);
		if (x.out_len)
			memmove(out, x.result, x.out_len);
	}
	if (out_len)
		*out_len = x.out_len;
	return err;
}

int fx_encode(struct filterfx *t, uint64_t seq, const uint8_t *in, size_t len, uint8_t *out,
	      size_t cap, size_t *out_len)
{
	struct hb_chunk_ref ref = fx_chunk(t, seq);

	return fx_xfer(t, true, &ref, in, len, out, cap, out_len);
}

int fx_decode(struct filterfx *t, uint64_t seq, const uint8_t *in, size_t len, uint8_t *out,
	      size_t cap, size_t *out_len)
{
	struct hb_chunk_ref ref = fx_chunk(t, seq);

	return fx_xfer(t, false, &ref, in, len, out, cap, out_len);
}
