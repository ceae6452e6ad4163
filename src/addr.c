/*
 * addr.c: parsing, classifying and formatting IP addresses.
 *
 * The contract is in addr.h; SPEC.md section 2.1 says which addresses are
 * excluded from indicators.  Parsing is written out by hand rather than
 * with inet_pton(3) because the input is not NUL-terminated, because
 * inet_pton's acceptance of some forms differs between C libraries, and
 * because it is on the hot path of kv-match.
 */
#include <stdio.h>
#include <string.h>

#include "addr.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

static const uint8_t v4_prefix[12] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };

/* Parse a dotted quad from s[0..len) into out[4]; 0 or -1. */
static int
parse_v4(const char *s, size_t len, uint8_t out[4])
{
	size_t	 i = 0;
	int	 part;

	for (part = 0; part < 4; part++) {
		unsigned v = 0;
		size_t	 start = i;

		if (part > 0) {
			if (i >= len || s[i] != '.')
				return -1;
			start = ++i;
		}
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned)(s[i] - '0');
			if (v > 255 || i - start >= 3)
				return -1;
			i++;
		}
		if (i == start)
			return -1;
		if (s[start] == '0' && i - start > 1)
			return -1;	/* Leading zero: ambiguous (octal). */
		out[part] = (uint8_t)v;
	}
	return i == len ? 0 : -1;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Parse an IPv6 address from s[0..len) into out[16]; 0 or -1. */
static int
parse_v6(const char *s, size_t len, uint8_t out[16])
{
	uint8_t	 buf[16];
	size_t	 i = 0;
	int	 n = 0;		/* Bytes written to buf. */
	int	 gap = -1;	/* Byte position of "::", if any. */

	if (len < 2)
		return -1;
	if (s[0] == ':') {
		if (s[1] != ':')
			return -1;
		gap = 0;
		i = 2;
		if (i == len)
			goto done;
	}
	for (;;) {
		size_t	 start = i;
		unsigned v = 0;
		int	 h;

		while (i < len && i - start < 5 && (h = hexval(s[i])) >= 0) {
			v = (v << 4) | (unsigned)h;
			i++;
		}
		if (i == start || i - start > 4)
			return -1;
		if (i < len && s[i] == '.') {
			/* Embedded dotted quad: the last 32 bits. */
			if (n > 12)
				return -1;
			if (parse_v4(s + start, len - start, buf + n) == -1)
				return -1;
			n += 4;
			i = len;
			break;
		}
		if (n > 14)
			return -1;
		buf[n++] = (uint8_t)(v >> 8);
		buf[n++] = (uint8_t)v;
		if (i == len)
			break;
		if (s[i] != ':')
			return -1;
		i++;
		if (i < len && s[i] == ':') {
			if (gap != -1)
				return -1;
			gap = n;
			i++;
			if (i == len)
				break;
		} else if (i == len)
			return -1;	/* Trailing single colon. */
	}
done:
	if (gap == -1) {
		if (n != 16)
			return -1;
		memcpy(out, buf, 16);
		return 0;
	}
	if (n > 14)
		return -1;	/* "::" must stand for at least one group. */
	memset(out, 0, 16);
	memcpy(out, buf, (size_t)gap);
	memcpy(out + 16 - (n - gap), buf + gap, (size_t)(n - gap));
	return 0;
}

/*
 * parse_v4() for a whole text of fewer than 16 bytes, with no branch that
 * depends on the digits (kv-match parses an address for every record, and
 * the lengths of the parts are random): classify the bytes, find the
 * three dots, and compute each part from its last three bytes.  Accepts
 * exactly what parse_v4() accepts.
 */
static int
parse_quad(const char *s, size_t len, uint8_t out[4])
{
	unsigned char b[3 + 16 + 2];	/* "000", the text, NULs. */
	unsigned dots = 0, bad = 0, ends[4], starts[4], k, n, v;

	memset(b, 0, sizeof(b));
	memset(b, '0', 3);
	memcpy(b + 3, s, len);
#ifdef __SSE2__
	{
		__m128i	 t = _mm_loadu_si128((const __m128i *)(b + 3));
		__m128i	 d = _mm_sub_epi8(t, _mm_set1_epi8('0'));
		unsigned digits, in = (1u << len) - 1;

		dots = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(t,
		    _mm_set1_epi8('.')));
		digits = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_min_epu8(d, _mm_set1_epi8(9)), d));
		bad = ((dots | digits) & in) != in;
	}
#else
	for (k = 0; k < 16; k++) {
		unsigned c = b[3 + k];

		dots |= (unsigned)(c == '.') << k;
		bad |= (unsigned)(k < len) & (unsigned)(c != '.') &
		    (unsigned)(c - '0' > 9);
	}
#endif
	if (bad)
		return -1;
	/*
	 * The three dots; with fewer, a missing one stands at 16 and makes
	 * the last part empty, with more, dots is left non-zero.
	 */
	starts[0] = 0;
	for (k = 0; k < 3; k++) {
		ends[k] = (unsigned)__builtin_ctz(dots | 1u << 16);
		starts[k + 1] = ends[k] + 1;
		dots &= dots - 1;
	}
	bad = dots != 0;
	ends[3] = (unsigned)len;
	for (k = 0; k < 4; k++) {
		n = ends[k] - starts[k];	/* Wraps when empty. */
		v = (unsigned)(b[3 + ends[k] - 1] - '0') +
		    (unsigned)(n >= 2) * 10 * (unsigned)(b[2 + ends[k] - 1] -
		    '0') + (unsigned)(n >= 3) * 100 *
		    (unsigned)(b[1 + ends[k] - 1] - '0');
		bad |= (unsigned)(n - 1 > 2) | (unsigned)(v > 255) |
		    ((unsigned)(n >= 2) & (unsigned)(b[3 + starts[k]] == '0'));
		out[k] = (uint8_t)v;
	}
	return bad ? -1 : 0;
}

int
addr_parse(const char *s, size_t len, struct addr *a)
{
	if (len == 0 || len >= ADDR_STRLEN)
		return -1;
	if (len < 16 && parse_quad(s, len, a->b + 12) == 0) {
		memcpy(a->b, v4_prefix, 12);
		return 0;
	}
	/* Not a short quad: IPv6, or nothing parse_v4() accepts either. */
	return addr_parse_bytewise(s, len, a);
}

int
addr_parse_bytewise(const char *s, size_t len, struct addr *a)
{
	size_t	 i;

	if (len == 0 || len >= ADDR_STRLEN)
		return -1;
	for (i = 0; i < len; i++)
		if (s[i] == ':')
			return parse_v6(s, len, a->b);
	memcpy(a->b, v4_prefix, 12);
	return parse_v4(s, len, a->b + 12);
}

int
addr_is_v4(const struct addr *a)
{
	return memcmp(a->b, v4_prefix, 12) == 0;
}

uint32_t
addr_v4(const struct addr *a)
{
	return (uint32_t)a->b[12] << 24 | (uint32_t)a->b[13] << 16 |
	    (uint32_t)a->b[14] << 8 | a->b[15];
}

void
addr_from_v4(struct addr *a, uint32_t v)
{
	memcpy(a->b, v4_prefix, 12);
	a->b[12] = (uint8_t)(v >> 24);
	a->b[13] = (uint8_t)(v >> 16);
	a->b[14] = (uint8_t)(v >> 8);
	a->b[15] = (uint8_t)v;
}

/* An IPv4 block of SPEC 2.1 step 3, and its class. */
static const struct {
	uint32_t	 base;
	unsigned	 len;
	enum addr_class	 cls;
} v4_blocks[] = {
	{ 0x00000000u, 8, ADDR_RESERVED },	/* 0.0.0.0/8 */
	{ 0x0a000000u, 8, ADDR_EXCLUDED },	/* 10.0.0.0/8 */
	{ 0x7f000000u, 8, ADDR_EXCLUDED },	/* 127.0.0.0/8 */
	{ 0xac100000u, 12, ADDR_EXCLUDED },	/* 172.16.0.0/12 */
	{ 0xc0a80000u, 16, ADDR_EXCLUDED },	/* 192.168.0.0/16 */
	{ 0xe0000000u, 3, ADDR_RESERVED }	/* 224.0.0.0/4, 240.0.0.0/4 */
};

/* 1 when the RFC 5952 text of a (not IPv4-mapped) starts with "::". */
static int
colon_start(const struct addr *a)
{
	char	 text[ADDR_STRLEN];

	if (addr_is_v4(a) || a->b[0] != 0 || a->b[1] != 0 || a->b[2] != 0 ||
	    a->b[3] != 0)
		return 0;	/* Cannot start with two zero groups. */
	addr_format(a, text);
	return text[0] == ':';
}

enum addr_class
addr_prefix_class(const struct addr *a, unsigned plen)
{
	struct addr first, last;
	size_t	 i;

	if (plen > 128)
		plen = 128;
	if (addr_is_v4(a) && plen >= 96) {
		uint32_t v = addr_v4(a);
		unsigned n = plen - 96;

		for (i = 0; i < sizeof(v4_blocks) / sizeof(v4_blocks[0]); i++)
			if (n >= v4_blocks[i].len && (v >> (32 -
			    v4_blocks[i].len)) == (v4_blocks[i].base >> (32 -
			    v4_blocks[i].len)))
				return v4_blocks[i].cls;
		return ADDR_INDEXABLE;
	}
	if (plen >= 8 && a->b[0] == 0xff)
		return ADDR_RESERVED;			/* ff00::/8 */
	if (plen >= 10 && a->b[0] == 0xfe && (a->b[1] & 0xc0) == 0x80)
		return ADDR_EXCLUDED;			/* fe80::/10 */
	for (i = 0; i < 16; i++) {
		unsigned keep = plen >= 8 * (i + 1) ? 8 : plen > 8 * i ?
		    plen - 8 * (unsigned)i : 0;

		first.b[i] = a->b[i] & (uint8_t)(0xff00u >> keep);
		last.b[i] = first.b[i] | (uint8_t)(0xffu >> keep);
	}
	return colon_start(&first) && colon_start(&last) ? ADDR_EXCLUDED :
	    ADDR_INDEXABLE;
}

int
addr_excluded(const struct addr *a)
{
	return addr_prefix_class(a, 128) != ADDR_INDEXABLE;
}

/* The dotted quad of IPv4 address a at p, without a NUL; its end. */
static char *
put_quad(const struct addr *a, char *p)
{
	int	 i;
	unsigned v;

	for (i = 12; i < 16; i++) {
		v = a->b[i];
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
		if (i < 15)
			*p++ = '.';
	}
	return p;
}

char *
addr_format(const struct addr *a, char *buf)
{
	unsigned g[8];
	int	 i, best = -1, bestlen = 0, cur = -1, curlen = 0;
	char	*p = buf;

	if (addr_is_v4(a)) {
		*put_quad(a, buf) = '\0';
		return buf;
	}
	for (i = 0; i < 8; i++) {
		g[i] = (unsigned)a->b[2 * i] << 8 | a->b[2 * i + 1];
		if (g[i] == 0) {
			if (cur == -1) {
				cur = i;
				curlen = 0;
			}
			if (++curlen > bestlen) {
				best = cur;
				bestlen = curlen;
			}
		} else
			cur = -1;
	}
	if (bestlen < 2)
		best = -1;	/* RFC 5952 4.2.2: never "::" for one group. */
	for (i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			if (i == 0)
				*p++ = ':';
			i += bestlen - 1;
			continue;
		}
		p += sprintf(p, "%x", g[i]);
		if (i < 7)
			*p++ = ':';
	}
	*p = '\0';
	return buf;
}

int
addr_cmp(const struct addr *a, const struct addr *b)
{
	return memcmp(a->b, b->b, 16);
}

/* The bits of byte i (of 16) that lie inside a prefix of plen bits. */
static unsigned
prefix_bits(unsigned plen, size_t i)
{
	return plen >= 8 * (i + 1) ? 8 : plen > 8 * i ?
	    plen - 8 * (unsigned)i : 0;
}

int
addr_parse_prefix(const char *s, size_t len, struct addr *a,
    unsigned *plen)
{
	const char *slash = memchr(s, '/', len);
	unsigned n = 0;
	size_t	 i, digits;

	if (slash == NULL) {
		*plen = 128;
		return addr_parse(s, len, a) == 0 ? 0 : ADDR_ERR_ADDRESS;
	}
	digits = (size_t)(s + len - (slash + 1));
	if (addr_parse(s, (size_t)(slash - s), a) == -1 || digits == 0 ||
	    digits > 3)
		return ADDR_ERR_ADDRESS;
	for (i = 1; i <= digits; i++) {
		if (slash[i] < '0' || slash[i] > '9')
			return ADDR_ERR_ADDRESS;
		n = n * 10 + (unsigned)(slash[i] - '0');
	}
	/* "::ffff:a.b.c.d/n" counts n in 128 bits; "a.b.c.d/n" in 32. */
	if (addr_is_v4(a) && memchr(s, ':', (size_t)(slash - s)) == NULL)
		n += 96;
	if (n > 128 || (addr_is_v4(a) && n < 96))
		return ADDR_ERR_LENGTH;
	*plen = n;
	for (i = 0; i < 16; i++)	/* Clear the host bits. */
		a->b[i] &= (uint8_t)(0xff00u >> prefix_bits(n, i));
	return 0;
}

void
addr_prefix_last(const struct addr *a, unsigned plen, struct addr *last)
{
	size_t	 i;

	*last = *a;
	for (i = 0; i < 16; i++)
		last->b[i] |= (uint8_t)(0xffu >> prefix_bits(plen, i));
}

int
addr_parse_indicator(const char *s, size_t len, struct addr *a,
    unsigned *plen, unsigned min4, unsigned min6)
{
	int	 rc;

	if ((rc = addr_parse_prefix(s, len, a, plen)) != 0)
		return rc;
	if (*plen < (addr_is_v4(a) ? 96 + min4 : min6) &&
	    addr_prefix_class(a, *plen) == ADDR_INDEXABLE)
		return ADDR_ERR_SHORT;
	return 0;
}

const char *
addr_strerror(int err)
{
	switch (err) {
	case ADDR_ERR_ADDRESS:
		return "not an IP address";
	case ADDR_ERR_LENGTH:
		return "bad prefix length";
	case ADDR_ERR_SHORT:
		return "prefix too short";
	}
	return "no error";
}

int
addr_is_canonical(const struct addr *a, const char *s, size_t len)
{
	char	 buf[ADDR_STRLEN];

	if (addr_is_v4(a))
		return len <= 15 && (size_t)(put_quad(a, buf) - buf) == len &&
		    memcmp(buf, s, len) == 0;
	return len < ADDR_STRLEN && strlen(addr_format(a, buf)) == len &&
	    memcmp(buf, s, len) == 0;
}
