/*
 * ktime.c: parsing and formatting instants as Kusto does (100 ns ticks).
 *
 * The contract is in ktime.h.  Calendar arithmetic uses the proleptic
 * Gregorian days-from-civil algorithm, so no time zone database or
 * timegm(3) is involved and results do not depend on the environment.
 */
#include <time.h>

#include "ktime.h"

#define TICKS_PER_DAY	(86400LL * KTIME_TICKS_PER_SEC)
#define MIN_TICKS	(-62135596800LL * KTIME_TICKS_PER_SEC)	/* 0001-01-01 */
#define MAX_TICKS	(253402300800LL * KTIME_TICKS_PER_SEC - 1) /* 9999 end */

/* Days since 1970-01-01 of the civil date y-m-d. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t	 era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The civil date of day z since 1970-01-01. */
static void
civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t	 era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int
is_leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned
days_in_month(int64_t y, unsigned m)
{
	static const unsigned char dm[12] =
	    { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : dm[m - 1];
}

/* Read exactly n digits at s[*i]; -1 when they are not there. */
static int
digits(const char *s, size_t len, size_t *i, int n)
{
	int	 v = 0;

	if (*i + (size_t)n > len)
		return -1;
	while (n-- > 0) {
		char c = s[(*i)++];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	return v;
}

int
ktime_parse(const char *s, size_t len, int64_t *t)
{
	size_t	 i = 0;
	int	 y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
	int64_t	 frac = 0, v;

	if ((y = digits(s, len, &i, 4)) < 1 || i >= len || s[i++] != '-' ||
	    (mo = digits(s, len, &i, 2)) < 1 || mo > 12 || i >= len ||
	    s[i++] != '-' || (d = digits(s, len, &i, 2)) < 1 ||
	    (unsigned)d > days_in_month(y, (unsigned)mo))
		return -1;
	if (i < len && (s[i] == 'T' || s[i] == 't' || s[i] == ' ')) {
		i++;
		if ((h = digits(s, len, &i, 2)) < 0 || h > 23 || i >= len ||
		    s[i++] != ':' || (mi = digits(s, len, &i, 2)) < 0 ||
		    mi > 59)
			return -1;
		if (i < len && s[i] == ':') {
			i++;
			if ((sec = digits(s, len, &i, 2)) < 0 || sec > 60)
				return -1;
			if (sec == 60)
				sec = 59;
			if (i < len && s[i] == '.') {
				int	 n = 0;

				i++;
				while (i < len && s[i] >= '0' && s[i] <= '9') {
					if (n++ < 7)
						frac = frac * 10 + (s[i] - '0');
					i++;
				}
				if (n == 0)
					return -1;
				for (; n < 7; n++)
					frac *= 10;
			}
		}
		if (i < len && (s[i] == 'Z' || s[i] == 'z'))
			i++;
		else if (i < len && (s[i] == '+' || s[i] == '-')) {
			int	 sign = s[i++] == '-' ? -1 : 1, oh, om;

			if ((oh = digits(s, len, &i, 2)) < 0 || oh > 23)
				return -1;
			if (i < len && s[i] == ':')
				i++;
			if ((om = digits(s, len, &i, 2)) < 0 || om > 59)
				return -1;
			off = sign * (oh * 60 + om);
		}
	}
	if (i != len)
		return -1;
	v = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60 + sec - off * 60;
	*t = v * KTIME_TICKS_PER_SEC + frac;
	return 0;
}

char *
ktime_format(int64_t t, char *buf)
{
	int64_t	 days, rem, y;
	unsigned m, d, secs;
	static const char dig[] = "0123456789";
	char	*p = buf;
	int	 k;
	int64_t	 frac;

	if (t < MIN_TICKS)
		t = MIN_TICKS;
	if (t > MAX_TICKS)
		t = MAX_TICKS;
	days = t / TICKS_PER_DAY;
	rem = t % TICKS_PER_DAY;
	if (rem < 0) {
		rem += TICKS_PER_DAY;
		days--;
	}
	civil_from_days(days, &y, &m, &d);
	secs = (unsigned)(rem / KTIME_TICKS_PER_SEC);
	frac = rem % KTIME_TICKS_PER_SEC;
	/* Written by hand: this is on the alert path. */
	*p++ = dig[y / 1000]; *p++ = dig[y / 100 % 10];
	*p++ = dig[y / 10 % 10]; *p++ = dig[y % 10]; *p++ = '-';
	*p++ = dig[m / 10]; *p++ = dig[m % 10]; *p++ = '-';
	*p++ = dig[d / 10]; *p++ = dig[d % 10]; *p++ = 'T';
	*p++ = dig[secs / 36000]; *p++ = dig[secs / 3600 % 10]; *p++ = ':';
	*p++ = dig[secs / 600 % 6]; *p++ = dig[secs / 60 % 10]; *p++ = ':';
	*p++ = dig[secs % 60 / 10]; *p++ = dig[secs % 10]; *p++ = '.';
	for (k = 6; k >= 0; k--) {
		p[k] = dig[frac % 10];
		frac /= 10;
	}
	p += 7;
	*p++ = 'Z';
	*p = '\0';
	return buf;
}

int
ktime_parse_duration(const char *s, int64_t *ticks)
{
	int64_t	 v = 0, unit;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	while (*p >= '0' && *p <= '9') {
		if (v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p++ - '0');
	}
	switch (*p++) {
	case 's':
		unit = KTIME_TICKS_PER_SEC;
		break;
	case 'm':
		unit = 60 * KTIME_TICKS_PER_SEC;
		break;
	case 'h':
		unit = 3600 * KTIME_TICKS_PER_SEC;
		break;
	case 'd':
		unit = 86400 * KTIME_TICKS_PER_SEC;
		break;
	default:
		return -1;
	}
	if (*p != '\0' || v > INT64_MAX / unit)
		return -1;
	*ticks = v * unit;
	return 0;
}

int64_t
ktime_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * KTIME_TICKS_PER_SEC + ts.tv_nsec / 100;
}
