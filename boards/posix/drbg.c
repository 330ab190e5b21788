/* random_fill on simulated boards: blocks SHA-256(seed LE64 || counter LE64), counter
 * from 0 at power-on, bytes handed out in order. A call that ends inside a block leaves
 * the rest for the next call, so the stream does not depend on how it is split into
 * calls (every host produces the same bytes for the same seed). */
#include "drbg.h"

#include <openssl/sha.h>
#include <string.h>

static uint64_t seed_v, counter;
static uint8_t block[32];
static size_t used = sizeof block;   /* nothing buffered yet */

void drbg_seed(uint64_t seed)
{
    seed_v = seed;
    counter = 0;
    used = sizeof block;
}

static void next_block(void)
{
    uint8_t in[16];
    for (int i = 0; i < 8; i++) {
        in[i] = (uint8_t)(seed_v >> (8 * i));
        in[8 + i] = (uint8_t)(counter >> (8 * i));
    }
    SHA256(in, sizeof in, block);
    counter++;
    used = 0;
}

void drbg_fill(uint8_t *out, size_t n)
{
    while (n) {
        if (used == sizeof block) next_block();
        size_t k = sizeof block - used;
        if (k > n) k = n;
        memcpy(out, block + used, k);
        used += k; out += k; n -= k;
    }
}
