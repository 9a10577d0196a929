/* A filter chain: the configured filters of one image, and the per-worker
 * state that runs a chunk through them (encode forward, decode backward).
 * The parallel pipeline gives each worker thread its own hb_worker. */
#ifndef HB_CHAIN_H
#define HB_CHAIN_H

#include "format.h"
#include "registry.h"

struct hb_chain {
	unsigned count;
	struct hb_instance filters[HB_MAX_FILTERS];   /* conf per image */
	struct hb_params params[HB_MAX_FILTERS];
	void *state[HB_MAX_FILTERS];           /* per image: state_size bytes each */
	bool prepared[HB_MAX_FILTERS];
	size_t stage_cap[HB_MAX_FILTERS + 1];  /* [0] chunk bytes, [i] bound after filter i */
	size_t buf_cap;                        /* largest stage */
	struct hb_image_info img;
};

/* From --filters text ("zero,zstd:level=3,crc32c"); "" or "none" is no filter. */
int hb_chain_from_text(struct hb_chain *c, const char *text);

/* From an image header: refuses names this build lacks ("image needs zstd"). */
int hb_chain_from_header(struct hb_chain *c, const struct hb_header *h);

/* Compute bounds and run each filter's prepare (img->saving chooses the
 * direction; params are read from / written to c->params). */
int hb_chain_prepare(struct hb_chain *c, const struct hb_image_info *img);

/* A filter of the chain seals the image (a cipher): its header carries a
 * header tag, which hb_chain_header_tag (an hb_header_tag_fn, ctx the
 * chain) computes once the chain is prepared. */
bool hb_chain_seals(const struct hb_chain *c);
int hb_chain_header_tag(void *chain, const uint8_t *bytes, size_t len,
			uint8_t tag[HB_HEADER_TAG_LEN]);

/* Describe the chain into the header (names, canonical options, params). */
int hb_chain_describe(const struct hb_chain *c, struct hb_header *h);

/* "zero,crc32c" or "none". */
void hb_chain_names(const struct hb_chain *c, char *buf, size_t cap);

/* Undo hb_chain_prepare (wipes keys), so it can run again. */
void hb_chain_unprepare(struct hb_chain *c);

/* Release per-image state (wipes keys) and free. */
void hb_chain_free(struct hb_chain *c);

struct hb_turns;

struct hb_worker {
	const struct hb_chain *chain;
	/* ordered sections (turns.h), set by the pipeline; NULL: one thread runs
	 * chunks in order anyway */
	struct hb_turns *turns;
	void *priv[HB_MAX_FILTERS];
	uint8_t *buf[2];
};

/* img must be the final one (aad set). */
int hb_worker_init(struct hb_worker *w, const struct hb_chain *c, const struct hb_image_info *img);
void hb_worker_fini(struct hb_worker *w);

/* Run a chunk through the chain.  *out points into the worker's buffers (or
 * at in, for an empty chain) and stays valid until the next call. */
int hb_worker_encode(struct hb_worker *w, const struct hb_chunk_ref *ref, const uint8_t *in,
		     size_t in_len, const uint8_t **out, size_t *out_len);
int hb_worker_decode(struct hb_worker *w, const struct hb_chunk_ref *ref, const uint8_t *in,
		     size_t in_len, const uint8_t **out, size_t *out_len);

/* The same, with an input the filters may extend or trim in place: in is
 * writable for in_cap bytes (in_cap 0: read-only, like the two above). */
int hb_worker_run(struct hb_worker *w, const struct hb_chunk_ref *ref, bool encode, uint8_t *in,
		  size_t in_len, size_t in_cap, const uint8_t **out, size_t *out_len);

#endif
