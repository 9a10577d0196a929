/* What every fuzz target shares (tests/fuzz/README.md): libFuzzer's entry
 * points, and a private scratch directory for the targets that need files. */
#ifndef HB_FUZZ_H
#define HB_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* libFuzzer calls these; declared here for -Wmissing-prototypes. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The fixed key every cipher seed was made with (64 hex digits): a key file
 * skips the passphrase KDF, so each input costs one HKDF, not a scrypt. */
#define FUZZ_KEY_HEX "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

/* path of name inside this process's scratch directory (made on first use,
 * removed at exit), in a static buffer of its own per name slot 0..3. */
const char *fuzz_path(unsigned slot, const char *name);

/* "keyfile=PATH" of a key file holding FUZZ_KEY_HEX (written once). */
const char *fuzz_key_spec(void);

/* Replace the file at path with data; aborts on failure (a broken harness,
 * not a finding in the code under test). */
void fuzz_write_file(const char *path, const void *data, size_t size);

#endif
