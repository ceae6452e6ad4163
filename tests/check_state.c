/*
 * check_state.c: unit tests of the state module (src/state.h), the saved
 * dedup table of kv-match --state.  "Core" checks that a table of many
 * keys (IPv4, IPv6, ids with quotes, backslashes, control characters,
 * NUL bytes and invalid UTF-8, an empty id, the longest id) comes back
 * whole, each key with its exact time, both through dedup_foreach and
 * through the suppression it gives; that the bytes written are those of
 * the example in state.h; that a missing file is STATE_MISSING and a
 * directory STATE_IO; that a later minor version with members it does
 * not know, and JSON white space, are read; that max_keys keeps the
 * newest keys; that a save leaves no temporary file, and a failed save
 * (a directory that does not exist, a file size limit) leaves the old
 * file as it was; and the naming of state_set_aside.  "Damage" checks
 * that every truncation of a state file, every flipped bit and every
 * flipped byte of one, a byte added or dropped anywhere, a line doubled,
 * an empty file, other majors, foreign files, every kind of bad line and
 * trailer, and lines and ids over the limits are refused as
 * STATE_DAMAGED with the table left as it was (empty, or holding only
 * what it held before).
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "testlib.h"
#include "crc32c.h"
#include "dedup.h"
#include "ktime.h"
#include "state.h"

#define SEC	KTIME_TICKS_PER_SEC
#define HOUR	(3600 * SEC)
#define DAY_TICKS	(24 * HOUR)
/* 2026-11-20T12:00:00Z, an ordinary event time. */
#define T0	(INT64_C(1795176000) * SEC)

static char	 dir[PATH_MAX / 2];	/* The test's scratch directory. */
static char	 path[PATH_MAX];	/* dir/state */

static void
setup(void)
{
	scratch_dir(dir, sizeof(dir), "check_state");
	snprintf(path, sizeof(path), "%s/state", dir);
}

static void
teardown(void)
{
	rmtree(dir);
}

static struct addr
ip(const char *s)
{
	struct addr a;

	ck_assert_msg(addr_parse(s, strlen(s), &a) == 0, "%s", s);
	return a;
}

static uint64_t
nkeys(const struct dedup *d)
{
	struct dedup_stats st;

	dedup_get_stats(d, &st);
	return st.keys;
}

/*
 * Write body (header and key lines, each ending in a newline) to path
 * with a trailer that is right for it: count keys, the checksum of body.
 * So a test can make a file whose only fault is the one it is about.
 */
static void
spew_sealed(const char *body, unsigned keys)
{
	char	*buf;
	size_t	 n = strlen(body);

	buf = malloc(n + 100);
	ck_assert_ptr_nonnull(buf);
	memcpy(buf, body, n);
	n += (size_t)snprintf(buf + n, 100,
	    "{\"end\":true,\"keys\":%u,\"crc32c\":\"%08x\"}\n", keys,
	    (unsigned)crc32c(0, body, strlen(body)));
	spew(path, buf, n);
	free(buf);
}

#define HEADER	"{\"format\":\"kv-match-state\",\"major\":1,\"minor\":0," \
		"\"saved\":\"2026-03-05T10:00:07.0000000Z\"," \
		"\"window_ticks\":36000000000}\n"
#define KEY1	"{\"IndicatorId\":\"i1\",\"Address\":\"203.0.113.10\"," \
		"\"Time\":\"2026-03-05T10:00:00.0000000Z\"}\n"
/* The same in major 2, and a key with two times. */
#define HEADER2	"{\"format\":\"kv-match-state\",\"major\":2,\"minor\":0," \
		"\"saved\":\"2026-03-05T10:00:07.0000000Z\"," \
		"\"window_ticks\":36000000000,\"max_delay_ticks\":0}\n"
#define KEY2	"{\"IndicatorId\":\"i1\",\"Address\":\"203.0.113.10\"," \
		"\"Times\":[\"2026-03-05T08:00:00Z\",\"2026-03-05T10:00:00Z\"]}\n"

/* Load path into a fresh table and return the status. */
static enum state_status
load_fresh(struct dedup **dp, struct state_info *info)
{
	*dp = dedup_new(HOUR, 7 * DAY_TICKS, 1000000);
	return state_load(*dp, path, 1000000, info);
}

/* Expect path to be refused as damaged, the table left empty. */
#define ck_damaged(what) do {						\
	struct dedup *d_;						\
	struct state_info i_;						\
	enum state_status s_ = load_fresh(&d_, &i_);			\
									\
	ck_assert_msg(s_ == STATE_DAMAGED, "%s: status %d", (what),	\
	    (int)s_);							\
	ck_assert_msg(nkeys(d_) == 0, "%s: %llu keys restored", (what),	\
	    (unsigned long long)nkeys(d_));				\
	ck_assert_msg(i_.reason != NULL, "%s: no reason", (what));	\
	ck_assert_uint_eq(i_.restored, 0);				\
	dedup_free(d_);							\
} while (0)

/* ---- A table of many odd keys, and what foreach sees of it. ---------- */

struct key {
	char	*id;
	size_t	 idlen;
	struct addr a;
	int64_t	 t;
	int	 seen;
};

struct keyset {
	struct key *k;
	size_t	 n;
	int	 bad;		/* Visits of keys not in the set. */
};

static void
keyset_add(struct keyset *ks, const char *id, size_t idlen, const char *a,
    int64_t t)
{
	struct key *k = &ks->k[ks->n++];

	k->id = malloc(idlen ? idlen : 1);
	ck_assert_ptr_nonnull(k->id);
	memcpy(k->id, id, idlen);
	k->idlen = idlen;
	k->a = ip(a);
	k->t = t;
	k->seen = 0;
}

static void
keyset_free(struct keyset *ks)
{
	size_t	 i;

	for (i = 0; i < ks->n; i++)
		free(ks->k[i].id);
	free(ks->k);
}

/* Mark a visited key; count a visit of an unknown key or wrong time. */
static void
keyset_visit(void *arg, const char *id, size_t idlen, const struct addr *a,
    const int64_t *ts, size_t nt)
{
	struct keyset *ks = arg;
	int64_t	 t = nt == 1 ? ts[0] : INT64_MIN;
	size_t	 i;

	for (i = 0; i < ks->n; i++) {
		struct key *k = &ks->k[i];

		if (k->idlen == idlen && memcmp(k->id, id, idlen) == 0 &&
		    addr_cmp(&k->a, a) == 0) {
			if (k->t != t)
				ks->bad++;
			k->seen++;
			return;
		}
	}
	ks->bad++;
}

static const char *const addrs[] = {
	"203.0.113.10", "198.51.100.7", "2001:db8::1",
	"2001:db8:85a3::8a2e:370:7334", "::ffff:192.0.2.9", "::192.0.2.9",
	"fe80::1", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "0.0.0.0",
	"255.255.255.255", "::"
};
#define NADDRS	(sizeof(addrs) / sizeof(addrs[0]))

/* Fill ks and d (window w) with n ordinary keys and the odd ones. */
static void
make_table(struct keyset *ks, struct dedup *d, unsigned n)
{
	static const struct {
		const char *s;
		size_t	 len;
	} odd[] = {
		{ "quo\"te", 6 }, { "back\\slash\\", 11 }, { "\"\\\"\\", 4 },
		{ "\xff\xfe invalid", 10 }, { "trunc\xe2\x82", 7 },
		{ "ctl\x01\n\t\x1f\x7f", 9 }, { "a\0b", 3 }, { "\0", 1 },
		{ "", 0 }, { "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9d\x84\x9e", 15 },
		{ "sp ace,colon:brace}{", 20 }, { "ed\xed\xa0\x80", 5 },
		{ "{\"end\":true}", 12 }, { "0123456789abcdef", 16 }
	};
	char	 id[64], *longid;
	unsigned i;

	ks->k = calloc(n + 64, sizeof(*ks->k));
	ck_assert_ptr_nonnull(ks->k);
	ks->n = 0;
	ks->bad = 0;
	for (i = 0; i < n; i++) {
		int	 len = snprintf(id, sizeof(id), "indicator-%u", i);

		keyset_add(ks, id, (size_t)len, addrs[i % NADDRS],
		    T0 + (int64_t)i * SEC + i % 7);
	}
	for (i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
		keyset_add(ks, odd[i].s, odd[i].len, addrs[i % NADDRS],
		    T0 + 100 * SEC + i);
	/* The longest id kept, all quotes: the longest line written. */
	longid = malloc(STATE_ID_MAX);
	ck_assert_ptr_nonnull(longid);
	memset(longid, '"', STATE_ID_MAX);
	keyset_add(ks, longid, STATE_ID_MAX, "2001:db8::2", T0 + 7);
	/* And its hex form: invalid UTF-8 throughout. */
	memset(longid, 0xff, STATE_ID_MAX);
	keyset_add(ks, longid, STATE_ID_MAX, "2001:db8::3", T0 + 8);
	free(longid);
	for (i = 0; i < ks->n; i++)
		ck_assert_int_eq(dedup_check(d, ks->k[i].id, ks->k[i].idlen,
		    &ks->k[i].a, ks->k[i].t), 1);
	ck_assert_uint_eq(nkeys(d), ks->n);
}

/* ---- Core ------------------------------------------------------------ */

START_TEST(round_trip)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000000), *e;
	struct keyset ks;
	struct state_info info;
	int64_t	 saved = T0 + 3 * HOUR + 5;
	size_t	 i;

	make_table(&ks, d, 3000);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, saved), STATE_OK);
	/* The rename leaves the state file alone in the directory. */
	ck_assert_int_eq(dir_entries(dir), 1);

	e = dedup_new(HOUR, 7 * DAY_TICKS, 1000000);
	memset(&info, 0xa5, sizeof(info));
	ck_assert_int_eq(state_load(e, path, 1000000, &info), STATE_OK);
	ck_assert_uint_eq(info.major, STATE_MAJOR);
	ck_assert_uint_eq(info.minor, STATE_MINOR);
	ck_assert_int_eq(info.saved, saved);
	ck_assert_int_eq(info.window, HOUR);
	ck_assert_uint_eq(info.keys, ks.n);
	ck_assert_uint_eq(info.restored, ks.n);
	ck_assert_uint_eq(info.dropped, 0);
	ck_assert_ptr_null(info.reason);
	ck_assert_uint_eq(nkeys(e), ks.n);

	/* Every key once, with its time, and nothing else. */
	dedup_foreach(e, keyset_visit, &ks);
	ck_assert_int_eq(ks.bad, 0);
	for (i = 0; i < ks.n; i++)
		ck_assert_msg(ks.k[i].seen == 1, "key %zu seen %d times", i,
		    ks.k[i].seen);

	/*
	 * And the suppression they give: a match a window less a tick after
	 * the key's time, and one before it, are suppressed (so the time is
	 * exactly the key's), while another address or id alerts.
	 */
	for (i = 0; i < ks.n; i++) {
		struct key *k = &ks.k[i];

		ck_assert_msg(dedup_check(e, k->id, k->idlen, &k->a,
		    k->t + HOUR - 1) == 0, "key %zu not suppressed after", i);
		ck_assert_msg(dedup_check(e, k->id, k->idlen, &k->a,
		    k->t - HOUR + 1) == 0, "key %zu not suppressed before", i);
	}
	ck_assert_int_eq(dedup_check(e, "indicator-0", 11,
	    &ks.k[1].a, T0), 1);
	ck_assert_int_eq(dedup_check(e, "indicator-x", 11,
	    &ks.k[0].a, T0), 1);
	keyset_free(&ks);
	dedup_free(d);
	dedup_free(e);
}
END_TEST

/* The times saved are the keys' latest, to the tick; the edges alert. */
START_TEST(round_trip_times)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000), *e;
	struct addr a = ip("2001:db8::7");
	int64_t	 first, last;

	ck_assert_int_eq(ktime_parse("0001-01-01T00:00:00Z", 20, &first), 0);
	ck_assert_int_eq(ktime_parse("9999-12-31T23:59:59.9999999Z", 28,
	    &last), 0);
	ck_assert_int_eq(dedup_check(d, "k", 1, &a, T0 + 1), 1);
	ck_assert_int_eq(dedup_check(d, "k", 1, &a, T0 + 5 * HOUR + 3), 1);
	ck_assert_int_eq(dedup_check(d, "first", 5, &a, first), 1);
	ck_assert_int_eq(dedup_check(d, "last", 4, &a, last), 1);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0), STATE_OK);
	e = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	ck_assert_int_eq(state_load(e, path, 1000, NULL), STATE_OK);
	ck_assert_uint_eq(nkeys(e), 3);
	/* The key holds T0 + 5h + 3: exactly a window from it alerts. */
	ck_assert_int_eq(dedup_check(e, "k", 1, &a, T0 + 4 * HOUR + 4), 0);
	ck_assert_int_eq(dedup_check(e, "k", 1, &a, T0 + 4 * HOUR + 3), 1);
	ck_assert_int_eq(dedup_check(e, "last", 4, &a, last - HOUR + 1), 0);
	ck_assert_int_eq(dedup_check(e, "last", 4, &a, last - HOUR), 1);
	ck_assert_int_eq(dedup_check(e, "first", 5, &a, first + HOUR - 1), 0);
	ck_assert_int_eq(dedup_check(e, "first", 5, &a, first + HOUR), 1);
	dedup_free(d);
	dedup_free(e);
}
END_TEST

/* The bytes written are those of the example in state.h. */
START_TEST(format_exact)
{
	static const char want[] =
	    "{\"format\":\"kv-match-state\",\"major\":2,\"minor\":0,"
	    "\"saved\":\"2026-03-05T10:00:07.0000000Z\","
	    "\"window_ticks\":36000000000,"
	    "\"max_delay_ticks\":6048000000000,"
	    "\"writer\":\"kv-match 0.1.0\"}\n"
	    "{\"IndicatorId\":\"kv-ti-v4\",\"Address\":\"203.0.113.10\","
	    "\"Times\":[\"2026-03-05T08:00:00.0000000Z\","
	    "\"2026-03-05T10:00:00.0000000Z\"]}\n"
	    "{\"end\":true,\"keys\":1,\"crc32c\":\"e667f97a\"}\n";
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	struct addr a = ip("203.0.113.10");
	int64_t	 t, saved;
	char	*got;
	size_t	 len;

	ck_assert_int_eq(ktime_parse("2026-03-05T10:00:00Z", 20, &t), 0);
	ck_assert_int_eq(ktime_parse("2026-03-05T10:00:07Z", 20, &saved), 0);
	ck_assert_int_eq(dedup_check(d, "kv-ti-v4", 8, &a, t), 1);
	ck_assert_int_eq(dedup_check(d, "kv-ti-v4", 8, &a, t - 2 * HOUR), 1);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, saved),
	    STATE_OK);
	got = slurp(path, &len);
	ck_assert_str_eq(got, want);
	ck_assert_uint_eq(len, sizeof(want) - 1);
	/* The checksum is of everything before the trailer. */
	ck_assert_uint_eq(crc32c(0, want, (size_t)(strstr(want, "{\"end\"") -
	    want)), 0xe667f97a);
	free(got);
	dedup_free(d);
}
END_TEST

/* The id forms: text with \" and \\, hex for the rest. */
START_TEST(format_ids)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	struct addr a = ip("2001:DB8:0::1");
	char	*got;
	size_t	 len;

	ck_assert_int_eq(dedup_check(d, "a\"b\\c", 5, &a, T0), 1);
	ck_assert_int_eq(state_save(d, path, 0, 7 * DAY_TICKS, T0), STATE_OK);
	got = slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(got, "\n{\"IndicatorId\":\"a\\\"b\\\\c\","
	    "\"Address\":\"2001:db8::1\",\"Times\":[\""));
	ck_assert_ptr_nonnull(strstr(got, "\"window_ticks\":0,"));
	free(got);
	dedup_free(d);
	d = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	ck_assert_int_eq(dedup_check(d, "\xff\x00\x1f", 3, &a, T0), 1);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0), STATE_OK);
	got = slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(got,
	    "\n{\"IndicatorIdHex\":\"ff001f\",\"Address\":\"2001:db8::1\""));
	free(got);
	dedup_free(d);
}
END_TEST

START_TEST(empty_table)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000), *e;
	struct state_info info;

	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0), STATE_OK);
	e = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	ck_assert_int_eq(state_load(e, path, 1000, &info), STATE_OK);
	ck_assert_uint_eq(info.keys, 0);
	ck_assert_uint_eq(nkeys(e), 0);
	dedup_free(d);
	dedup_free(e);
}
END_TEST

START_TEST(missing)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	struct state_info info;

	errno = 0;
	ck_assert_int_eq(state_load(d, path, 1000, &info), STATE_MISSING);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_uint_eq(nkeys(d), 0);
	ck_assert_ptr_null(info.reason);
	/* A directory that is not there either. */
	snprintf(path, sizeof(path), "%s/no/such", dir);
	ck_assert_int_eq(state_load(d, path, 1000, NULL), STATE_MISSING);
	dedup_free(d);
}
END_TEST

START_TEST(not_regular)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000);

	errno = 0;
	ck_assert_int_eq(state_load(d, dir, 1000, NULL), STATE_IO);
	ck_assert_int_eq(errno, EISDIR);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	errno = 0;
	ck_assert_int_eq(state_load(d, path, 1000, NULL), STATE_IO);
	ck_assert_int_eq(errno, EINVAL);
	ck_assert_uint_eq(nkeys(d), 0);
	dedup_free(d);
}
END_TEST

/* A later minor: members unknown to 1.0 anywhere, white space, order. */
START_TEST(later_minor)
{
	struct dedup *d;
	struct state_info info;
	struct addr a = ip("198.51.100.7");
	int64_t	 t;

	spew_sealed("{ \"window_ticks\" : 60, \"minor\":7,\"major\":1,"
	    "\"saved\":\"2026-03-05T10:00:07Z\",\"format\":\"kv-match-state\","
	    "\"new\":{\"nested\":[1,2]},\"writer\":\"kv-match 9.9\"}\n"
	    "{\"Time\":\"2026-03-05T10:00:00.0000000Z\",\"Address\":"
	    "\"198.51.100.7\",\"IndicatorId\":\"i\\u00e9\\n\",\"Score\":3}\n"
	    "\t{\"IndicatorIdHex\":\"00ff\",\"Address\":\"::ffff:c633:6407\","
	    "\"Time\":\"2026-03-05T11:00:00Z\",\"end\":false} \n", 2);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_OK);
	ck_assert_uint_eq(info.minor, 7);
	ck_assert_int_eq(info.window, 60);
	ck_assert_uint_eq(info.keys, 2);
	ck_assert_uint_eq(nkeys(d), 2);
	ck_assert_int_eq(ktime_parse("2026-03-05T10:00:00Z", 20, &t), 0);
	ck_assert_int_eq(dedup_check(d, "i\xc3\xa9\n", 4, &a, t + 1), 0);
	ck_assert_int_eq(dedup_check(d, "\0\xff", 2, &a, t + HOUR + 1), 0);
	ck_assert_uint_eq(nkeys(d), 2);
	dedup_free(d);
}
END_TEST

/* Past max_keys the newest keys are kept, the others counted. */
START_TEST(max_keys)
{
	struct dedup *d = dedup_new(1000 * HOUR, 7 * DAY_TICKS, 100000), *e;
	struct keyset ks;
	struct state_info info;
	char	 id[32];
	unsigned i, held;
	/* Scrambled times, so that the file order is not the time order. */
	const unsigned n = 1000, keep = 10;

	ks.k = calloc(n, sizeof(*ks.k));
	ck_assert_ptr_nonnull(ks.k);
	ks.n = 0;
	ks.bad = 0;
	for (i = 0; i < n; i++) {
		unsigned j = (i * 7919u) % n;
		int	 len = snprintf(id, sizeof(id), "k%u", j);

		keyset_add(&ks, id, (size_t)len, "192.0.2.1", T0 + j);
		ck_assert_int_eq(dedup_check(d, id, (size_t)len, &ks.k[i].a,
		    T0 + j), 1);
	}
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0), STATE_OK);
	e = dedup_new(1000 * HOUR, 7 * DAY_TICKS, 100000);
	ck_assert_int_eq(state_load(e, path, keep, &info), STATE_OK);
	ck_assert_uint_eq(info.keys, n);
	ck_assert_uint_eq(info.restored, keep);
	ck_assert_uint_eq(info.dropped, n - keep);
	ck_assert_uint_eq(nkeys(e), keep);
	dedup_foreach(e, keyset_visit, &ks);
	ck_assert_int_eq(ks.bad, 0);
	for (i = 0, held = 0; i < n; i++)
		if (ks.k[i].seen) {
			held++;
			ck_assert_msg(ks.k[i].t >= T0 + n - keep,
			    "an old key kept: %lld",
			    (long long)(ks.k[i].t - T0));
		}
	ck_assert_uint_eq(held, keep);
	dedup_free(e);
	/* 0 is taken as 1: the newest. */
	e = dedup_new(1000 * HOUR, 7 * DAY_TICKS, 100000);
	ck_assert_int_eq(state_load(e, path, 0, &info), STATE_OK);
	ck_assert_uint_eq(nkeys(e), 1);
	ck_assert_int_eq(dedup_check(e, "k999", 4, &ks.k[0].a, T0 + 999), 0);
	keyset_free(&ks);
	dedup_free(d);
	dedup_free(e);
}
END_TEST

/* An id longer than STATE_ID_MAX is left out; the rest is saved. */
START_TEST(long_id_left_out)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000), *e;
	struct addr a = ip("192.0.2.1");
	char	*id = malloc(STATE_ID_MAX + 1);

	ck_assert_ptr_nonnull(id);
	memset(id, 'x', STATE_ID_MAX + 1);
	ck_assert_int_eq(dedup_check(d, id, STATE_ID_MAX + 1, &a, T0), 1);
	ck_assert_int_eq(dedup_check(d, "short", 5, &a, T0), 1);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0), STATE_OK);
	e = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	ck_assert_int_eq(state_load(e, path, 1000, NULL), STATE_OK);
	ck_assert_uint_eq(nkeys(e), 1);
	ck_assert_int_eq(dedup_check(e, "short", 5, &a, T0 + 1), 0);
	ck_assert_int_eq(dedup_check(e, id, STATE_ID_MAX + 1, &a, T0 + 1), 1);
	free(id);
	dedup_free(d);
	dedup_free(e);
}
END_TEST

/* A new save replaces the old file; loading is not disturbed by keys. */
START_TEST(save_replaces)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000), *e;
	struct addr a = ip("192.0.2.1");

	ck_assert_int_eq(dedup_check(d, "old", 3, &a, T0), 1);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0), STATE_OK);
	ck_assert_int_eq(dedup_check(d, "new", 3, &a, T0 + 1), 1);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0 + 1), STATE_OK);
	ck_assert_int_eq(dir_entries(dir), 1);
	e = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	ck_assert_int_eq(state_load(e, path, 1000, NULL), STATE_OK);
	ck_assert_uint_eq(nkeys(e), 2);
	dedup_free(e);
	/* A relative path saves in the working directory. */
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(state_save(d, "rel", HOUR, 7 * DAY_TICKS, T0), STATE_OK);
	ck_assert_int_eq(access("rel", R_OK), 0);
	ck_assert_int_eq(dir_entries(dir), 2);
	ck_assert_int_eq(chdir("/"), 0);
	dedup_free(d);
}
END_TEST

/* A save into a directory that is not there fails, leaving nothing. */
START_TEST(save_fails_nodir)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	struct addr a = ip("192.0.2.1");
	char	 p[PATH_MAX + 16];

	ck_assert_int_eq(dedup_check(d, "k", 1, &a, T0), 1);
	snprintf(p, sizeof(p), "%s/no/state", dir);
	errno = 0;
	ck_assert_int_eq(state_save(d, p, HOUR, 7 * DAY_TICKS, T0), STATE_IO);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_eq(dir_entries(dir), 0);
	/* A directory in the way of the file. */
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0), STATE_IO);
	ck_assert_int_eq(dir_entries(dir), 1);
	ck_assert_int_eq(rmdir(path), 0);
	dedup_free(d);
}
END_TEST

/*
 * A save that fails half-way (here the file size limit, which holds for
 * root too) leaves the old file as it was and no temporary file.
 */
START_TEST(save_fails_atomic)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 100000), *e;
	struct addr a = ip("192.0.2.1");
	struct rlimit rl;
	rlim_t	 old;
	char	*before, *after, id[32];
	size_t	 blen, alen;
	unsigned i;

	ck_assert_int_eq(dedup_check(d, "old", 3, &a, T0), 1);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0), STATE_OK);
	before = slurp(path, &blen);
	for (i = 0; i < 20000; i++)
		ck_assert_int_eq(dedup_check(d, id, (size_t)snprintf(id,
		    sizeof(id), "key-%u", i), &a, T0 + i), 1);
	signal(SIGXFSZ, SIG_IGN);
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &rl), 0);
	old = rl.rlim_cur;
	rl.rlim_cur = 100000;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	errno = 0;
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0 + 1), STATE_IO);
	ck_assert_int_eq(errno, EFBIG);
	rl.rlim_cur = old;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	ck_assert_int_eq(dir_entries(dir), 1);
	after = slurp(path, &alen);
	ck_assert_uint_eq(alen, blen);
	ck_assert_mem_eq(after, before, blen);
	e = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	ck_assert_int_eq(state_load(e, path, 1000, NULL), STATE_OK);
	ck_assert_uint_eq(nkeys(e), 1);
	free(before);
	free(after);
	dedup_free(d);
	dedup_free(e);
}
END_TEST

START_TEST(set_aside_names)
{
	char	 np[PATH_MAX + 16], want[PATH_MAX + 16], *got;
	size_t	 len;
	int	 i;

	spew(path, "one", 3);
	ck_assert_int_eq(state_set_aside(path, np, sizeof(np)), 0);
	snprintf(want, sizeof(want), "%s.bad", path);
	ck_assert_str_eq(np, want);
	ck_assert_int_eq(access(path, F_OK), -1);
	got = slurp(want, &len);
	ck_assert_str_eq(got, "one");
	free(got);
	for (i = 1; i <= 3; i++) {
		spew(path, "two", 3);
		ck_assert_int_eq(state_set_aside(path, np, sizeof(np)), 0);
		snprintf(want, sizeof(want), "%s.bad.%d", path, i);
		ck_assert_str_eq(np, want);
		ck_assert_int_eq(access(path, F_OK), -1);
	}
	/* The first is still there, unchanged. */
	snprintf(want, sizeof(want), "%s.bad", path);
	got = slurp(want, &len);
	ck_assert_str_eq(got, "one");
	free(got);
	ck_assert_int_eq(dir_entries(dir), 4);
	/* A gap is reused: the first free name wins. */
	snprintf(want, sizeof(want), "%s.bad.2", path);
	ck_assert_int_eq(unlink(want), 0);
	spew(path, "three", 5);
	ck_assert_int_eq(state_set_aside(path, np, sizeof(np)), 0);
	ck_assert_str_eq(np, want);
}
END_TEST

START_TEST(set_aside_errors)
{
	char	 np[PATH_MAX + 16], small[8];

	errno = 0;
	ck_assert_int_eq(state_set_aside(path, np, sizeof(np)), -1);
	ck_assert_int_eq(errno, ENOENT);
	spew(path, "x", 1);
	errno = 0;
	ck_assert_int_eq(state_set_aside(path, small, sizeof(small)), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(dir_entries(dir), 1);
}
END_TEST

START_TEST(strerror_texts)
{
	ck_assert_str_eq(state_strerror(STATE_OK), "success");
	ck_assert_str_eq(state_strerror(STATE_MISSING), "no state file");
	ck_assert_str_eq(state_strerror(STATE_DAMAGED),
	    "damaged or foreign state file");
	ck_assert_str_eq(state_strerror(STATE_IO), "I/O error");
	ck_assert_ptr_nonnull(state_strerror((enum state_status)99));
}
END_TEST

/* ---- Damage ---------------------------------------------------------- */

/* A small state file of three keys, its bytes in *len. */
static char *
small_file(size_t *len)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	struct addr a = ip("203.0.113.10"), b = ip("2001:db8::1");

	ck_assert_int_eq(dedup_check(d, "i1", 2, &a, T0), 1);
	ck_assert_int_eq(dedup_check(d, "q\"\\", 3, &b, T0 + 1), 1);
	ck_assert_int_eq(dedup_check(d, "\xff", 1, &a, T0 + 2), 1);
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0), STATE_OK);
	dedup_free(d);
	return slurp(path, len);
}

START_TEST(every_truncation)
{
	struct dedup *d;
	char	*good, what[64];
	size_t	 len, n;

	good = small_file(&len);
	ck_assert_int_eq(load_fresh(&d, NULL), STATE_OK);
	ck_assert_uint_eq(nkeys(d), 3);
	dedup_free(d);
	for (n = 0; n < len; n++) {
		spew(path, good, n);
		snprintf(what, sizeof(what), "first %zu of %zu bytes", n, len);
		ck_damaged(what);
	}
	free(good);
}
END_TEST

START_TEST(every_flipped_byte)
{
	/*
	 * Every bit and the whole byte; with AddressSanitizer, whose
	 * memory checks do not depend on which bit is wrong, the lowest,
	 * the highest and the whole byte (a third of the time).
	 */
	static const unsigned char masks[] = {
#ifdef UNDER_ASAN
		0x01, 0x80, 0xff
#else
		0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80, 0xff
#endif
	};
	char	*good, what[64];
	size_t	 len, i, m;

	good = small_file(&len);
	for (i = 0; i < len; i++)
		for (m = 0; m < sizeof(masks); m++) {
			good[i] ^= (char)masks[m];
			spew(path, good, len);
			good[i] ^= (char)masks[m];
			snprintf(what, sizeof(what), "byte %zu ^ %#x", i,
			    masks[m]);
			ck_damaged(what);
		}
	free(good);
}
END_TEST

/* A byte added or dropped anywhere, or a line doubled. */
START_TEST(inserted_and_dropped)
{
	char	*good, *buf, what[64];
	size_t	 len, i, nl, tr;

	good = small_file(&len);
	buf = malloc(2 * len);
	ck_assert_ptr_nonnull(buf);
	/*
	 * A space before the trailer changes the checksummed bytes, even
	 * where JSON allows white space; one after the last newline is a
	 * line of its own.
	 */
	tr = (size_t)(strstr(good, "{\"end\"") - good);
	for (i = 0; i <= len; i++) {
		if (i >= tr && i < len)
			continue;
		memcpy(buf, good, i);
		buf[i] = ' ';
		memcpy(buf + i + 1, good + i, len - i);
		spew(path, buf, len + 1);
		snprintf(what, sizeof(what), "space at %zu", i);
		ck_damaged(what);
	}
	/* In the trailer, white space between tokens is read. */
	memcpy(buf, good, tr + 1);
	buf[tr + 1] = ' ';
	memcpy(buf + tr + 2, good + tr + 1, len - tr - 1);
	spew(path, buf, len + 1);
	{
		struct dedup *d;

		ck_assert_int_eq(load_fresh(&d, NULL), STATE_OK);
		ck_assert_uint_eq(nkeys(d), 3);
		dedup_free(d);
	}
	for (i = 0; i < len; i++) {
		memcpy(buf, good, i);
		memcpy(buf + i, good + i + 1, len - i - 1);
		spew(path, buf, len - 1);
		snprintf(what, sizeof(what), "byte %zu dropped", i);
		ck_damaged(what);
	}
	/* The second line (a key) twice. */
	nl = (size_t)(strchr(good, '\n') - good) + 1;
	i = (size_t)(strchr(good + nl, '\n') - good) + 1;
	memcpy(buf, good, i);
	memcpy(buf + i, good + nl, i - nl);
	memcpy(buf + i + (i - nl), good + i, len - i);
	spew(path, buf, len + (i - nl));
	ck_damaged("a key line doubled");
	free(buf);
	free(good);
}
END_TEST

START_TEST(empty_file)
{
	struct dedup *d;
	struct state_info info;

	spew(path, "", 0);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_DAMAGED);
	ck_assert_str_eq(info.reason, "empty file");
	ck_assert_uint_eq(nkeys(d), 0);
	dedup_free(d);
	spew(path, "\n", 1);
	ck_damaged("one newline");
}
END_TEST

START_TEST(other_majors)
{
	struct dedup *d;
	struct state_info info;

	spew_sealed("{\"format\":\"kv-match-state\",\"major\":3,\"minor\":0,"
	    "\"saved\":\"2026-03-05T10:00:07Z\",\"window_ticks\":1,"
	    "\"max_delay_ticks\":1}\n" KEY2, 1);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_DAMAGED);
	ck_assert_str_eq(info.reason, "unsupported version");
	ck_assert_uint_eq(info.major, 3);
	ck_assert_uint_eq(info.line, 1);
	ck_assert_uint_eq(nkeys(d), 0);
	dedup_free(d);
	/* A later major is refused whatever follows its header. */
	{
		static const char v2[] =
		    "{\"format\":\"kv-match-state\",\"major\":3}\nBINARY\1\2";

		spew(path, v2, sizeof(v2) - 1);
	}
	ck_assert_int_eq(load_fresh(&d, &info), STATE_DAMAGED);
	ck_assert_str_eq(info.reason, "unsupported version");
	dedup_free(d);
	spew_sealed("{\"format\":\"kv-match-state\",\"major\":0,\"minor\":9,"
	    "\"saved\":\"2026-03-05T10:00:07Z\",\"window_ticks\":1}\n", 0);
	ck_damaged("major 0");
	spew_sealed("{\"format\":\"kv-match-state\",\"major\":1.0,\"minor\":0,"
	    "\"saved\":\"2026-03-05T10:00:07Z\",\"window_ticks\":1}\n", 0);
	ck_damaged("major 1.0");
	spew_sealed("{\"format\":\"kv-match-state\",\"major\":\"1\","
	    "\"minor\":0,\"saved\":\"2026-03-05T10:00:07Z\","
	    "\"window_ticks\":1}\n", 0);
	ck_damaged("major as a string");
	spew_sealed("{\"format\":\"kv-match-state\",\"major\":4294967297,"
	    "\"minor\":0,\"saved\":\"2026-03-05T10:00:07Z\","
	    "\"window_ticks\":1}\n", 0);
	ck_damaged("major 2^32 + 1");
}
END_TEST

START_TEST(foreign_files)
{
	static const char *const foreign[] = {
		"{\"a\":1}\n",
		"[1,2,3]\n",
		"TIDX\0\0\0\0\1\0\0\0",
		"kv-match-state\n",
		"{\"format\":\"kv-match-stat\",\"major\":1,\"minor\":0,"
		    "\"saved\":\"2026-03-05T10:00:07Z\",\"window_ticks\":1}\n",
		"{\"format\":\"KV-MATCH-STATE\",\"major\":1,\"minor\":0,"
		    "\"saved\":\"2026-03-05T10:00:07Z\",\"window_ticks\":1}\n",
		"{\"format\":[\"kv-match-state\"],\"major\":1}\n",
		"{\"end\":true,\"keys\":0,\"crc32c\":\"00000000\"}\n",
		"\xef\xbb\xbf" HEADER,
	};
	char	 what[32];
	size_t	 i;

	for (i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		/* Sealed, so that only the content is wrong. */
		spew_sealed(foreign[i], 0);
		snprintf(what, sizeof(what), "foreign file %zu", i);
		ck_damaged(what);
	}
	/* Lines of random bytes. */
	{
		char	 buf[4096];
		unsigned seed = 12345;

		for (i = 0; i < sizeof(buf); i++) {
			seed = seed * 1103515245u + 12345u;
			buf[i] = (char)(seed >> 16);
		}
		spew(path, buf, sizeof(buf));
		ck_damaged("random bytes");
	}
}
END_TEST

/* Each fault alone, in a file that is otherwise right (and sealed). */
START_TEST(bad_lines)
{
	static const struct {
		const char	*what, *body;
		unsigned	 keys;
	} cases[] = {
		{ "no minor", "{\"format\":\"kv-match-state\",\"major\":1,"
		    "\"saved\":\"2026-03-05T10:00:07Z\",\"window_ticks\":1}\n",
		    0 },
		{ "no saved", "{\"format\":\"kv-match-state\",\"major\":1,"
		    "\"minor\":0,\"window_ticks\":1}\n", 0 },
		{ "bad saved", "{\"format\":\"kv-match-state\",\"major\":1,"
		    "\"minor\":0,\"saved\":\"yesterday\",\"window_ticks\":1}\n",
		    0 },
		{ "no window", "{\"format\":\"kv-match-state\",\"major\":1,"
		    "\"minor\":0,\"saved\":\"2026-03-05T10:00:07Z\"}\n", 0 },
		{ "negative window", "{\"format\":\"kv-match-state\","
		    "\"major\":1,\"minor\":0,\"saved\":\"2026-03-05T10:00:07Z\","
		    "\"window_ticks\":-1}\n", 0 },
		{ "window past int64", "{\"format\":\"kv-match-state\","
		    "\"major\":1,\"minor\":0,\"saved\":\"2026-03-05T10:00:07Z\","
		    "\"window_ticks\":9223372036854775808}\n", 0 },
		{ "key without id", HEADER "{\"Address\":\"203.0.113.10\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}\n", 1 },
		{ "key with both ids", HEADER "{\"IndicatorId\":\"a\","
		    "\"IndicatorIdHex\":\"61\",\"Address\":\"203.0.113.10\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}\n", 1 },
		{ "id a number", HEADER "{\"IndicatorId\":7,"
		    "\"Address\":\"203.0.113.10\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}\n", 1 },
		{ "hex odd", HEADER "{\"IndicatorIdHex\":\"abc\","
		    "\"Address\":\"203.0.113.10\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}\n", 1 },
		{ "hex upper case", HEADER "{\"IndicatorIdHex\":\"AB\","
		    "\"Address\":\"203.0.113.10\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}\n", 1 },
		{ "hex not hex", HEADER "{\"IndicatorIdHex\":\"zz\","
		    "\"Address\":\"203.0.113.10\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}\n", 1 },
		{ "bad address", HEADER "{\"IndicatorId\":\"a\","
		    "\"Address\":\"203.0.113.256\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}\n", 1 },
		{ "address with port", HEADER "{\"IndicatorId\":\"a\","
		    "\"Address\":\"203.0.113.1:80\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}\n", 1 },
		{ "no address", HEADER "{\"IndicatorId\":\"a\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}\n", 1 },
		{ "bad time", HEADER "{\"IndicatorId\":\"a\","
		    "\"Address\":\"203.0.113.1\","
		    "\"Time\":\"2026-02-30T10:00:00Z\"}\n", 1 },
		{ "time a number", HEADER "{\"IndicatorId\":\"a\","
		    "\"Address\":\"203.0.113.1\",\"Time\":1700000000}\n", 1 },
		{ "no time", HEADER "{\"IndicatorId\":\"a\","
		    "\"Address\":\"203.0.113.1\"}\n", 1 },
		{ "key an array", HEADER "[\"a\",\"203.0.113.1\"]\n", 1 },
		{ "empty line", HEADER "\n" KEY1, 1 },
		{ "white line", HEADER " \n" KEY1, 1 },
		{ "two objects on a line", HEADER
		    "{\"IndicatorId\":\"a\",\"Address\":\"203.0.113.1\","
		    "\"Time\":\"2026-03-05T10:00:00Z\"}{}\n", 1 },
		{ "count too low", HEADER KEY1 KEY1, 1 },
		{ "count too high", HEADER KEY1, 2 },
	};
	size_t	 i;

	/* The harness itself makes a good file. */
	spew_sealed(HEADER KEY1, 1);
	{
		struct dedup *d;

		ck_assert_int_eq(load_fresh(&d, NULL), STATE_OK);
		ck_assert_uint_eq(nkeys(d), 1);
		dedup_free(d);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		spew_sealed(cases[i].body, cases[i].keys);
		ck_damaged(cases[i].what);
	}
}
END_TEST

/*
 * Expand a trailer template: "@L" is the right checksum in lower case,
 * "@U" in upper case, "@7" in seven digits, "@D" in decimal.
 */
static size_t
expand(char *out, size_t size, const char *tmpl, uint32_t crc)
{
	size_t	 n = 0;

	while (*tmpl != '\0' && n + 16 < size) {
		if (tmpl[0] != '@' || tmpl[1] == '\0') {
			out[n++] = *tmpl++;
			continue;
		}
		switch (tmpl[1]) {
		case 'L':
			n += (size_t)snprintf(out + n, size - n, "%08x", crc);
			break;
		case 'U':
			n += (size_t)snprintf(out + n, size - n, "%08X", crc);
			break;
		case '7':
			n += (size_t)snprintf(out + n, size - n, "%07x",
			    crc & 0xfffffff);
			break;
		default:
			n += (size_t)snprintf(out + n, size - n, "%u", crc);
			break;
		}
		tmpl += 2;
	}
	out[n] = '\0';
	return n;
}

START_TEST(bad_trailers)
{
	static const char *const trailers[] = {
		"{\"end\":true,\"keys\":1}\n",
		"{\"end\":true,\"crc32c\":\"@L\"}\n",
		"{\"end\":true,\"keys\":1,\"crc32c\":\"@U\"}\n",
		"{\"end\":true,\"keys\":1,\"crc32c\":\"0x@L\"}\n",
		"{\"end\":true,\"keys\":1,\"crc32c\":\"@7\"}\n",
		"{\"end\":true,\"keys\":1,\"crc32c\":\"@L0\"}\n",
		"{\"end\":true,\"keys\":1,\"crc32c\":@D}\n",
		"{\"end\":true,\"keys\":-1,\"crc32c\":\"@L\"}\n",
		"{\"end\":true,\"keys\":1e0,\"crc32c\":\"@L\"}\n",
		"{\"end\":true,\"keys\":01,\"crc32c\":\"@L\"}\n",
		"{\"end\":true,\"keys\":\"1\",\"crc32c\":\"@L\"}\n",
		"{\"end\":1,\"keys\":1,\"crc32c\":\"@L\"}\n",
		"{\"end\":\"true\",\"keys\":1,\"crc32c\":\"@L\"}\n",
		"{\"end\":true,\"keys\":1,\"crc32c\":\"@L\"}\n\n",
		"{\"end\":true,\"keys\":1,\"crc32c\":\"@L\"}\n" KEY1,
		("{\"end\":true,\"keys\":1,\"crc32c\":\"@L\"}\n"
		    "{\"end\":true,\"keys\":1,\"crc32c\":\"@L\"}\n"),
		"{\"end\":true,\"keys\":1,\"crc32c\":\"@L\"}",
		"{\"end\":true,\"keys\":1,\"crc32c\":\"@L\"}\r",
		"{\"end\":true,\"keys\":1,\"crc32c\":\"@L\"}\n\0",
	};
	const char *body = HEADER KEY1;
	uint32_t crc = crc32c(0, body, strlen(body));
	char	 buf[1024], what[32];
	size_t	 i, n;

	/* The right one, for contrast, with white space between tokens. */
	n = strlen(body);
	memcpy(buf, body, n);
	n += expand(buf + n, sizeof(buf) - n, "{ \"end\" : true ,\t\"keys\":1,"
	    "\"crc32c\":\"@L\" }\n", crc);
	spew(path, buf, n);
	{
		struct dedup *d;

		ck_assert_int_eq(load_fresh(&d, NULL), STATE_OK);
		ck_assert_uint_eq(nkeys(d), 1);
		dedup_free(d);
	}
	for (i = 0; i < sizeof(trailers) / sizeof(trailers[0]); i++) {
		n = strlen(body);
		memcpy(buf, body, n);
		n += expand(buf + n, sizeof(buf) - n, trailers[i], crc);
		/* The last template ends in a NUL byte after the newline. */
		if (i == sizeof(trailers) / sizeof(trailers[0]) - 1)
			buf[n++] = '\0';
		spew(path, buf, n);
		snprintf(what, sizeof(what), "trailer %zu", i);
		ck_damaged(what);
	}
	/* A checksum of one bit off. */
	n = strlen(body);
	memcpy(buf, body, n);
	n += expand(buf + n, sizeof(buf) - n,
	    "{\"end\":true,\"keys\":1,\"crc32c\":\"@L\"}\n", crc ^ 1);
	spew(path, buf, n);
	ck_damaged("checksum off by a bit");
}
END_TEST

/* Lines over STATE_LINE_MAX are refused, long ids too. */
START_TEST(limits)
{
	char	*body, *p;
	size_t	 n;
	struct dedup *d;
	struct state_info info;

	body = malloc(3 * STATE_LINE_MAX + 1000);
	ck_assert_ptr_nonnull(body);
	/* A key line of STATE_LINE_MAX bytes is read... */
	p = body + sprintf(body, "%s{\"IndicatorId\":\"a\",\"Address\":"
	    "\"203.0.113.1\",\"Time\":\"2026-03-05T10:00:00Z\",\"pad\":\"",
	    HEADER);
	n = STATE_LINE_MAX - (size_t)(p - body - (sizeof(HEADER) - 1)) - 2;
	memset(p, 'x', n);
	strcpy(p + n, "\"}\n");
	spew_sealed(body, 1);
	ck_assert_int_eq(load_fresh(&d, NULL), STATE_OK);
	ck_assert_uint_eq(nkeys(d), 1);
	dedup_free(d);
	/* ...and one byte more is not. */
	memset(p, 'x', n + 1);
	strcpy(p + n + 1, "\"}\n");
	spew_sealed(body, 1);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_DAMAGED);
	ck_assert_str_eq(info.reason, "line too long");
	ck_assert_uint_eq(info.line, 2);
	dedup_free(d);
	/* A long line with no newline at all. */
	memset(body, '{', 3 * STATE_LINE_MAX);
	spew(path, body, 3 * STATE_LINE_MAX);
	ck_damaged("a long line without newline");

	/* An id of STATE_ID_MAX bytes is read, one more is not. */
	p = body + sprintf(body, "%s{\"IndicatorId\":\"", HEADER);
	memset(p, 'i', STATE_ID_MAX);
	sprintf(p + STATE_ID_MAX, "\",\"Address\":\"203.0.113.1\","
	    "\"Time\":\"2026-03-05T10:00:00Z\"}\n");
	spew_sealed(body, 1);
	ck_assert_int_eq(load_fresh(&d, NULL), STATE_OK);
	dedup_free(d);
	memset(p, 'i', STATE_ID_MAX + 1);
	sprintf(p + STATE_ID_MAX + 1, "\",\"Address\":\"203.0.113.1\","
	    "\"Time\":\"2026-03-05T10:00:00Z\"}\n");
	spew_sealed(body, 1);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_DAMAGED);
	ck_assert_str_eq(info.reason, "IndicatorId too long");
	dedup_free(d);
	p = body + sprintf(body, "%s{\"IndicatorIdHex\":\"", HEADER);
	memset(p, 'a', 2 * STATE_ID_MAX + 2);
	sprintf(p + 2 * STATE_ID_MAX + 2, "\",\"Address\":\"203.0.113.1\","
	    "\"Time\":\"2026-03-05T10:00:00Z\"}\n");
	spew_sealed(body, 1);
	ck_damaged("hex id one byte too long");
	free(body);
}
END_TEST

/* Where the damage is reported. */
START_TEST(damage_reasons)
{
	struct dedup *d;
	struct state_info info;
	char	*good;
	size_t	 len;

	good = small_file(&len);
	/* Cut after the last key line: no trailer. */
	spew(path, good, (size_t)(strstr(good, "{\"end\"") - good));
	ck_assert_int_eq(load_fresh(&d, &info), STATE_DAMAGED);
	ck_assert_str_eq(info.reason, "no trailer (truncated)");
	ck_assert_uint_eq(info.line, 0);
	dedup_free(d);
	/* A key changed: the checksum, on the trailer's line 5. */
	*strstr(good, "i1") = 'j';
	spew(path, good, len);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_DAMAGED);
	ck_assert_str_eq(info.reason, "checksum mismatch");
	ck_assert_uint_eq(info.line, 5);
	ck_assert_uint_eq(info.keys, 3);
	dedup_free(d);
	/* Without the final newline. */
	*strstr(good, "j1") = 'i';
	spew(path, good, len - 1);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_DAMAGED);
	ck_assert_str_eq(info.reason, "truncated");
	dedup_free(d);
	free(good);
}
END_TEST

/* A table that already holds keys keeps them on damage, adds none. */
START_TEST(damage_leaves_table)
{
	struct dedup *d = dedup_new(HOUR, 7 * DAY_TICKS, 1000);
	struct addr a = ip("192.0.2.1");
	char	*good;
	size_t	 len;

	good = small_file(&len);
	ck_assert_int_eq(dedup_check(d, "mine", 4, &a, T0), 1);
	spew(path, good, len - 2);
	ck_assert_int_eq(state_load(d, path, 1000, NULL), STATE_DAMAGED);
	ck_assert_uint_eq(nkeys(d), 1);
	ck_assert_int_eq(dedup_check(d, "mine", 4, &a, T0 + 1), 0);
	/* And a good file adds to them. */
	spew(path, good, len);
	ck_assert_int_eq(state_load(d, path, 1000, NULL), STATE_OK);
	ck_assert_uint_eq(nkeys(d), 4);
	free(good);
	dedup_free(d);
}
END_TEST

/* A file of major 1 is converted: each key's Time is its one alert time. */
START_TEST(convert_v1)
{
	struct dedup *d;
	struct state_info info;
	struct addr a = ip("203.0.113.10");
	int64_t	 t;
	char	*got;
	size_t	 len;

	ck_assert_int_eq(ktime_parse("2026-03-05T10:00:00Z", 20, &t), 0);
	spew_sealed(HEADER KEY1, 1);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_OK);
	ck_assert_uint_eq(info.major, 1);
	ck_assert_uint_eq(info.keys, 1);
	ck_assert_uint_eq(info.restored, 1);
	ck_assert_int_eq(info.max_delay, 0);
	ck_assert_uint_eq(nkeys(d), 1);
	ck_assert_int_eq(dedup_check(d, "i1", 2, &a, t + HOUR - 1), 0);
	ck_assert_int_eq(dedup_check(d, "i1", 2, &a, t - HOUR + 1), 0);
	ck_assert_int_eq(dedup_check(d, "i1", 2, &a, t - HOUR), 1);
	/* Saved again, it is major 2 with both times. */
	ck_assert_int_eq(state_save(d, path, HOUR, 7 * DAY_TICKS, T0),
	    STATE_OK);
	got = slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(got, "\"major\":2,"));
	ck_assert_ptr_nonnull(strstr(got, "\"Times\":["
	    "\"2026-03-05T09:00:00.0000000Z\","
	    "\"2026-03-05T10:00:00.0000000Z\"]}\n"));
	free(got);
	dedup_free(d);
	/* A 1.x key line with Times instead of Time is damaged. */
	spew_sealed(HEADER KEY2, 1);
	ck_damaged("1.0 key with Times");
}
END_TEST

/*
 * Keys with many times round-trip exactly: a key with more than
 * STATE_TIMES_PER_LINE takes several lines, whose union is read back.
 */
START_TEST(round_trip_many_times)
{
	const unsigned n = 2 * STATE_TIMES_PER_LINE + 3;
	struct dedup *d = dedup_new(HOUR, 365 * DAY_TICKS, 1000000), *e;
	struct dedup_stats st;
	struct state_info info;
	struct addr a = ip("2001:db8::9"), b = ip("198.51.100.1");
	unsigned i;

	for (i = 0; i < n; i++)
		ck_assert_int_eq(dedup_check(d, "many", 4, &a,
		    T0 - (int64_t)i * 2 * HOUR), 1);
	ck_assert_int_eq(dedup_check(d, "one", 3, &b, T0), 1);
	ck_assert_int_eq(state_save(d, path, HOUR, 365 * DAY_TICKS, T0),
	    STATE_OK);
	e = dedup_new(HOUR, 365 * DAY_TICKS, 1000000);
	ck_assert_int_eq(state_load(e, path, 1000000, &info), STATE_OK);
	ck_assert_uint_eq(info.keys, 4);
	ck_assert_uint_eq(info.restored, n + 1);
	ck_assert_int_eq(info.max_delay, 365 * DAY_TICKS);
	dedup_get_stats(e, &st);
	ck_assert_uint_eq(st.keys, 2);
	ck_assert_uint_eq(st.times, n + 1);
	/* Each time suppresses its neighbourhood, the gaps alert. */
	for (i = 0; i < n; i++) {
		ck_assert_int_eq(dedup_check(e, "many", 4, &a,
		    T0 - (int64_t)i * 2 * HOUR + HOUR - 1), 0);
		ck_assert_int_eq(dedup_check(e, "many", 4, &a,
		    T0 - (int64_t)i * 2 * HOUR - HOUR + 1), 0);
	}
	ck_assert_int_eq(dedup_check(e, "many", 4, &a, T0 + HOUR), 1);
	dedup_free(d);
	dedup_free(e);
	/* max_times counts times: the newest are kept. */
	e = dedup_new(HOUR, 365 * DAY_TICKS, 10);
	ck_assert_int_eq(state_load(e, path, 10, &info), STATE_OK);
	ck_assert_uint_eq(info.restored, 10);
	ck_assert_uint_eq(info.dropped, n + 1 - 10);
	ck_assert_int_eq(dedup_check(e, "one", 3, &b, T0 + 1), 0);
	ck_assert_int_eq(dedup_check(e, "many", 4, &a, T0 + 1), 0);
	dedup_free(e);
}
END_TEST

/* What a 2.x key line and header must hold. */
START_TEST(bad_times)
{
	struct dedup *d;
	struct state_info info;

	spew_sealed(HEADER2 KEY2, 1);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_OK);
	ck_assert_uint_eq(info.restored, 2);
	dedup_free(d);
#define KEYT(times) "{\"IndicatorId\":\"i1\",\"Address\":\"203.0.113.10\"," \
	times "}\n"
	spew_sealed(HEADER2 KEYT("\"Times\":[]"), 1);
	ck_damaged("empty Times");
	spew_sealed(HEADER2 KEYT("\"Times\":[\"yesterday\"]"), 1);
	ck_damaged("a bad time");
	spew_sealed(HEADER2 KEYT("\"Times\":[\"2026-03-05T10:00:00Z\",\"x\"]"),
	    1);
	ck_damaged("a bad second time");
	spew_sealed(HEADER2 KEYT("\"Times\":1"), 1);
	ck_damaged("Times a number");
	/* A lone string is read as an array of one. */
	spew_sealed(HEADER2 KEYT("\"Times\":\"2026-03-05T10:00:00Z\""), 1);
	ck_assert_int_eq(load_fresh(&d, &info), STATE_OK);
	ck_assert_uint_eq(info.restored, 1);
	dedup_free(d);
	spew_sealed(HEADER2 KEYT("\"Time\":\"2026-03-05T10:00:00Z\""), 1);
	ck_damaged("2.0 key with Time");
	spew_sealed(HEADER2 KEYT("\"Times\":[\"\"]"), 1);
	ck_damaged("an empty time");
#undef KEYT
	spew_sealed("{\"format\":\"kv-match-state\",\"major\":2,\"minor\":0,"
	    "\"saved\":\"2026-03-05T10:00:07Z\",\"window_ticks\":1}\n" KEY2, 1);
	ck_damaged("2.0 header without max_delay_ticks");
	spew_sealed("{\"format\":\"kv-match-state\",\"major\":2,\"minor\":0,"
	    "\"saved\":\"2026-03-05T10:00:07Z\",\"window_ticks\":1,"
	    "\"max_delay_ticks\":-1}\n" KEY2, 1);
	ck_damaged("negative max_delay_ticks");
	{
		/* More times on one line than a writer puts there. */
		size_t	 n = 0, i;
		char	*buf = malloc(16384);

		ck_assert_ptr_nonnull(buf);
		n += (size_t)sprintf(buf, "%s%s", HEADER2,
		    "{\"IndicatorId\":\"i1\",\"Address\":\"192.0.2.1\","
		    "\"Times\":[");
		for (i = 0; i <= STATE_TIMES_PER_LINE; i++)
			n += (size_t)sprintf(buf + n, "%s\"2026-03-05T10:00Z\"",
			    i ? "," : "");
		sprintf(buf + n, "]}\n");
		spew_sealed(buf, 1);
		free(buf);
		ck_damaged("too many times on a line");
	}
}
END_TEST

Suite *
state_suite(void)
{
	Suite	*s = suite_create("state");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, round_trip_times);
	tcase_add_test(tc, format_exact);
	tcase_add_test(tc, format_ids);
	tcase_add_test(tc, convert_v1);
	tcase_add_test(tc, round_trip_many_times);
	tcase_add_test(tc, empty_table);
	tcase_add_test(tc, missing);
	tcase_add_test(tc, not_regular);
	tcase_add_test(tc, later_minor);
	tcase_add_test(tc, max_keys);
	tcase_add_test(tc, long_id_left_out);
	tcase_add_test(tc, save_replaces);
	tcase_add_test(tc, save_fails_nodir);
	tcase_add_test(tc, save_fails_atomic);
	tcase_add_test(tc, set_aside_names);
	tcase_add_test(tc, set_aside_errors);
	tcase_add_test(tc, strerror_texts);
	suite_add_tcase(s, tc);

	tc = tcase_create("Damage");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, every_truncation);
	tcase_add_test(tc, every_flipped_byte);
	tcase_add_test(tc, inserted_and_dropped);
	tcase_add_test(tc, empty_file);
	tcase_add_test(tc, other_majors);
	tcase_add_test(tc, foreign_files);
	tcase_add_test(tc, bad_lines);
	tcase_add_test(tc, bad_trailers);
	tcase_add_test(tc, bad_times);
	tcase_add_test(tc, limits);
	tcase_add_test(tc, damage_reasons);
	tcase_add_test(tc, damage_leaves_table);
	suite_add_tcase(s, tc);
	return s;
}
