/*
 * addr.h: IP addresses as 16-byte binary values.
 *
 * Every address, IPv4 or IPv6, is held as 16 bytes in network order.  An
 * IPv4 address a.b.c.d is stored in its IPv4-mapped form ::ffff:a.b.c.d, so
 * an IPv4-mapped IPv6 address and the plain IPv4 address are the same value
 * (SPEC 2.1, step 3).  Parsing is strict and never reads past the given
 * length; the accepted forms are listed with addr_parse().
 */
#ifndef ADDR_H
#define ADDR_H

#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN	46	/* Longest text addr_format() writes, with NUL. */

struct addr {
	uint8_t	b[16];		/* Network byte order; IPv4 as ::ffff:0:0/96. */
};

/*
 * Parse the len bytes at s as one address.  Accepted: IPv4 dotted quads of
 * four decimal parts 0-255 without leading zeros ("010.1.1.1" is refused,
 * since some parsers read it as octal); IPv6 in any RFC 4291 text form,
 * either case, with "::" compression and an embedded dotted quad in the
 * last 32 bits.  Refused: surrounding white space, zone ids ("%eth0"),
 * prefix lengths, ports, brackets, and anything else.
 * Returns 0 and fills *a, or -1 (and *a is unspecified).
 */
int	addr_parse(const char *s, size_t len, struct addr *a);

/*
 * The same, a byte at a time: addr_parse() reads short IPv4 texts without
 * branching on their digits, and must accept exactly what this accepts.
 */
int	addr_parse_bytewise(const char *s, size_t len, struct addr *a);

/* Return 1 when a holds an IPv4 address (including IPv4-mapped IPv6). */
int	addr_is_v4(const struct addr *a);

/* Return the IPv4 address in a as a host-order integer (a must be v4). */
uint32_t addr_v4(const struct addr *a);

/* Fill a with the IPv4 address v (host order). */
void	addr_from_v4(struct addr *a, uint32_t v);

/* The classes of SPEC 2.1 step 3. */
enum addr_class {
	ADDR_INDEXABLE,		/* Not excluded. */
	ADDR_EXCLUDED,		/* Private, loopback, link-local, "::". */
	ADDR_RESERVED		/* 0.0.0.0/8, 224.0.0.0/4, 240.0.0.0/4, */
};				/* ff00::/8. */

/*
 * Classify the prefix a/plen (plen counted in the 16-byte form, 96 + n
 * for an IPv4 /n, 128 for one address; bits past plen are ignored) by
 * SPEC 2.1 step 3.  ADDR_EXCLUDED: it lies wholly inside IPv4 10/8,
 * 172.16/12, 192.168/16, 127/8, IPv6 fe80::/10, or (first and last
 * address) in the addresses whose RFC 5952 form starts with "::" (the
 * first 32 bits are zero and the address is not IPv4-mapped:
 * unspecified, loopback, IPv4-compatible).  ADDR_RESERVED: it lies wholly
 * inside 0.0.0.0/8, 224.0.0.0/3 (224/4 and 240/4) or ff00::/8.  A prefix
 * that only overlaps them, and the documentation ranges, are
 * ADDR_INDEXABLE.
 */
enum addr_class addr_prefix_class(const struct addr *a, unsigned plen);

/* addr_prefix_class(a, 128) != ADDR_INDEXABLE: 1 or 0. */
int	addr_excluded(const struct addr *a);

/*
 * Write the canonical text of a into buf (at least ADDR_STRLEN bytes):
 * dotted quad for IPv4, RFC 5952 for IPv6.  Returns buf.
 */
char	*addr_format(const struct addr *a, char *buf);

/* 1 when the len bytes at s are a's text as addr_format() writes it. */
int	 addr_is_canonical(const struct addr *a, const char *s, size_t len);

/* addr_parse_prefix() and addr_parse_indicator() results besides 0. */
#define ADDR_ERR_ADDRESS	(-1)	/* Not an address. */
#define ADDR_ERR_LENGTH		(-2)	/* A prefix length out of range. */
#define ADDR_ERR_SHORT		(-3)	/* Shorter than the least allowed. */

/*
 * Parse the len bytes at s as "address" or "address/length", the length
 * in decimal (at most three digits) counted in the address's own family:
 * 0-32 after a dotted quad, 0-128 after IPv6 text (::ffff:a.b.c.d/n
 * counts n in 128 bits).  Sets *a, its host bits cleared, and *plen in
 * the 128-bit form (128 without a length; an IPv4 /24 is 120).  Returns
 * 0, ADDR_ERR_ADDRESS or ADDR_ERR_LENGTH.
 */
int	addr_parse_prefix(const char *s, size_t len, struct addr *a,
	    unsigned *plen);

/*
 * As addr_parse_prefix, for an indicator: also ADDR_ERR_SHORT for a
 * prefix shorter than min4 bits (IPv4, counted in 32) or min6 bits (IPv6)
 * that is not wholly inside excluded space (see addr_prefix_class).
 */
int	addr_parse_indicator(const char *s, size_t len, struct addr *a,
	    unsigned *plen, unsigned min4, unsigned min6);

/* What an ADDR_ERR_* result means, for a message. */
const char *addr_strerror(int err);

/* Set *last to the last address of the prefix a/plen (128-bit form). */
void	addr_prefix_last(const struct addr *a, unsigned plen,
	    struct addr *last);

/* Compare two addresses as 16-byte big-endian numbers, like memcmp. */
int	addr_cmp(const struct addr *a, const struct addr *b);

#endif /* ADDR_H */
