/*
 * diag.c: rate-limited reports of bad input lines.  See diag.h.
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "diag.h"

static uint64_t	total, hidden;
static time_t	window;		/* The second the counter is for. */
static unsigned	in_window;

void
diag_bad(const char *file, uint64_t line, const char *fmt, ...)
{
	char	 msg[512];
	va_list	 ap;
	time_t	 now;

	total++;
	if (total > DIAG_BURST) {
		now = time(NULL);
		if (now != window) {
			window = now;
			in_window = 0;
		}
		if (++in_window > DIAG_PER_SEC) {
			hidden++;
			return;
		}
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warnx("%s:%llu: %s", file, (unsigned long long)line, msg);
}

uint64_t
diag_count(void)
{
	return total;
}

int
diag_summary(const char *one, const char *many)
{
	const char *what = total == 1 ? one : many;

	if (total == 0)
		return 0;
	if (hidden > 0)
		warnx("%llu %s skipped (%llu not shown)",
		    (unsigned long long)total, what,
		    (unsigned long long)hidden);
	else
		warnx("%llu %s skipped", (unsigned long long)total, what);
	return 1;
}
