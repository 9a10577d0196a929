/* One filter plugin driven by hand through its API, as the pipeline drives it:
 * look up and configure it from spec text, prepare (once per image), create
 * (one worker), encode or decode chunk after chunk, destroy, release.
 *
 *	struct filterfx t;
 *
 *	fx_open(&t, "zstd:level=1", true);
 *	err = fx_encode(&t, seq, in, len, out, fx_bound(&t, len), &out_len);
 *	fx_close(&t);
 *
 * fx_open is fx_init + fx_prepare + fx_create.  To show the plugin another
 * image, call them one by one and change t.img (or t.params, on load) in
 * between.  A setup step that fails aborts the test with the plugin's
 * hb_detail line. */
#ifndef HB_FILTERFX_H
#define HB_FILTERFX_H

#include "core/plugin.h"
#include "core/registry.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The image fx_init describes (the caller may change t.img after it). */
#define FX_PAGE_SIZE 4096u
#define FX_CHUNK_PAGES 32u
#define FX_PAGE_COUNT 1024u

struct filterfx {
	char spec[64];             /* as given, for messages */
	struct hb_instance inst;   /* conf, and priv: the one worker */
	const struct hb_filter *f;
	void *state;               /* the image's state block (f->state_size bytes) */
	struct hb_image_info img;  /* FX_PAGE_SIZE, FX_CHUNK_PAGES, FX_PAGE_COUNT */
	struct hb_params params;   /* prepare writes them on save, reads them on load */
	bool prepared, created;    /* what fx_close undoes */
};

/* Configure spec (asserts it is a filter and its options parse) and fill in
 * img with the defaults above; saving as given. */
void fx_init(struct filterfx *t, const char *spec, bool saving);

/* prepare(), if the filter has one, with t->img and t->params (allocates
 * t->state the first time, as the core does). */
void fx_prepare(struct filterfx *t);

/* create(), if the filter has one: the worker in t->inst.priv. */
void fx_create(struct filterfx *t);

/* All three. */
void fx_open(struct filterfx *t, const char *spec, bool saving);

/* destroy and release what was set up, free the instance; zeroes *t. */
void fx_close(struct filterfx *t);

/* bound(len), or len for a filter without bound(). */
size_t fx_bound(const struct filterfx *t, size_t len);

/* Where record seq sits: img.chunk_pages pages from page seq * chunk_pages. */
struct hb_chunk_ref fx_chunk(const struct filterfx *t, uint64_t seq);

/* One chunk through encode (or decode) at ref, from read-only input: the
 * filter's code.  The output is in out[0..*out_len) (out_len may be NULL),
 * also where the filter passed part of its input through (hb_xfer.result):
 * the fixture checks that it lies inside the input and copies it to out. */
int fx_xfer(struct filterfx *t, bool encode, const struct hb_chunk_ref *ref, const uint8_t *in,
	    size_t len, uint8_t *out, size_t cap, size_t *out_len);

/* fx_xfer at fx_chunk(t, seq). */
int fx_encode(struct filterfx *t, uint64_t seq, const uint8_t *in, size_t len, uint8_t *out,
	      size_t cap, size_t *out_len);
int fx_decode(struct filterfx *t, uint64_t seq, const uint8_t *in, size_t len, uint8_t *out,
	      size_t cap, size_t *out_len);

#endif
