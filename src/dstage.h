/*
 * dstage.h: the dedup stage, kv-match --dedup-only (SPEC.md 3 and 8).
 *
 * The second stage of the two-stage topology reads alerts, as kv-match
 * writes them, with or without the KEY<TAB> prefix of --key (akey.h),
 * and applies the suppression of SPEC.md 2.3 to them: the key is the
 * alert's IndicatorId and its ClientIP parsed as an address, the time
 * its KeyVaultEvents_TimeGenerated.  An alert kept is handed back
 * without the prefix, byte for byte as read.  A line that is not a JSON
 * object with those three members as strings (an address and a time
 * that parse) is malformed.
 *
 * A line is read by a quick scan (scan_members, scan.h) that checks it
 * is one JSON text as yajl reads it and finds the three members at the
 * top level; a line it cannot read with certainty (an escape or a byte
 * from 0x80 up in one of the three, a member missing or not a string) is
 * parsed in full (jrec.h).  Both give the same answer for every line.
 */
#ifndef DSTAGE_H
#define DSTAGE_H

#include <stddef.h>
#include <stdint.h>

#include "dedup.h"

enum dstage_result {
	DSTAGE_KEPT,		/* Write the alert. */
	DSTAGE_SUPPRESSED,	/* Within the window of an alert of its key. */
	DSTAGE_BLANK,		/* Only white space: not a record. */
	DSTAGE_MALFORMED	/* See dstage_error. */
};

struct dstage_counts {
	uint64_t records;	/* Lines that were not blank. */
	uint64_t kept, suppressed, malformed;
	uint64_t scanned;	/* Read by the quick scan alone. */
};

struct dstage;

/* Return a stage deciding with d (borrowed).  Free with dstage_free. */
struct dstage *dstage_new(struct dedup *d);
void	 dstage_free(struct dstage *s);

/*
 * Handle one line (len bytes, without its newline).  On DSTAGE_KEPT,
 * *alert and *alen give the alert without its prefix (a part of line).
 */
enum dstage_result dstage_line(struct dstage *s, const char *line,
	    size_t len, const char **alert, size_t *alen);

/* With on, parse every line in full (for tests: no quick scan). */
void	 dstage_parse_only(struct dstage *s, int on);

/* After DSTAGE_MALFORMED, why (a short text, valid until the next line). */
const char *dstage_error(const struct dstage *s);

void	 dstage_get_counts(const struct dstage *s, struct dstage_counts *c);

#endif /* DSTAGE_H */
