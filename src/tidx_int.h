/*
 * tidx_int.h: what the index reader (tidx.c) and writer (tidx_build.c)
 * share beyond the layout in tidx.h: little-endian field access, the
 * hash functions that place keys in HASH4 and HASH6, and a section table
 * entry as read or written.  Not for other modules.
 */
#ifndef TIDX_INT_H
#define TIDX_INT_H

#include <stdint.h>
#include <string.h>

#include "tidx.h"

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the index is read in place and is little-endian"
#endif

#define TIDX_NBASE	6	/* Kinds every index has: 1 to 6. */

/* One section table entry (tidx.h), as numbers. */
struct tidx_section {
	uint32_t	 kind, crc;
	uint64_t	 off, size;
	uint32_t	 count, param;
};

static inline uint16_t
tidx_rd16(const unsigned char *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return v;
}

static inline uint32_t
tidx_rd32(const unsigned char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

static inline uint64_t
tidx_rd64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline void
tidx_wr16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static inline void
tidx_wr32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static inline void
tidx_wr64(unsigned char *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* The home slot of IPv4 key k: the first slot of its 64-byte line. */
static inline uint64_t
tidx_slot4(uint32_t k, uint64_t mask)
{
	return ((uint64_t)k * 0x9E3779B97F4A7C15ULL >> 32) & mask &
	    ~(uint64_t)7;
}

/* IPv6 key b folded to 64 bits: h * 0x9E3779B97F4A7C15 + l (tidx.h). */
static inline uint64_t
tidx_fold6(const uint8_t b[16])
{
	uint64_t h = 0, l = 0;
	int	 i;

	for (i = 0; i < 8; i++) {
		h = h << 8 | b[i];
		l = l << 8 | b[8 + i];
	}
	return h * 0x9E3779B97F4A7C15ULL + l;
}

/* The home bucket of the IPv6 key b (its home slot is 3 times that). */
static inline uint64_t
tidx_bucket6(const uint8_t b[16], uint64_t mask)
{
	return ((tidx_fold6(b) * 0xC2B2AE3D27D4EB4FULL) >> 32) & mask;
}

/*
 * The FILTER hash of x (an IPv4 key, or tidx_fold6() of an IPv6 key):
 * SplitMix64's output function.
 */
static inline uint64_t
tidx_filter_hash(uint64_t x)
{
	uint64_t z = x + 0x9E3779B97F4A7C15ULL;

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

/* The FILTER hash of address a: of its IPv4 key, or of its IPv6 fold. */
static inline uint64_t
tidx_filter_addr(const struct addr *a)
{
	return tidx_filter_hash(addr_is_v4(a) ? addr_v4(a) :
	    tidx_fold6(a->b));
}

/* The word of FILTER (words words) that hash z sets bits of. */
static inline uint64_t
tidx_filter_word(uint64_t z, uint64_t words)
{
	return (z >> 32) * words >> 32;
}

/* The bits hash z sets in its word. */
static inline uint64_t
tidx_filter_bits(uint64_t z)
{
	return 1ULL << (z & 63) | 1ULL << (z >> 6 & 63) |
	    1ULL << (z >> 12 & 63);
}

#endif /* TIDX_INT_H */
