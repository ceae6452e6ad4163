/*
 * dedup.h: the sliding-window suppression of repeated alerts.
 *
 * SPEC.md 2.3.  For each key (IndicatorId, address) the table remembers
 * the event time of the last alert written.  A match is suppressed when
 * that time is less than the window away from the match's event time, in
 * either direction; otherwise it is alerted and the key's time becomes
 * the later of the two.  Only event times are used, never the clock.
 *
 * Memory is bounded: a key whose time is a window or more behind the
 * newest event time seen is forgotten (a later match of it is then
 * alerted, as it would be anyway unless events arrive more than a window
 * out of order), and past max_keys the keys with the oldest times are
 * dropped and counted.  Forgetting a key can only cause an extra alert,
 * never a lost one.
 */
#ifndef DEDUP_H
#define DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct dedup_stats {
	uint64_t keys;		/* Keys held now. */
	uint64_t expired;	/* Forgotten: a window behind the newest. */
	uint64_t evicted;	/* Dropped past max_keys. */
};

struct dedup;

/*
 * Return a table for the window (ticks; 0 suppresses nothing) holding at
 * most max_keys keys (at least 1).  Free with dedup_free.
 */
struct dedup *dedup_new(int64_t window, size_t max_keys);
void	 dedup_free(struct dedup *d);

/*
 * Decide a match of indicator id (idlen bytes) at address a and event
 * time t.  Returns 1 when an alert is to be written (and records it), 0
 * when it is suppressed.
 */
int	 dedup_check(struct dedup *d, const char *id, size_t idlen,
	    const struct addr *a, int64_t t);

/*
 * Put back a key with the event time of its last alert (when loading a
 * saved table): the key's time becomes the later of t and any time it
 * has, and t counts as an event seen for forgetting old keys.
 */
void	 dedup_restore(struct dedup *d, const char *id, size_t idlen,
	    const struct addr *a, int64_t t);

void	 dedup_get_stats(const struct dedup *d, struct dedup_stats *st);

/*
 * Visit every key (for saving state); fn gets the id, address and time.
 */
void	 dedup_foreach(const struct dedup *d,
	    void (*fn)(void *, const char *, size_t, const struct addr *,
	    int64_t), void *arg);

#endif /* DEDUP_H */
