/* The plugin API: filters, writers, sources and sinks.  docs/PLUGINS.md
 * explains each method; this header is the contract.
 *
 * Every plugin starts with a struct hb_plugin: its name, one line of help,
 * its options (declared as data, parsed by the core into a conf struct of
 * conf_size bytes) and the size of its private state (allocated, zeroed and
 * freed by the core).  Methods marked optional may be NULL. */
#ifndef HB_PLUGIN_H
#define HB_PLUGIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

/* Bumped whenever a method's signature or meaning changes: a table built
 * against another API is refused at start-up (hb_registry_check). */
#define HB_PLUGIN_VERSION 2u

struct hb_plugin {
	unsigned version;                 /* HB_PLUGIN_VERSION */
	const char *name;
	const char *help;
	const struct hb_option *options;  /* terminated by an entry with name == NULL */
	size_t conf_size;                 /* parsed options: read-only once parsed */
	size_t priv_size;                 /* per-instance (per-worker) state */
};

/* Asks the user for a passphrase without echo (a terminal prompt).  attempt
 * counts from 1.  Returns the length, or a negative HB_E* code. */
typedef int hb_passphrase_fn(void *ctx, const char *prompt, char *buf, size_t cap,
			     unsigned attempt);

/* What every plugin may know about the image being written or read. */
struct hb_image_info {
	uint32_t page_size;
	uint32_t chunk_pages;
	uint64_t page_count;
	uint64_t image_id;     /* random per image; seeds record checksums */
	const uint8_t *aad;    /* the header's static section: authenticate it (AEAD) */
	size_t aad_len;        /* (NULL/0 while prepare() runs: it is not final yet) */
	const char *key_spec;  /* --key text ("keyfile=PATH"), or NULL */
	hb_passphrase_fn *ask_passphrase;  /* without key_spec: prompt (or NULL) */
	void *ask_ctx;
	unsigned key_attempt;  /* 1, 2, 3: the engine retries a wrong typed key */
	bool saving;           /* true on suspend, false on resume */
};

/* ---- filters ------------------------------------------------------------ */

/* Where a chunk sits in the image: lets a cipher derive a unique nonce. */
struct hb_chunk_ref {
	uint64_t seq;         /* record number, 0-based */
	uint64_t first_page;
	uint32_t pages;
};

/* One step of a filter: in -> out.  out_len is set by the filter.  A filter
 * that only appends to or trims its input (a checksum) may avoid the copy:
 * it writes in place through in_mut when in_spare allows, or points result
 * into in, and sets out_len; the core then uses result instead of out. */
struct hb_xfer {
	const struct hb_chunk_ref *chunk;
	const uint8_t *in;
	size_t in_len;
	uint8_t *in_mut;         /* in, writable; NULL when it is read-only */
	size_t in_spare;         /* bytes writable after in[in_len] (with in_mut) */
	const uint8_t *result;   /* set by the filter: output is result[0..out_len) */
	uint8_t *out;
	size_t out_cap;
	size_t out_len;
};

/* Bytes a filter keeps in the image header (a salt, KDF costs). */
#define HB_PARAMS_MAX 256
/* A header tag (HMAC-SHA256): docs/FORMAT.md, "Header tag". */
#define HB_HEADER_TAG_LEN 32
struct hb_params {
	uint8_t data[HB_PARAMS_MAX];
	size_t len;
};

struct hb_filter {
	struct hb_plugin base;
	/* the filter keeps state across chunks (dedup): the pipeline runs it on
	 * chunks in image order, one at a time; other stages stay parallel */
	bool ordered;
	/* output is always exactly bound(in_len) bytes (a checksum, an AEAD): it
	 * can never shrink an image, so with only such filters the core knows the
	 * image's size before writing it, and refuses a target too small for it */
	bool exact_size;
	/* per-image state: allocated zeroed by the core before prepare, wiped and
	 * freed by the core after release.  What prepare derives (a key, a table)
	 * lives here, so conf stays the parsed options, read-only. */
	size_t state_size;
	/* optional: what a family of filters that share one implementation of
	 * the methods needs to tell its members apart (a compressor's codec, an
	 * AEAD's cipher); the methods reach it through self */
	const void *family;
	/* Every method but destroy, release and ctl gets self: this table. */
	/* optional: worst-case output size for in_len input bytes (NULL: in_len) */
	size_t (*bound)(const struct hb_filter *self, const void *conf, size_t in_len);
	/* optional: once per image, before any worker exists.  Saving: may write
	 * params (stored in the header).  Loading: reads them.  Keeps what it
	 * derives (a key) in state.  On failure it leaves nothing to release. */
	int (*prepare)(const struct hb_filter *self, const void *conf, void *state,
		       const struct hb_image_info *img, struct hb_params *params);
	/* optional: undo prepare (wipe keys, free tables) */
	void (*release)(void *state);
	/* optional: set up one worker's state in priv (zeroed by the core);
	 * state is the image's, prepared */
	int (*create)(const struct hb_filter *self, void *priv, const void *conf,
		      const void *state, const struct hb_image_info *img);
	/* optional: free what create allocated */
	void (*destroy)(void *priv);
	/* required: transform a chunk on suspend, and undo it on resume.  Decode
	 * failures return HB_ECORRUPT (or HB_EKEY) and may set a detail line. */
	int (*encode)(const struct hb_filter *self, void *priv, struct hb_xfer *x);
	int (*decode)(const struct hb_filter *self, void *priv, struct hb_xfer *x);
	/* optional: the filter seals the image (a cipher).  A MAC of bytes (the
	 * header, docs/FORMAT.md says which) under a key of this image that
	 * prepare derived into state: with such a filter in the chain the header
	 * carries the tag, and a resume checks it right after prepare, before it
	 * acts on any field.  The first such filter of a chain makes the tag. */
	int (*header_tag)(const struct hb_filter *self, const void *state, const uint8_t *bytes,
			  size_t len, uint8_t tag[HB_HEADER_TAG_LEN]);
	/* optional escape hatch for needs no method covers (see HB_CTL_*) */
	int (*ctl)(const void *conf, int op, void *arg);
};

/* ctl ops */
enum hb_ctl_op {
	/* arg: struct hb_ctl_describe; render params for `hiblab inspect` */
	HB_CTL_DESCRIBE_PARAMS = 1
};

struct hb_ctl_describe {
	const struct hb_params *params;
	char *buf;
	size_t cap;
};

/* ---- writers (image targets) --------------------------------------------- */

enum hb_open_mode {
	HB_OPEN_SAVE,  /* suspend: a new image; any old signature is gone at open */
	HB_OPEN_LOAD   /* resume, inspect, invalidate */
};

/* The header area at the front of every image: docs/FORMAT.md. */
#define HB_HEADER_AREA 4096u

/* A source's storage slots, handed by the core to a raw writer that opens
 * for save: where the writer may put its pages when the source owns the map
 * of what is free (the kernel's swap slots, through /dev/snapshot).  The
 * writer copies the struct; ctx lives as long as the suspend. */
struct hb_slot_ops {
	/* the area the slots come from: its device (st_rdev) and the page of its
	 * header there */
	int (*set_area)(void *ctx, uint64_t dev, uint64_t header_page);
	/* one free page: its byte offset on the device; HB_ENOSPACE when none is
	 * left (no detail line: the writer says how much fit) */
	int (*alloc_page)(void *ctx, uint64_t *byte_off);
	/* bytes the source can still give */
	int (*avail)(void *ctx, uint64_t *bytes);
	/* give back every page taken (the suspend failed) */
	void (*free_all)(void *ctx);
};

struct hb_slot_alloc {
	const struct hb_slot_ops *ops;
	void *ctx;
};

/* caps: the writer writes a raw device or preallocated file through its own
 * descriptor, touching no mounted file system, so a frozen system can write
 * it; it may take its slots from the source (attach), and its commit leaves
 * the image durable, so the machine may power off right after it. */
#define HB_WRITER_RAW 1u

struct hb_writer {
	struct hb_plugin base;
	unsigned caps;  /* HB_WRITER_* */
	/* required: open the target described by conf */
	int (*open)(void *priv, const void *conf, enum hb_open_mode mode);
	/* required (save): append len bytes to the data area */
	int (*write)(void *priv, const void *buf, size_t len);
	/* required (load): next len bytes of the data area; HB_ETRUNCATED if the
	 * target ends first */
	int (*read)(void *priv, void *buf, size_t len);
	/* required (load): the HB_HEADER_AREA bytes of the header area */
	int (*read_header)(void *priv, void *buf);
	/* required (save): make every written byte durable, then write the header
	 * area (len <= HB_HEADER_AREA) and make it durable: the commit point */
	int (*commit)(void *priv, const void *header, size_t len);
	/* required (load): replace the header with `header` (a spent image)
	 * durably, so the image is never restored again */
	int (*invalidate)(void *priv, const void *header, size_t len);
	/* optional (save): the suspend failed; leave no image behind */
	void (*abort)(void *priv);
	/* optional: called after every open(), a failed one too */
	void (*close)(void *priv);
	/* optional (save): right after a successful open, before capacity() or
	 * write(): the source's slots (copy them), or NULL when it has none */
	int (*attach)(void *priv, const struct hb_slot_alloc *slots);
	/* optional (save, after open): the most bytes of records the target can
	 * hold, so that an image which cannot fit is refused before it is written */
	int (*capacity)(void *priv, uint64_t *bytes);
};

/* ---- sources (where pages come from) -------------------------------------- */

struct hb_source_info {
	uint32_t page_size;
	uint64_t bytes;        /* exact length; the last page is zero-padded */
};

struct hb_source {
	struct hb_plugin base;
	/* read() may run for several chunks at once, in any order (a model that
	 * computes pages, a file read with pread): the pipeline then reads in its
	 * worker threads.  false: strictly in order, one call at a time. */
	bool parallel_read;
	/* reading it again gives the same pages and touches nothing (a model, a
	 * file read-only): `resume --verify` may open it from what an image header
	 * names.  false (the kernel's /dev/snapshot): never opened that way. */
	bool replayable;
	/* non-NULL: pages go only to a HB_WRITER_RAW writer; the core refuses any
	 * other before the target opens, with this reason ending the line */
	const char *needs_raw_target;
	/* required: open and say how large the source is */
	int (*open)(void *priv, const void *conf, struct hb_source_info *info);
	/* required: pages [first, first+count) into buf (count * page_size bytes);
	 * bytes past the end of the source read as zero */
	int (*read)(void *priv, uint64_t first, uint32_t count, uint8_t *buf);
	/* optional: called after every open(), a failed one too */
	void (*close)(void *priv);
	/* optional (after open): the core paired the source with a HB_WRITER_RAW
	 * target, before that opens: fill *slots when the source owns where the
	 * writer's pages may go (left zeroed: it does not) */
	void (*slots)(void *priv, struct hb_slot_alloc *slots);
	/* optional: the writer's commit succeeded and the image is durable (power
	 * off here).  An error fails the suspend, and the writer's abort drops
	 * the image. */
	int (*committed)(void *priv);
};

/* ---- sinks (where restored pages go) -------------------------------------- */

struct hb_sink_info {
	uint32_t page_size;
	uint64_t bytes;          /* exact length of the original source */
	const char *source;      /* the source spec recorded in the image */
};

struct hb_sink {
	struct hb_plugin base;
	/* required */
	int (*open)(void *priv, const void *conf, const struct hb_sink_info *info);
	/* required: restored pages, in order (unverified until commit) */
	int (*write)(void *priv, uint64_t first, uint32_t count, const uint8_t *buf);
	/* optional: every record and the image digest verified: make it real
	 * (rename into place, atomic restore) */
	int (*commit)(void *priv);
	/* optional: called after every open(), a failed one too; without a
	 * commit, discard what was written */
	void (*close)(void *priv);
};

#endif
