/* aes-256-gcm: authenticated encryption of every record with AES-256-GCM
 * (OpenSSL; AES-NI where the CPU has it).  All the work is in aead.c. */
#include "aead.h"

static const struct hb_aead_desc aes_gcm = {
	.evp_name = "AES-256-GCM",
};

const struct hb_filter hb_filter_aes_256_gcm = {
	.base = {
		.version = HB_PLUGIN_VERSION,
		.name = "aes-256-gcm",
		.help = "encrypt and authenticate records with AES-256-GCM (--key keyfile=PATH, "
			"passfile=PATH, or a typed passphrase)",
		.options = hb_aead_options,
		.conf_size = sizeof(struct hb_aead_conf),
		.priv_size = sizeof(struct hb_aead_priv),
	},
	.state_size = sizeof(struct hb_aead_state),
	.exact_size = true,  /* ciphertext as long as its input, then the tag */
	.family = &aes_gcm,
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
