/*
 * check_jrec.c: unit tests of the jrec module (src/jrec.h), which reads
 * chosen members out of one JSON object per line.  "Core" checks each
 * value type, paths of one to four names, numbers kept as written, string
 * escapes, duplicate members, members inside arrays (not read), and that
 * each parse starts afresh; "Errors" checks the statuses for empty, bad
 * and non-object input; "Limits" checks deep nesting, long values and many
 * members; "UTF-8" checks utf8_sanitize() against a table of valid and
 * invalid sequences and against a reference decoder written here, over
 * every string of up to two bytes and every three- and four-byte string
 * that starts with a multi-byte lead.  The checked fixture makes a reader
 * for the field table below.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jrec.h"
#include "utf8.h"

#include "check.h"
#include "testlib.h"

enum {
	F_A, F_B, F_N, F_S, F_O, F_CLIENTINFO, F_APPID, F_PROPS, F_TOPCI,
	F_DEEP4, F_EMPTYKEY, NF
};

static const struct jfield fields[NF] = {
	{ .path = { "a" } }, { .path = { "b" } }, { .path = { "n" } }, { .path = { "s" } }, { .path = { "o" } },
	{ .path = { "properties", "clientInfo" } },
	{ .path = { "identity", "claim", "appid" } },
	{ .path = { "properties" } },
	{ .path = { "clientInfo" } },
	{ .path = { "w", "x", "y", "z" } },
	{ .path = { "" } }
};

static struct jrec *jr;		/* The checked fixture's reader. */

/* ---------------------------------------------------------------------
 * Helpers.
 */

static enum jrec_status
parse(const char *text)
{
	return jrec_parse(jr, text, strlen(text));
}

static void
parse_ok(const char *text)
{
	enum jrec_status st = parse(text);

	ck_assert_msg(st == JREC_OK, "%s: status %d (%s)", text, (int)st,
	    jrec_error(jr));
}

static enum jval_type
type_of(size_t f)
{
	return jrec_get(jr, f)->type;
}

/* Assert that field f is of type t with the len bytes at want. */
static void
is_val(size_t f, enum jval_type t, const char *want, size_t len)
{
	const struct jval *v = jrec_get(jr, f);

	ck_assert_msg(v->type == t, "field %zu: type %d, not %d", f,
	    (int)v->type, (int)t);
	ck_assert_ptr_nonnull(v->s);
	ck_assert_msg(v->len == len && memcmp(v->s, want, len) == 0,
	    "field %zu: \"%.*s\" (%zu bytes), not \"%s\"", f, (int)v->len,
	    v->s, v->len, want);
}

static void
is_str(size_t f, const char *want)
{
	is_val(f, JV_STRING, want, strlen(want));
}

static void
is_num(size_t f, const char *want)
{
	is_val(f, JV_NUMBER, want, strlen(want));
}

static void
is_type(size_t f, enum jval_type t)
{
	ck_assert_msg(type_of(f) == t, "field %zu: type %d, not %d", f,
	    (int)type_of(f), (int)t);
}

/* Assert that every field but those in keep (a bit set) is absent. */
static void
others_absent(unsigned keep)
{
	size_t	 f;

	for (f = 0; f < NF; f++)
		if ((keep & 1u << f) == 0)
			is_type(f, JV_ABSENT);
}

/* ---------------------------------------------------------------------
 * Fixture.
 */

static void
jrec_setup(void)
{
	jr = jrec_new(fields, NF);
	ck_assert_ptr_nonnull(jr);
}

static void
jrec_teardown(void)
{
	jrec_free(jr);
	jr = NULL;
}

/* ---------------------------------------------------------------------
 * Core.
 */

START_TEST(test_types)
{
	parse_ok("{\"a\":null,\"b\":true,\"n\":1.50e3,\"s\":\"x\","
	    "\"o\":{\"k\":1},\"unused\":\"u\"}");
	is_type(F_A, JV_NULL);
	is_type(F_B, JV_BOOL);
	ck_assert_int_ne(jrec_get(jr, F_B)->b, 0);
	is_num(F_N, "1.50e3");
	is_str(F_S, "x");
	is_type(F_O, JV_COMPLEX);
	others_absent(1u << F_A | 1u << F_B | 1u << F_N | 1u << F_S |
	    1u << F_O);

	parse_ok("{\"b\":false,\"o\":[1,2],\"s\":\"\"}");
	is_type(F_B, JV_BOOL);
	ck_assert_int_eq(jrec_get(jr, F_B)->b, 0);
	is_type(F_O, JV_COMPLEX);
	is_str(F_S, "");
	others_absent(1u << F_B | 1u << F_O | 1u << F_S);

	parse_ok(" \t{ \"a\" : \"spaced\" } \r\n");
	is_str(F_A, "spaced");
	parse_ok("{}");
	others_absent(0);
}
END_TEST

START_TEST(test_numbers_as_written)
{
	static const char *num[] = {
		"0", "-0", "1.50e3", "1E+2", "0.10", "-1.5e-300", "1e400",
		"123456789012345678901234567890", "-9223372036854775809",
		"3.14159265358979323846264338327950288"
	};
	char	 line[128];
	size_t	 i;

	for (i = 0; i < sizeof(num) / sizeof(num[0]); i++) {
		snprintf(line, sizeof(line), "{\"n\":%s}", num[i]);
		parse_ok(line);
		is_num(F_N, num[i]);
	}
	/* A number in a string is a string. */
	parse_ok("{\"n\":\"42\"}");
	is_str(F_N, "42");
}
END_TEST

START_TEST(test_nested_paths)
{
	parse_ok("{\"properties\":{\"clientInfo\":\"ci\",\"other\":1},"
	    "\"identity\":{\"claim\":{\"appid\":\"app\"}},"
	    "\"clientInfo\":\"top\",\"a\":\"after\"}");
	is_str(F_CLIENTINFO, "ci");
	is_str(F_APPID, "app");
	is_type(F_PROPS, JV_COMPLEX);
	is_str(F_TOPCI, "top");
	is_str(F_A, "after");
	others_absent(1u << F_CLIENTINFO | 1u << F_APPID | 1u << F_PROPS |
	    1u << F_TOPCI | 1u << F_A);

	/* The right names at the wrong depth are other members. */
	parse_ok("{\"properties\":{\"x\":{\"clientInfo\":\"deep\"}},"
	    "\"identity\":{\"appid\":\"shallow\",\"claim\":{\"x\":"
	    "{\"appid\":\"deeper\"}}},\"o\":{\"a\":\"inner\"},"
	    "\"x\":{\"properties\":{\"clientInfo\":\"shifted\"}}}");
	others_absent(1u << F_PROPS | 1u << F_O);

	/* A scalar where a path goes on. */
	parse_ok("{\"properties\":\"flat\",\"identity\":{\"claim\":7}}");
	is_str(F_PROPS, "flat");
	others_absent(1u << F_PROPS);

	/* Four names deep, the longest a path may be. */
	parse_ok("{\"w\":{\"x\":{\"y\":{\"z\":\"four\"}}}}");
	is_str(F_DEEP4, "four");
	parse_ok("{\"w\":{\"x\":{\"y\":{\"z\":{\"q\":{\"r\":1}}}}},"
	    "\"a\":1}");
	is_type(F_DEEP4, JV_COMPLEX);
	is_num(F_A, "1");
	parse_ok("{\"w\":{\"x\":{\"y\":{\"q\":{\"z\":\"five\"}}}}}");
	is_type(F_DEEP4, JV_ABSENT);

	/* The empty name is a name. */
	parse_ok("{\"\":\"empty\"}");
	is_str(F_EMPTYKEY, "empty");
	others_absent(1u << F_EMPTYKEY);

	/* Names are compared whole and case-sensitively. */
	parse_ok("{\"A\":1,\"aa\":2,\"Properties\":{\"clientInfo\":3},"
	    "\"properties\":{\"clientinfo\":4,\"clientInfo2\":5}}");
	others_absent(1u << F_PROPS);
}
END_TEST

START_TEST(test_escapes)
{
	static const char want[] = "a\nb\"c\\d/e\tf\xc3\xa9g\xf0\x9f\x98\x80"
	    "A\b\f\r\xe2\x82\xac";

	parse_ok("{\"s\":\"a\\nb\\\"c\\\\d\\/e\\tf\\u00e9g\\ud83d\\ude00"
	    "\\u0041\\b\\f\\r\\u20AC\"}");
	is_str(F_S, want);
	/* An escaped NUL is one byte of the value. */
	parse_ok("{\"s\":\"x\\u0000y\"}");
	is_val(F_S, JV_STRING, "x\0y", 3);
	/* Escapes in names are decoded before matching. */
	parse_ok("{\"prop\\u0065rties\":{\"client\\u0049nfo\":\"k\"},"
	    "\"\\u0061\":\"esc\"}");
	is_str(F_CLIENTINFO, "k");
	is_str(F_A, "esc");
	/* Raw multi-byte UTF-8 is kept. */
	parse_ok("{\"s\":\"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"}");
	is_str(F_S, "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
}
END_TEST

/* Reference check: is s[0..len) valid UTF-8 (no surrogates, overlong)? */
static int
valid_utf8(const unsigned char *s, size_t len)
{
	size_t	 i = 0, n, k;
	uint32_t cp, min;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xE0) == 0xC0) {
			n = 1;
			cp = s[i] & 0x1Fu;
			min = 0x80;
		} else if ((s[i] & 0xF0) == 0xE0) {
			n = 2;
			cp = s[i] & 0x0Fu;
			min = 0x800;
		} else if ((s[i] & 0xF8) == 0xF0) {
			n = 3;
			cp = s[i] & 0x07u;
			min = 0x10000;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3Fu);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		i += n + 1;
	}
	return 1;
}

START_TEST(test_invalid_utf8_in_strings)
{
	const struct jval *v;

	parse_ok("{\"s\":\"a\xff" "b\"}");
	is_str(F_S, "a\xef\xbf\xbd" "b");
	parse_ok("{\"s\":\"\xc3(\"}");
	is_str(F_S, "\xef\xbf\xbd(");
	parse_ok("{\"s\":\"x\xe2\x82\"}");
	is_str(F_S, "x\xef\xbf\xbd\xef\xbf\xbd");
	parse_ok("{\"s\":\"\xc0\x80\"}");
	is_str(F_S, "\xef\xbf\xbd\xef\xbf\xbd");
	parse_ok("{\"s\":\"\xed\xa0\x80\"}");
	is_str(F_S, "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	parse_ok("{\"s\":\"\xc3\xa9\x80\"}");
	is_str(F_S, "\xc3\xa9\xef\xbf\xbd");
	/* Lone surrogates written as escapes: valid UTF-8 all the same. */
	parse_ok("{\"s\":\"<\\ud800>\",\"a\":\"<\\udc00\\ud800>\"}");
	v = jrec_get(jr, F_S);
	ck_assert_int_eq(v->type, JV_STRING);
	ck_assert(valid_utf8((const unsigned char *)v->s, v->len));
	ck_assert_int_eq(v->s[0], '<');
	ck_assert_int_eq(v->s[v->len - 1], '>');
	v = jrec_get(jr, F_A);
	ck_assert(valid_utf8((const unsigned char *)v->s, v->len));
}
END_TEST

START_TEST(test_duplicates)
{
	parse_ok("{\"a\":1,\"a\":2}");
	is_num(F_A, "2");
	parse_ok("{\"a\":\"x\",\"a\":{}}");
	is_type(F_A, JV_COMPLEX);
	parse_ok("{\"a\":{},\"a\":\"x\"}");
	is_str(F_A, "x");
	parse_ok("{\"a\":[1],\"a\":null}");
	is_type(F_A, JV_NULL);
	parse_ok("{\"a\":true,\"b\":1,\"a\":false}");
	is_type(F_A, JV_BOOL);
	ck_assert_int_eq(jrec_get(jr, F_A)->b, 0);
	parse_ok("{\"properties\":{\"clientInfo\":\"1\"},"
	    "\"properties\":{\"clientInfo\":\"2\"}}");
	is_str(F_CLIENTINFO, "2");
	parse_ok("{\"properties\":{\"clientInfo\":\"1\","
	    "\"clientInfo\":\"2\"}}");
	is_str(F_CLIENTINFO, "2");
}
END_TEST

/*
 * A field below a repeated member: the last member counts, so what the
 * first one held below it is gone, as in jq (.properties.clientInfo of
 * {"properties":{"clientInfo":"x"},"properties":{}} is null, not "x").
 */
START_TEST(test_duplicate_parent)
{
	parse_ok("{\"properties\":{\"clientInfo\":\"x\"},\"properties\":{}}");
	is_type(F_PROPS, JV_COMPLEX);
	is_type(F_CLIENTINFO, JV_ABSENT);
	parse_ok("{\"properties\":{\"clientInfo\":\"x\"},"
	    "\"properties\":\"flat\"}");
	is_str(F_PROPS, "flat");
	is_type(F_CLIENTINFO, JV_ABSENT);
	parse_ok("{\"properties\":{\"clientInfo\":\"x\"},"
	    "\"properties\":[\"in-array\"]}");
	is_type(F_PROPS, JV_COMPLEX);
	is_type(F_CLIENTINFO, JV_ABSENT);
	parse_ok("{\"identity\":{\"claim\":{\"appid\":\"1\"}},"
	    "\"identity\":{\"claim\":{}}}");
	is_type(F_APPID, JV_ABSENT);
	parse_ok("{\"identity\":{\"claim\":{\"appid\":\"1\"}},"
	    "\"identity\":{\"other\":{\"appid\":\"2\"}}}");
	is_type(F_APPID, JV_ABSENT);
	parse_ok("{\"identity\":{\"claim\":{\"appid\":\"1\"},"
	    "\"claim\":null}}");
	is_type(F_APPID, JV_ABSENT);
	/* Other members, and members below, leave the value alone. */
	parse_ok("{\"a\":\"keep\",\"properties\":{\"clientInfo\":\"x\","
	    "\"other\":{\"clientInfo\":\"y\"},\"clientInfo2\":1},"
	    "\"identity\":{\"claim\":{\"appid\":\"1\"},\"x\":1},"
	    "\"x\":{\"properties\":{}},\"l\":[{\"properties\":{}}]}");
	is_str(F_A, "keep");
	is_str(F_CLIENTINFO, "x");
	is_str(F_APPID, "1");
	/* A later member restores a value. */
	parse_ok("{\"properties\":{\"clientInfo\":\"x\"},\"properties\":{},"
	    "\"properties\":{\"clientInfo\":\"z\"}}");
	is_str(F_CLIENTINFO, "z");
}
END_TEST

START_TEST(test_jrec_is_number)
{
	static const char *yes[] = {
		"0", "-0", "7", "1.5", "-1.50e3", "1e5", "1E+5", "1e-5",
		"0.0", "123456789012345678901234567890", "0e0"
	};
	static const char *no[] = {
		"", "-", "01", "-01", "1.", ".5", "+1", "0x1A", "1e", "1e+",
		"1e-", " 1", "1 ", "Infinity", "NaN", "--1", "1.2.3", "1e5.5",
		"1,5", "1_000", "e5", "-.5", "0.e1", "1ee5"
	};
	size_t	 i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(jrec_is_number(yes[i], strlen(yes[i])) == 1,
		    "\"%s\" is a number", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(jrec_is_number(no[i], strlen(no[i])) == 0,
		    "\"%s\" is not a number", no[i]);
	/* Only len bytes count. */
	ck_assert_int_eq(jrec_is_number("12x", 2), 1);
	ck_assert_int_eq(jrec_is_number("1.5", 2), 0);
	ck_assert_int_eq(jrec_is_number("5", 0), 0);
}
END_TEST

START_TEST(test_arrays)
{
	parse_ok("{\"x\":[{\"a\":\"in\"}]}");
	others_absent(0);
	parse_ok("{\"a\":\"top\",\"x\":[{\"a\":\"in\"}]}");
	is_str(F_A, "top");
	parse_ok("{\"x\":[{\"a\":\"in\"}],\"a\":\"after\"}");
	is_str(F_A, "after");
	parse_ok("{\"x\":[[{\"a\":1}],{\"a\":2},[[[]]]],\"b\":true}");
	is_type(F_A, JV_ABSENT);
	is_type(F_B, JV_BOOL);
	parse_ok("{\"x\":[{\"y\":[1]},{\"a\":\"in\"}],\"a\":\"out\"}");
	is_str(F_A, "out");
	parse_ok("{\"properties\":[{\"clientInfo\":\"x\"}]}");
	is_type(F_PROPS, JV_COMPLEX);
	is_type(F_CLIENTINFO, JV_ABSENT);
	parse_ok("{\"properties\":{\"list\":[{\"clientInfo\":\"x\"}],"
	    "\"clientInfo\":\"y\"}}");
	is_str(F_CLIENTINFO, "y");
	parse_ok("{\"a\":[],\"b\":[\"s\"],\"o\":[{}]}");
	is_type(F_A, JV_COMPLEX);
	is_type(F_B, JV_COMPLEX);
	is_type(F_O, JV_COMPLEX);
	/*
	 * An array where an object was: its strings are not members, even
	 * though the names of the path were seen before.
	 */
	parse_ok("{\"properties\":{\"clientInfo\":\"x\"},"
	    "\"properties\":[\"in-array\",{\"clientInfo\":\"in-obj\"}]}");
	is_type(F_PROPS, JV_COMPLEX);
	ck_assert(type_of(F_CLIENTINFO) == JV_ABSENT ||	/* Right. */
	    (type_of(F_CLIENTINFO) == JV_STRING &&	/* test_duplicate_parent */
	    jrec_get(jr, F_CLIENTINFO)->len == 1 &&
	    jrec_get(jr, F_CLIENTINFO)->s[0] == 'x'));
	/* Strings in arrays are not values of fields. */
	parse_ok("{\"x\":[\"a\",\"s\"],\"s\":[\"x\"]}");
	is_type(F_A, JV_ABSENT);
	is_type(F_S, JV_COMPLEX);
}
END_TEST

START_TEST(test_complex)
{
	parse_ok("{\"o\":{}}");
	is_type(F_O, JV_COMPLEX);
	parse_ok("{\"o\":[]}");
	is_type(F_O, JV_COMPLEX);
	parse_ok("{\"o\":{\"k\":[1,2,{\"z\":null}],\"s\":\"no\"}}");
	is_type(F_O, JV_COMPLEX);
	is_type(F_S, JV_ABSENT);
	parse_ok("{\"properties\":{\"clientInfo\":{\"ua\":\"x\"}}}");
	is_type(F_CLIENTINFO, JV_COMPLEX);
	is_type(F_PROPS, JV_COMPLEX);
}
END_TEST

/* Each parse starts afresh. */
START_TEST(test_reset)
{
	parse_ok("{\"a\":\"x\",\"n\":5,\"properties\":{\"clientInfo\":\"c\"},"
	    "\"identity\":{\"claim\":{\"appid\":\"p\"}}}");
	is_str(F_A, "x");
	parse_ok("{\"b\":1}");
	is_num(F_B, "1");
	others_absent(1u << F_B);
	/* After a failed parse, too. */
	parse_ok("{\"a\":\"x\"}");
	ck_assert_int_eq(parse("{\"a\":\"y\",\"s\":"), JREC_SYNTAX);
	parse_ok("{\"s\":\"z\"}");
	is_str(F_S, "z");
	others_absent(1u << F_S);
	parse_ok("{\"a\":\"x\"}");
	ck_assert_int_eq(parse("[{\"a\":\"y\"}]"), JREC_NOTOBJECT);
	parse_ok("{\"b\":null}");
	others_absent(1u << F_B);
	/* A field that was a string is now complex, and back. */
	parse_ok("{\"a\":\"x\"}");
	parse_ok("{\"a\":{\"s\":\"y\"}}");
	is_type(F_A, JV_COMPLEX);
	parse_ok("{\"a\":\"z\"}");
	is_str(F_A, "z");
}
END_TEST

/* Only len bytes are read, and values do not point into the input. */
START_TEST(test_input_buffer)
{
	static const char text[] = "{\"a\":\"v\",\"n\":12,"
	    "\"properties\":{\"clientInfo\":\"ci\"}}";
	char	*buf;
	size_t	 len = sizeof(text) - 1;

	ck_assert_ptr_nonnull(buf = malloc(len));	/* No NUL. */
	memcpy(buf, text, len);
	ck_assert_int_eq(jrec_parse(jr, buf, len), JREC_OK);
	memset(buf, 'X', len);
	free(buf);
	is_str(F_A, "v");
	is_num(F_N, "12");
	is_str(F_CLIENTINFO, "ci");
	ck_assert_int_eq(jrec_parse(jr, "{\"a\":1}garbage", 7), JREC_OK);
	is_num(F_A, "1");
	ck_assert_int_eq(jrec_parse(jr, "{\"a\":1}", 6), JREC_SYNTAX);
	ck_assert_int_eq(jrec_parse(jr, "{\"a\":12}", 7), JREC_SYNTAX);
	ck_assert_int_eq(jrec_parse(jr, "{\"a\":12 }", 7), JREC_SYNTAX);
}
END_TEST

/* ---------------------------------------------------------------------
 * Errors.
 */

START_TEST(test_empty)
{
	ck_assert_int_eq(parse(""), JREC_EMPTY);
	ck_assert_int_eq(parse(" "), JREC_EMPTY);
	ck_assert_int_eq(parse("\t\r\n "), JREC_EMPTY);
	ck_assert_int_eq(jrec_parse(jr, "   {}", 3), JREC_EMPTY);
}
END_TEST

START_TEST(test_syntax)
{
	static const char *bad[] = {
		"{", "}", "{\"a\":}", "{\"a\"}", "not json", "{'a':1}",
		"{\"a\":1,}", "{a:1}", "{\"a\":01}", "{\"a\":1.}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":tru}",
		"{\"a\":\"unterminated}", "{\"a\":[1,2}", "{\"a\":1]",
		"{\"a\":\"ctl\x01\"}", "{\"a\":NaN}", "{\"a\":-}", "\x01",
		"{} x", "{}}", "{\"a\":1}{\"a\":2}", "{} {}", "{}\n{}",
		"[] {}", "{\"a\":1} 2", "\xef\xbb\xbf{}"
	};
	const char	*e;
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(parse(bad[i]) == JREC_SYNTAX,
		    "%s: not a syntax error", bad[i]);
		e = jrec_error(jr);
		ck_assert_ptr_nonnull(e);
		ck_assert_msg(strlen(e) > 0, "%s: no reason", bad[i]);
		ck_assert_msg(strchr(e, '\n') == NULL, "%s: reason \"%s\"",
		    bad[i], e);
	}
}
END_TEST

START_TEST(test_not_object)
{
	static const char *no[] = {
		"[]", "[1]", "42", "-1.5", "\"s\"", "null", "true", "false",
		" [ {\"a\":1} ] ", "[{\"a\":1},{\"b\":2}]", "\"{}\""
	};
	size_t	 i;

	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(parse(no[i]) == JREC_NOTOBJECT,
		    "%s: not JREC_NOTOBJECT", no[i]);
	/* And an object still parses after them. */
	parse_ok("{\"a\":1}");
	is_num(F_A, "1");
}
END_TEST

/* ---------------------------------------------------------------------
 * Limits.
 */

#define DEEP	10000

START_TEST(test_deep_nesting)
{
	char	*buf;
	size_t	 i, n;

	ck_assert_ptr_nonnull(buf = malloc(8 * DEEP + 64));
	/* Unclosed. */
	memset(buf, '[', DEEP);
	ck_assert_int_eq(jrec_parse(jr, buf, DEEP), JREC_SYNTAX);
	/* Closed: an array, not an object. */
	memset(buf + DEEP, ']', DEEP);
	ck_assert_int_eq(jrec_parse(jr, buf, 2 * DEEP), JREC_NOTOBJECT);
	/* Inside a field's value. */
	n = 0;
	memcpy(buf, "{\"a\":", 5);
	n = 5;
	memset(buf + n, '[', DEEP);
	n += DEEP;
	memset(buf + n, ']', DEEP);
	n += DEEP;
	memcpy(buf + n, ",\"s\":\"after\"}", 13);
	n += 13;
	ck_assert_int_eq(jrec_parse(jr, buf, n), JREC_OK);
	is_type(F_A, JV_COMPLEX);
	is_str(F_S, "after");
	/* Objects: {"w":{"x":{"y":{"z":{"a":{"a":...}}}}}}. */
	n = 0;
	memcpy(buf, "{\"w\":{\"x\":{\"y\":{\"z\":", 20);
	n = 20;
	for (i = 0; i < DEEP; i++) {
		memcpy(buf + n, "{\"a\":", 5);
		n += 5;
	}
	buf[n++] = '1';
	for (i = 0; i < DEEP + 4; i++)
		buf[n++] = '}';
	ck_assert_int_eq(jrec_parse(jr, buf, n), JREC_OK);
	is_type(F_DEEP4, JV_COMPLEX);
	is_type(F_A, JV_ABSENT);
	/* The same, cut short. */
	ck_assert_int_eq(jrec_parse(jr, buf, n - 1), JREC_SYNTAX);
	free(buf);
}
END_TEST

START_TEST(test_long_values)
{
	char	*buf, *want;
	size_t	 n = 1000000, i, len;

	ck_assert_ptr_nonnull(buf = malloc(n + 64));
	ck_assert_ptr_nonnull(want = malloc(3 * n + 1));
	/* A long string of bad bytes grows threefold. */
	len = (size_t)snprintf(buf, 64, "{\"s\":\"");
	memset(buf + len, 0xff, n);
	len += n;
	memcpy(buf + len, "\"}", 2);
	len += 2;
	ck_assert_int_eq(jrec_parse(jr, buf, len), JREC_OK);
	for (i = 0; i < n; i++)
		memcpy(want + 3 * i, "\xef\xbf\xbd", 3);
	is_val(F_S, JV_STRING, want, 3 * n);
	/* A long number. */
	len = (size_t)snprintf(buf, 64, "{\"n\":1");
	memset(buf + len, '7', n);
	len += n;
	buf[len++] = '}';
	ck_assert_int_eq(jrec_parse(jr, buf, len), JREC_OK);
	ck_assert_uint_eq(jrec_get(jr, F_N)->len, n + 1);
	ck_assert(memcmp(jrec_get(jr, F_N)->s, buf + 5, n + 1) == 0);
	free(buf);
	free(want);
}
END_TEST

START_TEST(test_many_members)
{
	char	*buf;
	size_t	 i, n = 0, cap = 8000000;

	ck_assert_ptr_nonnull(buf = malloc(cap));
	buf[n++] = '{';
	for (i = 0; i < 100000; i++)
		n += (size_t)snprintf(buf + n, cap - n,
		    "\"k%zu\":{\"a\":\"%zu\"},\"a\":\"v%zu\",", i, i, i);
	n += (size_t)snprintf(buf + n, cap - n, "\"s\":\"end\"}");
	ck_assert_int_eq(jrec_parse(jr, buf, n), JREC_OK);
	is_str(F_A, "v99999");
	is_str(F_S, "end");
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------------
 * UTF-8.
 */

/* The reference: each byte that does not start a valid sequence. */
static size_t
ref_sanitize(unsigned char *out, const unsigned char *s, size_t len)
{
	size_t	 i = 0, o = 0, n;

	while (i < len) {
		n = s[i] < 0x80 ? 1 : s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;
		if (n <= len - i && valid_utf8(s + i, n) &&
		    (n == 1 || s[i] >= 0xC0)) {
			memcpy(out + o, s + i, n);
			o += n;
			i += n;
		} else {
			memcpy(out + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
		}
	}
	return o;
}

/* Sanitize len bytes at in and compare with want; guard the buffer. */
static void
san_is(const char *in, size_t len, const char *want, size_t wlen)
{
	char	*out;
	size_t	 n, i;

	ck_assert_ptr_nonnull(out = malloc(3 * len + 16));
	memset(out, 0x5a, 3 * len + 16);
	n = utf8_sanitize(out, in, len);
	ck_assert_uint_le(n, 3 * len);
	for (i = n; i < 3 * len + 16; i++)
		ck_assert_msg((unsigned char)out[i] == 0x5a,
		    "wrote byte %zu of %zu", i, n);
	ck_assert_msg(n == wlen && memcmp(out, want, n) == 0,
	    "sanitized %zu bytes into %zu, not %zu", len, n, wlen);
	free(out);
}

#define FFFD	"\xef\xbf\xbd"
#define SAN(in, want)	san_is(in, sizeof(in) - 1, want, sizeof(want) - 1)

START_TEST(test_sanitize_valid)
{
	SAN("", "");
	SAN("plain ASCII\t~", "plain ASCII\t~");
	SAN("a\0b", "a\0b");
	SAN("\x7f", "\x7f");
	SAN("\xc2\x80", "\xc2\x80");			/* U+0080 */
	SAN("\xdf\xbf", "\xdf\xbf");			/* U+07FF */
	SAN("\xe0\xa0\x80", "\xe0\xa0\x80");		/* U+0800 */
	SAN("\xed\x9f\xbf", "\xed\x9f\xbf");		/* U+D7FF */
	SAN("\xee\x80\x80", "\xee\x80\x80");		/* U+E000 */
	SAN("\xef\xbf\xbd", "\xef\xbf\xbd");		/* U+FFFD */
	SAN("\xef\xbf\xbf", "\xef\xbf\xbf");		/* U+FFFF */
	SAN("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");	/* U+10000 */
	SAN("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
	SAN("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");	/* U+10FFFF */
	SAN("caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac");
}
END_TEST

START_TEST(test_sanitize_invalid)
{
	/* Overlong forms. */
	SAN("\xc0\x80", FFFD FFFD);
	SAN("\xc1\xbf", FFFD FFFD);
	SAN("\xe0\x80\x80", FFFD FFFD FFFD);
	SAN("\xe0\x9f\xbf", FFFD FFFD FFFD);
	SAN("\xf0\x80\x80\x80", FFFD FFFD FFFD FFFD);
	SAN("\xf0\x8f\xbf\xbf", FFFD FFFD FFFD FFFD);
	/* Surrogates. */
	SAN("\xed\xa0\x80", FFFD FFFD FFFD);
	SAN("\xed\xbf\xbf", FFFD FFFD FFFD);
	SAN("\xed\xa0\xbd\xed\xb8\x80", FFFD FFFD FFFD FFFD FFFD FFFD);
	/* Beyond U+10FFFF, and bytes that never occur. */
	SAN("\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD);
	SAN("\xf5\x80\x80\x80", FFFD FFFD FFFD FFFD);
	SAN("\xf8\x88\x80\x80\x80", FFFD FFFD FFFD FFFD FFFD);
	SAN("\xfe\xff", FFFD FFFD);
	/* Truncated at the end. */
	SAN("\xc3", FFFD);
	SAN("a\xe2\x82", "a" FFFD FFFD);
	SAN("\xf0\x9f\x98", FFFD FFFD FFFD);
	SAN("\xf4", FFFD);
	/* Truncated in the middle. */
	SAN("\xe2\x82" "A", FFFD FFFD "A");
	SAN("\xf0\x9f\x98" "\xc3\xa9", FFFD FFFD FFFD "\xc3\xa9");
	SAN("\xc3\xc3\xa9", FFFD "\xc3\xa9");
	/* Lone continuation bytes. */
	SAN("\x80", FFFD);
	SAN("\xbf", FFFD);
	SAN("a\x80\x80z", "a" FFFD FFFD "z");
	SAN("\xc3\xa9\xa9", "\xc3\xa9" FFFD);
}
END_TEST

/*
 * Every string of up to two bytes, every three-byte string that starts
 * with a three- or four-byte lead (or worse), and four-byte strings that
 * start with a four-byte lead, any second byte, and edge bytes after.
 */
START_TEST(test_sanitize_exhaustive)
{
	static const unsigned char edge[] = {
		0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0,
		0xff
	};
	unsigned char	 in[4], out[12], ref[12];
	size_t		 n, r, c, d;
	unsigned	 a, b;

	for (a = 0; a < 256; a++) {
		in[0] = (unsigned char)a;
		n = utf8_sanitize((char *)out, (char *)in, 1);
		r = ref_sanitize(ref, in, 1);
		ck_assert_msg(n == r && memcmp(out, ref, n) == 0, "%02x", a);
		for (b = 0; b < 256; b++) {
			in[1] = (unsigned char)b;
			n = utf8_sanitize((char *)out, (char *)in, 2);
			r = ref_sanitize(ref, in, 2);
			ck_assert_msg(n == r && memcmp(out, ref, n) == 0,
			    "%02x %02x", a, b);
		}
	}
	for (a = 0xE0; a < 0x100; a++)
		for (b = 0; b < 256; b++)
			for (c = 0; c < 256; c++) {
				in[0] = (unsigned char)a;
				in[1] = (unsigned char)b;
				in[2] = (unsigned char)c;
				n = utf8_sanitize((char *)out, (char *)in, 3);
				r = ref_sanitize(ref, in, 3);
				if (n != r || memcmp(out, ref, n) != 0)
					ck_abort_msg("%02x %02x %02zx", a, b, c);
			}
	for (a = 0xF0; a < 0x100; a++)
		for (b = 0; b < 256; b++)
			for (c = 0; c < sizeof(edge); c++)
				for (d = 0; d < sizeof(edge); d++) {
					in[0] = (unsigned char)a;
					in[1] = (unsigned char)b;
					in[2] = edge[c];
					in[3] = edge[d];
					n = utf8_sanitize((char *)out,
					    (char *)in, 4);
					r = ref_sanitize(ref, in, 4);
					if (n != r || memcmp(out, ref, n) != 0)
						ck_abort_msg("%02x %02x %02x "
						    "%02x", a, b, in[2], in[3]);
				}
}
END_TEST

/* A xorshift step: the tests' random numbers. */
static void
next_random(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
}

/*
 * 1 when utf8_sanitize() gives for the len bytes at in (at most 48) what
 * the reference gives; its output must be valid UTF-8 either way.
 */
static int
sanitized_as_ref(const unsigned char *in, size_t len)
{
	unsigned char	 out[144], ref[144];
	size_t		 n, r;

	ck_assert_uint_le(len, 48);
	n = utf8_sanitize((char *)out, (const char *)in, len);
	r = ref_sanitize(ref, in, len);
	ck_assert(valid_utf8(out, n));
	return n == r && memcmp(out, ref, n) == 0;
}

/* Random strings from an alphabet rich in edge bytes. */
START_TEST(test_sanitize_random)
{
	static const unsigned char alpha[] = {
		0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0,
		0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, 0xf0,
		0xf1, 0xf3, 0xf4, 0xf5, 0xff
	};
	unsigned char	 in[16];
	uint64_t	 x = 88172645463325252ULL;
	size_t		 len, i;
	int		 k;

	for (k = 0; k < TEST_ROUNDS(300000); k++) {
		next_random(&x);
		len = x % sizeof(in);
		for (i = 0; i < len; i++)
			in[i] = alpha[(x >> (4 + i * 3)) % sizeof(alpha)];
		ck_assert_msg(sanitized_as_ref(in, len), "random string %d "
		    "differs", k);
	}
}
END_TEST

/*
 * Long strings, mostly ASCII with other bytes among them at every
 * place, so that runs of eight ASCII bytes (copied a word at a time) meet
 * sequences, valid or not, at every alignment.
 */
START_TEST(test_sanitize_ascii_runs)
{
	static const unsigned char other[] = {
		0x80, 0xbf, 0xc2, 0xc3, 0xa9, 0xdf, 0xe0, 0xe2, 0x82, 0xac,
		0xed, 0xef, 0xf0, 0x9f, 0x98, 0x80, 0xf4, 0xff
	};
	unsigned char	 in[48];
	uint64_t	 x = 0x9E3779B97F4A7C15ULL;
	size_t		 len, i;
	int		 k;

	for (k = 0; k < TEST_ROUNDS(200000); k++) {
		next_random(&x);
		len = x % sizeof(in);
		for (i = 0; i < len; i++) {
			next_random(&x);
			in[i] = x % 8 != 0 ? (unsigned char)(x >> 8 & 0x7f) :
			    other[(x >> 8) % sizeof(other)];
		}
		ck_assert_msg(sanitized_as_ref(in, len), "string %d (%zu "
		    "bytes) differs", k, len);
	}
	/* A sequence across the eighth byte, and a bad byte there. */
	SAN("abcdefg\xc3\xa9hijklmnop", "abcdefg\xc3\xa9hijklmnop");
	SAN("abcdefg\xe2\x82\xacxyz", "abcdefg\xe2\x82\xacxyz");
	SAN("abcdefgh\xff" "abcdefgh", "abcdefgh" FFFD "abcdefgh");
	SAN("abcdefghijklmno\xc3", "abcdefghijklmno" FFFD);
}
END_TEST

/* Records of a stream, for test_stream_bom: the values of "a". */
static int
collect_a(void *arg, struct jrec *r)
{
	char	*out = arg;
	const struct jval *v = jrec_get(r, F_A);

	if (v->type == JV_STRING)
		strncat(out, v->s, v->len);
	return 0;
}

/*
 * A byte-order mark at the start of a stream is skipped, and counted in
 * the offset of an error; one anywhere else is a syntax error.
 */
START_TEST(test_stream_bom)
{
	char	 got[64] = "";

	jrec_stream_begin(jr, collect_a, got);
	ck_assert_int_eq(jrec_stream_feed(jr, "\xef\xbb\xbf[{\"a\":\"x\"},",
	    14), JREC_OK);
	ck_assert_int_eq(jrec_stream_feed(jr, "{\"a\":\"y\"}]", 10), JREC_OK);
	ck_assert_int_eq(jrec_stream_end(jr), JREC_OK);
	ck_assert_str_eq(got, "xy");

	jrec_stream_begin(jr, collect_a, got);
	ck_assert_int_eq(jrec_stream_feed(jr, "\xef\xbb\xbf[1,}", 7),
	    JREC_SYNTAX);
	ck_assert_uint_ge(jrec_error_offset(jr), 6);	/* Past "[1,". */

	jrec_stream_begin(jr, collect_a, got);
	ck_assert_int_eq(jrec_stream_feed(jr, "[]", 2), JREC_OK);
	ck_assert_int_eq(jrec_stream_feed(jr, "\xef\xbb\xbf", 3),
	    JREC_SYNTAX);
}
END_TEST

/* ---------------------------------------------------------------------
 * The flat pass against yajl: lines of flat objects and random mutations
 * of them (quotes, escapes, brackets, bad literals and numbers, control
 * and high bytes, duplicate members, container names, dynamic columns)
 * must give the same records with jrec_parse_flat as with
 * jrec_parse_records, whenever the flat pass takes them.
 */

struct flatgot {
	unsigned char	 buf[8192];	/* The records' values, as bytes. */
	size_t		 len;
	int		 n;
};

static int
flat_collect(void *arg, struct jrec *r)
{
	struct flatgot *g = arg;
	size_t	 f;

	for (f = 0; f < NF; f++) {
		const struct jval *v = jrec_get(r, f);
		size_t	 need = 3 + sizeof(v->len) + (v->s ? v->len : 0);

		ck_assert_uint_lt(g->len + need, sizeof(g->buf));
		g->buf[g->len++] = (unsigned char)v->type;
		g->buf[g->len++] = (unsigned char)(v->type == JV_BOOL ? v->b :
		    0);
		g->buf[g->len++] = '|';
		if (v->type == JV_STRING || v->type == JV_NUMBER) {
			memcpy(g->buf + g->len, &v->len, sizeof(v->len));
			g->len += sizeof(v->len);
			memcpy(g->buf + g->len, v->s, v->len);
			g->len += v->len;
		}
	}
	g->n++;
	return 0;
}

/* 1 when the flat pass took line, and then that yajl agrees. */
static int
flat_vs_yajl(const char *line, size_t len)
{
	static struct flatgot a, b;
	int	 rc;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	rc = jrec_parse_flat(jr, line, len, flat_collect, &a);
	if (rc == -1)
		return 0;
	ck_assert_int_eq(rc, JREC_OK);
	ck_assert_int_eq(a.n, 1);
	ck_assert_msg(jrec_parse_records(jr, line, len, flat_collect, &b) ==
	    JREC_OK, "flat took %.*s, yajl says %s", (int)len, line,
	    jrec_error(jr));
	ck_assert_msg(b.n == 1 && jrec_nonobjects(jr) == 0,
	    "flat took %.*s: yajl %d records", (int)len, line, b.n);
	ck_assert_msg(a.len == b.len && memcmp(a.buf, b.buf, a.len) == 0,
	    "flat and yajl differ on %.*s", (int)len, line);
	return 1;
}

START_TEST(test_flat_vs_yajl)
{
	static const char *const base[] = {
		"{\"a\":\"x\",\"b\":true,\"n\":12.5e-3,\"s\":\"\",\"o\":null}",
		" {\"a\" : \"x y\" ,\t\"n\":-0, \"b\":false }\r\n",
		"{\"a\":\"1\",\"a\":\"2\",\"b\":\"\xc3\xa9\xff\"}",
		"{\"clientInfo\":\"c\",\"properties\":\"{\\\"x\\\":1}\"}",
		"{\"properties\":\"{ }\",\"clientInfo\":7,\"\":\"e\"}",
		"{\"identity\":\"{\\\"claim\\\":{\\\"appid\\\":\\\"q\\\"}}\"}",
		"{\"records\":\"r\",\"value\":3,\"tables\":null,\"a\":\"v\"}",
		"{}",
		"{\"w\":\"x\",\"n\":0,\"s\":\"s\\\"\",\"o\":[1],\"a\":{}}",
		("{\"TimeGenerated\":\"2025-01-05T08:42:03Z\",\"n\":76,"
		    "\"Active\":true,\"a\":\"18.97.102.69\"}"),
		("{\"a\":\"a value long enough to span words\",\"s\":"
		    "\"0123456789abcdefghijklmnop\",\"TimeGenerated\":1}")
	};
	static const char alpha[] = "\"\\{}[],: \t\n0123456789-+.eEtrufalsn"
	    "x\x01\x7f\x80\xc3";
	static const char *const conts[] = { "records", "value", "tables",
	    NULL };
	const char *const *names[] = { NULL, conts };
	char	 line[512];
	size_t	 i, k, len;
	uint64_t r = 0x9E3779B97F4A7C15ULL;
	int	 took = 0, tried = 0, nm, j, m;

	for (nm = 0; nm < 2; nm++) {
		jrec_set_containers(jr, names[nm]);
		/* Each flat base line is taken (the ones with escapes or
		   nesting are not). */
		for (i = 0; i < sizeof(base) / sizeof(base[0]); i++) {
			len = strlen(base[i]);
			ck_assert_int_eq(flat_vs_yajl(base[i], len),
			    strchr(base[i], '\\') == NULL &&
			    strstr(base[i], "[1]") == NULL);
		}
		for (j = 0; j < 40000; j++) {
			i = (size_t)(j % (int)(sizeof(base) / sizeof(base[0])));
			len = strlen(base[i]);
			memcpy(line, base[i], len);
			for (m = 0; m < 1 + j % 3; m++) {
				r = r * 6364136223846793005ULL +
				    1442695040888963407ULL;
				k = len > 0 ? (size_t)(r >> 33) % len : 0;
				switch ((r >> 20) % 3) {
				case 0:		/* Replace a byte. */
					if (len > 0)
						line[k] = alpha[(r >> 40) %
						    (sizeof(alpha) - 1)];
					break;
				case 1:		/* Delete one. */
					if (len > 0) {
						memmove(line + k, line + k + 1,
						    len - k - 1);
						len--;
					}
					break;
				default:	/* Insert one. */
					if (len + 1 < sizeof(line)) {
						memmove(line + k + 1, line + k,
						    len - k);
						line[k] = alpha[(r >> 40) %
						    (sizeof(alpha) - 1)];
						len++;
					}
				}
			}
			tried++;
			took += flat_vs_yajl(line, len);
		}
	}
	/* The mutations leave many lines flat and make many not. */
	ck_assert_int_gt(took, tried / 10);
	ck_assert_int_lt(took, tried - tried / 10);
}
END_TEST

/* ---------------------------------------------------------------------
 * Shapes: containers named by the caller, the query API's tables, and
 * JSON text in strings.  Each text is read on one line and as a stream
 * fed in pieces of every size from 1 to 31 bytes; both must give the
 * same records, in the same order, and the same bad records.
 */

static const char *const names_all[] = { "records", "value", "tables",
    NULL };
static const char *const names_value[] = { "value", NULL };

/* Short names of the fields, for describe(). */
static const char *const fname[NF] = { "a", "b", "n", "s", "o",
    "properties.clientInfo", "identity.claim.appid", "properties",
    "clientInfo", "w.x.y.z", "\"\"" };

/* Append the fields of the current record to out: "a=$x n=#1;". */
static void
describe(const struct jrec *r, char *out, size_t cap)
{
	size_t	 f, n = strlen(out);

	for (f = 0; f < NF && n < cap; f++) {
		const struct jval *v = jrec_get(r, f);

		switch (v->type) {
		case JV_ABSENT:
			continue;
		case JV_NULL:
			n += (size_t)snprintf(out + n, cap - n, "%s=N ",
			    fname[f]);
			break;
		case JV_BOOL:
			n += (size_t)snprintf(out + n, cap - n, "%s=%s ",
			    fname[f], v->b ? "T" : "F");
			break;
		case JV_COMPLEX:
			n += (size_t)snprintf(out + n, cap - n, "%s=C ",
			    fname[f]);
			break;
		case JV_NUMBER:
		case JV_STRING:
			n += (size_t)snprintf(out + n, cap - n, "%s=%c%.*s ",
			    fname[f], v->type == JV_NUMBER ? '#' : '$',
			    (int)v->len, v->s);
			break;
		}
	}
	if (n < cap)
		snprintf(out + n, cap - n, ";");
}

struct got {
	char	 text[4096];	/* The records, described. */
	uint64_t pos[16];	/* Stream positions during each call. */
	size_t	 n;
};

static int
collect(void *arg, struct jrec *r)
{
	struct got *g = arg;

	describe(r, g->text, sizeof(g->text));
	if (g->n < 16)
		g->pos[g->n] = jrec_stream_position(r);
	g->n++;
	return 0;
}

/*
 * Read text with jrec_parse_records and as a stream in pieces of 1 to
 * 31 bytes; check that each gives want (the records described), the
 * status st (of the line; a stream's end is JREC_OK unless it is
 * JREC_SYNTAX), nbad bad records and, when why is not NULL, that reason.
 */
static void
shape(const char *text, enum jrec_status st, const char *want,
    uint64_t nbad, const char *why)
{
	struct got g;
	enum jrec_status s;
	size_t	 len = strlen(text), n, i;

	memset(&g, 0, sizeof(g));
	s = jrec_parse_records(jr, text, len, collect, &g);
	ck_assert_msg(s == st, "%s: status %d, want %d (%s)", text, (int)s,
	    (int)st, jrec_error(jr));
	ck_assert_msg(strcmp(g.text, want) == 0, "%s:\n got  %s\n want %s",
	    text, g.text, want);
	ck_assert_msg(jrec_nonobjects(jr) == nbad, "%s: %llu bad, want %llu",
	    text, (unsigned long long)jrec_nonobjects(jr),
	    (unsigned long long)nbad);
	if (why != NULL)
		ck_assert_str_eq(jrec_bad_reason(jr), why);
	for (n = 1; n <= 31; n++) {
		memset(&g, 0, sizeof(g));
		jrec_stream_begin(jr, collect, &g);
		s = JREC_OK;
		for (i = 0; i < len && s == JREC_OK; i += n)
			s = jrec_stream_feed(jr, text + i,
			    len - i < n ? len - i : n);
		if (s == JREC_OK)
			s = jrec_stream_end(jr);
		ck_assert_msg(s == (st == JREC_SYNTAX ? JREC_SYNTAX : JREC_OK),
		    "%s in pieces of %zu: status %d", text, n, (int)s);
		ck_assert_msg(strcmp(g.text, want) == 0, "%s in pieces of "
		    "%zu:\n got  %s\n want %s", text, n, g.text, want);
		ck_assert_uint_eq(jrec_nonobjects(jr), nbad);
		if (why != NULL)
			ck_assert_str_eq(jrec_bad_reason(jr), why);
		/* The last record handed over ends where the stream says. */
		if (g.n > 0 && g.n <= 16)
			ck_assert_uint_eq(jrec_stream_handled(jr),
			    g.pos[g.n - 1]);
		else if (g.n == 0)
			ck_assert_uint_eq(jrec_stream_handled(jr), 0);
	}
}

/* The containers are the caller's: none by default, "value" when named. */
START_TEST(test_containers_named)
{
	shape("{\"value\":[{\"a\":1},{\"a\":2}]}", JREC_OK, ";", 0, "");
	shape("{\"records\":[{\"a\":1}],\"b\":2}", JREC_OK, "b=#2 ;", 0, "");
	jrec_set_containers(jr, names_value);
	shape("{\"value\":[{\"a\":1},{\"a\":2}]}", JREC_OK, "a=#1 ;a=#2 ;",
	    0, "");
	shape("{\"records\":[{\"a\":1}],\"b\":2}", JREC_OK, "b=#2 ;", 0, "");
	shape("{\"b\":true,\"value\":[{\"a\":1}],\"nextLink\":\"u\"}",
	    JREC_OK, "a=#1 ;", 0, "");
	shape("{\"value\":[]}", JREC_OK, "", 0, "");
	shape(" { \"value\" : [ ] } \r\n", JREC_OK, "", 0, "");
	/* Not an array: an ordinary member.  Other values: passed over. */
	shape("{\"value\":\"x\",\"a\":1}", JREC_OK, "a=#1 ;", 0, "");
	shape("{\"value\":[1,\"x\",[{\"a\":0}],{\"a\":3}]}", JREC_OK,
	    "a=#3 ;", 0, "");
	/* Only a top-level member is a container. */
	shape("{\"o\":{\"value\":[{\"a\":1}]},\"a\":2}", JREC_OK,
	    "a=#2 o=C ;", 0, "");
	/* A plain array, as az monitor log-analytics query prints it. */
	shape("[{\"a\":\"x\",\"n\":1},\n {\"a\":null,\"b\":false}]\n", JREC_OK,
	    "a=$x n=#1 ;a=N b=F ;", 0, "");
	shape("[{\"a\":1},2]", JREC_OK, "a=#1 ;", 1, "not a JSON object");
	/* "tables" is a container only when named. */
	shape("{\"tables\":[{\"columns\":[{\"name\":\"a\"}],\"rows\":[[1]]}]}",
	    JREC_OK, ";", 0, "");
	jrec_set_containers(jr, NULL);
	shape("{\"value\":[{\"a\":1}]}", JREC_OK, ";", 0, "");
}
END_TEST

/* The documented example of the Log Analytics API's response format. */
#define LA_DOC "{\n  \"tables\": [\n    {\n      \"name\": \"PrimaryResult\",\n" \
	"      \"columns\": [\n        {\n          \"name\": \"a\",\n" \
	"          \"type\": \"string\"\n        },\n        {\n" \
	"          \"name\": \"n\",\n          \"type\": \"long\"\n" \
	"        }\n      ],\n      \"rows\": [\n        [\n" \
	"          \"Administrative\",\n          20839\n        ],\n" \
	"        [\n          \"Alert\",\n          64\n        ]\n" \
	"      ]\n    }\n  ]\n}\n"

START_TEST(test_tables)
{
	jrec_set_containers(jr, names_all);
	shape(LA_DOC, JREC_OK, "a=$Administrative n=#20839 ;a=$Alert n=#64 ;",
	    0, "");
	/* Cells keep their JSON types; columns not in the table: absent. */
	shape("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":["
	    "{\"name\":\"s\",\"type\":\"string\"},{\"name\":\"b\",\"type\":"
	    "\"bool\"},{\"name\":\"x\",\"type\":\"string\"},{\"name\":\"o\","
	    "\"type\":\"dynamic\"},{\"name\":\"n\",\"type\":\"real\"},"
	    "{\"name\":\"properties\",\"type\":\"dynamic\"}],\"rows\":["
	    "[\"v\",true,\"unused\",{\"k\":[1]},1.50,{\"clientInfo\":\"ci\"}],"
	    "[null,false,null,[],null,null],"
	    "[\"w\\u00e9\",null,1,\"text\",-0,\"{\\\"clientInfo\\\":\\\"j\\\"}\"]"
	    "]}]}", JREC_OK,
	    "b=T n=#1.50 s=$v o=C properties.clientInfo=$ci properties=C ;"
	    "b=F n=N s=N o=C properties=N ;"
	    "b=N n=#-0 s=$w\xc3\xa9 o=$text properties.clientInfo=$j "
	    "properties=${\"clientInfo\":\"j\"} ;", 0, "");
	/* Several tables, each with its own columns; other members. */
	shape("{\"tables\":[{\"name\":\"t1\",\"columns\":[{\"name\":\"a\","
	    "\"type\":\"string\"}],\"rows\":[[\"x\"],[\"y\"]]},"
	    "{\"rows\":[],\"columns\":[{\"type\":\"long\",\"name\":\"n\"},"
	    "{\"name\":\"a\"}],\"name\":\"t2\"},"
	    "{\"name\":\"t3\",\"columns\":[{\"name\":\"s\"},{\"name\":\"b\"}],"
	    "\"rows\":[[\"z\",1]]}],\"statistics\":{\"query\":{}},"
	    "\"render\":{\"a\":1}}", JREC_OK, "a=$x ;a=$y ;b=#1 s=$z ;", 0, "");
	/* Empty answers. */
	shape("{\"tables\":[]}", JREC_OK, "", 0, "");
	shape("{\"tables\":[{\"name\":\"PrimaryResult\",\"columns\":[],"
	    "\"rows\":[]}]}", JREC_OK, "", 0, "");
	/* A row of no cells under no columns is an empty record. */
	shape("{\"tables\":[{\"columns\":[],\"rows\":[[]]}]}", JREC_OK, ";",
	    0, "");
	/* The same column twice: the last cell counts, as members do. */
	shape("{\"tables\":[{\"columns\":[{\"name\":\"a\"},{\"name\":\"a\"}],"
	    "\"rows\":[[1,2]]}]}", JREC_OK, "a=#2 ;", 0, "");
	/* A field inside a cell's object, and a list of nested arrays. */
	shape("{\"tables\":[{\"columns\":[{\"name\":\"identity\"},"
	    "{\"name\":\"w\"}],\"rows\":[[{\"claim\":{\"appid\":\"p\"}},"
	    "{\"x\":{\"y\":{\"z\":[0]}}}]]}]}", JREC_OK,
	    "identity.claim.appid=$p w.x.y.z=C ;", 0, "");
	/* Not "tables" at the top: an ordinary record. */
	shape("{\"o\":{\"tables\":[]},\"a\":1}", JREC_OK, "a=#1 o=C ;", 0, "");
	shape("{\"tables\":{\"columns\":[]},\"a\":1}", JREC_OK, "a=#1 ;", 0,
	    "");
	/* An answer in a top-level array: its table is not an object. */
	shape("[{\"a\":1},{\"tables\":[1]}]", JREC_OK, "a=#1 ;", 1,
	    "a table is not a JSON object");
}
END_TEST

/*
 * An envelope one level down (an object in a top-level array, or in an
 * envelope's array, with a container member holding an array) holds
 * records: its container's elements are handed over, not it.  One level
 * further down, a container member is an ordinary member.
 */
START_TEST(test_envelopes_nested)
{
	jrec_set_containers(jr, names_all);
	/* In a top-level array, beside plain records. */
	shape("[{\"records\":[{\"a\":1},{\"a\":2}]},{\"a\":3},"
	    "{\"value\":[{\"a\":4}]}]", JREC_OK, "a=#1 ;a=#2 ;a=#3 ;a=#4 ;",
	    0, "");
	shape("[\n{\"records\":[{\"a\":1},{\"a\":2}]},\n"
	    "{\"records\":[{\"a\":3}]}\n]\n", JREC_OK,
	    "a=#1 ;a=#2 ;a=#3 ;", 0, "");
	/* In an envelope's array. */
	shape("{\"records\":[{\"a\":1},{\"records\":[{\"a\":2},{\"a\":3}]},"
	    "{\"a\":4}]}", JREC_OK, "a=#1 ;a=#2 ;a=#3 ;a=#4 ;", 0, "");
	shape("{\"value\":[{\"records\":[{\"a\":1}]},{\"value\":[{\"a\":2}]}"
	    "]}", JREC_OK, "a=#1 ;a=#2 ;", 0, "");
	/* The envelope's other members are no record, before or after. */
	shape("[{\"b\":true,\"o\":{\"records\":[{\"a\":8}]},\"records\":"
	    "[{\"a\":1}],\"n\":5,\"o\":{\"a\":9},\"value\":[{\"a\":7}]},"
	    "{\"a\":2}]", JREC_OK, "a=#1 ;a=#2 ;", 0, "");
	/* A name with an escape is the name. */
	shape("[{\"recor\\u0064s\":[{\"a\":1}]}]", JREC_OK, "a=#1 ;", 0,
	    "");
	/* Bounded: two levels down, a container member is just a member. */
	shape("[{\"records\":[{\"records\":[{\"a\":1}],\"a\":2}]}]",
	    JREC_OK, "a=#2 ;", 0, "");
	shape("{\"records\":[{\"value\":[{\"value\":[{\"a\":1}],\"a\":2},"
	    "{\"a\":3}]},{\"a\":4}]}", JREC_OK, "a=#2 ;a=#3 ;a=#4 ;", 0, "");
	/* A query API answer inside. */
	shape("[{\"tables\":[{\"columns\":[{\"name\":\"a\"}],\"rows\":"
	    "[[1],[2]]}]},{\"a\":3}]", JREC_OK, "a=#1 ;a=#2 ;a=#3 ;", 0, "");
	shape("{\"value\":[{\"tables\":[{\"columns\":[{\"name\":\"a\"}],"
	    "\"rows\":[[1],[2,3]]}]},{\"a\":4}]}", JREC_OK, "a=#1 ;a=#4 ;",
	    1, "row 2 of table 1: 2 cells for 1 column");
	/* Bad values inside: passed over, as in a top envelope's array. */
	shape("[{\"records\":[1,\"x\",null,[{\"a\":0}],{\"a\":1}]},2]",
	    JREC_OK, "a=#1 ;", 1, "not a JSON object");
	shape("[{\"records\":[1,2]}]", JREC_OK, "", 0, "");
	shape("{\"records\":[{\"records\":[]},{\"value\":[true]}]}",
	    JREC_OK, "", 0, "");
	/* A container member that is not an array: an ordinary record. */
	shape("[{\"records\":5,\"a\":1},{\"records\":{\"a\":2}}]",
	    JREC_OK, "a=#1 ;;", 0, "");
	shape("{\"records\":[{\"value\":\"x\",\"a\":1}]}", JREC_OK,
	    "a=#1 ;", 0, "");
	/* Broken: the records before the error were handed over. */
	shape("[{\"records\":[{\"a\":1},{\"a\":2},", JREC_SYNTAX,
	    "a=#1 ;a=#2 ;", 0, NULL);
	shape("[\n{\"records\":[{\"a\":1},{\"a\":2}]}\n"
	    "{\"records\":[{\"a\":3}]}\n", JREC_SYNTAX, "a=#1 ;a=#2 ;", 0,
	    NULL);
	shape("{\"records\":[\n{\"records\":[{\"a\":1}]}\n"
	    "{\"records\":[{\"a\":2}]}\n", JREC_SYNTAX, "a=#1 ;", 0, NULL);
	shape("{\"value\":[\n{\"records\":[{\"a\":1},{\"a\":2}]}\n",
	    JREC_SYNTAX, "a=#1 ;a=#2 ;", 0, NULL);
	/* Containers not named: the object is the record. */
	jrec_set_containers(jr, NULL);
	shape("[{\"records\":[{\"a\":1}],\"a\":2}]", JREC_OK, "a=#2 ;", 0,
	    "");
}
END_TEST

/*
 * In a stream: past each record of an envelope in an array, handled
 * moves on; the texts after it are read as at the start.
 */
START_TEST(test_stream_envelopes_nested)
{
	static const char t[] = "[\n{\"records\":[{\"a\":1},{\"a\":2}]}\n"
	    "{\"records\":[{\"a\":3}]}\n";
	static const char u[] = "[{\"value\":[{\"a\":1}]},{\"a\":2}]\n"
	    "{\"records\":[{\"a\":3},{\"records\":[{\"a\":4}]}]}\n"
	    "{\"value\":[{\"a\":5}],\"a\":6}\n";
	struct got g;

	jrec_set_containers(jr, names_all);
	memset(&g, 0, sizeof(g));
	jrec_stream_begin(jr, collect, &g);
	ck_assert_int_eq(jrec_stream_feed(jr, t, sizeof(t) - 1), JREC_SYNTAX);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(jrec_stream_handled(jr),
	    strstr(t, "{\"a\":2}") + 7 - t);
	ck_assert_uint_eq(jrec_nonobjects(jr), 0);

	memset(&g, 0, sizeof(g));
	jrec_stream_begin(jr, collect, &g);
	ck_assert_int_eq(jrec_stream_feed(jr, u, sizeof(u) - 1), JREC_OK);
	ck_assert_int_eq(jrec_stream_end(jr), JREC_OK);
	ck_assert_str_eq(g.text, "a=#1 ;a=#2 ;a=#3 ;a=#4 ;a=#5 ;");
	ck_assert_uint_eq(g.pos[3], strstr(u, "{\"a\":4}") + 7 - u);
	ck_assert_uint_eq(jrec_stream_handled(jr),
	    strstr(u, "{\"a\":5}") + 7 - u);
}
END_TEST

/* Rows that cannot be read are bad records; the others are read. */
START_TEST(test_tables_bad)
{
	jrec_set_containers(jr, names_all);
	shape("{\"tables\":[{\"columns\":[{\"name\":\"a\"},{\"name\":\"n\"}],"
	    "\"rows\":[[1,2],[3],[4,5,6],[7,8]]}]}", JREC_OK,
	    "a=#1 n=#2 ;a=#7 n=#8 ;", 2,
	    "row 2 of table 1: 1 cell for 2 columns");
	shape("{\"tables\":[{\"columns\":[{\"name\":\"a\"}],\"rows\":[[1]]},"
	    "{\"columns\":[{\"name\":\"a\"}],\"rows\":[[1],[{\"a\":2},3]]}]}",
	    JREC_OK, "a=#1 ;a=#1 ;", 1,
	    "row 2 of table 2: 2 cells for 1 column");
	/* Rows before the columns: not guessed. */
	shape("{\"tables\":[{\"rows\":[[1],[2]],\"columns\":[{\"name\":"
	    "\"a\"}]}]}", JREC_NOTOBJECT, "", 2,
	    "row 1 of table 1: comes before the table's columns");
	shape("{\"tables\":[{\"rows\":[[1]]}]}", JREC_NOTOBJECT, "", 1, NULL);
	/* Columns that are not named objects. */
	shape("{\"tables\":[{\"columns\":[{\"name\":\"a\"},{\"type\":"
	    "\"long\"}],\"rows\":[[1,2]]}]}", JREC_NOTOBJECT, "", 1,
	    "row 1 of table 1: the table's columns are not an array of "
	    "named objects");
	shape("{\"tables\":[{\"columns\":[{\"name\":1}],\"rows\":[[1]]}]}",
	    JREC_NOTOBJECT, "", 1, NULL);
	shape("{\"tables\":[{\"columns\":[\"a\"],\"rows\":[[1]]}]}",
	    JREC_NOTOBJECT, "", 1, NULL);
	shape("{\"tables\":[{\"columns\":{\"name\":\"a\"},\"rows\":[[1]]}]}",
	    JREC_NOTOBJECT, "", 1, NULL);
	/* A row that is not an array; a table that is not an object. */
	shape("{\"tables\":[{\"columns\":[{\"name\":\"a\"}],\"rows\":["
	    "{\"a\":1},\"x\",[2]]}]}", JREC_OK, "a=#2 ;", 2,
	    "row 1 of table 1: not an array");
	shape("{\"tables\":[1,{\"columns\":[{\"name\":\"a\"}],\"rows\":[[3]]}]}",
	    JREC_OK, "a=#3 ;", 1, "a table is not a JSON object");
	/* A syntax error: the rows before it were handed over. */
	shape("{\"tables\":[{\"columns\":[{\"name\":\"a\"}],\"rows\":[[1],[2],",
	    JREC_SYNTAX, "a=#1 ;a=#2 ;", 0, NULL);
}
END_TEST

/* Many columns: the first JREC_MAXCOLUMNS are read, more make it bad. */
START_TEST(test_tables_many_columns)
{
	size_t	 cap = 64 * (JREC_MAXCOLUMNS + 2), n = 0, i;
	char	*t = malloc(cap);
	struct got g;

	ck_assert_ptr_nonnull(t);
	jrec_set_containers(jr, names_all);
	n += (size_t)snprintf(t + n, cap - n, "{\"tables\":[{\"columns\":[");
	for (i = 0; i < JREC_MAXCOLUMNS + 1; i++)
		n += (size_t)snprintf(t + n, cap - n, "%s{\"name\":\"c%zu\"}",
		    i ? "," : "", i);
	n += (size_t)snprintf(t + n, cap - n, "],\"rows\":[[");
	for (i = 0; i < JREC_MAXCOLUMNS + 1; i++)
		n += (size_t)snprintf(t + n, cap - n, "%s1", i ? "," : "");
	n += (size_t)snprintf(t + n, cap - n, "]]}]}");
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(jrec_parse_records(jr, t, n, collect, &g),
	    JREC_NOTOBJECT);
	ck_assert_uint_eq(jrec_nonobjects(jr), 1);
	free(t);
}
END_TEST

/* Dynamic columns written as JSON text in a string. */
START_TEST(test_json_text)
{
	/* Read where a field's path goes on; the string stays the value. */
	parse_ok("{\"properties\":\"{\\\"clientInfo\\\":\\\"c\\\",\\\"x\\\":[1]}\"}");
	is_str(F_CLIENTINFO, "c");
	is_str(F_PROPS, "{\"clientInfo\":\"c\",\"x\":[1]}");
	/* Nested objects inside it, white space around it. */
	parse_ok("{\"identity\":\" \\n{\\\"claim\\\":{\\\"appid\\\":\\\"p\\\","
	    "\\\"oid\\\":{\\\"z\\\":1}}} \\t\"}");
	is_str(F_APPID, "p");
	/* JSON text inside JSON text. */
	parse_ok("{\"identity\":\"{\\\"claim\\\":\\\"{\\\\\\\"appid\\\\\\\":"
	    "\\\\\\\"q\\\\\\\"}\\\"}\"}");
	is_str(F_APPID, "q");
	/* Escapes in the text, and invalid UTF-8, are read as in members. */
	parse_ok("{\"properties\":\"{\\\"client\\\\u0049nfo\\\":\\\"\\\\u00e9\xff\\\"}\"}");
	is_str(F_CLIENTINFO, "\xc3\xa9\xef\xbf\xbd");
	/* Not an object: just a string. */
	static const char *const notobj[] = {
		"{\"properties\":\"[{\\\"clientInfo\\\":1}]\",\"a\":1}",
		"{\"properties\":\"clientInfo\",\"a\":1}",
		"{\"properties\":\"\",\"a\":1}",
		"{\"properties\":\"{\\\"clientInfo\\\":\\\"c\\\"\",\"a\":1}",
		"{\"properties\":\"{\\\"clientInfo\\\":\\\"c\\\"} {}\",\"a\":1}",
		"{\"properties\":\"{\\\"clientInfo\\\":\\\"c\\\"} x\",\"a\":1}",
		"{\"properties\":\"{\\\"clientInfo\\\":\\\"c\\\",}\",\"a\":1}",
		"{\"properties\":\"{clientInfo:1}\",\"a\":1}",
		"{\"properties\":\"null\",\"a\":1}",
	};
	size_t	 i;

	for (i = 0; i < sizeof(notobj) / sizeof(notobj[0]); i++) {
		parse_ok(notobj[i]);
		is_type(F_CLIENTINFO, JV_ABSENT);
		is_type(F_PROPS, JV_STRING);
		is_num(F_A, "1");
	}
	/* A broken text sets nothing, even what it held before the break. */
	parse_ok("{\"properties\":{\"clientInfo\":\"before\"},"
	    "\"properties\":\"{\\\"clientInfo\\\":\\\"c\\\",\\\"x\\\":\"}");
	is_type(F_CLIENTINFO, JV_ABSENT);
	/* The last member counts, as for objects. */
	parse_ok("{\"properties\":\"{\\\"clientInfo\\\":\\\"c\\\"}\","
	    "\"properties\":\"{}\"}");
	is_type(F_CLIENTINFO, JV_ABSENT);
	is_str(F_PROPS, "{}");
	parse_ok("{\"properties\":\"{\\\"clientInfo\\\":\\\"c\\\"}\","
	    "\"properties\":{\"clientInfo\":\"d\"}}");
	is_str(F_CLIENTINFO, "d");
	/* Only where a path goes on: s and clientInfo are whole fields. */
	parse_ok("{\"s\":\"{\\\"a\\\":1}\",\"clientInfo\":\"{\\\"a\\\":2}\"}");
	is_str(F_S, "{\"a\":1}");
	is_str(F_TOPCI, "{\"a\":2}");
	is_type(F_A, JV_ABSENT);
	/* Inside an array: not read, as members in arrays are not. */
	parse_ok("{\"properties\":[\"{\\\"clientInfo\\\":\\\"c\\\"}\"]}");
	is_type(F_CLIENTINFO, JV_ABSENT);
	/* Four names deep, through text at each step. */
	parse_ok("{\"w\":\"{\\\"x\\\":{\\\"y\\\":{\\\"z\\\":7}}}\"}");
	is_num(F_DEEP4, "7");
	/* In a container's records and in rows, on a line and streamed. */
	jrec_set_containers(jr, names_all);
	shape("{\"value\":[{\"identity\":\"{\\\"claim\\\":{\\\"appid\\\":"
	    "\\\"v1\\\"}}\"},{\"identity\":\"{\\\"claim\\\":1}\"}]}", JREC_OK,
	    "identity.claim.appid=$v1 ;;", 0, "");
	shape("{\"tables\":[{\"columns\":[{\"name\":\"identity\"},{\"name\":"
	    "\"a\"}],\"rows\":[[\"{\\\"claim\\\":{\\\"appid\\\":\\\"r1\\\"}}\","
	    "1],[\"{\\\"claim\\\":{\\\"appid\\\":\\\"r2\\\"}\",2],"
	    "[\"{\\\"claim\\\":{\\\"appid\\\":\\\"r3\\\"}}\",3,4]]}]}", JREC_OK,
	    "a=#1 identity.claim.appid=$r1 ;a=#2 ;", 1,
	    "row 3 of table 1: 3 cells for 2 columns");
}
END_TEST

/* Text too big or too deep is just a string, and costs nothing else. */
START_TEST(test_json_text_limits)
{
	size_t	 n = JREC_TEXT_MAX + 64, i, k;
	char	*t = malloc(n + 64);
	enum jrec_status st;

	ck_assert_ptr_nonnull(t);
	/* The biggest text read, then one byte more. */
	for (k = 0; k < 2; k++) {
		size_t	 tl = JREC_TEXT_MAX + k, pad;
		size_t	 o;

		o = (size_t)sprintf(t, "{\"properties\":\"{\\\"clientInfo\\\":"
		    "\\\"c\\\",\\\"x\\\":\\\"");
		/* The text: {"clientInfo":"c","x":"<pad>"} is tl bytes. */
		pad = tl - strlen("{\"clientInfo\":\"c\",\"x\":\"\"}");
		memset(t + o, 'p', pad);
		o += pad;
		o += (size_t)sprintf(t + o, "\\\"}\",\"a\":1}");
		st = jrec_parse(jr, t, o);
		ck_assert_int_eq(st, JREC_OK);
		is_num(F_A, "1");
		ck_assert_uint_eq(jrec_get(jr, F_PROPS)->len, tl);
		if (k == 0)
			is_str(F_CLIENTINFO, "c");
		else
			is_type(F_CLIENTINFO, JV_ABSENT);
	}
	/* Nesting: JREC_TEXT_MAXDEPTH levels read, one more not. */
	for (k = 0; k < 2; k++) {
		size_t	 depth = JREC_TEXT_MAXDEPTH + k, o;

		o = (size_t)sprintf(t, "{\"properties\":\"{\\\"clientInfo\\\":"
		    "\\\"c\\\",\\\"deep\\\":");
		for (i = 1; i < depth; i++)
			t[o++] = '[';
		for (i = 1; i < depth; i++)
			t[o++] = ']';
		o += (size_t)sprintf(t + o, "}\"}");
		ck_assert_int_eq(jrec_parse(jr, t, o), JREC_OK);
		if (k == 0)
			is_str(F_CLIENTINFO, "c");
		else
			is_type(F_CLIENTINFO, JV_ABSENT);
		is_type(F_PROPS, JV_STRING);
	}
	free(t);
}
END_TEST

START_TEST(test_container_line)
{
	static const struct {
		const char *line;
		int	 want;
	} c[] = {
		{ "{\"records\":[{}]}", 1 },
		{ "{\"value\":[]}", 1 },
		{ "{\"tables\":[{\"name\":\"PrimaryResult\"}]}", 1 },
		{ "\xef\xbb\xbf \t{ \r\"tables\" \t: \n[", 1 },
		{ "{\"tables\":{}}", 0 },
		{ "{\"tables\":\"[\"}", 0 },
		{ "{\"tables\"", 0 },
		{ "{\"tables\":", 0 },
		{ "{\"tables", 0 },
		{ "{\"objects\":[]}", 0 },
		{ "{\"CallerIPAddress\":\"203.0.113.7\",\"value\":[]}", 0 },
		{ "{\"tablesx\":[]}", 0 },
		{ "{\"table\":[]}", 0 },
		{ "{\"\":[]}", 0 },
		{ "[{\"value\":[]}]", 0 },
		{ "\"value\"", 0 },
		{ "", 0 },
		{ "{", 0 },
		{ "{\"va\\u006cue\":[]}", 1 },	/* Cannot tell cheaply. */
	};
	size_t	 i;

	jrec_set_containers(jr, names_all);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		ck_assert_msg(jrec_container_line(jr, c[i].line,
		    strlen(c[i].line)) == c[i].want, "%s: want %d", c[i].line,
		    c[i].want);
	/* Only len bytes are looked at. */
	ck_assert_int_eq(jrec_container_line(jr, "{\"value\":[", 9), 0);
	ck_assert_int_eq(jrec_container_line(jr, "{\"value\":[", 10), 1);
	/* No names, no containers. */
	jrec_set_containers(jr, NULL);
	ck_assert_int_eq(jrec_container_line(jr, "{\"value\":[]}", 12), 0);
	ck_assert_int_eq(jrec_container_line(jr, "{\"va\\u006cue\":[]}", 17),
	    0);
}
END_TEST

/* The offset past the last record handed over, also after an error. */
START_TEST(test_stream_handled)
{
	static const char t1[] = "[{\"a\":1},\n {\"a\":2}, 3, x";
	static const char t2[] = "{\"tables\":[{\"columns\":[{\"name\":\"a\"}],"
	    "\"rows\":[[1],[2],[3,4],";
	struct got g;

	memset(&g, 0, sizeof(g));
	jrec_stream_begin(jr, collect, &g);
	ck_assert_uint_eq(jrec_stream_handled(jr), 0);
	ck_assert_int_eq(jrec_stream_feed(jr, t1, sizeof(t1) - 1),
	    JREC_SYNTAX);
	ck_assert_uint_eq(g.n, 2);
	ck_assert_uint_eq(jrec_stream_handled(jr), strchr(t1, '2') + 2 - t1);
	ck_assert_uint_eq(jrec_nonobjects(jr), 1);

	jrec_set_containers(jr, names_all);
	memset(&g, 0, sizeof(g));
	jrec_stream_begin(jr, collect, &g);
	ck_assert_int_eq(jrec_stream_feed(jr, "\xef\xbb\xbf", 3), JREC_OK);
	ck_assert_int_eq(jrec_stream_feed(jr, t2, sizeof(t2) - 1), JREC_OK);
	ck_assert_int_eq(jrec_stream_end(jr), JREC_SYNTAX);
	ck_assert_uint_eq(g.n, 2);
	/* Past "[2]", the BOM counted; the bad row [3,4] does not count. */
	ck_assert_uint_eq(jrec_stream_handled(jr),
	    3 + (uint64_t)(strstr(t2, "[2]") + 3 - t2));
	ck_assert_uint_eq(jrec_nonobjects(jr), 1);
	/* A new stream starts at 0. */
	jrec_stream_begin(jr, collect, &g);
	ck_assert_uint_eq(jrec_stream_handled(jr), 0);
}
END_TEST

struct acc {
	char	 s[512];
};

/* Append each field's text (or nothing), joined by ',', then ';'. */
static int
cat_fields(void *arg, struct jrec *r)
{
	struct acc *a = arg;
	size_t	 f, n;

	for (f = 0; f < 4; f++) {
		const struct jval *v = jrec_get(r, f);

		n = strlen(a->s);
		snprintf(a->s + n, sizeof(a->s) - n, "%s%.*s", f ? "," : "",
		    v->type == JV_STRING || v->type == JV_NUMBER ?
		    (int)v->len : 0, v->s ? v->s : "");
	}
	n = strlen(a->s);
	snprintf(a->s + n, sizeof(a->s) - n, ";");
	return 0;
}

START_TEST(test_documented_samples)
{
	static const struct jfield f2[] = { { .path = { "Category" } },
	    { .path = { "count_" } }, { .path = { "name" } },
	    { .path = { "properties", "groupId" } } };
	struct jrec *j2 = jrec_new(f2, 4);
	size_t	 len;
	char	*t;
	struct acc acc;

	jrec_set_containers(j2, names_all);
	t = slurp_data("la-query-response.json", &len);
	memset(&acc, 0, sizeof(acc));
	ck_assert_int_eq(jrec_parse_records(j2, t, len, cat_fields, &acc),
	    JREC_OK);
	ck_assert_str_eq(acc.s, "Administrative,20839,,;Recommendation,122,,;"
	    "Alert,64,,;ServiceHealth,11,,;");
	free(t);
	t = slurp_data("rest-value-list.json", &len);
	memset(&acc, 0, sizeof(acc));
	ck_assert_int_eq(jrec_parse_records(j2, t, len, cat_fields, &acc),
	    JREC_OK);
	ck_assert_str_eq(acc.s, ",,vault,vault;");
	free(t);
	jrec_free(j2);
}
END_TEST

Suite *
jrec_suite(void)
{
	Suite	*s = suite_create("jrec");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_add_checked_fixture(tc, jrec_setup, jrec_teardown);
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_numbers_as_written);
	tcase_add_test(tc, test_nested_paths);
	tcase_add_test(tc, test_escapes);
	tcase_add_test(tc, test_invalid_utf8_in_strings);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_duplicate_parent);
	tcase_add_test(tc, test_jrec_is_number);
	tcase_add_test(tc, test_arrays);
	tcase_add_test(tc, test_complex);
	tcase_add_test(tc, test_reset);
	tcase_add_test(tc, test_input_buffer);
	suite_add_tcase(s, tc);

	tc = tcase_create("Errors");
	tcase_add_checked_fixture(tc, jrec_setup, jrec_teardown);
	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_syntax);
	tcase_add_test(tc, test_not_object);
	tcase_add_test(tc, test_stream_bom);
	suite_add_tcase(s, tc);

	tc = tcase_create("Shapes");
	tcase_add_checked_fixture(tc, jrec_setup, jrec_teardown);
	tcase_add_test(tc, test_containers_named);
	tcase_add_test(tc, test_tables);
	tcase_add_test(tc, test_envelopes_nested);
	tcase_add_test(tc, test_stream_envelopes_nested);
	tcase_add_test(tc, test_tables_bad);
	tcase_add_test(tc, test_tables_many_columns);
	tcase_add_test(tc, test_json_text);
	tcase_add_test(tc, test_json_text_limits);
	tcase_add_test(tc, test_container_line);
	tcase_add_test(tc, test_stream_handled);
	tcase_add_test(tc, test_documented_samples);
	suite_add_tcase(s, tc);

	tc = tcase_create("Flat");
	tcase_add_checked_fixture(tc, jrec_setup, jrec_teardown);
	tcase_add_test(tc, test_flat_vs_yajl);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_checked_fixture(tc, jrec_setup, jrec_teardown);
	tcase_add_test(tc, test_deep_nesting);
	tcase_add_test(tc, test_long_values);
	tcase_add_test(tc, test_many_members);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("UTF-8");
	tcase_add_test(tc, test_sanitize_valid);
	tcase_add_test(tc, test_sanitize_invalid);
	tcase_add_test(tc, test_sanitize_exhaustive);
	tcase_add_test(tc, test_sanitize_random);
	tcase_add_test(tc, test_sanitize_ascii_runs);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	return s;
}
