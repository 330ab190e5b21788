/* The board's key slots (ABI v1.1 hmac_sha256_keyslot): keys the image can use but never
 * read. An ESP32 keeps them in read-protected eFuse key blocks behind its HMAC peripheral;
 * this board reads them from a file beside the flash file that the controller burned once
 * for the device (host-sim/board/efuse.ts): 4 slots of 32 bytes, all-zero = never burned.
 * They stay in this process's memory and never enter linear memory or the flash file. */
#ifndef POSIX_EFUSE_H
#define POSIX_EFUSE_H

#include <stddef.h>
#include <stdint.h>

#include "abi_constants.h"

#define EFUSE_SLOTS ABI_KEY_SLOT_COUNT
#define EFUSE_KEY_LEN 32

/* Loads the slots from path; NULL leaves every slot blank. Exits with a message if the
 * file cannot be read or has the wrong size. */
void efuse_load(const char *path);
/* HMAC-SHA-256 of p under slot's key: OK, E_INVAL (no such slot), E_NOTFOUND (blank). */
int efuse_hmac(uint32_t slot, const uint8_t *p, size_t n, uint8_t out[32]);

#endif
