/*
 * dedup.c: the alert suppression table.  See dedup.h; the rule is
 * SPEC.md 2.3.
 *
 * Keys live in an open-addressing hash table of pointers to heap entries,
 * one allocation a key (the IndicatorId is copied into the entry, so keys
 * compare exactly and a hash collision can never suppress an alert).  A
 * key with one alert time, the common case, keeps it in the entry; a key
 * with more keeps them all in a sorted array of its own, so a match is
 * judged by its two neighbours among them.  There are no deletions
 * between sweeps: when the number of stored times reaches the sweep
 * mark, one pass forgets the times too far behind the horizon, drops the
 * keys left with none and, past max_times, the keys whose newest time is
 * oldest, and rebuilds the table.  The mark doubles with the survivors,
 * so sweeping costs amortized O(1) per stored time.
 */
#include <stdlib.h>
#include <string.h>

#include "dedup.h"
#include "hash.h"
#include "ktime.h"
#include "xalloc.h"

#define MIN_MARK	512

struct entry {
	uint64_t	 hash;
	int64_t		 t;		/* The newest alert time. */
	int64_t		*more;		/* n > 1: all n times, ascending. */
	uint32_t	 n, cap;	/* Times held; room in more. */
	struct addr	 a;
	size_t		 idlen;
	char		 id[];		/* Not NUL-terminated. */
};

struct dedup {
	int64_t		 window;
	int64_t		 max_delay;
	size_t		 max_times;
	struct entry	**slots;	/* NULL with a window of 0. */
	size_t		 cap;		/* Power of two. */
	size_t		 nkeys;
	size_t		 ntimes;
	size_t		 mark;		/* Sweep when ntimes reaches it. */
	int64_t		 horizon;	/* See dedup.h; INT64_MIN: none. */
	int64_t		 limit;		/* Last clock reading + max_delay. */
	int64_t		(*now)(void *);
	void		*now_arg;
	uint64_t	 expired, evicted;
};

static int64_t
sat_add(int64_t a, int64_t b)	/* b >= 0 */
{
	return a > INT64_MAX - b ? INT64_MAX : a + b;
}

static int64_t
sat_sub(int64_t a, int64_t b)	/* b >= 0 */
{
	return a < INT64_MIN + b ? INT64_MIN : a - b;
}

static int64_t
wall_clock(void *arg)
{
	(void)arg;
	return ktime_now();
}

struct dedup *
dedup_new(int64_t window, int64_t max_delay, size_t max_times)
{
	struct dedup *d = xcalloc(1, sizeof(*d));

	d->window = window > 0 ? window : 0;
	d->max_delay = max_delay > 0 ? max_delay : 0;
	d->max_times = max_times ? max_times : 1;
	d->horizon = d->limit = INT64_MIN;
	d->now = wall_clock;
	d->mark = d->max_times < MIN_MARK ? d->max_times : MIN_MARK;
	if (d->window > 0) {
		d->cap = 2 * MIN_MARK;
		d->slots = xcalloc(d->cap, sizeof(*d->slots));
	}
	return d;
}

static void
free_entry(struct entry *e)
{
	free(e->more);
	free(e);
}

void
dedup_free(struct dedup *d)
{
	size_t	 i;

	if (d == NULL)
		return;
	for (i = 0; i < d->cap; i++)
		if (d->slots[i] != NULL)
			free_entry(d->slots[i]);
	free(d->slots);
	free(d);
}

void
dedup_set_clock(struct dedup *d, int64_t (*now)(void *), void *arg)
{
	d->now = now;
	d->now_arg = arg;
	d->limit = INT64_MIN;
}

/* A match at t was seen: move the horizon (dedup.h). */
static void
saw(struct dedup *d, int64_t t)
{
	if (t <= d->horizon)
		return;
	if (t > d->limit) {
		d->limit = sat_add(d->now(d->now_arg), d->max_delay);
		if (t > d->limit)
			return;
	}
	d->horizon = t;
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
cmp_newest(const void *x, const void *y)
{
	int64_t	 a = (*(struct entry *const *)x)->t;
	int64_t	 b = (*(struct entry *const *)y)->t;

	return a < b ? -1 : a > b;
}

/*
 * Forget the times of e before cutoff; return the number left.  The
 * newest (e->t) is the last to go.
 */
static uint32_t
expire_times(struct entry *e, int64_t cutoff)
{
	uint32_t i;

	if (e->n == 1)
		return e->t < cutoff ? 0 : 1;
	for (i = 0; i < e->n && e->more[i] < cutoff; i++)
		;
	if (i == 0)
		return e->n;
	if (i == e->n)
		return 0;
	if (e->n - i == 1) {
		free(e->more);
		e->more = NULL;
		e->cap = 0;
	} else
		memmove(e->more, e->more + i, (e->n - i) * sizeof(*e->more));
	return e->n - i;
}

/*
 * Forget what is too far behind the horizon, then, past max_times, drop
 * the keys whose newest time is oldest until 7/8 of it are held; rebuild
 * the table for the survivors.
 */
static void
sweep(struct dedup *d)
{
	struct entry **live = xreallocarray(NULL, d->nkeys ? d->nkeys : 1,
	    sizeof(*live));
	size_t	 i, n = 0, keep, cap;
	int64_t	 cutoff = INT64_MIN;
	uint32_t left;

	if (d->horizon != INT64_MIN)
		cutoff = sat_sub(sat_sub(d->horizon, d->window), d->max_delay);
	d->ntimes = 0;
	for (i = 0; i < d->cap; i++) {
		struct entry *e = d->slots[i];

		if (e == NULL)
			continue;
		if (cutoff != INT64_MIN && (left = expire_times(e, cutoff)) <
		    e->n) {
			if (left == 0) {
				free_entry(e);
				d->expired++;
				continue;
			}
			e->n = left;
		}
		d->ntimes += e->n;
		live[n++] = e;
	}
	if (d->ntimes >= d->max_times) {
		keep = d->max_times - (d->max_times >= 8 ? d->max_times / 8 :
		    1);
		qsort(live, n, sizeof(*live), cmp_newest);
		for (i = 0; i < n && d->ntimes > keep; i++) {
			d->ntimes -= live[i]->n;
			free_entry(live[i]);
			d->evicted++;
		}
		memmove(live, live + i, (n - i) * sizeof(*live));
		n -= i;
	}
	d->mark = 2 * d->ntimes > MIN_MARK ? 2 * d->ntimes : MIN_MARK;
	if (d->mark > d->max_times)
		d->mark = d->max_times;
	/* Keys never outnumber times, nor times the mark: load <= 1/2. */
	for (cap = 2 * MIN_MARK; cap < 2 * d->mark + 2; cap *= 2)
		;
	free(d->slots);
	d->slots = xcalloc(cap, sizeof(*d->slots));
	d->cap = cap;
	for (i = 0; i < n; i++)
		insert(d->slots, cap, live[i]);
	d->nkeys = n;
	free(live);
}

/*
 * Find the key; NULL when it is not held, with *slot where it would go.
 */
static struct entry *
find(struct dedup *d, uint64_t h, const char *id, size_t idlen,
    const struct addr *a, size_t *slot)
{
	struct entry *e;
	size_t	 i;

	for (i = h & (d->cap - 1); (e = d->slots[i]) != NULL;
	    i = (i + 1) & (d->cap - 1))
		if (e->hash == h && e->idlen == idlen &&
		    memcmp(e->a.b, a->b, 16) == 0 &&
		    memcmp(e->id, id, idlen) == 0)
			break;
	*slot = i;
	return e;
}

/* The index of the first time of e at or after t (e->n > 1). */
static uint32_t
lower_bound(const struct entry *e, int64_t t)
{
	uint32_t lo = 0, hi = e->n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (e->more[mid] < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Return 1 when x and y are less than w apart (w > 0), without overflow. */
static int
near(int64_t x, int64_t y, int64_t w)
{
	uint64_t diff = x > y ? (uint64_t)x - (uint64_t)y :
	    (uint64_t)y - (uint64_t)x;

	return diff < (uint64_t)w;
}

/* Return 1 when e has a time less than w away from t. */
static int
covered(const struct entry *e, int64_t t, int64_t w)
{
	uint32_t i;

	if (e->n == 1)
		return near(e->t, t, w);
	i = lower_bound(e, t);
	return (i < e->n && near(e->more[i], t, w)) ||
	    (i > 0 && near(e->more[i - 1], t, w));
}

/* Add time t, not held yet, to e. */
static void
add_time(struct entry *e, int64_t t)
{
	uint32_t i;

	if (e->n == 1) {
		e->cap = 4;
		e->more = xreallocarray(NULL, e->cap, sizeof(*e->more));
		e->more[0] = e->t < t ? e->t : t;
		e->more[1] = e->t < t ? t : e->t;
		e->n = 2;
		e->t = e->more[1];
		return;
	}
	if (e->n == e->cap) {
		e->cap *= 2;
		e->more = xreallocarray(e->more, e->cap, sizeof(*e->more));
	}
	i = lower_bound(e, t);
	memmove(e->more + i + 1, e->more + i, (e->n - i) * sizeof(*e->more));
	e->more[i] = t;
	e->n++;
	e->t = e->more[e->n - 1];
}

/*
 * Record alert time t of a key unless a time of it is less than w away
 * (w 1 records t unless it is held).  Returns 1 when t was recorded.
 */
static int
record(struct dedup *d, const char *id, size_t idlen, const struct addr *a,
    int64_t t, int64_t w)
{
	uint64_t h = key_hash(id, idlen, a);
	struct entry *e;
	size_t	 slot;

	e = find(d, h, id, idlen, a, &slot);
	if (e != NULL && covered(e, t, w))
		return 0;
	if (d->ntimes >= d->mark) {
		sweep(d);
		e = find(d, h, id, idlen, a, &slot);
	}
	if (e != NULL) {
		add_time(e, t);
		d->ntimes++;
		return 1;
	}
	e = xmalloc(sizeof(*e) + idlen);
	e->hash = h;
	e->t = t;
	e->more = NULL;
	e->n = 1;
	e->cap = 0;
	e->a = *a;
	e->idlen = idlen;
	memcpy(e->id, id, idlen);
	d->slots[slot] = e;
	d->nkeys++;
	d->ntimes++;
	return 1;
}

int
dedup_check(struct dedup *d, const char *id, size_t idlen,
    const struct addr *a, int64_t t)
{
	if (d->window == 0)
		return 1;
	saw(d, t);
	return record(d, id, idlen, a, t, d->window);
}

int
dedup_covered(struct dedup *d, const char *id, size_t idlen,
    const struct addr *a, int64_t t)
{
	struct entry *e;
	size_t	 slot;

	if (d->window == 0)
		return 0;
	e = find(d, key_hash(id, idlen, a), id, idlen, a, &slot);
	if (e == NULL || !covered(e, t, d->window))
		return 0;
	saw(d, t);	/* As dedup_check: the horizon, then the table. */
	return 1;
}

void
dedup_restore(struct dedup *d, const char *id, size_t idlen,
    const struct addr *a, int64_t t)
{
	if (d->window == 0)
		return;
	saw(d, t);
	(void)record(d, id, idlen, a, t, 1);
}

void
dedup_get_stats(const struct dedup *d, struct dedup_stats *st)
{
	st->keys = d->nkeys;
	st->times = d->ntimes;
	st->expired = d->expired;
	st->evicted = d->evicted;
}

void
dedup_foreach(const struct dedup *d,
    void (*fn)(void *, const char *, size_t, const struct addr *,
    const int64_t *, size_t), void *arg)
{
	const struct entry *e;
	size_t	 i;

	for (i = 0; i < d->cap; i++)
		if ((e = d->slots[i]) != NULL)
			fn(arg, e->id, e->idlen, &e->a,
			    e->n == 1 ? &e->t : e->more, e->n);
}
