/* C board: runs one firmware image, under whichever engine is linked in (engine.h:
 * wasm2c or WAMR), as a device that the simulator drives over the device link on
 * stdin/stdout (boards/DEVICE-LINK.md).
 *
 *   <image> --flash FILE [--efuse FILE] [--pages N] [--seed N] [--cut-at N [--cut-keep K]]
 *           [engine options]
 *
 * One process is one power-on: a power cut or a panic ends it, and the controller
 * starts a new one on the same flash file. stderr carries human diagnostics only. */
#include "board.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drbg.h"
#include "efuse.h"
#include "engine.h"
#include "flash.h"
#include "link.h"

#ifndef IMAGE_NAME
#error "build with -DIMAGE_NAME=\"<target>\" (scripts/build-posix.ts does)"
#endif

#include "abi_constants.h"
#include "abi_v1.h"

static struct board board;
static int booted;

static void usage(const char *why)
{
    fprintf(stderr, "posix: %s\nusage: %s --flash FILE [--efuse FILE] [--pages N] [--seed N] [--cut-at N [--cut-keep K]] [engine options]\n",
            why, IMAGE_NAME);
    exit(EXIT_USAGE);
}

/* A whole decimal number in [min, max], or usage error. */
static unsigned long long number(const char *opt, const char *s, unsigned long long min, unsigned long long max)
{
    char *end;
    errno = 0;
    if (!s || *s < '0' || *s > '9') usage(opt);
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min || v > max) usage(opt);
    return v;
}

static int64_t be64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = (v << 8) | p[i];
    return (int64_t)v;
}
static uint32_t be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }
static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }

/* A wasm trap ends the instance like a panic, with the trap's name and no position. */
void board_trap(const char *name)
{
    struct msg m;
    msg_init(&m, MSG_PANIC);
    msg_u32(&m, 0);
    msg_u32(&m, 0);
    msg_bytes(&m, "wasm trap: ", 11);
    msg_bytes(&m, name, strlen(name));
    link_send_msg(&m);
    fprintf(stderr, "posix: wasm trap: %s\n", name);
    exit(EXIT_PANIC);
}

/* Output frames have gone out during the image's call; DONE follows. */
static void send_done(uint32_t r)
{
    struct msg m;
    msg_init(&m, MSG_DONE);
    msg_u32(&m, r);
    link_send_msg(&m);
}


static void on_hello(const struct link_frame *f)
{
    if (f->len != 2) { link_send_error(E_MALFORMED, "HELLO: payload must be u16 link version"); return; }
    if (be16(f->payload) != LINK_VERSION) { link_send_error(E_UNSUPPORTED, "HELLO: link version not supported"); return; }
    struct msg m;
    msg_init(&m, MSG_READY);
    msg_u16(&m, LINK_VERSION);
    msg_u16(&m, ABI_VERSION);
    msg_bytes(&m, IMAGE_NAME, strlen(IMAGE_NAME));
    link_send_msg(&m);
}

static void on_boot(const struct link_frame *f)
{
    if (f->len != 16) { link_send_error(E_MALFORMED, "BOOT: payload must be i64 now, i64 wall"); return; }
    if (booted) { link_send_error(E_STATE, "BOOT: already booted (one boot per power-on)"); return; }
    board.now_ms = be64(f->payload);
    board.wall_ms = be64(f->payload + 8);
    booted = 1;
    send_done(engine_fw_boot());
}

static void on_event(const struct link_frame *f)
{
    if (f->len < 21) { link_send_error(E_MALFORMED, "EVENT: short payload"); return; }
    uint32_t kind = f->payload[16];
    int32_t arg = (int32_t)be32(f->payload + 17);
    uint32_t n = f->len - 21u;
    if (!booted) { link_send_error(E_STATE, "EVENT: before BOOT"); return; }
    /* A kind the ABI does not define is not delivered, as on every host (ABI.md). */
    if (kind < ABI_EVENT_FIRST || kind > ABI_EVENT_LAST) { send_done((uint32_t)E_INVAL); return; }
    /* Ask the image where its inbox is every time (it moves with -O level), and derive
     * the host pointer only now: memory may have grown during the previous call. */
    uint32_t inbox = engine_fw_inbox(), size = engine_fw_inbox_size();
    /* The ABI promises the image never sees a payload larger than its inbox: the event is
     * answered E_RANGE without calling it, as every host does. */
    if (n > size) { send_done((uint32_t)E_RANGE); return; }
    uint8_t *dst = board_span(inbox, n);
    if (!dst) { link_send_error(E_RANGE, "EVENT: inbox outside memory"); return; }
    /* Accepted: the board's inputs change before the image looks at them. */
    board.now_ms = be64(f->payload);
    board.wall_ms = be64(f->payload + 8);
    if (kind == ABI_EVENT_GPIO) {
        uint32_t pin = (uint32_t)arg & 0xFF;
        if (pin < ABI_PIN_COUNT) board.gpio[pin] = ((uint32_t)arg >> 8 & 0xFF) != 0;
    } else if (kind == ABI_EVENT_MQTT_STATE) {
        board.mqtt_connected = arg == 1;
    }
    if (n) memcpy(dst, f->payload + 21, n);
    send_done(engine_fw_event(kind, (uint32_t)arg, n));
}

/* (v1.3) What measure() reads during the next calls: u8 count, then per channel from 0
 * i32 status, i32 power W, i64 energy Wh. Channels past count: E_NOTFOUND. */
static void on_meter(const struct link_frame *f)
{
    if (f->len < 1 || f->payload[0] > ABI_CHANNEL_COUNT || f->len != 1u + 16u * f->payload[0]) {
        link_send_error(E_MALFORMED, "METER: payload must be u8 count (at most the channel count), count x (i32 status, i32 power, i64 energy)");
        return;
    }
    uint32_t n = f->payload[0];
    for (uint32_t c = 0; c < ABI_CHANNEL_COUNT; c++) {
        const uint8_t *p = f->payload + 1 + 16 * c;
        board.meter[c].status = c < n ? (int32_t)be32(p) : E_NOTFOUND;
        board.meter[c].power_w = c < n ? (int32_t)be32(p + 4) : 0;
        board.meter[c].energy_wh = c < n ? (int64_t)be64(p + 8) : 0;
    }
}

static void on_flash_read(const struct link_frame *f)
{
    static uint8_t buf[LINK_MAX_PAYLOAD];
    if (f->len != 6) { link_send_error(E_MALFORMED, "FLASH_READ: payload must be u32 addr, u16 len"); return; }
    uint32_t addr = be32(f->payload), n = be16(f->payload + 4);
    if (n > LINK_MAX_PAYLOAD || flash_read(addr, buf, n) != 0) {
        link_send_error(E_RANGE, "FLASH_READ: outside the partition or longer than a frame");
        return;
    }
    link_send(MSG_FLASH_DATA, buf, n);
}

static void on_stats(const struct link_frame *f)
{
    if (f->len != 0) { link_send_error(E_MALFORMED, "STATS: no payload expected"); return; }
    static struct msg m;
    msg_init(&m, MSG_STATS_REPLY);
    msg_u32(&m, flash_ops());
    msg_u16(&m, flash_pages());
    for (uint32_t p = 0; p < flash_pages(); p++) msg_u32(&m, flash_erase_count(p));
    link_send_msg(&m);
}

int main(int argc, char **argv)
{
    const char *flash_path = NULL, *efuse_path = NULL;
    uint32_t pages = 16, cut_at = 0, cut_keep = 0;
    uint64_t seed = 0;
    int have_keep = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--flash") && v) flash_path = v;
        else if (!strcmp(a, "--efuse") && v) efuse_path = v;
        else if (!strcmp(a, "--pages")) pages = (uint32_t)number(a, v, 1, FLASH_MAX_PAGES);
        else if (!strcmp(a, "--seed")) seed = number(a, v, 0, UINT64_MAX);
        else if (!strcmp(a, "--cut-at")) cut_at = (uint32_t)number(a, v, 1, UINT32_MAX);
        else if (!strcmp(a, "--cut-keep")) { cut_keep = (uint32_t)number(a, v, 0, UINT32_MAX); have_keep = 1; }
        else if (!engine_option(a, v)) usage(a);
        i++;
    }
    if (!flash_path) usage("--flash FILE is required");
    if (have_keep && !cut_at) usage("--cut-keep needs --cut-at");

    /* A controller that goes away shows up as a failed write, not a signal. */
    signal(SIGPIPE, SIG_IGN);
    flash_open(flash_path, pages);
    flash_set_cut(cut_at, cut_keep);
    efuse_load(efuse_path);
    drbg_seed(seed);

    board_init(&board);
    /* Instantiation runs the image's start function, which may trap as well. */
    engine_load(&board);
    uint32_t v = engine_fw_abi_version();
    if (v != ABI_VERSION) {
        fprintf(stderr, "posix: image %s reports ABI version %u, this board implements %d\n", IMAGE_NAME, v, ABI_VERSION);
        exit(EXIT_ABI);
    }

    struct link_frame f;
    while (link_read(0, &f)) {
        switch (f.type) {
        case MSG_HELLO: on_hello(&f); break;
        case MSG_BOOT: on_boot(&f); break;
        case MSG_EVENT: on_event(&f); break;
        case MSG_FLASH_READ: on_flash_read(&f); break;
        case MSG_STATS: on_stats(&f); break;
        case MSG_METER: on_meter(&f); break;
        case MSG_QUIT:
            if (f.len != 0) { link_send_error(E_MALFORMED, "QUIT: no payload expected"); break; }
            goto out;
        default: link_send_error(E_MALFORMED, "unknown frame type"); break;
        }
    }
out:
    engine_unload();
    return 0;
}
