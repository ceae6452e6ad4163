/*
 * strpool.c: string interning with an open-addressing hash table over
 * references into one buffer.  See strpool.h.
 */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "strpool.h"
#include "xalloc.h"

/*
 * A slot holds the high 32 bits of its string's hash, which also choose
 * its place in the table (tables stay below 2^32 slots), so that the table
 * grows without hashing or reading the strings again.
 */
struct slot {
	uint32_t ref;		/* STRPOOL_NULL marks an empty slot. */
	uint32_t hash;		/* hash_bytes() >> 32. */
	uint32_t val;		/* strpool_value(). */
};

struct strpool {
	unsigned char	*buf;
	size_t		 len, cap;
	unsigned char	*moved;		/* After strpool_compact(), or NULL. */
	struct slot	*slots;
	size_t		 nslots;	/* Power of two. */
	uint32_t	 count;
	uint32_t	 empty;		/* The empty string's ref, once in. */
	/* The slots of the strings interned last, for strpool_value(). */
	uint32_t	 recent_ref[STRPOOL_RECENT];
	uint32_t	 recent_slot[STRPOOL_RECENT];
	unsigned	 recent_next;
};

static void	resize_table(struct strpool *, size_t);
static void	forget_recent(struct strpool *);

struct strpool *
strpool_new(void)
{
	struct strpool *sp = xcalloc(1, sizeof(*sp));

	sp->empty = STRPOOL_NULL;
	resize_table(sp, 1024);
	return sp;
}

void
strpool_free(struct strpool *sp)
{
	if (sp == NULL)
		return;
	free(sp->buf);
	free(sp->moved);
	free(sp->slots);
	free(sp);
}

/* Give the table n slots (a power of two), placing every string again. */
static void
resize_table(struct strpool *sp, size_t n)
{
	size_t	 i, j;
	struct slot *s = xcalloc_huge(n, sizeof(*s));

	for (i = 0; i < n; i++)
		s[i].ref = STRPOOL_NULL;
	for (i = 0; i < sp->nslots; i++) {
		if (sp->slots[i].ref == STRPOOL_NULL)
			continue;
		j = sp->slots[i].hash & (n - 1);
		while (s[j].ref != STRPOOL_NULL)
			j = (j + 1) & (n - 1);
		s[j] = sp->slots[i];
	}
	free(sp->slots);
	sp->slots = s;
	sp->nslots = n;
	forget_recent(sp);
}

/* The slots remembered for strpool_value() are no longer where they were. */
static void
forget_recent(struct strpool *sp)
{
	unsigned i;

	for (i = 0; i < STRPOOL_RECENT; i++)
		sp->recent_ref[i] = STRPOOL_NULL;
}

uint32_t
strpool_hash(const char *s, size_t len)
{
	return (uint32_t)(hash_bytes(s, len) >> 32);
}

void
strpool_prefetch(const struct strpool *sp, uint32_t hash)
{
	if (sp->nslots > 0)
		__builtin_prefetch(&sp->slots[hash & (sp->nslots - 1)]);
}

/* Remember the slot of the string at ref, interned just now. */
static void
remember(struct strpool *sp, uint32_t ref, size_t slot)
{
	unsigned i = sp->recent_next++ % STRPOOL_RECENT;

	sp->recent_ref[i] = ref;
	sp->recent_slot[i] = (uint32_t)slot;
}

uint32_t
strpool_intern(struct strpool *sp, const char *str, size_t len)
{
	if (str == NULL)
		return STRPOOL_NULL;
	if (len == 0 && sp->empty != STRPOOL_NULL)
		return sp->empty;	/* Common in rows: no need to hash. */
	return strpool_intern_hashed(sp, str, len, strpool_hash(str, len));
}

uint32_t
strpool_intern_hashed(struct strpool *sp, const char *str, size_t len,
    uint32_t h)
{
	size_t	 i, need;
	uint32_t ref, l32;

	if (str == NULL)
		return STRPOOL_NULL;
	if (sp->nslots == 0)
		return STRPOOL_FULL;	/* Sealed. */
	for (i = h & (sp->nslots - 1);; i = (i + 1) & (sp->nslots - 1)) {
		struct slot *s = &sp->slots[i];

		if (s->ref == STRPOOL_NULL)
			break;
		if (s->hash != h)
			continue;
		memcpy(&l32, sp->buf + s->ref, 4);
		if (l32 == len &&
		    memcmp(sp->buf + s->ref + 4, str, len) == 0) {
			remember(sp, s->ref, i);
			return s->ref;
		}
	}
	need = 4 + len + 1;
	if (len > 0xFFFFFFF0u || sp->len + need >= STRPOOL_FULL)
		return STRPOOL_FULL;
	if (sp->len + need > sp->cap) {
		size_t cap = sp->cap ? sp->cap * 2 : 65536;

		while (cap < sp->len + need)
			cap *= 2;
		sp->buf = xgrow(sp->buf, cap, 1);
		sp->cap = cap;
	}
	ref = (uint32_t)sp->len;
	l32 = (uint32_t)len;
	memcpy(sp->buf + sp->len, &l32, 4);
	memcpy(sp->buf + sp->len + 4, str, len);
	sp->buf[sp->len + 4 + len] = '\0';
	sp->len += need;
	sp->slots[i].ref = ref;
	sp->slots[i].hash = h;
	sp->slots[i].val = STRPOOL_NOVAL;
	remember(sp, ref, i);
	if (len == 0)
		sp->empty = ref;
	if (++sp->count > sp->nslots / 4 * 3 && sp->nslots < ((size_t)1 << 32))
		resize_table(sp, sp->nslots * 2);
	return ref;
}

uint32_t *
strpool_value(struct strpool *sp, uint32_t ref)
{
	uint32_t l32, h;
	size_t	 i;

	if (sp->nslots == 0 || ref >= sp->len || sp->len - ref < 5)
		return NULL;
	for (i = 0; i < STRPOOL_RECENT; i++)
		if (sp->recent_ref[i] == ref)
			return &sp->slots[sp->recent_slot[i]].val;
	memcpy(&l32, sp->buf + ref, 4);
	if (l32 > sp->len - ref - 5)
		return NULL;		/* Not a string's reference. */
	h = strpool_hash((const char *)sp->buf + ref + 4, l32);
	for (i = h & (sp->nslots - 1); sp->slots[i].ref != STRPOOL_NULL;
	    i = (i + 1) & (sp->nslots - 1))
		if (sp->slots[i].ref == ref)
			return &sp->slots[i].val;
	return NULL;
}

const char *
strpool_get(const struct strpool *sp, uint32_t ref, uint32_t *len)
{
	if (ref == STRPOOL_NULL) {
		*len = 0;
		return NULL;
	}
	memcpy(len, sp->buf + ref, 4);
	return (const char *)sp->buf + ref + 4;
}

const void *
strpool_data(const struct strpool *sp, size_t *size)
{
	*size = sp->len;
	return sp->buf;
}

void
strpool_reserve(struct strpool *sp, size_t n)
{
	size_t	 cap = sp->nslots;

	if (cap == 0)
		return;		/* Sealed. */
	while (cap / 4 * 3 < n && cap < ((size_t)1 << 32))
		cap *= 2;
	if (cap > sp->nslots)
		resize_table(sp, cap);
}

void
strpool_seal(struct strpool *sp)
{
	free(sp->slots);
	sp->slots = NULL;
	sp->nslots = 0;
	forget_recent(sp);
}

uint32_t
strpool_count(const struct strpool *sp)
{
	return sp->count;
}

/* The bytes the string at off takes in the pool: length, text, NUL. */
static size_t
stored_size(const struct strpool *sp, size_t off)
{
	uint32_t l32;

	memcpy(&l32, sp->buf + off, 4);
	return 4 + (size_t)l32 + 1;
}

/* 1 when the string at off is marked in keep (bit off % 8 of off / 8). */
static int
marked(const unsigned char *keep, size_t off)
{
	return keep[off / 8] >> off % 8 & 1;
}

size_t
strpool_unmarked(const struct strpool *sp, const unsigned char *keep)
{
	size_t	 off, sz, n = 0;

	for (off = 0; off < sp->len; off += sz) {
		sz = stored_size(sp, off);
		if (!marked(keep, off))
			n += sz;
	}
	return n;
}

/*
 * The old buffer stays, for strpool_moved(): each kept string's length
 * field there holds its new reference.
 */
void
strpool_compact(struct strpool *sp, const unsigned char *keep)
{
	unsigned char *out = xgrow(NULL, sp->len ? sp->len : 1, 1);
	size_t	 off, n = 0, sz;
	uint32_t l32, count = 0;

	strpool_seal(sp);
	for (off = 0; off < sp->len; off += sz) {
		sz = stored_size(sp, off);
		if (!marked(keep, off))
			continue;
		memcpy(out + n, sp->buf + off, sz);
		l32 = (uint32_t)n;
		memcpy(sp->buf + off, &l32, 4);
		n += sz;
		count++;
	}
	free(sp->moved);
	sp->moved = sp->buf;
	sp->buf = out;
	sp->len = sp->cap = n;
	sp->count = count;
	sp->empty = STRPOOL_NULL;
}

uint32_t
strpool_moved(const struct strpool *sp, uint32_t ref)
{
	uint32_t v;

	memcpy(&v, sp->moved + ref, 4);
	return v;
}
