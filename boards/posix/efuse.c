/* Key slots from the device's eFuse file (efuse.h). */
#include "efuse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto.h"

#include "abi_constants.h"

static uint8_t keys[EFUSE_SLOTS][EFUSE_KEY_LEN];
static int burned[EFUSE_SLOTS];

void efuse_load(const char *path)
{
    if (!path) return;
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "posix: efuse %s: %s\n", path, strerror(errno)); exit(71); }
    size_t n = fread(keys, 1, sizeof keys, f);
    int extra = fgetc(f) != EOF;
    fclose(f);
    if (n != sizeof keys || extra) {
        fprintf(stderr, "posix: efuse %s: an eFuse file holds %zu bytes\n", path, sizeof keys);
        exit(71);
    }
    for (int s = 0; s < EFUSE_SLOTS; s++) {
        uint8_t any = 0;
        for (int i = 0; i < EFUSE_KEY_LEN; i++) any |= keys[s][i];
        burned[s] = any != 0;
    }
}

int efuse_hmac(uint32_t slot, const uint8_t *p, size_t n, uint8_t out[32])
{
    if (slot >= EFUSE_SLOTS) return E_INVAL;
    if (!burned[slot]) return E_NOTFOUND;
    return crypto_hmac_sha256(keys[slot], EFUSE_KEY_LEN, p, n, out);
}
