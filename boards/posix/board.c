/* The board ABI v1.4 (boards/ABI.md), engine-neutral: board_<name> for every function of
 * boards/abi/v1.json. abi_v1.h (generated from it) declares their prototypes, so a
 * signature that drifts from the JSON fails to compile, and the table at the end fails to
 * link if one is missing. Each engine's glue binds the image's imports to these
 * (boards/wasm2c/, boards/wamr/), one generated line per function.
 *
 * Rules every function keeps: a (ptr, len) outside linear memory is E_RANGE with no
 * effect (the host never touches memory it did not check); an effect on the world is
 * one output frame, sent at the moment of the call so frames keep the image's order. */
#include "board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>   /* OPENSSL_cleanse */

#define ABI_BOARD_PROTOTYPES
#include "abi_v1.h"
#include "crypto.h"
#include "drbg.h"
#include "engine.h"
#include "efuse.h"
#include "flash.h"
#include "link.h"

/* Results and limits (the MQTT ones are the same on every host and keep every MQTT frame
 * well inside one device-link frame) come from boards/abi/v1.json. */
#include "abi_constants.h"

typedef struct board B;
typedef uint32_t u32;

void board_init(B *b)
{
    memset(b, 0, sizeof *b);
    b->wall_ms = -1;
    b->next_pid = 1;
    for (int c = 0; c < ABI_CHANNEL_COUNT; c++) b->meter[c].status = E_NOTFOUND;
}

/* Host view of [ptr, ptr+len) in linear memory, or NULL if any of it is outside. The
 * pointer is only good until the image runs again (memory.grow may move it). */
uint8_t *board_span(uint32_t ptr, uint32_t len)
{
    uint64_t size;
    uint8_t *base = engine_memory(&size);
    if ((int32_t)len < 0 || (uint64_t)ptr + len > size) return NULL;
    return base + ptr;
}
/* The functions keep their board argument for the day a board is more than one instance. */
static uint8_t *span(B *b, uint32_t ptr, uint32_t len) { (void)b; return board_span(ptr, len); }

static uint32_t ret(int32_t v) { return (uint32_t)v; }

/* ---- clock and timers: time is whatever the controller said for this call */

u32 board_abi_version(B *b) { (void)b; return 1; }
uint64_t board_clock_now_ms(B *b) { return (uint64_t)b->now_ms; }
uint64_t board_clock_wall_ms(B *b) { return (uint64_t)b->wall_ms; }

u32 board_timer_set(B *b, u32 id, u32 delay_ms)
{
    (void)b;
    if (id >= ABI_TIMER_COUNT || (int32_t)delay_ms < 0) return ret(E_INVAL);
    /* The controller owns time, so it owns the timers: the board only reports them. */
    struct msg m;
    msg_init(&m, MSG_TIMER_SET);
    msg_u8(&m, id);
    msg_u32(&m, delay_ms);
    link_send_msg(&m);
    return OK;
}

u32 board_timer_cancel(B *b, u32 id)
{
    (void)b;
    if (id >= ABI_TIMER_COUNT) return ret(E_INVAL);
    uint8_t p = (uint8_t)id;
    link_send(MSG_TIMER_CANCEL, &p, 1);
    return OK;
}

/* ---- random */

u32 board_random_fill(B *b, u32 ptr, u32 len)
{
    uint8_t *p = span(b, ptr, len);
    if (!p) return ret(E_RANGE);
    drbg_fill(p, len);
    return OK;
}

/* ---- flash */

/* Power failed inside a flash op: a real board would simply go dark. Tell the controller
 * which op it was and stop without returning to the image. */
static void power_cut(void)
{
    struct msg m;
    msg_init(&m, MSG_POWER_CUT);
    msg_u32(&m, flash_ops());
    link_send_msg(&m);
    fprintf(stderr, "posix: power cut at flash op %u\n", flash_ops());
    exit(EXIT_POWER_CUT);
}

u32 board_flash_page_size(B *b) { (void)b; return FLASH_PAGE_SIZE; }
u32 board_flash_page_count(B *b) { (void)b; return flash_pages(); }

u32 board_flash_read(B *b, u32 addr, u32 ptr, u32 len)
{
    uint8_t *p = span(b, ptr, len);
    if (!p) return ret(E_RANGE);
    return ret(flash_read((int32_t)addr, p, (int32_t)len));
}

u32 board_flash_write(B *b, u32 addr, u32 ptr, u32 len)
{
    uint8_t *p = span(b, ptr, len);
    if (!p) return ret(E_RANGE);
    int r = flash_write((int32_t)addr, p, (int32_t)len);
    if (r == FLASH_CUT) power_cut();
    return ret(r);
}

u32 board_flash_erase(B *b, u32 page)
{
    (void)b;
    int r = flash_erase((int32_t)page);
    if (r == FLASH_CUT) power_cut();
    return ret(r);
}

/* ---- log and panic */

void board_log(B *b, u32 level, u32 ptr, u32 len)
{
    uint8_t *p = span(b, ptr, len);
    if (!p) return;                    /* log has no result: a bad buffer logs nothing */
    if (len > ABI_MAX_LOG_TEXT) len = ABI_MAX_LOG_TEXT;  /* raw byte cut, as the ABI allows */
    struct msg m;
    msg_init(&m, MSG_LOG);
    msg_u8(&m, level);
    msg_bytes(&m, p, len);
    link_send_msg(&m);
}

void board_panic(B *b, u32 ptr, u32 len, u32 line, u32 col)
{
    uint8_t *p = span(b, ptr, len);
    if (!p) len = 0;                   /* still report the panic, without its text */
    if (len > ABI_MAX_LOG_TEXT) len = ABI_MAX_LOG_TEXT;
    struct msg m;
    msg_init(&m, MSG_PANIC);
    msg_u32(&m, line);
    msg_u32(&m, col);
    msg_bytes(&m, p, len);
    link_send_msg(&m);
    fprintf(stderr, "posix: image panicked at %u:%u: %.*s\n", line, col, (int)len, p ? (const char *)p : "");
    exit(EXIT_PANIC);
}

/* ---- display and GPIO */

u32 board_display_show(B *b, u32 ptr, u32 len)
{
    if (len > ABI_MAX_DISPLAY_TEXT) return ret(E_RANGE);
    uint8_t *p = span(b, ptr, len);
    if (!p) return ret(E_RANGE);
    link_send(MSG_DISPLAY, p, len);
    return OK;
}

u32 board_gpio_write(B *b, u32 pin, u32 level)
{
    /* Only the logical output pins; TAMPER_SWITCH and DOOR_SENSOR (v1.4) are inputs. Any
     * non-zero level is high. */
    if (pin >= ABI_PIN_COUNT || pin == ABI_PIN_TAMPER_SWITCH || pin == ABI_PIN_DOOR_SENSOR) return ret(E_INVAL);
    b->gpio[pin] = level != 0;
    uint8_t p[2] = { (uint8_t)pin, b->gpio[pin] };
    link_send(MSG_GPIO, p, 2);
    return OK;
}

u32 board_gpio_read(B *b, u32 pin)
{
    if (pin >= ABI_PIN_COUNT) return ret(E_INVAL);
    return b->gpio[pin];
}

/* ---- short-range links: every link leaves the board as a frame to the controller */

u32 board_link_send(B *b, u32 link, u32 ptr, u32 len)
{
    if (link >= ABI_LINK_COUNT) return ret(E_INVAL);
    if (len > ABI_MAX_LINK_FRAME) return ret(E_RANGE);
    uint8_t *p = span(b, ptr, len);
    if (!p) return ret(E_RANGE);
    struct msg m;
    msg_init(&m, MSG_LINK_SEND);
    msg_u8(&m, link);
    msg_bytes(&m, p, len);
    link_send_msg(&m);
    return OK;
}

/* ---- MQTT: the client lives on the controller side; the board forwards the calls */

static uint32_t take_pid(B *b)
{
    uint32_t pid = b->next_pid;
    b->next_pid = pid == 65535 ? 1 : pid + 1;
    return pid;
}

u32 board_mqtt_connect(B *b, u32 cp, u32 cl, u32 up, u32 ul, u32 pp, u32 pl)
{
    if (b->mqtt_connected) return ret(E_STATE);
    if (cl > ABI_MAX_LOGIN_FIELD || ul > ABI_MAX_LOGIN_FIELD || pl > ABI_MAX_LOGIN_FIELD) return ret(E_RANGE);
    uint8_t *c = span(b, cp, cl), *u = span(b, up, ul), *p = span(b, pp, pl);
    if (!c || !u || !p) return ret(E_RANGE);
    struct msg m;
    msg_init(&m, MSG_MQTT_CONNECT);
    msg_u16(&m, cl); msg_bytes(&m, c, cl);
    msg_u16(&m, ul); msg_bytes(&m, u, ul);
    msg_u16(&m, pl); msg_bytes(&m, p, pl);
    link_send_msg(&m);
    return OK;
}

u32 board_mqtt_subscribe(B *b, u32 tp, u32 tl, u32 qos)
{
    if (qos > ABI_QOS_LAST) return ret(E_INVAL);
    if (tl > ABI_MAX_TOPIC) return ret(E_RANGE);
    uint8_t *t = span(b, tp, tl);
    if (!t) return ret(E_RANGE);
    uint32_t pid = take_pid(b);
    struct msg m;
    msg_init(&m, MSG_MQTT_SUBSCRIBE);
    msg_u16(&m, pid);
    msg_u8(&m, qos);
    msg_bytes(&m, t, tl);
    link_send_msg(&m);
    return pid;
}

u32 board_mqtt_publish(B *b, u32 tp, u32 tl, u32 ptr, u32 len, u32 qos, u32 retain)
{
    if (!b->mqtt_connected) return ret(E_STATE);
    if (qos > ABI_QOS_LAST) return ret(E_INVAL);
    if (tl > ABI_MAX_TOPIC || len > ABI_MAX_PAYLOAD) return ret(E_RANGE);
    uint8_t *t = span(b, tp, tl), *p = span(b, ptr, len);
    if (!t || !p) return ret(E_RANGE);
    uint32_t pid = qos ? take_pid(b) : 0;
    struct msg m;
    msg_init(&m, MSG_MQTT_PUBLISH);
    msg_u16(&m, pid);
    msg_u8(&m, qos);
    msg_u8(&m, retain != 0);
    msg_u16(&m, tl);
    msg_bytes(&m, t, tl);
    msg_bytes(&m, p, len);
    link_send_msg(&m);
    return pid;
}

u32 board_mqtt_disconnect(B *b)
{
    b->mqtt_connected = 0;
    link_send(MSG_MQTT_DISCONNECT, NULL, 0);
    return OK;
}

/* ---- Wi-Fi (v1.2): the radio lives on the controller side, as the MQTT client does; the
 * key crosses the board's internal bus like the MQTT password, never a log. An empty SSID
 * (leave the router, end the group) ignores the key argument: nothing of it is sent. */

static u32 wifi_frame(B *b, uint8_t type, u32 sp, u32 sl, u32 kp, u32 kl)
{
    uint8_t *s = sl ? span(b, sp, sl) : NULL, *k = sl ? span(b, kp, kl) : NULL;
    if (sl && (!s || !k)) return ret(E_RANGE);
    if (!sl) kl = 0;
    struct msg m;
    msg_init(&m, type);
    msg_u8(&m, sl); msg_bytes(&m, s, sl);
    msg_u8(&m, kl); msg_bytes(&m, k, kl);
    link_send_msg(&m);
    return OK;
}

u32 board_wifi_join(B *b, u32 sp, u32 sl, u32 kp, u32 kl)
{
    if (sl && kl > 0 && kl < ABI_MIN_WIFI_KEY) return ret(E_INVAL);
    if (sl > ABI_MAX_SSID || (sl && kl > ABI_MAX_WIFI_KEY)) return ret(E_RANGE);
    return wifi_frame(b, MSG_WIFI_JOIN, sp, sl, kp, kl);
}

u32 board_wifi_group(B *b, u32 sp, u32 sl, u32 pp, u32 pl)
{
    if (sl > ABI_MAX_SSID || (sl && (pl < ABI_MIN_GROUP_PASS || pl > ABI_MAX_GROUP_PASS))) return ret(E_RANGE);
    return wifi_frame(b, MSG_WIFI_GROUP, sp, sl, pp, pl);
}

/* ---- metering (v1.3): the load model lives on the controller side; it samples it for
 * each call and sends it as a METER frame before the BOOT/EVENT (DEVICE-LINK.md). */

u32 board_measure(B *b, u32 channel, u32 out)
{
    if (channel >= ABI_CHANNEL_COUNT) return ret(E_INVAL);
    uint8_t *o = span(b, out, ABI_MEASURE_BYTES);
    if (!o) return ret(E_RANGE);
    if (b->meter[channel].status != OK) return ret(b->meter[channel].status);
    uint32_t p = (uint32_t)b->meter[channel].power_w;
    uint64_t e = (uint64_t)b->meter[channel].energy_wh;
    for (int i = 0; i < 4; i++) o[i] = (uint8_t)(p >> (8 * i));
    for (int i = 0; i < 8; i++) o[4 + i] = (uint8_t)(e >> (8 * i));
    return OK;
}

/* ---- UDP (v1.3): the home network is the controller's; datagrams come back as UDP
 * events. */

u32 board_udp_bind(B *b, u32 port, u32 group)
{
    if (port > 65535) return ret(E_INVAL);
    if (group != 0 && (group >> 28) != 0xE) return ret(E_INVAL);
    b->udp_port = port;
    struct msg m;
    msg_init(&m, MSG_UDP_BIND);
    msg_u16(&m, port);
    msg_u32(&m, port ? group : 0);
    link_send_msg(&m);
    return OK;
}

u32 board_udp_send(B *b, u32 addr, u32 port, u32 ptr, u32 len)
{
    if (!b->udp_port) return ret(E_STATE);
    if (port == 0 || port > 65535 || addr == 0) return ret(E_INVAL);
    if (len > ABI_MAX_DATAGRAM) return ret(E_RANGE);
    uint8_t *p = span(b, ptr, len);
    if (!p) return ret(E_RANGE);
    struct msg m;
    msg_init(&m, MSG_UDP_SEND);
    msg_u32(&m, addr);
    msg_u16(&m, port);
    msg_bytes(&m, p, len);
    link_send_msg(&m);
    return OK;
}

/* ---- crypto: inputs are copied out of linear memory first, so an output buffer that
 * overlaps an input (the image's business) cannot confuse the primitive. */

u32 board_sha256(B *b, u32 ptr, u32 len, u32 out)
{
    uint8_t *p = span(b, ptr, len), *o = span(b, out, 32), d[32];
    if (!p || !o) return ret(E_RANGE);
    int r = crypto_sha256(p, len, d);
    if (r == OK) memcpy(o, d, 32);
    return ret(r);
}

u32 board_hmac_sha256(B *b, u32 kp, u32 kl, u32 ptr, u32 len, u32 out)
{
    uint8_t *k = span(b, kp, kl), *p = span(b, ptr, len), *o = span(b, out, 32), d[32];
    if (!k || !p || !o) return ret(E_RANGE);
    int r = crypto_hmac_sha256(k, kl, p, len, d);
    if (r == OK) memcpy(o, d, 32);
    return ret(r);
}

/* ABI v1.1: HMAC under a key slot. The key stays in efuse.c; the image gets the MAC only. */
u32 board_hmac_sha256_keyslot(B *b, u32 slot, u32 ptr, u32 len, u32 out)
{
    if (slot >= EFUSE_SLOTS) return ret(E_INVAL);
    uint8_t *p = span(b, ptr, len), *o = span(b, out, 32), d[32];
    if (!p || !o) return ret(E_RANGE);
    int r = efuse_hmac(slot, p, len, d);
    if (r == OK) memcpy(o, d, 32);
    OPENSSL_cleanse(d, sizeof d);
    return ret(r);
}

/* Shared shape of seal and open: check, copy in, run, copy out. */
static u32 aead(B *b, int seal, u32 kp, u32 kl, u32 np, u32 ap, u32 al, u32 ptr, u32 len, u32 out)
{
    if (kl != 16 && kl != 32) return ret(E_INVAL);
    uint8_t *k = span(b, kp, kl), *n = span(b, np, 12), *a = span(b, ap, al), *p = span(b, ptr, len);
    if (!k || !n || !a || !p) return ret(E_RANGE);
    uint32_t out_len;
    if (seal) {
        if (len > INT32_MAX - 16) return ret(E_RANGE);
        out_len = len + 16;
    } else {
        if (len < 16) return ret(E_AUTH);   /* no tag, nothing to authenticate */
        out_len = len - 16;
    }
    uint8_t *o = span(b, out, out_len);
    if (!o) return ret(E_RANGE);
    uint8_t key[32], nonce[12];
    memcpy(key, k, kl);
    memcpy(nonce, n, 12);
    uint8_t *in = malloc((size_t)len + (size_t)al + 1), *res = malloc((size_t)out_len + 1);
    if (!in || !res) { free(in); free(res); return ret(-7); }
    memcpy(in, p, len);
    memcpy(in + len, a, al);
    int r = seal ? crypto_gcm_seal(key, kl, nonce, in + len, al, in, len, res)
                 : crypto_gcm_open(key, kl, nonce, in + len, al, in, len, res);
    if (r >= 0) memcpy(o, res, out_len);   /* E_AUTH: nothing written */
    free(in);
    free(res);
    return ret(r);
}

u32 board_aead_seal(B *b, u32 kp, u32 kl, u32 np, u32 ap, u32 al, u32 ptr, u32 len, u32 out)
{
    return aead(b, 1, kp, kl, np, ap, al, ptr, len, out);
}

u32 board_aead_open(B *b, u32 kp, u32 kl, u32 np, u32 ap, u32 al, u32 ptr, u32 len, u32 out)
{
    return aead(b, 0, kp, kl, np, ap, al, ptr, len, out);
}

u32 board_ecdsa_p256_verify(B *b, u32 pub_ptr, u32 ptr, u32 len, u32 sig_ptr)
{
    uint8_t *pub = span(b, pub_ptr, 65), *p = span(b, ptr, len), *sig = span(b, sig_ptr, 64);
    if (!pub || !p || !sig) return ret(E_RANGE);
    return ret(crypto_p256_verify(pub, p, len, sig));
}

/* Buffers first, then the key's value (it can only be read once its buffer is known good).
 * The private key is copied off linear memory and wiped after use. */
u32 board_ecdh_p256_public(B *b, u32 priv_ptr, u32 pub_out_ptr)
{
    uint8_t *k = span(b, priv_ptr, 32), *o = span(b, pub_out_ptr, 65);
    if (!k || !o) return ret(E_RANGE);
    uint8_t priv[32], pub[65];
    memcpy(priv, k, 32);
    int r = crypto_p256_public(priv, pub);
    if (r == OK) memcpy(o, pub, 65);
    OPENSSL_cleanse(priv, sizeof priv);
    return ret(r);
}

u32 board_ecdh_p256_shared(B *b, u32 priv_ptr, u32 peer_pub_ptr, u32 out_ptr)
{
    uint8_t *k = span(b, priv_ptr, 32), *p = span(b, peer_pub_ptr, 65), *o = span(b, out_ptr, 32);
    if (!k || !p || !o) return ret(E_RANGE);
    uint8_t priv[32], peer[65], shared[32];
    memcpy(priv, k, 32);
    memcpy(peer, p, 65);
    int r = crypto_p256_shared(priv, peer, shared);
    if (r == OK) memcpy(o, shared, 32);
    OPENSSL_cleanse(priv, sizeof priv);
    OPENSSL_cleanse(shared, sizeof shared);
    return ret(r);
}

/* Every ABI function, by address: a function of v1.json that this file lacks is a link
 * error, whether or not the image at hand imports it. */
#define ABI_ADDR(name) (void (*)(void))board_##name,
void (*const board_abi_table[])(void) = { ABI_FOR_EACH_IMPORT(ABI_ADDR) };
