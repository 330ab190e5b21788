/* Device link v1 framing (boards/DEVICE-LINK.md): B0 A1 | type | u16 BE length |
 * payload | CRC-16/CCITT-FALSE BE. The controller talks to this board over stdin/stdout. */
#ifndef POSIX_LINK_H
#define POSIX_LINK_H

#include <stddef.h>
#include <stdint.h>

#define LINK_VERSION 1
#define LINK_MAX_PAYLOAD 4096

/* Controller -> board */
enum { MSG_HELLO = 0x01, MSG_BOOT = 0x02, MSG_EVENT = 0x03, MSG_FLASH_READ = 0x04,
       MSG_QUIT = 0x05, MSG_STATS = 0x06, MSG_METER = 0x07 };
/* Board -> controller */
enum { MSG_READY = 0x41, MSG_FLASH_DATA = 0x44, MSG_STATS_REPLY = 0x46, MSG_LOG = 0x50,
       MSG_DISPLAY = 0x51, MSG_GPIO = 0x52, MSG_LINK_SEND = 0x53, MSG_TIMER_SET = 0x54,
       MSG_TIMER_CANCEL = 0x55, MSG_MQTT_CONNECT = 0x56, MSG_MQTT_SUBSCRIBE = 0x57,
       MSG_MQTT_PUBLISH = 0x58, MSG_MQTT_DISCONNECT = 0x59, MSG_WIFI_JOIN = 0x5A,
       MSG_WIFI_GROUP = 0x5B, MSG_UDP_BIND = 0x5C, MSG_UDP_SEND = 0x5D, MSG_ERROR = 0x7C,
       MSG_POWER_CUT = 0x7D, MSG_PANIC = 0x7E, MSG_DONE = 0x7F };

uint16_t link_crc16(const uint8_t *p, size_t n);

/* One received frame; payload points into the reader's buffer until the next read. */
struct link_frame {
    uint8_t type;
    uint16_t len;
    const uint8_t *payload;
};

/* Blocks until a frame with a good CRC arrives. Returns 1, or 0 at end of input. */
int link_read(int fd, struct link_frame *f);

/* A payload under construction. Writers never overflow: a frame that would exceed
 * LINK_MAX_PAYLOAD sets `over`, and link_send_msg refuses it (callers size-check first). */
struct msg {
    uint8_t type;
    uint8_t over;
    size_t n;
    uint8_t buf[LINK_MAX_PAYLOAD];
};

void msg_init(struct msg *m, uint8_t type);
void msg_u8(struct msg *m, uint32_t v);
void msg_u16(struct msg *m, uint32_t v);
void msg_u32(struct msg *m, uint32_t v);
void msg_bytes(struct msg *m, const void *p, size_t n);

/* Writes the frame to stdout at once (the controller may be waiting on it). A write
 * failure means the controller is gone: the board exits. */
void link_send_msg(const struct msg *m);
/* Convenience for frames with a ready-made payload. */
void link_send(uint8_t type, const void *payload, size_t len);
void link_send_error(int32_t code, const char *text);

#endif
