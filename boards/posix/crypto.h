/* Crypto primitives of the ABI on OpenSSL's libcrypto. Buffers are host memory the
 * caller has bounds-checked; results use the ABI codes (boards/ABI.md). */
#ifndef POSIX_CRYPTO_H
#define POSIX_CRYPTO_H
#include <stddef.h>
#include <stdint.h>
int crypto_sha256(const uint8_t *p, size_t n, uint8_t out[32]);
int crypto_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *p, size_t n, uint8_t out[32]);
/* out: n + 16 bytes (ciphertext || tag). Returns n + 16 or a negative code. */
int crypto_gcm_seal(const uint8_t *key, size_t key_len, const uint8_t nonce[12],
                    const uint8_t *aad, size_t aad_len, const uint8_t *p, size_t n, uint8_t *out);
/* p: ciphertext || tag (n >= 16); out: n - 16 bytes. Returns n - 16 or a negative code. */
int crypto_gcm_open(const uint8_t *key, size_t key_len, const uint8_t nonce[12],
                    const uint8_t *aad, size_t aad_len, const uint8_t *p, size_t n, uint8_t *out);
int crypto_p256_verify(const uint8_t pub[65], const uint8_t *msg, size_t n, const uint8_t sig[64]);
/* pub_out: 65 bytes (0x04 || X || Y). E_INVAL if priv (big-endian) is 0 or >= the order. */
int crypto_p256_public(const uint8_t priv[32], uint8_t pub_out[65]);
/* out: the 32-byte shared X coordinate. E_INVAL for a bad priv or a peer key that is not
 * an uncompressed point on P-256. */
int crypto_p256_shared(const uint8_t priv[32], const uint8_t peer_pub[65], uint8_t out[32]);
#endif
