/*
 * hash.c: a 64-bit hash of bytes for the in-memory tables.
 */
#include <string.h>

#include "hash.h"

/*
 * The last len (below 8) bytes at s, as memcpy() would put them into a
 * zeroed word on a little-endian machine, read without storing them one
 * by one (a load of bytes just stored one by one waits for them all).
 * When whole bytes precede them (whole, 1), a word ending at the end
 * is read and shifted.
 */
static uint64_t
tail_word(const unsigned char *s, size_t len, int whole)
{
	uint64_t w = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint32_t x;
	uint16_t y;
	size_t	 at = 0;

	if (len == 0)
		return 0;
	if (whole) {
		memcpy(&w, s + len - 8, 8);
		return w >> (8 * (8 - len));
	}
	if (len & 4) {
		memcpy(&x, s, 4);
		w = x;
		at = 4;
	}
	if (len & 2) {
		memcpy(&y, s + at, 2);
		w |= (uint64_t)y << (8 * at);
		at += 2;
	}
	if (len & 1)
		w |= (uint64_t)s[at] << (8 * at);
#else
	(void)whole;
	memcpy(&w, s, len);
#endif
	return w;
}

uint64_t
hash_bytes(const void *p, size_t len)
{
	const unsigned char *s = p;
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ (len * 0xC2B2AE3D27D4EB4FULL);
	uint64_t w;
	int	 whole = len >= 8;

	while (len >= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
		h ^= h >> 31;
		s += 8;
		len -= 8;
	}
	w = tail_word(s, len, whole);
	h = (h ^ w) * 0x94D049BB133111EBULL;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ULL;
	return h ^ (h >> 32);
}
