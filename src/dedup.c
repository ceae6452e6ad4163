/*
 * dedup.c: the alert suppression table.  See dedup.h.
 *
 * Keys live in an open-addressing hash table of pointers to heap entries
 * (the IndicatorId is copied into the entry, so keys compare exactly and
 * a hash collision can never suppress an alert).  There are no deletions
 * between sweeps: when the table reaches its sweep mark, one pass drops
 * the keys a window behind the newest event and, past max_keys, the
 * oldest ones, and rebuilds the table.  The mark doubles with the
 * survivors, so sweeping costs amortized O(1) per key.
 */
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "strpool.h"
#include "xalloc.h"

struct entry {
	uint64_t	 hash;
	int64_t		 t;		/* Event time of the last alert. */
	struct addr	 a;
	size_t		 idlen;
	char		 id[];		/* Not NUL-terminated. */
};

struct dedup {
	int64_t		 window;
	size_t		 max_keys;
	struct entry	**slots;
	size_t		 cap;		/* Power of two. */
	size_t		 n;
	size_t		 mark;		/* Sweep when n reaches it. */
	int64_t		 newest;	/* Newest event time seen. */
	int		 seen;		/* newest is set. */
	uint64_t	 expired, evicted;
};

struct dedup *
dedup_new(int64_t window, size_t max_keys)
{
	struct dedup *d = xcalloc(1, sizeof(*d));

	d->window = window;
	d->max_keys = max_keys ? max_keys : 1;
	d->cap = 1024;
	d->slots = xcalloc(d->cap, sizeof(*d->slots));
	d->mark = d->max_keys < 512 ? d->max_keys : 512;
	return d;
}

void
dedup_free(struct dedup *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->cap; i++)
		free(d->slots[i]);
	free(d->slots);
	free(d);
}

static uint64_t
key_hash(const char *id, size_t idlen, const struct addr *a)
{
	return hash_bytes(id, idlen) ^ (hash_bytes(a->b, 16) *
	    0x9E3779B97F4A7C15ULL);
}

static void
insert(struct entry **slots, size_t cap, struct entry *e)
{
	size_t	 i = e->hash & (cap - 1);

	while (slots[i] != NULL)
		i = (i + 1) & (cap - 1);
	slots[i] = e;
}

static int
cmp_time(const void *x, const void *y)
{
	int64_t	 a = (*(struct entry *const *)x)->t;
	int64_t	 b = (*(struct entry *const *)y)->t;

	return a < b ? -1 : a > b;
}

/* Drop old keys, then the oldest past the cap; rebuild the table. */
static void
sweep(struct dedup *d)
{
	struct entry **live = xreallocarray(NULL, d->n ? d->n : 1,
	    sizeof(*live));
	size_t	 i, n = 0, keep, cap;
	int64_t	 cutoff;

	/* newest - window, saturating (a window can be years long). */
	cutoff = d->newest < INT64_MIN + d->window ? INT64_MIN :
	    d->newest - d->window;
	for (i = 0; i < d->cap; i++) {
		struct entry *e = d->slots[i];

		if (e == NULL)
			continue;
		if (d->seen && cutoff != INT64_MIN && e->t <= cutoff) {
			free(e);
			d->expired++;
		} else
			live[n++] = e;
	}
	/* Past the cap, keep the newest seven eighths of it. */
	if (n >= d->max_keys) {
		keep = d->max_keys - (d->max_keys >= 8 ? d->max_keys / 8 : 1);
		qsort(live, n, sizeof(*live), cmp_time);
		for (i = 0; i < n - keep; i++)
			free(live[i]);
		d->evicted += n - keep;
		memmove(live, live + (n - keep), keep * sizeof(*live));
		n = keep;
	}
	d->mark = 2 * n > 512 ? 2 * n : 512;
	if (d->mark > d->max_keys)
		d->mark = d->max_keys;
	for (cap = 1024; cap < 2 * d->mark + 2; cap *= 2)
		;
	free(d->slots);
	d->slots = xcalloc(cap, sizeof(*d->slots));
	d->cap = cap;
	for (i = 0; i < n; i++)
		insert(d->slots, cap, live[i]);
	d->n = n;
	free(live);
}

/*
 * Find the key, or add it with time t (sweeping first when the table is
 * at its mark).  *isnew says which.
 */
static struct entry *
find_or_add(struct dedup *d, const char *id, size_t idlen,
    const struct addr *a, int64_t t, int *isnew)
{
	uint64_t h = key_hash(id, idlen, a);
	size_t	 i;
	struct entry *e;

	for (;;) {
		for (i = h & (d->cap - 1); (e = d->slots[i]) != NULL;
		    i = (i + 1) & (d->cap - 1))
			if (e->hash == h && e->idlen == idlen &&
			    addr_cmp(&e->a, a) == 0 &&
			    memcmp(e->id, id, idlen) == 0) {
				*isnew = 0;
				return e;
			}
		if (d->n < d->mark)
			break;
		sweep(d);
	}
	e = xmalloc(sizeof(*e) + idlen);
	e->hash = h;
	e->t = t;
	e->a = *a;
	e->idlen = idlen;
	memcpy(e->id, id, idlen);
	d->slots[i] = e;
	d->n++;
	*isnew = 1;
	return e;
}

static void
saw(struct dedup *d, int64_t t)
{
	if (!d->seen || t > d->newest) {
		d->newest = t;
		d->seen = 1;
	}
}

int
dedup_check(struct dedup *d, const char *id, size_t idlen,
    const struct addr *a, int64_t t)
{
	struct entry *e;
	uint64_t diff;
	int	 isnew;

	saw(d, t);
	if (d->window <= 0)
		return 1;
	e = find_or_add(d, id, idlen, a, t, &isnew);
	if (isnew)
		return 1;
	/* |t - e->t| < window, without overflow. */
	diff = t > e->t ? (uint64_t)t - (uint64_t)e->t :
	    (uint64_t)e->t - (uint64_t)t;
	if (diff < (uint64_t)d->window)
		return 0;
	if (t > e->t)
		e->t = t;
	return 1;
}

void
dedup_restore(struct dedup *d, const char *id, size_t idlen,
    const struct addr *a, int64_t t)
{
	struct entry *e;
	int	 isnew;

	if (d->window <= 0)
		return;
	saw(d, t);
	e = find_or_add(d, id, idlen, a, t, &isnew);
	if (!isnew && t > e->t)
		e->t = t;
}

void
dedup_get_stats(const struct dedup *d, struct dedup_stats *st)
{
	st->keys = d->n;
	st->expired = d->expired;
	st->evicted = d->evicted;
}

void
dedup_foreach(const struct dedup *d,
    void (*fn)(void *, const char *, size_t, const struct addr *, int64_t),
    void *arg)
{
	size_t	 i;

	for (i = 0; i < d->cap; i++)
		if (d->slots[i] != NULL)
			fn(arg, d->slots[i]->id, d->slots[i]->idlen,
			    &d->slots[i]->a, d->slots[i]->t);
}
