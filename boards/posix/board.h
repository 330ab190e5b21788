/* The C board's state: what a real board keeps to itself between events (besides flash
 * and the random stream, which have their own files). Engine-neutral: the engine that
 * runs the image (wasm2c, WAMR) reaches it only through engine.h. One power-on per
 * process. */
#ifndef POSIX_BOARD_H
#define POSIX_BOARD_H

#include <stdint.h>

#include "abi_constants.h"

struct board {
    int64_t now_ms;          /* from the last BOOT/EVENT frame */
    int64_t wall_ms;         /* -1: the board does not know the time */
    uint8_t gpio[ABI_PIN_COUNT]; /* output latches, and input levels from GPIO events */
    int mqtt_connected;      /* set by MQTT_STATE events, cleared by mqtt_disconnect */
    uint32_t next_pid;       /* MQTT packet ids: 1..65535, one counter per power-on */
    uint32_t udp_port;       /* (v1.3) the bound UDP port, 0 none */
    /* (v1.3) what measure() reads: the controller's last METER frame, per channel;
     * status E_NOTFOUND until a METER frame names the channel */
    struct { int32_t status, power_w; int64_t energy_wh; } meter[ABI_CHANNEL_COUNT];
};

void board_init(struct board *b);

/* Host view of [ptr, ptr+len) in the image's linear memory, or NULL if any of it is
 * outside: the ABI answers such a buffer E_RANGE, never a trap. Good only until the image
 * runs again (memory.grow may move it). */
uint8_t *board_span(uint32_t ptr, uint32_t len);

/* A wasm trap (or an engine failure inside a call) ends the power-on like a panic: a PANIC
 * frame with the trap's text (wasm2c's wording on every engine, so traces compare). */
_Noreturn void board_trap(const char *text);

/* Exit statuses (sysexits.h spirit): the controller tells a cut from a crash. */
#define EXIT_PANIC 70
#define EXIT_POWER_CUT 75
#define EXIT_ABI 78
#define EXIT_USAGE 64

#endif
