/* chacha20-poly1305: authenticated encryption of every record with
 * ChaCha20-Poly1305 (RFC 8439, OpenSSL), the choice for CPUs without AES
 * instructions.  All the work is in aead.c. */
#include "aead.h"

static const struct hb_aead_desc chacha20_poly1305 = {
	.evp_name = "ChaCha20-Poly1305",
};

const struct hb_filter hb_filter_chacha20_poly1305 = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "chacha20-poly1305",
		.help = "encrypt and authenticate records with ChaCha20-Poly1305 (--key "
			"keyfile=PATH, passfile=PATH, or a typed passphrase)",
		.options = hb_aead_options,
		.conf_size = sizeof(struct hb_aead_conf),
		.priv_size = sizeof(struct hb_aead_priv),
	},
	.state_size = sizeof(struct hb_aead_state),
	.exact_size = true,  /* ciphertext as long as its input, then the tag */
	.family = &chacha20_poly1305,
	.bound = hb_aead_bound,
	.prepare = hb_aead_prepare,
	.release = hb_aead_release,
	.create = hb_aead_create,
	.destroy = hb_aead_destroy,
	.encode = hb_aead_encode,
	.decode = hb_aead_decode,
	.header_tag = hb_aead_header_tag,
	.ctl = hb_aead_ctl,
};
