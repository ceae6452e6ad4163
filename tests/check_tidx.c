/*
 * check_tidx.c: unit tests of the index file module (src/tidx.h): the
 * builder, tidx_builder_write, tidx_open and its validation, tidx_lookup,
 * tidx_entry, tidx_verify, tidx_get_info and tidx_strerror.  "Core" builds
 * a small index of IPv4 and IPv6 addresses whose records use every field
 * (null strings, null confidence, no expiry) and reads it back; "Layout"
 * reads the written bytes with a reader written here from the table in
 * tidx.h alone, so the file must match its documentation; "Limits" covers
 * empty and large indexes, string sharing and byte-for-byte reproducible
 * output; "Damage" truncates, flips and rewrites fields of a valid file
 * (recomputing checksums with crc32c() so that the check of the field
 * itself is what must fail) and expects a status, never a crash.  Files
 * live in a mkdtemp(3) directory that the unchecked fixture removes.
 */
#define _DEFAULT_SOURCE		/* madvise(2), MAP_ANONYMOUS, MADV_HUGEPAGE. */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "addr.h"
#include "crc32c.h"
#include "tidx.h"
#include "tidx_build.h"

#include "check.h"
#include "testlib.h"

#define TICKS		10000000LL
#define DAY		(86400LL * TICKS)
#define T0		(1763640000LL * TICKS)	/* 2025-11-20T12:00:00Z */
#define TABLE_END	(TIDX_HEADER_SIZE + 7 * TIDX_SECTION_SIZE)

static char		 tmpdir[PATH_MAX / 2];		/* The unchecked fixture's. */
static char		 small_path[PATH_MAX];	/* The small index file. */
static struct tidx	*ix;			/* It, opened by small_setup. */

/* The small index: records, then addresses (text as written, record). */
struct srec {
	int64_t		 tg, exp;
	int32_t		 conf;
	const char	*id, *tt, *desc, *ag, *url, *type, *src;
};

static const struct srec srecs[] = {
	{ T0, T0 + DAY, 80, "ind-1", "Botnet", "C2 server", "APT1,APT2",
	    "http://example.com/x", "ThreatIntelligenceIndicator",
	    "drop.txt" },
	{ T0 - 1, INT64_MAX, TIDX_CONF_NULL, "ind-2", NULL, NULL, NULL, NULL,
	    NULL, NULL },
	{ 0, INT64_MIN, INT32_MAX, "ind-3", "Botnet", "", "APT1,APT2",
	    "http://example.com/x", "ThreatIntelligenceIndicator", "" },
	{ INT64_MIN, -1, INT32_MIN + 1, "ind-\xc3\xa9", "Botnet", "C2 server",
	    "APT1,APT2", "http://example.com/x",
	    "ThreatIntelligenceIndicator", "SecurityGraph" }
};
#define NSRECS	(sizeof(srecs) / sizeof(srecs[0]))

struct saddr {
	const char	*text;
	size_t		 rec;
};

static const struct saddr saddrs[] = {
	{ "203.0.113.9", 0 },
	{ "198.51.100.1", 0 },
	{ "0.0.0.0", 1 },
	{ "255.255.255.255", 2 },
	{ "::ffff:192.0.2.255", 2 },
	{ "2001:DB8::1", 1 },
	{ "2001:db8::2", 2 },
	{ "::", 3 },
	{ "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 3 },
	{ "fe80::1", 0 }
};
#define NSADDRS	(sizeof(saddrs) / sizeof(saddrs[0]))
#define NSV4	5

static const struct tidx_params small_params = {
	T0 + 5 * TICKS, T0 + 3 * TICKS, 14 * DAY
};

/* ---------------------------------------------------------------------
 * Helpers.
 */

static uint64_t seed;

/* An indicator as the tests give it: C strings, NULL for null. */
struct trec {
	int64_t		 time_generated, expiration;
	int32_t		 confidence;
	const char	*id, *threat_type, *description, *activity_groups,
			*url, *type, *source;
};

/* The builder's reference of the C string s (NULL: null). */
static uint32_t
bstr(struct tidx_builder *b, const char *s)
{
	return tidx_builder_string(b, s, s == NULL ? 0 : strlen(s));
}

/* Add the indicator t to b through the builder's own calls. */
static int64_t
add_rec(struct tidx_builder *b, const struct trec *t)
{
	struct tidx_rec_ref r;

	r.time_generated = t->time_generated;
	r.expiration = t->expiration;
	r.confidence = t->confidence;
	r.id = bstr(b, t->id);
	r.threat_type = bstr(b, t->threat_type);
	r.description = bstr(b, t->description);
	r.activity_groups = bstr(b, t->activity_groups);
	r.url = bstr(b, t->url);
	r.type = bstr(b, t->type);
	r.source = bstr(b, t->source);
	return tidx_builder_record(b, &r);
}

static void
parse(const char *text, struct addr *a)
{
	ck_assert_msg(addr_parse(text, strlen(text), a) == 0,
	    "cannot parse %s", text);
}

static int64_t
look(const struct tidx *x, const char *text)
{
	struct addr a;

	parse(text, &a);
	return tidx_lookup(x, &a);
}

static void
mkpath(char *buf, const char *name)
{
	int	 n = snprintf(buf, PATH_MAX, "%s/%s", tmpdir, name);

	ck_assert(n > 0 && n < PATH_MAX);
}

/* Write buf as an index file, open it and return the status. */
static enum tidx_status
open_bytes(const unsigned char *buf, size_t len, struct tidx **xp)
{
	char	 path[PATH_MAX];

	mkpath(path, "damaged.idx");
	spew(path, buf, len);
	return tidx_open(path, xp);
}

/* The status of opening buf; the index is closed again. */
static enum tidx_status
open_status(const unsigned char *buf, size_t len)
{
	struct tidx	*x = (struct tidx *)&x;	/* Not NULL. */
	enum tidx_status st = open_bytes(buf, len, &x);

	if (st != TIDX_OK)
		ck_assert_ptr_null(x);
	tidx_close(x);
	return st;
}

/* The byte offset of the table entry of kind in buf, or 0. */
static size_t
sec_at(const unsigned char *buf, uint32_t kind)
{
	uint32_t i, n = le32(buf + 16);

	for (i = 0; i < n; i++)
		if (le32(buf + TIDX_HEADER_SIZE + i * TIDX_SECTION_SIZE) ==
		    kind)
			return TIDX_HEADER_SIZE + i * TIDX_SECTION_SIZE;
	return 0;
}

static uint64_t
sec_off(const unsigned char *buf, uint32_t kind)
{
	return le64(buf + sec_at(buf, kind) + 8);
}

/*
 * Recompute the header CRC as tidx.h defines it: over the header and the
 * section table, with the CRC field zero.  Nothing when the header says
 * the table does not fit in len bytes.
 */
static void
fix_hcrc(unsigned char *buf, size_t len)
{
	uint64_t end = le32(buf + 12) + (uint64_t)le32(buf + 16) *
	    TIDX_SECTION_SIZE;

	if (end > len || end < 24)
		return;
	put32(buf + 20, 0);
	put32(buf + 20, crc32c(0, buf, end));
}

/*
 * Recompute the CRC of each section of a known kind that lies in the
 * file, then the header CRC.
 */
static void
fix_all(unsigned char *buf, size_t len)
{
	uint64_t off, size;
	uint32_t k;
	size_t	 e;

	for (k = 1; k <= TIDX_NKINDS; k++) {
		if ((e = sec_at(buf, k)) == 0)
			continue;
		off = le64(buf + e + 8);
		size = le64(buf + e + 16);
		if (off <= len && size <= len - off)
			put32(buf + e + 4, crc32c(0, buf + off, size));
	}
	fix_hcrc(buf, len);
}

static int
valid_status(enum tidx_status st)
{
	return st >= TIDX_OK && st <= TIDX_ERR_TOOBIG;
}

/*
 * Look up every address of the small index in x (which may be damaged)
 * and read each entry found; any status but OK or DAMAGED is wrong, and
 * so is a crash.  Returns the number of entries that read OK.
 */
static int
probe_all(const struct tidx *x)
{
	struct tidx_ind	 ind;
	struct addr	 a;
	enum tidx_status st;
	int64_t		 e;
	size_t		 i;
	int		 ok = 0;

	for (i = 0; i < NSADDRS; i++) {
		parse(saddrs[i].text, &a);
		tidx_prefetch(x, &a);
		if ((e = tidx_lookup(x, &a)) < 0)
			continue;
		st = tidx_entry(x, (uint64_t)e, &ind);
		ck_assert(st == TIDX_OK || st == TIDX_ERR_DAMAGED);
		ok += st == TIDX_OK;
	}
	return ok;
}

static void
build_small(const char *path, const struct tidx_params *p)
{
	struct tidx_builder	*b = tidx_builder_new();
	struct trec	 r;
	struct addr		 a;
	size_t			 i;

	for (i = 0; i < NSRECS; i++) {
		r.time_generated = srecs[i].tg;
		r.expiration = srecs[i].exp;
		r.confidence = srecs[i].conf;
		r.id = srecs[i].id;
		r.threat_type = srecs[i].tt;
		r.description = srecs[i].desc;
		r.activity_groups = srecs[i].ag;
		r.url = srecs[i].url;
		r.type = srecs[i].type;
		r.source = srecs[i].src;
		ck_assert_int_eq(add_rec(b, &r), (int64_t)i);
	}
	for (i = 0; i < NSADDRS; i++) {
		parse(saddrs[i].text, &a);
		ck_assert_int_eq(tidx_builder_addr(b, &a,
		    bstr(b, saddrs[i].text), saddrs[i].rec), TIDX_OK);
	}
	ck_assert_int_eq(tidx_builder_write(b, path, p), TIDX_OK);
	tidx_builder_free(b);
}

/* Number of distinct non-null strings the small index holds. */
static uint64_t
small_nstrings(void)
{
	const char	*all[NSRECS * 7 + NSADDRS];
	size_t		 n = 0, i, j;
	uint64_t	 d = 0;

	for (i = 0; i < NSRECS; i++) {
		all[n++] = srecs[i].id;
		all[n++] = srecs[i].tt;
		all[n++] = srecs[i].desc;
		all[n++] = srecs[i].ag;
		all[n++] = srecs[i].url;
		all[n++] = srecs[i].type;
		all[n++] = srecs[i].src;
	}
	for (i = 0; i < NSADDRS; i++)
		all[n++] = saddrs[i].text;
	for (i = 0; i < n; i++) {
		if (all[i] == NULL)
			continue;
		for (j = 0; j < i; j++)
			if (all[j] != NULL && strcmp(all[i], all[j]) == 0)
				break;
		d += j == i;
	}
	return d;
}

/* Assert that ind is address i of the small index, every field. */
static void
check_small_entry(const struct tidx_ind *ind, size_t i)
{
	const struct srec *r = &srecs[saddrs[i].rec];

	ck_assert_uint_eq(ind->record, saddrs[i].rec);
	ck_assert_int_eq(ind->time_generated, r->tg);
	ck_assert_int_eq(ind->expiration, r->exp);
	ck_assert_int_eq(ind->confidence, r->conf);
	str_is("value", ind->id, r->id);
	str_is("value", ind->threat_type, r->tt);
	str_is("value", ind->description, r->desc);
	str_is("value", ind->activity_groups, r->ag);
	str_is("value", ind->url, r->url);
	str_is("value", ind->type, r->type);
	str_is("value", ind->source, r->src);
	str_is("value", ind->addr_text, saddrs[i].text);
}

/* ---------------------------------------------------------------------
 * Fixtures.
 */

static void
tmpdir_setup(void)
{
	scratch_dir(tmpdir, sizeof(tmpdir), "check_tidx");
}

static void
tmpdir_teardown(void)
{
	rmtree(tmpdir);
}

static void
small_setup(void)
{
	mkpath(small_path, "small.idx");
	build_small(small_path, &small_params);
	ck_assert_int_eq(tidx_open(small_path, &ix), TIDX_OK);
	ck_assert_ptr_nonnull(ix);
}

static void
small_teardown(void)
{
	tidx_close(ix);
	ix = NULL;
}

/* ---------------------------------------------------------------------
 * Core.
 */

START_TEST(test_lookup_hits)
{
	struct tidx_ind	 ind;
	int64_t		 e;
	size_t		 i, j;

	for (i = 0; i < NSADDRS; i++) {
		e = look(ix, saddrs[i].text);
		ck_assert_msg(e >= 0, "%s not found", saddrs[i].text);
		ck_assert_int_eq(tidx_entry(ix, (uint64_t)e, &ind), TIDX_OK);
		check_small_entry(&ind, i);
		for (j = 0; j < i; j++)
			ck_assert_int_ne(e, look(ix, saddrs[j].text));
	}
}
END_TEST

START_TEST(test_lookup_other_spellings)
{
	struct tidx_ind ind;
	int64_t	 e;

	/* One address, many texts: the key is the binary value. */
	e = look(ix, "203.0.113.9");
	ck_assert_int_ge(e, 0);
	ck_assert_int_eq(look(ix, "::ffff:203.0.113.9"), e);
	ck_assert_int_eq(look(ix, "::FFFF:cb00:7109"), e);
	ck_assert_int_eq(look(ix, "0:0:0:0:0:ffff:203.0.113.9"), e);
	e = look(ix, "192.0.2.255");
	ck_assert_int_ge(e, 0);
	ck_assert_int_eq(tidx_entry(ix, (uint64_t)e, &ind), TIDX_OK);
	str_is("value", ind.addr_text, "::ffff:192.0.2.255");
	e = look(ix, "2001:db8::1");
	ck_assert_int_ge(e, 0);
	ck_assert_int_eq(look(ix, "2001:0DB8:0:0:0:0:0:0001"), e);
	ck_assert_int_eq(tidx_entry(ix, (uint64_t)e, &ind), TIDX_OK);
	str_is("value", ind.addr_text, "2001:DB8::1");
	/* IPv4-compatible (::a.b.c.d) is another address. */
	ck_assert_int_eq(look(ix, "::203.0.113.9"), -1);
	ck_assert_int_eq(look(ix, "::ffff:0:0"), look(ix, "0.0.0.0"));
}
END_TEST

/* The entry the small index must give for a (-1: none), by the table. */
static int64_t
small_want(const struct addr *a)
{
	struct addr	 c;
	size_t		 j;

	for (j = 0; j < NSADDRS; j++) {
		parse(saddrs[j].text, &c);
		if (addr_cmp(a, &c) == 0)
			return look(ix, saddrs[j].text);
	}
	return -1;
}

START_TEST(test_lookup_one_bit_off)
{
	struct addr	 a, b;
	size_t		 i;
	int		 bit, hits = 0;

	for (i = 0; i < NSADDRS; i++) {
		parse(saddrs[i].text, &a);
		for (bit = 0; bit < 128; bit++) {
			b = a;
			b.b[bit / 8] ^= (uint8_t)(0x80 >> bit % 8);
			tidx_prefetch(ix, &b);
			ck_assert_msg(tidx_lookup(ix, &b) == small_want(&b),
			    "%s with bit %d flipped", saddrs[i].text, bit);
			ck_assert_msg(tidx_lookup_fetched(ix, &b) ==
			    small_want(&b), "%s with bit %d flipped, fetched",
			    saddrs[i].text, bit);
			hits += small_want(&b) >= 0;
		}
	}
	/* No two addresses of the small index are one bit apart. */
	ck_assert_int_eq(hits, 0);
}
END_TEST

START_TEST(test_lookup_random_misses)
{
	struct addr	 a, c[NSADDRS];
	uint64_t	 r;
	size_t		 j;
	int		 i, stored;

	for (j = 0; j < NSADDRS; j++)
		parse(saddrs[j].text, &c[j]);
	seed = 42;
	for (i = 0; i < TEST_ROUNDS(200000); i++) {
		r = rnd(&seed);
		if (i % 2 == 0)
			addr_from_v4(&a, (uint32_t)r);
		else {
			memcpy(a.b, &r, 8);
			r = rnd(&seed);
			memcpy(a.b + 8, &r, 8);
		}
		for (stored = 0, j = 0; j < NSADDRS; j++)
			stored |= addr_cmp(&a, &c[j]) == 0;
		if (!stored)
			ck_assert_int_eq(tidx_lookup(ix, &a), -1);
	}
}
END_TEST

START_TEST(test_entry_out_of_range)
{
	struct tidx_ind	 ind;
	struct tidx_info info;

	tidx_get_info(ix, &info);
	ck_assert_uint_eq(info.n_entries, NSADDRS);
	ck_assert_int_eq(tidx_entry(ix, NSADDRS - 1, &ind), TIDX_OK);
	ck_assert_int_eq(tidx_entry(ix, NSADDRS, &ind), TIDX_ERR_DAMAGED);
	ck_assert_int_eq(tidx_entry(ix, UINT32_MAX, &ind), TIDX_ERR_DAMAGED);
	ck_assert_int_eq(tidx_entry(ix, UINT64_MAX, &ind), TIDX_ERR_DAMAGED);
}
END_TEST

START_TEST(test_info)
{
	struct tidx_info info;
	struct stat	 st;

	ck_assert_int_eq(stat(small_path, &st), 0);
	tidx_get_info(ix, &info);
	ck_assert_uint_eq(info.major, TIDX_MAJOR);
	ck_assert_uint_eq(info.minor, TIDX_MINOR);
	ck_assert_uint_eq(info.file_size, (uint64_t)st.st_size);
	ck_assert_int_eq(info.build_time, small_params.build_time);
	ck_assert_int_eq(info.now, small_params.now);
	ck_assert_int_eq(info.lookback, small_params.lookback);
	ck_assert_uint_eq(info.n_v4, NSV4);
	ck_assert_uint_eq(info.n_v6, NSADDRS - NSV4);
	ck_assert_uint_eq(info.n_records, NSRECS);
	ck_assert_uint_eq(info.n_entries, NSADDRS);
	ck_assert_uint_eq(info.n_meta, 3);	/* Records 0 and 3 share. */
	ck_assert_uint_eq(info.n_strings, small_nstrings());
	ck_assert_uint_ge(info.slots4, 2 * NSV4);
	ck_assert_uint_eq(info.slots4 & (info.slots4 - 1), 0);
	/* Three slots to a bucket, a power of two of buckets. */
	ck_assert_uint_ge(info.slots6, 2 * (NSADDRS - NSV4));
	ck_assert_uint_eq(info.slots6 % 3, 0);
	ck_assert_uint_eq((info.slots6 / 3) & (info.slots6 / 3 - 1), 0);
	ck_assert_uint_lt(info.probe4, info.slots4);
	ck_assert_uint_lt(info.probe6, info.slots6);
	ck_assert_uint_gt(info.strings_size, 0);
	ck_assert_int_eq(tidx_verify(ix), TIDX_OK);
}
END_TEST

START_TEST(test_info_extreme_params)
{
	struct tidx_params p = { INT64_MIN, INT64_MAX, 0 };
	struct tidx_info info;
	struct tidx	*x;
	char		 path[PATH_MAX];

	mkpath(path, "extreme.idx");
	build_small(path, &p);
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	tidx_get_info(x, &info);
	ck_assert_int_eq(info.build_time, INT64_MIN);
	ck_assert_int_eq(info.now, INT64_MAX);
	ck_assert_int_eq(info.lookback, 0);
	ck_assert_int_ge(look(x, "fe80::1"), 0);
	tidx_close(x);
}
END_TEST

/*
 * The VmFlags of the mapping of path in /proc/self/smaps: 1 when they
 * hold flag, 0 when not, -1 when there is no such mapping (or no /proc).
 */
static int
map_has_flag(const char *path, const char *flag)
{
	FILE	*f = fopen("/proc/self/smaps", "r");
	char	 line[PATH_MAX + 256];
	unsigned long lo, hi;
	size_t	 n = strlen(path), l;
	int	 in = 0, rc = -1;

	if (f == NULL)
		return -1;
	while (rc == -1 && fgets(line, sizeof(line), f) != NULL) {
		l = strcspn(line, "\n");
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)
			in = l > n && strncmp(line + l - n, path, n) == 0;
		else if (in && strncmp(line, "VmFlags:", 8) == 0)
			rc = strstr(line, flag) != NULL;
	}
	fclose(f);
	return rc;
}

/*
 * tidx_open() asks for huge pages on the index's mapping, so that pages
 * read in from disk come in 2 MiB folios and lookups take fewer page
 * walks.  Skipped where the kernel takes no such advice.
 */
START_TEST(test_open_advises_huge_pages)
{
	struct tidx_params p = { 0, 0, 0 };
	struct tidx	*x;
	char		 path[PATH_MAX];
	void		*probe;
	int		 took, rc;

	probe = mmap(NULL, 1 << 21, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	ck_assert(probe != MAP_FAILED);
	took = madvise(probe, 1 << 21, MADV_HUGEPAGE) == 0;
	munmap(probe, 1 << 21);
	if (!took)
		return;
	mkpath(path, "huge.idx");
	build_small(path, &p);
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	rc = map_has_flag(path, " hg");
	tidx_close(x);
	if (rc == -1 && access("/proc/self/smaps", R_OK) != 0)
		return;			/* No /proc. */
	ck_assert_msg(rc == 1, "the index mapping has no huge page advice "
	    "(%s)", rc == 0 ? "VmFlags without hg" : "no mapping found");
	ck_assert_int_eq(map_has_flag(path, " hg"), -1);	/* Closed. */
}
END_TEST

START_TEST(test_meta_shared)
{
	struct tidx_ind	 a, b;

	/* Records 0 and 3 have the same five META strings. */
	ck_assert_int_eq(tidx_entry(ix, (uint64_t)look(ix, "203.0.113.9"),
	    &a), TIDX_OK);
	ck_assert_int_eq(tidx_entry(ix, (uint64_t)look(ix, "::"), &b),
	    TIDX_OK);
	ck_assert_uint_eq(a.record, 0);
	ck_assert_uint_eq(b.record, 3);
	ck_assert_ptr_eq(a.threat_type.p, b.threat_type.p);
	ck_assert_ptr_eq(a.url.p, b.url.p);
	ck_assert_ptr_ne(a.id.p, b.id.p);
	/* A string used by two records and two fields is one string. */
	ck_assert_int_eq(tidx_entry(ix, (uint64_t)look(ix, "2001:db8::2"),
	    &b), TIDX_OK);
	ck_assert_ptr_eq(a.threat_type.p, b.threat_type.p);
	ck_assert_ptr_nonnull(b.description.p);
	ck_assert_uint_eq(b.description.len, 0);
	/* Two addresses of one record: the same record. */
	ck_assert_int_eq(tidx_entry(ix, (uint64_t)look(ix, "198.51.100.1"),
	    &b), TIDX_OK);
	ck_assert_uint_eq(b.record, 0);
	ck_assert_ptr_eq(a.id.p, b.id.p);
	ck_assert_ptr_ne(a.addr_text.p, b.addr_text.p);
}
END_TEST

START_TEST(test_open_io_errors)
{
	struct tidx	*x = (struct tidx *)&x;
	char		 path[PATH_MAX];

	errno = 0;
	ck_assert_int_eq(tidx_open(tmpdir, &x), TIDX_ERR_IO);
	ck_assert_ptr_null(x);
	ck_assert_int_ne(errno, 0);
	mkpath(path, "no-such-file.idx");
	x = (struct tidx *)&x;
	errno = 0;
	ck_assert_int_eq(tidx_open(path, &x), TIDX_ERR_IO);
	ck_assert_ptr_null(x);
	ck_assert_int_eq(errno, ENOENT);
	tidx_close(NULL);
}
END_TEST

START_TEST(test_strerror)
{
	const char	*s[TIDX_ERR_TOOBIG + 1];
	int		 i, j;

	for (i = TIDX_OK; i <= TIDX_ERR_TOOBIG; i++) {
		s[i] = tidx_strerror((enum tidx_status)i);
		ck_assert_ptr_nonnull(s[i]);
		ck_assert_uint_gt(strlen(s[i]), 0);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(s[i], s[j]);
	}
	ck_assert_ptr_nonnull(tidx_strerror((enum tidx_status)99));
	ck_assert_uint_gt(strlen(tidx_strerror((enum tidx_status)99)), 0);
}
END_TEST

START_TEST(test_builder_errors)
{
	struct tidx_builder	*b = tidx_builder_new();
	struct trec	 r;
	struct tidx_params	 p = { 0, 0, 0 };
	struct addr		 a;
	char			 path[PATH_MAX];

	memset(&r, 0, sizeof(r));
	r.id = "x";
	parse("192.0.2.1", &a);
	/* No record 0 yet. */
	ck_assert_int_ne(tidx_builder_addr(b, &a, bstr(b, "192.0.2.1"), 0),
	    TIDX_OK);
	ck_assert_int_eq(add_rec(b, &r), 0);
	ck_assert_int_eq(add_rec(b, &r), 1);
	ck_assert_int_ne(tidx_builder_addr(b, &a, bstr(b, "192.0.2.1"), 2),
	    TIDX_OK);
	ck_assert_int_eq(tidx_builder_addr(b, &a, bstr(b, "192.0.2.1"), 1),
	    TIDX_OK);
	/* The target is a directory: rename(2) fails, nothing is left. */
	{
		struct dirent	*de;
		DIR		*d;
		char		 sub[PATH_MAX];
		int		 n = 0;

		mkpath(sub, "target");
		ck_assert_int_eq(mkdir(sub, 0700), 0);
		mkpath(path, "target/ti.idx");
		ck_assert_int_eq(mkdir(path, 0700), 0);
		errno = 0;
		ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_ERR_IO);
		ck_assert_int_ne(errno, 0);
		ck_assert_ptr_nonnull(d = opendir(sub));
		while ((de = readdir(d)) != NULL)
			n += strcmp(de->d_name, ".") != 0 &&
			    strcmp(de->d_name, "..") != 0;
		closedir(d);
		ck_assert_int_eq(n, 1);		/* Only ti.idx/. */
	}
	/* A directory that does not exist: I/O error, errno kept. */
	mkpath(path, "missing/x.idx");
	errno = 0;
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_ERR_IO);
	ck_assert_int_eq(errno, ENOENT);
	tidx_builder_free(b);
	tidx_builder_free(NULL);
}
END_TEST

START_TEST(test_write_replaces_atomically)
{
	struct tidx_params p = { 1, 2, 3 };
	struct tidx	*x;
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	char		 path[PATH_MAX], sub[PATH_MAX];
	mode_t		 old;
	int		 n = 0;

	/* A directory of its own, to see what is left behind. */
	mkpath(sub, "w");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	mkpath(path, "w/ti.idx");
	spew(path, "old contents", 12);
	old = umask(022);
	build_small(path, &p);
	umask(old);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	ck_assert_int_ge(look(x, "203.0.113.9"), 0);
	tidx_close(x);
	ck_assert_ptr_nonnull(d = opendir(sub));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0) {
			ck_assert_str_eq(de->d_name, "ti.idx");
			n++;
		}
	closedir(d);
	ck_assert_int_eq(n, 1);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(sub), 0);
}
END_TEST

/*
 * A write that fails part way (a file size limit: EFBIG), wherever it
 * falls (in the header's place, in the first sections, in the last),
 * fails the whole: TIDX_ERR_IO with the write's errno, the old index in
 * place and nothing left beside it.  With room enough the same builder
 * writes an index that opens.  Each try in a child process, for the
 * limit.
 */
static int
write_limited(struct tidx_builder *b, const char *path, rlim_t limit)
{
	struct tidx_params p = { 1, 2, 3 };
	struct rlimit rl = { limit, limit };
	pid_t	 pid;
	int	 status;

	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &rl) == -1)
			_exit(9);
		errno = 0;
		if (tidx_builder_write(b, path, &p) == TIDX_OK)
			_exit(0);
		_exit(errno == EFBIG ? 1 : 2);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_write_fails_midway)
{
	struct tidx_builder *b = tidx_builder_new();
	struct tidx	*x;
	struct trec	 r;
	struct addr	 a;
	struct stat	 st;
	char		 path[PATH_MAX], sub[PATH_MAX], text[64];
	off_t		 size;
	const rlim_t	 limits[] = { 100, 3000, 20000, 150000 };
	size_t		 i;

	memset(&r, 0, sizeof(r));
	r.id = "x";
	r.source = "feed";
	ck_assert_int_eq(add_rec(b, &r), 0);
	for (i = 0; i < 6000; i++) {
		if (i % 3 == 0)
			snprintf(text, sizeof(text), "2001:db8::%zx", i);
		else
			snprintf(text, sizeof(text), "198.%zu.%zu.1", i / 256,
			    i % 256);
		parse(text, &a);
		ck_assert_int_eq(tidx_builder_addr(b, &a, bstr(b, text), 0),
		    TIDX_OK);
	}
	mkpath(sub, "limited");
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	mkpath(path, "limited/ti.idx");
	spew(path, "old contents", 12);
	ck_assert_int_eq(write_limited(b, path, RLIM_INFINITY), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	size = st.st_size;
	ck_assert_int_gt(size, 150001);
	spew(path, "old contents", 12);
	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		ck_assert_msg(write_limited(b, path, limits[i]) == 1,
		    "limit %zu: not EFBIG", (size_t)limits[i]);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_int_eq(st.st_size, 12);
		ck_assert_int_eq(dir_entries(sub), 1);
	}
	ck_assert_int_eq(write_limited(b, path, (rlim_t)size), 0);
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	ck_assert_int_eq(tidx_verify(x), TIDX_OK);
	ck_assert_int_ge(look(x, "198.0.1.1"), 0);
	ck_assert_int_ge(look(x, "2001:db8::3"), 0);
	tidx_close(x);
	ck_assert_int_eq(dir_entries(sub), 1);
	tidx_builder_free(b);
}
END_TEST

START_TEST(test_write_relative_path)
{
	struct tidx_params p = { 1, 2, 3 };
	struct tidx	*x;
	char		 cwd[PATH_MAX], path[PATH_MAX];

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(tmpdir), 0);
	build_small("relative.idx", &p);
	ck_assert_int_eq(chdir(cwd), 0);
	mkpath(path, "relative.idx");
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	ck_assert_int_ge(look(x, "2001:db8::2"), 0);
	tidx_close(x);
}
END_TEST

/* ---------------------------------------------------------------------
 * Layout: the file read with tidx.h's table only.
 */

struct layout {
	const unsigned char *p;
	size_t		 len;
	uint64_t	 off[TIDX_NKINDS + 1], size[TIDX_NKINDS + 1];
	uint32_t	 count[TIDX_NKINDS + 1], param[TIDX_NKINDS + 1];
};

static const uint32_t spec_elem[TIDX_NKINDS + 1] = {
	0, 32, 8, 8, 64, 20, 1, 12, 40, 4, 4, 8
};

static void
layout_read(struct layout *l, const unsigned char *p, size_t len)
{
	uint64_t	 end, i, tab_end;
	uint32_t	 k, n;

	memset(l, 0, sizeof(*l));
	l->p = p;
	l->len = len;
	ck_assert_uint_ge(len, TIDX_HEADER_SIZE);
	ck_assert_mem_eq(p, "TI-INDEX", 8);
	ck_assert_uint_eq(le16(p + 8), 4);
	ck_assert_uint_eq(le16(p + 10), 0);
	ck_assert_uint_eq(le32(p + 12), 128);
	/* The six base kinds, and FILTER when there are exact addresses. */
	n = le32(p + 16);
	ck_assert_uint_eq(n, le64(p + 56) + le64(p + 64) > 0 ? 7 : 6);
	tab_end = TIDX_HEADER_SIZE + (uint64_t)n * TIDX_SECTION_SIZE;
	ck_assert_uint_ge(len, tab_end);
	ck_assert_uint_eq(le64(p + 24), len);
	for (i = 72; i < 128; i++)
		ck_assert_uint_eq(p[i], 0);
	for (k = 0; k < n; k++) {
		const unsigned char *e = p + 128 + k * 32;
		uint32_t kind = le32(e);

		ck_assert_uint_ge(kind, 1);
		ck_assert_uint_le(kind, TIDX_NKINDS);
		ck_assert_uint_eq(l->count[kind] + l->size[kind] +
		    l->off[kind], 0);	/* Each kind once. */
		l->off[kind] = le64(e + 8);
		l->size[kind] = le64(e + 16);
		l->count[kind] = le32(e + 24);
		l->param[kind] = le32(e + 28);
		ck_assert_uint_eq(l->off[kind] % 64, 0);
		ck_assert_uint_ge(l->off[kind], tab_end);
		ck_assert_uint_le(l->off[kind] + l->size[kind], len);
		if (kind != TIDX_STRINGS)
			ck_assert_uint_eq(l->size[kind],
			    (uint64_t)l->count[kind] * spec_elem[kind]);
		if (kind != TIDX_HASH4 && kind != TIDX_HASH6)
			ck_assert_uint_eq(l->param[kind], 0);
		else
			ck_assert_uint_eq(l->count[kind] &
			    (l->count[kind] - 1), 0);
		ck_assert_uint_eq(le32(e + 4), crc32c(0, p + l->off[kind],
		    l->size[kind]));
	}
	/* The header CRC, with its own four bytes zero. */
	{
		unsigned char	 h[TIDX_HEADER_SIZE + 7 * TIDX_SECTION_SIZE];

		memcpy(h, p, tab_end);
		memset(h + 20, 0, 4);
		ck_assert_uint_eq(le32(p + 20), crc32c(0, h, tab_end));
	}
	/* Every byte outside the header, table and sections is zero. */
	for (i = tab_end; i < len; i++) {
		int in = 0;

		for (k = 1; k <= TIDX_NKINDS; k++)
			in |= i >= l->off[k] && i < l->off[k] + l->size[k];
		if (!in)
			ck_assert_msg(p[i] == 0, "byte %ju not zero",
			    (uintmax_t)i);
	}
	/* The strings: length, bytes, NUL; as many as the count says. */
	for (i = 0, end = l->size[TIDX_STRINGS], n = 0; i < end; n++) {
		uint32_t slen;

		ck_assert_uint_le(i + 5, end);
		slen = le32(p + l->off[TIDX_STRINGS] + i);
		ck_assert_uint_le(i + 5 + slen, end);
		ck_assert_uint_eq(p[l->off[TIDX_STRINGS] + i + 4 + slen], 0);
		i += 5 + slen;
	}
	ck_assert_uint_eq(n, l->count[TIDX_STRINGS]);
	/* FILTER: a word for every four exact addresses, rounded up. */
	ck_assert_uint_eq(l->count[TIDX_FILTER],
	    (le64(p + 56) + le64(p + 64) + 3) / 4);
}

/* Set *s to string ref of l (NULL for null), asserting it is one. */
static void
spec_str(const struct layout *l, uint32_t ref, struct tidx_str *s)
{
	uint64_t i;

	if (ref == 0xFFFFFFFFu) {
		s->p = NULL;
		s->len = 0;
		return;
	}
	/* ref must be the start of a string. */
	for (i = 0; i < ref && i + 5 <= l->size[TIDX_STRINGS];
	    i += 5 + le32(l->p + l->off[TIDX_STRINGS] + i))
		;
	ck_assert_uint_eq(i, ref);
	ck_assert_uint_lt(ref, l->size[TIDX_STRINGS]);
	s->len = le32(l->p + l->off[TIDX_STRINGS] + ref);
	s->p = (const char *)l->p + l->off[TIDX_STRINGS] + ref + 4;
}

/*
 * Slot i of the hash table of kind in l, as documented: its key (4 or
 * 16 bytes) at *key, its value returned.  HASH6 slot i is slot i mod 3
 * of bucket i / 3; the bucket's reserved bytes must be zero.
 */
static uint32_t
spec_slot(const struct layout *l, uint32_t kind, uint64_t i,
    const unsigned char **key)
{
	const unsigned char *t = l->p + l->off[kind], *bk;

	if (kind == TIDX_HASH4) {
		*key = t + i * 8;
		return le32(t + i * 8 + 4);
	}
	bk = t + i / 3 * 64;
	ck_assert_uint_eq(le32(bk + 60), 0);
	*key = bk + 16 * (i % 3);
	return le32(bk + 48 + 4 * (i % 3));
}

/*
 * Whether l's FILTER, as ti-index(5) describes it, lets a through: its
 * three bits all set in its word, or no FILTER.
 */
static int
spec_filter(const struct layout *l, const struct addr *a)
{
	uint64_t x = 0, z, w = l->count[TIDX_FILTER], word, h = 0, lo = 0;
	int	 j;

	if (w == 0)
		return 1;
	if (addr_is_v4(a))
		x = addr_v4(a);
	else {
		for (j = 0; j < 8; j++) {
			h = h << 8 | a->b[j];
			lo = lo << 8 | a->b[8 + j];
		}
		x = h * 0x9E3779B97F4A7C15ULL + lo;
	}
	z = x + 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	z = z ^ (z >> 31);
	word = le64(l->p + l->off[TIDX_FILTER] + 8 * (((z >> 32) * w) >> 32));
	return (word >> (z & 63) & 1) && (word >> (z >> 6 & 63) & 1) &&
	    (word >> (z >> 12 & 63) & 1);
}

/*
 * The documented lookup, FILTER first; *probes gets the number of slots
 * examined.
 */
static int64_t
spec_lookup(const struct layout *l, const struct addr *a, uint32_t *probes)
{
	const unsigned char *key;
	uint64_t	 n, i, h = 0, lo = 0;
	uint32_t	 p, v;
	int		 j, v4 = addr_is_v4(a);
	uint32_t	 kind = v4 ? TIDX_HASH4 : TIDX_HASH6;

	*probes = 0;
	if ((n = l->count[kind]) == 0 || !spec_filter(l, a))
		return -1;
	if (v4)
		i = ((uint64_t)addr_v4(a) * 0x9E3779B97F4A7C15ULL >> 32) &
		    (n - 1) & ~(uint64_t)7;
	else {
		for (j = 0; j < 8; j++) {
			h = h << 8 | a->b[j];
			lo = lo << 8 | a->b[8 + j];
		}
		i = 3 * (((h * 0x9E3779B97F4A7C15ULL + lo) *
		    0xC2B2AE3D27D4EB4FULL >> 32) & (n - 1));
		n *= 3;		/* Slots. */
	}
	for (p = 0; p <= l->param[kind]; p++, i = (i + 1) % n) {
		*probes = p + 1;
		if ((v = spec_slot(l, kind, i, &key)) == 0)
			return -1;
		if (v4 ? le32(key) == addr_v4(a) : memcmp(key, a->b, 16) == 0)
			return (int64_t)v - 1;
	}
	return -1;
}

START_TEST(test_layout_small)
{
	struct layout	 l;
	struct tidx_str	 s;
	struct addr	 a;
	unsigned char	*buf;
	const unsigned char *ent, *rec, *meta;
	size_t		 len, i;
	uint32_t	 probes, maxp4 = 0, maxp6 = 0, n4 = 0;
	int64_t		 e;

	buf = slurp(small_path, &len);
	layout_read(&l, buf, len);
	ck_assert_uint_eq(le64(buf + 32), (uint64_t)small_params.build_time);
	ck_assert_uint_eq(le64(buf + 40), (uint64_t)small_params.now);
	ck_assert_uint_eq(le64(buf + 48), (uint64_t)small_params.lookback);
	ck_assert_uint_eq(le64(buf + 56), NSV4);
	ck_assert_uint_eq(le64(buf + 64), NSADDRS - NSV4);
	ck_assert_uint_eq(l.count[TIDX_RECORDS], NSRECS);
	ck_assert_uint_eq(l.count[TIDX_ENTRIES], NSADDRS);
	ck_assert_uint_eq(l.count[TIDX_META], 3);
	ck_assert_uint_eq(l.count[TIDX_STRINGS], small_nstrings());
	for (i = 0; i < NSADDRS; i++) {
		const struct srec *r = &srecs[saddrs[i].rec];

		parse(saddrs[i].text, &a);
		e = spec_lookup(&l, &a, &probes);
		ck_assert_msg(e >= 0, "%s not found", saddrs[i].text);
		ck_assert_int_eq(e, tidx_lookup(ix, &a));
		tidx_prefetch(ix, &a);
		ck_assert_int_eq(e, tidx_lookup_fetched(ix, &a));
		if (addr_is_v4(&a)) {
			n4++;
			maxp4 = probes > maxp4 ? probes : maxp4;
		} else
			maxp6 = probes > maxp6 ? probes : maxp6;
		ck_assert_uint_lt(e, l.count[TIDX_ENTRIES]);
		ent = l.p + l.off[TIDX_ENTRIES] + e * 8;
		ck_assert_uint_eq(le32(ent), saddrs[i].rec);
		spec_str(&l, le32(ent + 4), &s);
		str_is("value", s, saddrs[i].text);
		rec = l.p + l.off[TIDX_RECORDS] + le32(ent) * 32;
		ck_assert_int_eq((int64_t)le64(rec), r->tg);
		ck_assert_int_eq((int64_t)le64(rec + 8), r->exp);
		spec_str(&l, le32(rec + 16), &s);
		str_is("value", s, r->id);
		ck_assert_uint_lt(le32(rec + 20), l.count[TIDX_META]);
		ck_assert_int_eq((int32_t)le32(rec + 24), r->conf);
		spec_str(&l, le32(rec + 28), &s);
		str_is("value", s, r->src);
		meta = l.p + l.off[TIDX_META] + le32(rec + 20) * 20;
		spec_str(&l, le32(meta), &s);
		str_is("value", s, r->tt);
		spec_str(&l, le32(meta + 4), &s);
		str_is("value", s, r->desc);
		spec_str(&l, le32(meta + 8), &s);
		str_is("value", s, r->ag);
		spec_str(&l, le32(meta + 12), &s);
		str_is("value", s, r->url);
		spec_str(&l, le32(meta + 16), &s);
		str_is("value", s, r->type);
	}
	ck_assert_uint_eq(n4, NSV4);
	/* The parameter is the longest probe sequence. */
	ck_assert_uint_eq(l.param[TIDX_HASH4] + 1, maxp4);
	ck_assert_uint_eq(l.param[TIDX_HASH6] + 1, maxp6);
	free(buf);
}
END_TEST

START_TEST(test_layout_strings_distinct)
{
	struct layout	 l;
	unsigned char	*buf;
	const unsigned char *s, *t;
	size_t		 len;
	uint64_t	 i, j;

	buf = slurp(small_path, &len);
	layout_read(&l, buf, len);
	s = buf + l.off[TIDX_STRINGS];
	for (i = 0; i < l.size[TIDX_STRINGS]; i += 5 + le32(s + i))
		for (j = 0; j < i; j += 5 + le32(s + j)) {
			t = s + j;
			ck_assert(le32(t) != le32(s + i) ||
			    memcmp(t + 4, s + i + 4, le32(t)) != 0);
		}
	free(buf);
}
END_TEST

/* ---------------------------------------------------------------------
 * Limits.
 */

START_TEST(test_empty_index)
{
	struct tidx_builder	*b = tidx_builder_new();
	struct tidx_params	 p = { 7, 8, 9 };
	struct tidx_info	 info;
	struct tidx_ind		 ind;
	struct layout		 l;
	struct tidx		*x;
	unsigned char		*buf;
	char			 path[PATH_MAX];
	size_t			 len;

	mkpath(path, "empty.idx");
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_OK);
	tidx_builder_free(b);
	buf = slurp(path, &len);
	layout_read(&l, buf, len);
	free(buf);
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	tidx_get_info(x, &info);
	ck_assert_uint_eq(info.n_v4 + info.n_v6 + info.n_records +
	    info.n_entries + info.n_meta + info.n_strings, 0);
	ck_assert_uint_eq(info.slots4 + info.slots6, 0);
	ck_assert_int_eq(info.build_time, 7);
	ck_assert_int_eq(info.now, 8);
	ck_assert_int_eq(info.lookback, 9);
	ck_assert_int_eq(probe_all(x), 0);
	ck_assert_int_eq(look(x, "0.0.0.0"), -1);
	ck_assert_int_eq(look(x, "::"), -1);
	ck_assert_int_eq(tidx_entry(x, 0, &ind), TIDX_ERR_DAMAGED);
	ck_assert_int_eq(tidx_verify(x), TIDX_OK);
	tidx_close(x);
}
END_TEST

START_TEST(test_records_without_addresses)
{
	struct tidx_builder	*b = tidx_builder_new();
	struct tidx_params	 p = { 7, 8, 9 };
	struct trec	 r;
	struct tidx_info	 info;
	struct tidx		*x;
	char			 path[PATH_MAX];

	memset(&r, 0, sizeof(r));
	r.id = "lonely";
	ck_assert_int_eq(add_rec(b, &r), 0);
	mkpath(path, "noaddr.idx");
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_OK);
	tidx_builder_free(b);
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	tidx_get_info(x, &info);
	ck_assert_uint_eq(info.n_records, 1);
	ck_assert_uint_eq(info.n_entries, 0);
	ck_assert_uint_eq(info.n_strings, 1);
	ck_assert_int_eq(probe_all(x), 0);
	ck_assert_int_eq(tidx_verify(x), TIDX_OK);
	tidx_close(x);
}
END_TEST

/* An index of only one family misses every address of the other. */
START_TEST(test_one_family)
{
	struct tidx_builder	*b;
	struct tidx_params	 p = { 0, 0, 0 };
	struct trec	 r;
	struct tidx		*x;
	struct addr		 a;
	char			 path[PATH_MAX];
	int			 fam;

	memset(&r, 0, sizeof(r));
	r.id = "only";
	for (fam = 0; fam < 2; fam++) {
		b = tidx_builder_new();
		ck_assert_int_eq(add_rec(b, &r), 0);
		parse(fam == 0 ? "192.0.2.1" : "2001:db8::9", &a);
		ck_assert_int_eq(tidx_builder_addr(b, &a, bstr(b, "t"), 0),
		    TIDX_OK);
		mkpath(path, "family.idx");
		ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_OK);
		tidx_builder_free(b);
		ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
		ck_assert_int_eq(tidx_lookup(x, &a), 0);
		ck_assert_int_eq(look(x, "192.0.2.2"), -1);
		ck_assert_int_eq(look(x, "2001:db8::8"), -1);
		ck_assert_int_eq(look(x, fam == 0 ? "2001:db8::9" :
		    "192.0.2.1"), -1);
		ck_assert_int_eq(tidx_verify(x), TIDX_OK);
		tidx_close(x);
	}
}
END_TEST

#define BIG4	50000
#define BIG6	5000
#define BIGREC	5000

static uint32_t
big_v4(uint32_t i)
{
	return i * 2654435761u + 0x01000000u;	/* A bijection. */
}

static void
big_v6(uint32_t i, struct addr *a)
{
	uint64_t r = rnd(&seed);

	a->b[0] = 0x20;
	a->b[1] = 0x01;
	memcpy(a->b + 2, &r, 6);
	memset(a->b + 8, 0, 4);
	a->b[12] = (uint8_t)(i >> 24);
	a->b[13] = (uint8_t)(i >> 16);
	a->b[14] = (uint8_t)(i >> 8);
	a->b[15] = (uint8_t)i;
}

START_TEST(test_many_addresses)
{
	struct tidx_builder	*b = tidx_builder_new();
	struct tidx_params	 p = { 1, 2, 3 };
	struct trec	 r;
	struct tidx_info	 info;
	struct tidx_ind		 ind;
	struct addr		*a6, a;
	struct tidx		*x;
	char			 path[PATH_MAX], id[32], text[ADDR_STRLEN];
	uint32_t		 i;
	int64_t			 e;

	memset(&r, 0, sizeof(r));
	r.threat_type = "Botnet";
	for (i = 0; i < BIGREC; i++) {
		snprintf(id, sizeof(id), "id-%u", i);
		r.id = id;
		r.confidence = (int32_t)i;
		ck_assert_int_eq(add_rec(b, &r), i);
	}
	for (i = 0; i < BIG4; i++) {
		addr_from_v4(&a, big_v4(i));
		ck_assert_int_eq(tidx_builder_addr(b, &a,
		    bstr(b, addr_format(&a, text)), i % BIGREC), TIDX_OK);
	}
	seed = 7;
	a6 = calloc(BIG6, sizeof(*a6));
	ck_assert_ptr_nonnull(a6);
	for (i = 0; i < BIG6; i++) {
		big_v6(i, &a6[i]);
		ck_assert_int_eq(tidx_builder_addr(b, &a6[i],
		    bstr(b, addr_format(&a6[i], text)), i % BIGREC), TIDX_OK);
	}
	mkpath(path, "big.idx");
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_OK);
	tidx_builder_free(b);
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	ck_assert_int_eq(tidx_verify(x), TIDX_OK);
	tidx_get_info(x, &info);
	ck_assert_uint_eq(info.n_v4, BIG4);
	ck_assert_uint_eq(info.n_v6, BIG6);
	ck_assert_uint_eq(info.n_entries, BIG4 + BIG6);
	ck_assert_uint_eq(info.n_records, BIGREC);
	ck_assert_uint_eq(info.n_meta, 1);
	ck_assert_uint_eq(info.n_strings, BIGREC + 1 + BIG4 + BIG6);
	for (i = 0; i < BIG4; i++) {
		addr_from_v4(&a, big_v4(i));
		tidx_prefetch(x, &a);
		e = tidx_lookup(x, &a);
		ck_assert_msg(e >= 0, "v4 %u not found", i);
		ck_assert_int_eq(tidx_entry(x, (uint64_t)e, &ind), TIDX_OK);
		str_is("value", ind.addr_text, addr_format(&a, text));
		ck_assert_uint_eq(ind.record, i % BIGREC);
		ck_assert_int_eq(ind.confidence, (int32_t)(i % BIGREC));
		addr_from_v4(&a, big_v4(i + BIG4));
		ck_assert_int_eq(tidx_lookup(x, &a), -1);
	}
	for (i = 0; i < BIG6; i++) {
		e = tidx_lookup(x, &a6[i]);
		ck_assert_msg(e >= 0, "v6 %u not found", i);
		ck_assert_int_eq(tidx_entry(x, (uint64_t)e, &ind), TIDX_OK);
		str_is("value", ind.addr_text, addr_format(&a6[i], text));
		snprintf(id, sizeof(id), "id-%u", i % BIGREC);
		str_is("value", ind.id, id);
		big_v6(i + BIG6, &a);
		ck_assert_int_eq(tidx_lookup(x, &a), -1);
		a = a6[i];
		a.b[8] = 0x80;		/* Always zero in the stored ones. */
		ck_assert_int_eq(tidx_lookup(x, &a), -1);
	}
	free(a6);
	tidx_close(x);
}
END_TEST

/* ---------------------------------------------------------------------
 * FILTER.
 */

#define FILT4	20000
#define FILT6	2000
#define FILT_TRIES 100000

/*
 * An index of FILT4 random IPv4 and FILT6 random IPv6 addresses, one
 * record each, at path; their addresses in a4 and a6.
 */
static void
build_filtered(const char *path, uint32_t *a4, struct addr *a6)
{
	struct tidx_builder	*b = tidx_builder_new();
	struct tidx_params	 p = { 1, 2, 3 };
	struct trec	 r;
	struct addr	 a;
	char		 text[ADDR_STRLEN];
	uint32_t	 i;

	memset(&r, 0, sizeof(r));
	r.id = "filtered";
	ck_assert_int_eq(add_rec(b, &r), 0);
	seed = 11;
	for (i = 0; i < FILT4; i++) {
		a4[i] = (uint32_t)rnd(&seed);
		addr_from_v4(&a, a4[i]);
		ck_assert_int_eq(tidx_builder_addr(b, &a,
		    bstr(b, addr_format(&a, text)), 0), TIDX_OK);
	}
	for (i = 0; i < FILT6; i++) {
		big_v6(i, &a6[i]);
		ck_assert_int_eq(tidx_builder_addr(b, &a6[i],
		    bstr(b, addr_format(&a6[i], text)), 0), TIDX_OK);
	}
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_OK);
	tidx_builder_free(b);
}

/* A random address of either family, one in eight IPv6. */
static void
random_addr(struct addr *a)
{
	uint64_t r = rnd(&seed), r2;

	if (r % 8 != 0) {
		addr_from_v4(a, (uint32_t)(r >> 16));
		return;
	}
	r2 = rnd(&seed);
	memcpy(a->b, &r, 8);
	memcpy(a->b + 8, &r2, 8);
	a->b[0] = 0x20;		/* Not IPv4-mapped. */
}

/*
 * FILTER as ti-index(5) gives it: a word for every four exact addresses,
 * every address of the tables passing it, and about one address in a
 * hundred of those the index does not hold (at most two here); the
 * reader's lookups agree with the documented ones throughout.
 */
START_TEST(test_filter_as_documented)
{
	static uint32_t	 a4[FILT4];
	static struct addr a6[FILT6];
	struct layout	 l;
	struct addr	 a;
	struct tidx	*x;
	struct tidx_info info;
	unsigned char	*buf;
	char		 path[PATH_MAX];
	size_t		 len, i, passed = 0, held = 0;
	uint32_t	 probes;

	mkpath(path, "filtered.idx");
	build_filtered(path, a4, a6);
	buf = slurp(path, &len);
	layout_read(&l, buf, len);
	ck_assert_uint_eq(l.count[TIDX_FILTER], (FILT4 + FILT6 + 3) / 4);
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	tidx_get_info(x, &info);
	ck_assert_uint_eq(info.filter_words, (FILT4 + FILT6 + 3) / 4);
	for (i = 0; i < FILT4; i++) {
		addr_from_v4(&a, a4[i]);
		ck_assert(spec_filter(&l, &a));
		ck_assert_int_ge(tidx_lookup(x, &a), 0);
		tidx_prefetch(x, &a);
		ck_assert_int_eq(tidx_lookup_fetched(x, &a),
		    tidx_lookup(x, &a));
	}
	for (i = 0; i < FILT6; i++) {
		ck_assert(spec_filter(&l, &a6[i]));
		ck_assert_int_ge(tidx_lookup(x, &a6[i]), 0);
		ck_assert_int_eq(tidx_lookup_fetched(x, &a6[i]),
		    tidx_lookup(x, &a6[i]));
	}
	seed = 12;
	for (i = 0; i < FILT_TRIES; i++) {
		random_addr(&a);
		tidx_prefetch(x, &a);
		if (spec_lookup(&l, &a, &probes) >= 0) {
			held++;		/* One of the random ones, by chance. */
			continue;
		}
		passed += spec_filter(&l, &a);
		ck_assert_int_eq(tidx_lookup(x, &a), -1);
		ck_assert_int_eq(tidx_lookup_fetched(x, &a), -1);
	}
	ck_assert_uint_le(held, 5);
	ck_assert_msg(passed * 50 <= FILT_TRIES, "%zu of %d passed", passed,
	    FILT_TRIES);
	ck_assert_uint_gt(passed, 0);	/* It is a filter, not a set. */
	ck_assert_int_eq(tidx_verify(x), TIDX_OK);
	tidx_close(x);
	free(buf);
}
END_TEST

/*
 * An index without FILTER (format 3.0: its entry's kind made 0 and its
 * bytes zero), with an empty one (count and size 0, bytes zero), or
 * whose FILTER a reader does not know (kind 12, as a later minor's
 * section would be, its bytes kept) gives the same answers, and
 * verifies.
 */
START_TEST(test_filter_absent)
{
	static uint32_t	 a4[FILT4];
	static struct addr a6[FILT6];
	struct tidx	*with, *without;
	struct tidx_info info;
	struct addr	 a;
	unsigned char	*buf;
	char		 path[PATH_MAX];
	size_t		 len, e, i;
	int		 how;

	mkpath(path, "filtered.idx");
	build_filtered(path, a4, a6);
	ck_assert_int_eq(tidx_open(path, &with), TIDX_OK);
	for (how = 0; how < 3; how++) {
		buf = slurp(path, &len);
		ck_assert_uint_ne(e = sec_at(buf, TIDX_FILTER), 0);
		if (how < 2)
			memset(buf + le64(buf + e + 8), 0, le64(buf + e + 16));
		if (how == 0)
			put32(buf + e, 0);
		else if (how == 1) {
			put64(buf + e + 16, 0);
			put32(buf + e + 24, 0);
		} else
			put32(buf + e, TIDX_NKINDS + 1);
		fix_all(buf, len);
		ck_assert_int_eq(open_bytes(buf, len, &without), TIDX_OK);
		tidx_get_info(without, &info);
		ck_assert_uint_eq(info.filter_words, 0);
		for (i = 0; i < FILT4; i++) {
			addr_from_v4(&a, a4[i]);
			ck_assert_int_eq(tidx_lookup(without, &a),
			    tidx_lookup(with, &a));
		}
		for (i = 0; i < FILT6; i++)
			ck_assert_int_eq(tidx_lookup(without, &a6[i]),
			    tidx_lookup(with, &a6[i]));
		seed = 13;
		for (i = 0; i < FILT_TRIES / 10; i++) {
			random_addr(&a);
			tidx_prefetch(without, &a);
			ck_assert_int_eq(tidx_lookup(without, &a),
			    tidx_lookup(with, &a));
		}
		ck_assert_int_eq(tidx_verify(without), TIDX_OK);
		tidx_close(without);
		free(buf);
	}
	tidx_close(with);
}
END_TEST

/*
 * A FILTER that turns an address of the tables away: the reader trusts
 * it when it looks up (the address is not found), and --verify finds it.
 */
START_TEST(test_filter_damaged)
{
	struct layout	 l;
	struct addr	 a;
	struct tidx	*x;
	unsigned char	*buf;
	size_t		 len, w;
	uint64_t	 off;

	buf = slurp(small_path, &len);
	layout_read(&l, buf, len);
	parse("203.0.113.9", &a);
	ck_assert(spec_filter(&l, &a));
	off = l.off[TIDX_FILTER];
	/* Clear the one word that lets it through. */
	for (w = 0; w < l.count[TIDX_FILTER]; w++) {
		uint64_t keep = le64(buf + off + 8 * w);

		put64(buf + off + 8 * w, 0);
		if (!spec_filter(&l, &a))
			break;
		put64(buf + off + 8 * w, keep);
	}
	ck_assert_uint_lt(w, l.count[TIDX_FILTER]);
	fix_all(buf, len);
	ck_assert_int_eq(open_bytes(buf, len, &x), TIDX_OK);
	ck_assert_int_eq(tidx_lookup(x, &a), -1);
	ck_assert_int_eq(tidx_verify(x), TIDX_ERR_DAMAGED);
	tidx_close(x);
	free(buf);
}
END_TEST

START_TEST(test_strings_stored_once)
{
	static const char *tt[3] = { "Botnet", "Phishing", "Botnet" };
	struct tidx_builder	*b = tidx_builder_new();
	struct tidx_params	 p = { 1, 2, 3 };
	struct trec	 r;
	struct tidx_info	 info;
	struct tidx_ind		 ind[300];
	struct tidx		*x;
	struct addr		 a;
	char			 path[PATH_MAX], id[32];
	uint32_t		 i;

	for (i = 0; i < 300; i++) {
		memset(&r, 0, sizeof(r));
		snprintf(id, sizeof(id), "id-%u", i % 100);	/* 100 ids. */
		r.id = id;
		r.threat_type = tt[i % 3];	/* 2 strings. */
		r.description = "Botnet";	/* Again "Botnet". */
		r.url = i % 2 ? "http://x" : NULL;	/* 1 string. */
		r.type = "ThreatIntelligenceIndicator";	/* 1. */
		ck_assert_int_eq(add_rec(b, &r), i);
		addr_from_v4(&a, 0xC6336400u + i);
		/* The address text "id-5" is the same as an id. */
		ck_assert_int_eq(tidx_builder_addr(b, &a, bstr(b, id), i),
		    TIDX_OK);
	}
	mkpath(path, "dups.idx");
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_OK);
	tidx_builder_free(b);
	ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
	tidx_get_info(x, &info);
	ck_assert_uint_eq(info.n_strings, 100 + 2 + 1 + 1);
	/* Tuples: threat type (2 distinct) by url (null or not). */
	ck_assert_uint_eq(info.n_meta, 4);
	ck_assert_uint_eq(info.n_records, 300);
	ck_assert_uint_eq(info.strings_size, 10 * (5 + 4) + 90 * (5 + 5) +
	    (5 + 6) + (5 + 8) + (5 + 8) + (5 + 27));
	for (i = 0; i < 300; i++) {
		addr_from_v4(&a, 0xC6336400u + i);
		ck_assert_int_eq(tidx_entry(x, (uint64_t)tidx_lookup(x, &a),
		    &ind[i]), TIDX_OK);
		ck_assert_ptr_eq(ind[i].id.p, ind[i].addr_text.p);
		ck_assert_ptr_eq(ind[i].id.p, ind[i % 100].id.p);
		ck_assert_ptr_eq(ind[i].description.p, ind[0].threat_type.p);
		ck_assert_ptr_eq(ind[i].threat_type.p, ind[i % 3 == 1 ? 1 :
		    0].threat_type.p);
		if (i % 2)
			ck_assert_ptr_eq(ind[i].url.p, ind[1].url.p);
		else
			ck_assert_ptr_null(ind[i].url.p);
	}
	ck_assert_int_eq(tidx_verify(x), TIDX_OK);
	tidx_close(x);
}
END_TEST

/* The file is a function of its input and parameters. */
START_TEST(test_reproducible)
{
	unsigned char	*a, *b;
	char		 p1[PATH_MAX], p2[PATH_MAX];
	size_t		 la, lb;

	mkpath(p1, "repro1.idx");
	mkpath(p2, "repro2.idx");
	build_small(p1, &small_params);
	build_small(p2, &small_params);
	a = slurp(p1, &la);
	b = slurp(p2, &lb);
	ck_assert_uint_eq(la, lb);
	ck_assert(memcmp(a, b, la) == 0);
	free(b);
	b = slurp(small_path, &lb);	/* Built by the fixture. */
	ck_assert_uint_eq(la, lb);
	ck_assert(memcmp(a, b, la) == 0);
	free(a);
	free(b);
	/* Other parameters: only the header differs. */
	{
		struct tidx_params p = small_params;

		p.lookback++;
		build_small(p2, &p);
		a = slurp(p1, &la);
		b = slurp(p2, &lb);
		ck_assert_uint_eq(la, lb);
		ck_assert(memcmp(a, b, la) != 0);
		ck_assert(memcmp(a + TABLE_END, b + TABLE_END,
		    la - TABLE_END) == 0);
		free(a);
		free(b);
	}
}
END_TEST

/* ---------------------------------------------------------------------
 * Damage.
 */

START_TEST(test_every_truncation)
{
	unsigned char	*buf;
	enum tidx_status st;
	size_t		 len, n;

	buf = slurp(small_path, &len);
	for (n = 0; n < len; n++) {
		st = open_status(buf, n);
		ck_assert_msg(st != TIDX_OK, "%zu of %zu bytes opened", n,
		    len);
		ck_assert(valid_status(st));
		if (n >= 8)
			ck_assert_msg(st == TIDX_ERR_TRUNCATED,
			    "%zu bytes: %s", n, tidx_strerror(st));
	}
	/* And one byte too many. */
	buf = realloc(buf, len + 1);
	ck_assert_ptr_nonnull(buf);
	buf[len] = 0;
	ck_assert_int_ne(open_status(buf, len + 1), TIDX_OK);
	free(buf);
}
END_TEST

START_TEST(test_header_bit_flips)
{
	unsigned char	*buf;
	enum tidx_status st;
	size_t		 len, i;
	int		 bit;

	buf = slurp(small_path, &len);
	for (i = 0; i < TABLE_END; i++)
		for (bit = 0; bit < 8; bit++) {
			buf[i] ^= (unsigned char)(1 << bit);
			st = open_status(buf, len);
			ck_assert_msg(st != TIDX_OK,
			    "byte %zu bit %d flipped: opened", i, bit);
			ck_assert(valid_status(st));
			if (i < 8)
				ck_assert_int_eq(st, TIDX_ERR_MAGIC);
			if (i >= 32)	/* Only the CRC can tell. */
				ck_assert_msg(st == TIDX_ERR_CHECKSUM,
				    "byte %zu bit %d: %s", i, bit,
				    tidx_strerror(st));
			buf[i] ^= (unsigned char)(1 << bit);
		}
	ck_assert_int_eq(open_status(buf, len), TIDX_OK);
	free(buf);
}
END_TEST

START_TEST(test_section_byte_flips)
{
	unsigned char	*buf;
	struct tidx	*x;
	enum tidx_status st;
	size_t		 len;
	uint64_t	 off, size, i;
	uint32_t	 k;
	int		 opened = 0;

	buf = slurp(small_path, &len);
	for (k = 1; k <= TIDX_STRINGS; k++) {
		off = sec_off(buf, k);
		size = le64(buf + sec_at(buf, k) + 16);
		ck_assert_uint_gt(size, 0);
		for (i = off; i < off + size; i++) {
			buf[i] ^= 0xFF;
			st = open_bytes(buf, len, &x);
			ck_assert(valid_status(st));
			if (st == TIDX_OK) {
				opened++;
				probe_all(x);
				st = tidx_verify(x);
				ck_assert_msg(st == TIDX_ERR_CHECKSUM ||
				    st == TIDX_ERR_DAMAGED,
				    "kind %u byte %ju: verify says %s", k,
				    (uintmax_t)(i - off), tidx_strerror(st));
				tidx_close(x);
			}
			buf[i] ^= 0xFF;
		}
	}
	/* Opening does not read sections. */
	ck_assert_int_gt(opened, 0);
	free(buf);
}
END_TEST

START_TEST(test_bad_magic)
{
	unsigned char	*buf;
	size_t		 len;

	buf = slurp(small_path, &len);
	buf[7] = 'Y';
	ck_assert_int_eq(open_status(buf, len), TIDX_ERR_MAGIC);
	memset(buf, 0, len);
	ck_assert_int_eq(open_status(buf, len), TIDX_ERR_MAGIC);
	memset(buf, 'x', len);
	ck_assert_int_eq(open_status(buf, len), TIDX_ERR_MAGIC);
	ck_assert_int_eq(open_status((const unsigned char *)"TI-INDE", 7),
	    TIDX_ERR_MAGIC);
	free(buf);
}
END_TEST

START_TEST(test_versions)
{
	unsigned char	*buf;
	struct tidx	*x;
	struct tidx_info info;
	size_t		 len;
	static const uint16_t refused[] = { 5, 3, 2, 1, 0, 0xFFFF };
	size_t		 i;

	buf = slurp(small_path, &len);
	/*
	 * Format 1 started IPv4 probes elsewhere, format 2 kept IPv6 keys in
	 * 24-byte slots, format 3 kept the text of every address: all
	 * refused, as are majors not yet defined.
	 */
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		put16(buf + 8, refused[i]);
		fix_hcrc(buf, len);
		ck_assert_int_eq(open_status(buf, len), TIDX_ERR_VERSION);
	}
	/* A later minor of major 4 is read. */
	put16(buf + 8, 4);
	put16(buf + 10, 7);
	fix_hcrc(buf, len);
	ck_assert_int_eq(open_bytes(buf, len, &x), TIDX_OK);
	tidx_get_info(x, &info);
	ck_assert_uint_eq(info.major, 4);
	ck_assert_uint_eq(info.minor, 7);
	ck_assert_int_eq(probe_all(x), (int)NSADDRS);
	ck_assert_int_eq(tidx_verify(x), TIDX_OK);
	tidx_close(x);
	free(buf);
}
END_TEST

/* Rewrite one 64-bit or 32-bit field, fix the CRC, expect failure. */
static void
field_fails(const unsigned char *orig, size_t len, size_t at, int width,
    uint64_t v)
{
	unsigned char	*buf = malloc(len);
	enum tidx_status st;

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, orig, len);
	if (width == 8)
		put64(buf + at, v);
	else
		put32(buf + at, (uint32_t)v);
	fix_hcrc(buf, len);
	st = open_status(buf, len);
	ck_assert_msg(st != TIDX_OK && st != TIDX_ERR_CHECKSUM,
	    "field at %zu = %#jx: %s", at, (uintmax_t)v, tidx_strerror(st));
	ck_assert(valid_status(st));
	free(buf);
}

START_TEST(test_header_fields)
{
	unsigned char	*buf;
	size_t		 len;

	buf = slurp(small_path, &len);
	field_fails(buf, len, 12, 4, 127);		/* Header size. */
	field_fails(buf, len, 12, 4, 0);
	field_fails(buf, len, 12, 4, 0xFFFFFFF8u);
	field_fails(buf, len, 16, 4, 0);		/* No sections. */
	field_fails(buf, len, 16, 4, 5);		/* One missing. */
	field_fails(buf, len, 16, 4, 65);
	field_fails(buf, len, 16, 4, 0xFFFFFFFFu);
	field_fails(buf, len, 24, 8, len + 1);		/* File size. */
	field_fails(buf, len, 24, 8, len - 1);
	field_fails(buf, len, 24, 8, 0);
	field_fails(buf, len, 24, 8, UINT64_MAX);
	free(buf);
}
END_TEST

START_TEST(test_section_fields)
{
	unsigned char	*buf;
	size_t		 len, e;
	uint32_t	 k;

	buf = slurp(small_path, &len);
	for (k = 1; k <= TIDX_FILTER; k++) {
		if (k > TIDX_STRINGS && k < TIDX_FILTER)
			continue;	/* No prefixes in the small index. */
		e = sec_at(buf, k);
		ck_assert_uint_ne(e, 0);
		/* Offsets: past the end, unaligned, in the header. */
		field_fails(buf, len, e + 8, 8, (len + 63) / 64 * 64);
		field_fails(buf, len, e + 8, 8, (len + 64) / 64 * 64 + 64);
		field_fails(buf, len, e + 8, 8, le64(buf + e + 8) + 1);
		field_fails(buf, len, e + 8, 8, 0);
		field_fails(buf, len, e + 8, 8, 256);
		field_fails(buf, len, e + 8, 8, UINT64_MAX & ~(uint64_t)63);
		/* Sizes: past the end, wrapping the offset. */
		field_fails(buf, len, e + 16, 8, len);
		field_fails(buf, len, e + 16, 8, UINT64_MAX);
		field_fails(buf, len, e + 16, 8, UINT64_MAX - 63);
		field_fails(buf, len, e + 16, 8,
		    UINT64_MAX - le64(buf + e + 8) + 1);
		/* Kinds: duplicated (so one is missing), or unknown. */
		field_fails(buf, len, e, 4, k == 1 ? 2 : 1);
		if (k != TIDX_FILTER) {	/* Skipping FILTER is no harm. */
			field_fails(buf, len, e, 4, 0);
			field_fails(buf, len, e, 4, 99);
		}
		if (k == TIDX_STRINGS)
			continue;
		/* Counts that do not match the size. */
		field_fails(buf, len, e + 24, 4, le32(buf + e + 24) + 1);
		field_fails(buf, len, e + 24, 4, 0xFFFFFFFFu);
	}
	free(buf);
}
END_TEST

/*
 * Counts whose product with the element size wraps to the size in 32
 * (or 64) bits: the product must be computed without overflow.
 */
START_TEST(test_count_overflow)
{
	static const struct {
		uint32_t kind;
		uint32_t count;
	} c[] = {
		{ TIDX_RECORDS, 0x08000000u },	/* * 32 = 2^32 */
		{ TIDX_RECORDS, 0x80000000u },
		{ TIDX_ENTRIES, 0x20000000u },	/* * 8 = 2^32 */
		{ TIDX_HASH4, 0x20000000u },
		{ TIDX_HASH6, 0x04000000u },	/* * 64 = 2^32 */
		{ TIDX_HASH6, 0x80000000u },	/* * 64 = 2^37 */
		{ TIDX_META, 0x40000000u },	/* * 20 = 5 * 2^32 */
	};
	unsigned char	*buf;
	size_t		 len, e, i;

	buf = slurp(small_path, &len);
	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		e = sec_at(buf, c[i].kind);
		put64(buf + e + 16, 0);		/* Size 0: 2^32 mod 2^32. */
		field_fails(buf, len, e + 24, 4, c[i].count);
		free(buf);
		buf = slurp(small_path, &len);
	}
	free(buf);
}
END_TEST

START_TEST(test_hash_params)
{
	unsigned char	*buf;
	size_t		 len, e;
	uint32_t	 k;

	buf = slurp(small_path, &len);
	for (k = TIDX_HASH4; k <= TIDX_HASH6; k++) {
		e = sec_at(buf, k);
		/* More probes than slots (three to a HASH6 bucket). */
		field_fails(buf, len, e + 28, 4, le32(buf + e + 24) *
		    (k == TIDX_HASH4 ? 1 : 3) + 1);
		field_fails(buf, len, e + 28, 4, 0xFFFFFFFFu);
	}
	/* A slot count that is not a power of two (size kept in step). */
	e = sec_at(buf, TIDX_HASH4);
	put64(buf + e + 16, 3 * 8);
	field_fails(buf, len, e + 24, 4, 3);
	free(buf);
}
END_TEST

/*
 * A table entry of a kind this reader does not know, as a later minor
 * might add: the sections move 64 bytes to make room for it.
 */
static unsigned char *
add_section(const unsigned char *buf, size_t len, uint32_t kind,
    uint64_t off, uint64_t size, size_t *nlen)
{
	unsigned char	*n;
	uint32_t	 k, nsec = le32(buf + 16);

	*nlen = len + 64;
	n = calloc(1, *nlen);
	ck_assert_ptr_nonnull(n);
	memcpy(n, buf, TIDX_HEADER_SIZE + nsec * TIDX_SECTION_SIZE);
	memcpy(n + TABLE_END + 64, buf + TABLE_END, len - TABLE_END);
	for (k = 0; k < nsec; k++) {
		unsigned char *e = n + TIDX_HEADER_SIZE + k * TIDX_SECTION_SIZE;

		put64(e + 8, le64(e + 8) + 64);
	}
	put32(n + 16, nsec + 1);
	put64(n + 24, *nlen);
	put32(n + TABLE_END, kind);
	put32(n + TABLE_END + 4, 0x12345678u);
	put64(n + TABLE_END + 8, off);
	put64(n + TABLE_END + 16, size);
	put32(n + TABLE_END + 24, 77);
	put32(n + TABLE_END + 28, 5);
	fix_hcrc(n, *nlen);
	return n;
}

START_TEST(test_unknown_section)
{
	static const uint32_t kinds[] = { 99, 12, 64, 0xFFFFFFFFu };
	unsigned char	*buf, *n;
	struct tidx	*x;
	size_t		 len, nlen;
	int		 i;

	buf = slurp(small_path, &len);
	for (i = 0; i < 4; i++) {
		/* Its fields are not this reader's business. */
		n = add_section(buf, len, kinds[i], i == 0 ? 0 : 3,
		    UINT64_MAX, &nlen);
		ck_assert_int_eq(open_bytes(n, nlen, &x), TIDX_OK);
		ck_assert_int_eq(probe_all(x), (int)NSADDRS);
		ck_assert_int_eq(tidx_verify(x), TIDX_OK);
		tidx_close(x);
		free(n);
	}
	/* The same with no CRC fix-up fails, so the file was changed. */
	n = add_section(buf, len, 99, 0, 0, &nlen);
	n[TABLE_END + 4] ^= 1;
	ck_assert_int_eq(open_status(n, nlen), TIDX_ERR_CHECKSUM);
	free(n);
	free(buf);
}
END_TEST

/* Fix the checksums of buf, open it, and expect a damaged entry. */
static void
tampered(unsigned char *buf, size_t len, const char *addr, int verify_only)
{
	struct tidx_ind	 ind;
	struct tidx	*x;
	int64_t		 e;

	fix_all(buf, len);
	ck_assert_int_eq(open_bytes(buf, len, &x), TIDX_OK);
	if (!verify_only) {
		e = look(x, addr);
		ck_assert_int_ge(e, 0);
		ck_assert_int_eq(tidx_entry(x, (uint64_t)e, &ind),
		    TIDX_ERR_DAMAGED);
	}
	probe_all(x);
	ck_assert_int_eq(tidx_verify(x), TIDX_ERR_DAMAGED);
	tidx_close(x);
}

/*
 * The value field of the slot of addr in buf (by the documented hash),
 * or NULL.
 */
static unsigned char *
slot_of(unsigned char *buf, size_t len, const char *addr)
{
	struct layout	 l;
	struct addr	 a;
	const unsigned char *key;
	uint32_t	 probes;
	uint64_t	 i, n;
	int64_t		 e;
	uint32_t	 kind;

	layout_read(&l, buf, len);
	parse(addr, &a);
	kind = addr_is_v4(&a) ? TIDX_HASH4 : TIDX_HASH6;
	e = spec_lookup(&l, &a, &probes);
	ck_assert_int_ge(e, 0);
	n = l.count[kind] * (kind == TIDX_HASH4 ? 1 : 3);
	for (i = 0; i < n; i++)
		if (spec_slot(&l, kind, i, &key) == (uint32_t)e + 1)
			return kind == TIDX_HASH4 ? (unsigned char *)key + 4 :
			    buf + (key - buf) / 64 * 64 + 48 + 4 * (i % 3);
	return NULL;
}

START_TEST(test_tampered_slots)
{
	unsigned char	*buf, *s;
	size_t		 len;

	buf = slurp(small_path, &len);
	s = slot_of(buf, len, "203.0.113.9");
	ck_assert_ptr_nonnull(s);
	put32(s, 0xFFFFFFF0u);
	tampered(buf, len, "203.0.113.9", 0);
	free(buf);

	buf = slurp(small_path, &len);
	s = slot_of(buf, len, "198.51.100.1");
	put32(s, NSADDRS + 1);	/* Just past the last entry. */
	tampered(buf, len, "198.51.100.1", 0);
	free(buf);

	buf = slurp(small_path, &len);
	s = slot_of(buf, len, "2001:db8::2");
	ck_assert_ptr_nonnull(s);
	put32(s, 0xFFFFFFFFu);
	tampered(buf, len, "2001:db8::2", 0);
	free(buf);
}
END_TEST

START_TEST(test_tampered_references)
{
	unsigned char	*buf;
	struct layout	 l;
	struct addr	 a;
	size_t		 len, e0, r0, m0;
	uint64_t	 strs;
	uint32_t	 probes, ssize;
	int64_t		 e;

	/* Where 203.0.113.9's entry, record 0 and its META tuple are. */
	buf = slurp(small_path, &len);
	layout_read(&l, buf, len);
	parse("203.0.113.9", &a);
	ck_assert_int_ge(e = spec_lookup(&l, &a, &probes), 0);
	e0 = (size_t)(l.off[TIDX_ENTRIES] + (uint64_t)e * 8);
	ck_assert_uint_eq(le32(buf + e0), 0);
	r0 = (size_t)l.off[TIDX_RECORDS];
	m0 = (size_t)(l.off[TIDX_META] + le32(buf + r0 + 20) * 20);
	strs = l.off[TIDX_STRINGS];
	ssize = (uint32_t)l.size[TIDX_STRINGS];

	put32(buf + e0, NSRECS);			/* Record. */
	tampered(buf, len, "203.0.113.9", 0);
	put32(buf + e0, 0);
	put32(buf + e0 + 4, ssize);			/* Address text. */
	tampered(buf, len, "203.0.113.9", 0);
	put32(buf + e0 + 4, ssize - 4);
	tampered(buf, len, "203.0.113.9", 0);
	put32(buf + e0 + 4, 0xFFFFFFFEu);
	tampered(buf, len, "203.0.113.9", 0);
	free(buf);

	buf = slurp(small_path, &len);
	put32(buf + r0 + 20, 3);			/* META index. */
	tampered(buf, len, "203.0.113.9", 0);
	put32(buf + r0 + 20, 0xFFFFFFFFu);
	tampered(buf, len, "203.0.113.9", 0);
	free(buf);

	buf = slurp(small_path, &len);
	put32(buf + r0 + 16, 0x7FFFFFFFu);		/* IndicatorId. */
	tampered(buf, len, "203.0.113.9", 0);
	free(buf);

	buf = slurp(small_path, &len);
	put32(buf + r0 + 3 * 32 + 16, ssize);		/* Record 3's. */
	tampered(buf, len, "::", 0);
	free(buf);

	buf = slurp(small_path, &len);
	put32(buf + m0 + 4, ssize + 100);		/* Description. */
	tampered(buf, len, "203.0.113.9", 0);
	free(buf);

	/* A string's length runs past the section; a missing NUL. */
	buf = slurp(small_path, &len);
	put32(buf + strs, 0x7FFFFFFFu);
	tampered(buf, len, NULL, 1);
	free(buf);
	buf = slurp(small_path, &len);
	buf[strs + 4 + le32(buf + strs)] = 'X';
	tampered(buf, len, NULL, 1);
	free(buf);
}
END_TEST

START_TEST(test_tampered_string_count)
{
	unsigned char	*buf;
	struct tidx	*x;
	size_t		 len, e;

	buf = slurp(small_path, &len);
	e = sec_at(buf, TIDX_STRINGS);
	put32(buf + e + 24, le32(buf + e + 24) + 1);
	fix_hcrc(buf, len);
	ck_assert_int_eq(open_bytes(buf, len, &x), TIDX_OK);
	ck_assert_int_eq(probe_all(x), (int)NSADDRS);
	ck_assert_int_eq(tidx_verify(x), TIDX_ERR_DAMAGED);
	tidx_close(x);
	free(buf);
}
END_TEST

/*
 * Random damage with every checksum made right again: opening, lookups,
 * entries and verification answer with a status and never read outside
 * the file (run under ASan).
 */
START_TEST(test_random_damage)
{
	unsigned char	*orig, *buf;
	struct tidx	*x;
	enum tidx_status st;
	size_t		 len, at;
	int		 i, j, n;

	orig = slurp(small_path, &len);
	buf = malloc(len);
	ck_assert_ptr_nonnull(buf);
	seed = 99;
	for (i = 0; i < TEST_ROUNDS(3000); i++) {
		memcpy(buf, orig, len);
		n = 1 + (int)(rnd(&seed) % 4);
		for (j = 0; j < n; j++) {
			/* Half in the table, half in the sections. */
			if (rnd(&seed) % 2)
				at = TIDX_HEADER_SIZE + rnd(&seed) % (6 * 32);
			else
				at = TABLE_END + rnd(&seed) % (len - TABLE_END);
			buf[at] = rnd(&seed) % 3 ? (unsigned char)rnd(&seed) :
			    (unsigned char)(buf[at] ^ 0x80);
		}
		if (i % 2)
			fix_all(buf, len);
		else
			fix_hcrc(buf, len);
		st = open_bytes(buf, len, &x);
		ck_assert(valid_status(st));
		if (st != TIDX_OK)
			continue;
		probe_all(x);
		st = tidx_verify(x);
		ck_assert(st == TIDX_OK || st == TIDX_ERR_CHECKSUM ||
		    st == TIDX_ERR_DAMAGED);
		tidx_close(x);
	}
	free(buf);
	free(orig);
}
END_TEST

/*
 * Lookups read a line of eight IPv4 slots at a time; they must answer as
 * the documented slot-at-a-time lookup does (spec_lookup), found or not:
 * on a table of 5,000 addresses (load 0.61, so some lines are full and
 * chains cross lines), for every indexed address and its two neighbours
 * and 20,000 random ones, with the probe limit as built and cut to 0 ..
 * 17 slots, which ends lookups inside a line.
 */
/* A bijection of 24-bit numbers that scatters them: key i is in 11/8. */
static uint32_t
crowd_key(size_t i)
{
	uint32_t x = (uint32_t)i & 0xFFFFFFu;

	x ^= x >> 12;
	x = x * 0x9E3779u & 0xFFFFFFu;
	x ^= x >> 11;
	x = x * 0x85EBCBu & 0xFFFFFFu;
	x ^= x >> 13;
	return 0x0B000000u | x;
}

/*
 * Set the probe limit of the hash section whose entry is at e to each of
 * lims[0 .. nlims - 1], then back to built, and look up key(0) ..
 * key(nkeys - 1) each time: tidx_lookup() must answer as the documented
 * walk does.  found and missed count the documented answers; at the
 * built limit the index must verify.
 */
static void
limits_as_documented(unsigned char *buf, size_t len, size_t e,
    const uint32_t *lims, size_t nlims, uint32_t built,
    void (*key)(size_t, struct addr *), size_t nkeys, uint64_t *found,
    uint64_t *missed)
{
	struct layout	 l;
	struct tidx	*x;
	struct addr	 a;
	uint32_t	 probes;
	int64_t		 want, got;
	size_t		 li, n;

	for (li = 0; li <= nlims; li++) {
		put32(buf + e + 28, li < nlims ? lims[li] : built);
		fix_hcrc(buf, len);
		ck_assert_int_eq(open_bytes(buf, len, &x), TIDX_OK);
		layout_read(&l, buf, len);
		for (n = 0; n < nkeys; n++) {
			key(n, &a);
			want = spec_lookup(&l, &a, &probes);
			got = tidx_lookup(x, &a);
			if (n % 2 == 0 && tidx_lookup_fetched(x, &a) != got)
				ck_abort_msg("limit %u key %zu: fetched "
				    "differs", le32(buf + e + 28), n);
			if (got != want)
				ck_abort_msg("limit %u key %zu: %lld, "
				    "documented %lld", le32(buf + e + 28), n,
				    (long long)got, (long long)want);
			if (want >= 0)
				(*found)++;
			else
				(*missed)++;
		}
		if (li == nlims)
			ck_assert_int_eq(tidx_verify(x), TIDX_OK);
		tidx_close(x);
	}
}

/* Key n: the 5,000 crowded keys with their neighbours, then random. */
static void
crowd_or_random4(size_t n, struct addr *a)
{
	addr_from_v4(a, n < 3 * 5000 ? crowd_key(n / 3) +
	    (uint32_t)(n % 3) - 1 : (uint32_t)rnd(&seed));
}

START_TEST(test_line_lookup_as_documented)
{
	struct tidx_builder *b = tidx_builder_new();
	struct trec r;
	struct addr	 a;
	char		 path[PATH_MAX];
	unsigned char	*buf;
	static const uint32_t lims[] = { 0, 1, 2, 3, 6, 7, 8, 9, 15, 16, 17 };
	uint32_t	 built;
	uint64_t	 found = 0, missed = 0, full = 0;
	size_t		 len, i, j, e;

	memset(&r, 0, sizeof(r));
	r.expiration = INT64_MAX;
	r.confidence = TIDX_CONF_NULL;
	r.id = "x";
	ck_assert_int_eq(add_rec(b, &r), 0);
	for (i = 0; i < 5000; i++) {
		addr_from_v4(&a, crowd_key(i));
		ck_assert_int_eq(tidx_builder_addr(b, &a, bstr(b, "a"), 0),
		    TIDX_OK);
	}
	mkpath(path, "crowded.idx");
	ck_assert_int_eq(tidx_builder_write(b, path, &small_params), TIDX_OK);
	tidx_builder_free(b);
	buf = slurp(path, &len);
	e = sec_at(buf, TIDX_HASH4);
	ck_assert_uint_eq(le32(buf + e + 24), 8192);
	built = le32(buf + e + 28);
	ck_assert_uint_gt(built, 8);
	/* Some lines are full. */
	for (i = 0; i < 8192; i += 8) {
		for (j = 0; j < 8; j++)
			if (le32(buf + sec_off(buf, TIDX_HASH4) + (i + j) * 8 +
			    4) == 0)
				break;
		full += j == 8;
	}
	ck_assert_uint_gt(full, 10);
	seed = 7;
	limits_as_documented(buf, len, e, lims, sizeof(lims) / sizeof(lims[0]),
	    built, crowd_or_random4, 3 * 5000 + 20000, &found, &missed);
	free(buf);
	/* Short limits miss some indexed addresses, the built one none. */
	ck_assert_uint_gt(found, 5000);
	ck_assert_uint_lt(found, 12 * 5000);
	ck_assert_uint_gt(missed, 12 * 20000);
}
END_TEST

/*
 * The same for IPv6 buckets of three slots: 4,000 addresses in 2,048
 * buckets (load 0.65, so some buckets are full and chains cross
 * buckets), every indexed address, its two neighbours and 10,000 random
 * ones, with the probe limit as built and cut to 0 .. 7 slots, which
 * ends lookups inside a bucket.  A damaged reserved field fails
 * tidx_verify only.
 */
static void
crowd_key6(size_t i, struct addr *a)
{
	uint32_t k = crowd_key(i);

	memset(a->b, 0, 16);
	a->b[0] = 0x20;
	a->b[1] = 0x01;
	a->b[2] = 0x0d;
	a->b[3] = 0xb8;
	a->b[8] = (uint8_t)(k >> 16);
	a->b[12] = (uint8_t)(k >> 8);
	a->b[15] = (uint8_t)k;
}

/* Key n: the 4,000 crowded keys with their neighbours, then random. */
static void
crowd_or_random6(size_t n, struct addr *a)
{
	uint64_t v;

	if (n < 3 * 4000) {
		crowd_key6(n / 3, a);
		a->b[15] = (uint8_t)(a->b[15] + n % 3 - 1);
	} else {
		v = rnd(&seed);
		memcpy(a->b, &v, 8);
		v = rnd(&seed);
		memcpy(a->b + 8, &v, 8);
		a->b[0] = 0x20;		/* Not IPv4-mapped. */
	}
}

START_TEST(test_bucket_lookup_as_documented)
{
	struct tidx_builder *b = tidx_builder_new();
	struct trec r;
	struct tidx	*x;
	struct addr	 a;
	char		 path[PATH_MAX];
	unsigned char	*buf;
	static const uint32_t lims[] = { 0, 1, 2, 3, 4, 5, 6, 7 };
	uint32_t	 built;
	uint64_t	 found = 0, missed = 0, full = 0, bk;
	size_t		 len, i, e;

	memset(&r, 0, sizeof(r));
	r.expiration = INT64_MAX;
	r.confidence = TIDX_CONF_NULL;
	r.id = "x";
	ck_assert_int_eq(add_rec(b, &r), 0);
	for (i = 0; i < 4000; i++) {
		crowd_key6(i, &a);
		ck_assert_int_eq(tidx_builder_addr(b, &a, bstr(b, "a"), 0),
		    TIDX_OK);
	}
	mkpath(path, "crowded6.idx");
	ck_assert_int_eq(tidx_builder_write(b, path, &small_params), TIDX_OK);
	tidx_builder_free(b);
	buf = slurp(path, &len);
	e = sec_at(buf, TIDX_HASH6);
	ck_assert_uint_eq(le32(buf + e + 24), 2048);
	ck_assert_uint_eq(le64(buf + e + 16), 2048 * 64);
	built = le32(buf + e + 28);
	ck_assert_uint_gt(built, 3);
	for (bk = 0; bk < 2048; bk++)
		full += le32(buf + sec_off(buf, TIDX_HASH6) + bk * 64 + 56) != 0;
	ck_assert_uint_gt(full, 10);
	seed = 11;
	limits_as_documented(buf, len, e, lims, sizeof(lims) / sizeof(lims[0]),
	    built, crowd_or_random6, 3 * 4000 + 10000, &found, &missed);
	/* Short limits miss some indexed addresses, the built one none. */
	ck_assert_uint_gt(found, 4000);
	ck_assert_uint_lt(found, 9 * 4000);
	ck_assert_uint_gt(missed, 9 * 10000);
	/*
	 * A reserved field that is not zero, or an empty slot's address:
	 * opens, fails verification.
	 */
	buf[sec_off(buf, TIDX_HASH6) + 17 * 64 + 61] = 1;
	fix_all(buf, len);
	ck_assert_int_eq(open_bytes(buf, len, &x), TIDX_OK);
	ck_assert_int_eq(tidx_verify(x), TIDX_ERR_DAMAGED);
	tidx_close(x);
	buf[sec_off(buf, TIDX_HASH6) + 17 * 64 + 61] = 0;
	for (bk = 0; le32(buf + sec_off(buf, TIDX_HASH6) + bk * 64 + 56) != 0;
	    bk++)
		;
	buf[sec_off(buf, TIDX_HASH6) + bk * 64 + 32 + 9] = 0x40;
	fix_all(buf, len);
	ck_assert_int_eq(open_bytes(buf, len, &x), TIDX_OK);
	ck_assert_int_eq(tidx_verify(x), TIDX_ERR_DAMAGED);
	tidx_close(x);
	buf[sec_off(buf, TIDX_HASH6) + bk * 64 + 32 + 9] = 0;
	fix_all(buf, len);
	ck_assert_int_eq(open_bytes(buf, len, &x), TIDX_OK);
	ck_assert_int_eq(tidx_verify(x), TIDX_OK);
	tidx_close(x);
	free(buf);
}
END_TEST

/*
 * The builder interns each string once and hands out references; the
 * index holds only the strings a record or entry uses, each once,
 * whatever else was interned (strings of rows the caller dropped), and
 * every reference reads back as the string it named.  Unused strings
 * under an eighth of the pool's bytes stay (garbage 2: one of 6 bytes
 * in about 1100).  After the write, nothing more can be interned.
 */
START_TEST(test_unused_strings)
{
	static const char *const junk[] = { "dropped-1", "old description: "
	    "a long one, written when the row was first seen, and replaced "
	    "by the row that won, so that no record of the index uses it",
	    "198.51.100.99", "" };
	struct tidx_builder *b;
	struct tidx_rec_ref r;
	struct tidx_info info;
	struct tidx_ind	 ind;
	struct tidx	*x;
	struct addr	 a;
	char		 path[PATH_MAX], text[32], id[32];
	const char	*got;
	uint32_t	 t, len;
	int64_t		 e;
	int		 i, garbage;

	for (garbage = 0; garbage < 3; garbage++) {
		b = tidx_builder_new();
		if (garbage == 2)
			(void)bstr(b, "x");
		ck_assert_uint_eq(tidx_builder_string(b, NULL, 3),
		    TIDX_STRNULL);
		ck_assert_ptr_null(tidx_builder_get(b, TIDX_STRNULL, &len));
		for (i = 0; i < 40; i++) {
			if (garbage == 1)
				(void)bstr(b, junk[i % 4]);
			snprintf(id, sizeof(id), "id-%d", i);
			snprintf(text, sizeof(text), "192.0.2.%d", i);
			memset(&r, 0, sizeof(r));
			r.expiration = INT64_MAX;
			r.confidence = i;
			r.id = bstr(b, id);
			ck_assert_uint_eq(bstr(b, id), r.id);
			got = tidx_builder_get(b, r.id, &len);
			ck_assert_uint_eq(len, strlen(id));
			ck_assert_mem_eq(got, id, len);
			r.threat_type = bstr(b, "C2");
			r.description = bstr(b, i % 2 ? NULL : "shared");
			r.activity_groups = TIDX_STRNULL;
			r.url = TIDX_STRNULL;
			r.type = bstr(b, "T");
			r.source = TIDX_STRNULL;
			ck_assert_int_eq(tidx_builder_record(b, &r), i);
			t = bstr(b, text);
			parse(text, &a);
			ck_assert_int_eq(tidx_builder_addr(b, &a, t,
			    (uint64_t)i), TIDX_OK);
		}
		mkpath(path, garbage == 1 ? "shared-g.idx" : garbage == 2 ?
		    "shared-x.idx" : "shared.idx");
		ck_assert_int_eq(tidx_builder_write(b, path, &small_params),
		    TIDX_OK);
		ck_assert_uint_eq(bstr(b, "late"), TIDX_STRFULL);
		tidx_builder_free(b);
		ck_assert_int_eq(tidx_open(path, &x), TIDX_OK);
		ck_assert_int_eq(tidx_verify(x), TIDX_OK);
		tidx_get_info(x, &info);
		/* id-i, 192.0.2.i, "C2", "shared", "T" (and "x"). */
		ck_assert_uint_eq(info.n_strings, garbage == 2 ? 84 : 83);
		for (i = 0; i < 40; i++) {
			snprintf(text, sizeof(text), "192.0.2.%d", i);
			snprintf(id, sizeof(id), "id-%d", i);
			parse(text, &a);
			ck_assert_int_ge(e = tidx_lookup(x, &a), 0);
			ck_assert_int_eq(tidx_entry(x, (uint64_t)e, &ind),
			    TIDX_OK);
			str_is("value", ind.addr_text, text);
			str_is("value", ind.id, id);
			str_is("value", ind.threat_type, "C2");
			str_is("value", ind.description, i % 2 ? NULL : "shared");
			str_is("value", ind.type, "T");
			str_is("value", ind.source, NULL);
			ck_assert_ptr_null(ind.url.p);
			ck_assert_int_eq(ind.confidence, i);
		}
		tidx_close(x);
	}
}
END_TEST

Suite *
tidx_suite(void)
{
	Suite	*s = suite_create("tidx");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, small_setup, small_teardown);
	tcase_add_test(tc, test_lookup_hits);
	tcase_add_test(tc, test_open_advises_huge_pages);
	tcase_add_test(tc, test_lookup_other_spellings);
	tcase_add_test(tc, test_lookup_one_bit_off);
	tcase_add_test(tc, test_lookup_random_misses);
	tcase_add_test(tc, test_entry_out_of_range);
	tcase_add_test(tc, test_info);
	tcase_add_test(tc, test_info_extreme_params);
	tcase_add_test(tc, test_meta_shared);
	tcase_add_test(tc, test_open_io_errors);
	tcase_add_test(tc, test_strerror);
	tcase_add_test(tc, test_builder_errors);
	tcase_add_test(tc, test_write_replaces_atomically);
	tcase_add_test(tc, test_write_fails_midway);
	tcase_add_test(tc, test_write_relative_path);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);

	tc = tcase_create("Layout");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, small_setup, small_teardown);
	tcase_add_test(tc, test_layout_small);
	tcase_add_test(tc, test_layout_strings_distinct);
	tcase_add_test(tc, test_line_lookup_as_documented);
	tcase_add_test(tc, test_bucket_lookup_as_documented);
	tcase_add_test(tc, test_unused_strings);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, small_setup, small_teardown);
	tcase_add_test(tc, test_empty_index);
	tcase_add_test(tc, test_records_without_addresses);
	tcase_add_test(tc, test_one_family);
	tcase_add_test(tc, test_many_addresses);
	tcase_add_test(tc, test_filter_as_documented);
	tcase_add_test(tc, test_filter_absent);
	tcase_add_test(tc, test_filter_damaged);
	tcase_add_test(tc, test_strings_stored_once);
	tcase_add_test(tc, test_reproducible);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	tc = tcase_create("Damage");
	tcase_add_unchecked_fixture(tc, tmpdir_setup, tmpdir_teardown);
	tcase_add_checked_fixture(tc, small_setup, small_teardown);
	tcase_add_test(tc, test_every_truncation);
	tcase_add_test(tc, test_header_bit_flips);
	tcase_add_test(tc, test_section_byte_flips);
	tcase_add_test(tc, test_bad_magic);
	tcase_add_test(tc, test_versions);
	tcase_add_test(tc, test_header_fields);
	tcase_add_test(tc, test_section_fields);
	tcase_add_test(tc, test_count_overflow);
	tcase_add_test(tc, test_hash_params);
	tcase_add_test(tc, test_unknown_section);
	tcase_add_test(tc, test_tampered_slots);
	tcase_add_test(tc, test_tampered_references);
	tcase_add_test(tc, test_tampered_string_count);
	tcase_add_test(tc, test_random_damage);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);

	return s;
}
