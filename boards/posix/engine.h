/* What the board needs from the engine that runs the image: one engine per executable,
 * linked in (boards/wasm2c/, boards/wamr/). Every call into the image may trap; the engine
 * then calls board_trap, which does not return. */
#ifndef POSIX_ENGINE_H
#define POSIX_ENGINE_H

#include <stdint.h>

struct board;

/* The engine's own command-line options (e.g. WAMR's pool size): returns 1 if `opt` (with
 * its value) is the engine's, 0 if not. */
int engine_option(const char *opt, const char *value);
/* Loads and instantiates the image (its start function runs here), with the ABI's
 * imports bound to b. An image the board refuses ends the process with EXIT_ABI. */
void engine_load(struct board *b);
/* The image's linear memory as it is now; size in bytes (not always whole pages). */
uint8_t *engine_memory(uint64_t *size);
/* The image's exports (boards/ABI.md). */
uint32_t engine_fw_abi_version(void);
uint32_t engine_fw_boot(void);
uint32_t engine_fw_event(uint32_t kind, uint32_t arg, uint32_t len);
uint32_t engine_fw_inbox(void);
uint32_t engine_fw_inbox_size(void);
void engine_unload(void);

#endif
