/* Opening image targets and reading or spending their headers. */
#include "target.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

int hb_target_open(struct hb_target *t, const char *text, enum hb_open_mode mode)
{
	int err;

	memset(t, 0, sizeof(*t));
	if (!text || !*text)
		return hb_fail(HB_EUSAGE, "--target is required (for example --target file:/tmp/a.img)");
	err = hb_instance_from_text(&t->inst, HB_KIND_WRITER, text, "--target");
	if (err)
		return err;
	t->writer = (const struct hb_writer *)t->inst.ops;
	/* close() runs after any open(), a failed one too, to release what it got */
	t->is_open = true;
	err = t->writer->open(t->inst.priv, t->inst.conf, mode);
	t->ready = !err;
	return err;
}

int hb_target_load(struct hb_target *t, const char *text)
{
	int err = hb_target_open(t, text, HB_OPEN_LOAD);

	if (err)
		return err;
	t->area = (uint8_t *)malloc(HB_HEADER_AREA);
	t->header = (struct hb_header *)malloc(sizeof(*t->header));
	if (!t->area || !t->header)
		return hb_fail(HB_ENOMEM, "out of memory");
	err = t->writer->read_header(t->inst.priv, t->area);
	if (err)
		return err;
	return hb_header_decode(t->area, t->header, &t->static_off, &t->static_len);
}

int hb_target_invalidate(struct hb_target *t)
{
	uint8_t *spent = (uint8_t *)malloc(HB_HEADER_AREA);
	int err;

	if (!spent)
		return hb_fail(HB_ENOMEM, "out of memory");
	memcpy(spent, t->area, HB_HEADER_AREA);
	hb_header_mark_spent(spent);
	err = t->writer->invalidate(t->inst.priv, spent,
				    HB_FIXED_LEN + t->static_len);
	if (!err)
		memcpy(t->area, spent, HB_HEADER_AREA);
	free(spent);
	return err;
}

void hb_target_close(struct hb_target *t)
{
	if (t->is_open && t->writer->close)
		t->writer->close(t->inst.priv);
	free(t->area);
	free(t->header);
	hb_instance_free(&t->inst);
	memset(t, 0, sizeof(*t));
}

int hb_target_spend_as_is(struct hb_target *t)
{
	hb_header_mark_spent(t->area);
	return t->writer->invalidate(t->inst.priv, t->area, HB_HEADER_AREA);
}
