/*
 * ingest.h: turning indicator records into the indicators an index keeps.
 *
 * This module applies SPEC.md section 2.1 to the records of every feed
 * format of SPEC.md 5 (the source readers, source.h): the choice of
 * address, the lookback, the exclusions, the latest record per
 * IndicatorId, Active and expiry, and one indicator per address.  Inputs
 * are fed line by line (ingest_line) or as JSON documents
 * (ingest_doc_*); ingest_finish() makes the choices that need every
 * record and hands the result to an index builder.
 */
#ifndef INGEST_H
#define INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "tidx.h"
#include "tidx_build.h"

struct ingest_opts {
	int64_t	 now;		/* The run's "now" (ticks). */
	int64_t	 lookback;	/* Rows older than now - lookback are old. */
	int64_t	 ttl;		/* Life of plain-list entries; 0: none. */
};

/* What happened to the rows; each row is counted once under rows_*. */
struct ingest_stats {
	uint64_t rows;		/* Rows (JSON objects) read. */
	uint64_t blank;		/* Empty lines, not counted as rows. */
	uint64_t rejected;	/* Reported as bad input (see ingest_line). */
	uint64_t malformed;	/* Of those, not JSON or not an object. */
	uint64_t no_address;	/* Step 1: no address column set. */
	uint64_t no_time;	/* Step 2: TimeGenerated missing or bad. */
	uint64_t too_old;	/* Step 2: older than the lookback. */
	uint64_t bad_address;	/* Step 3: address does not parse. */
	uint64_t excluded;	/* Step 3: no address left after exclusions. */
	uint64_t excluded_addresses;	/* Addresses (or prefixes) excluded. */
	uint64_t reserved;	/* Of those, in reserved space (step 3). */
	uint64_t compound;	/* STIX patterns that are not plain matches. */
	uint64_t not_indicator;	/* Records that are not indicators (STIX
				   objects, feed metadata). */
	uint64_t superseded;	/* Step 4: a later row of the same id won. */
	uint64_t inactive;	/* Step 5: Active is not true. */
	uint64_t expired;	/* Step 5: expiry missing or not after now. */
	uint64_t shadowed;	/* Step 6: address kept for another one. */
	uint64_t indicators;	/* Indicators written to the index. */
	uint64_t addresses;	/* Addresses written to the index. */
	/* Beside the above: the forms of the records. */
	uint64_t known;		/* Indicators of a known form (taken or not). */
	uint64_t unknown;	/* Records of no known form (not STIX objects
				   other than indicators). */
};

struct ingest;

/* Return a new ingestion with the given options (free: ingest_free). */
struct ingest *ingest_new(const struct ingest_opts *opts);
void	 ingest_free(struct ingest *in);

/*
 * Force the format of every input (--format): "auto" (tell it from each
 * input's content), "json" (any JSON form), or a reader's name (see
 * ingest_format_names).  0, or -1 for an unknown name.
 */
int	 ingest_set_format(struct ingest *in, const char *name);

/* 1 when ingest_set_format takes name, else 0. */
int	 ingest_format_valid(const char *name);

/* The names ingest_set_format takes, comma-separated. */
const char *ingest_format_names(void);

/*
 * An input begins: its format is told anew from its first lines (or the
 * forced one reads it).  Also after a broken JSON document, for the
 * lines read again.
 */
void	 ingest_input_begin(struct ingest *in);

/*
 * 1 when the first line of an input (len bytes, possibly cut) starts a
 * JSON document spread over lines (an array, an envelope, a
 * pretty-printed object), to be fed with ingest_doc_*; else 0, and the
 * input is read with ingest_line.
 */
int	 ingest_sniff_document(const struct ingest *in, const char *buf,
	    size_t len);

/*
 * Take one line of the input.  The first lines go to the source readers
 * until one claims the input (NDJSON, a plain list, ...); then each line
 * goes to it.  Returns 0 when the line's records were used, passed over
 * or filtered by the rule, or -1 when it is bad input: then why (whylen
 * bytes) says what was wrong (for the first bad record of the line).  A
 * JSON line is bad when it is not JSON, not an object, or has a time or
 * address that is present but does not parse (a STIX pattern that is
 * not one, an address prefix shorter than /8 or /16).  A row with a bad
 * expiry still takes part in step 4, as the rule's null would, and can
 * never be kept.  A list line is bad when it is not an address or prefix
 * and an optional '#' or ';' comment (which becomes the Description).
 */
int	 ingest_line(struct ingest *in, const char *line, size_t len,
	    char *why, size_t whylen);

/*
 * Parsing ahead, for another thread.  An ingest_pre parses lines as
 * JSON objects into snapshots with a parser of its own, touching nothing
 * of the ingest it was made for; ingest_line_snap() then takes the line
 * exactly as ingest_line() would: from its snapshot when the input is
 * JSON lines and the line one flat object, else by ingest_line() (the
 * line must still be valid).  A snapshot holds one line's values until
 * its next ingest_pre_line().
 */
struct ingest_pre;
struct ingest_snap;
struct ingest_pre *ingest_pre_new(const struct ingest *in);
void	 ingest_pre_free(struct ingest_pre *p);
struct ingest_snap *ingest_snap_new(void);
void	 ingest_snap_free(struct ingest_snap *s);
void	 ingest_pre_line(struct ingest_pre *p, const char *line, size_t len,
	    struct ingest_snap *s);
int	 ingest_line_snap(struct ingest *in, const char *line, size_t len,
	    const struct ingest_snap *s, char *why, size_t whylen);

/*
 * Hints for a caller about to take snapshots: ingest_snap_touch() starts
 * loading the part of s that ingest_snap_prefetch() reads, which starts
 * loading the places in the string table of the strings that taking s
 * will intern (those mostly different in each record).  Call the first
 * some lines ahead of the second, and the second some lines ahead of
 * ingest_line_snap(), so that neither waits for memory.  They change
 * nothing, and are called only on a snapshot that is parsed.
 */
void	 ingest_snap_touch(const struct ingest_snap *s);
void	 ingest_snap_prefetch(const struct ingest *in,
	    const struct ingest_snap *s);

/*
 * Name the feed (SourceSystem) of the records read from now on that do
 * not name their own (a Sentinel row's SourceSystem, a STIX indicator's
 * created_by_ref identity): the len bytes at name, or null for NULL.
 * Plain-list entries get the IndicatorId "NAME:prefix".
 */
void	 ingest_set_source(struct ingest *in, const char *name, size_t len);

/*
 * Take one line of an --exclude list (the plain-list syntax; prefixes of
 * any length): addresses and prefixes that lie inside it are never
 * indexed.  Call before the indicators are read.  0, or -1 with why set.
 */
int	 ingest_exclude_line(struct ingest *in, const char *line,
	    size_t len, char *why, size_t whylen);

/*
 * A whole JSON document fed in pieces (one array or bundle over many
 * lines, or JSON texts one after another).  bad(arg, offset, why) is
 * called for each bad record, with the offset just past it from the start
 * of the document.  ingest_doc_feed() and ingest_doc_end() return 0, or
 * -1 on a syntax error (the rest of the document is lost:
 * ingest_doc_error() gives the reason and its offset), or (end only) -2
 * when top-level values were not objects (ingest_doc_error() says so).
 */
void	 ingest_doc_begin(struct ingest *in,
	    void (*bad)(void *, uint64_t, const char *), void *arg);
int	 ingest_doc_feed(struct ingest *in, const char *buf, size_t len);
int	 ingest_doc_end(struct ingest *in);
const char *ingest_doc_error(struct ingest *in, uint64_t *offset);

/*
 * In a document (also after a syntax error), the offset from its start
 * just past the last record handed to the rule, or 0 before any.
 */
uint64_t ingest_doc_handled(struct ingest *in);

/*
 * Size the tables for about this many bytes of input (a hint that saves
 * growing them; they grow as needed either way).
 */
void	 ingest_reserve(struct ingest *in, uint64_t bytes);

/*
 * Hand over the index builder that holds the strings of the rows taken:
 * the caller owns it from now on (free it with tidx_builder_free, after
 * ingest_finish).  Call it once, after the last row.
 */
struct tidx_builder *ingest_builder(struct ingest *in);

/*
 * Apply steps 5 and 6 to the rows taken and add the indicators kept to
 * b, which must be ingest_builder(in)'s: their strings are there
 * already.  Afterwards the ingest only gives its stats.  Returns TIDX_OK
 * or the builder's error.
 */
enum tidx_status ingest_finish(struct ingest *in, struct tidx_builder *b);

const struct ingest_stats *ingest_stats(const struct ingest *in);

/* Helpers shared with other readers of indicator values. */

/*
 * Write the first max bytes of s (len bytes) into dst (dstlen bytes) in
 * double quotes, with tabs, line ends, quotes, backslashes and other
 * control bytes escaped as in C ("\t", "\x01"), and "..." after the
 * closing quote when s was cut.  Returns the length written (dst is
 * NUL-terminated when dstlen > 0).
 */
size_t	 ingest_quote(char *dst, size_t dstlen, const char *s, size_t len,
	    size_t max);

#endif /* INGEST_H */
