/* Filter chains: building them, preparing them, and running chunks through. */
#include "chain.h"
#include "alloc.h"
#include "turns.h"
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct hb_filter *filter_of(const struct hb_chain *c, unsigned i)
{
	return (const struct hb_filter *)c->filters[i].ops;
}

int hb_chain_from_text(struct hb_chain *c, const char *text)
{
	struct hb_spec *specs;
	unsigned n = 0, i;
	int err = 0;

	memset(c, 0, sizeof(*c));
	if (!text || !*text || strcmp(text, "none") == 0)
		return 0;
	specs = (struct hb_spec *)calloc(HB_MAX_FILTERS, sizeof(*specs));
	if (!specs)
		return hb_fail(HB_ENOMEM, "--filters: out of memory");
	err = hb_spec_parse_list(text, "--filters", specs, HB_MAX_FILTERS, &n);
	for (i = 0; !err && i < n; i++) {
		err = hb_instance_init(&c->filters[i], HB_KIND_FILTER, &specs[i], "--filters");
		if (!err)
			c->count = i + 1;
	}
	free(specs);
	if (err)
		hb_chain_free(c);
	return err;
}

int hb_chain_from_header(struct hb_chain *c, const struct hb_header *h)
{
	struct hb_spec *spec;
	unsigned i;
	int err = 0;

	memset(c, 0, sizeof(*c));
	spec = (struct hb_spec *)calloc(1, sizeof(*spec));
	if (!spec)
		return hb_fail(HB_ENOMEM, "out of memory");
	for (i = 0; !err && i < h->filter_count; i++) {
		const struct hb_header_filter *f = &h->filters[i];
		unsigned n = 0;

		if (!hb_find_plugin(HB_KIND_FILTER, f->name)) {
			err = hb_fail(HB_ENOPLUGIN, "image needs %s; this build has no %s", f->name,
				      f->name);
			break;
		}
		/* the stored options are canonical text: parse them like a spec */
		if (f->options[0]) {
			char text[HB_NAME_MAX + HB_STR_MAX + 1];
			snprintf(text, sizeof(text), "%s:%s", f->name, f->options);
			err = hb_spec_parse_list(text, "image header", spec, 1, &n);
		} else {
			memset(spec, 0, sizeof(*spec));
			snprintf(spec->name, sizeof(spec->name), "%s", f->name);
		}
		if (!err)
			err = hb_instance_init(&c->filters[i], HB_KIND_FILTER, spec, "image header");
		if (err == HB_EUSAGE)
			err = hb_fail(HB_ENOPLUGIN, "image sets %s options this build does not know "
						    "(%s)", f->name, f->options);
		if (!err) {
			c->params[i] = f->params;
			c->count = i + 1;
		}
	}
	free(spec);
	if (err)
		hb_chain_free(c);
	return err;
}

int hb_chain_prepare(struct hb_chain *c, const struct hb_image_info *img)
{
	unsigned i;
	int err;

	c->img = *img;
	c->img.aad = NULL;
	c->img.aad_len = 0;
	/* no larger than the image: a tiny image claiming big chunks gets small
	 * buffers (the header's sizes are bounded in format.c) */
	c->stage_cap[0] = (size_t)img->page_size *
			  (img->page_count < img->chunk_pages ? img->page_count : img->chunk_pages);
	c->buf_cap = c->stage_cap[0];
	for (i = 0; i < c->count; i++) {
		const struct hb_filter *f = filter_of(c, i);
		size_t in = c->stage_cap[i];
		size_t out = f->bound ? f->bound(f, c->filters[i].conf, in) : in;

		c->stage_cap[i + 1] = out;
		if (out > c->buf_cap)
			c->buf_cap = out;
		if (!c->state[i])
			c->state[i] = hb_zalloc(f->state_size);
		if (!c->state[i])
			return hb_fail(HB_ENOMEM, "%s: out of memory", f->base.name);
		if (f->prepare) {
			err = f->prepare(f, c->filters[i].conf, c->state[i], &c->img, &c->params[i]);
			if (err)
				return err;
		}
		c->prepared[i] = true;
	}
	return 0;
}

/* The chain's first sealing filter (one with header_tag), or -1. */
static int sealer_of(const struct hb_chain *c)
{
	unsigned i;

	for (i = 0; i < c->count; i++)
		if (filter_of(c, i)->header_tag)
			return (int)i;
	return -1;
}

bool hb_chain_seals(const struct hb_chain *c)
{
	return sealer_of(c) >= 0;
}

int hb_chain_header_tag(void *chain, const uint8_t *bytes, size_t len,
			uint8_t tag[HB_HEADER_TAG_LEN])
{
	const struct hb_chain *c = (const struct hb_chain *)chain;
	int i = sealer_of(c);
	const struct hb_filter *f;

	if (i < 0 || !c->prepared[i])
		return hb_fail(HB_EINTERNAL, "header tag without a prepared sealing filter");
	f = filter_of(c, (unsigned)i);
	return f->header_tag(f, c->state[i], bytes, len, tag);
}

int hb_chain_describe(const struct hb_chain *c, struct hb_header *h)
{
	unsigned i;
	int err;

	h->filter_count = c->count;
	for (i = 0; i < c->count; i++) {
		struct hb_header_filter *f = &h->filters[i];
		snprintf(f->name, sizeof(f->name), "%s", c->filters[i].plugin->name);
		err = hb_options_format(c->filters[i].plugin->options, c->filters[i].conf,
					f->options, sizeof(f->options));
		if (err)
			return err;
		f->params = c->params[i];
	}
	return 0;
}

void hb_chain_names(const struct hb_chain *c, char *buf, size_t cap)
{
	size_t used = 0;
	unsigned i;

	snprintf(buf, cap, "none");
	for (i = 0; i < c->count && used < cap; i++) {
		int n = snprintf(buf + used, cap - used, "%s%s", i ? "," : "",
				 c->filters[i].plugin->name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

void hb_chain_unprepare(struct hb_chain *c)
{
	unsigned i;

	for (i = 0; i < c->count; i++) {
		const struct hb_filter *f = filter_of(c, i);
		if (c->prepared[i] && f->release)
			f->release(c->state[i]);
		c->prepared[i] = false;
		/* it may have held a key */
		hb_wipe_free(c->state[i], f->state_size);
		c->state[i] = NULL;
	}
}

void hb_chain_free(struct hb_chain *c)
{
	unsigned i;

	hb_chain_unprepare(c);
	for (i = 0; i < HB_MAX_FILTERS; i++)
		hb_instance_free(&c->filters[i]);
	memset(c, 0, sizeof(*c));
}

int hb_worker_init(struct hb_worker *w, const struct hb_chain *c, const struct hb_image_info *img)
{
	unsigned i;
	int err = 0;

	memset(w, 0, sizeof(*w));
	w->chain = c;
	if (c->count == 0)
		return 0;
	w->buf[0] = (uint8_t *)malloc(c->buf_cap);
	w->buf[1] = (uint8_t *)malloc(c->buf_cap);
	if (!w->buf[0] || !w->buf[1]) {
		hb_worker_fini(w);
		return hb_fail(HB_ENOMEM, "out of memory for filter buffers");
	}
	for (i = 0; i < c->count; i++) {
		const struct hb_filter *f = filter_of(c, i);
		w->priv[i] = hb_zalloc(f->base.priv_size);
		if (!w->priv[i]) {
			err = hb_fail(HB_ENOMEM, "%s: out of memory", f->base.name);
			break;
		}
		if (f->create) {
			err = f->create(f, w->priv[i], c->filters[i].conf, c->state[i], img);
			if (err) {
				hb_wipe_free(w->priv[i], f->base.priv_size);
				w->priv[i] = NULL;
				break;
			}
		}
	}
	if (err)
		hb_worker_fini(w);
	return err;
}

void hb_worker_fini(struct hb_worker *w)
{
	unsigned i;

	for (i = 0; w->chain && i < w->chain->count; i++) {
		const struct hb_filter *f = filter_of(w->chain, i);
		if (!w->priv[i])
			continue;
		if (f->destroy)
			f->destroy(w->priv[i]);
		hb_wipe_free(w->priv[i], f->base.priv_size);
	}
	/* the buffers held plaintext pages: wipe them too */
	if (w->chain) {
		hb_wipe_free(w->buf[0], w->chain->buf_cap);
		hb_wipe_free(w->buf[1], w->chain->buf_cap);
	}
	memset(w, 0, sizeof(*w));
}

/* One filter step; an ordered filter waits for its turn (chunk order). */
static int run_stage(struct hb_worker *w, unsigned i, struct hb_xfer *x, bool encode)
{
	const struct hb_filter *f = filter_of(w->chain, i);
	bool turn = f->ordered && w->turns;
	int err = turn ? hb_turn_begin(w->turns, i, x->chunk->seq) : 0;

	if (err)
		return err;
	err = encode ? f->encode(f, w->priv[i], x) : f->decode(f, w->priv[i], x);
	/* after a failure the turn is kept: the pipeline is stopping, and a later
	 * chunk must not report its own error before this one */
	if (turn && !err)
		hb_turn_end(w->turns, i);
	return err;
}

/* Where a stage's input lives: writable (with room after it) or not. */
struct stage_data {
	const uint8_t *p;
	uint8_t *mut;      /* p, writable; NULL if read-only */
	size_t len, cap;   /* cap: writable bytes from p (when mut) */
};

/* The output of a stage: what it wrote to out, or what it passed through
 * (x->result, inside its input). */
static void stage_result(const struct hb_xfer *x, const struct stage_data *in, uint8_t *out,
			 size_t out_buf_cap, struct stage_data *next)
{
	if (x->result) {
		size_t skip = (size_t)(x->result - in->p);
		next->p = x->result;
		next->mut = in->mut ? in->mut + skip : NULL;
		next->cap = in->mut ? in->cap - skip : 0;
	} else {
		next->p = out;
		next->mut = out;
		next->cap = out_buf_cap;
	}
	next->len = x->out_len;
}

/* Whether p points into buf[0..cap) (as integers: they may be unrelated). */
static bool inside(const uint8_t *p, const uint8_t *buf, size_t cap)
{
	uintptr_t a = (uintptr_t)p, b = (uintptr_t)buf;

	return a >= b && a < b + cap;
}

/* Run every stage, forward (encode) or backward (decode).  Each stage writes
 * into the worker buffer that does not hold its input, or passes its input
 * through (a checksum appending in place, or stripping its digest). */
int hb_worker_run(struct hb_worker *w, const struct hb_chunk_ref *ref, bool encode, uint8_t *in,
		  size_t in_len, size_t in_cap, const uint8_t **out, size_t *out_len)
{
	const struct hb_chain *c = w->chain;
	struct stage_data d = { .p = in, .mut = in_cap ? in : NULL, .len = in_len, .cap = in_cap };
	unsigned n;
	int err;

	for (n = 0; n < c->count; n++) {
		unsigned i = encode ? n : c->count - 1 - n;
		const struct hb_filter *f = filter_of(c, i);
		uint8_t *buf = inside(d.p, w->buf[0], c->buf_cap) ? w->buf[1] : w->buf[0];
		struct hb_xfer x = {
			.chunk = ref,
			.in = d.p,
			.in_len = d.len,
			.in_mut = d.mut,
			.in_spare = d.mut && d.cap > d.len ? d.cap - d.len : 0,
			.out = buf,
			/* decoding stage i gives back what stage i was given */
			.out_cap = encode ? c->stage_cap[i + 1] : c->stage_cap[i],
		};

		if (!encode && d.len > c->stage_cap[i + 1])
			return hb_fail(HB_ECORRUPT, "record %llu: %s input of %zu bytes exceeds "
						    "its bound", (unsigned long long)ref->seq,
				       f->base.name, d.len);
		err = run_stage(w, i, &x, encode);
		if (err)
			return err;
		if (x.result ? !inside(x.result, d.p, d.len + x.in_spare + 1) ||
				       (size_t)(x.result - d.p) + x.out_len > d.len + x.in_spare
			     : x.out_len > x.out_cap)
			return hb_fail(HB_EINTERNAL, "%s: %zu bytes of output outside its bound",
				       f->base.name, x.out_len);
		stage_result(&x, &d, buf, c->buf_cap, &d);
	}
	*out = d.p;
	*out_len = d.len;
	return 0;
}

int hb_worker_encode(struct hb_worker *w, const struct hb_chunk_ref *ref, const uint8_t *in,
		     size_t in_len, const uint8_t **out, size_t *out_len)
{
	/* read-only input (in_cap 0): the cast never leads to a write */
	return hb_worker_run(w, ref, true, (uint8_t *)(uintptr_t)in, in_len, 0, out, out_len);
}

int hb_worker_decode(struct hb_worker *w, const struct hb_chunk_ref *ref, const uint8_t *in,
		     size_t in_len, const uint8_t **out, size_t *out_len)
{
	return hb_worker_run(w, ref, false, (uint8_t *)(uintptr_t)in, in_len, 0, out, out_len);
}

