/*
 * check_scan.c: unit tests of the scan module (src/scan.h), the fast path
 * of kv-match that finds the top-level CallerIPAddress member of a line
 * without parsing it.  scan_caller() has two scanners: a 64-byte block
 * scanner (SSE2/AVX2) for lines without a backslash, and scan_scalar()
 * for the others and for whatever the block scanner is unsure of; the
 * tests reach both.  "Core" checks SCAN_FOUND with the exact span of the
 * address on ordinary records, white space between tokens (yajl's, with
 * \f and \v), member names that must not be taken (inside string values,
 * nested objects and arrays), exact skipping of escapes in other values,
 * every case that must give SCAN_UNSURE (escapes in keys or in the
 * address, duplicates, framing, trailing content) or SCAN_NONE (no member,
 * a non-string value), and the key at every offset across block
 * boundaries.  "Limits" scans every prefix and suffix of valid records
 * from heap copies of exactly that size, so that AddressSanitizer catches
 * any read outside the line, plus long lines and deep nesting.
 * "Differential" checks the property that makes the fast path safe
 * (SPEC.md 7: a fast path must never change which alerts are written)
 * against the full parse of src/kvrec.h: when scan_caller() answers
 * SCAN_FOUND, a record that kvrec_parse() reads as an event has exactly
 * that address text, and when it answers SCAN_NONE, kvrec_parse() never
 * reads an event.  It does so on a corpus of adversarial lines and all
 * their prefixes, and on thousands of random records from a small grammar
 * (fixed seed, so a failure can be replayed); it also checks that the two
 * scanners never contradict each other on valid JSON.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kvrec.h"
#include "scan.h"

/* A vault record's other members, for lines that must be events. */
#define VT	"\"ResourceType\":\"VAULTS\"," \
		"\"TimeGenerated\":\"2026-11-20T12:00:05.1306790Z\""

/* A string literal with its length, so that it may hold NUL bytes. */
#define L(s)	{ s, sizeof(s) - 1 }

struct line {
	const char	*s;
	size_t		 len;
};

/* A scan result with the span as offsets into the line. */
struct sres {
	enum scan_result r;
	size_t		 off, alen;
};

/*
 * Scan the len bytes at s from a heap copy of exactly that size, and check
 * that a found span lies inside the copy.
 */
static struct sres
scan_n(const char *s, size_t len)
{
	struct sres sr = { SCAN_UNSURE, 0, 0 };
	const char *a = NULL;
	char	*p = malloc(len ? len : 1);

	ck_assert_ptr_nonnull(p);
	memcpy(p, s, len);
	sr.r = scan_caller(p, len, &a, &sr.alen);
	if (sr.r == SCAN_FOUND) {
		ck_assert_msg(a >= p && a <= p + len && sr.alen <=
		    (size_t)(p + len - a), "span outside the line");
		sr.off = (size_t)(a - p);
	}
	free(p);
	return sr;
}

static struct sres
scan_s(const char *s)
{
	return scan_n(s, strlen(s));
}

static const char *
rname(enum scan_result r)
{
	switch (r) {
	case SCAN_FOUND:
		return "SCAN_FOUND";
	case SCAN_NONE:
		return "SCAN_NONE";
	case SCAN_UNSURE:
		return "SCAN_UNSURE";
	}
	return "?";
}

/*
 * Check that line gives SCAN_FOUND with the span of want, which occurs in
 * the line exactly once.
 */
static void
assert_found(const char *line, const char *want)
{
	struct sres sr = scan_s(line);
	const char *at = strstr(line, want);

	ck_assert_ptr_nonnull(at);
	ck_assert_ptr_null(strstr(at + 1, want));
	ck_assert_msg(sr.r == SCAN_FOUND, "%s: %s, want SCAN_FOUND", line,
	    rname(sr.r));
	ck_assert_msg(sr.off == (size_t)(at - line) && sr.alen ==
	    strlen(want), "%s: span at %zu length %zu, want %zu length %zu",
	    line, sr.off, sr.alen, (size_t)(at - line), strlen(want));
}

static void
assert_result(const char *line, enum scan_result want)
{
	struct sres sr = scan_s(line);

	ck_assert_msg(sr.r == want, "%s: %s, want %s", line, rname(sr.r),
	    rname(want));
}

static void
assert_results(const char *const *lines, size_t n, enum scan_result want)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		assert_result(lines[i], want);
}

/* A small deterministic generator, so that failures can be replayed. */
static uint64_t
rnd(uint64_t *state)
{
	*state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
	return *state >> 33;
}

START_TEST(found_flat)
{
	assert_found("{\"CallerIPAddress\":\"203.0.113.7\"}", "203.0.113.7");
	assert_found("{" VT ",\"CallerIPAddress\":\"203.0.113.7\"}",
	    "203.0.113.7");
	assert_found("{\"CallerIPAddress\":\"198.51.100.23\"," VT "}",
	    "198.51.100.23");
	assert_found("{\"a\":1,\"CallerIPAddress\":\"2001:DB8::1\","
	    "\"b\":true,\"c\":null,\"d\":false,\"e\":-1.5e3}", "2001:DB8::1");
	assert_found("{\"a\":{},\"b\":[],\"CallerIPAddress\":"
	    "\"::ffff:1.2.3.4\","
	    "\"c\":{\"d\":[1,{\"e\":\"f\"}]}}", "::ffff:1.2.3.4");
	/* Not an address, but the member's text all the same. */
	assert_found("{\"CallerIPAddress\":\"1.2.3.4:443\"}", "1.2.3.4:443");
	assert_found("{\"CallerIPAddress\":\"not an address\"}",
	    "not an address");
}
END_TEST

START_TEST(found_empty_value)
{
	const char *line = "{\"a\":\"x\",\"CallerIPAddress\":\"\"}";
	struct sres sr = scan_s(line);

	ck_assert_int_eq(sr.r, SCAN_FOUND);
	ck_assert_uint_eq(sr.alen, 0);
	ck_assert_uint_eq(sr.off, strlen(line) - 2);
}
END_TEST

START_TEST(whitespace)
{
	assert_found("{ \"CallerIPAddress\" : \"1.2.3.4\" }", "1.2.3.4");
	assert_found("{\"a\" :1 ,\"CallerIPAddress\"\t:\t\"1.2.3.4\"\t,\"b\""
	    ": 2}", "1.2.3.4");
	assert_found("{\r\n  \"a\": [ 1 , 2 ] ,\r\n  \"CallerIPAddress\":\n"
	    "\"1.2.3.4\"\r\n}", "1.2.3.4");
	assert_found("  \t{\"CallerIPAddress\":\"1.2.3.4\"}\t  ", "1.2.3.4");
	/* CRLF residue after the object. */
	assert_found("{\"CallerIPAddress\":\"1.2.3.4\"}\r", "1.2.3.4");
	assert_found("{\"CallerIPAddress\":\"1.2.3.4\"}\r\n", "1.2.3.4");
	assert_found("{\"x\":true\t,\"y\":null\n,\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", "1.2.3.4");
	/* yajl reads form feed and vertical tab as white space too. */
	assert_found("{\"CallerIPAddress\":\f\"1.2.3.4\"}", "1.2.3.4");
	assert_found("{\"CallerIPAddress\"\v:\v\"1.2.3.4\"\f}", "1.2.3.4");
	assert_found("\f{\"a\":1\v,\"CallerIPAddress\":\"1.2.3.4\"}\v",
	    "1.2.3.4");
	assert_found("{\"a\":\"\\/\",\"CallerIPAddress\":\f\"1.2.3.4\"}",
	    "1.2.3.4");
	assert_result("{\"CallerIPAddress\":\fnull}", SCAN_NONE);
	assert_result("{\"a\":\"\\/\",\"CallerIPAddress\":\v7}", SCAN_NONE);
}
END_TEST

START_TEST(name_in_string_value)
{
	static const char *const none[] = {
		"{\"ResultDescription\":\"\\\"CallerIPAddress\\\":"
		    "\\\"1.2.3.4\\\"\"}",
		"{\"ResultDescription\":\"CallerIPAddress\"}",
		"{\"a\":\"{\\\"CallerIPAddress\\\":\\\"1.2.3.4\\\"}\"}",
		"{\"a\":\"\\\",\\\"CallerIPAddress\\\":\\\"1.2.3.4\"}",
	};

	assert_results(none, sizeof(none) / sizeof(none[0]), SCAN_NONE);
	assert_found("{\"ResultDescription\":\"\\\"CallerIPAddress\\\":"
	    "\\\"5.6.7.8\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	assert_found("{\"CallerIPAddress\":\"1.2.3.4\",\"ResultDescription\":"
	    "\"\\\"CallerIPAddress\\\":\\\"5.6.7.8\\\"\"}", "1.2.3.4");
	/* A value that is the member name: not a key. */
	assert_found("{\"k\":\"CallerIPAddress\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", "1.2.3.4");
}
END_TEST

START_TEST(name_nested)
{
	static const char *const none[] = {
		"{\"p\":{\"CallerIPAddress\":\"1.2.3.4\"}}",
		"{\"p\":[{\"CallerIPAddress\":\"1.2.3.4\"}]}",
		"{\"p\":[[{\"CallerIPAddress\":\"1.2.3.4\"}],{}]}",
		"{\"p\":{\"q\":{\"CallerIPAddress\":\"1.2.3.4\"}},\"r\":2}",
		"{\"records\":[{\"CallerIPAddress\":\"1.2.3.4\"},"
		    "{\"CallerIPAddress\":\"5.6.7.8\"}]}",
	};

	assert_results(none, sizeof(none) / sizeof(none[0]), SCAN_NONE);
	assert_found("{\"p\":{\"CallerIPAddress\":\"5.6.7.8\"},"
	    "\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	assert_found("{\"CallerIPAddress\":\"1.2.3.4\",\"p\":[{"
	    "\"CallerIPAddress\":\"5.6.7.8\"}]}", "1.2.3.4");
	/* Brackets and braces in strings inside a nested value. */
	assert_found("{\"p\":{\"x\":\"}}]]{\",\"y\":[\"]\",\"{\"]},"
	    "\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
	assert_found("{\"p\":[\"\\\"]}\",{\"q\":\"\\\\\"}],"
	    "\"CallerIPAddress\":\"1.2.3.4\"}", "1.2.3.4");
}
END_TEST

START_TEST(escapes_skipped)
{
	/* "a\\\\" is a\\: the last quote closes it. */
	assert_found("{\"a\":\"a\\\\\\\\\",\"CallerIPAddress\":\"1.2.3.4\"}",
	    "1.2.3.4");
	assert_found("{\"a\":\"x\\\\\",\"CallerIPAddress\":\"1.2.3.4\"}",
	    "1.2.3.4");
	assert_found("{\"a\":\"\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}",
	    "1.2.3.4");
	assert_found("{\"a\":\"\\\\\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}",
	    "1.2.3.4");
	assert_found("{\"a\":\"\\u0022\\n\\t\\/\\b\\f\\r\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", "1.2.3.4");
	assert_found("{\"CallerIPAddress\":\"1.2.3.4\",\"a\":\"\\\\\"}",
	    "1.2.3.4");
	/* An escaped quote that would end the string if it were not. */
	assert_result("{\"a\":\"\\\",\\\"CallerIPAddress\\\":"
	    "\\\"1.2.3.4\\\"\"}", SCAN_NONE);
}
END_TEST

START_TEST(escape_in_key_unsure)
{
	static const char *const unsure[] = {
		"{\"Caller\\u0049PAddress\":\"1.2.3.4\"}",
		"{\"\\u0043allerIPAddress\":\"1.2.3.4\"}",
		"{\"Caller\\u0049PAddress\":\"1.2.3.4\","
		    "\"CallerIPAddress\":\"5.6.7.8\"}",
		"{\"CallerIPAddress\":\"5.6.7.8\","
		    "\"Caller\\u0049PAddress\":\"1.2.3.4\"}",
		"{\"a\\\"b\":1,\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"a\\\\\":1,\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"a\\nb\":1}",
		"{\"x\":1,\"\\/\":2}",
	};

	assert_results(unsure, sizeof(unsure) / sizeof(unsure[0]),
	    SCAN_UNSURE);
}
END_TEST

START_TEST(escape_in_address_unsure)
{
	static const char *const unsure[] = {
		"{\"CallerIPAddress\":\"1.2.3.\\u0034\"}",
		"{\"CallerIPAddress\":\"\\u0031.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\\/32\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\\\\\"}",
		"{\"CallerIPAddress\":\"\\\"\"}",
	};

	assert_results(unsure, sizeof(unsure) / sizeof(unsure[0]),
	    SCAN_UNSURE);
}
END_TEST

START_TEST(duplicate_unsure)
{
	static const char *const unsure[] = {
		"{\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":"
		    "\"5.6.7.8\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\",\"a\":1,"
		    "\"CallerIPAddress\":null}",
		"{\"CallerIPAddress\":null,\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddress\":7,\"CallerIPAddress\":8}",
		"{\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":{}}",
		"{\"CallerIPAddress\":\"\",\"CallerIPAddress\":\"1.2.3.4\"}",
	};

	assert_results(unsure, sizeof(unsure) / sizeof(unsure[0]),
	    SCAN_UNSURE);
}
END_TEST

START_TEST(non_string_none)
{
	static const char *const none[] = {
		"{\"CallerIPAddress\":null}",
		"{\"CallerIPAddress\":1234}",
		"{\"CallerIPAddress\":-1.5e3," VT "}",
		"{\"CallerIPAddress\":true}",
		"{\"CallerIPAddress\":false }",
		"{" VT ",\"CallerIPAddress\" : null }",
	};
	static const char *const not_found[] = {
		"{\"CallerIPAddress\":{\"a\":\"1.2.3.4\"}}",
		"{\"CallerIPAddress\":[\"1.2.3.4\"]}",
		"{\"CallerIPAddress\":[]}",
	};
	size_t	 i;

	assert_results(none, sizeof(none) / sizeof(none[0]), SCAN_NONE);
	/* scan.h allows SCAN_NONE or SCAN_UNSURE for these. */
	for (i = 0; i < sizeof(not_found) / sizeof(not_found[0]); i++)
		ck_assert_msg(scan_s(not_found[i]).r != SCAN_FOUND, "%s",
		    not_found[i]);
}
END_TEST

START_TEST(no_member_none)
{
	static const char *const none[] = {
		"{}",
		"{ }",
		"{" VT "}",
		"{\"callerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIpAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddres\":\"1.2.3.4\"}",
		"{\"CallerIPAddressX\":\"1.2.3.4\"}",
		"{\"XCallerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddress \":\"1.2.3.4\"}",
		"{\"\":\"1.2.3.4\"}",
		"{\"callerIpAddress\":\"1.2.3.4\",\"resourceId\":\"x\"}",
	};

	assert_results(none, sizeof(none) / sizeof(none[0]), SCAN_NONE);
}
END_TEST

START_TEST(framing_unsure)
{
	static const char *const unsure[] = {
		"",
		"   ",
		"\r",
		"[{\"CallerIPAddress\":\"1.2.3.4\"}]",
		"\"CallerIPAddress\"",
		"x{\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\"}x",
		"{\"CallerIPAddress\":\"1.2.3.4\"",
		"\xef\xbb\xbf{\"CallerIPAddress\":\"1.2.3.4\"}",
		"{",
		"}",
		/* Unbalanced or unterminated inside the braces. */
		"{\"CallerIPAddress\":\"1.2.3.4}",
		"{\"CallerIPAddress\":\"1.2.3.4\"}}",
		"{\"CallerIPAddress\"}",
		"{\"CallerIPAddress\" \"1.2.3.4\"}",
		"{\"p\":{\"CallerIPAddress\":\"1.2.3.4\"}",
	};

	assert_results(unsure, sizeof(unsure) / sizeof(unsure[0]),
	    SCAN_UNSURE);
}
END_TEST

/*
 * Invalid JSON between braces may get any answer (scan.h), but a found
 * span must still be the text between two quotes of the line.
 */
START_TEST(invalid_inside_braces)
{
	static const char *const lines[] = {
		"{CallerIPAddress:\"1.2.3.4\"}",
		"{'CallerIPAddress':'1.2.3.4'}",
		"{\"CallerIPAddress\":}",
		"{\"CallerIPAddress\":\"1.2.3.4\" \"a\":1}",
		"{\"a\":{\"b\":1},\"CallerIPAddress\":\"1.2.3.4\"/*c*/}",
		"{\"CallerIPAddress\":\"1.2.3.4\",}",
		"{\"CallerIPAddress\":\"1.2.3.4\",\"x\":tru}",
		"{\"x\":[},\"CallerIPAddress\":\"1.2.3.4\"]}",
	};
	struct sres sr;
	size_t	 i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		sr = scan_s(lines[i]);
		if (sr.r != SCAN_FOUND)
			continue;
		ck_assert_msg(sr.off > 0 && lines[i][sr.off - 1] == '"' &&
		    lines[i][sr.off + sr.alen] == '"', "%s", lines[i]);
		ck_assert_msg(sr.alen == 7 && memcmp(lines[i] + sr.off,
		    "1.2.3.4", 7) == 0, "%s", lines[i]);
	}
}
END_TEST

/*
 * Content after the object: the block scanner (lines without a backslash)
 * must not stop at balanced brackets but notice the object closing before
 * the line's last '}', and answer as scan_scalar() does.  (Before this
 * was checked, whether such a line was reported as malformed depended on
 * whether its address happened to be in the index.)
 */
START_TEST(trailing_content_unsure)
{
	static const char *const unsure[] = {
		"{\"CallerIPAddress\":\"1.2.3.4\"} {\"a\":1}",
		"{\"a\":1} {\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\"},{}",
		"{\"a\":1}{\"CallerIPAddress\":\"1.2.3.4\"}",
		"{}{}",
	};

	assert_results(unsure, sizeof(unsure) / sizeof(unsure[0]),
	    SCAN_UNSURE);
}
END_TEST

/* The same with a backslash in the line, which selects scan_scalar(). */
START_TEST(trailing_content_unsure_scalar)
{
	static const char *const unsure[] = {
		"{\"CallerIPAddress\":\"1.2.3.4\"} {\"a\":\"\\/\"}",
		"{\"a\":\"\\/\"} {\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"CallerIPAddress\":\"1.2.3.4\",\"a\":\"\\/\"},{}",
		"{\"a\":\"\\/\"}{\"CallerIPAddress\":\"1.2.3.4\"}",
	};

	assert_results(unsure, sizeof(unsure) / sizeof(unsure[0]),
	    SCAN_UNSURE);
}
END_TEST

/*
 * Lines without a backslash go to the 64-byte block scanner: put the key,
 * and the traps around it, at every offset across block boundaries.
 */
START_TEST(block_offsets)
{
	char	 line[1024], pad[300];
	size_t	 n, k;

	for (n = 0; n < 260; n++) {
		for (k = 0; k < n; k++)
			pad[k] = "x{[C}]: ,"[k % 9];
		pad[n] = '\0';
		snprintf(line, sizeof(line), "{\"pad\":\"%s\",\"n\":{\"a\":"
		    "[1,{\"CallerIPAddress\":\"9.9.9.9\"}]},\"CallerIPAddress\""
		    ":\"203.0.113.7\",\"z\":\"CallerIPAddress\"}", pad);
		assert_found(line, "203.0.113.7");
		snprintf(line, sizeof(line), "{\"pad\":\"%s\","
		    "\"CallerIPAddress\":\"203.0.113.7\"}", pad);
		assert_found(line, "203.0.113.7");
		snprintf(line, sizeof(line), "{\"CallerIPAddress\" : "
		    "\"203.0.113.7\", \"pad\":\"%s\"}", pad);
		assert_found(line, "203.0.113.7");
		snprintf(line, sizeof(line), "{\"pad\":\"%s\",\"n\":"
		    "{\"CallerIPAddress\":\"9.9.9.9\"},\"m\":"
		    "\"CallerIPAddress\"}", pad);
		assert_result(line, SCAN_NONE);
		snprintf(line, sizeof(line), "{\"pad\":\"%s\","
		    "\"CallerIPAddress\":null}", pad);
		assert_result(line, SCAN_NONE);
		snprintf(line, sizeof(line), "{\"CallerIPAddress\":\"1.2.3.4\","
		    "\"pad\":\"%s\",\"CallerIPAddress\":\"9.9.9.9\"}", pad);
		assert_result(line, SCAN_UNSURE);
		/* The string never ends: its brackets must not count. */
		snprintf(line, sizeof(line), "{\"pad\":\"%s}", pad);
		assert_result(line, SCAN_UNSURE);
		/* Every prefix and suffix, from exact heap copies. */
		snprintf(line, sizeof(line), "{\"pad\":\"%s\","
		    "\"CallerIPAddress\":\"203.0.113.7\"}", pad);
		for (k = 0; k < strlen(line); k++) {
			ck_assert_msg(scan_n(line, k).r == SCAN_UNSURE,
			    "pad %zu prefix %zu", n, k);
			(void)scan_n(line + k + 1, strlen(line) - k - 1);
		}
	}
}
END_TEST

/* Only the len bytes count: what follows them is not read. */
START_TEST(length_respected)
{
	static const char line[] = "{\"CallerIPAddress\":\"1.2.3.4\"}"
	    ",\"CallerIPAddress\":\"5.6.7.8\"}";
	static const char nul[] = "{\"a\":\"\0\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}";
	const char *a;
	size_t	 alen, n = (size_t)(strchr(line, '}') - line) + 1;
	struct sres sr;

	ck_assert_int_eq(scan_caller(line, n, &a, &alen), SCAN_FOUND);
	ck_assert_ptr_eq(a, line + 20);
	ck_assert_uint_eq(alen, 7);
	/* A NUL inside the line is just a byte. */
	sr = scan_n(nul, sizeof(nul) - 1);
	ck_assert_int_eq(sr.r, SCAN_FOUND);
	ck_assert_uint_eq(sr.off, 28);
	ck_assert_uint_eq(sr.alen, 7);
}
END_TEST

/* Records whose every prefix the Limits tests scan. */
static const char *const prefix_records[] = {
	"{\"TimeGenerated\":\"2026-11-20T12:00:05.1306790Z\","
	    "\"ResourceType\":\"VAULTS\",\"a\":\"x\\\\\\\"y\\u0041\","
	    "\"p\":{\"q\":[1,{\"CallerIPAddress\":\"5.6.7.8\"}],\"r\":\"}]\"},"
	    "\"n\":-1.5e3,\"t\":true,\"z\":null,"
	    "\"CallerIPAddress\" : \"203.0.113.7\" ,\"f\":false}\r",
	" { \"CallerIPAddress\":\"2001:DB8::1\",\"s\":\"\\\\\"}  ",
	"{\"Caller\\u0049PAddress\":\"1.2.3.\\u0034\",\"x\":[[[]]]}",
	/* No backslash: the block scanner reads it. */
	"{\"TimeGenerated\":\"2026-11-20T12:00:05.1306790Z\","
	    "\"ResourceType\":\"VAULTS\",\"ResourceId\":\"/SUBSCRIPTIONS/"
	    "0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV\","
	    "\"p\":{\"q\":[1,{\"CallerIPAddress\":\"5.6.7.8\"}],\"r\":\"}]\"},"
	    "\"s\":\"CallerIPAddress\",\"CallerIPAddress\":\"203.0.113.7\","
	    "\"n\":[{\"a\":\"{{{\"},[]],\"f\":false}",
};

START_TEST(every_prefix)
{
	size_t	 i, n, len;
	struct sres sr;

	for (i = 0; i < sizeof(prefix_records) / sizeof(prefix_records[0]);
	    i++) {
		len = strlen(prefix_records[i]);
		for (n = 0; n <= len; n++) {
			sr = scan_n(prefix_records[i], n);
			/*
			 * A prefix that is not the whole object cannot be
			 * answered with certainty.
			 */
			if (n < strlen(prefix_records[i]) &&
			    strchr(prefix_records[i] + n, '}') != NULL)
				ck_assert_msg(sr.r == SCAN_UNSURE,
				    "record %zu, prefix %zu: %s", i, n,
				    rname(sr.r));
		}
	}
	/* The whole records. */
	sr = scan_s(prefix_records[0]);
	ck_assert_int_eq(sr.r, SCAN_FOUND);
	ck_assert_uint_eq(sr.alen, strlen("203.0.113.7"));
	ck_assert(memcmp(prefix_records[0] + sr.off, "203.0.113.7", 11) == 0);
	sr = scan_s(prefix_records[1]);
	ck_assert_int_eq(sr.r, SCAN_FOUND);
	ck_assert(memcmp(prefix_records[1] + sr.off, "2001:DB8::1", 11) == 0);
	ck_assert_int_eq(scan_s(prefix_records[2]).r, SCAN_UNSURE);
	sr = scan_s(prefix_records[3]);
	ck_assert_int_eq(sr.r, SCAN_FOUND);
	ck_assert_uint_eq(sr.alen, strlen("203.0.113.7"));
	ck_assert(memcmp(prefix_records[3] + sr.off, "203.0.113.7", 11) == 0);
}
END_TEST

/* Every suffix too: a line may start anywhere in a damaged stream. */
START_TEST(every_suffix)
{
	size_t	 i, n, len;
	struct sres sr;

	for (i = 0; i < sizeof(prefix_records) / sizeof(prefix_records[0]);
	    i++) {
		len = strlen(prefix_records[i]);
		for (n = 0; n <= len; n++) {
			sr = scan_n(prefix_records[i] + n, len - n);
			if (sr.r == SCAN_FOUND)
				ck_assert_msg(sr.off + sr.alen < len - n,
				    "record %zu, suffix %zu", i, n);
		}
	}
}
END_TEST

START_TEST(long_line)
{
	size_t	 n = 1 << 20, i;
	char	*line = malloc(n + 64), *p;
	struct sres sr;

	ck_assert_ptr_nonnull(line);
	p = line;
	p += sprintf(p, "{\"a\":\"");
	for (i = 0; i < n; i++)
		*p++ = i % 97 == 0 ? ' ' : 'x';
	p += sprintf(p, "\",\"CallerIPAddress\":\"1.2.3.4\"}");
	sr = scan_n(line, (size_t)(p - line));
	ck_assert_int_eq(sr.r, SCAN_FOUND);
	ck_assert_uint_eq(sr.off, (size_t)(p - line) - 9);
	ck_assert_uint_eq(sr.alen, 7);
	free(line);
}
END_TEST

START_TEST(deep_nesting)
{
	size_t	 depth = 100000, i;
	char	*line = malloc(2 * depth + 64), *p, *q;
	struct sres sr;

	ck_assert_ptr_nonnull(line);
	p = line;
	p += sprintf(p, "{\"a\":");
	for (i = 0; i < depth; i++)
		*p++ = i % 2 ? '[' : '{';
	/* Not valid JSON; the scanner only counts brackets. */
	q = p;
	for (i = 0; i < depth; i++)
		*p++ = i % 2 ? '}' : ']';
	p += sprintf(p, ",\"CallerIPAddress\":\"1.2.3.4\"}");
	sr = scan_n(line, (size_t)(p - line));
	ck_assert_int_eq(sr.r, SCAN_FOUND);
	ck_assert_uint_eq(sr.off, (size_t)(p - line) - 9);
	ck_assert_uint_eq(sr.alen, 7);
	/* One closing bracket short: the value runs to the end. */
	p = q;
	for (i = 1; i < depth; i++)
		*p++ = ']';
	p += sprintf(p, ",\"CallerIPAddress\":\"1.2.3.4\"}");
	sr = scan_n(line, (size_t)(p - line));
	ck_assert_int_eq(sr.r, SCAN_UNSURE);
	free(line);
}
END_TEST

/* What a differential run saw, so that a test can tell it reached far. */
struct diff_counts {
	unsigned	 found, none, unsure;	/* Scan answers. */
	unsigned	 found_event;		/* SCAN_FOUND and KVREC_EVENT. */
	unsigned	 unsure_event;		/* SCAN_UNSURE and KVREC_EVENT. */
	unsigned	 malformed;		/* KVREC_MALFORMED. */
};

/*
 * The differential property.  Return NULL when it holds for the len bytes
 * at s, or a static message saying how it fails.
 */
static const char *
diff_check(struct kvrec *kr, const char *s, size_t len,
    struct diff_counts *dc)
{
	static char	 msg[256];
	struct kv_event	 ev;
	struct sres	 sr;
	enum kvrec_status ks;
	char		*p;

	sr = scan_n(s, len);
	p = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(p);
	memcpy(p, s, len);
	ks = kvrec_parse(kr, p, len, &ev);
	free(p);
	switch (sr.r) {
	case SCAN_FOUND:
		dc->found++;
		if (ks != KVREC_EVENT)
			break;
		dc->found_event++;
		if (ev.addr_len != sr.alen ||
		    memcmp(ev.addr_text, s + sr.off, sr.alen) != 0) {
			snprintf(msg, sizeof(msg), "SCAN_FOUND \"%.*s\" but "
			    "the event's address is \"%.*s\"", (int)sr.alen,
			    s + sr.off, (int)ev.addr_len, ev.addr_text);
			return msg;
		}
		break;
	case SCAN_NONE:
		dc->none++;
		if (ks == KVREC_EVENT) {
			snprintf(msg, sizeof(msg), "SCAN_NONE but an event "
			    "with address \"%.*s\"", (int)ev.addr_len,
			    ev.addr_text);
			return msg;
		}
		break;
	case SCAN_UNSURE:
		dc->unsure++;
		if (ks == KVREC_EVENT)
			dc->unsure_event++;
		break;
	}
	if (ks == KVREC_MALFORMED)
		dc->malformed++;
	return NULL;
}

/* Check every line of a corpus, reporting all failures at once. */
static void
diff_corpus(const struct line *c, size_t n, struct diff_counts *dc)
{
	struct kvrec *kr = kvrec_new();
	char	 report[4096];
	size_t	 i, off = 0;
	const char *m;
	unsigned bad = 0;

	report[0] = '\0';
	for (i = 0; i < n; i++) {
		if ((m = diff_check(kr, c[i].s, c[i].len, dc)) == NULL)
			continue;
		bad++;
		if (off < sizeof(report))
			off += (size_t)snprintf(report + off, sizeof(report) -
			    off, "\n  line %zu %.*s: %s", i, (int)c[i].len,
			    c[i].s, m);
	}
	kvrec_free(kr);
	ck_assert_msg(bad == 0, "%u of %zu lines break the property:%s", bad,
	    n, report);
}

static const struct line corpus[] = {
	/* Ordinary records, any member order, white space. */
	L("{" VT ",\"CallerIPAddress\":\"203.0.113.7\"}"),
	L("{\"CallerIPAddress\":\"203.0.113.7\"," VT "}"),
	L("{ \"CallerIPAddress\" :\t\"1.2.3.4\" , " VT " }"),
	L("{\r\n\"CallerIPAddress\"\r\n:\r\n\"1.2.3.4\"\r\n,\n" VT "\n}"),
	L("  {" VT ",\"CallerIPAddress\":\"1.2.3.4\"}  "),
	/* The member name inside a string value. */
	L("{" VT ",\"ResultDescription\":\"\\\"CallerIPAddress\\\":"
	    "\\\"1.2.3.4\\\"\"}"),
	L("{" VT ",\"ResultDescription\":\"\\\"CallerIPAddress\\\":"
	    "\\\"5.6.7.8\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\\",\\\"CallerIPAddress\\\":\\\"5.6.7.8\"}"),
	/* Escaped quotes and backslashes in other values. */
	L("{" VT ",\"a\":\"a\\\\\\\\\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"x\\\\\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\\\\\\"\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\u005c\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* Escapes in the address and in keys. */
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.\\u0034\"}"),
	L("{" VT ",\"CallerIPAddress\":\"\\u0032001:db8::1\"}"),
	L("{" VT ",\"Caller\\u0049PAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"Caller\\u0049PAddress\":\"5.6.7.8\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\","
	    "\"Caller\\u0049PAddress\":\"5.6.7.8\"}"),
	L("{\"Resource\\u0054ype\":\"VAULTS\",\"TimeGenerated\":"
	    "\"2026-11-20T12:00:05Z\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"VAUL\\u0054S\",\"TimeGenerated\":"
	    "\"2026-11-20T12:00:05Z\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* Duplicate members. */
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":"
	    "\"5.6.7.8\"}"),
	L("{\"CallerIPAddress\":\"5.6.7.8\"," VT ",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":null}"),
	L("{" VT ",\"CallerIPAddress\":null,\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	/* Nested members of the same name. */
	L("{" VT ",\"p\":{\"CallerIPAddress\":\"1.2.3.4\"}}"),
	L("{" VT ",\"p\":{\"CallerIPAddress\":\"5.6.7.8\"},"
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"p\":[{\"CallerIPAddress\":\"1.2.3.4\"}]}"),
	L("{" VT ",\"records\":[{\"CallerIPAddress\":\"1.2.3.4\"},"
	    "{\"CallerIPAddress\":\"5.6.7.8\"}],\"CallerIPAddress\":"
	    "\"9.9.9.9\"}"),
	L("{" VT ",\"p\":{\"q\":{\"r\":{\"s\":{\"CallerIPAddress\":"
	    "\"1.2.3.4\"}}}}}"),
	L("{" VT ",\"p\":{\"x\":\"}}]]{\"},\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* The vault filter. */
	L("{\"ResourceType\":\"VAULT\",\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"VAULTSX\",\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"vaults\",\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"Vaults\",\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":1,\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"TimeGenerated\":\"2026-11-20\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* Invalid JSON that starts with { and ends with }. */
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":tru}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":01}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":[1,}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":\"\x01\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":\"\\q\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":{]}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\" \"x\":1}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\"/*c*/}"),
	L("{" VT ",CallerIPAddress:\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":[}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\",\"x\":\"\\u12\"}"),
	/* Non-string values and empty strings. */
	L("{" VT ",\"CallerIPAddress\":null}"),
	L("{" VT ",\"CallerIPAddress\":16909060}"),
	L("{" VT ",\"CallerIPAddress\":true}"),
	L("{" VT ",\"CallerIPAddress\":[\"1.2.3.4\"]}"),
	L("{" VT ",\"CallerIPAddress\":{\"a\":\"1.2.3.4\"}}"),
	L("{" VT ",\"CallerIPAddress\":\"\"}"),
	L("{" VT ",\"\":\"\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	/* Huge numbers, arrays of objects. */
	L("{" VT ",\"n\":1e99999,\"m\":-123456789012345678901234567890,"
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"a\":[{\"b\":[{\"c\":\"}\"}]},{}],\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	/* Framing: CRLF residue, BOM, leading junk, trailing content. */
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}\r"),
	L("\xef\xbb\xbf{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\"} {\"a\":1}"),
	L("{\"a\":1} {" VT ",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("[{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}]"),
	L("\"{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}\""),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\""),
	/* Bytes: NUL, invalid UTF-8, UTF-8 keys. */
	L("{" VT ",\"a\":\"\0\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\0\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4\xff\"}"),
	L("{" VT ",\"a\":\"\xff\xfe\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddr\xc3\xa9ss\":\"1.2.3.4\"}"),
	/* Addresses as written. */
	L("{" VT ",\"CallerIPAddress\":\"2001:DB8::1\"}"),
	L("{" VT ",\"CallerIPAddress\":\"::ffff:1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"1.2.3.4:443\"}"),
	L("{" VT ",\"CallerIPAddress\":\" 1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\"010.1.1.1\"}"),
	/* Bad times. */
	L("{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":\"yesterday\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{\"ResourceType\":\"VAULTS\",\"TimeGenerated\":1700000000,"
	    "\"CallerIPAddress\":\"1.2.3.4\"}"),
};

START_TEST(diff_corpus_lines)
{
	struct diff_counts dc;
	size_t	 n = sizeof(corpus) / sizeof(corpus[0]);

	memset(&dc, 0, sizeof(dc));
	ck_assert_uint_ge(n, 40);
	diff_corpus(corpus, n, &dc);
	/* The corpus reaches every answer and the full parse's events. */
	ck_assert_uint_ge(dc.found_event, 10);
	ck_assert_uint_ge(dc.unsure_event, 5);
	ck_assert_uint_ge(dc.none, 5);
	ck_assert_uint_ge(dc.malformed, 10);
}
END_TEST

/* Every prefix of every corpus line (and of the Limits records). */
START_TEST(diff_corpus_prefixes)
{
	struct kvrec *kr = kvrec_new();
	struct diff_counts dc;
	const char *m;
	size_t	 i, n;

	memset(&dc, 0, sizeof(dc));
	for (i = 0; i < sizeof(corpus) / sizeof(corpus[0]); i++)
		for (n = 0; n <= corpus[i].len; n++) {
			m = diff_check(kr, corpus[i].s, n, &dc);
			ck_assert_msg(m == NULL, "line %zu prefix %zu: %s",
			    i, n, m);
		}
	for (i = 0; i < sizeof(prefix_records) / sizeof(prefix_records[0]);
	    i++)
		for (n = 0; n <= strlen(prefix_records[i]); n++) {
			m = diff_check(kr, prefix_records[i], n, &dc);
			ck_assert_msg(m == NULL, "record %zu prefix %zu: %s",
			    i, n, m);
		}
	kvrec_free(kr);
	ck_assert_uint_gt(dc.found_event, 0);
}
END_TEST

/*
 * yajl, and so kvrec_parse() and kv-match --validate, reads form feed and
 * vertical tab as white space between tokens; a scanner that does not
 * would take a value after a form feed for a number and answer SCAN_NONE,
 * losing a real alert.
 */
static const struct line yajl_ws[] = {
	L("{" VT ",\"CallerIPAddress\":\f\"1.2.3.4\"}"),
	L("{" VT ",\"CallerIPAddress\":\v\"1.2.3.4\"}"),
	L("{\"CallerIPAddress\": \f \"1.2.3.4\"," VT "}"),
	L("{" VT ",\"CallerIPAddress\"\f:\f\"1.2.3.4\"\f}"),
	L("{" VT ",\"x\":\f\"a\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("\f{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}\v"),
	L("{" VT ",\"a\":\"\\/\",\"CallerIPAddress\":\f\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\/\",\"CallerIPAddress\":\v\"1.2.3.4\"}"),
	L("{" VT ",\"a\":\"\\/\",\"x\":\f\"a,b\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}"),
	L("{" VT ",\"x\":\f\"a,b\",\"CallerIPAddress\":\"1.2.3.4\"}"),
	L("{" VT ",\"x\":\v[\"a\",{}],\"CallerIPAddress\":\"1.2.3.4\"}"),
};

START_TEST(diff_yajl_whitespace)
{
	struct diff_counts dc;

	memset(&dc, 0, sizeof(dc));
	diff_corpus(yajl_ws, sizeof(yajl_ws) / sizeof(yajl_ws[0]), &dc);
	ck_assert_uint_eq(dc.found_event + dc.unsure_event,
	    sizeof(yajl_ws) / sizeof(yajl_ws[0]));
}
END_TEST

/* A growing byte buffer for the random records. */
struct buf {
	char	*p;
	size_t	 len, cap;
};

static void
put(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		while (b->len + n + 1 > b->cap)
			b->cap = b->cap ? 2 * b->cap : 256;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void
puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/*
 * The generator's state: the random state, and whether this record is
 * to hold no backslash (so that the block scanner reads it whole).
 */
struct gen {
	uint64_t st;
	int	 noesc;
};

/* A random entry of list; without a backslash when g->noesc. */
static const char *
pick(struct gen *g, const char *const *list, size_t n)
{
	const char *s;

	do
		s = list[rnd(&g->st) % n];
	while (g->noesc && strchr(s, '\\') != NULL);
	return s;
}

#define PICK(g, a)	pick((g), (a), sizeof(a) / sizeof((a)[0]))

/*
 * Optional white space: RFC 8259's four characters, and now and then the
 * form feed and vertical tab that yajl reads as white space too.
 */
static void
gen_ws(struct buf *b, struct gen *g)
{
	static const char ws[] = " \t\r\n \t\r\n \t\r\n\f\v";
	int	 n;

	if (rnd(&g->st) % 3 != 0)
		return;
	for (n = 1 + (int)(rnd(&g->st) % 3); n > 0; n--)
		put(b, &ws[rnd(&g->st) % (sizeof(ws) - 1)], 1);
}

static const char *const caller_keys[] = {
	"CallerIPAddress", "CallerIPAddress", "CallerIPAddress",
	"CallerIPAddress", "CallerIPAddress", "CallerIPAddress",
	"Caller\\u0049PAddress", "\\u0043allerIPAddress", "callerIPAddress",
	"CallerIPAddress\\u0000", "CallerIpAddress", "CallerIPAddres",
};

static const char *const addrs[] = {
	"\"203.0.113.7\"", "\"198.51.100.23\"", "\"2001:DB8::1\"",
	"\"::ffff:192.0.2.1\"", "\"\"", "\"1.2.3.4:443\"", "\"not-an-ip\"",
	"\"010.1.1.1\"", "\"203.0.113.\\u0037\"", "\"2001:db8::\\u0031\"",
	"\"\\u0032\\u0030\\u0033.0.113.7\"", "\"192.0.2.1\\/32\"", "null",
	"42", "true", "{\"a\":\"1.2.3.4\"}", "[\"1.2.3.4\"]", "\"9.9.9.9\"",
	"\"203.0.113.7\"", "\"198.51.100.23\"", "\"CallerIPAddress\"",
};

static const char *const strings[] = {
	"\"\"", "\"plain\"", "\"\\\"CallerIPAddress\\\":\\\"9.9.9.9\\\"\"",
	"\"a\\\\\\\\\"", "\"\\\\\"", "\"\\\"\"", "\"}]{[\"", "\",\"", "\":\"",
	"\"\\u00e9\\n\\t\"", "\"\xc3\xa9\"", "\"\xff\"",
	"\"\\\",\\\"CallerIPAddress\\\":\\\"9.9.9.9\"",
	"\"CallerIPAddress\"", "\"\\/\\b\\f\\r\"", "\"{\\\"\"",
	"\"CallerIPAddress:\"", "\"}\"", "\"{\"",
};

static const char *const scalars[] = {
	"0", "-1.5e3", "123456789012345678901234567890", "1e99999", "true",
	"false", "null",
};

static const char *const filler_keys[] = {
	"ResourceId", "OperationName", "ResultDescription", "properties",
	"identity", "x", "a\\\"b", "", "records", "CallerIPAddress",
	"CallerIPAddress", "C", "Caller\\/IPAddress",
};

static void gen_value(struct buf *, struct gen *, int);

static void
gen_object(struct buf *b, struct gen *g, int depth)
{
	int	 n = (int)(rnd(&g->st) % 4), i;

	puts_(b, "{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			puts_(b, ",");
		gen_ws(b, g);
		puts_(b, "\"");
		puts_(b, PICK(g, filler_keys));
		puts_(b, "\"");
		gen_ws(b, g);
		puts_(b, ":");
		gen_ws(b, g);
		gen_value(b, g, depth + 1);
		gen_ws(b, g);
	}
	puts_(b, "}");
}

/* A string of 0 to 150 bytes with brackets but no quote or backslash. */
static void
gen_pad(struct buf *b, struct gen *g)
{
	static const char chars[] = "xyC{}[]:, ";
	int	 n = (int)(rnd(&g->st) % 151);

	puts_(b, "\"");
	while (n-- > 0)
		put(b, &chars[rnd(&g->st) % (sizeof(chars) - 1)], 1);
	puts_(b, "\"");
}

static void
gen_value(struct buf *b, struct gen *g, int depth)
{
	int	 n, i;

	switch (depth < 4 ? rnd(&g->st) % 7 : rnd(&g->st) % 3) {
	case 0:
		puts_(b, PICK(g, strings));
		break;
	case 1:
		gen_pad(b, g);
		break;
	case 2:
		puts_(b, PICK(g, scalars));
		break;
	case 3:
	case 4:
		gen_object(b, g, depth);
		break;
	case 5:
		puts_(b, PICK(g, strings));
		break;
	default:
		puts_(b, "[");
		n = (int)(rnd(&g->st) % 4);
		for (i = 0; i < n; i++) {
			if (i > 0)
				puts_(b, ",");
			gen_ws(b, g);
			gen_value(b, g, depth + 1);
			gen_ws(b, g);
		}
		puts_(b, "]");
		break;
	}
}

/* One top-level member: key and value as JSON text. */
struct member {
	const char	*key;
	const char	*val;	/* NULL: a generated filler value. */
};

static void
gen_record(struct buf *b, struct gen *g)
{
	static const char *const rtypes[] = {
		"\"VAULTS\"", "\"VAULTS\"", "\"vaults\"", "\"Vaults\"",
		"\"VAULT\"", "\"VAULTSX\"", "\"\"", "\"VAUL\\u0054S\"", "7",
		"null", "\"VAULTS\"",
	};
	static const char *const times[] = {
		"\"2026-11-20T12:00:05.1306790Z\"", "\"2026-11-20 12:00:05\"",
		"\"2026-11-20T12:00:05.1306790Z\"", "\"garbage\"", "17",
	};
	static const char *const fillers[] = {
		"ResourceId", "OperationName", "ResultDescription",
		"properties", "identity", "x", "a\\\"b", "", "records",
		"C", "Caller\\/IPAddress",
	};
	struct member m[12], t;
	int	 n = 0, i, j, k;

	g->noesc = rnd(&g->st) % 2;
	if (rnd(&g->st) % 10 != 0)
		m[n++] = (struct member){ "ResourceType", PICK(g, rtypes) };
	if (rnd(&g->st) % 20 == 0)
		m[n++] = (struct member){ "ResourceType", PICK(g, rtypes) };
	if (rnd(&g->st) % 10 != 0)
		m[n++] = (struct member){ "TimeGenerated", PICK(g, times) };
	k = (int)(rnd(&g->st) % 20);
	k = k < 4 ? 0 : k < 16 ? 1 : k < 19 ? 2 : 3;
	for (i = 0; i < k; i++)
		m[n++] = (struct member){ PICK(g, caller_keys),
		    PICK(g, addrs) };
	for (i = (int)(rnd(&g->st) % 5); i > 0; i--)
		m[n++] = (struct member){ PICK(g, fillers), NULL };
	for (i = n - 1; i > 0; i--) {
		j = (int)(rnd(&g->st) % (uint64_t)(i + 1));
		t = m[i];
		m[i] = m[j];
		m[j] = t;
	}
	b->len = 0;
	if (rnd(&g->st) % 50 == 0)
		puts_(b, "\xef\xbb\xbf");
	gen_ws(b, g);
	puts_(b, "{");
	for (i = 0; i < n; i++) {
		if (i > 0)
			puts_(b, ",");
		gen_ws(b, g);
		puts_(b, "\"");
		puts_(b, m[i].key);
		puts_(b, "\"");
		gen_ws(b, g);
		puts_(b, ":");
		gen_ws(b, g);
		if (m[i].val != NULL)
			puts_(b, m[i].val);
		else
			gen_value(b, g, 1);
		gen_ws(b, g);
	}
	puts_(b, "}");
	gen_ws(b, g);
	if (rnd(&g->st) % 20 == 0)
		puts_(b, "\r");
}

/* Damage a record: truncate it, drop a byte or insert a structural one. */
static void
mutate(struct buf *b, struct gen *g)
{
	static const char bytes[] = "\"{}[],:\\ 0an";
	size_t	 at;

	if (b->len == 0)
		return;
	at = (size_t)(rnd(&g->st) % b->len);
	switch (rnd(&g->st) % 3) {
	case 0:
		b->len = at;
		break;
	case 1:
		memmove(b->p + at, b->p + at + 1, b->len - at - 1);
		b->len--;
		break;
	default:
		put(b, "", 1);
		memmove(b->p + at + 1, b->p + at, b->len - at - 1);
		b->p[at] = bytes[rnd(&g->st) % (sizeof(bytes) - 1)];
		break;
	}
}

START_TEST(diff_random)
{
	struct kvrec *kr = kvrec_new();
	struct diff_counts dc;
	struct buf b = { NULL, 0, 0 };
	struct gen g = { 20261120, 0 };
	const char *m;
	int	 i;

	memset(&dc, 0, sizeof(dc));
	for (i = 0; i < 8000; i++) {
		gen_record(&b, &g);
		if (rnd(&g.st) % 8 == 0)
			mutate(&b, &g);
		m = diff_check(kr, b.p, b.len, &dc);
		ck_assert_msg(m == NULL, "record %d %.*s: %s", i, (int)b.len,
		    b.p, m);
	}
	free(b.p);
	kvrec_free(kr);
	if (getenv("SCAN_COUNTS") != NULL)
		fprintf(stderr, "found %u found_event %u none %u unsure %u "
		    "unsure_event %u malformed %u\n", dc.found, dc.found_event,
		    dc.none, dc.unsure, dc.unsure_event, dc.malformed);
	/* The grammar reaches every answer, with events behind them. */
	ck_assert_uint_ge(dc.found, 1000);
	ck_assert_uint_ge(dc.found_event, 150);
	ck_assert_uint_ge(dc.none, 1500);
	ck_assert_uint_ge(dc.unsure, 1500);
	ck_assert_uint_ge(dc.unsure_event, 100);
	ck_assert_uint_ge(dc.malformed, 300);
}
END_TEST

/*
 * The block scanner (lines without a backslash) and scan_scalar() (lines
 * with one) must not contradict each other on valid JSON.  A member with
 * a backslash in its value ("zz":"\/"), put first, sends a line to
 * scan_scalar() without changing the answer; so for each random line
 * without a backslash that the full parse accepts, the two answers may
 * differ only by one of them being SCAN_UNSURE, and two spans must be the
 * same text at offsets that differ by the inserted length.
 */
START_TEST(scanners_agree)
{
	static const char ins[] = "\"zz\":\"\\/\"";
	struct kvrec *kr = kvrec_new();
	struct kv_event ev;
	struct buf b = { NULL, 0, 0 }, b2 = { NULL, 0, 0 };
	struct gen g = { 5952, 0 };
	struct sres s1, s2;
	size_t	 at, k;
	int	 i, compared = 0, both_found = 0;

	for (i = 0; i < 8000; i++) {
		gen_record(&b, &g);
		if (!g.noesc || memchr(b.p, '\\', b.len) != NULL ||
		    kvrec_parse(kr, b.p, b.len, &ev) == KVREC_MALFORMED)
			continue;
		at = (size_t)((char *)memchr(b.p, '{', b.len) - b.p) + 1;
		b2.len = 0;
		put(&b2, b.p, at);
		put(&b2, ins, sizeof(ins) - 1);
		for (k = at; k < b.len && strchr(" \t\r\n", b.p[k]) != NULL;
		    k++)
			;
		if (b.p[k] != '}')
			put(&b2, ",", 1);
		put(&b2, b.p + at, b.len - at);
		s1 = scan_n(b.p, b.len);
		s2 = scan_n(b2.p, b2.len);
		compared++;
		if (s1.r == SCAN_UNSURE || s2.r == SCAN_UNSURE)
			continue;
		ck_assert_msg(s1.r == s2.r, "record %d %.*s: blocks %s, "
		    "scalar %s", i, (int)b.len, b.p, rname(s1.r),
		    rname(s2.r));
		if (s1.r == SCAN_FOUND) {
			both_found++;
			ck_assert_msg(s1.alen == s2.alen && s2.off == s1.off +
			    (b2.len - b.len) && memcmp(b.p + s1.off,
			    b2.p + s2.off, s1.alen) == 0, "record %d %.*s: "
			    "spans differ", i, (int)b.len, b.p);
		}
	}
	free(b.p);
	free(b2.p);
	kvrec_free(kr);
	if (getenv("SCAN_COUNTS") != NULL)
		fprintf(stderr, "compared %d both_found %d\n", compared,
		    both_found);
	ck_assert_int_ge(compared, 1000);
	ck_assert_int_ge(both_found, 300);
}
END_TEST

Suite *
scan_suite(void)
{
	Suite	*s = suite_create("scan");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, found_flat);
	tcase_add_test(tc, found_empty_value);
	tcase_add_test(tc, whitespace);
	tcase_add_test(tc, name_in_string_value);
	tcase_add_test(tc, name_nested);
	tcase_add_test(tc, escapes_skipped);
	tcase_add_test(tc, escape_in_key_unsure);
	tcase_add_test(tc, escape_in_address_unsure);
	tcase_add_test(tc, duplicate_unsure);
	tcase_add_test(tc, non_string_none);
	tcase_add_test(tc, no_member_none);
	tcase_add_test(tc, framing_unsure);
	tcase_add_test(tc, invalid_inside_braces);
	tcase_add_test(tc, trailing_content_unsure);
	tcase_add_test(tc, trailing_content_unsure_scalar);
	tcase_add_test(tc, length_respected);
	tcase_add_test(tc, block_offsets);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, every_prefix);
	tcase_add_test(tc, every_suffix);
	tcase_add_test(tc, long_line);
	tcase_add_test(tc, deep_nesting);
	suite_add_tcase(s, tc);

	tc = tcase_create("Differential");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, diff_corpus_lines);
	tcase_add_test(tc, diff_corpus_prefixes);
	tcase_add_test(tc, diff_yajl_whitespace);
	tcase_add_test(tc, diff_random);
	tcase_add_test(tc, scanners_agree);
	suite_add_tcase(s, tc);
	return s;
}
