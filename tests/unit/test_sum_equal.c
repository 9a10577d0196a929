/* hb_sum_equal, the one place every stored checksum is compared: in this
 * (non-fuzz) build it compares, so a record or header with a wrong crc is
 * refused; only tests/fuzz/ builds it to accept everything. */
#include "core/format.h"
#include "core/hash.h"

#include <criterion/criterion.h>
#include <string.h>

Test(sum_equal, compares_every_byte)
{
	uint8_t a[16], b[16];
	size_t i;

	memset(a, 0x5a, sizeof(a));
	memcpy(b, a, sizeof(b));
	cr_assert(hb_sum_equal(a, b, sizeof(a)));
	for (i = 0; i < sizeof(b); i++) {
		b[i] ^= 1;
		cr_assert(!hb_sum_equal(a, b, sizeof(a)), "a difference at byte %zu was missed", i);
		b[i] ^= 1;
	}
}

Test(sum_equal, normal_build_refuses_a_wrong_record_crc)
{
	static const uint8_t payload[] = "a page";
	uint8_t hdr[HB_RECORD_HDR];

	hb_record_encode(hdr, 42, 0, 1, payload, sizeof(payload));
	cr_assert(hb_record_crc_ok(hdr, 42, payload, sizeof(payload)));
	hdr[20] ^= 0x80;
	cr_assert(!hb_record_crc_ok(hdr, 42, payload, sizeof(payload)),
		  "a record with a wrong crc passed: built with HB_FUZZ_NO_CHECKSUMS?");
}
