/*
 * check_addr.c: unit tests of the addr module (src/addr.h).  "Core" covers
 * parsing of IPv4 dotted quads and of every RFC 4291 IPv6 text form, the
 * forms that must be refused (junk, zone ids, brackets, ports, prefix
 * lengths, white space, leading zeros), IPv4-mapped addresses being the
 * plain IPv4 value, RFC 5952 formatting and round trips, ordering and the
 * IPv4 integer conversions.  "Prefixes" covers address/length texts
 * and the last address of a prefix.  "Exclusions" walks both edges of every range
 * of SPEC 2.1 step 3.  "Limits" checks the length limit and that parsing
 * never reads past the given length: every parse goes through a heap copy
 * of exactly len bytes, so AddressSanitizer catches any overread.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testlib.h"
#include "addr.h"

/* Parse the len bytes at s from a heap copy of exactly that size. */
static int
parse_n(const char *s, size_t len, struct addr *a)
{
	char	*p = malloc(len ? len : 1);
	int	 rc;

	if (p == NULL)
		ck_abort_msg("out of memory");
	memcpy(p, s, len);
	rc = addr_parse(p, len, a);
	free(p);
	return rc;
}

static int
parse(const char *s, struct addr *a)
{
	return parse_n(s, strlen(s), a);
}

/* Parse s, which must be valid, and return the address. */
static struct addr
must(const char *s)
{
	struct addr a;

	ck_assert_msg(parse(s, &a) == 0, "\"%s\" refused", s);
	return a;
}

static void
assert_bytes(const char *s, const uint8_t want[16])
{
	struct addr a = must(s);

	ck_assert_msg(memcmp(a.b, want, 16) == 0, "\"%s\": wrong bytes", s);
}

static void
assert_refused(const char *const *list, size_t n)
{
	struct addr a;
	size_t	 i;

	for (i = 0; i < n; i++)
		ck_assert_msg(parse(list[i], &a) == -1,
		    "\"%s\" accepted", list[i]);
}

/* Check that s parses and formats back as want. */
static void
assert_format(const char *s, const char *want)
{
	struct addr a = must(s);
	char	 buf[ADDR_STRLEN];

	ck_assert_str_eq(addr_format(&a, buf), want);
}

static void
assert_excluded(const char *s, int want)
{
	struct addr a = must(s);

	ck_assert_msg(addr_excluded(&a) == want, "addr_excluded(\"%s\") "
	    "is %d, want %d", s, addr_excluded(&a), want);
}

/*
 * Every value of each octet formats as printf writes it, and is
 * canonical; texts that differ in any way are not.
 */
START_TEST(canonical_texts)
{
	static const struct {
		const char *text;
		int	    want;
	} t[] = {
		{ "203.0.113.7", 1 }, { "0.0.0.0", 1 }, { "255.255.255.255", 1 },
		{ "::ffff:203.0.113.7", 0 }, { "2001:db8::1", 1 },
		{ "2001:DB8::1", 0 }, { "2001:db8:0::1", 0 },
		{ "2001:db8::7:0:0:5", 1 }, { "::ffff:c633:6407", 0 },
		{ "::", 1 }, { "::1", 1 }, { "1::", 1 },
		{ "2001:0db8::1", 0 }
	};
	struct addr a;
	char	 buf[ADDR_STRLEN], want[ADDR_STRLEN];
	size_t	 i;
	unsigned v, k;

	for (v = 0; v < 256; v++)
		for (k = 0; k < 4; k++) {
			unsigned o[4] = { 1, 20, 255, 0 };

			o[k] = v;
			snprintf(want, sizeof(want), "%u.%u.%u.%u", o[0], o[1],
			    o[2], o[3]);
			a = must(want);
			ck_assert_str_eq(addr_format(&a, buf), want);
			ck_assert(addr_is_canonical(&a, want, strlen(want)));
			/* One byte short, one byte over. */
			ck_assert(!addr_is_canonical(&a, want,
			    strlen(want) - 1));
			want[strlen(want) + 1] = '\0';
			want[strlen(want)] = '0';
			ck_assert(!addr_is_canonical(&a, want, strlen(want)));
		}
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		a = must(t[i].text);
		ck_assert_msg(addr_is_canonical(&a, t[i].text,
		    strlen(t[i].text)) == t[i].want, "%s", t[i].text);
	}
	/* Another address's canonical text is not a's. */
	a = must("203.0.113.7");
	ck_assert(!addr_is_canonical(&a, "203.0.113.8", 11));
	ck_assert(!addr_is_canonical(&a, "203.0.113.7/32", 14));
	a = must("2001:db8::1");
	ck_assert(!addr_is_canonical(&a, "2001:db8::2", 11));
}
END_TEST

START_TEST(v4_valid)
{
	static const struct {
		const char	*s;
		uint32_t	 v;
	} t[] = {
		{ "0.0.0.0", 0 },
		{ "255.255.255.255", 0xffffffffu },
		{ "1.2.3.4", 0x01020304u },
		{ "10.0.0.1", 0x0a000001u },
		{ "100.200.250.199", 0x64c8fac7u },
		{ "0.10.100.255", 0x000a64ffu },
		{ "249.250.254.9", 0xf9fafe09u },
	};
	struct addr a;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		a = must(t[i].s);
		ck_assert_msg(addr_is_v4(&a), "%s", t[i].s);
		ck_assert_msg(addr_v4(&a) == t[i].v, "%s", t[i].s);
	}
}
END_TEST

START_TEST(v4_stored_mapped)
{
	static const uint8_t want[16] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff,
	    192,0,2,33 };

	assert_bytes("192.0.2.33", want);
}
END_TEST

START_TEST(v4_refused)
{
	static const char *const bad[] = {
		"", "1", "1.2", "1.2.3", "1.2.3.4.5", "1..2.3", ".1.2.3",
		"1.2.3.", "1.2.3.4.", "256.1.1.1", "1.256.1.1", "1.2.256.1",
		"1.2.3.256", "999.1.1.1", "1000.1.1.1", "1.2.3.1000",
		"01.2.3.4", "1.02.3.4", "1.2.003.4", "1.2.3.04", "00.0.0.0",
		"0.0.0.00", "010.1.1.1", " 1.2.3.4", "1.2.3.4 ", "1.2. 3.4",
		"1.2.3.4\n", "\t1.2.3.4", "1.2.3.-4", "+1.2.3.4", "0x1.2.3.4",
		"1.2.3.4a", "a.b.c.d", "1.2.3.4/32", "10.0.0.0/8", "1,2,3,4",
		"4294967295",
	};

	assert_refused(bad, sizeof(bad) / sizeof(bad[0]));
}
END_TEST

START_TEST(v4_embedded_nul_refused)
{
	struct addr a;

	ck_assert_int_eq(parse_n("1.2.3.4\0", 8, &a), -1);
	ck_assert_int_eq(parse_n("1.2\0.3.4", 8, &a), -1);
}
END_TEST

START_TEST(v6_forms)
{
	static const uint8_t doc1[16] = { 0x20,0x01,0x0d,0xb8, 0,0,0,0,
	    0,0,0,0, 0,0,0,1 };
	static const uint8_t zero[16] = { 0 };
	static const uint8_t one[16] = { 0,0,0,0, 0,0,0,0, 0,0,0,0, 0,0,0,1 };
	static const uint8_t seq[16] = { 0,1,0,2,0,3,0,4,0,5,0,6,0,7,0,8 };
	static const uint8_t mix[16] = { 0xab,0xcd,0xef,0x01,0x23,0x45,
	    0x67,0x89, 0xab,0xcd,0xef,0x01,0x23,0x45,0x67,0x89 };
	static const uint8_t tail0[16] = { 0,1,0,2,0,3,0,4,0,5,0,6,0,7,0,0 };
	static const uint8_t head0[16] = { 0,0,0,2,0,3,0,4,0,5,0,6,0,7,0,8 };

	assert_bytes("2001:db8::1", doc1);
	assert_bytes("2001:DB8::1", doc1);
	assert_bytes("2001:Db8:0::0:1", doc1);
	assert_bytes("2001:0db8:0000:0000:0000:0000:0000:0001", doc1);
	assert_bytes("2001:db8:0:0:0:0:0:1", doc1);
	assert_bytes("2001:db8::0:1", doc1);
	assert_bytes("::", zero);
	assert_bytes("0:0:0:0:0:0:0:0", zero);
	assert_bytes("0::0", zero);
	assert_bytes("::1", one);
	assert_bytes("0:0:0:0:0:0:0:1", one);
	assert_bytes("1:2:3:4:5:6:7:8", seq);
	assert_bytes("0001:0002:0003:0004:0005:0006:0007:0008", seq);
	assert_bytes("abcd:ef01:2345:6789:abcd:ef01:2345:6789", mix);
	assert_bytes("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", mix);
	assert_bytes("AbCd:eF01:2345:6789:aBcD:Ef01:2345:6789", mix);
	/* RFC 4291 lets "::" stand for a single group. */
	assert_bytes("1:2:3:4:5:6:7::", tail0);
	assert_bytes("::2:3:4:5:6:7:8", head0);
}
END_TEST

START_TEST(v6_embedded_v4)
{
	static const uint8_t nat64[16] = { 0,0x64,0xff,0x9b, 0,0,0,0,
	    0,0,0,0, 1,2,3,4 };
	static const uint8_t compat[16] = { 0,0,0,0, 0,0,0,0, 0,0,0,0,
	    1,2,3,4 };
	static const uint8_t full[16] = { 0,1,0,2,0,3,0,4,0,5,0,6,
	    192,0,2,1 };

	assert_bytes("64:ff9b::1.2.3.4", nat64);
	assert_bytes("::1.2.3.4", compat);
	assert_bytes("0:0:0:0:0:0:1.2.3.4", compat);
	assert_bytes("1:2:3:4:5:6:192.0.2.1", full);
}
END_TEST

START_TEST(v6_mapped_is_v4)
{
	static const char *const same[] = {
		"::ffff:10.0.0.1", "::FFFF:10.0.0.1", "0:0:0:0:0:ffff:10.0.0.1",
		"::ffff:a00:1", "0000:0000:0000:0000:0000:ffff:0a00:0001",
	};
	struct addr v4 = must("10.0.0.1"), a;
	size_t	 i;

	for (i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		a = must(same[i]);
		ck_assert_msg(addr_is_v4(&a), "%s", same[i]);
		ck_assert_msg(addr_cmp(&a, &v4) == 0, "%s", same[i]);
		ck_assert_msg(addr_v4(&a) == 0x0a000001u, "%s", same[i]);
	}
}
END_TEST

START_TEST(v6_not_v4)
{
	static const char *const t[] = {
		"::1", "::", "::1.2.3.4", "::fffe:1.2.3.4", "::1:ffff:1.2.3.4",
		"1::ffff:1.2.3.4", "64:ff9b::1.2.3.4", "::ffff:0:0:0",
		"ffff::", "2001:db8::1",
	};
	struct addr a;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		a = must(t[i]);
		ck_assert_msg(!addr_is_v4(&a), "%s", t[i]);
	}
}
END_TEST

START_TEST(v6_refused)
{
	static const char *const bad[] = {
		":", ":::", "::::", "1:2:3", "1:2:3:4:5:6:7",
		"1:2:3:4:5:6:7:8:9", "1::2::3", "::1::", "1::2:3::",
		"12345::", "::12345", "1:2:3:4:5:6:7:12345", "00000::1",
		"1:2:3:4:5:6:7:8:", "1:2:3:4:5:6:7:8::", "::1:2:3:4:5:6:7:8",
		"1:2:3:4::5:6:7:8", "1:", "1::2:", ":1:2:3:4:5:6:7:8", ":1::",
		"g::1", "::g", "2001:db8::1g", "-1::", "+1::", "0x1::",
		"fe80::1%eth0", "fe80::1%1", "fe80::%eth0", "[::1]",
		"[2001:db8::1]", "[::1]:80", "[2001:db8::1]:443", "::1/128",
		"2001:db8::/32", "1.2.3.4:80", " ::1", "::1 ", ":: 1",
		"::1\n", "2001:db8::1\r", "1:2:3:4:5:6:7:1.2.3.4",
		"1:2:3:4:5:1.2.3.4", "::1.2.3", "::1.2.3.4.5", "::256.1.1.1",
		"::1.2.3.256", "::ffff:01.2.3.4", "::ffff:1.2.3.04",
		"1.2.3.4::", "::1.2.3.4:5", "::1.2.3.4::", "::ffff:1.2.3.4/128",
		"1.2.3.4::1", "::1.2.3.4.", "::.1.2.3", "::ffff:a.2.3.4",
		"::ffff.1.2.3", "1:2:3:4:5:6:7:8%eth0", "1:2:3:4:5:6:7:8/64",
	};

	assert_refused(bad, sizeof(bad) / sizeof(bad[0]));
}
END_TEST

START_TEST(format_rfc5952)
{
	static const struct {
		const char	*in, *out;
	} t[] = {
		{ "2001:DB8::1", "2001:db8::1" },
		{ "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1" },
		{ "ABCD:EF01:2345:6789:ABCD:EF01:2345:6789",
		  "abcd:ef01:2345:6789:abcd:ef01:2345:6789" },
		/* The longest run of zero groups is compressed. */
		{ "2001:0:0:1:0:0:0:1", "2001:0:0:1::1" },
		{ "1:0:0:2:0:0:0:3", "1:0:0:2::3" },
		/* On a tie, the first run. */
		{ "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1" },
		{ "1:0:0:1:0:0:1:1", "1::1:0:0:1:1" },
		/* A single zero group is never compressed. */
		{ "2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1" },
		{ "1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0" },
		{ "0:1:2:3:4:5:6:7", "0:1:2:3:4:5:6:7" },
		{ "1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0" },
		{ "1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0" },
		{ "::2:3:4:5:6:7:8", "0:2:3:4:5:6:7:8" },
		/* Runs at either end. */
		{ "::", "::" },
		{ "0:0:0:0:0:0:0:0", "::" },
		{ "::1", "::1" },
		{ "1::", "1::" },
		{ "1:0:0:0:0:0:0:0", "1::" },
		{ "0:1::", "0:1::" },
		{ "1:2:3:4:5:6:0:0", "1:2:3:4:5:6::" },
		{ "0:0:1:2:3:4:5:6", "::1:2:3:4:5:6" },
		{ "0:0:1::1", "0:0:1::1" },
		{ "fe80:0000:0000:0000:0000:0000:0000:0001", "fe80::1" },
		{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		  "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" },
		{ "64:ff9b::192.0.2.33", "64:ff9b::c000:221" },
		/* IPv4, also when written IPv4-mapped, as a dotted quad. */
		{ "1.2.3.4", "1.2.3.4" },
		{ "0.0.0.0", "0.0.0.0" },
		{ "255.255.255.255", "255.255.255.255" },
		{ "::ffff:1.2.3.4", "1.2.3.4" },
		{ "::FFFF:102:304", "1.2.3.4" },
		{ "::ffff:0:0", "0.0.0.0" },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_format(t[i].in, t[i].out);
}
END_TEST

START_TEST(format_longest_fits)
{
	char	 buf[ADDR_STRLEN + 8];
	struct addr a;

	memset(a.b, 0xff, sizeof(a.b));
	memset(buf, 'x', sizeof(buf));
	addr_format(&a, buf);
	ck_assert_uint_eq(strlen(buf), 39);
	ck_assert_int_eq(buf[ADDR_STRLEN], 'x');
}
END_TEST

/* Random addresses, many with zero groups, format and parse back. */
START_TEST(format_round_trip)
{
	uint64_t state = 42;
	char	 buf[ADDR_STRLEN], again[ADDR_STRLEN];
	struct addr a, b;
	int	 n, g;

	for (n = 0; n < 20000; n++) {
		for (g = 0; g < 8; g++) {
			uint32_t r = (uint32_t)rnd(&state);

			/* Zero groups half the time, to make runs. */
			if (r & 1)
				r = 0;
			a.b[2 * g] = (uint8_t)(r >> 8);
			a.b[2 * g + 1] = (uint8_t)(r >> 16);
		}
		if (n % 7 == 0)
			memcpy(a.b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
		/* Plain ifs: a loop of ck_asserts is slow under Check. */
		addr_format(&a, buf);
		if (parse(buf, &b) != 0)
			ck_abort_msg("\"%s\" refused", buf);
		if (addr_cmp(&a, &b) != 0)
			ck_abort_msg("\"%s\" differs", buf);
		if (strcmp(addr_format(&b, again), buf) != 0)
			ck_abort_msg("\"%s\" formats as \"%s\"", buf, again);
		if (strstr(buf, ":0:0:") != NULL && strstr(buf, "::") == NULL)
			ck_abort_msg("\"%s\": zero run not compressed", buf);
		if (strpbrk(buf, "ABCDEF") != NULL)
			ck_abort_msg("\"%s\": upper case", buf);
	}
	ck_assert_str_eq(buf, again);
}
END_TEST

START_TEST(cmp_order)
{
	/* In increasing order as 16-byte big-endian numbers. */
	static const char *const t[] = {
		"::", "::1", "::2", "::1:0", "::1.2.3.4", "0.0.0.0",
		"0.0.0.1", "1.2.3.4", "9.255.255.255", "10.0.0.0",
		"255.255.255.255", "::1:0:0:0", "1::", "2001:db8::1",
		"2001:db8::2", "2001:db8:0:1::", "fe80::", "ff02::1",
		"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
	};
	size_t	 i, j, n = sizeof(t) / sizeof(t[0]);
	struct addr a, b;

	for (i = 0; i < n; i++) {
		a = must(t[i]);
		for (j = 0; j < n; j++) {
			int c;

			b = must(t[j]);
			c = addr_cmp(&a, &b);
			if (i < j)
				ck_assert_msg(c < 0, "%s < %s", t[i], t[j]);
			else if (i > j)
				ck_assert_msg(c > 0, "%s > %s", t[i], t[j]);
			else
				ck_assert_msg(c == 0, "%s == %s", t[i], t[j]);
		}
	}
}
END_TEST

START_TEST(v4_int_round_trip)
{
	static const uint32_t t[] = { 0, 1, 0x7f000001u, 0x0a000000u,
	    0xac100000u, 0xc0a8ffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu };
	uint64_t state = 7;
	struct addr a, b;
	char	 buf[ADDR_STRLEN];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]) + 1000; i++) {
		uint32_t v = i < sizeof(t) / sizeof(t[0]) ? t[i] :
		    (uint32_t)rnd(&state);

		memset(a.b, 0xaa, sizeof(a.b));
		addr_from_v4(&a, v);
		ck_assert(addr_is_v4(&a));
		ck_assert_uint_eq(addr_v4(&a), v);
		ck_assert_uint_eq(a.b[10], 0xff);
		ck_assert_uint_eq(a.b[12], v >> 24);
		ck_assert_uint_eq(a.b[15], v & 0xff);
		/* Through text and back. */
		addr_format(&a, buf);
		ck_assert_int_eq(parse(buf, &b), 0);
		ck_assert_int_eq(addr_cmp(&a, &b), 0);
	}
}
END_TEST

START_TEST(excl_v4_edges)
{
	assert_excluded("10.0.0.0", 1);
	assert_excluded("10.0.0.1", 1);
	assert_excluded("10.255.255.255", 1);
	assert_excluded("9.255.255.255", 0);
	assert_excluded("11.0.0.0", 0);

	assert_excluded("172.16.0.0", 1);
	assert_excluded("172.20.1.2", 1);
	assert_excluded("172.31.255.255", 1);
	assert_excluded("172.15.255.255", 0);
	assert_excluded("172.32.0.0", 0);
	assert_excluded("172.0.0.1", 0);
	assert_excluded("173.16.0.1", 0);

	assert_excluded("192.168.0.0", 1);
	assert_excluded("192.168.255.255", 1);
	assert_excluded("192.167.255.255", 0);
	assert_excluded("192.169.0.0", 0);
	assert_excluded("193.168.0.1", 0);

	assert_excluded("127.0.0.0", 1);
	assert_excluded("127.0.0.1", 1);
	assert_excluded("127.255.255.255", 1);
	assert_excluded("126.255.255.255", 0);
	assert_excluded("128.0.0.0", 0);

	/* Reserved space is excluded too; its neighbours are not. */
	assert_excluded("0.0.0.0", 1);
	assert_excluded("0.255.255.255", 1);
	assert_excluded("1.0.0.0", 0);
	assert_excluded("8.8.8.8", 0);
	assert_excluded("223.255.255.255", 0);
	assert_excluded("224.0.0.0", 1);
	assert_excluded("239.255.255.250", 1);
	assert_excluded("240.0.0.0", 1);
	assert_excluded("255.255.255.255", 1);
	/* Link-local IPv4 and the documentation ranges are not. */
	assert_excluded("169.254.0.1", 0);
	assert_excluded("192.0.2.1", 0);
	assert_excluded("198.51.100.1", 0);
	assert_excluded("203.0.113.1", 0);
}
END_TEST

START_TEST(excl_v4_mapped)
{
	assert_excluded("::ffff:10.0.0.1", 1);
	assert_excluded("::ffff:a00:1", 1);
	assert_excluded("::ffff:127.0.0.1", 1);
	assert_excluded("::ffff:172.31.0.1", 1);
	assert_excluded("::ffff:192.168.1.1", 1);
	assert_excluded("::ffff:8.8.8.8", 0);
	/* 0.0.0.0 is IPv4 (reserved), not an address whose text starts "::". */
	assert_excluded("::ffff:0:0", 1);
	assert_excluded("::ffff:0.0.0.0", 1);
	assert_excluded("::ffff:1.0.0.0", 0);
	assert_excluded("::ffff:224.0.0.1", 1);
}
END_TEST

START_TEST(excl_v6_link_local)
{
	assert_excluded("fe80::", 1);
	assert_excluded("fe80::1", 1);
	assert_excluded("FE80::1", 1);
	assert_excluded("fe80:0:0:0:abcd::1", 1);
	assert_excluded("fe9f:1::", 1);
	assert_excluded("fea0::1", 1);
	assert_excluded("febf:ffff::", 1);
	assert_excluded("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1);
	assert_excluded("fec0::", 0);
	assert_excluded("fec0::1", 0);
	assert_excluded("fe7f::", 0);
	assert_excluded("fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0);
	assert_excluded("ff02::1", 1);		/* Reserved: ff00::/8. */
	assert_excluded("ff00::", 1);
	assert_excluded("feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0);
	assert_excluded("2001:db8::1", 0);
	assert_excluded("fd00::1", 0);
	assert_excluded("2001:db8::1", 0);
	assert_excluded("1::", 0);
}
END_TEST

/* Excluded exactly when the RFC 5952 text starts with "::". */
START_TEST(excl_v6_leading_zeros)
{
	assert_excluded("::", 1);
	assert_excluded("::1", 1);
	assert_excluded("::2", 1);
	assert_excluded("::2:0:0:0:1", 1);
	assert_excluded("0:0:0:2:0:0:0:1", 1);
	assert_excluded("::1.2.3.4", 1);
	assert_excluded("::8.8.8.8", 1);
	assert_excluded("::fffe:1.2.3.4", 1);
	assert_excluded("::1:ffff:1.2.3.4", 1);
	assert_excluded("0:0:1:2:3:4:5:6", 1);
	assert_excluded("0:0:0:1:0:0:0:1", 1);
	assert_excluded("0:0:ffff:ffff:ffff:ffff:ffff:ffff", 1);
	assert_excluded("::1:0:0:0", 1);

	assert_excluded("0:1:2:3:4:5:6:7", 0);
	assert_excluded("0:1::", 0);
	assert_excluded("0:0:1::1", 0);
	assert_excluded("0:0:1::", 0);
	assert_excluded("0:0:1:0:0:0:1:2", 0);
	assert_excluded("0:0:1:2:0:0:0:3", 0);
	assert_excluded("0:ffff::", 0);
}
END_TEST

/* The rule above, checked against addr_format on random addresses. */
START_TEST(excl_v6_matches_format)
{
	uint64_t state = 99;
	char	 buf[ADDR_STRLEN];
	struct addr a;
	int	 n, g, want;

	for (n = 0; n < 50000; n++) {
		for (g = 0; g < 8; g++) {
			uint32_t r = (uint32_t)rnd(&state);

			if (r % 4 != 0)
				r = 0;
			a.b[2 * g] = (uint8_t)(r >> 8);
			a.b[2 * g + 1] = (uint8_t)(r >> 16);
		}
		if (addr_is_v4(&a) || (a.b[0] == 0xfe &&
		    (a.b[1] & 0xc0) == 0x80) || a.b[0] == 0xff)
			continue;
		addr_format(&a, buf);
		want = buf[0] == ':' && buf[1] == ':';
		if (addr_excluded(&a) != want)
			ck_abort_msg("addr_excluded(%s) != %d", buf, want);
	}
}
END_TEST

/* The class of the prefix text s ("a/n" or an address). */
static enum addr_class
prefix_class(const char *s)
{
	const char *slash = strchr(s, '/');
	struct addr a;
	unsigned n = 128;

	if (slash != NULL) {
		ck_assert_int_eq(addr_parse(s, (size_t)(slash - s), &a), 0);
		n = (unsigned)atoi(slash + 1);
		if (addr_is_v4(&a) && strchr(s, ':') == NULL)
			n += 96;
	} else
		a = must(s);
	return addr_prefix_class(&a, n);
}

#define ck_class(s, want) ck_assert_msg(prefix_class(s) == (want),	\
	"addr_prefix_class(%s) is %d, want %d", (s), (int)prefix_class(s), \
	(int)(want))

START_TEST(class_addresses)
{
	ck_class("10.1.2.3", ADDR_EXCLUDED);
	ck_class("0.1.2.3", ADDR_RESERVED);
	ck_class("224.0.0.251", ADDR_RESERVED);
	ck_class("247.1.2.3", ADDR_RESERVED);
	ck_class("::", ADDR_EXCLUDED);
	ck_class("::1", ADDR_EXCLUDED);
	ck_class("fe80::1", ADDR_EXCLUDED);
	ck_class("ff02::fb", ADDR_RESERVED);
	ck_class("169.254.1.1", ADDR_INDEXABLE);
	ck_class("2001:db8::1", ADDR_INDEXABLE);
}
END_TEST

/* A prefix is of a class only when it lies wholly inside it. */
START_TEST(class_prefixes)
{
	ck_class("224.0.0.0/3", ADDR_RESERVED);	/* FireHOL level1. */
	ck_class("224.0.0.0/4", ADDR_RESERVED);
	ck_class("240.0.0.0/4", ADDR_RESERVED);
	ck_class("255.255.255.0/24", ADDR_RESERVED);
	ck_class("0.0.0.0/8", ADDR_RESERVED);
	ck_class("0.0.0.0/9", ADDR_RESERVED);
	ck_class("192.0.0.0/2", ADDR_INDEXABLE);	/* Holds 224/3. */
	ck_class("0.0.0.0/7", ADDR_INDEXABLE);	/* Holds 1/8. */
	ck_class("0.0.0.0/0", ADDR_INDEXABLE);	/* First and last reserved. */
	ck_class("10.0.0.0/8", ADDR_EXCLUDED);
	ck_class("10.0.0.0/7", ADDR_INDEXABLE);
	ck_class("172.16.0.0/12", ADDR_EXCLUDED);
	ck_class("172.16.0.0/11", ADDR_INDEXABLE);
	ck_class("192.168.3.0/24", ADDR_EXCLUDED);
	ck_class("192.0.2.0/24", ADDR_INDEXABLE);
	/* Bits past the length do not matter. */
	ck_class("225.1.2.3/3", ADDR_RESERVED);
	ck_class("10.9.9.9/8", ADDR_EXCLUDED);
	ck_class("::ffff:224.0.0.0/99", ADDR_RESERVED);
	ck_class("::ffff:0:0/96", ADDR_INDEXABLE);
	ck_class("ff00::/8", ADDR_RESERVED);
	ck_class("ff00::/16", ADDR_RESERVED);
	ck_class("fe00::/7", ADDR_INDEXABLE);
	ck_class("fe80::/10", ADDR_EXCLUDED);
	ck_class("fe80::/9", ADDR_INDEXABLE);
	ck_class("::/96", ADDR_EXCLUDED);
	ck_class("2001:db8::/32", ADDR_INDEXABLE);
}
END_TEST

START_TEST(limit_length)
{
	/* The longest accepted text: 45 bytes. */
	static const char longest[] =
	    "0000:0000:0000:0000:0000:ffff:255.255.255.255";
	char	 big[1000];
	struct addr a;

	ck_assert_uint_eq(strlen(longest), 45);
	ck_assert_int_eq(parse(longest, &a), 0);
	ck_assert(addr_is_v4(&a));
	ck_assert_uint_eq(addr_v4(&a), 0xffffffffu);
	ck_assert_int_eq(parse("0000:0000:0000:0000:0000:0000:0000:0001",
	    &a), 0);

	ck_assert_int_eq(parse_n("", 0, &a), -1);
	ck_assert_int_eq(parse("00000:0000:0000:0000:0000:ffff:255.255.255.255",
	    &a), -1);
	memset(big, '1', sizeof(big));
	ck_assert_int_eq(parse_n(big, sizeof(big), &a), -1);
	memset(big, ':', sizeof(big));
	ck_assert_int_eq(parse_n(big, sizeof(big), &a), -1);
	memset(big, '0', sizeof(big));
	ck_assert_int_eq(parse_n(big, sizeof(big), &a), -1);
}
END_TEST

/* The bytes after len must not change the result. */
START_TEST(limit_no_read_past_len)
{
	struct addr a, want;

	want = must("1.2.3.4");
	ck_assert_int_eq(parse_n("1.2.3.45", 7, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &want), 0);
	ck_assert_int_eq(parse_n("1.2.3.4:80", 7, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &want), 0);
	ck_assert_int_eq(addr_parse("1.2.3.4\"}", 7, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &want), 0);
	ck_assert_int_eq(parse_n("1.2.3.4", 6, &a), -1);
	ck_assert_int_eq(parse_n("1.2.3.", 5, &a), -1);

	want = must("::1");
	ck_assert_int_eq(parse_n("::1:2", 3, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &want), 0);
	ck_assert_int_eq(parse_n("::1%eth0", 3, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &want), 0);
	ck_assert_int_eq(parse_n("::1", 1, &a), -1);
	ck_assert_int_eq(parse_n("::1", 2, &a), 0);

	want = must("::ffff:1.2.3.4");
	ck_assert_int_eq(parse_n("::ffff:1.2.3.45", 14, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &want), 0);
	ck_assert_int_eq(parse_n("::ffff:1.2.3.4", 13, &a), -1);

	want = must("2001:db8::1");
	ck_assert_int_eq(parse_n("2001:db8::1234", 11, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &want), 0);
	ck_assert_int_eq(parse_n("2001:db8::1", 9, &a), -1);
	want = must("2001:db8::");
	ck_assert_int_eq(parse_n("2001:db8::1", 10, &a), 0);
	ck_assert_int_eq(addr_cmp(&a, &want), 0);
	/* A colon only after len: still a dotted quad. */
	ck_assert_int_eq(parse_n("1.2.3.4::", 7, &a), 0);
	ck_assert(addr_is_v4(&a));
}
END_TEST

/*
 * addr_parse() reads short IPv4 texts with masks instead of a byte at a
 * time; it must agree with addr_parse_bytewise() on every text.  Random
 * texts of dotted-quad bytes (and a few others) of every length to 17,
 * and quads built from parts of one to four digits.
 */
START_TEST(quad_agrees_bytewise)
{
	static const char alpha[] = "0123456789....:x \0";
	char	 s[32];
	struct addr a, b;
	uint64_t st = 42;
	unsigned long ok = 0, i;
	size_t	 len, k;
	int	 ra, rb;

	for (i = 0; i < 400000; i++) {
		st = st * 6364136223846793005ULL + 1442695040888963407ULL;
		len = (size_t)(st >> 33) % 18;
		if (i % 2 == 0) {
			/* Four parts of 1 to 4 digits, maybe damaged. */
			char	*p = s;
			int	 part, d;

			for (part = 0; part < 4; part++) {
				st = st * 6364136223846793005ULL + 1;
				if (part > 0)
					*p++ = '.';
				for (d = 0; d < 1 + (int)((st >> 40) % 4) &&
				    d < 4; d++)
					*p++ = (char)('0' + (st >> (20 + 3 *
					    d)) % (d == 0 && (st >> 50) % 3 ?
					    3 : 10));
			}
			len = (size_t)(p - s);
			if ((st >> 60) == 0 && len > 0)
				s[(st >> 33) % len] = alpha[(st >> 45) % 17];
		} else
			for (k = 0; k < len; k++) {
				st = st * 6364136223846793005ULL + 1;
				s[k] = alpha[(st >> 33) % (sizeof(alpha) - 1)];
			}
		memset(&a, 0xa5, sizeof(a));
		memset(&b, 0x5a, sizeof(b));
		ra = addr_parse(s, len, &a);
		rb = addr_parse_bytewise(s, len, &b);
		ck_assert_msg(ra == rb, "\"%.*s\": %d, bytewise %d", (int)len,
		    s, ra, rb);
		if (ra == 0) {
			ck_assert_msg(memcmp(a.b, b.b, 16) == 0, "\"%.*s\"",
			    (int)len, s);
			ok++;
		}
	}
	/* Both outcomes are reached often. */
	ck_assert_uint_gt(ok, 10000);
	ck_assert_uint_lt(ok, 350000);
}
END_TEST

/* Parse a prefix from a heap copy of exactly its bytes (see parse_n). */
static int
prefix_n(const char *s, struct addr *a, unsigned *plen)
{
	size_t	 len = strlen(s);
	char	*p = malloc(len ? len : 1);
	int	 rc;

	if (p == NULL)
		ck_abort_msg("out of memory");
	memcpy(p, s, len);
	rc = addr_parse_prefix(p, len, a, plen);
	free(p);
	return rc;
}

/*
 * Prefixes: the length counts in the address's own family and comes
 * back in the 128-bit form, host bits are cleared, an address alone is
 * a /128, and the last address sets every host bit.
 */
START_TEST(prefix_parse)
{
	static const struct {
		const char	*in, *first, *last;
		unsigned	 plen;
	} t[] = {
		{ "203.0.113.77", "203.0.113.77", "203.0.113.77", 128 },
		{ "203.0.113.77/24", "203.0.113.0", "203.0.113.255", 120 },
		{ "203.0.113.77/32", "203.0.113.77", "203.0.113.77", 128 },
		{ "198.51.100.1/0", "0.0.0.0", "255.255.255.255", 96 },
		{ "10.1.2.3/9", "10.0.0.0", "10.127.255.255", 105 },
		{ "::ffff:192.0.2.9/120", "192.0.2.0", "192.0.2.255", 120 },
		{ "2001:DB8:1:2::9/48", "2001:db8:1::", "2001:db8:1:ffff:"
		    "ffff:ffff:ffff:ffff", 48 },
		{ "2001:db8::1/127", "2001:db8::", "2001:db8::1", 127 },
		{ "2001:db8::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:"
		    "ffff:ffff", 0 },
	};
	struct addr a, last;
	char	 buf[ADDR_STRLEN];
	unsigned plen;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(prefix_n(t[i].in, &a, &plen) == 0, "%s",
		    t[i].in);
		ck_assert_uint_eq(plen, t[i].plen);
		ck_assert_str_eq(addr_format(&a, buf), t[i].first);
		addr_prefix_last(&a, plen, &last);
		ck_assert_str_eq(addr_format(&last, buf), t[i].last);
	}
}
END_TEST

/* What is not a prefix, and lengths out of their family's range. */
START_TEST(prefix_refused)
{
	static const char *const bad_addr[] = { "", "/24", "x/24",
	    "203.0.113.1/", "203.0.113.1/0024", "203.0.113.1/2a",
	    "203.0.113.1/-1", "203.0.113.1/ 24", "203.0.113.1 /24",
	    "203.0.113.1/24/8", "2001:db8::/+4", "2001:db8::%1/64" };
	static const char *const bad_len[] = { "203.0.113.1/33",
	    "203.0.113.1/999", "2001:db8::/129", "::ffff:1.2.3.4/95" };
	struct addr a;
	unsigned plen;
	size_t	 i;

	for (i = 0; i < sizeof(bad_addr) / sizeof(bad_addr[0]); i++)
		ck_assert_msg(prefix_n(bad_addr[i], &a, &plen) ==
		    ADDR_ERR_ADDRESS, "%s", bad_addr[i]);
	for (i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++)
		ck_assert_msg(prefix_n(bad_len[i], &a, &plen) ==
		    ADDR_ERR_LENGTH, "%s", bad_len[i]);
}
END_TEST

/*
 * An indicator's prefix: shorter than the least allowed is refused only
 * in indexable space (224.0.0.0/3 lies wholly in excluded space, and
 * 10.0.0.0/7 does not); the minimum counts IPv4 lengths in 32 bits.
 */
START_TEST(prefix_indicator)
{
	struct addr a;
	unsigned plen;

	ck_assert_int_eq(addr_parse_indicator("198.51.100.0/8", 14, &a, &plen,
	    8, 16), 0);
	ck_assert_uint_eq(plen, 96 + 8);
	ck_assert_int_eq(addr_parse_indicator("198.0.0.0/7", 11, &a, &plen,
	    8, 16), ADDR_ERR_SHORT);
	ck_assert_int_eq(addr_parse_indicator("224.0.0.0/3", 11, &a, &plen,
	    8, 16), 0);
	ck_assert_int_eq(addr_parse_indicator("2001:db8::/16", 13, &a, &plen,
	    8, 16), 0);
	ck_assert_int_eq(addr_parse_indicator("2001:db8::/15", 13, &a, &plen,
	    8, 16), ADDR_ERR_SHORT);
	ck_assert_int_eq(addr_parse_indicator("192.0.2.0/33", 12, &a, &plen,
	    8, 16), ADDR_ERR_LENGTH);
	ck_assert_int_eq(addr_parse_indicator("192.0.2", 7, &a, &plen, 8, 16),
	    ADDR_ERR_ADDRESS);
	ck_assert_str_eq(addr_strerror(ADDR_ERR_SHORT), "prefix too short");
	ck_assert_str_eq(addr_strerror(ADDR_ERR_ADDRESS), "not an IP address");
	ck_assert_str_eq(addr_strerror(ADDR_ERR_LENGTH), "bad prefix length");
}
END_TEST

Suite *
addr_suite(void)
{
	Suite	*s = suite_create("addr");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, v4_valid);
	tcase_add_test(tc, canonical_texts);
	tcase_add_test(tc, v4_stored_mapped);
	tcase_add_test(tc, quad_agrees_bytewise);
	tcase_add_test(tc, v4_refused);
	tcase_add_test(tc, v4_embedded_nul_refused);
	tcase_add_test(tc, v6_forms);
	tcase_add_test(tc, v6_embedded_v4);
	tcase_add_test(tc, v6_mapped_is_v4);
	tcase_add_test(tc, v6_not_v4);
	tcase_add_test(tc, v6_refused);
	tcase_add_test(tc, format_rfc5952);
	tcase_add_test(tc, format_longest_fits);
	tcase_add_test(tc, format_round_trip);
	tcase_add_test(tc, cmp_order);
	tcase_add_test(tc, v4_int_round_trip);
	suite_add_tcase(s, tc);

	tc = tcase_create("Exclusions");
	tcase_add_test(tc, excl_v4_edges);
	tcase_add_test(tc, excl_v4_mapped);
	tcase_add_test(tc, excl_v6_link_local);
	tcase_add_test(tc, excl_v6_leading_zeros);
	tcase_add_test(tc, excl_v6_matches_format);
	tcase_add_test(tc, class_addresses);
	tcase_add_test(tc, class_prefixes);
	suite_add_tcase(s, tc);

	tc = tcase_create("Prefixes");
	tcase_add_test(tc, prefix_parse);
	tcase_add_test(tc, prefix_refused);
	tcase_add_test(tc, prefix_indicator);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, limit_length);
	tcase_add_test(tc, limit_no_read_past_len);
	suite_add_tcase(s, tc);
	return s;
}
