/* Device link framing: encoder, and a decoder that resynchronises after line noise. */
#include "link.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, MSB first, no final xor. A byte at a
 * time through a table built on first use from the bitwise rule: every event's output
 * frames pass here, and the bitwise loop made up most of the board's cost of a tap
 * (boards/posix is what the bench's "posix per event" measures). */
static uint16_t crc_table[256];

static void crc_table_init(void)
{
    for (int v = 0; v < 256; v++) {
        uint16_t crc = (uint16_t)(v << 8);
        for (int b = 0; b < 8; b++)
            crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x1021) : (uint16_t)(crc << 1);
        crc_table[v] = crc;
    }
}

uint16_t link_crc16(const uint8_t *p, size_t n)
{
    if (crc_table[1] == 0) crc_table_init();   /* entry 1 is 0x1021 once built */
    uint16_t crc = 0xFFFF;
    for (size_t i = 0; i < n; i++)
        crc = (uint16_t)((crc << 8) ^ crc_table[(uint8_t)((crc >> 8) ^ p[i])]);
    return crc;
}

/* ---- reading ---- */

/* Sync(2) + type + length(2) + payload + CRC(2); doubled so a refill never has to wait
 * for the consumer. */
#define HDR 5
#define FRAME_MAX (HDR + LINK_MAX_PAYLOAD + 2)
static uint8_t rbuf[2 * FRAME_MAX];
static size_t rlen;      /* bytes held */
static size_t consumed;  /* bytes of the frame returned last time, dropped on next call */

static void drop(size_t n)
{
    memmove(rbuf, rbuf + n, rlen - n);
    rlen -= n;
}

/* Reads more input; 0 at end of input. */
static int fill(int fd)
{
    for (;;) {
        ssize_t r = read(fd, rbuf + rlen, sizeof rbuf - rlen);
        if (r > 0) { rlen += (size_t)r; return 1; }
        if (r == 0) return 0;
        if (errno != EINTR) return 0;
    }
}

int link_read(int fd, struct link_frame *f)
{
    drop(consumed);
    consumed = 0;
    for (;;) {
        /* Skip to the next B0 A1 (keep a lone trailing B0: its A1 may still come). */
        size_t i = 0;
        while (i < rlen && !(rbuf[i] == 0xB0 && (i + 1 == rlen || rbuf[i + 1] == 0xA1))) i++;
        if (i > 0) {
            fprintf(stderr, "posix: link: skipped %zu byte(s) of noise\n", i);
            drop(i);
        }
        if (rlen < HDR) { if (!fill(fd)) return 0; continue; }
        size_t len = ((size_t)rbuf[3] << 8) | rbuf[4];
        if (len > LINK_MAX_PAYLOAD) {
            /* Not a frame start after all: drop one sync byte and rescan. */
            fprintf(stderr, "posix: link: bad length %zu, resync\n", len);
            drop(1);
            continue;
        }
        if (rlen < HDR + len + 2) { if (!fill(fd)) return 0; continue; }
        uint16_t want = (uint16_t)((rbuf[HDR + len] << 8) | rbuf[HDR + len + 1]);
        if (link_crc16(rbuf + 2, 3 + len) != want) {
            fprintf(stderr, "posix: link: bad CRC, resync\n");
            drop(1);
            continue;
        }
        f->type = rbuf[2];
        f->len = (uint16_t)len;
        f->payload = rbuf + HDR;
        consumed = HDR + len + 2;
        return 1;
    }
}

/* ---- writing ---- */

void msg_init(struct msg *m, uint8_t type) { m->type = type; m->over = 0; m->n = 0; }

void msg_bytes(struct msg *m, const void *p, size_t n)
{
    if (n > LINK_MAX_PAYLOAD - m->n) { m->over = 1; return; }
    if (n) memcpy(m->buf + m->n, p, n);
    m->n += n;
}

void msg_u8(struct msg *m, uint32_t v) { uint8_t b = (uint8_t)v; msg_bytes(m, &b, 1); }
void msg_u16(struct msg *m, uint32_t v) { uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v }; msg_bytes(m, b, 2); }
void msg_u32(struct msg *m, uint32_t v)
{
    uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
    msg_bytes(m, b, 4);
}

static void write_all(const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(1, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { fprintf(stderr, "posix: link: controller gone\n"); exit(74); }
        p += w; n -= (size_t)w;
    }
}

void link_send(uint8_t type, const void *payload, size_t len)
{
    static uint8_t out[FRAME_MAX];
    if (len > LINK_MAX_PAYLOAD) {
        /* A host bug, not a firmware one: every producer checks sizes first. */
        fprintf(stderr, "posix: link: frame 0x%02x too long (%zu), not sent\n", type, len);
        abort();
    }
    out[0] = 0xB0; out[1] = 0xA1; out[2] = type;
    out[3] = (uint8_t)(len >> 8); out[4] = (uint8_t)len;
    if (len) memcpy(out + HDR, payload, len);
    uint16_t crc = link_crc16(out + 2, 3 + len);
    out[HDR + len] = (uint8_t)(crc >> 8);
    out[HDR + len + 1] = (uint8_t)crc;
    write_all(out, HDR + len + 2);
}

void link_send_msg(const struct msg *m)
{
    if (m->over) {
        fprintf(stderr, "posix: link: frame 0x%02x overflowed, not sent\n", m->type);
        abort();
    }
    link_send(m->type, m->buf, m->n);
}

void link_send_error(int32_t code, const char *text)
{
    static struct msg m;
    msg_init(&m, MSG_ERROR);
    msg_u32(&m, (uint32_t)code);
    size_t n = strlen(text);
    if (n > 256) n = 256;
    msg_bytes(&m, text, n);
    link_send_msg(&m);
}
