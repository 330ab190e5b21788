/* File-backed NOR flash for the posix board. The file always holds what a real chip
 * would hold at that instant, so a power cut (fault injection, or kill -9) leaves the
 * same state the firmware must recover from on the next power-on. */
#ifndef POSIX_FLASH_H
#define POSIX_FLASH_H

#include <stdint.h>

#define FLASH_PAGE_SIZE 4096
/* STATS must fit one link frame: 6 + 4 * pages <= 4096. */
#define FLASH_MAX_PAGES 1022

enum { FLASH_OK = 0, FLASH_RANGE = -2, FLASH_CUT = 1 };

/* Opens (creating erased) the flash file. Exits with a message on failure. */
void flash_open(const char *path, uint32_t pages);
/* Power fails during operation number cut_at (1-based; 0 = never), after `keep` bytes. */
void flash_set_cut(uint32_t cut_at, uint32_t keep);

uint32_t flash_pages(void);
/* addr/len are checked here: FLASH_RANGE outside the partition. */
int flash_read(int64_t addr, uint8_t *dst, int64_t len);
/* FLASH_OK, FLASH_RANGE, or FLASH_CUT: power failed inside this op (its prefix landed);
 * the caller must report the cut and stop the board. */
int flash_write(int64_t addr, const uint8_t *src, int64_t len);
int flash_erase(int64_t page);

uint32_t flash_ops(void);                 /* writes + erases since power-on */
uint32_t flash_erase_count(uint32_t page); /* erases of one page since power-on */

#endif
