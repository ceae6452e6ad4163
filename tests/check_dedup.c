/*
 * check_dedup.c: unit tests of the dedup module (src/dedup.h), the
 * sliding-window suppression of SPEC.md 2.3.  "Core" checks that the first
 * match of a key alerts, that a match less than the window away in either
 * direction (out of order too) is suppressed, that a match exactly the
 * window away alerts, that the key's time only ever moves forward, that
 * keys are exact (indicator id bytes, lengths and addresses), and that a
 * window of 0 suppresses nothing.  "Limits" checks the bounded memory:
 * keys a window behind the newest event are forgotten at a sweep, max_keys
 * bounds the table at every step with the oldest keys dropped and counted,
 * a dropped key alerts again while every key still held stays suppressed
 * (an extra alert, never a lost one), max_keys 1, dedup_foreach visiting
 * every key once, and extreme windows and times.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dedup.h"
#include "ktime.h"

#define SEC	KTIME_TICKS_PER_SEC
#define HOUR	(3600 * SEC)
/* 2026-11-20T12:00:00Z, an ordinary event time. */
#define T0	(INT64_C(1795176000) * SEC)

static struct addr
v4(uint32_t v)
{
	struct addr a;

	addr_from_v4(&a, v);
	return a;
}

static struct addr
ip(const char *s)
{
	struct addr a;

	ck_assert_msg(addr_parse(s, strlen(s), &a) == 0, "%s", s);
	return a;
}

/* Check the indicator id s (a C string) at address a and time t. */
static int
check(struct dedup *d, const char *s, const struct addr *a, int64_t t)
{
	return dedup_check(d, s, strlen(s), a, t);
}

static struct dedup_stats
stats(const struct dedup *d)
{
	struct dedup_stats st;

	memset(&st, 0xa5, sizeof(st));
	dedup_get_stats(d, &st);
	return st;
}

/* The id of key number i of the Limits tests. */
static size_t
key_id(char *buf, size_t size, unsigned i)
{
	return (size_t)snprintf(buf, size, "indicator-%u", i);
}

START_TEST(first_alerts)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107);

	ck_assert_uint_eq(stats(d).keys, 0);
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_uint_eq(stats(d).keys, 1);
	ck_assert_uint_eq(stats(d).expired, 0);
	ck_assert_uint_eq(stats(d).evicted, 0);
	dedup_free(d);
}
END_TEST

START_TEST(suppressed_within_window)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107);

	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 1), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + HOUR - 1), 0);
	/* Earlier, out of order. */
	ck_assert_int_eq(check(d, "i1", &a, T0 - 1), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 - HOUR + 1), 0);
	ck_assert_uint_eq(stats(d).keys, 1);
	dedup_free(d);
}
END_TEST

START_TEST(boundary_alerts)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107), b = v4(0xc6336417);

	/* |dt| == window alerts, later ... */
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0 + HOUR), 1);
	/* ... and the key moved to T0 + HOUR. */
	ck_assert_int_eq(check(d, "i1", &a, T0 + 2 * HOUR - 1), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 2 * HOUR), 1);
	/* ... and earlier. */
	ck_assert_int_eq(check(d, "i2", &b, T0), 1);
	ck_assert_int_eq(check(d, "i2", &b, T0 - HOUR), 1);
	ck_assert_int_eq(check(d, "i2", &b, T0 - HOUR + 1), 0);
	dedup_free(d);
}
END_TEST

START_TEST(time_never_moves_back)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107);

	ck_assert_int_eq(check(d, "i1", &a, T0 + 10 * HOUR), 1);
	/* An old event, out of order but more than the window away. */
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	/* The key still holds T0 + 10h: these are within it. */
	ck_assert_int_eq(check(d, "i1", &a, T0 + 10 * HOUR + HOUR / 2), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 9 * HOUR + 1), 0);
	/* And T0 itself was not remembered. */
	ck_assert_int_eq(check(d, "i1", &a, T0 + HOUR / 2), 1);
	ck_assert_uint_eq(stats(d).keys, 1);
	dedup_free(d);
}
END_TEST

/* A suppressed match does not extend the window (only alerts do). */
START_TEST(suppressed_does_not_extend)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107);

	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0 + HOUR - 1), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + HOUR), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 2 * HOUR - 1), 0);
	dedup_free(d);
}
END_TEST

START_TEST(keys_separate)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107), b = v4(0xcb007108);
	struct addr c = ip("2001:db8::1"), c2 = ip("2001:DB8:0::1");

	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i2", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &b, T0), 1);
	ck_assert_int_eq(check(d, "i1", &c, T0), 1);
	ck_assert_int_eq(check(d, "i2", &c, T0), 1);
	ck_assert_uint_eq(stats(d).keys, 5);
	/* Each key is held and suppressed on its own. */
	ck_assert_int_eq(check(d, "i1", &a, T0 + 1), 0);
	ck_assert_int_eq(check(d, "i2", &a, T0 + 1), 0);
	ck_assert_int_eq(check(d, "i1", &b, T0 + 1), 0);
	ck_assert_int_eq(check(d, "i2", &c, T0 + 1), 0);
	/* Addresses compare as values, whatever their text. */
	ck_assert_int_eq(check(d, "i1", &c2, T0 + 1), 0);
	ck_assert_uint_eq(stats(d).keys, 5);
	dedup_free(d);
}
END_TEST

/* IPv4 and its IPv4-mapped IPv6 form are one address (addr.h). */
START_TEST(keys_v4_mapped_same)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = ip("192.0.2.1"), m = ip("::ffff:192.0.2.1");
	struct addr c = ip("::192.0.2.1");

	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &m, T0), 0);
	/* An IPv4-compatible address is another value. */
	ck_assert_int_eq(check(d, "i1", &c, T0), 1);
	dedup_free(d);
}
END_TEST

START_TEST(ids_exact)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107);
	char	 buf[] = "indicator-0001XYZ";

	ck_assert_int_eq(check(d, "abc1", &a, T0), 1);
	ck_assert_int_eq(check(d, "abc2", &a, T0), 1);
	ck_assert_int_eq(check(d, "abc", &a, T0), 1);
	ck_assert_int_eq(check(d, "abcd", &a, T0), 1);
	ck_assert_int_eq(check(d, "ab", &a, T0), 1);
	ck_assert_int_eq(check(d, "", &a, T0), 1);
	ck_assert_int_eq(check(d, "Abc1", &a, T0), 1);
	ck_assert_uint_eq(stats(d).keys, 7);
	ck_assert_int_eq(check(d, "abc1", &a, T0), 0);
	ck_assert_int_eq(check(d, "abc", &a, T0), 0);
	ck_assert_int_eq(check(d, "", &a, T0), 0);
	/* Bytes after idlen do not count; NUL bytes inside do. */
	ck_assert_int_eq(dedup_check(d, buf, 14, &a, T0), 1);
	buf[14] = 'Q';
	ck_assert_int_eq(dedup_check(d, buf, 14, &a, T0), 0);
	ck_assert_int_eq(dedup_check(d, "a\0b", 3, &a, T0), 1);
	ck_assert_int_eq(dedup_check(d, "a\0c", 3, &a, T0), 1);
	ck_assert_int_eq(dedup_check(d, "a\0b", 3, &a, T0), 0);
	ck_assert_int_eq(dedup_check(d, "a", 1, &a, T0), 1);
	ck_assert_uint_eq(stats(d).keys, 11);
	dedup_free(d);
}
END_TEST

/* The id is copied: the caller's buffer may change afterwards. */
START_TEST(id_copied)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107);
	char	 buf[16];

	memcpy(buf, "ind-1", 5);
	ck_assert_int_eq(dedup_check(d, buf, 5, &a, T0), 1);
	memcpy(buf, "XXXXX", 5);
	ck_assert_int_eq(dedup_check(d, "ind-1", 5, &a, T0), 0);
	ck_assert_int_eq(dedup_check(d, buf, 5, &a, T0), 1);
	dedup_free(d);
}
END_TEST

START_TEST(window_zero)
{
	struct dedup *d = dedup_new(0, 1000);
	struct addr a = v4(0xcb007107);
	int	 i;

	for (i = 0; i < 2000; i++)
		ck_assert_int_eq(check(d, "i1", &a, T0 + i % 3), 1);
	ck_assert_uint_eq(stats(d).keys, 0);
	dedup_free(d);
	/* A negative window suppresses nothing either. */
	d = dedup_new(-HOUR, 1000);
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	dedup_free(d);
}
END_TEST

/* A window of one tick: only the same instant is suppressed. */
START_TEST(window_one_tick)
{
	struct dedup *d = dedup_new(1, 1000);
	struct addr a = v4(0xcb007107);

	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 1), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 1), 0);
	dedup_free(d);
}
END_TEST

/* Keys are forgotten a window behind the newest event, at a sweep. */
START_TEST(forget_old_keys)
{
	struct dedup *d = dedup_new(HOUR, 1000000);
	struct addr a = v4(0xcb007107), b = v4(0xcb007108);
	struct dedup_stats st;
	char	 id[32];
	unsigned i;

	ck_assert_int_eq(check(d, "old", &a, T0), 1);
	ck_assert_int_eq(check(d, "edge", &a, T0 + HOUR), 1);
	ck_assert_int_eq(check(d, "kept", &a, T0 + HOUR + 1), 1);
	for (i = 0; i < 2000; i++) {
		key_id(id, sizeof(id), i);
		ck_assert_int_eq(check(d, id, &b, T0 + 2 * HOUR), 1);
	}
	st = stats(d);
	ck_assert_uint_eq(st.expired, 2);
	ck_assert_uint_eq(st.evicted, 0);
	ck_assert_uint_eq(st.keys + st.expired, 2003);
	/* "kept" is less than a window behind: still suppressed. */
	ck_assert_int_eq(check(d, "kept", &a, T0 + HOUR + 2), 0);
	/* None of the 2000 newest was forgotten. */
	for (i = 0; i < 2000; i++) {
		key_id(id, sizeof(id), i);
		ck_assert_int_eq(check(d, id, &b, T0 + 2 * HOUR + 1), 0);
	}
	/*
	 * "old" and "edge" were: a match near their old times alerts again
	 * (an extra alert, as dedup.h allows).
	 */
	ck_assert_int_eq(check(d, "old", &a, T0 + 1), 1);
	ck_assert_int_eq(check(d, "edge", &a, T0 + HOUR + 1), 1);
	dedup_free(d);
}
END_TEST

/* Without a sweep nothing is forgotten: few keys stay held. */
START_TEST(no_sweep_keeps_keys)
{
	struct dedup *d = dedup_new(HOUR, 1000000);
	struct addr a = v4(0xcb007107);

	ck_assert_int_eq(check(d, "old", &a, T0), 1);
	ck_assert_int_eq(check(d, "new", &a, T0 + 100 * HOUR), 1);
	/* Out of order by 100 hours, but the key is still there. */
	ck_assert_int_eq(check(d, "old", &a, T0 + 1), 0);
	ck_assert_uint_eq(stats(d).keys, 2);
	ck_assert_uint_eq(stats(d).expired, 0);
	dedup_free(d);
}
END_TEST

struct seen {
	unsigned char	*count;		/* Visits per key number. */
	unsigned	 n;
	unsigned	 visits;
	int64_t		 base;		/* Key i has time base + i. */
	int		 bad;		/* Unknown key or wrong time. */
};

static void
visit(void *arg, const char *id, size_t idlen, const struct addr *a,
    int64_t t)
{
	struct seen *s = arg;
	char	 buf[32];
	unsigned i;

	s->visits++;
	if (idlen < 11 || idlen > 20 || memcmp(id, "indicator-", 10) != 0) {
		s->bad++;
		return;
	}
	memcpy(buf, id + 10, idlen - 10);
	buf[idlen - 10] = '\0';
	i = (unsigned)strtoul(buf, NULL, 10);
	if (i >= s->n || t != s->base + i || !addr_is_v4(a) ||
	    addr_v4(a) != 0xcb000000u + i) {
		s->bad++;
		return;
	}
	s->count[i]++;
}

/* max_keys bounds the table at every step; the oldest keys go first. */
START_TEST(max_keys_bound)
{
	const unsigned n = 10000;
	struct dedup *d = dedup_new(1000 * HOUR, 100);
	struct dedup_stats st;
	struct seen s;
	struct addr a;
	char	 id[32];
	unsigned i, held = 0, lowest = n;

	for (i = 0; i < n; i++) {
		a = v4(0xcb000000u + i);
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, T0 + i), 1);
		st = stats(d);
		ck_assert_msg(st.keys <= 100, "%llu keys after %u",
		    (unsigned long long)st.keys, i);
		ck_assert_msg(st.keys >= 1, "no key after %u", i);
	}
	st = stats(d);
	ck_assert_uint_gt(st.evicted, 0);
	ck_assert_uint_eq(st.expired, 0);
	ck_assert_uint_eq(st.keys + st.evicted, n);

	memset(&s, 0, sizeof(s));
	s.count = calloc(n, 1);
	ck_assert_ptr_nonnull(s.count);
	s.n = n;
	s.base = T0;
	dedup_foreach(d, visit, &s);
	ck_assert_int_eq(s.bad, 0);
	ck_assert_uint_eq(s.visits, st.keys);
	for (i = 0; i < n; i++) {
		ck_assert_uint_le(s.count[i], 1);
		if (s.count[i]) {
			held++;
			if (i < lowest)
				lowest = i;
		}
	}
	ck_assert_uint_eq(held, st.keys);
	/* The held keys are the newest ones. */
	ck_assert_uint_eq(lowest, n - held);
	/* Every key still held is still suppressed (no state change). */
	for (i = lowest; i < n; i++) {
		a = v4(0xcb000000u + i);
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, T0 + i + 1), 0);
	}
	ck_assert_uint_eq(stats(d).keys, held);
	/* A dropped key alerts again: an extra alert, never a lost one. */
	a = v4(0xcb000000u);
	ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), 0), &a,
	    T0), 1);
	ck_assert_uint_le(stats(d).keys, 100);
	free(s.count);
	dedup_free(d);
}
END_TEST

/* Out-of-order times: eviction drops the oldest times, not insertion order. */
START_TEST(max_keys_evicts_oldest_time)
{
	const unsigned n = 1000;
	struct dedup *d = dedup_new(1000000 * HOUR, 64);
	struct seen s;
	struct addr a;
	char	 id[32];
	unsigned i, k;

	/* Key i has time T0 + i, inserted in a scrambled order. */
	for (k = 0; k < n; k++) {
		i = (k * 7919u) % n;
		a = v4(0xcb000000u + i);
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, T0 + i), 1);
		ck_assert_uint_le(stats(d).keys, 64);
	}
	memset(&s, 0, sizeof(s));
	s.count = calloc(n, 1);
	ck_assert_ptr_nonnull(s.count);
	s.n = n;
	s.base = T0;
	dedup_foreach(d, visit, &s);
	ck_assert_int_eq(s.bad, 0);
	/* The last key inserted (i = 999 * 7919 % 1000) is held. */
	ck_assert_uint_eq(s.count[(999u * 7919u) % n], 1);
	/* Key 999, the newest time, has survived every sweep. */
	ck_assert_uint_eq(s.count[n - 1], 1);
	ck_assert_uint_eq(s.visits, stats(d).keys);
	free(s.count);
	dedup_free(d);
}
END_TEST

START_TEST(max_keys_one)
{
	struct dedup *d = dedup_new(HOUR, 1);
	struct addr a = v4(0xcb007107);
	struct dedup_stats st;

	ck_assert_int_eq(check(d, "A", &a, T0), 1);
	ck_assert_int_eq(check(d, "A", &a, T0 + 1), 0);
	ck_assert_uint_eq(stats(d).keys, 1);
	ck_assert_int_eq(check(d, "B", &a, T0 + 2), 1);
	st = stats(d);
	ck_assert_uint_eq(st.keys, 1);
	ck_assert_uint_eq(st.evicted, 1);
	ck_assert_int_eq(check(d, "B", &a, T0 + 3), 0);
	/* A was dropped: it alerts again. */
	ck_assert_int_eq(check(d, "A", &a, T0 + 4), 1);
	ck_assert_int_eq(check(d, "A", &a, T0 + 5), 0);
	ck_assert_uint_eq(stats(d).keys, 1);
	ck_assert_uint_eq(stats(d).evicted, 2);
	dedup_free(d);
	/* 0 is taken as 1. */
	d = dedup_new(HOUR, 0);
	ck_assert_int_eq(check(d, "A", &a, T0), 1);
	ck_assert_int_eq(check(d, "A", &a, T0), 0);
	ck_assert_int_eq(check(d, "B", &a, T0), 1);
	ck_assert_uint_eq(stats(d).keys, 1);
	dedup_free(d);
}
END_TEST

/* Small caps below eight, where the sweep keeps max_keys - 1. */
START_TEST(max_keys_small)
{
	struct dedup *d;
	struct addr a = v4(0xcb007107);
	char	 id[32];
	size_t	 cap;
	unsigned i;

	for (cap = 2; cap <= 9; cap++) {
		d = dedup_new(HOUR, cap);
		for (i = 0; i < 50; i++) {
			ck_assert_int_eq(dedup_check(d, id, key_id(id,
			    sizeof(id), i), &a, T0 + i), 1);
			ck_assert_uint_le(stats(d).keys, cap);
			/* The key just written is held. */
			ck_assert_int_eq(dedup_check(d, id, key_id(id,
			    sizeof(id), i), &a, T0 + i), 0);
		}
		ck_assert_uint_eq(stats(d).keys + stats(d).evicted, 50);
		dedup_free(d);
	}
}
END_TEST

START_TEST(foreach_every_key_once)
{
	const unsigned n = 3000;
	struct dedup *d = dedup_new(1000 * HOUR, 1000000);
	struct seen s;
	struct addr a;
	char	 id[32];
	unsigned i;

	memset(&s, 0, sizeof(s));
	s.count = calloc(n, 1);
	ck_assert_ptr_nonnull(s.count);
	s.n = n;
	s.base = T0;
	/* An empty table: no visit. */
	dedup_foreach(d, visit, &s);
	ck_assert_uint_eq(s.visits, 0);
	for (i = 0; i < n; i++) {
		a = v4(0xcb000000u + i);
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, T0 + i), 1);
		/* Suppressed repeats add no key. */
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, T0 + i), 0);
	}
	dedup_foreach(d, visit, &s);
	ck_assert_int_eq(s.bad, 0);
	ck_assert_uint_eq(s.visits, n);
	ck_assert_uint_eq(stats(d).keys, n);
	for (i = 0; i < n; i++)
		ck_assert_msg(s.count[i] == 1, "key %u visited %u times", i,
		    s.count[i]);
	free(s.count);
	dedup_free(d);
}
END_TEST

/* foreach reports the later time after an alert moved it forward. */
static void
visit_time(void *arg, const char *id, size_t idlen, const struct addr *a,
    int64_t t)
{
	int64_t	*out = arg;

	(void)id;
	(void)idlen;
	(void)a;
	*out = t;
}

START_TEST(foreach_time)
{
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107);
	int64_t	 t = 0;

	ck_assert_int_eq(check(d, "i1", &a, T0 + 5 * HOUR), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	dedup_foreach(d, visit_time, &t);
	ck_assert_int_eq(t, T0 + 5 * HOUR);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 7 * HOUR), 1);
	dedup_foreach(d, visit_time, &t);
	ck_assert_int_eq(t, T0 + 7 * HOUR);
	dedup_free(d);
}
END_TEST

/*
 * Extreme times: the earliest and latest Kusto instants (years 0001 and
 * 9999), whose difference must not overflow.
 */
START_TEST(extreme_times)
{
	int64_t	 first, last;
	struct dedup *d = dedup_new(HOUR, 1000);
	struct addr a = v4(0xcb007107);

	ck_assert_int_eq(ktime_parse("0001-01-01T00:00:00Z", 20, &first), 0);
	ck_assert_int_eq(ktime_parse("9999-12-31T23:59:59Z", 20, &last), 0);
	ck_assert_int_eq(check(d, "a", &a, first), 1);
	ck_assert_int_eq(check(d, "a", &a, last), 1);
	ck_assert_int_eq(check(d, "a", &a, first + 1), 1);
	ck_assert_int_eq(check(d, "a", &a, last - 1), 0);
	/* The key holds the later time, last. */
	ck_assert_int_eq(check(d, "a", &a, first + 2), 1);
	ck_assert_int_eq(check(d, "a", &a, last - HOUR + 1), 0);
	ck_assert_int_eq(check(d, "a", &a, last - HOUR), 1);
	dedup_free(d);
}
END_TEST

/*
 * The longest window --window accepts ("10000000d", 8.64e18 ticks) with
 * events of the first centuries: newest - window is below INT64_MIN, and
 * computing it would overflow (UBSan stops the program; a plain build
 * wraps to a huge cutoff and forgets every key, so repeats within the
 * window alert again).  Every key here is within the window of every
 * other: none may be forgotten.
 */
START_TEST(extreme_window)
{
	int64_t	 first, w;
	struct dedup *d;
	struct addr a = v4(0xcb007107);
	char	 id[32];
	unsigned i;

	ck_assert_int_eq(ktime_parse("0001-01-01T00:00:00Z", 20, &first), 0);
	ck_assert_int_eq(ktime_parse_duration("10000000d", &w), 0);
	d = dedup_new(w, 1000000);
	/* Enough keys for a sweep. */
	for (i = 0; i < 2000; i++)
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, first + i), 1);
	ck_assert_uint_eq(stats(d).expired, 0);
	ck_assert_uint_eq(stats(d).keys, 2000);
	for (i = 0; i < 2000; i++)
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, first), 0);
	dedup_free(d);
}
END_TEST

/* The same window with today's times: no overflow, nothing forgotten. */
START_TEST(long_window_today)
{
	int64_t	 w;
	struct dedup *d;
	struct addr a = v4(0xcb007107);
	char	 id[32];
	unsigned i;

	ck_assert_int_eq(ktime_parse_duration("10000000d", &w), 0);
	d = dedup_new(w, 1000000);
	for (i = 0; i < 2000; i++)
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, T0 + (int64_t)i * HOUR), 1);
	ck_assert_uint_eq(stats(d).expired, 0);
	ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), 0), &a,
	    T0 + 5000 * HOUR), 0);
	dedup_free(d);
}
END_TEST

Suite *
dedup_suite(void)
{
	Suite	*s = suite_create("dedup");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, first_alerts);
	tcase_add_test(tc, suppressed_within_window);
	tcase_add_test(tc, boundary_alerts);
	tcase_add_test(tc, time_never_moves_back);
	tcase_add_test(tc, suppressed_does_not_extend);
	tcase_add_test(tc, keys_separate);
	tcase_add_test(tc, keys_v4_mapped_same);
	tcase_add_test(tc, ids_exact);
	tcase_add_test(tc, id_copied);
	tcase_add_test(tc, window_zero);
	tcase_add_test(tc, window_one_tick);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, forget_old_keys);
	tcase_add_test(tc, no_sweep_keeps_keys);
	tcase_add_test(tc, max_keys_bound);
	tcase_add_test(tc, max_keys_evicts_oldest_time);
	tcase_add_test(tc, max_keys_one);
	tcase_add_test(tc, max_keys_small);
	tcase_add_test(tc, foreach_every_key_once);
	tcase_add_test(tc, foreach_time);
	tcase_add_test(tc, extreme_times);
	tcase_add_test(tc, extreme_window);
	tcase_add_test(tc, long_window_today);
	suite_add_tcase(s, tc);
	return s;
}
