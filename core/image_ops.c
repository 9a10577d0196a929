/* Looking at an image without restoring it: inspect and invalidate. */
#include "engine.h"
#include "error.h"
#include "target.h"

int hb_inspect(const char *target, struct hb_header *h)
{
	struct hb_target t;
	int err;

	hb_clear_detail();
	err = hb_target_load(&t, target);
	if (!err)
		*h = *t.header;
	hb_target_close(&t);
	return err;
}

/* A header this build refuses (damaged, or of a newer version) behind a
 * signature that is hiblab's: invalidating it is still what the user asked
 * for, so it is spent as it stands (a swap writer puts its swap header
 * back).  A foreign signature is never touched: that is not our image. */
static int force_invalidate(struct hb_target *t)
{
	hb_header_mark_spent(t->area);
	return t->writer->invalidate(t->inst.priv, t->area, HB_HEADER_AREA);
}

int hb_invalidate(const char *target)
{
	struct hb_target t;
	int err;

	hb_clear_detail();
	err = hb_target_load(&t, target);
	/* t.area is set once the writer opened: the refusal came from the header */
	if ((err == HB_ECORRUPT || err == HB_EVERSION) && t.area)
		err = force_invalidate(&t);
	else if (!err && t.header->spent)
		err = hb_fail(HB_ENOIMAGE, "no image: the image at %s is already spent", target);
	else if (!err)
		err = hb_target_invalidate(&t);
	hb_target_close(&t);
	return err;
}
