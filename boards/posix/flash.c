/* NOR flash on a file: write ANDs (bits only clear), erase sets a page to 0xFF. Each op
 * is pwritten at once, no cache that a power cut could lose; a RAM copy serves reads. */
#include "flash.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int fd = -1;
static uint8_t *mem;        /* mirror of the file's first pages * 4096 bytes */
static uint32_t npages;
static uint32_t ops;
static uint32_t *erases;
static uint32_t cut_at, cut_keep;

static void die(const char *what, const char *path)
{
    fprintf(stderr, "posix: flash %s %s: %s\n", what, path, strerror(errno));
    exit(71);
}

static void put(uint64_t off, size_t n)
{
    /* The file is the chip: write through now, retrying short writes. */
    size_t done = 0;
    while (done < n) {
        ssize_t w = pwrite(fd, mem + off + done, n - done, (off_t)(off + done));
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) { fprintf(stderr, "posix: flash: pwrite failed: %s\n", strerror(errno)); exit(71); }
        done += (size_t)w;
    }
}

void flash_open(const char *path, uint32_t pages)
{
    size_t size = (size_t)pages * FLASH_PAGE_SIZE;
    npages = pages;
    fd = open(path, O_RDWR | O_CREAT, 0644);
    if (fd < 0) die("open", path);
    mem = malloc(size);
    erases = calloc(pages, sizeof *erases);
    if (!mem || !erases) { fprintf(stderr, "posix: out of memory\n"); exit(71); }
    memset(mem, 0xFF, size);
    /* An existing file keeps its contents; a shorter (or new) one is extended with erased
     * bytes so that the file always covers the whole partition. Bytes past the partition
     * (a file made with more pages) are left alone. */
    size_t have = 0;
    while (have < size) {
        ssize_t r = pread(fd, mem + have, size - have, (off_t)have);
        if (r < 0 && errno == EINTR) continue;
        if (r < 0) die("read", path);
        if (r == 0) break;
        have += (size_t)r;
    }
    if (have < size) put(have, size - have);
}

void flash_set_cut(uint32_t at, uint32_t keep) { cut_at = at; cut_keep = keep; }

uint32_t flash_pages(void) { return npages; }
uint32_t flash_ops(void) { return ops; }
uint32_t flash_erase_count(uint32_t page) { return page < npages ? erases[page] : 0; }

static int in_range(int64_t addr, int64_t len)
{
    return addr >= 0 && len >= 0 && addr + len <= (int64_t)npages * FLASH_PAGE_SIZE;
}

int flash_read(int64_t addr, uint8_t *dst, int64_t len)
{
    if (!in_range(addr, len)) return FLASH_RANGE;
    if (len) memcpy(dst, mem + addr, (size_t)len);
    return FLASH_OK;
}

/* Counts one operation; returns how many of its n bytes land (n unless this is the cut). */
static size_t begin_op(size_t n, int *cut)
{
    ops++;
    *cut = cut_at != 0 && ops == cut_at;
    if (*cut && cut_keep < n) return cut_keep;
    return n;
}

int flash_write(int64_t addr, const uint8_t *src, int64_t len)
{
    if (!in_range(addr, len)) return FLASH_RANGE;
    int cut;
    size_t n = begin_op((size_t)len, &cut);
    for (size_t i = 0; i < n; i++) mem[addr + i] &= src[i];
    put((uint64_t)addr, n);
    return cut ? FLASH_CUT : FLASH_OK;
}

int flash_erase(int64_t page)
{
    if (page < 0 || page >= npages) return FLASH_RANGE;
    int cut;
    size_t n = begin_op(FLASH_PAGE_SIZE, &cut);
    uint64_t off = (uint64_t)page * FLASH_PAGE_SIZE;
    memset(mem + off, 0xFF, n);
    put(off, n);
    /* An interrupted erase still wore the page. */
    erases[page]++;
    return cut ? FLASH_CUT : FLASH_OK;
}
