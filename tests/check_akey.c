/*
 * check_akey.c: unit tests of the alert partition key (src/akey.h,
 * SPEC.md 3 --key).  "Core" checks the canonical address (IPv4, IPv6 in
 * any case or form, IPv4-mapped), the '/', and the percent-encoding of
 * exactly the bytes 00-20, '%' and 7F, with every other byte (UTF-8 and
 * invalid bytes included) as it is; and that keys are equal exactly
 * when the dedup keys are.
 */
#include <stdlib.h>
#include <string.h>

#include "akey.h"
#include "check.h"

static const char *
key(const char *addr, const char *id, size_t idlen)
{
	static char buf[AKEY_SIZE(64)];
	struct addr a;

	ck_assert_uint_le(idlen, 64);
	ck_assert_int_eq(addr_parse(addr, strlen(addr), &a), 0);
	ck_assert_uint_eq(akey_format(buf, &a, id, idlen), strlen(buf));
	return buf;
}

#define K(addr, id)	key(addr, id, strlen(id))

START_TEST(addresses)
{
	ck_assert_str_eq(K("203.0.113.10", "ti-1"), "203.0.113.10/ti-1");
	ck_assert_str_eq(K("2001:DB8::1", "x"), "2001:db8::1/x");
	ck_assert_str_eq(K("2001:db8:0:0:0:0:0:1", "x"), "2001:db8::1/x");
	ck_assert_str_eq(K("::FFFF:192.0.2.1", "x"), "192.0.2.1/x");
	ck_assert_str_eq(K("2001:0DB8:85A3::8A2E:0370:7334", "x"),
	    "2001:db8:85a3::8a2e:370:7334/x");
}
END_TEST

START_TEST(encoding)
{
	char	 id[256], want[1024];
	size_t	 i, n = 0;
	static const char hex[] = "0123456789ABCDEF";

	ck_assert_str_eq(K("192.0.2.1", ""), "192.0.2.1/");
	ck_assert_str_eq(K("192.0.2.1", "a b"), "192.0.2.1/a%20b");
	ck_assert_str_eq(K("192.0.2.1", "a\tb\n"), "192.0.2.1/a%09b%0A");
	ck_assert_str_eq(K("192.0.2.1", "100%"), "192.0.2.1/100%25");
	ck_assert_str_eq(K("192.0.2.1", "a/b{\"}"), "192.0.2.1/a/b{\"}");
	ck_assert_str_eq(key("192.0.2.1", "a\0b", 3), "192.0.2.1/a%00b");
	ck_assert_str_eq(K("192.0.2.1", "\x7f\x80\xff"),
	    "192.0.2.1/%7F\x80\xff");
	ck_assert_str_eq(K("192.0.2.1", "caf\xc3\xa9"), "192.0.2.1/caf\xc3\xa9");
	/* Every byte value, one at a time. */
	for (i = 0; i < 256; i++) {
		char	 buf[AKEY_SIZE(1)];
		struct addr a;

		addr_from_v4(&a, 0xc0000201u);
		id[0] = (char)i;
		akey_format(buf, &a, id, 1);
		n = strlen("192.0.2.1/");
		if (i <= 0x20 || i == '%' || i == 0x7f) {
			want[0] = '%';
			want[1] = hex[i >> 4];
			want[2] = hex[i & 15];
			want[3] = '\0';
		} else {
			want[0] = (char)i;
			want[1] = '\0';
		}
		ck_assert_msg(strcmp(buf + n, want) == 0, "byte %zu", i);
		/* Never a TAB, newline or space in a key. */
		ck_assert_ptr_null(strpbrk(buf, "\t\n "));
	}
}
END_TEST

/* The longest key fits AKEY_SIZE: the longest address, every byte coded. */
START_TEST(size)
{
	char	 id[64], *buf = malloc(AKEY_SIZE(64));
	struct addr a;
	const char *s = "1111:2222:3333:4444:5555:6666:123.123.123.123";

	ck_assert_ptr_nonnull(buf);
	memset(id, ' ', sizeof(id));
	ck_assert_int_eq(addr_parse(s, strlen(s), &a), 0);
	ck_assert_uint_eq(akey_format(buf, &a, id, sizeof(id)),
	    strlen(buf));
	ck_assert_uint_lt(strlen(buf), AKEY_SIZE(64));
	free(buf);
}
END_TEST

Suite *
akey_suite(void)
{
	Suite	*s = suite_create("akey");
	TCase	*tc = tcase_create("Core");

	tcase_add_test(tc, addresses);
	tcase_add_test(tc, encoding);
	tcase_add_test(tc, size);
	suite_add_tcase(s, tc);
	return s;
}
