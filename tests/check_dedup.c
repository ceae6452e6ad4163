/*
 * check_dedup.c: unit tests of the dedup module (src/dedup.h), the
 * sliding-window suppression of SPEC.md 2.3 by the set of a key's alert
 * times.  "Core" checks that the first match of a key alerts, that a
 * match less than the window away from any alert time of its key, in
 * either direction, is suppressed (the 10:00, 14:00, 10:05 example),
 * that a match exactly the window away alerts, that keys are exact, and
 * that a window of 0 stores nothing.  "Order" is a randomized property
 * test: bursts of matches of many keys, delivered in many arrival orders
 * (random permutations and partition-by-partition catch-ups), always give
 * every match within the window of an alert of its key and exactly one
 * alert to a key whose matches fall in one window.  "Limits" checks the
 * bounded memory: alert times more than window + max_delay behind the
 * horizon are forgotten, a record dated past the clock plus max_delay
 * cannot move the horizon, max_times bounds the stored times at every
 * step with the keys whose newest time is oldest dropped and counted,
 * and extreme windows and times do not overflow.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "testlib.h"
#include "dedup.h"
#include "ktime.h"

#define SEC	KTIME_TICKS_PER_SEC
#define MIN	(60 * SEC)
#define HOUR	(3600 * SEC)
#define DAY	(24 * HOUR)
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

/* The injected wall clock: the instant *arg. */
static int64_t
fixed_clock(void *arg)
{
	return *(const int64_t *)arg;
}

/* A clock far later than every time of the tests. */
static int64_t far_future = INT64_MAX / 2;

/* A table whose clock never holds the horizon back. */
static struct dedup *
mk(int64_t window, int64_t max_delay, size_t max_times)
{
	struct dedup *d = dedup_new(window, max_delay, max_times);

	dedup_set_clock(d, fixed_clock, &far_future);
	return d;
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
	struct dedup *d = mk(HOUR, DAY, 1000);
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
	struct dedup *d = mk(HOUR, DAY, 1000);
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
	struct dedup *d = mk(HOUR, DAY, 1000);
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

/* A suppressed match does not extend the window (only alerts do). */
START_TEST(suppressed_does_not_extend)
{
	struct dedup *d = mk(HOUR, DAY, 1000);
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
	struct dedup *d = mk(HOUR, DAY, 1000);
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
	struct dedup *d = mk(HOUR, DAY, 1000);
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
	struct dedup *d = mk(HOUR, DAY, 1000);
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
	struct dedup *d = mk(HOUR, DAY, 1000);
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
	struct dedup *d = mk(0, DAY, 1000);
	struct addr a = v4(0xcb007107);
	int	 i;

	for (i = 0; i < 2000; i++)
		ck_assert_int_eq(check(d, "i1", &a, T0 + i % 3), 1);
	ck_assert_uint_eq(stats(d).keys, 0);
	ck_assert_uint_eq(stats(d).times, 0);
	dedup_free(d);
	/* A negative window suppresses nothing either. */
	d = mk(-HOUR, DAY, 1000);
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	dedup_free(d);
}
END_TEST

/* A window of one tick: only the same instant is suppressed. */
START_TEST(window_one_tick)
{
	struct dedup *d = mk(1, DAY, 1000);
	struct addr a = v4(0xcb007107);

	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 1), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 1), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 - 1), 1);
	ck_assert_uint_eq(stats(d).times, 3);
	dedup_free(d);
}
END_TEST

/* Without a sweep nothing is forgotten: few keys stay held. */
START_TEST(no_sweep_keeps_keys)
{
	struct dedup *d = mk(HOUR, DAY, 1000000);
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
    const int64_t *ts, size_t nt)
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
	if (i >= s->n || nt != 1 || ts[0] != s->base + i || !addr_is_v4(a) ||
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
	struct dedup *d = mk(1000 * HOUR, DAY, 100);
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
	struct dedup *d = mk(1000000 * HOUR, DAY, 64);
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
	struct dedup *d = mk(HOUR, DAY, 1);
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
	d = mk(HOUR, DAY, 0);
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
		d = mk(HOUR, DAY, cap);
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
	struct dedup *d = mk(1000 * HOUR, DAY, 1000000);
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


/* The example: alerts at 10:00 and 14:00 still cover 10:05. */
START_TEST(set_of_times)
{
	struct dedup *d = mk(HOUR, 7 * DAY, 1000);
	struct addr a = v4(0xcb007107);
	int64_t	 t10 = T0 - 2 * HOUR;	/* 10:00 */

	ck_assert_int_eq(check(d, "i1", &a, t10), 1);
	ck_assert_int_eq(check(d, "i1", &a, t10 + 4 * HOUR), 1);
	ck_assert_int_eq(check(d, "i1", &a, t10 + 5 * MIN), 0);
	ck_assert_int_eq(check(d, "i1", &a, t10 + 4 * HOUR - 5 * MIN), 0);
	ck_assert_uint_eq(stats(d).times, 2);
	/* 12:00 is a window from both: it alerts and joins them. */
	ck_assert_int_eq(check(d, "i1", &a, t10 + 2 * HOUR), 1);
	ck_assert_int_eq(check(d, "i1", &a, t10 + HOUR + 1), 0);
	ck_assert_int_eq(check(d, "i1", &a, t10 + 3 * HOUR - 1), 0);
	/* Between 10:00 and 12:00, exactly a window from each. */
	ck_assert_int_eq(check(d, "i1", &a, t10 + HOUR), 1);
	ck_assert_uint_eq(stats(d).times, 4);
	ck_assert_uint_eq(stats(d).keys, 1);
	dedup_free(d);
}
END_TEST

/* An old event more than a window away alerts and is remembered. */
START_TEST(earlier_time_remembered)
{
	struct dedup *d = mk(HOUR, DAY, 1000);
	struct addr a = v4(0xcb007107);

	ck_assert_int_eq(check(d, "i1", &a, T0 + 10 * HOUR), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 10 * HOUR + HOUR / 2), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 9 * HOUR + 1), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + HOUR / 2), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 - HOUR + 1), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 - HOUR), 1);
	ck_assert_uint_eq(stats(d).keys, 1);
	ck_assert_uint_eq(stats(d).times, 3);
	dedup_free(d);
}
END_TEST

/* dedup_restore adds a time once, and it suppresses like an alert. */
START_TEST(restore_times)
{
	struct dedup *d = mk(HOUR, DAY, 1000);
	struct addr a = v4(0xcb007107);

	dedup_restore(d, "i1", 2, &a, T0);
	dedup_restore(d, "i1", 2, &a, T0);
	dedup_restore(d, "i1", 2, &a, T0 + 1);
	dedup_restore(d, "i1", 2, &a, T0 + 5 * HOUR);
	ck_assert_uint_eq(stats(d).keys, 1);
	ck_assert_uint_eq(stats(d).times, 3);
	ck_assert_int_eq(check(d, "i1", &a, T0 + HOUR), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 4 * HOUR + 1), 0);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 3 * HOUR), 1);
	dedup_free(d);
	/* With a window of 0 nothing is stored. */
	d = mk(0, DAY, 1000);
	dedup_restore(d, "i1", 2, &a, T0);
	ck_assert_uint_eq(stats(d).keys, 0);
	ck_assert_uint_eq(stats(d).times, 0);
	dedup_free(d);
}
END_TEST

/* foreach hands over every time of a key, in ascending order. */
struct got_times {
	int64_t	 t[8];
	size_t	 n;
	unsigned visits;
};

static void
visit_times(void *arg, const char *id, size_t idlen, const struct addr *a,
    const int64_t *ts, size_t nt)
{
	struct got_times *g = arg;

	(void)id;
	(void)idlen;
	(void)a;
	g->visits++;
	g->n = nt < 8 ? nt : 8;
	memcpy(g->t, ts, g->n * sizeof(*ts));
}

START_TEST(foreach_times)
{
	struct dedup *d = mk(HOUR, DAY, 1000);
	struct addr a = v4(0xcb007107);
	struct got_times g;

	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(check(d, "i1", &a, T0 + 5 * HOUR), 1);
	dedup_foreach(d, visit_times, &g);
	ck_assert_uint_eq(g.n, 1);
	ck_assert_int_eq(g.t[0], T0 + 5 * HOUR);
	ck_assert_int_eq(check(d, "i1", &a, T0), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 7 * HOUR), 1);
	ck_assert_int_eq(check(d, "i1", &a, T0 + 2 * HOUR), 1);
	dedup_foreach(d, visit_times, &g);
	ck_assert_uint_eq(g.visits, 2);
	ck_assert_uint_eq(g.n, 4);
	ck_assert_int_eq(g.t[0], T0);
	ck_assert_int_eq(g.t[1], T0 + 2 * HOUR);
	ck_assert_int_eq(g.t[2], T0 + 5 * HOUR);
	ck_assert_int_eq(g.t[3], T0 + 7 * HOUR);
	dedup_free(d);
}
END_TEST

/* ---- Order: the guarantee in any arrival order ------------------------- */

struct match {
	unsigned key;
	unsigned burst;		/* Bursts are numbered across keys. */
	int	 tight;		/* Its burst spans less than a window. */
	int64_t	 t;
	unsigned part;		/* The partition it is on. */
	int	 alerted;
};

static uint64_t seed;

static void
shuffle(struct match *m, size_t n)
{
	size_t	 i, j;
	struct match tmp;

	for (i = n; i > 1; i--) {
		j = (size_t)(rnd(&seed) % i);
		tmp = m[i - 1];
		m[i - 1] = m[j];
		m[j] = tmp;
	}
}

static int
cmp_part_time(const void *x, const void *y)
{
	const struct match *a = x, *b = y;

	if (a->part != b->part)
		return a->part < b->part ? -1 : 1;
	return a->t < b->t ? -1 : a->t > b->t;
}

/*
 * Check the guarantee of SPEC 2.3 over the n matches as delivered: every
 * match lies less than w from an alerted match of its key; a key whose
 * matches span less than w alerted once; and so did each tight burst
 * (the bursts of a key are a window and more apart).
 */
static void
check_guarantee(struct match *m, size_t n, unsigned nkeys, unsigned nbursts,
    int64_t w)
{
	size_t	 i, j;
	unsigned k, alerts, tight;
	int64_t	 lo, hi;
	int	 ok;

	for (i = 0; i < n; i++) {
		ok = 0;
		for (j = 0; j < n && !ok; j++)
			ok = m[j].key == m[i].key && m[j].alerted &&
			    (m[i].t > m[j].t ? m[i].t - m[j].t :
			    m[j].t - m[i].t) < w;
		ck_assert_msg(ok, "match %zu of key %u not covered", i,
		    m[i].key);
	}
	for (k = 0; k < nkeys; k++) {
		alerts = 0;
		lo = INT64_MAX;
		hi = INT64_MIN;
		for (i = 0; i < n; i++)
			if (m[i].key == k) {
				alerts += m[i].alerted != 0;
				lo = m[i].t < lo ? m[i].t : lo;
				hi = m[i].t > hi ? m[i].t : hi;
			}
		if (lo != INT64_MAX && hi - lo < w)
			ck_assert_msg(alerts == 1, "key %u: %u alerts in one "
			    "window", k, alerts);
	}
	for (k = 0; k < nbursts; k++) {
		alerts = tight = 0;
		for (i = 0; i < n; i++)
			if (m[i].burst == k) {
				alerts += m[i].alerted != 0;
				tight = m[i].tight;
			}
		if (tight)
			ck_assert_msg(alerts == 1, "burst %u: %u alerts", k,
			    alerts);
	}
}

/* Deliver the n matches in their order; record which alerted. */
static void
deliver(struct match *m, size_t n, int64_t w, size_t max_times)
{
	struct dedup *d = mk(w, 30 * DAY, max_times);
	struct addr a;
	char	 id[32];
	size_t	 i;

	for (i = 0; i < n; i++) {
		a = v4(0xcb000000u + m[i].key % 7);
		m[i].alerted = dedup_check(d, id, key_id(id, sizeof(id),
		    m[i].key), &a, m[i].t);
	}
	ck_assert_uint_le(stats(d).times, max_times);
	dedup_free(d);
}

/*
 * Keys with bursts (shorter than a window, or spread over several) on
 * four partitions, over ten days; each case delivered shuffled and
 * partition by partition, as a consumer catching up a backlog reads.
 */
START_TEST(any_order)
{
	enum { NKEYS = 40, MAXN = 800, NSLOTS = 80 };
	struct match *m = calloc(MAXN, sizeof(*m));
	unsigned char used[NSLOTS];
	int64_t	 w = HOUR, start, span;
	size_t	 n, b;
	unsigned round, k, j, nb, burst, slot;
	int	 tight;

	ck_assert_ptr_nonnull(m);
	seed = 0x5eed + (uint64_t)_i;
	for (round = 0; round < 40; round++) {
		n = 0;
		burst = 0;
		for (k = 0; k < NKEYS && n < MAXN; k++) {
			/*
			 * Up to four bursts a key, each in its own slot of
			 * three windows: bursts of a key are at least a
			 * window apart.  Most span less than a window.
			 */
			memset(used, 0, sizeof(used));
			nb = 1 + (unsigned)(rnd(&seed) % 4);
			for (b = 0; b < nb; b++, burst++) {
				do
					slot = (unsigned)(rnd(&seed) % NSLOTS);
				while (used[slot]);
				used[slot] = 1;
				start = T0 + slot * 3 * w;
				tight = rnd(&seed) % 5 != 0;
				span = tight ? w - 1 : 2 * w - 1;
				for (j = 1 + (unsigned)(rnd(&seed) % 6); j > 0 &&
				    n < MAXN; j--) {
					m[n].key = k;
					m[n].burst = burst;
					m[n].tight = tight;
					m[n].t = start + (int64_t)(rnd(&seed) %
					    (uint64_t)span);
					m[n].part = (unsigned)(rnd(&seed) % 4);
					n++;
				}
			}
		}
		shuffle(m, n);
		deliver(m, n, w, 100000);
		check_guarantee(m, n, NKEYS, burst, w);
		/* Partition after partition, as a backlog is caught up. */
		qsort(m, n, sizeof(*m), cmp_part_time);
		deliver(m, n, w, 100000);
		check_guarantee(m, n, NKEYS, burst, w);
		/* Reversed: the newest first. */
		for (b = 0; b < n / 2; b++) {
			struct match tmp = m[b];

			m[b] = m[n - 1 - b];
			m[n - 1 - b] = tmp;
		}
		deliver(m, n, w, 100000);
		check_guarantee(m, n, NKEYS, burst, w);
	}
	free(m);
}
END_TEST

/*
 * Every permutation of a small case: three matches of one key within a
 * window and one a window and more away, five in all.
 */
START_TEST(all_permutations)
{
	static const int64_t ts[5] = { 0, 20 * MIN, 59 * MIN, 4 * HOUR,
	    4 * HOUR + 5 * MIN };
	struct match m[5];
	unsigned perm[5] = { 0, 1, 2, 3, 4 }, count = 0, i, j, tmp, alerts;
	int	 more = 1;

	while (more) {
		for (i = 0; i < 5; i++) {
			m[i].key = 0;
			m[i].t = T0 + ts[perm[i]];
		}
		deliver(m, 5, HOUR, 1000);
		check_guarantee(m, 5, 1, 0, HOUR);
		/* Two bursts a window and more apart: two alerts. */
		for (i = alerts = 0; i < 5; i++)
			alerts += m[i].alerted != 0;
		ck_assert_uint_eq(alerts, 2);
		count++;
		/* The next permutation in lexicographic order. */
		for (i = 4; i > 0 && perm[i - 1] > perm[i]; i--)
			;
		if (i == 0) {
			more = 0;
			continue;
		}
		for (j = 4; perm[j] < perm[i - 1]; j--)
			;
		tmp = perm[i - 1];
		perm[i - 1] = perm[j];
		perm[j] = tmp;
		for (j = 4; i < j; i++, j--) {
			tmp = perm[i];
			perm[i] = perm[j];
			perm[j] = tmp;
		}
	}
	ck_assert_uint_eq(count, 120);
}
END_TEST

/*
 * Under a tight max_times, forgetting only adds alerts: every match is
 * still within the window of an alert of its key.
 */
START_TEST(any_order_tight)
{
	enum { NKEYS = 200, N = 2000 };
	struct match *m = calloc(N, sizeof(*m));
	size_t	 i;

	ck_assert_ptr_nonnull(m);
	seed = 77;
	for (i = 0; i < N; i++) {
		m[i].key = (unsigned)(rnd(&seed) % NKEYS);
		m[i].t = T0 + (int64_t)(rnd(&seed) % (3 * DAY));
	}
	deliver(m, N, HOUR, 50);
	for (i = 0; i < N; i++)
		if (m[i].alerted)
			break;
	ck_assert_uint_lt(i, N);
	check_guarantee(m, N, 0, 0, HOUR);
	free(m);
}
END_TEST

/* ---- Limits --------------------------------------------------------- */

/*
 * Alert times are forgotten once more than window + max_delay behind the
 * horizon (at a sweep); a key with none left is dropped.
 */
START_TEST(forget_old_times)
{
	struct dedup *d = mk(HOUR, 2 * HOUR, 1000000);
	struct addr a = v4(0xcb007107), b = v4(0xcb007108);
	struct dedup_stats st;
	char	 id[32];
	unsigned i;
	int64_t	 h = T0 + 10 * HOUR;	/* The horizon. */

	ck_assert_int_eq(check(d, "old", &a, h - 3 * HOUR - 1), 1);
	ck_assert_int_eq(check(d, "edge", &a, h - 3 * HOUR), 1);
	/* Two times, the older to be forgotten. */
	ck_assert_int_eq(check(d, "two", &a, T0), 1);
	ck_assert_int_eq(check(d, "two", &a, h - HOUR), 1);
	for (i = 0; i < 2000; i++) {
		key_id(id, sizeof(id), i);
		ck_assert_int_eq(check(d, id, &b, h), 1);
	}
	st = stats(d);
	ck_assert_uint_eq(st.expired, 1);
	ck_assert_uint_eq(st.evicted, 0);
	ck_assert_uint_eq(st.keys, 2002);
	ck_assert_uint_eq(st.times, 2002);
	/* "edge" is exactly window + max_delay behind: kept. */
	ck_assert_int_eq(check(d, "edge", &a, h - 3 * HOUR + 1), 0);
	ck_assert_int_eq(check(d, "two", &a, h - HOUR - 1), 0);
	/* Forgotten: a match near them alerts again (an extra alert). */
	ck_assert_int_eq(check(d, "old", &a, h - 3 * HOUR - 2), 1);
	ck_assert_int_eq(check(d, "two", &a, T0 + 1), 1);
	dedup_free(d);
}
END_TEST

/*
 * The horizon stops at the clock plus max_delay: a record dated far in
 * the future makes nothing forgotten; the clock moving on does.
 */
START_TEST(future_record)
{
	struct dedup *d = dedup_new(HOUR, DAY, 1000000);
	struct addr a = v4(0xcb007107), b = v4(0xcb007108);
	int64_t	 clock = T0;
	char	 id[32];
	unsigned i;

	dedup_set_clock(d, fixed_clock, &clock);
	ck_assert_int_eq(check(d, "now", &a, T0), 1);
	ck_assert_int_eq(check(d, "future", &a, T0 + 1000 * DAY), 1);
	for (i = 0; i < 2000; i++) {
		key_id(id, sizeof(id), i);
		ck_assert_int_eq(check(d, id, &b, T0 + 1000 * DAY + i), 1);
	}
	ck_assert_uint_eq(stats(d).expired, 0);
	ck_assert_int_eq(check(d, "now", &a, T0 + 1), 0);
	/* Up to the clock plus max_delay the horizon moves. */
	ck_assert_int_eq(check(d, "late", &a, T0 + DAY), 1);
	for (i = 0; i < 2000; i++) {
		key_id(id, sizeof(id), i);
		ck_assert_int_eq(check(d, id, &a, T0 + DAY), 1);
	}
	ck_assert_uint_eq(stats(d).expired, 0);
	/* The clock moves on three days: T0 is now far behind. */
	clock = T0 + 3 * DAY;
	ck_assert_int_eq(check(d, "x", &a, T0 + 4 * DAY), 1);
	for (i = 0; i < 5000; i++) {
		key_id(id, sizeof(id), i);
		ck_assert_int_eq(check(d, id, &b, T0 + 4 * DAY), 1);
	}
	ck_assert_uint_ge(stats(d).expired, 1);
	ck_assert_int_eq(check(d, "now", &a, T0 + 1), 1);
	ck_assert_int_eq(check(d, "future", &a, T0 + 1000 * DAY + 1), 0);
	dedup_free(d);
}
END_TEST

/* max_times counts times, not keys: one key with many fills it. */
START_TEST(max_times_counts_times)
{
	struct dedup *d = mk(HOUR, 365 * DAY, 100);
	struct addr a = v4(0xcb007107);
	unsigned i;

	for (i = 0; i < 99; i++)
		ck_assert_int_eq(check(d, "many", &a, T0 + i * HOUR), 1);
	ck_assert_uint_eq(stats(d).times, 99);
	ck_assert_uint_eq(stats(d).keys, 1);
	ck_assert_int_eq(check(d, "one", &a, T0 + 1000 * HOUR), 1);
	ck_assert_uint_eq(stats(d).times, 100);
	/* Past the cap: "many" has the oldest newest time, and goes. */
	ck_assert_int_eq(check(d, "two", &a, T0 + 1001 * HOUR), 1);
	ck_assert_uint_eq(stats(d).evicted, 1);
	ck_assert_uint_eq(stats(d).keys, 2);
	ck_assert_uint_eq(stats(d).times, 2);
	ck_assert_int_eq(check(d, "one", &a, T0 + 1000 * HOUR), 0);
	ck_assert_int_eq(check(d, "many", &a, T0), 1);
	dedup_free(d);
}
END_TEST

/* Random traffic: the stored times never pass max_times. */
START_TEST(memory_bound)
{
	struct dedup *d = mk(HOUR, 7 * DAY, 300);
	struct addr a;
	char	 id[32];
	unsigned i, k;

	seed = 99;
	for (i = 0; i < TEST_ROUNDS(50000); i++) {
		k = (unsigned)(rnd(&seed) % 500);
		a = v4(0xcb000000u + k);
		(void)dedup_check(d, id, key_id(id, sizeof(id), k), &a,
		    T0 + (int64_t)(rnd(&seed) % (30 * DAY)));
		ck_assert_uint_le(stats(d).times, 300);
		ck_assert_uint_le(stats(d).keys, stats(d).times);
	}
	ck_assert_uint_gt(stats(d).evicted, 0);
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
	struct dedup *d = mk(HOUR, 7 * DAY, 1000);
	struct addr a = v4(0xcb007107);

	ck_assert_int_eq(ktime_parse("0001-01-01T00:00:00Z", 20, &first), 0);
	ck_assert_int_eq(ktime_parse("9999-12-31T23:59:59Z", 20, &last), 0);
	ck_assert_int_eq(check(d, "a", &a, first), 1);
	ck_assert_int_eq(check(d, "a", &a, last), 1);
	ck_assert_int_eq(check(d, "a", &a, first + 1), 0);
	ck_assert_int_eq(check(d, "a", &a, last - 1), 0);
	ck_assert_int_eq(check(d, "a", &a, last - HOUR + 1), 0);
	ck_assert_int_eq(check(d, "a", &a, last - HOUR), 1);
	ck_assert_int_eq(check(d, "a", &a, first + HOUR), 1);
	dedup_free(d);
}
END_TEST

/*
 * The longest window --window accepts ("10000000d", 8.64e18 ticks) and
 * the same max_delay, with events of the first centuries: horizon minus
 * window minus max_delay is below INT64_MIN and must saturate, or every
 * key would be forgotten.
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
	d = mk(w, w, 1000000);
	for (i = 0; i < 2000; i++)
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, first + i), 1);
	ck_assert_uint_eq(stats(d).expired, 0);
	ck_assert_uint_eq(stats(d).keys, 2000);
	for (i = 0; i < 2000; i++)
		ck_assert_int_eq(dedup_check(d, id, key_id(id, sizeof(id), i),
		    &a, first), 0);
	dedup_free(d);
	/* Today's times, a max_delay of 0: nothing forgotten either. */
	d = mk(w, 0, 1000000);
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
	tcase_add_test(tc, suppressed_does_not_extend);
	tcase_add_test(tc, set_of_times);
	tcase_add_test(tc, earlier_time_remembered);
	tcase_add_test(tc, keys_separate);
	tcase_add_test(tc, keys_v4_mapped_same);
	tcase_add_test(tc, ids_exact);
	tcase_add_test(tc, id_copied);
	tcase_add_test(tc, window_zero);
	tcase_add_test(tc, window_one_tick);
	tcase_add_test(tc, restore_times);
	tcase_add_test(tc, foreach_times);
	suite_add_tcase(s, tc);

	tc = tcase_create("Order");
	tcase_add_loop_test(tc, any_order, 0, 3);
	tcase_add_test(tc, all_permutations);
	tcase_add_test(tc, any_order_tight);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_test(tc, forget_old_times);
	tcase_add_test(tc, no_sweep_keeps_keys);
	tcase_add_test(tc, future_record);
	tcase_add_test(tc, max_times_counts_times);
	tcase_add_test(tc, memory_bound);
	tcase_add_test(tc, max_keys_bound);
	tcase_add_test(tc, max_keys_evicts_oldest_time);
	tcase_add_test(tc, max_keys_one);
	tcase_add_test(tc, max_keys_small);
	tcase_add_test(tc, foreach_every_key_once);
	tcase_add_test(tc, extreme_times);
	tcase_add_test(tc, extreme_window);
	suite_add_tcase(s, tc);
	return s;
}
