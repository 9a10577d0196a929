/* An image target: a configured writer plus its header area, shared by
 * suspend, resume, inspect and invalidate. */
#ifndef HB_TARGET_H
#define HB_TARGET_H

#include "format.h"
#include "registry.h"

struct hb_target {
	struct hb_instance inst;
	const struct hb_writer *writer;
	bool is_open;               /* open() was called: close() is due */
	bool ready;                 /* open() succeeded */
	uint8_t *area;              /* HB_HEADER_AREA bytes (load) */
	struct hb_header *header;   /* decoded (load) */
	size_t static_off, static_len;
};

/* Configure the writer from text ("file:/tmp/a.img") and open it. */
int hb_target_open(struct hb_target *t, const char *text, enum hb_open_mode mode);

/* Open for a suspend whose pages come from src (an opened source instance,
 * or NULL): a source that needs a raw target is refused any other before
 * the target opens, and a raw target gets the source's slots. */
int hb_target_open_save(struct hb_target *t, const char *text, const struct hb_instance *src);

/* Open for load and decode the header.  On a decode error the target stays
 * open (the caller closes it), so inspect can still report what it found. */
int hb_target_load(struct hb_target *t, const char *text);

/* Durably mark the loaded image spent: it is never restored again. */
int hb_target_invalidate(struct hb_target *t);

/* Spend an image whose header this build refuses (damaged, newer) behind
 * hiblab's signature, as it stands: a swap writer puts its swap header back.
 * Never for a foreign signature: that is not our image. */
int hb_target_spend_as_is(struct hb_target *t);

void hb_target_close(struct hb_target *t);

#endif
