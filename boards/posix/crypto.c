/* libcrypto EVP calls behind the ABI's crypto functions. ESP32 boards do the same with
 * mbedTLS; only the results cross the ABI, so the engines are interchangeable. */
#include "crypto.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/params.h>
#include <openssl/sha.h>
#include <string.h>

#include "abi_constants.h"

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

/* ---- ECDH P-256 */

/* The private scalar as a BIGNUM if 1 <= k <= n - 1 (checked here, as the TypeScript host
 * does, so both refuse the same keys), else NULL. Freed with BN_clear_free. */
static BIGNUM *p256_scalar(const EC_GROUP *g, const uint8_t priv[32])
{
    BIGNUM *k = BN_secure_new();
    if (!k) return NULL;
    if (!BN_bin2bn(priv, 32, k) || BN_is_zero(k) || BN_cmp(k, EC_GROUP_get0_order(g)) >= 0) {
        BN_clear_free(k);
        return NULL;
    }
    return k;
}

/* k * G as an uncompressed point into out (65 bytes); 0 or E_IO. */
static int p256_mul_base(const EC_GROUP *g, const BIGNUM *k, uint8_t out[65])
{
    EC_POINT *p = EC_POINT_new(g);
    int ok = p && EC_POINT_mul(g, p, k, NULL, NULL, NULL) == 1
        && EC_POINT_point2oct(g, p, POINT_CONVERSION_UNCOMPRESSED, out, 65, NULL) == 65;
    EC_POINT_free(p);
    return ok ? 0 : E_IO;
}

int crypto_p256_public(const uint8_t priv[32], uint8_t pub_out[65])
{
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    if (!g) return E_IO;
    BIGNUM *k = p256_scalar(g, priv);
    int rc = k ? p256_mul_base(g, k, pub_out) : E_INVAL;
    BN_clear_free(k);
    EC_GROUP_free(g);
    ERR_clear_error();
    return rc;
}

/* The key pair (k, k * G) as an EVP_PKEY for derivation, or NULL. */
static EVP_PKEY *p256_private_key(const BIGNUM *k, const uint8_t pub[65])
{
    EVP_PKEY *key = NULL;
    OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
    OSSL_PARAM *params = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    if (bld
        && OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1
        && OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY, k) == 1
        && OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY, pub, 65) == 1
        && (params = OSSL_PARAM_BLD_to_param(bld)) != NULL
        && (ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL)) != NULL
        && EVP_PKEY_fromdata_init(ctx) == 1
        && EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_KEYPAIR, params) != 1)
        key = NULL;
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);   /* a secure BN is built into secure memory, which is cleared */
    OSSL_PARAM_BLD_free(bld);
    return key;
}

int crypto_p256_shared(const uint8_t priv[32], const uint8_t peer_pub[65], uint8_t out[32])
{
    EC_GROUP *g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1);
    if (!g) return E_IO;
    BIGNUM *k = p256_scalar(g, priv);
    EVP_PKEY *peer = k ? p256_key(peer_pub) : NULL;   /* decodes and checks the point */
    EVP_PKEY *own = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    uint8_t own_pub[65], secret[32];
    size_t len = sizeof secret;
    int rc;
    if (!k || !peer) {
        rc = E_INVAL;
    } else if (p256_mul_base(g, k, own_pub) == 0
               && (own = p256_private_key(k, own_pub)) != NULL
               && (ctx = EVP_PKEY_CTX_new_from_pkey(NULL, own, NULL)) != NULL
               && EVP_PKEY_derive_init(ctx) == 1
               && EVP_PKEY_derive_set_peer(ctx, peer) == 1
               && EVP_PKEY_derive(ctx, secret, &len) == 1 && len == 32) {
        memcpy(out, secret, 32);
        rc = 0;
    } else {
        rc = E_IO;
    }
    OPENSSL_cleanse(secret, sizeof secret);
    EVP_PKEY_CTX_free(ctx);
    EVP_PKEY_free(own);
    EVP_PKEY_free(peer);
    BN_clear_free(k);
    EC_GROUP_free(g);
    ERR_clear_error();
    return rc;
}
