/*
 * gendata.h: the addresses of the benchmark's generated data, shared by
 * gendata.c (which writes indicator rows and Key Vault log lines) and
 * bench_lookup.c (which looks the same addresses up without reading the
 * data back).  Only scripts/bench.sh builds these two programs.
 *
 * Address number i (0 <= i < GD_SPACE) is a function of i and the seed
 * alone.  Numbers below GD_ROWS_MAX name indicator rows: row i of
 * "gendata ti N SEED" carries address i.  Numbers from GD_ROWS_MAX up are
 * never indicators and serve as misses.  One number in twenty is an IPv6
 * address (a few public /32 prefixes, then 96 random bits); the others are
 * distinct public IPv4 addresses: a keyed bijection of 32-bit values,
 * cycle-walked out of the excluded and special-purpose ranges, applied to
 * 1.0.0.0 + i, so that two numbers never share an IPv4 address.
 */
#ifndef GENDATA_H
#define GENDATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define GD_ROWS_MAX	(1ULL << 24)	/* Most indicator rows. */
#define GD_SPACE	(9ULL << 24)	/* Address numbers, misses included. */
#define GD_ADDRLEN	40		/* Longest address text, with NUL. */

/* The instant the data is generated around, given to ti-index --now. */
#define GD_NOW_TEXT	"2025-01-08T00:00:00Z"
#define GD_NOW_SECS	1736294400LL

/* The splitmix64 finaliser: a good 64-bit mixing function. */
static inline uint64_t
gd_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* A splitmix64 generator; stream picks one of many for the same seed. */
struct gd_rng {
	uint64_t s;
};

static inline void
gd_seed(struct gd_rng *r, uint64_t seed, uint64_t stream)
{
	r->s = gd_mix(gd_mix(seed) ^ gd_mix(stream + 0x5851f42d4c957f2dULL));
}

static inline uint64_t
gd_next(struct gd_rng *r)
{
	uint64_t z;

	z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n), n > 0; the bias is below 2^-40 for our n. */
static inline uint64_t
gd_below(struct gd_rng *r, uint64_t n)
{
	return gd_next(r) % n;
}

/*
 * Return 1 for IPv4 addresses no generated address uses: those ti-index
 * excludes (10/8, 172.16/12, 192.168/16, 127/8) and other special-purpose
 * ranges (0/8, 100.64/10, 169.254/16, 192.0.0/24, 192.0.2/24,
 * 192.88.99/24, 198.18/15, 198.51.100/24, 203.0.113/24, 224/3).
 */
static inline int
gd_v4_special(uint32_t v)
{
	uint32_t a = v >> 24;

	if (a == 0 || a == 10 || a == 127 || a >= 224)
		return 1;
	if ((v & 0xffc00000u) == 0x64400000u ||
	    (v & 0xffff0000u) == 0xa9fe0000u ||
	    (v & 0xfff00000u) == 0xac100000u ||
	    (v & 0xffffff00u) == 0xc0000000u ||
	    (v & 0xffffff00u) == 0xc0000200u ||
	    (v & 0xffffff00u) == 0xc0586300u ||
	    (v & 0xffff0000u) == 0xc0a80000u ||
	    (v & 0xfffe0000u) == 0xc6120000u ||
	    (v & 0xffffff00u) == 0xc6336400u ||
	    (v & 0xffffff00u) == 0xcb007100u)
		return 1;
	return 0;
}

/* A bijection of 32-bit values chosen by key (every step is invertible). */
static inline uint32_t
gd_perm32(uint32_t x, uint64_t key)
{
	x ^= (uint32_t)key;
	x *= 0x9e3779b1u;
	x ^= x >> 16;
	x += (uint32_t)(key >> 32);
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	x *= 0xc2b2ae35u;
	x ^= x >> 16;
	return x;
}

/*
 * The share of IPv6 addresses in percent, or -1 for the default of one
 * number in twenty.  gd_v6_share_env() sets it from the environment
 * variable GENDATA_V6_PERCENT (0 to 100), for data heavy in IPv6; both
 * programs must see the same value.
 */
static int gd_v6_percent = -1;

static inline void
gd_v6_share_env(void)
{
	const char *s = getenv("GENDATA_V6_PERCENT");
	char	*end;
	long	 v;

	if (s == NULL || *s == '\0')
		return;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 0 || v > 100) {
		fprintf(stderr, "GENDATA_V6_PERCENT: not 0 to 100: %s\n", s);
		exit(2);
	}
	gd_v6_percent = (int)v;
}

/* Return 1 when address number i is an IPv6 address. */
static inline int
gd_is_v6(uint64_t seed, uint64_t i)
{
	uint64_t h = gd_mix(gd_mix(seed ^ 0x76367636ULL) + i);

	if (gd_v6_percent >= 0)
		return h % 100 < (uint64_t)gd_v6_percent;
	return h % 20 == 0;
}

/*
 * The IPv4 address of number i (host order).  Cycle walking from a start
 * that is itself allowed (1.0.0.0 to 9.255.255.255) keeps the map one to
 * one and always ends.
 */
static inline uint32_t
gd_v4(uint64_t seed, uint64_t i)
{
	uint64_t key = gd_mix(seed ^ 0x34343434ULL);
	uint32_t v = 0x01000000u + (uint32_t)i;

	do
		v = gd_perm32(v, key);
	while (gd_v4_special(v));
	return v;
}

/* The IPv6 address of number i, in network order. */
static inline void
gd_v6(uint64_t seed, uint64_t i, uint8_t b[16])
{
	static const uint32_t prefix[] = {
		0x20010db8u, 0x2a001450u, 0x26001f18u, 0x24048000u,
		0x2a0398c0u, 0x26062800u, 0x2a02c7c0u, 0x28031a00u
	};
	uint64_t h1 = gd_mix(gd_mix(seed ^ 0x36363636ULL) + i);
	uint64_t h2 = gd_mix(h1 ^ 0x6a09e667f3bcc909ULL);
	uint32_t p = prefix[h1 % (sizeof(prefix) / sizeof(prefix[0]))];
	int k;

	for (k = 0; k < 4; k++)
		b[k] = (uint8_t)(p >> (24 - 8 * k));
	for (k = 0; k < 4; k++)
		b[4 + k] = (uint8_t)(h1 >> (56 - 8 * k));
	for (k = 0; k < 8; k++)
		b[8 + k] = (uint8_t)(h2 >> (56 - 8 * k));
}

/* Write v as a dotted quad into buf; return its length. */
static inline size_t
gd_fmt_v4(uint32_t v, char *buf)
{
	char	*p = buf;
	int	 k;

	for (k = 3; k >= 0; k--) {
		unsigned o = (v >> (8 * k)) & 0xff;

		if (o >= 100)
			*p++ = (char)('0' + o / 100);
		if (o >= 10)
			*p++ = (char)('0' + o / 10 % 10);
		*p++ = (char)('0' + o % 10);
		if (k > 0)
			*p++ = '.';
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/* Write b as RFC 5952 text (lower case, longest zero run as "::"). */
static inline size_t
gd_fmt_v6(const uint8_t b[16], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned g[8];
	char	*p = buf;
	int	 k, best = -1, bestlen = 1, run;

	for (k = 0; k < 8; k++)
		g[k] = (unsigned)b[2 * k] << 8 | b[2 * k + 1];
	for (k = 0; k < 8; k += run > 0 ? run : 1) {
		for (run = 0; k + run < 8 && g[k + run] == 0; run++)
			;
		if (run > bestlen) {
			best = k;
			bestlen = run;
		}
	}
	for (k = 0; k < 8; k++) {
		int s, started = 0;

		if (k == best) {
			*p++ = ':';
			if (k == 0)
				*p++ = ':';
			k += bestlen - 1;
			continue;
		}
		for (s = 12; s >= 0; s -= 4) {
			unsigned d = (g[k] >> s) & 0xf;

			if (d != 0 || started || s == 0) {
				*p++ = hex[d];
				started = 1;
			}
		}
		if (k < 7)
			*p++ = ':';
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/* Write the text of address number i into buf (GD_ADDRLEN bytes). */
static inline size_t
gd_addr(uint64_t seed, uint64_t i, char *buf)
{
	uint8_t b[16];

	if (gd_is_v6(seed, i)) {
		gd_v6(seed, i, b);
		return gd_fmt_v6(b, buf);
	}
	return gd_fmt_v4(gd_v4(seed, i), buf);
}

#endif /* GENDATA_H */
