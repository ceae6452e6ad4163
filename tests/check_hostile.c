/*
 * check_hostile.c: unit tests of what hostile input can make the modules
 * do, beyond each module's own suite.
 *
 * Alloc: an allocation that yajl itself makes, while parsing a record
 * (jrec.c) or generating an alert (yajl_gen, as jout.c uses it), fails
 * under an address-space limit and must end in the program's xalloc
 * handler (src/xalloc.h), never in a crash on yajl's unchecked NULL.
 * The large buffers are made before the limit is set, so the only
 * allocation that can fail after it is yajl's.  Each runs in a child (an
 * exit test): RLIMIT_AS stays there.
 *
 * Stream: where a JSON stream fed in pieces (jrec_stream_*) says its
 * syntax error is, found by tests/fuzz/fuzz_jrec.c.
 *
 * Ranges: the prefix sections of the index (CIDR4, CIDR6 and their
 * directories, kinds 7-10), which tests/check_tidx.c does not damage:
 * offsets and sizes past the end or wrapping, counts whose product with
 * the element size wraps, a directory of the wrong length or without its
 * range section, and every byte of the eleven-entry table inverted.  With
 * the header checksum made right, each must fail to open with a status
 * other than a checksum mismatch, never crash (run it under ASan).  And
 * tidx_verify() must catch an inverted byte anywhere in such an index
 * (every byte outside the two directories, every 1021st inside them).
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "addr.h"
#include "check.h"
#include "testlib.h"
#include "crc32c.h"
#include "jrec.h"
#include "tidx.h"
#include "tidx_build.h"
#include "xalloc.h"

/* AddressSanitizer reserves terabytes of address space: no RLIMIT_AS. (UNDER_ASAN: testlib.h.) */

#define BIG	(32 * 1024 * 1024)	/* Bytes of the big string. */
#define ROOM	(8 * 1024 * 1024)	/* Address space left to grow. */

#ifndef UNDER_ASAN
static void __attribute__((noreturn))
exit2(void)
{
	_exit(2);
}

/* Limit the address space to what is mapped now plus ROOM. */
static void
limit_address_space(void)
{
	struct rlimit	 rl;
	unsigned long	 pages;
	FILE		*f;

	f = fopen("/proc/self/statm", "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lu", &pages), 1);
	fclose(f);
	rl.rlim_cur = rl.rlim_max = (rlim_t)pages *
	    (rlim_t)sysconf(_SC_PAGESIZE) + ROOM;
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
}

/*
 * A member whose value is BIG bytes of "\t" escapes: yajl decodes it into
 * its own buffer, which grows past ROOM.  The member is not a field, so
 * jrec's arena stays small.
 */
START_TEST(yajl_parse_alloc_fails)
{
	static const struct jfield f[] = { { .path = { "a" } } };
	struct jrec	*jr;
	char		*text;
	size_t		 i, len = 0;

	text = malloc(BIG + 64);
	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text, "{\"a\":1,\"pad\":\"");
	for (i = 0; i < BIG / 2; i++) {
		text[len++] = '\\';
		text[len++] = 't';
	}
	len += (size_t)sprintf(text + len, "\"}");
	jr = jrec_new(f, 1);
	/* Unlimited, it parses. */
	ck_assert_int_eq(jrec_parse(jr, "{\"a\":\"\\t\"}", 10), JREC_OK);
	xalloc_set_handler(exit2);
	limit_address_space();
	(void)jrec_parse(jr, text, len);
	ck_abort_msg("jrec_parse returned although yajl ran out of room");
}
END_TEST

/* A string of BIG bytes: yajl_gen's output buffer grows past ROOM. */
START_TEST(yajl_gen_alloc_fails)
{
	yajl_gen	 g;
	char		*s;

	s = malloc(BIG);
	ck_assert_ptr_nonnull(s);
	memset(s, 'a', BIG);
	g = yajl_gen_alloc(&xalloc_yajl_funcs);
	ck_assert_ptr_nonnull(g);
	xalloc_set_handler(exit2);
	limit_address_space();
	(void)yajl_gen_string(g, (const unsigned char *)s, BIG);
	ck_abort_msg("yajl_gen_string returned although it ran out of room");
}
END_TEST
#endif /* !UNDER_ASAN */

/* The same work without a limit succeeds (the tests above are fair). */
START_TEST(yajl_unlimited_succeeds)
{
	static const struct jfield f[] = { { .path = { "pad" } } };
	const struct jval *v;
	struct jrec	*jr;
	yajl_gen	 g;
	const unsigned char *out;
	char		*text;
	size_t		 i, len = 0, olen;

	text = malloc(BIG + 64);
	ck_assert_ptr_nonnull(text);
	len += (size_t)sprintf(text, "{\"pad\":\"");
	for (i = 0; i < BIG / 2; i++) {
		text[len++] = '\\';
		text[len++] = 't';
	}
	len += (size_t)sprintf(text + len, "\"}");
	jr = jrec_new(f, 1);
	ck_assert_int_eq(jrec_parse(jr, text, len), JREC_OK);
	v = jrec_get(jr, 0);
	ck_assert_int_eq(v->type, JV_STRING);
	ck_assert_uint_eq(v->len, BIG / 2);
	g = yajl_gen_alloc(&xalloc_yajl_funcs);
	ck_assert_int_eq(yajl_gen_string(g, (const unsigned char *)v->s,
	    v->len), yajl_gen_status_ok);
	ck_assert_int_eq(yajl_gen_get_buf(g, &out, &olen),
	    yajl_gen_status_ok);
	ck_assert_uint_eq(olen, 2 + BIG);	/* Each tab as "\t". */
	yajl_gen_free(g);
	jrec_free(jr);
	free(text);
}
END_TEST

/* Feed text to a stream in pieces of n bytes; return the final status. */
static enum jrec_status
stream(struct jrec *jr, const char *text, size_t n)
{
	enum jrec_status st = JREC_OK;
	size_t	 i, len = strlen(text);

	jrec_stream_begin(jr, NULL, NULL);
	for (i = 0; i < len && st != JREC_SYNTAX; i += n)
		st = jrec_stream_feed(jr, text + i, len - i < n ? len - i : n);
	if (st != JREC_SYNTAX)
		st = jrec_stream_end(jr);
	return st;
}

/*
 * An error inside the stream: its offset counts from the stream start
 * (the bad byte is at 16; yajl counts it as consumed).
 */
START_TEST(stream_error_inside)
{
	static const struct jfield f[] = { { .path = { "a" } } };
	struct jrec	*jr = jrec_new(f, 1);
	size_t		 n;

	for (n = 1; n <= 16; n++) {
		ck_assert_int_eq(stream(jr, "{\"a\":1}\n{\"a\":2} x", n),
		    JREC_SYNTAX);
		ck_assert_uint_ge(jrec_error_offset(jr), 16);
		ck_assert_uint_le(jrec_error_offset(jr), 17);
	}
	jrec_free(jr);
}
END_TEST

/*
 * An error found only at the end (a text cut short): jrec.h says the
 * offset is from the start of the stream, so it is the stream's length.
 * (It was once 1: jrec_stream_end() set the offset, then failed()
 * overwrote it with yajl_get_bytes_consumed() of yajl's own final parse.)
 */
START_TEST(stream_error_at_end)
{
	static const struct jfield f[] = { { .path = { "a" } } };
	static const char *const cut[] = {
		"[{\"a\":1},{\"b\"", "{\"a\":1}\n{\"a\":", "[\n{\"a\":1},\n"
	};
	struct jrec	*jr = jrec_new(f, 1);
	size_t		 i, n;

	for (i = 0; i < sizeof(cut) / sizeof(cut[0]); i++)
		for (n = 1; n <= 16; n += 15) {
			ck_assert_int_eq(stream(jr, cut[i], n), JREC_SYNTAX);
			ck_assert_msg(jrec_error_offset(jr) == strlen(cut[i]),
			    "\"%s\" in pieces of %zu: error at %llu, not at "
			    "its end, %zu", cut[i], n,
			    (unsigned long long)jrec_error_offset(jr),
			    strlen(cut[i]));
		}
	jrec_free(jr);
}
END_TEST

/* ---------------------------------------------------------------------
 * Ranges.
 */

static unsigned char	*ranges_buf;	/* A valid 1.1 index with prefixes. */
static size_t		 ranges_len;

/* The end of the section table. */
static size_t
table_end(const unsigned char *b)
{
	return le32(b + 12) + (size_t)le32(b + 16) * TIDX_SECTION_SIZE;
}

/* Make the header checksum right again. */
static void
fix_hcrc(unsigned char *b)
{
	memset(b + 20, 0, 4);
	put32(b + 20, crc32c(0, b, table_end(b)));
}

/* The offset of the table entry of kind k, or 0. */
static size_t
entry_of(const unsigned char *b, uint32_t k)
{
	uint32_t i, n = le32(b + 16);

	for (i = 0; i < n; i++)
		if (le32(b + TIDX_HEADER_SIZE + i * TIDX_SECTION_SIZE) == k)
			return TIDX_HEADER_SIZE + i * TIDX_SECTION_SIZE;
	return 0;
}

static enum tidx_status
open_bytes(const unsigned char *b, size_t len)
{
	char		 path[] = "/tmp/check_hostile.XXXXXX";
	struct tidx	*ix;
	enum tidx_status st;
	int		 fd;

	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, b, len), (ssize_t)len);
	close(fd);
	st = tidx_open(path, &ix);
	unlink(path);
	if (st == TIDX_OK) {
		struct addr a;

		/* Lookups in and around the prefixes stay in the file. */
		ck_assert_int_eq(addr_parse("198.51.100.77", 13, &a), 0);
		(void)tidx_lookup(ix, &a);
		ck_assert_int_eq(addr_parse("2001:db8:1::9", 13, &a), 0);
		(void)tidx_lookup(ix, &a);
		(void)tidx_verify(ix);
		tidx_close(ix);
	}
	return st;
}

static void
ranges_setup(void)
{
	static const struct {
		const char	*text;
		unsigned	 plen;	/* 128 for an exact address. */
	} a[] = {
		{ "203.0.113.10", 128 }, { "2001:db8::10", 128 },
		{ "::ffff:198.51.100.0", 120 }, { "::ffff:192.0.2.0", 124 },
		{ "2001:db8:1::", 48 }, { "2001:db8:2::", 64 }
	};
	struct tidx_builder *b = tidx_builder_new();
	struct tidx_params p = { 0, 0, 0 };
	struct tidx_rec_ref r;
	struct addr	 ad;
	struct stat	 st;
	char		 path[] = "/tmp/check_hostile.XXXXXX";
	int64_t		 rec;
	uint32_t	 t;
	size_t		 i;
	int		 fd;
	FILE		*f;

	memset(&r, 0, sizeof(r));
	r.expiration = INT64_MAX;
	r.confidence = TIDX_CONF_NULL;
	r.id = tidx_builder_string(b, "ranges", 6);
	r.threat_type = r.description = r.activity_groups = r.url =
	    r.type = r.source = TIDX_STRNULL;
	rec = tidx_builder_record(b, &r);
	ck_assert_int_ge(rec, 0);
	for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
		ck_assert_int_eq(addr_parse(a[i].text, strlen(a[i].text), &ad),
		    0);
		t = tidx_builder_string(b, a[i].text, strlen(a[i].text));
		ck_assert_int_eq(a[i].plen == 128 ?
		    tidx_builder_addr(b, &ad, t, (uint64_t)rec) :
		    tidx_builder_prefix(b, &ad, a[i].plen, t, (uint64_t)rec),
		    TIDX_OK);
	}
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	close(fd);
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_OK);
	tidx_builder_free(b);
	f = fopen(path, "rb");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fstat(fileno(f), &st), 0);
	ranges_len = (size_t)st.st_size;
	ranges_buf = malloc(ranges_len);
	ck_assert_ptr_nonnull(ranges_buf);
	ck_assert_uint_eq(fread(ranges_buf, 1, ranges_len, f), ranges_len);
	fclose(f);
	unlink(path);
	ck_assert_uint_eq(le32(ranges_buf + 16), 11);	/* With FILTER. */
	ck_assert_int_eq(open_bytes(ranges_buf, ranges_len), TIDX_OK);
}

static void
ranges_teardown(void)
{
	free(ranges_buf);
	ranges_buf = NULL;
}

/* Set field at (width 4 or 8) to v, fix the header CRC, expect failure. */
static void
field_fails(size_t at, int width, uint64_t v)
{
	unsigned char	*b = malloc(ranges_len);
	enum tidx_status st;

	ck_assert_ptr_nonnull(b);
	memcpy(b, ranges_buf, ranges_len);
	if (width == 8)
		put64(b + at, v);
	else
		put32(b + at, (uint32_t)v);
	fix_hcrc(b);
	st = open_bytes(b, ranges_len);
	ck_assert_msg(st != TIDX_OK && st != TIDX_ERR_CHECKSUM,
	    "field at %zu = %#llx: %s", at, (unsigned long long)v,
	    tidx_strerror(st));
	free(b);
}

START_TEST(ranges_section_fields)
{
	static const uint32_t kinds[] = { TIDX_CIDR4, TIDX_CIDR6, TIDX_DIR4,
	    TIDX_DIR6 };
	size_t		 e, i;
	uint64_t	 off;

	for (i = 0; i < 4; i++) {
		e = entry_of(ranges_buf, kinds[i]);
		ck_assert_uint_ne(e, 0);
		off = le64(ranges_buf + e + 8);
		/* Offsets: past the end, unaligned, inside the table. */
		field_fails(e + 8, 8, (ranges_len + 63) / 64 * 64 + 64);
		field_fails(e + 8, 8, off + 1);
		field_fails(e + 8, 8, 0);
		field_fails(e + 8, 8, UINT64_MAX & ~(uint64_t)63);
		/* Sizes: past the end, wrapping the offset. */
		field_fails(e + 16, 8, ranges_len);
		field_fails(e + 16, 8, UINT64_MAX);
		field_fails(e + 16, 8, UINT64_MAX - off + 1);
		/* Counts that do not match the size, or wrap with it. */
		field_fails(e + 24, 4, le32(ranges_buf + e + 24) + 1);
		field_fails(e + 24, 4, 0xFFFFFFFFu);
		/* The kind twice (so one is missing), or unknown. */
		field_fails(e, 4, kinds[i] == TIDX_CIDR4 ? TIDX_CIDR6 :
		    TIDX_CIDR4);
		field_fails(e, 4, 0);
	}
}
END_TEST

/*
 * Counts whose product with the element size wraps to the size (0) in
 * 32 or 64 bits: CIDR4 elements are 12 bytes, CIDR6 40, directory
 * entries 4.
 */
START_TEST(ranges_count_overflow)
{
	static const struct {
		uint32_t kind, count;
	} c[] = {
		{ TIDX_CIDR4, 0x40000000u }, { TIDX_CIDR4, 0x80000000u },
		{ TIDX_CIDR6, 0x80000000u }, { TIDX_CIDR6, 0x40000000u },
		{ TIDX_DIR4, 0x40000000u }, { TIDX_DIR6, 0x80000000u }
	};
	unsigned char	*keep = ranges_buf;
	size_t		 e, i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		ranges_buf = malloc(ranges_len);
		ck_assert_ptr_nonnull(ranges_buf);
		memcpy(ranges_buf, keep, ranges_len);
		e = entry_of(ranges_buf, c[i].kind);
		put64(ranges_buf + e + 16, 0);
		field_fails(e + 24, 4, c[i].count);
		free(ranges_buf);
	}
	ranges_buf = keep;
}
END_TEST

/*
 * ENTRIES' text of the range at CIDR section k's element 0 (or of the
 * exact address, k 0: entry 0, 203.0.113.10's) made null, every checksum
 * made right: verified only for the exact address, which reads as its
 * canonical form.  The builder takes a null text for an exact address
 * only.
 */
static enum tidx_status
null_text(uint32_t k, const char *addr, const char *want)
{
	unsigned char	*b = malloc(ranges_len);
	char		 path[] = "/tmp/check_hostile.XXXXXX", text[ADDR_STRLEN];
	struct tidx	*ix;
	struct tidx_ind	 ind;
	struct tidx_str	 t;
	struct addr	 a;
	enum tidx_status st;
	size_t		 ents = entry_of(ranges_buf, TIDX_ENTRIES), e = 0;
	uint64_t	 off = le64(ranges_buf + ents + 8);
	int64_t		 found;
	int		 fd;

	ck_assert_ptr_nonnull(b);
	memcpy(b, ranges_buf, ranges_len);
	if (k != 0)
		e = le32(b + le64(b + entry_of(b, k) + 8) + (k == TIDX_CIDR4 ?
		    TIDX_CIDR4_ENT : TIDX_CIDR6_ENT));
	put32(b + off + e * TIDX_ENT_SIZE + TIDX_ENT_TEXT, TIDX_STRNULL);
	put32(b + ents + 4, crc32c(0, b + off, le64(b + ents + 16)));
	fix_hcrc(b);
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, b, ranges_len), (ssize_t)ranges_len);
	close(fd);
	ck_assert_int_eq(tidx_open(path, &ix), TIDX_OK);
	unlink(path);
	ck_assert_int_eq(addr_parse(addr, strlen(addr), &a), 0);
	ck_assert_int_eq(found = tidx_lookup(ix, &a), (int64_t)e);
	ck_assert_int_eq(tidx_entry(ix, (uint64_t)found, &ind), TIDX_OK);
	ck_assert_ptr_null(ind.addr_text.p);
	t = tidx_addr_text(&ind, &a, text);
	ck_assert_uint_eq(t.len, strlen(want));
	ck_assert_mem_eq(t.p, want, t.len);
	st = tidx_verify(ix);
	tidx_close(ix);
	free(b);
	return st;
}

START_TEST(ranges_null_text)
{
	struct tidx_builder *b = tidx_builder_new();
	struct tidx_rec_ref r;
	struct addr	 a;

	ck_assert_int_eq(null_text(0, "203.0.113.10", "203.0.113.10"),
	    TIDX_OK);
	ck_assert_int_eq(null_text(TIDX_CIDR4, "192.0.2.3", "192.0.2.3"),
	    TIDX_ERR_DAMAGED);
	ck_assert_int_eq(null_text(TIDX_CIDR6, "2001:db8:1::9",
	    "2001:db8:1::9"), TIDX_ERR_DAMAGED);
	memset(&r, 0, sizeof(r));
	r.id = tidx_builder_string(b, "p", 1);
	r.threat_type = r.description = r.activity_groups = r.url =
	    r.type = r.source = TIDX_STRNULL;
	ck_assert_int_eq(tidx_builder_record(b, &r), 0);
	ck_assert_int_eq(addr_parse("2001:db8:3::", 12, &a), 0);
	ck_assert_int_eq(tidx_builder_prefix(b, &a, 48, TIDX_STRNULL, 0),
	    TIDX_ERR_TOOBIG);
	ck_assert_int_eq(tidx_builder_prefix(b, &a, 48, r.id, 0), TIDX_OK);
	ck_assert_int_eq(tidx_builder_addr(b, &a, TIDX_STRNULL, 0), TIDX_OK);
	tidx_builder_free(b);
}
END_TEST

/* Every byte of the header and the eleven-entry table inverted in turn. */
START_TEST(ranges_table_flips)
{
	unsigned char	*b = malloc(ranges_len);
	enum tidx_status st;
	size_t		 i, end = table_end(ranges_buf);

	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(end, TIDX_HEADER_SIZE + 11 * TIDX_SECTION_SIZE);
	for (i = 0; i < end; i++) {
		memcpy(b, ranges_buf, ranges_len);
		b[i] ^= 0xFF;
		st = open_bytes(b, ranges_len);
		ck_assert_msg(st != TIDX_OK, "byte %zu inverted: opened", i);
		/* And with the checksum made right, where it can be. */
		if ((i < 20 || i >= 24) && table_end(b) <= ranges_len) {
			fix_hcrc(b);
			(void)open_bytes(b, ranges_len);
		}
	}
	free(b);
}
END_TEST

/* Any inverted byte: the file no longer opens, or no longer verifies. */
START_TEST(ranges_verify_flips)
{
	char		 path[] = "/tmp/check_hostile.XXXXXX";
	struct tidx	*ix;
	unsigned char	 c;
	size_t		 i, e4, e6;
	uint64_t	 d4, d6, n4, n6;
	int		 fd, tried = 0;

	e4 = entry_of(ranges_buf, TIDX_DIR4);
	e6 = entry_of(ranges_buf, TIDX_DIR6);
	d4 = le64(ranges_buf + e4 + 8);
	n4 = le64(ranges_buf + e4 + 16);
	d6 = le64(ranges_buf + e6 + 8);
	n6 = le64(ranges_buf + e6 + 16);
	fd = mkstemp(path);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, ranges_buf, ranges_len),
	    (ssize_t)ranges_len);
	for (i = 0; i < ranges_len; i++) {
		if (((i >= d4 && i < d4 + n4) || (i >= d6 && i < d6 + n6)) &&
		    i % 1021 != 0)
			continue;
		c = ranges_buf[i] ^ 0xFF;
		ck_assert_int_eq(pwrite(fd, &c, 1, (off_t)i), 1);
		if (tidx_open(path, &ix) == TIDX_OK) {
			ck_assert_msg(tidx_verify(ix) != TIDX_OK,
			    "byte %zu of %zu inverted: verified", i,
			    ranges_len);
			tidx_close(ix);
		}
		ck_assert_int_eq(pwrite(fd, ranges_buf + i, 1, (off_t)i), 1);
		tried++;
	}
	close(fd);
	unlink(path);
	ck_assert_int_gt(tried, 1500);
}
END_TEST

Suite *
hostile_suite(void)
{
	Suite	*s = suite_create("hostile");
	TCase	*tc;

	tc = tcase_create("Alloc");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, yajl_unlimited_succeeds);
#ifndef UNDER_ASAN
	tcase_add_exit_test(tc, yajl_parse_alloc_fails, 2);
	tcase_add_exit_test(tc, yajl_gen_alloc_fails, 2);
#endif
	suite_add_tcase(s, tc);

	tc = tcase_create("Ranges");
	tcase_set_timeout(tc, 60);
	tcase_add_checked_fixture(tc, ranges_setup, ranges_teardown);
	tcase_add_test(tc, ranges_section_fields);
	tcase_add_test(tc, ranges_count_overflow);
	tcase_add_test(tc, ranges_null_text);
	tcase_add_test(tc, ranges_table_flips);
	tcase_add_test(tc, ranges_verify_flips);
	suite_add_tcase(s, tc);

	tc = tcase_create("Stream");
	tcase_add_test(tc, stream_error_inside);
	tcase_add_test(tc, stream_error_at_end);
	suite_add_tcase(s, tc);
	return s;
}
