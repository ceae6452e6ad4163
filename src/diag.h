/*
 * diag.h: the programs' reports of bad input.
 *
 * Each bad line is reported as "PROG: FILE:LINE: reason" on stderr, at
 * most DIAG_PER_SEC a second (after a first burst of DIAG_BURST), so a
 * stream of garbage cannot flood a terminal or a log; the rest are
 * counted and the total is given by diag_summary().
 */
#ifndef DIAG_H
#define DIAG_H

#include <stdint.h>

#define DIAG_BURST	10
#define DIAG_PER_SEC	5

/* Report (or count) one bad input line. */
void	 diag_bad(const char *file, uint64_t line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));

/* Number of bad lines reported or counted so far. */
uint64_t diag_count(void);

/*
 * When any bad line was seen, print "PROG: N WHAT skipped" (with how many
 * were not shown), WHAT being one or many after the count, and return 1;
 * else return 0.
 */
int	 diag_summary(const char *one, const char *many);

#endif /* DIAG_H */
