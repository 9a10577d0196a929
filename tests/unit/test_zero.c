/* The zero filter's decoder trusts nothing: every malformed payload is
 * refused with a line naming the record, and one input has one payload
 * (docs/FORMAT.md, "zero"). */
#include "filterfx.h"

#include "core/bytes.h"
#include "core/error.h"

#include <criterion/criterion.h>
#include <string.h>

#define PAGES 3  /* the bitmap's last byte has 5 unused bits */

static uint8_t in[PAGES * FX_PAGE_SIZE], rec[PAGES * FX_PAGE_SIZE + 64],
	       dec[PAGES * FX_PAGE_SIZE];

/* pages 0 and 2 zero, page 1 not: payload = length, bitmap 0x05, page 1 */
static size_t encode(struct filterfx *t)
{
	size_t len = 0;

	memset(in, 0, sizeof(in));
	memset(in + FX_PAGE_SIZE, 0x5a, FX_PAGE_SIZE);
	fx_open(t, "zero", true);
	cr_assert_eq(fx_encode(t, 7, in, sizeof(in), rec, sizeof(rec), &len), 0);
	fx_close(t);
	cr_assert_eq(len, 4 + 1 + FX_PAGE_SIZE);
	cr_assert_eq(rec[4], 0x05);
	return len;
}

static int decode(struct filterfx *t, size_t len)
{
	size_t out = 0;
	int err;

	fx_open(t, "zero", false);
	err = fx_decode(t, 7, rec, len, dec, sizeof(dec), &out);
	fx_close(t);
	if (!err)
		cr_assert(out == sizeof(in) && memcmp(dec, in, sizeof(in)) == 0, "not bit-exact");
	return err;
}

static void expect_refused(struct filterfx *t, size_t len, const char *why)
{
	int err = decode(t, len);

	cr_assert_eq(err, HB_ECORRUPT, "%s: got %d", why, err);
	cr_assert(strstr(hb_detail(err), why), "%s", hb_detail(err));
	cr_assert(strstr(hb_detail(err), "record 7: zero:"), "%s", hb_detail(err));
}

Test(zero, round_trip_bit_exact)
{
	struct filterfx t;

	cr_assert_eq(decode(&t, encode(&t)), 0, "%s", hb_detail(-1));
}

Test(zero, unused_bitmap_bits_refused)
{
	struct filterfx t;
	size_t len = encode(&t);

	rec[4] |= 0x80;  /* a block that does not exist, "zero" */
	expect_refused(&t, len, "unused bitmap bits set");
}

Test(zero, cut_short_and_stray_bytes_refused)
{
	struct filterfx t;
	size_t len = encode(&t);

	expect_refused(&t, 3, "too short");
	expect_refused(&t, 4, "bitmap cut short");
	expect_refused(&t, len - 1, "data cut short");
	rec[len] = 0;
	expect_refused(&t, len + 1, "stray bytes");
}
