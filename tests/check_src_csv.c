/*
 * check_src_csv.c: unit tests of the CSV feed reader (src/src_csv.c)
 * through ingest_line(): which headers it claims, the RFC 4180 syntax
 * (quotes, "" escapes, CR LF, a byte-order mark, empty fields), the
 * columns it maps (generic, Sentinel's sample feeds, MISP's export), and
 * the rows it refuses with a reason (bad address, wrong number of
 * fields, unterminated quote, bad expiry or date).  Each test feeds
 * lines, builds an index (finish) and looks addresses up in it.  "Now"
 * is 2026-11-20T12:00:00Z.
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "ingest.h"
#include "ktime.h"
#include "tidx.h"
#include "tidx_build.h"

#include "check.h"
#include "testlib.h"

#define NOW_TEXT	"2026-11-20T12:00:00Z"

static char		 tmpdir[PATH_MAX / 2];
static int64_t		 now;
static struct ingest	*in;
static struct tidx	*ix;
static char		 why[256];

static int64_t
ticks(const char *text)
{
	int64_t	 t;

	ck_assert_msg(ktime_parse(text, strlen(text), &t) == 0, "%s", text);
	return t;
}

/* A new input read with --format fmt ("auto" or "csv"), named name. */
static void
input(const char *fmt, const char *name)
{
	ck_assert_int_eq(ingest_set_format(in, fmt), 0);
	ingest_set_source(in, name, strlen(name));
	ingest_input_begin(in);
}

/* One line (len bytes at s): ingest_line's result. */
static int
line_n(const char *s, size_t len)
{
	memset(why, 0, sizeof(why));
	return ingest_line(in, s, len, why, sizeof(why));
}

static int
line(const char *s)
{
	return line_n(s, strlen(s));
}

static void
ok(const char *s)
{
	int	 rc = line(s);

	ck_assert_msg(rc == 0, "%s: %d (%s)", s, rc, why);
}

/* A line refused with a reason that contains want. */
static void
bad(const char *s, const char *want)
{
	int	 rc = line(s);

	ck_assert_msg(rc == -1, "%s: %d, not -1", s, rc);
	ck_assert_msg(strstr(why, want) != NULL, "%s: \"%s\" lacks \"%s\"", s,
	    why, want);
}

static const struct ingest_stats *
st(void)
{
	return ingest_stats(in);
}

static void
finish(void)
{
	ix = ix_finish(in, tmpdir, "csv.idx", now, 0);
}

static int
find(const char *addr, struct tidx_ind *ind)
{
	return ix_find(ix, addr, ind);
}

/* addr is in the index under id; its indicator in *ind. */
static void
has(const char *addr, const char *id, struct tidx_ind *ind)
{
	ck_assert_msg(find(addr, ind), "%s not in the index", addr);
	str_is("value", ind->id, id);
}

static void
hasnt(const char *addr)
{
	struct tidx_ind ind;

	ck_assert_msg(!find(addr, &ind), "%s is in the index", addr);
}

static void
tmpdir_setup(void)
{
	scratch_dir(tmpdir, sizeof(tmpdir), "check_src_csv");
}

static void
tmpdir_teardown(void)
{
	rmtree(tmpdir);
}

static void
setup(void)
{
	struct ingest_opts o;

	now = ticks(NOW_TEXT);
	o.now = now;
	o.lookback = 14 * 86400LL * KTIME_TICKS_PER_SEC;
	o.ttl = 0;
	in = ingest_new(&o);
	ix = NULL;
}

static void
teardown(void)
{
	tidx_close(ix);
	ix = NULL;
	ingest_free(in);
	in = NULL;
}

/* ---------------------------------------------------------------------
 * Headers.
 */

/*
 * Comment lines before the header, a header in any case with spaces,
 * '_' and '-', and the generic columns: description, category,
 * confidence.  An entry without an id column is FEED:address, never
 * expires, and is of the feed's name.
 */
START_TEST(test_generic)
{
	struct tidx_ind ind;

	input("auto", "feed.csv");
	ok("# a comment");
	ok("");
	ok("IP_Address,Threat-Type,Confidence Score,Comment");
	ok("198.51.100.1,botnet,80,one");
	ok("2001:DB8::1,,,");
	ok("# END 2 entries");
	ck_assert_uint_eq(st()->known, 2);
	finish();
	has("198.51.100.1", "feed.csv:198.51.100.1", &ind);
	str_is("value", ind.threat_type, "botnet");
	str_is("value", ind.description, "one");
	str_is("value", ind.source, "feed.csv");
	ck_assert_int_eq(ind.confidence, 80);
	ck_assert(ind.expiration == INT64_MAX);
	has("2001:db8::1", "feed.csv:2001:db8::1", &ind);
	str_is("value", ind.threat_type, NULL);
	str_is("value", ind.description, NULL);
	ck_assert_int_eq(ind.confidence, TIDX_CONF_NULL);
}
END_TEST

/* Columns in any order; the best address column wins; uuid is the id. */
START_TEST(test_column_order)
{
	struct tidx_ind ind;

	input("auto", "f");
	ok("desc,value,uuid,src_ip");
	ok("d1,not-an-address,u-1,198.51.100.2");
	finish();
	has("198.51.100.2", "u-1", &ind);
	str_is("value", ind.description, "d1");
}
END_TEST

/*
 * A header without an address column is not claimed (the list reader
 * then refuses it); with --format csv the claim says why, and keeps
 * saying so for the lines before a header.
 */
START_TEST(test_no_address_column)
{
	input("auto", "f");
	ck_assert_int_eq(line("first_seen,port,malware"), -1);
	ck_assert_uint_eq(st()->known, 0);
	ck_assert_uint_eq(st()->unknown, 1);
	input("csv", "f");
	ok("# comment");
	bad("first_seen,port,malware", "no address column");
	bad("2026-01-01,443,x", "before any CSV header");
	ok("ip,port");
	ok("198.51.100.3,443");
	ck_assert_uint_eq(st()->known, 1);
	/* Plain lists are not CSV headers. */
	input("auto", "f");
	ok("198.51.100.4");
	ok("198.51.100.5/32 ; comment");
	ck_assert_uint_eq(st()->known, 3);
	finish();
	ck_assert(find("198.51.100.3", &(struct tidx_ind){ 0 }));
}
END_TEST

/* A header and nothing else: no record. */
START_TEST(test_header_only)
{
	input("auto", "f");
	ok("\xef\xbb\xbf\"ip\",\"comment\"\r");
	ck_assert_uint_eq(st()->rows, 0);
	ck_assert_uint_eq(st()->known, 0);
	ck_assert_uint_eq(st()->unknown, 0);
	ck_assert_uint_eq(st()->rejected, 0);
}
END_TEST

/* ---------------------------------------------------------------------
 * Syntax.
 */

/*
 * Quoted fields: commas and "" inside, white space around the quotes,
 * an empty quoted field, CR LF line ends, a byte-order mark before the
 * header, trailing white space trimmed from every value.
 */
START_TEST(test_quoting)
{
	struct tidx_ind ind;

	input("auto", "f");
	ok("\xef\xbb\xbfip,description,category\r\n");
	ok("\"198.51.100.10\",\"a, \"\"b\"\"\",x\r\n");
	ok(" \"198.51.100.11\" , \"\" ,\"\"\"\"\r");
	ok("198.51.100.12 ,  spaced  , \"  y  \"");
	ok("\"198.51.100.13\",\"\"\"\",\"a\"\"b\"\"c\"");
	ok("198.51.100.14,say \"hi\",z");
	ck_assert_uint_eq(st()->rejected, 0);
	finish();
	has("198.51.100.10", "f:198.51.100.10", &ind);
	str_is("value", ind.description, "a, \"b\"");
	str_is("value", ind.threat_type, "x");
	has("198.51.100.11", "f:198.51.100.11", &ind);
	str_is("value", ind.description, NULL);
	str_is("value", ind.threat_type, "\"");
	has("198.51.100.12", "f:198.51.100.12", &ind);
	str_is("value", ind.description, "spaced");
	str_is("value", ind.threat_type, "y");
	has("198.51.100.13", "f:198.51.100.13", &ind);
	str_is("value", ind.description, "\"");
	str_is("value", ind.threat_type, "a\"b\"c");
	has("198.51.100.14", "f:198.51.100.14", &ind);
	str_is("value", ind.description, "say \"hi\"");
}
END_TEST

/*
 * Bad rows cost only themselves: too few or too many fields, an
 * unterminated quote, text after a closing quote, an address that does
 * not parse.  Empty fields are fine; an empty address is no address.
 */
START_TEST(test_bad_rows)
{
	input("auto", "f");
	ok("ip,comment,category");
	bad("198.51.100.20,a", "fewer fields than the header's 3");
	bad("198.51.100.21,a,b,c", "more fields");
	bad("198.51.100.22,a,b,", "more fields");
	bad("198.51.100.23,\"a,b", "unterminated");
	bad("198.51.100.24,\"a\"b,c", "after a closing quote");
	bad("198.51.100.300,a,b", "not an IP address");
	bad("198.51.100.0/4,a,b", "prefix");
	/* A reason fits its buffer whole, however its value is escaped. */
	bad("\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
	    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
	    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
	    "\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01"
	    "\x01\x01\x01\x01,a,b", "not an IP address: \"\\x01");
	ck_assert_uint_lt(strlen(why), sizeof(why) - 1);
	ck_assert(strstr(why, "...") != NULL);
	ok(",a,b");
	ok("198.51.100.25,,");
	ok("10.1.2.3,,");
	ok("198.51.100.26,a,b");
	ck_assert_uint_eq(st()->rejected, 8);
	ck_assert_uint_eq(st()->malformed, 5);
	ck_assert_uint_eq(st()->bad_address, 3);
	ck_assert_uint_eq(st()->no_address, 1);
	ck_assert_uint_eq(st()->excluded, 1);
	finish();
	hasnt("198.51.100.20");
	hasnt("198.51.100.23");
	hasnt("198.51.100.24");
	hasnt("10.1.2.3");
	ck_assert(find("198.51.100.25", &(struct tidx_ind){ 0 }));
	ck_assert(find("198.51.100.26", &(struct tidx_ind){ 0 }));
}
END_TEST

/*
 * An empty last column counts; a long line of commas is just bad; a
 * header may have many columns, but an address column is looked for
 * among the first 32768 only.
 */
START_TEST(test_limits)
{
	size_t	 n = 1 << 20;
	char	*big = malloc(n + 16);

	ck_assert_ptr_nonnull(big);
	input("auto", "f");
	ok("ip,comment,");
	ok("198.51.100.30,a,");
	memcpy(big, "198.51.100.31", 13);
	memset(big + 13, ',', n);
	ck_assert_int_eq(line_n(big, n + 13), -1);
	ck_assert(strstr(why, "more fields") != NULL);
	input("auto", "g");
	memcpy(big, "ip", 2);
	memset(big + 2, ',', n);
	ck_assert_int_eq(line_n(big, n + 2), 0);
	memcpy(big, "198.51.100.32", 13);
	memset(big + 13, ',', n);
	ck_assert_int_eq(line_n(big, n + 13), 0);
	input("auto", "h");
	memset(big, ',', n);
	memcpy(big + n, "ip", 2);
	ck_assert_int_eq(line_n(big, n + 2), -1);	/* Not claimed. */
	free(big);
	finish();
	ck_assert(find("198.51.100.30", &(struct tidx_ind){ 0 }));
	hasnt("198.51.100.31");
	ck_assert(find("198.51.100.32", &(struct tidx_ind){ 0 }));
}
END_TEST

/* ---------------------------------------------------------------------
 * Feeds.
 */

/*
 * Sentinel's sample feeds: IoC with Type, ActivityGroupNames, Reference,
 * and ExpirationDateTime in the US forms (M/D/YY H:MM, M/D/YYYY) or RFC
 * 3339; empty: never expires; unparsable: a bad row that is never kept.
 */
START_TEST(test_sentinel)
{
	struct tidx_ind ind;

	input("auto", "s.csv");
	ok("DateAdded,IoC,Type,ExpirationDateTime,Reference,"
	    "ActivityGroupNames,TargetedService,Tags");
	ok("9/16/2020,198.51.100.40 ,IP,1/21/27 13:34,https://x/,Barium ,"
	    "Infrastructure,\"[\"\"Barium\"\", \"\"APT41\"\"]\"");
	ok("9/16/2020,198.51.100.41,ip ,12/31/2026,,,,");
	ok(",198.51.100.42,IPv4,,,,,");
	ok(",198.51.100.43,IP,11/20/26 11:59,,,,");
	ok(",198.51.100.44,IP,2027-01-01T00:00:00Z,,,,");
	ok(",example.com,domainname,12/31/2026,,,,");
	ok(",2001:db8::45,ipv6,,,,,");
	bad(",198.51.100.46,IP,13/1/2027,,,,", "expiry is not a time");
	bad(",198.51.100.47,IP,2/30/2027,,,,", "expiry");
	bad(",198.51.100.48,IP,1/1/27 25:00,,,,", "expiry");
	bad(",198.51.100.49,IP,1/1/127,,,,", "expiry");
	bad(",www.example,IP,,,,,", "not an IP address");
	ck_assert_uint_eq(st()->no_address, 1);
	finish();
	has("198.51.100.40", "s.csv:198.51.100.40", &ind);
	str_is("value", ind.activity_groups, "Barium");
	str_is("value", ind.url, "https://x/");
	str_is("value", ind.threat_type, NULL);
	ck_assert(ind.expiration == ticks("2027-01-21T13:34:00Z"));
	has("198.51.100.41", "s.csv:198.51.100.41", &ind);
	ck_assert(ind.expiration == ticks("2026-12-31T00:00:00Z"));
	has("198.51.100.42", "s.csv:198.51.100.42", &ind);
	ck_assert(ind.expiration == INT64_MAX);
	hasnt("198.51.100.43");		/* Expired a minute before now. */
	has("198.51.100.44", "s.csv:198.51.100.44", &ind);
	has("2001:db8::45", "s.csv:2001:db8::45", &ind);
	hasnt("198.51.100.46");
	hasnt("198.51.100.47");
}
END_TEST

/*
 * MISP's export: the typed value, composite types, to_ids 0 inactive,
 * uuid as the id, category, comment, date (YYYYMMDD or epoch seconds) as
 * the version time, so the later version of a uuid wins.
 */
START_TEST(test_misp)
{
	struct tidx_ind ind;

	input("auto", "m.csv");
	ok("uuid,event_id,category,type,value,comment,to_ids,date");
	ok("u1,1,Network activity,ip-dst,198.51.100.50,C2,1,20160824");
	ok("u2,1,Payload delivery,md5,5b920c6cd1d8de54463f07965b8c43f3,,1,"
	    "20160824");
	ok("u3,1,Network activity,ip-src,198.51.100.51,,0,20160824");
	ok("u4,1,Network activity,ip-dst|port,198.51.100.52|443,,1,"
	    "1557488802");
	ok("u5,1,Network activity,domain|ip,example.com|2001:db8::53,,1,"
	    "20160824");
	ok("u6,1,Network activity,ip-dst,198.51.100.54,old,1,20160101");
	ok("u6,1,Network activity,ip-dst,198.51.100.55,new,1,20170101");
	ok("u7,1,Network activity,ip-dst,198.51.100.56,older,1,20150101");
	bad("u8,1,Network activity,ip-dst,198.51.100.57,,1,2016-13-01",
	    "date");
	bad("u9,1,Network activity,domain|ip,example.com,,1,20160824",
	    "does not match its type");
	ok("\"\",1,Network activity,ip-dst,198.51.100.58,,1,20160824");
	ck_assert_uint_eq(st()->no_address, 1);
	ck_assert_uint_eq(st()->known, 11);
	finish();
	ck_assert_uint_eq(st()->inactive, 1);
	has("198.51.100.50", "u1", &ind);
	str_is("value", ind.threat_type, "Network activity");
	str_is("value", ind.description, "C2");
	str_is("value", ind.source, "m.csv");
	ck_assert(ind.time_generated == ticks("2016-08-24T00:00:00Z"));
	hasnt("198.51.100.51");
	has("198.51.100.52", "u4", &ind);
	ck_assert(ind.time_generated == ticks("2019-05-10T11:46:42Z"));
	has("2001:db8::53", "u5", &ind);
	hasnt("198.51.100.54");
	has("198.51.100.55", "u6", &ind);
	str_is("value", ind.description, "new");
	has("198.51.100.56", "u7", &ind);
	hasnt("198.51.100.57");
	has("198.51.100.58", "m.csv:198.51.100.58", &ind);
}
END_TEST

/*
 * Typed generic columns: only rows whose type names an address; without
 * a type column the value is an address.
 */
START_TEST(test_typed)
{
	input("auto", "t");
	ok("indicator,indicator_type,description");
	ok("198.51.100.60,IPv4 Address,a");
	ok("example.com,domain,b");
	ok("198.51.100.61,url,c");
	input("auto", "u");
	ok("ioc,note");
	ok("198.51.100.62,x");
	bad("example.com,y", "not an IP address");
	ck_assert_uint_eq(st()->no_address, 2);
	finish();
	ck_assert(find("198.51.100.60", &(struct tidx_ind){ 0 }));
	hasnt("198.51.100.61");
	ck_assert(find("198.51.100.62", &(struct tidx_ind){ 0 }));
}
END_TEST

/* The published files in tests/data, line by line. */
static void
read_file(const char *name)
{
	size_t	 len;
	char	*buf = slurp_data(name, &len), *p = buf, *nl;

	input("auto", name);
	while (p < buf + len) {
		nl = memchr(p, '\n', (size_t)(buf + len - p));
		if (nl == NULL)
			nl = buf + len;
		ck_assert_int_eq(line_n(p, (size_t)(nl - p)), 0);
		p = nl + 1;
	}
	free(buf);
}

START_TEST(test_files)
{
	struct tidx_ind ind;

	read_file("feed-feodo.csv");
	read_file("feed-misp.csv");
	read_file("feed-misp-objcols.csv");
	read_file("feed-sentinel-testiocs.csv");
	ck_assert_uint_eq(st()->rejected, 0);
	ck_assert_uint_eq(st()->known, 10 + 10 + 6 + 10);
	ck_assert_uint_eq(st()->no_address, 4 + 4 + 7);
	finish();
	ck_assert_uint_eq(st()->inactive, 2);
	has("213.199.41.33", "feed-feodo.csv:213.199.41.33", &ind);
	str_is("value", ind.threat_type, "Pikabot");
	has("82.80.202.200", "7db51886-46b4-496f-86fd-6b75a7b5f8c8", &ind);
	hasnt("217.182.54.223");
	has("137.184.15.189", "feed-sentinel-testiocs.csv:137.184.15.189",
	    &ind);
}
END_TEST

Suite *
src_csv_suite(void)
{
	Suite	*s = suite_create("src_csv");
	TCase	*tc;

	tc = tcase_create("Header");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_generic);
	tcase_add_test(tc, test_column_order);
	tcase_add_test(tc, test_no_address_column);
	tcase_add_test(tc, test_header_only);
	suite_add_tcase(s, tc);
	tc = tcase_create("Syntax");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_quoting);
	tcase_add_test(tc, test_bad_rows);
	tcase_add_test(tc, test_limits);
	suite_add_tcase(s, tc);
	tc = tcase_create("Feeds");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_sentinel);
	tcase_add_test(tc, test_misp);
	tcase_add_test(tc, test_typed);
	tcase_add_test(tc, test_files);
	suite_add_tcase(s, tc);
	return s;
}
