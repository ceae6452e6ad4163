/*
 * ktime.h: instants and durations in Kusto's resolution.
 *
 * An instant is a signed count of 100 ns ticks since 1970-01-01T00:00:00Z,
 * like a Kusto datetime.  Text in is RFC 3339 (and the near forms exports
 * write); text out is Kusto's own: UTC with seven fractional digits,
 * "2026-11-20T12:00:05.1306790Z".
 */
#ifndef KTIME_H
#define KTIME_H

#include <stddef.h>
#include <stdint.h>

#define KTIME_TICKS_PER_SEC	10000000LL
#define KTIME_NONE		INT64_MAX	/* "No time", e.g. no expiry. */
#define KTIME_STRLEN		29		/* Formatted length plus NUL. */

/*
 * Parse len bytes at s as an instant: "YYYY-MM-DD", optionally followed by
 * 'T', 't' or one space and "hh:mm" or "hh:mm:ss", an optional fraction of
 * 1 to 9 or more digits (digits past the seventh are truncated), and a zone:
 * 'Z', 'z', "+hh:mm", "-hh:mm", "+hhmm", or none (UTC, as Kusto reads it).
 * Years 0001-9999; the day must exist in its month (leap years included);
 * hour 00-23, minute 00-59, second 00-60 (a leap second is read as 59).
 * Returns 0 and sets *t, or -1.
 */
int	ktime_parse(const char *s, size_t len, int64_t *t);

/*
 * Write t as "YYYY-MM-DDThh:mm:ss.fffffffZ" into buf (KTIME_STRLEN bytes)
 * and return buf.  Instants outside years 0001-9999 are clamped to them.
 */
char	*ktime_format(int64_t t, char *buf);

/*
 * Parse a duration: a decimal number of units with one suffix 's', 'm',
 * 'h' or 'd' ("90m", "14d", "0s").  Returns 0 and sets *ticks, or -1 for
 * anything else, a negative value or an overflow.
 */
int	ktime_parse_duration(const char *s, int64_t *ticks);

/* Return the current wall-clock instant. */
int64_t	ktime_now(void);

#endif /* KTIME_H */
