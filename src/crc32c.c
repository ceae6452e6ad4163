/*
 * crc32c.c: CRC-32C, by the SSE4.2 crc32 instruction where the processor
 * has it, else by a slice-by-8 table built on first use.  See crc32c.h.
 */
#include <string.h>

#include "crc32c.h"

static uint32_t	table[8][256];
static int	table_ready;

static void
table_init(void)
{
	uint32_t i, j, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (j = 0; j < 8; j++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (j = 1; j < 8; j++)
			table[j][i] = (table[j - 1][i] >> 8) ^
			    table[0][table[j - 1][i] & 0xff];
	table_ready = 1;
}

static uint32_t
crc_soft(uint32_t c, const unsigned char *p, size_t len)
{
	if (!table_ready)
		table_init();
	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		w ^= c;		/* Little-endian: the first 4 bytes meet c. */
		c = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^
		    table[5][(w >> 16) & 0xff] ^ table[4][(w >> 24) & 0xff] ^
		    table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
		    table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
		p += 8;
		len -= 8;
	}
	while (len-- > 0)
		c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
	return c;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("sse4.2")))
static uint32_t
crc_hw(uint32_t c, const unsigned char *p, size_t len)
{
	uint64_t c64 = c;

	while (len >= 8) {
		uint64_t w;

		memcpy(&w, p, 8);
		c64 = __builtin_ia32_crc32di(c64, w);
		p += 8;
		len -= 8;
	}
	c = (uint32_t)c64;
	while (len-- > 0)
		c = __builtin_ia32_crc32qi(c, *p++);
	return c;
}
#endif

uint32_t
crc32c(uint32_t crc, const void *p, size_t len)
{
	uint32_t c = ~crc;

#if defined(__x86_64__) && defined(__GNUC__)
	if (__builtin_cpu_supports("sse4.2"))
		return ~crc_hw(c, p, len);
#endif
	return ~crc_soft(c, p, len);
}

uint32_t
crc32c_portable(uint32_t crc, const void *p, size_t len)
{
	return ~crc_soft(~crc, p, len);
}
