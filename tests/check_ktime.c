/*
 * check_ktime.c: unit tests of the ktime module (src/ktime.h).  "Core"
 * covers the accepted text forms (separators, zones, offsets, fractions
 * of 0 to 9 and more digits), refused forms and impossible dates, leap
 * years and leap seconds, Kusto-style formatting of known instants
 * (including instants before 1970) and round trips, checked against a
 * day count written independently here.  "Limits" covers years 0001 and
 * 9999, clamping of the formatter, reading no byte past len (every parse
 * goes through a heap copy of exactly len bytes, for AddressSanitizer),
 * and the overflow checks of ktime_parse_duration.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "testlib.h"
#include "ktime.h"

#define TPS	KTIME_TICKS_PER_SEC
#define MIN_T	(-62135596800LL * TPS)		/* 0001-01-01T00:00:00Z */
#define MAX_T	(253402300800LL * TPS - 1)	/* The last tick of 9999. */

/* 2026-11-20T12:00:05Z in seconds since the epoch. */
#define T_2026	1795176005LL

/* Parse the len bytes at s from a heap copy of exactly that size. */
static int
parse_n(const char *s, size_t len, int64_t *t)
{
	char	*p = malloc(len ? len : 1);
	int	 rc;

	if (p == NULL)
		ck_abort_msg("out of memory");
	memcpy(p, s, len);
	rc = ktime_parse(p, len, t);
	free(p);
	return rc;
}

static int
parse(const char *s, int64_t *t)
{
	return parse_n(s, strlen(s), t);
}

static void
assert_parses(const char *s, int64_t want)
{
	int64_t	 t = 0;

	ck_assert_msg(parse(s, &t) == 0, "\"%s\" refused", s);
	ck_assert_msg(t == want, "\"%s\": %lld, want %lld", s, (long long)t,
	    (long long)want);
}

static void
assert_refused(const char *const *list, size_t n)
{
	int64_t	 t;
	size_t	 i;

	for (i = 0; i < n; i++)
		ck_assert_msg(parse(list[i], &t) == -1, "\"%s\" accepted",
		    list[i]);
}

static void
assert_format(int64_t t, const char *want)
{
	char	 buf[KTIME_STRLEN];

	ck_assert_str_eq(ktime_format(t, buf), want);
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/*
 * Days from 1970-01-01 to y-m-d, given jan1, the days from 1970-01-01 to
 * January 1 of year y (counted by the caller one year at a time).
 */
static int64_t
naive_days(int64_t jan1, int y, int m, int d)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int64_t	 n = jan1;
	int	 i;

	for (i = 1; i < m; i++)
		n += dm[i - 1] + (i == 2 && leap(y));
	return n + d - 1;
}

START_TEST(parse_zones)
{
	const int64_t want = T_2026 * TPS + 1306790;

	assert_parses("2026-11-20T12:00:05.130679Z", want);
	assert_parses("2026-11-20T12:00:05.1306790Z", want);
	assert_parses("2026-11-20T12:00:05.130679z", want);
	assert_parses("2026-11-20t12:00:05.130679Z", want);
	assert_parses("2026-11-20 12:00:05.130679Z", want);
	assert_parses("2026-11-20T12:00:05.130679", want);
	assert_parses("2026-11-20T12:00:05.130679+00:00", want);
	assert_parses("2026-11-20T12:00:05.130679-00:00", want);
	assert_parses("2026-11-20T12:00:05.130679+0000", want);
	assert_parses("2026-11-20T13:00:05.130679+01:00", want);
	assert_parses("2026-11-20T07:00:05.130679-05:00", want);
	assert_parses("2026-11-20T17:30:05.130679+0530", want);
	assert_parses("2026-11-20T06:30:05.130679-0530", want);
	assert_parses("2026-11-21T11:59:05.130679+23:59", want);
	assert_parses("2026-11-19T12:01:05.130679-23:59", want);
	assert_parses("2026-11-20T12:00:05Z", T_2026 * TPS);
	assert_parses("2026-11-20 12:00:05", T_2026 * TPS);
	assert_parses("2026-11-20T14:00:05+02:00", T_2026 * TPS);
}
END_TEST

START_TEST(parse_short_forms)
{
	const int64_t day = (T_2026 - 12 * 3600 - 5) * TPS;

	assert_parses("2026-11-20", day);
	assert_parses("2026-11-20T00:00", day);
	assert_parses("2026-11-20T12:00", day + 12 * 3600 * TPS);
	assert_parses("2026-11-20T12:00Z", day + 12 * 3600 * TPS);
	assert_parses("2026-11-20 12:34", day + (12 * 3600 + 34 * 60) * TPS);
	assert_parses("2026-11-20T12:00+01:00", day + 11 * 3600 * TPS);
	assert_parses("2026-11-20t23:59z", day + (86400 - 60) * TPS);
}
END_TEST

START_TEST(parse_fraction_digits)
{
	static const struct {
		const char	*frac;
		int64_t		 ticks;
	} t[] = {
		{ "", 0 },
		{ ".0", 0 },
		{ ".1", 1000000 },
		{ ".12", 1200000 },
		{ ".123", 1230000 },
		{ ".1234", 1234000 },
		{ ".12345", 1234500 },
		{ ".123456", 1234560 },
		{ ".1234567", 1234567 },
		/* Digits past the seventh are truncated, not rounded. */
		{ ".12345678", 1234567 },
		{ ".123456789", 1234567 },
		{ ".00000009", 0 },
		{ ".99999999", 9999999 },
		{ ".999999999", 9999999 },
		{ ".9999999999999999999999", 9999999 },
		{ ".0000001", 1 },
		{ ".000000199", 1 },
		{ ".5", 5000000 },
	};
	char	 buf[64];
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(buf, sizeof(buf), "2026-11-20T12:00:05%sZ", t[i].frac);
		assert_parses(buf, T_2026 * TPS + t[i].ticks);
		snprintf(buf, sizeof(buf), "2026-11-20T13:00:05%s+01:00",
		    t[i].frac);
		assert_parses(buf, T_2026 * TPS + t[i].ticks);
		snprintf(buf, sizeof(buf), "2026-11-20T12:00:05%s", t[i].frac);
		assert_parses(buf, T_2026 * TPS + t[i].ticks);
	}
}
END_TEST

START_TEST(parse_refused)
{
	static const char *const bad[] = {
		"", "2026", "2026-11", "2026-11-2", "26-11-20", "2026-1-20",
		"20261120", "2026/11/20", "2026-11-20x", "2026-11-20T",
		"2026-11-20 ", " 2026-11-20", "2026-11-20T12",
		"2026-11-20T12:", "2026-11-20T1:00", "2026-11-20T12:0",
		"2026-11-20T12:00:", "2026-11-20T12:00:5", "2026-11-20T120005",
		"2026-11-20TT12:00", "2026-11-20T 12:00", "2026-11-20  12:00",
		"2026-11-20T12:00:05.", "2026-11-20T12:00:05.Z",
		"2026-11-20T12:00:05.+01:00", "2026-11-20T12:00:05,5Z",
		"2026-11-20T12:00:05Zx", "2026-11-20T12:00:05Z ",
		"2026-11-20T12:00:05ZZ", "2026-11-20T12:00:05 Z",
		"2026-11-20T12:00:05+01:00Z", "2026-11-20T12:00:05+1",
		"2026-11-20T12:00:05+01", "2026-11-20T12:00:05+01:0",
		"2026-11-20T12:00:05+010", "2026-11-20T12:00:05+01:00:00",
		"2026-11-20T12:00:05+24:00", "2026-11-20T12:00:05+12:60",
		"2026-11-20T12:00:05+ab:cd", "2026-11-20T12:00:05 +01:00",
		"2026-11-20T12:00:05UTC", "2026-11-20T12:00:05GMT",
		"+2026-11-20", "-2026-11-20", "12026-11-20", "2026-11-20\n",
		"2026-11-20T12:00:05Z\n",
		"2026-11-2a", "2o26-11-20", "2026-11-20T12:00:05.1a",
		"0x7e-11-20", "2026-+1-20", "2026-11--1",
	};

	assert_refused(bad, sizeof(bad) / sizeof(bad[0]));
}
END_TEST

START_TEST(parse_bad_dates)
{
	static const char *const bad[] = {
		"0000-01-01", "2026-00-10", "2026-13-01", "2026-99-01",
		"2026-01-00", "2026-01-32", "2026-02-30", "2026-02-31",
		"2026-04-31", "2026-06-31", "2026-09-31", "2026-11-31",
		"2026-12-32", "2023-02-29", "2025-02-29", "1900-02-29",
		"2100-02-29", "2200-02-29", "1800-02-29", "0001-02-29",
		"2026-11-20T24:00", "2026-11-20T24:00:00Z", "2026-11-20T25:00",
		"2026-11-20T99:00", "2026-11-20T12:60", "2026-11-20T12:99",
		"2026-11-20T12:00:61", "2026-11-20T12:00:99Z",
	};

	assert_refused(bad, sizeof(bad) / sizeof(bad[0]));
}
END_TEST

START_TEST(parse_leap_years)
{
	static const char *const good[] = {
		"2000-02-29", "2024-02-29", "1600-02-29", "2400-02-29",
		"0004-02-29", "0400-02-29", "1996-02-29", "9996-02-29",
		"2023-02-28", "1900-02-28", "2100-02-28",
	};
	int64_t	 t;
	size_t	 i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(parse(good[i], &t) == 0, "%s", good[i]);
	assert_parses("2000-02-29", 951782400LL * TPS);
	assert_parses("2024-02-29", 1709164800LL * TPS);
	assert_parses("1600-02-29", -11670998400LL * TPS);
	assert_parses("1900-03-01", -2203891200LL * TPS);
	assert_parses("2024-03-01", (1709164800LL + 86400) * TPS);
}
END_TEST

START_TEST(parse_leap_second)
{
	int64_t	 a, b;

	ck_assert_int_eq(parse("2016-12-31T23:59:60Z", &a), 0);
	ck_assert_int_eq(parse("2016-12-31T23:59:59Z", &b), 0);
	ck_assert(a == b);
	ck_assert_int_eq(parse("2016-12-31T23:59:60.5Z", &a), 0);
	ck_assert(a == b + TPS / 2);
	ck_assert_int_eq(parse("2016-12-31T23:59:60.9999999Z", &a), 0);
	ck_assert(a == b + TPS - 1);
	/* Read as 59, never as the next minute. */
	ck_assert_int_eq(parse("2017-01-01T00:00:00Z", &b), 0);
	ck_assert(a < b);
}
END_TEST

START_TEST(parse_before_1970)
{
	assert_parses("1970-01-01T00:00:00Z", 0);
	assert_parses("1970-01-01T00:00:00.0000001Z", 1);
	assert_parses("1969-12-31T23:59:59.9999999Z", -1);
	assert_parses("1969-12-31T23:59:59Z", -TPS);
	assert_parses("1969-12-31T23:59:59.5Z", -TPS / 2);
	assert_parses("1970-01-01T00:00:00+00:01", -60 * TPS);
	assert_parses("1969-07-20T20:17:40Z", -14182940LL * TPS);
	assert_parses("1969-07-20T20:17:40.1234567Z",
	    -14182940LL * TPS + 1234567);
}
END_TEST

START_TEST(format_known)
{
	assert_format(T_2026 * TPS + 1306790, "2026-11-20T12:00:05.1306790Z");
	assert_format(0, "1970-01-01T00:00:00.0000000Z");
	assert_format(1, "1970-01-01T00:00:00.0000001Z");
	assert_format(TPS - 1, "1970-01-01T00:00:00.9999999Z");
	assert_format(-1, "1969-12-31T23:59:59.9999999Z");
	assert_format(-TPS, "1969-12-31T23:59:59.0000000Z");
	assert_format(-TPS - 1, "1969-12-31T23:59:58.9999999Z");
	assert_format(-86400 * TPS, "1969-12-31T00:00:00.0000000Z");
	assert_format(-86400 * TPS - 1, "1969-12-30T23:59:59.9999999Z");
	assert_format(-14182940LL * TPS + 1234567,
	    "1969-07-20T20:17:40.1234567Z");
	assert_format(951782400LL * TPS, "2000-02-29T00:00:00.0000000Z");
	assert_format(1709164800LL * TPS - 1, "2024-02-28T23:59:59.9999999Z");
	assert_format(-2203891200LL * TPS - 1, "1900-02-28T23:59:59.9999999Z");
	assert_format(-11670998400LL * TPS, "1600-02-29T00:00:00.0000000Z");
	assert_format(1718446830LL * TPS + 1000000,
	    "2024-06-15T10:20:30.1000000Z");
	assert_format(MIN_T, "0001-01-01T00:00:00.0000000Z");
	assert_format(MAX_T, "9999-12-31T23:59:59.9999999Z");
	assert_format(MAX_T - TPS + 1, "9999-12-31T23:59:59.0000000Z");
}
END_TEST

START_TEST(format_length)
{
	char	 buf[KTIME_STRLEN + 4];

	memset(buf, 'x', sizeof(buf));
	ktime_format(T_2026 * TPS, buf);
	ck_assert_uint_eq(strlen(buf), KTIME_STRLEN - 1);
	ck_assert_int_eq(buf[KTIME_STRLEN], 'x');
}
END_TEST

/*
 * Every year from 0001 to 9999: some days parse to the day counted here
 * from 0001-01-01 (719162 days before the epoch), and format back.
 */
START_TEST(every_year)
{
	static const int md[][2] = { { 1, 1 }, { 2, 28 }, { 3, 1 },
	    { 12, 31 } };
	char	 s[32], out[KTIME_STRLEN];
	int64_t	 t, jan1 = -719162;
	size_t	 k;
	int	 y;

	for (y = 1; y <= 9999; jan1 += leap(y) ? 366 : 365, y++) {
		for (k = 0; k < sizeof(md) / sizeof(md[0]); k++) {
			int64_t want = naive_days(jan1, y, md[k][0],
			    md[k][1]) * 86400 * TPS;

			snprintf(s, sizeof(s), "%04d-%02d-%02d", y, md[k][0],
			    md[k][1]);
			if (parse(s, &t) != 0)
				ck_abort_msg("%s refused", s);
			if (t != want)
				ck_abort_msg("%s: %lld, want %lld", s,
				    (long long)t, (long long)want);
			snprintf(s, sizeof(s),
			    "%04d-%02d-%02dT00:00:00.0000000Z", y, md[k][0],
			    md[k][1]);
			if (strcmp(ktime_format(t, out), s) != 0)
				ck_abort_msg("%s formatted as %s", s, out);
		}
		snprintf(s, sizeof(s), "%04d-02-29", y);
		if ((parse(s, &t) == 0) != leap(y))
			ck_abort_msg("%s: wrong leap year", s);
	}
	ck_assert_int_eq(y, 10000);
}
END_TEST

/* format(parse(x)) == x on many generated canonical strings. */
START_TEST(round_trip_text)
{
	static const int dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	uint64_t state = 1;
	char	 s[64], out[KTIME_STRLEN];
	int64_t	 t;
	int	 n;

	for (n = 0; n < 100000; n++) {
		uint64_t r = rnd(&state);
		int	 y = (int)(r % 9999) + 1, m = (int)(r >> 16 & 0xffff) %
		    12 + 1, d, h, mi, sec, f;

		r = rnd(&state);
		d = (int)(r % (uint64_t)(dm[m - 1] + (m == 2 && leap(y)))) + 1;
		h = (int)(r >> 16 & 0xff) % 24;
		mi = (int)(r >> 24 & 0xff) % 60;
		sec = (int)(r >> 32 & 0xff) % 60;
		f = (int)(r >> 40 & 0xffffff) % 10000000;
		snprintf(s, sizeof(s), "%04d-%02d-%02dT%02d:%02d:%02d.%07dZ",
		    y, m, d, h, mi, sec, f);
		if (parse(s, &t) != 0)
			ck_abort_msg("%s refused", s);
		if (strcmp(ktime_format(t, out), s) != 0)
			ck_abort_msg("%s formatted as %s", s, out);
	}
	ck_assert_str_eq(out, s);
}
END_TEST

/* parse(format(t)) == t on random instants of the whole range. */
START_TEST(round_trip_ticks)
{
	uint64_t state = 3;
	char	 out[KTIME_STRLEN];
	int64_t	 t, back;
	int	 n;

	for (n = 0; n < 100000; n++) {
		t = MIN_T + (int64_t)(rnd(&state) % (uint64_t)(MAX_T - MIN_T +
		    1));
		if (n < 2000)
			t = (int64_t)(n - 1000) * 4321;	/* Around the epoch. */
		ktime_format(t, out);
		if (parse(out, &back) != 0)
			ck_abort_msg("%s refused", out);
		if (back != t)
			ck_abort_msg("%lld -> %s -> %lld", (long long)t, out,
			    (long long)back);
	}
	ck_assert(back == t);
}
END_TEST

START_TEST(now_is_now)
{
	int64_t	 t = ktime_now();
	time_t	 wall = time(NULL);

	ck_assert(t / TPS >= (int64_t)wall - 2);
	ck_assert(t / TPS <= (int64_t)wall + 2);
	ck_assert(ktime_now() >= t);
}
END_TEST

START_TEST(duration_valid)
{
	static const struct {
		const char	*s;
		int64_t		 ticks;
	} t[] = {
		{ "0s", 0 },
		{ "0d", 0 },
		{ "1s", TPS },
		{ "59s", 59 * TPS },
		{ "90m", 90 * 60 * TPS },
		{ "36h", 36 * 3600 * TPS },
		{ "1h", 3600 * TPS },
		{ "14d", 14 * 86400 * TPS },
		{ "365d", 365 * 86400 * TPS },
		{ "10675199d", 10675199LL * 86400 * TPS },
		{ "922337203685s", 922337203685LL * TPS },
		{ "256204778h", 256204778LL * 3600 * TPS },
	};
	int64_t	 v;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = -1;
		ck_assert_msg(ktime_parse_duration(t[i].s, &v) == 0, "%s",
		    t[i].s);
		ck_assert_msg(v == t[i].ticks, "%s", t[i].s);
	}
}
END_TEST

START_TEST(duration_refused)
{
	static const char *const bad[] = {
		"", "10", "10x", "-1h", "+1h", "1.5h", "10hh", "10hs", "h",
		"s", " 1h", "1h ", "1 h", "1H", "1D", "1ms", "1e3s", "0x10s",
		"1h\n", "1w", "1y",
		"99999999999999999999d", "99999999999999999999s",
		"9223372036854775807s", "9223372036854775808s",
		"10675200d", "922337203686s", "256204779h",
		"15372286729m",
	};
	int64_t	 v;
	size_t	 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ktime_parse_duration(bad[i], &v) == -1,
		    "\"%s\" accepted", bad[i]);
}
END_TEST

START_TEST(limit_years)
{
	int64_t	 t;

	assert_parses("0001-01-01", MIN_T);
	assert_parses("0001-01-01T00:00:00.0000000Z", MIN_T);
	assert_parses("9999-12-31T23:59:59.9999999Z", MAX_T);
	assert_parses("9999-12-31T23:59:59.99999999999Z", MAX_T);
	ck_assert_int_eq(parse("0000-12-31T23:59:59Z", &t), -1);
	ck_assert_int_eq(parse("10000-01-01", &t), -1);
}
END_TEST

START_TEST(limit_clamp)
{
	int64_t	 t;

	assert_format(MIN_T - 1, "0001-01-01T00:00:00.0000000Z");
	assert_format(MIN_T - 86400 * TPS * 1000,
	    "0001-01-01T00:00:00.0000000Z");
	assert_format(INT64_MIN, "0001-01-01T00:00:00.0000000Z");
	assert_format(MAX_T + 1, "9999-12-31T23:59:59.9999999Z");
	assert_format(KTIME_NONE, "9999-12-31T23:59:59.9999999Z");
	assert_format(INT64_MAX - 1, "9999-12-31T23:59:59.9999999Z");

	/* Offsets can move a valid text outside the range. */
	ck_assert_int_eq(parse("0001-01-01T00:00:00+00:01", &t), 0);
	ck_assert(t == MIN_T - 60 * TPS);
	assert_format(t, "0001-01-01T00:00:00.0000000Z");
	ck_assert_int_eq(parse("9999-12-31T23:59:59-00:01", &t), 0);
	ck_assert(t == MAX_T + 1 - TPS + 60 * TPS);
	assert_format(t, "9999-12-31T23:59:59.9999999Z");
}
END_TEST

/* The bytes after len must not change the result. */
START_TEST(limit_no_read_past_len)
{
	const char *s = "2026-11-20T12:00:05.1306790+01:00";
	const int64_t day = (T_2026 - 12 * 3600 - 5) * TPS;
	int64_t	 t;

	ck_assert_int_eq(parse_n(s, 10, &t), 0);
	ck_assert(t == day);
	ck_assert_int_eq(parse_n(s, 11, &t), -1);
	ck_assert_int_eq(parse_n(s, 16, &t), 0);
	ck_assert(t == day + 12 * 3600 * TPS);
	ck_assert_int_eq(parse_n(s, 19, &t), 0);
	ck_assert(t == T_2026 * TPS);
	ck_assert_int_eq(parse_n(s, 20, &t), -1);	/* "05." */
	ck_assert_int_eq(parse_n(s, 21, &t), 0);	/* "05.1" */
	ck_assert(t == T_2026 * TPS + 1000000);
	ck_assert_int_eq(parse_n(s, 27, &t), 0);
	ck_assert(t == T_2026 * TPS + 1306790);
	ck_assert_int_eq(parse_n(s, 28, &t), -1);	/* "+" */
	ck_assert_int_eq(parse_n(s, 29, &t), -1);	/* "+0" */
	ck_assert_int_eq(parse_n(s, 30, &t), -1);	/* "+01" */
	ck_assert_int_eq(parse_n(s, 31, &t), -1);	/* "+01:" */
	ck_assert_int_eq(parse_n(s, 32, &t), -1);	/* "+01:0" */
	ck_assert_int_eq(parse_n(s, 33, &t), 0);
	ck_assert(t == (T_2026 - 3600) * TPS + 1306790);
	ck_assert_int_eq(parse_n("2026-11-20T12:00:05+0100", 22, &t), -1);
	ck_assert_int_eq(parse_n("2026-11-20", 9, &t), -1);
	ck_assert_int_eq(parse_n("2026-11-20\0", 11, &t), -1);
	ck_assert_int_eq(parse_n("2026-11-20T12:00:05.1\0", 22, &t), -1);
	ck_assert_int_eq(parse_n("2026-11-20", 0, &t), -1);
	ck_assert_int_eq(ktime_parse("2026-11-20T12:00:05Z\"}", 20, &t), 0);
	ck_assert(t == T_2026 * TPS);
}
END_TEST

Suite *
ktime_suite(void)
{
	Suite	*s = suite_create("ktime");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, parse_zones);
	tcase_add_test(tc, parse_short_forms);
	tcase_add_test(tc, parse_fraction_digits);
	tcase_add_test(tc, parse_refused);
	tcase_add_test(tc, parse_bad_dates);
	tcase_add_test(tc, parse_leap_years);
	tcase_add_test(tc, parse_leap_second);
	tcase_add_test(tc, parse_before_1970);
	tcase_add_test(tc, format_known);
	tcase_add_test(tc, format_length);
	tcase_add_test(tc, every_year);
	tcase_add_test(tc, round_trip_text);
	tcase_add_test(tc, round_trip_ticks);
	tcase_add_test(tc, now_is_now);
	tcase_add_test(tc, duration_valid);
	tcase_add_test(tc, duration_refused);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, limit_years);
	tcase_add_test(tc, limit_clamp);
	tcase_add_test(tc, limit_no_read_past_len);
	suite_add_tcase(s, tc);
	return s;
}
