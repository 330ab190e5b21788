/* Deterministic random stream of simulated boards (boards/ABI.md, "Random"). */
#ifndef POSIX_DRBG_H
#define POSIX_DRBG_H
#include <stddef.h>
#include <stdint.h>
void drbg_seed(uint64_t seed);
void drbg_fill(uint8_t *out, size_t n);
#endif
