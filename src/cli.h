/*
 * cli.h: what the two programs' option parsers share.  These print to
 * stderr and exit 2 on a bad value, as the mains do on a usage error.
 */
#ifndef CLI_H
#define CLI_H

#include <stdint.h>
#include <stdio.h>

/* The whole number s of option opt, at least min; else exit 2. */
long long cli_count(const char *opt, const char *s, long long min);

/*
 * The duration s of option opt in ticks (ktime_parse_duration); else
 * exit 2, the message giving examples ("like 1h, 90m, 0s").
 */
int64_t	 cli_duration(const char *opt, const char *s, const char *examples);

/* Print with fn to stdout and exit: 0, or 2 when stdout could not take it. */
void	 cli_print_exit(void (*fn)(FILE *)) __attribute__((noreturn));

#endif /* CLI_H */
