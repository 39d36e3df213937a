// Nettle's AEAD ciphers, as dropscope opens TLS records with them: one key set once per direction, then a nonce,
// additional data, ciphertext and tag per record. Nettle keeps the expanded key in a context that each message
// reuses; swift-crypto's API builds a new context for every call, which cost eight times the cipher itself on the
// small records a streamed response travels in.
#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>
#include <nettle/memops.h>
#include <stddef.h>
#include <stdint.h>

/// The ciphers of `dropscope_aead_key`.
enum { DROPSCOPE_AES128_GCM = 0, DROPSCOPE_AES256_GCM = 1, DROPSCOPE_CHACHA20_POLY1305 = 2 };

/// One direction's key, expanded once.
typedef struct {
  int cipher;
  union {
    struct gcm_aes128_ctx aes128;
    struct gcm_aes256_ctx aes256;
    struct chacha_poly1305_ctx chacha;
  } context;
} dropscope_aead_key;

/// Sets `aead` to `cipher` (one of the constants above) under `key` (16 bytes for AES-128, else 32).
static inline void dropscope_aead_set_key(dropscope_aead_key *aead, int cipher, const uint8_t *key) {
  aead->cipher = cipher;
  switch (cipher) {
  case DROPSCOPE_AES128_GCM: nettle_gcm_aes128_set_key(&aead->context.aes128, key); break;
  case DROPSCOPE_AES256_GCM: nettle_gcm_aes256_set_key(&aead->context.aes256, key); break;
  default: nettle_chacha_poly1305_set_key(&aead->context.chacha, key); break;
  }
}

/// Decrypts `length` bytes of `ciphertext` into `plaintext` under the 12-byte `nonce`, and checks the 16-byte `tag`
/// over `additional` and the ciphertext: 1 when it verifies, 0 when not (then `plaintext` means nothing). The key
/// stays set for the next record either way.
static inline int dropscope_aead_open(dropscope_aead_key *aead, const uint8_t *nonce, const uint8_t *additional,
                                      size_t additional_length, const uint8_t *ciphertext, size_t length,
                                      const uint8_t *tag, uint8_t *plaintext) {
  uint8_t computed[16];
  switch (aead->cipher) {
  case DROPSCOPE_AES128_GCM:
    nettle_gcm_aes128_set_iv(&aead->context.aes128, 12, nonce);
    nettle_gcm_aes128_update(&aead->context.aes128, additional_length, additional);
    nettle_gcm_aes128_decrypt(&aead->context.aes128, length, plaintext, ciphertext);
    nettle_gcm_aes128_digest(&aead->context.aes128, 16, computed);
    break;
  case DROPSCOPE_AES256_GCM:
    nettle_gcm_aes256_set_iv(&aead->context.aes256, 12, nonce);
    nettle_gcm_aes256_update(&aead->context.aes256, additional_length, additional);
    nettle_gcm_aes256_decrypt(&aead->context.aes256, length, plaintext, ciphertext);
    nettle_gcm_aes256_digest(&aead->context.aes256, 16, computed);
    break;
  default:
    nettle_chacha_poly1305_set_nonce(&aead->context.chacha, nonce);
    nettle_chacha_poly1305_update(&aead->context.chacha, additional_length, additional);
    nettle_chacha_poly1305_decrypt(&aead->context.chacha, length, plaintext, ciphertext);
    nettle_chacha_poly1305_digest(&aead->context.chacha, 16, computed);
    break;
  }
  return nettle_memeql_sec(computed, tag, 16);
}
