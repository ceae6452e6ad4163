/*
 * source.h: the source readers of ti-index, and what ingest gives them.
 *
 * A source reader turns one input format into indicator records for the
 * rule of SPEC.md 2.1 (ingest.c).  There are three kinds:
 *
 * - JSON record readers (struct source_json) read records that ingest
 *   has parsed with one jrec: each names the members it needs, says
 *   whether a record is of its form, and takes it.  The records of a
 *   JSON text go to the first reader in the table that claims them.
 * - Text readers (struct source_text) read an input line by line.  The
 *   first lines of an input are offered to each reader in table order
 *   until one claims the input (a header line, or a first record); that
 *   reader reads the rest of it.
 * - JSON text readers (struct source_doc) read whole JSON texts with a
 *   parser of their own, for formats whose records nest deeper than a
 *   jrec reads (MISP events).  A reader claims a text from its first
 *   bytes: a JSON line of NDJSON, or a JSON document fed in pieces.
 *
 * A reader takes a record in three steps: ingest_begin_record(), then
 * ingest_addr() for each address (steps 1 and 3 of the rule), then
 * ingest_add() with the record's other values (step 4).  Steps 5 and 6
 * happen at the end, in ingest.c.  A new format is one file with its
 * reader, and one row in the table of its kind (ingest.c).
 */
#ifndef SOURCE_H
#define SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "ingest.h"
#include "jrec.h"

#define SOURCE_DEFAULT_TYPE	"ThreatIntelligenceIndicator"
#define SOURCE_EXPIRY_BAD	INT64_MIN	/* Present but unparsable. */

/* The values of an indicator record besides its addresses. */
struct source_rec {
	int64_t	 tg;		/* Version time (ticks): step 4 and 6. */
	int64_t	 exp;		/* Expiry: KTIME_NONE none, or
				   SOURCE_EXPIRY_BAD. */
	int	 has_exp;	/* 0: no expiry column, which means expired
				   (the legacy table's rule). */
	int	 active;
	int32_t	 conf;		/* TIDX_CONF_NULL: null. */
	uint32_t id;		/* IndicatorId strref; the step-4 key. */
	uint32_t meta[5];	/* ThreatType, Description,
				   ActivityGroupNames, Url, Type strrefs. */
	uint32_t source;	/* SourceSystem strref. */
	uint32_t creator;	/* STIX created_by_ref strref, or null. */
};

/* ---- What ingest gives the readers (ingest.c). ---- */

/* The counts, for the reader to add to (struct ingest_stats). */
struct ingest_stats *ingest_counts(struct ingest *in);

/* The run's now (ticks), and now + --ttl (KTIME_NONE: no --ttl). */
int64_t	 ingest_now(const struct ingest *in);
int64_t	 ingest_ttl_expiry(const struct ingest *in);

/*
 * Step 2 for a row with a TimeGenerated tg: 1 when it lies in the
 * lookback, else 0 (counted as too old).
 */
int	 ingest_in_lookback(struct ingest *in, int64_t tg);

/*
 * Intern the len bytes at s (a string reference of the index builder), or
 * a JSON value's text (null for anything but a string, number or bool).
 * TIDX_STRFULL when the index has no room left (ingest_add refuses the
 * record then).
 */
uint32_t ingest_intern(struct ingest *in, const char *s, size_t len);
uint32_t ingest_intern_val(struct ingest *in, const struct jval *v);

/* The reference of the current input's feed name (may be null). */
uint32_t ingest_feed(const struct ingest *in);

/* Name the creator id (a STIX identity) for SourceSystem. */
void	 ingest_name_creator(struct ingest *in, uint32_t id, uint32_t name);

/*
 * Count the record as bad input and say why: msg, then, when val is not
 * NULL, a quoted, printable prefix of the vallen bytes at val.  Returns
 * -1, what a reader returns for the record.
 */
int	 ingest_reject(struct ingest *in, const char *msg, const char *val,
	    size_t vallen);

/* A record begins: counted as a row, no address pending. */
void	 ingest_begin_record(struct ingest *in);

/*
 * Steps 1 and 3 for one address or prefix (len bytes at s) of the
 * record: pending when it parses and is not excluded (else counted as
 * excluded).  Returns 0, or -1 when it is not an address or prefix (the
 * record is rejected).
 */
int	 ingest_addr(struct ingest *in, const char *s, size_t len);

/* ingest_addr() of a string value's text (its hash may be known). */
int	 ingest_addr_val(struct ingest *in, const struct jval *v);

/*
 * ingest_addr() for a record of one address: 1 when it is pending, 0
 * when it was excluded (the record counted as excluded: take it no
 * further), -1 when it is bad (rejected).
 */
int	 ingest_sole_addr(struct ingest *in, const char *s, size_t len);

/* The addresses pending for the record. */
size_t	 ingest_pending(const struct ingest *in);

/*
 * The IndicatorId of a list entry: the feed name, ':' and the canonical
 * form of the last pending address or prefix (RFC 5952 for IPv6, no
 * length for an address), so it does not depend on how the feed wrote
 * it.  Call only when ingest_pending() > 0.
 */
uint32_t ingest_list_id(struct ingest *in);

/*
 * The same with the feed name feed (a string reference; null gives an
 * empty name) instead of the input's, for a record that names its feed
 * (a Zeek meta.source), and the slen bytes at suffix (may be NULL)
 * appended: "FEED:prefix" + suffix.
 */
uint32_t ingest_entry_id(struct ingest *in, uint32_t feed,
	    const char *suffix, size_t slen);

/*
 * Step 4 for the record and its pending addresses: keep the latest
 * version per r->id.  A record with no address left is counted as
 * excluded.  Returns 0, or -1 when the index is full (rejected).
 */
int	 ingest_add(struct ingest *in, const struct source_rec *r);

/* ---- Helpers shared by readers (source.c). ---- */

/*
 * Fill r for an entry of a feed that gives no time, id or state of its
 * own (a block list line): version time now, not aged by the lookback;
 * expiry now + --ttl or none; active; the feed named by the record
 * (feed, a strref), or the input's when feed is null; IndicatorId
 * FEED:prefix of the last pending address with that feed; Type the
 * default; the other members null.  Call when ingest_pending() > 0.
 */
void	 source_feed_entry(struct ingest *in, struct source_rec *r,
	    uint32_t feed);

/* Empty in the rule's sense: missing, null or "". */
int	 source_empty(const struct jval *v);

/*
 * An Active-like value: true, or a string "true" in any case, or 1.
 * Returns 1 for true, 0 for anything else.
 */
int	 source_truthy(const struct jval *v);

/*
 * A confidence: a JSON number or a string holding one, rounded to the
 * nearest integer.  Returns 0 and sets *conf, or -1 (null).
 */
int	 source_confidence(const struct jval *v, int32_t *conf);

/* A time member: 0 and *t, 1 when empty, -1 when it does not parse. */
int	 source_time(const struct jval *v, int64_t *t);

/* Reject the record for a time member name that does not parse. */
int	 source_time_reject(struct ingest *in, const char *name,
	    const struct jval *v);

/* The first line of a JF_LIST value (the first string), interned. */
uint32_t source_first(struct ingest *in, const struct jval *v);

/*
 * ActivityGroupNames from the "ActivityGroup:NAME" lines of a JF_LIST
 * value of labels, comma-separated, interned (null when none).
 */
uint32_t source_labels(struct ingest *in, const struct jval *labels);

/*
 * The addresses of a STIX pattern, pended.  Returns 0 when some were
 * pending, 1 when the record names none it can index (counted), -1 when
 * bad (rejected).
 */
int	 source_pattern(struct ingest *in, const struct jval *p);

/* ---- JSON record readers. ---- */

/* A record's values, as a reader sees them. */
struct source_jv {
	const struct jval *vals;	/* The record's values, as the
					   jrec's fields (or as pos says). */
	const uint8_t	*map;	/* The reader's fields -> the jrec's. */
	/* NULL, or the place in vals of each of the jrec's fields, with
	   SOURCE_ABSENT for those the record does not have. */
	const uint8_t	*pos;
};

#define SOURCE_ABSENT	0xFF

extern const struct jval source_absent;	/* A JV_ABSENT value. */

/* The value of the reader's field f (an index into its own table). */
static inline const struct jval *
source_get(const struct source_jv *v, int f)
{
	uint8_t	 k = v->map[f];

	if (v->pos == NULL)
		return &v->vals[k];
	return v->pos[k] == SOURCE_ABSENT ? &source_absent :
	    &v->vals[v->pos[k]];
}

/*
 * A field flag of JSON record readers: the reader interns the member's
 * value, which is mostly different in each record (an id), so that the
 * ingest loads its place in the string table ahead.  Only a hint: it
 * changes nothing that is read.  (Not for addresses: most are written in
 * their canonical form, and those are not interned.)
 */
#define SOURCE_DISTINCT	JF_USER

struct source_json {
	const char		*name;		/* Its --format value. */
	const struct jfield	*fields;	/* The members it reads. */
	size_t			 nfields;
	/* 1 when the record is of this reader's form. */
	int	(*claim)(const struct source_jv *v);
	/*
	 * Take the record (ingest_begin_record has been called): count it
	 * as known or unknown, then 0, or -1 when it is bad input (with
	 * ingest_reject).
	 */
	int	(*take)(struct ingest *in, const struct source_jv *v);
};

extern const struct source_json source_sentinel;	/* src_sentinel.c */
extern const struct source_json source_stix;		/* src_stix.c */
extern const struct source_json source_spamhaus;	/* src_spamhaus.c */

/* ---- JSON text readers. ---- */

enum source_doc_claim {
	SOURCE_DOC_NO = 0,	/* Not this reader's text. */
	SOURCE_DOC_YES,		/* Its text. */
	SOURCE_DOC_MORE		/* Cannot tell yet: offer more bytes. */
};

#define SOURCE_DOC_CLAIM_MAX	(64 * 1024)	/* Bytes a claim looks at. */

/*
 * A reader of whole JSON texts.  ingest offers the first bytes of a text
 * to claim(); the reader that claims it reads the whole text: begin(),
 * then feed() with the text in pieces (from its first byte, a UTF-8
 * byte-order mark included), then end().  The reader takes its records
 * as the others do (ingest_begin_record ... ingest_add) and calls
 * bad(arg, offset) after each record it rejected, offset being just
 * past the record from the start of the text (ingest_reject has said
 * why).
 */
struct source_doc {
	const char	*name;		/* Its --format value. */
	/*
	 * The len bytes at buf begin a JSON text (complete: they are all
	 * of it).  YES, NO, or MORE (only when !complete and len <
	 * SOURCE_DOC_CLAIM_MAX).  A text that is not JSON is not claimed.
	 */
	enum source_doc_claim (*claim)(const char *buf, size_t len,
	    int complete);
	/* A reader's state for in (freed with destroy). */
	void	*(*create)(struct ingest *in);
	void	 (*destroy)(void *st);
	/* A text begins; bad is called for each record rejected. */
	void	 (*begin)(void *st, void (*bad)(void *, uint64_t), void *arg);
	/* 0, or -1 on a syntax error (the rest of the text is lost). */
	int	 (*feed)(void *st, const char *buf, size_t len);
	/*
	 * The text ends: 0, -1 when it is not complete JSON (a syntax
	 * error), -2 when it holds nothing of the reader's form (it was
	 * counted as a row of unknown form and rejected: ingest_reject
	 * said why).
	 */
	int	 (*end)(void *st);
	/* After a syntax error: its reason and offset. */
	const char *(*error)(void *st, uint64_t *offset);
	/*
	 * The offset just past the last record taken (also after a syntax
	 * error: the records read before it are taken), or 0.
	 */
	uint64_t (*handled)(void *st);
};

extern const struct source_doc source_misp;		/* src_misp.c */

/* ---- Text readers. ---- */

#define SOURCE_MAXCOLS	64	/* Columns a text reader may map. */

/* What a text reader keeps about the input it reads. */
struct source_state {
	char	 sep;			/* Column separator, or 0. */
	int	 ncols;			/* Columns of the header. */
	int16_t	 col[SOURCE_MAXCOLS];	/* Reader's role -> column, -1. */
	int	 flags;			/* The reader's own. */
};

enum source_claim {
	SOURCE_NO = 0,		/* Not this reader's input. */
	SOURCE_HEADER,		/* Its input; the line was its header. */
	SOURCE_RECORD		/* Its input; the line is a record. */
};

struct source_text {
	const char	*name;		/* Its --format value. */
	/*
	 * Offered each line of an input, from its first, until a reader
	 * claims the input; st was zeroed before the first line.
	 * forced: the reader was chosen with --format (claim if at all
	 * possible, or say in why (whylen bytes) why not and return
	 * SOURCE_NO).
	 */
	enum source_claim (*claim)(struct source_state *st, const char *line,
	    size_t len, int forced, char *why, size_t whylen);
	/*
	 * One line of its input (not the header): 0, or -1 when it is bad
	 * (with ingest_reject).  Blank and comment lines are the reader's
	 * to pass over.
	 */
	int	(*line)(struct ingest *in, struct source_state *st,
	    const char *line, size_t len);
};

extern const struct source_text source_csv;	/* src_csv.c */
extern const struct source_text source_zeek;	/* src_zeek.c */
extern const struct source_text source_suricata; /* src_suricata.c */
extern const struct source_text source_list;	/* src_list.c */

/* Strip white space and a trailing comment ('#' or ';') from a line. */
void	 source_list_trim(const char **s, size_t *len);

#endif /* SOURCE_H */
