/*
 * match.h: the rule on a stream of Key Vault log records (SPEC.md 2.2,
 * 2.3), one record at a time, with every counter in one place.
 *
 * Data flows one way: a line is scanned for its caller addresses
 * (scan.h), each address is looked up once (prefetched, and looked up
 * once MATCH_LAG more lines have been scanned), the line is parsed in full (kvrec.h)
 * only when an address is in the index or the scan is unsure, then the
 * expiry, the window (dedup.h) and the alert (alert.h).  Under a flood
 * most matches are suppressed: a line with an indexed address that
 * scan_record() (scan.h) reads with certainty as one vault event, whose
 * time parses, whose indicator has not expired and which the window
 * suppresses (dedup_covered) is counted as the full parse would count it
 * (records, matched, suppressed) without one; the full parse is left for
 * the lines that alert or that the quick pass cannot read.  Lines that are
 * containers of records ({"records":[...]}, {"value":[...]},
 * {"tables":[...]}) and documents spread over lines are always parsed in
 * full, record by record.
 *
 * THE COUNTERS.  A record is one object: a line's object, or one element
 * of a container, on every path.  Each record has exactly one outcome,
 * the first of these that applies:
 *
 *	malformed	not a JSON object (a line, or a broken document,
 *			counts as one), or a line over the limit;
 *	no_address	it names no caller address that parses;
 *	not_indexed	none of its caller addresses is in the index;
 *	not_vault	its address is indexed, but it is not a Key Vault
 *			event;
 *	no_time		a vault event without a parsable time;
 *	expired		at or after the indicator's expiration;
 *	suppressed	inside the window of an alert of its key;
 *	alerts		an alert was written.
 *
 * and records == malformed + no_address + not_indexed + not_vault +
 * no_time + expired + suppressed + alerts.  A line ruled out by the scan
 * is not parsed, so its record is no_address or not_indexed whether or
 * not it is a vault event, and a damaged line whose addresses are not
 * indexed is not found malformed (--validate parses every line).  In a
 * full parse, the order is the one kvrec.h decides (not_vault, no_time,
 * no_address), then not_indexed.  lookups (addresses looked up) and
 * matched (vault events whose address is indexed) are totals beside
 * them.
 */
#ifndef MATCH_H
#define MATCH_H

#include <stddef.h>
#include <stdint.h>

#include "dedup.h"
#include "jout.h"
#include "tidx.h"

struct match_counters {
	uint64_t records;	/* The sum of the outcomes below. */
	uint64_t malformed;
	uint64_t no_address;
	uint64_t not_indexed;
	uint64_t not_vault;
	uint64_t no_time;
	uint64_t expired;
	uint64_t suppressed;
	uint64_t alerts;
	uint64_t blank;		/* Empty lines: no record. */
	uint64_t parsed;	/* Lines and documents parsed in full. */
	uint64_t lookups;	/* Addresses looked up in the index. */
	uint64_t matched;	/* Vault events whose address is indexed. */
};

struct match_opts {
	int	 validate;	/* Parse every line in full. */
	int	 key;		/* Write KEY<TAB> before each alert (akey.h). */
	int	 dedup_only;	/* Lines are alerts to deduplicate (dstage.h):
				   no index. */
};

struct match;

/*
 * Return a matcher over index ix (borrowed; see match_set_index) that
 * decides repeats with dd and writes alerts to out (both borrowed).  With
 * opts->dedup_only, ix is NULL and each line is an alert (dstage.h):
 * kept (counted in alerts and written as read, without a key prefix),
 * suppressed, blank or malformed.  Free with match_free.
 */
struct match *match_new(struct tidx *ix, struct dedup *dd, struct jout *out,
	    const struct match_opts *opts);
void	 match_free(struct match *m);

/*
 * Lines whose lookups may wait, prefetched, before they are finished; and
 * how many of them are prefetched together (see match.c).
 */
#define MATCH_LAG	16
#define MATCH_GROUP	4

/*
 * Take one line (len bytes, no line end) of input name, line lineno.  Its
 * lookups may wait until MATCH_LAG more calls or match_flush(); the line
 * (and name) must stay valid until then.
 */
void	 match_line(struct match *m, const char *name, uint64_t lineno,
	    const char *line, size_t len);

/* Finish the lines that wait, in input order. */
void	 match_flush(struct match *m);

/* Use another index from now on (after match_flush()). */
void	 match_set_index(struct match *m, struct tidx *ix);

/*
 * Count one malformed record (a line over the limit, a broken document);
 * the caller reports it.
 */
void	 match_malformed(struct match *m);

/*
 * A JSON document over many lines, fed in pieces; every record is parsed
 * in full.  feed returns 0, or -1 on a syntax error (then match_doc_error
 * gives the reason and its offset); end returns the number of records
 * that were not objects (each counted as malformed), or UINT64_MAX on a
 * syntax error; match_doc_handled gives the offset just past the last
 * record handed over.
 */
void	 match_doc_begin(struct match *m);
int	 match_doc_feed(struct match *m, const char *buf, size_t len);
uint64_t match_doc_end(struct match *m);
uint64_t match_doc_handled(const struct match *m);
const char *match_doc_error(const struct match *m, uint64_t *offset);

const struct match_counters *match_counters(const struct match *m);

/* 0 when records is the sum of the outcomes, as it must be; else -1. */
int	 match_counters_check(const struct match_counters *c);

/*
 * The hook for what ends the run: a failed write to out (err is its
 * errno, what NULL) or an index entry that does not read (err 0, what
 * says why).  It must not return (the program exits).
 */
void	 match_on_fatal(struct match *m,
	    void (*fn)(void *, int, const char *), void *arg);

#endif /* MATCH_H */
