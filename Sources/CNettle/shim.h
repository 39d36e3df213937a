// Nettle's AEAD ciphers, as dropscope opens TLS records with them: a key, nonce, additional data, ciphertext and
// tag per record, straight into the caller's buffers. swift-crypto's `AES.GCM.open` wraps the same work in generic
// `Data` code and a heap context per call, which cost eight times the cipher itself on the small records a
// streamed response travels in.
#include <nettle/chacha-poly1305.h>
#include <nettle/gcm.h>
#include <nettle/memops.h>
#include <stddef.h>
#include <stdint.h>

/// The ciphers of `dropscope_aead_key`.
enum { DROPSCOPE_AES128_GCM = 0, DROPSCOPE_AES256_GCM = 1, DROPSCOPE_CHACHA20_POLY1305 = 2 };

/// Decrypts `length` bytes of `ciphertext` into `plaintext` with `cipher` (one of the constants above) under `key`
/// (16 bytes for AES-128, else 32) and the 12-byte `nonce`, and checks the 16-byte `tag` over `additional` and the
/// ciphertext: 1 when it verifies, 0 when not (then `plaintext` means nothing). The key is expanded on the stack for
/// this record (about 75 ns for AES-GCM here), so an open session holds its key's bytes, not Nettle's 4 KiB context.
static inline int dropscope_aead_open(int cipher, const uint8_t *key, const uint8_t *nonce, const uint8_t *additional,
                                      size_t additional_length, const uint8_t *ciphertext, size_t length,
                                      const uint8_t *tag, uint8_t *plaintext) {
  uint8_t computed[16];
  union {
    struct gcm_aes128_ctx aes128;
    struct gcm_aes256_ctx aes256;
    struct chacha_poly1305_ctx chacha;
  } context;
  switch (cipher) {
  case DROPSCOPE_AES128_GCM:
    nettle_gcm_aes128_set_key(&context.aes128, key);
    nettle_gcm_aes128_set_iv(&context.aes128, 12, nonce);
    nettle_gcm_aes128_update(&context.aes128, additional_length, additional);
    nettle_gcm_aes128_decrypt(&context.aes128, length, plaintext, ciphertext);
    nettle_gcm_aes128_digest(&context.aes128, 16, computed);
    break;
  case DROPSCOPE_AES256_GCM:
    nettle_gcm_aes256_set_key(&context.aes256, key);
    nettle_gcm_aes256_set_iv(&context.aes256, 12, nonce);
    nettle_gcm_aes256_update(&context.aes256, additional_length, additional);
    nettle_gcm_aes256_decrypt(&context.aes256, length, plaintext, ciphertext);
    nettle_gcm_aes256_digest(&context.aes256, 16, computed);
    break;
  default:
    nettle_chacha_poly1305_set_key(&context.chacha, key);
    nettle_chacha_poly1305_set_nonce(&context.chacha, nonce);
    nettle_chacha_poly1305_update(&context.chacha, additional_length, additional);
    nettle_chacha_poly1305_decrypt(&context.chacha, length, plaintext, ciphertext);
    nettle_chacha_poly1305_digest(&context.chacha, 16, computed);
    break;
  }
  return nettle_memeql_sec(computed, tag, 16);
}
