/*
 * tidx_build.c: building an index and writing it (see tidx_build.h; the
 * layout is in tidx.h).  Records are kept in their file form as they
 * come; entries as addresses, to be placed at write time: exact ones in
 * the hash sections, prefixes flattened into sorted, disjoint ranges with
 * a directory on their first 16 bits.  Writing drops the strings nothing
 * uses, then builds the sections in file order, in memory, each handed
 * as soon as it is built to a second thread that checksums it, writes it
 * to afile_replace()'s file and frees it, while the next is built; the
 * header goes in last, at the start.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "crc32c.h"
#include "strpool.h"
#include "thread.h"
#include "tidx_build.h"
#include "tidx_int.h"
#include "xalloc.h"

#define NSECTIONS_MAX	11	/* The kinds this writer writes. */
#define META_REC	(4 + TIDX_META_SIZE + 1)  /* A tuple in its pool. */

/* An address or prefix to index. */
struct bentry {
	struct addr	 a;
	uint32_t	 rec;
	uint32_t	 text;
	uint8_t		 plen;		/* 128 for an exact address. */
};

struct tidx_builder {
	struct strpool	*strings;
	struct strpool	*metas;		/* Interns META tuples as bytes. */
	unsigned char	*recs;		/* RECORDS, as written. */
	uint64_t	 nrecs, caprecs;
	struct bentry	*ents;
	uint64_t	 nents, capents;
	uint64_t	 n4, n6;		/* Exact addresses. */
	uint64_t	 p4, p6;		/* Prefixes. */
};

/*
 * The sections of the file being written, in file order, and the writer
 * they are handed to as they are added.
 */
struct layout {
	struct tidx_section sec[NSECTIONS_MAX];
	const unsigned char *data[NSECTIONS_MAX];
	void		*own[NSECTIONS_MAX];	/* Freed once written, or
						   NULL. */
	int		 nsec;
	unsigned char	 head[TIDX_HEADER_SIZE + NSECTIONS_MAX *
			    TIDX_SECTION_SIZE];
	size_t		 hsize;			/* Header and table. */
	uint64_t	 size;			/* Of the file. */
	struct writer	*w;
};

/*
 * The writer: sections [done, given) wait for it.  On a thread of its
 * own when one could be started, else each is written as it is given.
 */
struct writer {
	struct layout	*o;
	int		 fd;
	int		 given, done;
	int		 err;		/* errno of the first failure, or 0. */
	uint64_t	 at;		/* Bytes written. */
	int		 stop;
	int		 threaded;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	pthread_t	 thread;
};

static void	writer_give(struct writer *);

struct tidx_builder *
tidx_builder_new(void)
{
	struct tidx_builder *b = xcalloc(1, sizeof(*b));

	b->strings = strpool_new();
	b->metas = strpool_new();
	return b;
}

void
tidx_builder_free(struct tidx_builder *b)
{
	if (b == NULL)
		return;
	strpool_free(b->strings);
	strpool_free(b->metas);
	free(b->recs);
	free(b->ents);
	free(b);
}

void
tidx_builder_reserve(struct tidx_builder *b, size_t n)
{
	strpool_reserve(b->strings, n);
}

uint32_t
tidx_builder_string(struct tidx_builder *b, const char *s, size_t len)
{
	return strpool_intern(b->strings, s, len);
}

uint32_t
tidx_builder_hash(const char *s, size_t len)
{
	return strpool_hash(s, len);
}

uint32_t
tidx_builder_string_hashed(struct tidx_builder *b, const char *s,
    size_t len, uint32_t hash)
{
	return strpool_intern_hashed(b->strings, s, len, hash);
}

void
tidx_builder_prefetch(const struct tidx_builder *b, uint32_t hash)
{
	strpool_prefetch(b->strings, hash);
}

uint32_t *
tidx_builder_string_value(struct tidx_builder *b, uint32_t ref)
{
	_Static_assert(TIDX_NOVAL == STRPOOL_NOVAL, "TIDX_NOVAL");
	return strpool_value(b->strings, ref);
}

void
tidx_builder_seal_strings(struct tidx_builder *b)
{
	strpool_seal(b->strings);
}

const char *
tidx_builder_get(const struct tidx_builder *b, uint32_t ref, uint32_t *len)
{
	return strpool_get(b->strings, ref, len);
}

int64_t
tidx_builder_record(struct tidx_builder *b, const struct tidx_rec_ref *in)
{
	unsigned char	 meta[TIDX_META_SIZE], *r;
	uint32_t	 ref[5], mref;
	int		 i;

	ref[0] = in->threat_type;
	ref[1] = in->description;
	ref[2] = in->activity_groups;
	ref[3] = in->url;
	ref[4] = in->type;
	for (i = 0; i < 5; i++)
		if (ref[i] == TIDX_STRFULL)
			return -1;
	if (b->nrecs >= UINT32_MAX - 1 || in->id == TIDX_STRFULL ||
	    in->source == TIDX_STRFULL)
		return -1;
	memcpy(meta, ref, TIDX_META_SIZE);
	/* A tuple's number is its position in the pool of tuples. */
	mref = strpool_intern(b->metas, (const char *)meta, TIDX_META_SIZE);
	if (mref == STRPOOL_FULL)
		return -1;
	if (b->nrecs == b->caprecs) {
		b->caprecs = b->caprecs ? b->caprecs * 2 : 1024;
		b->recs = xgrow(b->recs, b->caprecs, TIDX_REC_SIZE);
	}
	r = b->recs + b->nrecs * TIDX_REC_SIZE;
	tidx_wr64(r + TIDX_REC_TIME, (uint64_t)in->time_generated);
	tidx_wr64(r + TIDX_REC_EXPIRY, (uint64_t)in->expiration);
	tidx_wr32(r + TIDX_REC_ID, in->id);
	tidx_wr32(r + TIDX_REC_META, mref / META_REC);
	tidx_wr32(r + TIDX_REC_CONF, (uint32_t)in->confidence);
	tidx_wr32(r + TIDX_REC_SOURCE, in->source);
	return (int64_t)b->nrecs++;
}

static enum tidx_status
add_entry(struct tidx_builder *b, const struct addr *a, unsigned plen,
    uint32_t text, uint64_t rec)
{
	struct bentry *e;

	if (b->nents >= UINT32_MAX - 1 || rec >= b->nrecs ||
	    text == TIDX_STRFULL)
		return TIDX_ERR_TOOBIG;
	if (b->nents == b->capents) {
		b->capents = b->capents ? b->capents * 2 : 1024;
		b->ents = xgrow(b->ents, b->capents, sizeof(*e));
	}
	e = &b->ents[b->nents++];
	e->text = text;
	e->a = *a;
	e->rec = (uint32_t)rec;
	e->plen = (uint8_t)plen;
	if (plen == 128)
		addr_is_v4(a) ? b->n4++ : b->n6++;
	else
		addr_is_v4(a) ? b->p4++ : b->p6++;
	return TIDX_OK;
}

enum tidx_status
tidx_builder_addr(struct tidx_builder *b, const struct addr *a,
    uint32_t text, uint64_t rec)
{
	return add_entry(b, a, 128, text, rec);
}

enum tidx_status
tidx_builder_prefix(struct tidx_builder *b, const struct addr *a,
    unsigned plen, uint32_t text, uint64_t rec)
{
	if (plen >= 128 || text == TIDX_STRNULL)
		return TIDX_ERR_TOOBIG;
	return add_entry(b, a, plen, text, rec);
}

/*
 * Append a section of count elements, the size bytes at data; own says
 * whether the layout frees data.
 */
static void
add_section(struct layout *o, uint32_t kind, const void *data, int own,
    uint64_t size, uint32_t count, uint32_t param)
{
	struct tidx_section *s = &o->sec[o->nsec];

	s->kind = kind;
	s->crc = 0;
	s->off = 0;
	s->size = size;
	s->count = count;
	s->param = param;
	o->data[o->nsec] = data;
	o->own[o->nsec++] = own ? (void *)data : NULL;
	writer_give(o->w);
}

/* ---------------------------------------------------------------------
 * Strings: the references the sections hold, and leaving out the strings
 * nothing refers to.
 */

/*
 * Call fn(arg, r) for every string reference r the index will hold that
 * is not null: each record's id and source, each entry's text, each
 * field of each META tuple.
 */
static void
each_strref(const struct tidx_builder *b, unsigned char *ents,
    unsigned char *meta, uint64_t nmeta,
    void (*fn)(void *, unsigned char *), void *arg)
{
	const struct {
		unsigned char	*base;	/* NULL when count is 0. */
		uint64_t	 at, count, stride;
	} set[4] = {
		{ b->recs, TIDX_REC_ID, b->nrecs, TIDX_REC_SIZE },
		{ b->recs, TIDX_REC_SOURCE, b->nrecs, TIDX_REC_SIZE },
		{ ents, TIDX_ENT_TEXT, b->nents, TIDX_ENT_SIZE },
		{ meta, 0, nmeta * 5, 4 },
	};
	unsigned char *r;
	uint64_t i;
	int	 k;

	for (k = 0; k < 4; k++)
		for (i = 0; i < set[k].count; i++) {
			r = set[k].base + set[k].at + i * set[k].stride;
			if (tidx_rd32(r) != TIDX_STRNULL)
				fn(arg, r);
		}
}

/* Unused strings stay in STRINGS when under 1/UNUSED_KEPT of it. */
#define UNUSED_KEPT	8

/* Marks of the strings in use, by reference (the offset). */
struct marks {
	unsigned char	*bits;
	uint64_t	 used;
};

static void
mark_ref(void *arg, unsigned char *r)
{
	struct marks *m = arg;
	uint32_t ref = tidx_rd32(r);

	if (!(m->bits[ref / 8] & 1 << ref % 8)) {
		m->bits[ref / 8] |= (unsigned char)(1 << ref % 8);
		m->used++;
	}
}

static void
move_ref(void *arg, unsigned char *r)
{
	tidx_wr32(r, strpool_moved(arg, tidx_rd32(r)));
}

/*
 * The STRINGS section: the pool, without the strings that no record,
 * entry or tuple uses (those of rows the caller dropped), every
 * reference rewritten to the string's new place; or the whole pool, when
 * those take less than an eighth of it (a copy of the rest, and a pass
 * over every reference, would cost more than they save).  Sets *size.
 */
static const void *
strings_section(struct tidx_builder *b, unsigned char *ents,
    unsigned char *meta, uint64_t nmeta, size_t *size)
{
	struct marks m;

	strpool_data(b->strings, size);
	m.bits = xcalloc(*size / 8 + 1, 1);
	m.used = 0;
	each_strref(b, ents, meta, nmeta, mark_ref, &m);
	if (m.used != strpool_count(b->strings) &&
	    strpool_unmarked(b->strings, m.bits) >= *size / UNUSED_KEPT) {
		strpool_compact(b->strings, m.bits);
		each_strref(b, ents, meta, nmeta, move_ref, b->strings);
	}
	free(m.bits);
	return strpool_data(b->strings, size);
}

/* ---------------------------------------------------------------------
 * Ranges: prefixes flattened into sorted, disjoint ranges, each held by
 * the longest prefix that covers it.
 */

__extension__ typedef unsigned __int128 u128;

struct range {
	u128	 lo, hi;
	uint32_t entry;
};

struct rangeset {
	struct range	*r;
	size_t		 n, cap;
};

/* A prefix to flatten: its first and last address, and its entry. */
struct pfx {
	u128	 lo, hi;
	uint32_t entry;
};

static u128
to128(const struct addr *a)
{
	u128	 v = 0;
	int	 i;

	for (i = 0; i < 16; i++)
		v = v << 8 | a->b[i];
	return v;
}

static void
from128(u128 v, unsigned char out[16])
{
	int	 i;

	for (i = 15; i >= 0; i--) {
		out[i] = (unsigned char)v;
		v >>= 8;
	}
}

static void
range_push(struct rangeset *rs, u128 lo, u128 hi, uint32_t entry)
{
	if (lo > hi)
		return;
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->r = xreallocarray(rs->r, rs->cap, sizeof(*rs->r));
	}
	rs->r[rs->n].lo = lo;
	rs->r[rs->n].hi = hi;
	rs->r[rs->n].entry = entry;
	rs->n++;
}

/*
 * Prefixes by first address, a longer span (an enclosing prefix) first,
 * then by entry: a total order, so the ranges do not depend on qsort.
 */
static int
cmp_pfx(const void *x, const void *y)
{
	const struct pfx *a = x, *b = y;

	if (a->lo != b->lo)
		return a->lo < b->lo ? -1 : 1;
	if (a->hi != b->hi)
		return a->hi > b->hi ? -1 : 1;
	return a->entry < b->entry ? -1 : a->entry > b->entry;
}

/* The prefixes of one family (v4 or not), sorted; sets *n. */
static struct pfx *
sorted_prefixes(const struct tidx_builder *b, int v4, size_t *n)
{
	struct pfx *p = xgrow(NULL, b->nents ? b->nents : 1,
	    sizeof(*p));
	size_t	 i, k = 0;

	for (i = 0; i < b->nents; i++) {
		const struct bentry *e = &b->ents[i];

		if (e->plen == 128 || addr_is_v4(&e->a) != v4)
			continue;
		p[k].lo = to128(&e->a);
		p[k].hi = p[k].lo | (((u128)1 << (128 - e->plen)) - 1);
		p[k++].entry = (uint32_t)i;
	}
	qsort(p, k, sizeof(*p), cmp_pfx);
	*n = k;
	return p;
}

/*
 * Flatten the prefixes of one family into rs.  Prefixes are nested or
 * disjoint; a stack holds the open ones, innermost on top.
 */
static void
flatten(const struct tidx_builder *b, int v4, struct rangeset *rs)
{
	struct pfx *p, *stack;
	size_t	 n, i, top = 0;
	u128	 cur = 0;

	p = sorted_prefixes(b, v4, &n);
	stack = xreallocarray(NULL, n ? n : 1, sizeof(*stack));
	for (i = 0; i < n; i++) {
		/* Close the prefixes that end before this one starts. */
		while (top > 0 && stack[top - 1].hi < p[i].lo) {
			top--;
			range_push(rs, cur, stack[top].hi, stack[top].entry);
			cur = stack[top].hi + 1;
		}
		if (top > 0 && cur < p[i].lo)
			range_push(rs, cur, p[i].lo - 1, stack[top - 1].entry);
		cur = p[i].lo;
		stack[top++] = p[i];
	}
	while (top > 0) {
		top--;
		if (cur <= stack[top].hi)
			range_push(rs, cur, stack[top].hi, stack[top].entry);
		if (stack[top].hi == ~(u128)0)
			break;
		cur = stack[top].hi + 1;
	}
	free(p);
	free(stack);
}

/* Add the range section of one family and its directory to o. */
static void
range_sections(const struct tidx_builder *b, int v4, struct layout *o)
{
	struct rangeset rs = { NULL, 0, 0 };
	size_t	 esz = v4 ? TIDX_CIDR4_SIZE : TIDX_CIDR6_SIZE, i;
	uint32_t h, k = 0;
	unsigned char *r, *d, *p;

	flatten(b, v4, &rs);
	r = xcalloc(rs.n ? rs.n : 1, esz);
	d = xcalloc(TIDX_DIR_COUNT, 4);
	for (i = 0, p = r; i < rs.n; i++, p += esz) {
		if (v4) {
			tidx_wr32(p + TIDX_CIDR4_FIRST, (uint32_t)rs.r[i].lo);
			tidx_wr32(p + TIDX_CIDR4_LAST, (uint32_t)rs.r[i].hi);
			tidx_wr32(p + TIDX_CIDR4_ENT, rs.r[i].entry);
		} else {
			from128(rs.r[i].lo, p + TIDX_CIDR6_FIRST);
			from128(rs.r[i].hi, p + TIDX_CIDR6_LAST);
			tidx_wr32(p + TIDX_CIDR6_ENT, rs.r[i].entry);
		}
	}
	/* dir[h]: the number of ranges that start below h << 16. */
	for (h = 0; h < TIDX_DIR_COUNT; h++) {
		while (k < rs.n && (v4 ? (uint32_t)rs.r[k].lo >> 16 :
		    (uint32_t)(rs.r[k].lo >> 112)) < h)
			k++;
		tidx_wr32(d + 4 * (size_t)h, k);
	}
	tidx_wr32(d + 4 * (size_t)(TIDX_DIR_COUNT - 1), (uint32_t)rs.n);
	add_section(o, v4 ? TIDX_CIDR4 : TIDX_CIDR6, r, 1, rs.n * esz,
	    (uint32_t)rs.n, 0);
	add_section(o, v4 ? TIDX_DIR4 : TIDX_DIR6, d, 1,
	    (uint64_t)TIDX_DIR_COUNT * 4, TIDX_DIR_COUNT, 0);
	free(rs.r);
}

/* ---------------------------------------------------------------------
 * The exact addresses, entries and tuples.
 */

/*
 * Slots for n IPv4 keys: a power of two that keeps the load at most 0.7
 * (a miss then reads about six slots, one or two cache lines), or none.
 */
static uint64_t
nslots(uint64_t n)
{
	uint64_t s = 16;

	if (n == 0)
		return 0;
	while (s * 7 < n * 10)
		s *= 2;
	return s;
}

/*
 * Buckets for n IPv6 keys: a power of two, at least 8, whose three slots
 * each are at most 70% taken, or none.
 */
static uint64_t
nbuckets(uint64_t n)
{
	uint64_t b = 8;

	if (n == 0)
		return 0;
	while (b * TIDX_BKT6_SLOTS * 7 < n * 10)
		b *= 2;
	return b;
}

/*
 * Put key k of entry i into HASH4 (s slots at tab) at the first free
 * slot from its home; returns the number of slots past home.
 */
static uint32_t
place4(unsigned char *tab, uint64_t s, uint32_t k, uint32_t i)
{
	uint64_t j, p;

	for (j = tidx_slot4(k, s - 1), p = 0; tidx_rd32(tab +
	    j * TIDX_SLOT4_SIZE + TIDX_SLOT4_VAL) != 0; j = (j + 1) & (s - 1),
	    p++)
		;
	tidx_wr32(tab + j * TIDX_SLOT4_SIZE + TIDX_SLOT4_KEY, k);
	tidx_wr32(tab + j * TIDX_SLOT4_SIZE + TIDX_SLOT4_VAL, i + 1);
	return (uint32_t)p;
}

/*
 * Put key k of entry i into HASH6 (nb buckets at tab) at the first free
 * slot from slot 0 of its home bucket; returns the number of slots past
 * that one.
 */
static uint32_t
place6(unsigned char *tab, uint64_t nb, const uint8_t k[16], uint32_t i)
{
	unsigned char *bk;
	uint64_t b, p;
	unsigned j;

	b = tidx_bucket6(k, nb - 1);
	for (p = 0;; p += TIDX_BKT6_SLOTS, b = (b + 1) & (nb - 1)) {
		bk = tab + b * TIDX_BKT6_SIZE;
		for (j = 0; j < TIDX_BKT6_SLOTS; j++)
			if (tidx_rd32(bk + TIDX_BKT6_VAL + 4 * j) == 0) {
				memcpy(bk + TIDX_BKT6_KEY + 16 * j, k, 16);
				tidx_wr32(bk + TIDX_BKT6_VAL + 4 * j, i + 1);
				return (uint32_t)(p + j);
			}
	}
}

/*
 * The tables are hundreds of MB at millions of addresses, and each entry
 * goes to a line of its own: the line of the entry PLACE_AHEAD places on
 * is fetched while this one is placed.
 */
#define PLACE_AHEAD	8

/*
 * Add HASH4 (s4 slots) and HASH6 (b6 buckets), each with its longest
 * probe, to o.
 */
static void
hash_sections(const struct tidx_builder *b, uint64_t s4, uint64_t b6,
    struct layout *o)
{
	unsigned char *h4, *h6;
	uint32_t p4 = 0, p6 = 0, p;
	uint64_t i;

	h4 = xcalloc_huge(s4 ? s4 : 1, TIDX_SLOT4_SIZE);
	h6 = xcalloc_huge(b6 ? b6 : 1, TIDX_BKT6_SIZE);
	for (i = 0; i < b->nents; i++) {
		const struct bentry *e = &b->ents[i];

		if (i + PLACE_AHEAD < b->nents) {
			const struct bentry *f = e + PLACE_AHEAD;

			if (f->plen == 128 && addr_is_v4(&f->a))
				__builtin_prefetch(h4 + tidx_slot4(addr_v4(
				    &f->a), s4 - 1) * TIDX_SLOT4_SIZE, 1);
			else if (f->plen == 128)
				__builtin_prefetch(h6 + tidx_bucket6(f->a.b,
				    b6 - 1) * TIDX_BKT6_SIZE, 1);
		}
		if (e->plen != 128)
			continue;	/* A prefix: see flatten(). */
		if (addr_is_v4(&e->a)) {
			p = place4(h4, s4, addr_v4(&e->a), (uint32_t)i);
			p4 = p > p4 ? p : p4;
		} else {
			p = place6(h6, b6, e->a.b, (uint32_t)i);
			p6 = p > p6 ? p : p6;
		}
	}
	add_section(o, TIDX_HASH4, h4, 1, s4 * TIDX_SLOT4_SIZE, (uint32_t)s4,
	    p4);
	add_section(o, TIDX_HASH6, h6, 1, b6 * TIDX_BKT6_SIZE, (uint32_t)b6,
	    p6);
}

/*
 * Add the FILTER of the exact addresses to o, TIDX_FILTER_PER_WORD of
 * them a word (16 bits each), when there are any.
 */
static void
filter_section(const struct tidx_builder *b, struct layout *o)
{
	uint64_t *f, nf, i, z;

	nf = (b->n4 + b->n6 + TIDX_FILTER_PER_WORD - 1) /
	    TIDX_FILTER_PER_WORD;
	if (nf == 0)
		return;
	f = xcalloc_huge(nf, TIDX_FILTER_WORD);
	for (i = 0; i < b->nents; i++) {
		const struct bentry *e = &b->ents[i];

		if (i + PLACE_AHEAD < b->nents && e[PLACE_AHEAD].plen == 128)
			__builtin_prefetch(&f[tidx_filter_word(tidx_filter_addr(
			    &e[PLACE_AHEAD].a), nf)], 1);
		if (e->plen != 128)
			continue;
		z = tidx_filter_addr(&e->a);
		f[tidx_filter_word(z, nf)] |= tidx_filter_bits(z);
	}
	add_section(o, TIDX_FILTER, f, 1, nf * TIDX_FILTER_WORD, (uint32_t)nf,
	    0);
}

/* ENTRIES, in the order they were added. */
static unsigned char *
entries(const struct tidx_builder *b)
{
	unsigned char *ents;
	uint64_t i;

	ents = xgrow(NULL, b->nents ? b->nents : 1, TIDX_ENT_SIZE);
	for (i = 0; i < b->nents; i++) {
		tidx_wr32(ents + i * TIDX_ENT_SIZE + TIDX_ENT_REC,
		    b->ents[i].rec);
		tidx_wr32(ents + i * TIDX_ENT_SIZE + TIDX_ENT_TEXT,
		    b->ents[i].text);
	}
	return ents;
}

/* META: the tuples of the pool of tuples, without its framing. */
static unsigned char *
tuples(const struct tidx_builder *b, uint64_t *nmeta)
{
	const unsigned char *mp;
	unsigned char *meta;
	size_t	 msize;
	uint64_t i;

	mp = strpool_data(b->metas, &msize);
	*nmeta = strpool_count(b->metas);
	meta = xreallocarray(NULL, *nmeta ? *nmeta : 1, TIDX_META_SIZE);
	for (i = 0; i < *nmeta; i++)
		memcpy(meta + i * TIDX_META_SIZE, mp + i * META_REC + 4,
		    TIDX_META_SIZE);
	return meta;
}

/* ---------------------------------------------------------------------
 * Writing.
 */

/* Every section of the index, in file order. */
static void
all_sections(struct tidx_builder *b, uint64_t s4, uint64_t b6,
    struct layout *o)
{
	unsigned char *ents, *meta;
	const void *strings;
	uint64_t nmeta;
	size_t	 ssize;

	ents = entries(b);
	meta = tuples(b, &nmeta);
	strings = strings_section(b, ents, meta, nmeta, &ssize);
	add_section(o, TIDX_RECORDS, b->recs, 0, b->nrecs * TIDX_REC_SIZE,
	    (uint32_t)b->nrecs, 0);
	add_section(o, TIDX_ENTRIES, ents, 1, b->nents * TIDX_ENT_SIZE,
	    (uint32_t)b->nents, 0);
	hash_sections(b, s4, b6, o);
	add_section(o, TIDX_META, meta, 1, nmeta * TIDX_META_SIZE,
	    (uint32_t)nmeta, 0);
	add_section(o, TIDX_STRINGS, strings, 0, ssize,
	    strpool_count(b->strings), 0);
	if (b->p4 > 0)
		range_sections(b, 1, o);
	if (b->p6 > 0)
		range_sections(b, 0, o);
	filter_section(b, o);
}

/* The header and the section table, with their checksum. */
static void
fill_header(const struct tidx_builder *b, const struct tidx_params *params,
    struct layout *o)
{
	unsigned char *h = o->head, *e;
	int	 k;

	memset(h, 0, sizeof(o->head));
	memcpy(h + TIDX_H_MAGIC, TIDX_MAGIC, 8);
	tidx_wr16(h + TIDX_H_MAJOR, TIDX_MAJOR);
	tidx_wr16(h + TIDX_H_MINOR, TIDX_MINOR);
	tidx_wr32(h + TIDX_H_SIZE, TIDX_HEADER_SIZE);
	tidx_wr32(h + TIDX_H_NSECTIONS, (uint32_t)o->nsec);
	tidx_wr64(h + TIDX_H_FILE_SIZE, o->size);
	tidx_wr64(h + TIDX_H_BUILD_TIME, (uint64_t)params->build_time);
	tidx_wr64(h + TIDX_H_NOW, (uint64_t)params->now);
	tidx_wr64(h + TIDX_H_LOOKBACK, (uint64_t)params->lookback);
	tidx_wr64(h + TIDX_H_N_V4, b->n4);
	tidx_wr64(h + TIDX_H_N_V6, b->n6);
	tidx_wr64(h + TIDX_H_N_CIDR4, b->p4);
	tidx_wr64(h + TIDX_H_N_CIDR6, b->p6);
	for (k = 0; k < o->nsec; k++) {
		e = h + TIDX_HEADER_SIZE + k * TIDX_SECTION_SIZE;
		tidx_wr32(e + TIDX_S_KIND, o->sec[k].kind);
		tidx_wr32(e + TIDX_S_CRC, o->sec[k].crc);
		tidx_wr64(e + TIDX_S_OFFSET, o->sec[k].off);
		tidx_wr64(e + TIDX_S_SIZE, o->sec[k].size);
		tidx_wr32(e + TIDX_S_COUNT, o->sec[k].count);
		tidx_wr32(e + TIDX_S_PARAM, o->sec[k].param);
	}
	tidx_wr32(h + TIDX_H_CRC, crc32c(0, h, o->hsize));
}

/*
 * Write section k at the next multiple of TIDX_ALIGN (zeros before it),
 * with its checksum, and free it.
 */
static void
write_section(struct writer *w, int k)
{
	static const unsigned char zero[TIDX_ALIGN];
	struct layout *o = w->o;
	struct tidx_section *s = &o->sec[k];

	s->off = (w->at + TIDX_ALIGN - 1) / TIDX_ALIGN * TIDX_ALIGN;
	s->crc = crc32c(0, o->data[k], s->size);
	if (w->err == 0 && (afile_write_all(w->fd, zero, s->off - w->at) ==
	    -1 || afile_write_all(w->fd, o->data[k], s->size) == -1))
		w->err = errno != 0 ? errno : EIO;
	w->at = s->off + s->size;
	free(o->own[k]);
	o->own[k] = NULL;
	o->data[k] = NULL;
}

static void *
writer_run(void *arg)
{
	struct writer *w = arg;
	int	 k;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->done == w->given && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->done == w->given)
			break;
		k = w->done;
		pthread_mutex_unlock(&w->mu);
		write_section(w, k);
		pthread_mutex_lock(&w->mu);
		w->done = k + 1;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* Start writing sections to fd after hsize bytes of zeros (the header's
   place). */
static void
writer_start(struct writer *w, struct layout *o, int fd)
{
	static const unsigned char zero[TIDX_HEADER_SIZE + NSECTIONS_MAX *
	    TIDX_SECTION_SIZE];

	memset(w, 0, sizeof(*w));
	w->o = o;
	w->fd = fd;
	w->at = o->hsize;
	o->w = w;
	if (afile_write_all(fd, zero, o->hsize) == -1)
		w->err = errno != 0 ? errno : EIO;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->threaded = thread_start(&w->thread, writer_run, w);
}

/* Hand over the sections added since the last call. */
static void
writer_give(struct writer *w)
{
	if (w == NULL)
		return;
	if (!w->threaded) {
		while (w->done < w->o->nsec)
			write_section(w, w->done++);
		w->given = w->done;
		return;
	}
	pthread_mutex_lock(&w->mu);
	w->given = w->o->nsec;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Wait until every section is written: 0, or -1 with errno. */
static int
writer_finish(struct writer *w)
{
	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		w->stop = 1;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->thread, NULL);
	}
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	w->o->w = NULL;
	w->o->size = w->at;
	if (w->err != 0) {
		errno = w->err;
		return -1;
	}
	return 0;
}

/* What afile_replace() fills its file with. */
struct fill {
	struct tidx_builder	*b;
	const struct tidx_params *params;
	uint64_t		 s4, b6;
	struct layout		 o;
};

/* The sections all_sections() will add. */
static int
count_sections(const struct tidx_builder *b)
{
	return 6 + 2 * (b->p4 > 0) + 2 * (b->p6 > 0) + (b->n4 + b->n6 > 0);
}

/*
 * afile_replace() fill: the header's place, each section after zeros,
 * written as the next is built, then the header.
 */
static int
fill_file(void *arg, int fd)
{
	struct fill *f = arg;
	struct layout *o = &f->o;
	struct writer w;

	o->hsize = TIDX_HEADER_SIZE + (size_t)count_sections(f->b) *
	    TIDX_SECTION_SIZE;
	writer_start(&w, o, fd);
	all_sections(f->b, f->s4, f->b6, o);
	if (o->nsec != count_sections(f->b))
		abort();	/* The header's place was not its size. */
	if (writer_finish(&w) == -1)
		return -1;
	fill_header(f->b, f->params, o);
	if (lseek(fd, 0, SEEK_SET) == -1)
		return -1;
	return afile_write_all(fd, o->head, o->hsize);
}

enum tidx_status
tidx_builder_write(struct tidx_builder *b, const char *path,
    const struct tidx_params *params)
{
	struct fill	 f;
	int		 k, rc, saved;

	memset(&f, 0, sizeof(f));
	f.b = b;
	f.params = params;
	f.s4 = nslots(b->n4);
	f.b6 = nbuckets(b->n6);
	if (f.s4 > UINT32_MAX || f.b6 > UINT32_MAX)
		return TIDX_ERR_TOOBIG;
	strpool_seal(b->strings);	/* Its table, before the sections. */
	rc = afile_replace(path, ".ti-index", 0666, fill_file, &f);
	saved = errno;
	for (k = 0; k < f.o.nsec; k++)
		free(f.o.own[k]);
	errno = saved;
	return rc == 0 ? TIDX_OK : TIDX_ERR_IO;
}
