/*
 * dedup.h: the sliding-window suppression of repeated alerts.
 *
 * SPEC.md 2.3.  For each key (IndicatorId, address) the table remembers
 * the event times of the alerts written for it.  A match is suppressed
 * when one of its key's alert times is less than the window away from
 * the match's event time, in either direction; otherwise it is alerted
 * and its time joins the key's alert times.  So in any arrival order
 * every match lies within the window of an alert of its key, and a key
 * whose matches all fall within one window gets exactly one alert.
 *
 * The horizon is the newest match time seen that is no later than the
 * wall clock plus max_delay (the clock is the only use of wall time).  An
 * alert time is forgotten once it is more than window + max_delay behind
 * the horizon, and a key with no alert time left is dropped; a record
 * arriving at most max_delay behind the newest is thus deduplicated
 * exactly.  Memory is bounded: past max_times stored alert times, the
 * keys whose newest alert time is oldest are dropped and counted.
 * Forgetting can only cause an extra alert, never a lost one.  A window
 * of 0 keeps no table and suppresses nothing.
 */
#ifndef DEDUP_H
#define DEDUP_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

struct dedup_stats {
	uint64_t keys;		/* Keys held now. */
	uint64_t times;		/* Alert times held now. */
	uint64_t expired;	/* Keys forgotten: no alert time left. */
	uint64_t evicted;	/* Keys dropped past max_times. */
};

struct dedup;

/*
 * Return a table for the window and max_delay (ticks; a window of 0 or
 * less suppresses nothing and stores nothing, a negative max_delay is
 * taken as 0), holding at most max_times alert times (0 is taken as 1).
 * The wall clock is ktime_now() until dedup_set_clock.  Free with
 * dedup_free.
 */
struct dedup *dedup_new(int64_t window, int64_t max_delay, size_t max_times);
void	 dedup_free(struct dedup *d);

/*
 * Replace the wall clock with now(arg), an instant (for tests and
 * replays).  The clock is read only when a match is later than the
 * clock's last reading plus max_delay.
 */
void	 dedup_set_clock(struct dedup *d, int64_t (*now)(void *), void *arg);

/*
 * Decide a match of indicator id (idlen bytes, copied) at address a and
 * event time t.  Returns 1 when an alert is to be written (and records
 * its time), 0 when it is suppressed.
 */
int	 dedup_check(struct dedup *d, const char *id, size_t idlen,
	    const struct addr *a, int64_t t);

/*
 * Without recording anything: when dedup_check(d, id, idlen, a, t) would
 * return 0 (a time of the key is less than the window from t), do what it
 * does then (only the horizon may move) and return 1; else change
 * nothing and return 0.  So a caller can suppress a match before it has
 * read the whole record, and call dedup_check only for one that alerts.
 */
int	 dedup_covered(struct dedup *d, const char *id, size_t idlen,
	    const struct addr *a, int64_t t);

/*
 * Put back an alert time t of a key (when loading a saved table): t
 * joins the key's alert times unless it is there already, and counts as
 * a match seen for the horizon.  Nothing is stored with a window of 0.
 */
void	 dedup_restore(struct dedup *d, const char *id, size_t idlen,
	    const struct addr *a, int64_t t);

void	 dedup_get_stats(const struct dedup *d, struct dedup_stats *st);

/*
 * Visit every key (for saving state): fn gets the id, the address, and
 * the key's n alert times in ascending order (borrowed for the call).
 */
void	 dedup_foreach(const struct dedup *d,
	    void (*fn)(void *, const char *, size_t, const struct addr *,
	    const int64_t *, size_t), void *arg);

#endif /* DEDUP_H */
