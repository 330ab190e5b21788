/* libcrypto EVP calls behind the ABI's crypto functions. ESP32 boards do the same with
 * mbedTLS; only the results cross the ABI, so the engines are interchangeable. */
#include "crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/sha.h>

#define E_INVAL (-1)
#define E_AUTH (-6)
#define E_IO (-7)

int crypto_sha256(const uint8_t *p, size_t n, uint8_t out[32])
{
    return SHA256(p, n, out) ? 0 : E_IO;
}

int crypto_hmac_sha256(const uint8_t *key, size_t key_len, const uint8_t *p, size_t n, uint8_t out[32])
{
    unsigned int len = 32;
    static const uint8_t none[1];
    /* HMAC() wants a non-NULL key even when it is empty. */
    return HMAC(EVP_sha256(), key_len ? key : none, (int)key_len, p, n, out, &len) ? 0 : E_IO;
}

static const EVP_CIPHER *gcm_for(size_t key_len)
{
    if (key_len == 16) return EVP_aes_128_gcm();
    if (key_len == 32) return EVP_aes_256_gcm();
    return NULL;
}

int crypto_gcm_seal(const uint8_t *key, size_t key_len, const uint8_t nonce[12],
                    const uint8_t *aad, size_t aad_len, const uint8_t *p, size_t n, uint8_t *out)
{
    const EVP_CIPHER *c = gcm_for(key_len);
    if (!c) return E_INVAL;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, ok = ctx != NULL
        && EVP_EncryptInit_ex(ctx, c, NULL, key, nonce) == 1   /* 12-byte IV is the default */
        && (aad_len == 0 || EVP_EncryptUpdate(ctx, NULL, &len, aad, (int)aad_len) == 1)
        && (n == 0 || EVP_EncryptUpdate(ctx, out, &len, p, (int)n) == 1)
        && EVP_EncryptFinal_ex(ctx, out + n, &len) == 1
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + n) == 1;
    EVP_CIPHER_CTX_free(ctx);
    return ok ? (int)(n + 16) : E_IO;
}

int crypto_gcm_open(const uint8_t *key, size_t key_len, const uint8_t nonce[12],
                    const uint8_t *aad, size_t aad_len, const uint8_t *p, size_t n, uint8_t *out)
{
    const EVP_CIPHER *c = gcm_for(key_len);
    if (!c) return E_INVAL;
    if (n < 16) return E_AUTH;   /* no room for a tag: nothing can authenticate */
    size_t m = n - 16;
    uint8_t tag[16];
    for (int i = 0; i < 16; i++) tag[i] = p[m + i];
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    int len = 0, ok = ctx != NULL
        && EVP_DecryptInit_ex(ctx, c, NULL, key, nonce) == 1
        && (aad_len == 0 || EVP_DecryptUpdate(ctx, NULL, &len, aad, (int)aad_len) == 1)
        && (m == 0 || EVP_DecryptUpdate(ctx, out, &len, p, (int)m) == 1)
        && EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1;
    /* Final is where the tag is checked. */
    int auth = ok && EVP_DecryptFinal_ex(ctx, out + m, &len) == 1;
    EVP_CIPHER_CTX_free(ctx);
    ERR_clear_error();
    if (!ok) return E_IO;
    return auth ? (int)m : E_AUTH;
}

/* The ABI's key format (uncompressed SEC1 point) as an EVP_PKEY, or NULL if it is not a
 * point on P-256. */
static EVP_PKEY *p256_key(const uint8_t pub[65])
{
    if (pub[0] != 0x04) return NULL;
    EVP_PKEY *key = NULL;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, (char *)"prime256v1", 0),
        OSSL_PARAM_construct_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)pub, 65),
        OSSL_PARAM_construct_end(),
    };
    if (!ctx || EVP_PKEY_fromdata_init(ctx) != 1
        || EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    if (key) {
        /* fromdata decodes the point; make sure it is really on the curve. */
        EVP_PKEY_CTX *chk = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
        int valid = chk && EVP_PKEY_public_check(chk) == 1;
        EVP_PKEY_CTX_free(chk);
        if (!valid) { EVP_PKEY_free(key); key = NULL; }
    }
    ERR_clear_error();
    return key;
}

/* r || s (32 bytes each) as the DER SEQUENCE that EVP verification takes. Returns its
 * length in *der (caller frees), or 0. */
static int sig_der(const uint8_t sig[64], unsigned char **der)
{
    ECDSA_SIG *s = ECDSA_SIG_new();
    BIGNUM *r = BN_bin2bn(sig, 32, NULL), *sv = BN_bin2bn(sig + 32, 32, NULL);
    int len = 0;
    if (s && r && sv && ECDSA_SIG_set0(s, r, sv) == 1) {
        r = sv = NULL;   /* owned by s now */
        *der = NULL;
        len = i2d_ECDSA_SIG(s, der);
        if (len < 0) len = 0;
    }
    BN_free(r); BN_free(sv);
    ECDSA_SIG_free(s);
    return len;
}

int crypto_p256_verify(const uint8_t pub[65], const uint8_t *msg, size_t n, const uint8_t sig[64])
{
    EVP_PKEY *key = p256_key(pub);
    if (!key) return E_INVAL;
    unsigned char *der = NULL;
    int der_len = sig_der(sig, &der);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    int rc = E_AUTH;
    if (der_len > 0 && md && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1
        && EVP_DigestVerify(md, der, (size_t)der_len, msg, n) == 1)
        rc = 0;
    EVP_MD_CTX_free(md);
    OPENSSL_free(der);
    EVP_PKEY_free(key);
    ERR_clear_error();   /* a failed verify queues errors; keep the next call's queue clean */
    return rc;
}
