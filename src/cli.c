/*
 * cli.c: what the two programs' option parsers share.  See cli.h.
 */
#include <err.h>
#include <errno.h>
#include <stdlib.h>

#include "cli.h"
#include "ktime.h"

long long
cli_count(const char *opt, const char *s, long long min)
{
	char	*end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min)
		errx(2, "%s: not a whole number of at least %lld: %s", opt,
		    min, s);
	return v;
}

int64_t
cli_duration(const char *opt, const char *s, const char *examples)
{
	int64_t	 d;

	if (ktime_parse_duration(s, &d) == -1)
		errx(2, "%s: not a duration (%s): %s", opt, examples, s);
	return d;
}

void
cli_print_exit(void (*fn)(FILE *))
{
	fn(stdout);
	if (fflush(stdout) == EOF || ferror(stdout))
		err(2, "write error");
	exit(0);
}
