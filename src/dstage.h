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
 * A line without a backslash or a control byte is read by a quick scan
 * that finds the three members at the top level and checks the line's
 * structure (strings, nesting, separators); any other line, or one the
 * scan cannot read with certainty, is parsed in full (jrec.h).  Both
 * give the same answer for every alert kv-match writes.
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

/* After DSTAGE_MALFORMED, why (a short text, valid until the next line). */
const char *dstage_error(const struct dstage *s);

void	 dstage_get_counts(const struct dstage *s, struct dstage_counts *c);

#endif /* DSTAGE_H */
