/*
 * jrec.h: reading chosen members out of one JSON object.
 *
 * A jrec parses one JSON text (one line of NDJSON) with yajl's streaming
 * parser, without building a tree, and keeps the scalar values of the
 * members named in its field table.  A field is a path of member names
 * from the top-level object ({"properties", "clientInfo"}); members inside
 * arrays are not read.  When a member occurs twice, the last one counts,
 * as in jq.  Strings are decoded (escapes resolved) and made valid UTF-8:
 * each byte that does not start a valid sequence becomes U+FFFD.  Numbers
 * keep their text as written.
 *
 * Dynamic columns: where a field's path goes on through a member whose
 * value is a string, and that string (decoded) is the JSON text of an
 * object of at most JREC_TEXT_MAX bytes and JREC_TEXT_MAXDEPTH levels,
 * the path is read inside it ({"Identity":"{\"claim\":{...}}"} gives
 * Identity.claim.appid).  The string itself stays the value of a field
 * that names the member alone.  A string that is not such text is just a
 * string.  Only strings where a field's path goes on are looked at.
 */
#ifndef JREC_H
#define JREC_H

#include <stddef.h>
#include <stdint.h>

#define JREC_MAXDEPTH	4	/* Longest path a field may name. */
#define JREC_MAXCONTAINERS 8	/* Container names a reader may have. */
#define JREC_MAXCOLUMNS	4096	/* Columns of one query API table. */
#define JREC_TEXT_MAX	(1 << 20)	/* Longest JSON text in a string. */
#define JREC_TEXT_MAXDEPTH 32	/* Deepest nesting inside such text. */

enum jval_type {
	JV_ABSENT = 0,		/* The member is not there. */
	JV_NULL,
	JV_BOOL,
	JV_NUMBER,		/* s, len: the number's text. */
	JV_STRING,		/* s, len: the decoded UTF-8 text. */
	JV_COMPLEX		/* An object or array. */
};

struct jval {
	enum jval_type	 type;
	const char	*s;	/* Borrowed until the next jrec_parse. */
	size_t		 len;
	int		 b;	/* For JV_BOOL. */
	uint32_t	 hash;	/* Not the jrec's: for its callers' copies. */
};

struct jfield {
	const char	*path[JREC_MAXDEPTH];	/* Unused names NULL. */
	unsigned	 flags;
};

/*
 * A field whose value is an array of strings: its value is JV_STRING, the
 * array's strings joined by newlines (other elements passed over).
 */
#define JF_LIST		0x1
#define JF_USER		0x100	/* This flag and those above: the caller's,
				   which the jrec passes over. */

enum jrec_status {
	JREC_OK = 0,
	JREC_EMPTY,		/* Only white space: not a record. */
	JREC_SYNTAX,		/* Not JSON. */
	JREC_NOTOBJECT		/* JSON, but not an object. */
};

struct jrec;

/*
 * Return a reader for the nfields fields, at most 64 (the table is
 * borrowed and must outlive the reader).  It has no container names.
 * Free with jrec_free.
 */
struct jrec *jrec_new(const struct jfield *fields, size_t nfields);
void	 jrec_free(struct jrec *jr);

/*
 * Name the members of a top-level object (or of an object one level
 * down, see jrec_parse_records) that hold records, for
 * jrec_parse_records and the stream (names: NULL-terminated, at most
 * JREC_MAXCONTAINERS, borrowed for the reader's life; NULL for none).
 * Such a member whose value is an array holds the records as its
 * elements ("records" of an Azure Monitor envelope, "value" of an Azure
 * REST list, "objects" of a STIX bundle).  The name "tables" is the Log
 * Analytics query API's answer,
 *
 *   {"tables":[{"name":..,"columns":[{"name":..,"type":..},..],
 *               "rows":[[cell,..],..]},..]}
 *
 * where each row is a record whose members are its cells, named by its
 * table's columns in order (each table has its own).  A row whose table
 * has no columns before it, or whose cells are fewer or more than the
 * columns, is a bad record (jrec_nonobjects, jrec_bad_reason).
 */
void	 jrec_set_containers(struct jrec *jr, const char *const *names);

/*
 * Without parsing: 1 when the first member of the object the len bytes
 * at line start with (after a byte-order mark and white space) is named
 * by one of jr's container names and its value opens an array; also 1
 * when that name holds an escape (it cannot be told cheaply) and jr has
 * container names; else 0.  A line for which it returns 1 holds its
 * records in a container: read it with jrec_parse_records.
 */
int	 jrec_container_line(const struct jrec *jr, const char *line,
	    size_t len);

/*
 * Parse the len bytes at text as one JSON object.  On JREC_SYNTAX,
 * jrec_error() gives a short reason (borrowed until the next parse).
 * After JREC_OK the values are available with jrec_get until the next
 * parse.
 */
enum jrec_status jrec_parse(struct jrec *jr, const char *text, size_t len);
const char *jrec_error(const struct jrec *jr);

/*
 * Parse the len bytes at text as one JSON text holding records, and call
 * fn(arg, jr) for each record in order (jrec_get gives its values during
 * the call; fn returns 0 to go on, -1 to stop).  The records are: the text
 * itself when it is an object; the objects of a top-level array; and, when
 * a top-level object has a member named as a container (see
 * jrec_set_containers) whose value is an array, the records it holds
 * instead of the object itself.  The same holds one level down: an
 * object in a top-level array or in such a container's array that has
 * a container member holding an array is an envelope, not a record, and
 * its container's elements are the records, each handed over (and
 * jrec_stream_handled moved past it) in turn; deeper, a container
 * member is an ordinary member.  Values at the top or in a top-level
 * array that are not objects, and rows of a query API answer that cannot
 * be read, are bad records: counted (jrec_nonobjects, the first one's
 * reason in jrec_bad_reason), not handed over.  Other values in a
 * container's array are passed over.  Returns JREC_EMPTY, JREC_SYNTAX
 * (records before the error were handed over), JREC_NOTOBJECT (no
 * record, only bad ones), or JREC_OK.
 */
enum jrec_status jrec_parse_records(struct jrec *jr, const char *text,
	    size_t len, int (*fn)(void *, struct jrec *), void *arg);
uint64_t jrec_nonobjects(const struct jrec *jr);
/*
 * The same for a text that is one flat object: its members all strings
 * without escapes or control characters, numbers, true, false or null,
 * and white space only around it (what exports write).  Such a text is
 * read without yajl, with the same result as jrec_parse_records: fn is
 * called once, and JREC_OK returned.  Any other text is left alone
 * (nothing called, no state changed but the values): -1, and the caller
 * reads it with jrec_parse_records.
 */
int	 jrec_parse_flat(struct jrec *jr, const char *text, size_t len,
	    int (*fn)(void *, struct jrec *), void *arg);


/*
 * Why the first bad record of the last jrec_parse_records or stream was
 * bad ("not a JSON object", "row 2 of table 1: 3 cells for 4 columns"),
 * or "" when none was (borrowed until the next parse).
 */
const char *jrec_bad_reason(const struct jrec *jr);

/*
 * Check that the len bytes at text are one JSON text, without reading
 * any member: JREC_OK, JREC_EMPTY or JREC_SYNTAX (jrec_error says why).
 * A caller that must not act on part of a bad text checks it first.
 */
enum jrec_status jrec_check(struct jrec *jr, const char *text, size_t len);

/*
 * The same over a stream of JSON texts fed in pieces (a whole file: one
 * document over many lines, or several texts one after another).  A
 * UTF-8 byte-order mark at the start of the first piece is skipped (and
 * counted in offsets).  After
 * JREC_SYNTAX the stream is over; jrec_error_offset() gives the offset of
 * the error from the start of the stream.
 */
void	 jrec_stream_begin(struct jrec *jr,
	    int (*fn)(void *, struct jrec *), void *arg);
enum jrec_status jrec_stream_feed(struct jrec *jr, const char *buf,
	    size_t len);
enum jrec_status jrec_stream_end(struct jrec *jr);
uint64_t jrec_error_offset(const struct jrec *jr);

/*
 * During a callback of a stream parse, the offset from the start of the
 * stream just past the record being handed over.
 */
uint64_t jrec_stream_position(const struct jrec *jr);

/*
 * In a stream parse (also after JREC_SYNTAX), the offset from the start
 * of the stream just past the last record handed to the callback, or 0
 * before any.  Bad records (jrec_nonobjects) are not handed over and do
 * not move it.
 */
uint64_t jrec_stream_handled(const struct jrec *jr);

/* The value of field i (an index into the table). */
const struct jval *jrec_get(const struct jrec *jr, size_t i);

/*
 * Look at the first bytes of an input (at least its first line, when it
 * has one): 1 when they start a JSON document spread over lines (a '['
 * first, or a '{' whose text does not end on the first line), 0 when they
 * start NDJSON, -1 when they are not JSON.  A UTF-8 BOM and white space
 * before them are passed over.
 */
int	 jrec_is_document(const char *buf, size_t len);

/*
 * Return 1 when the len bytes at s are exactly one JSON number (as a
 * JV_NUMBER value is, or a JV_STRING that holds one), else 0.
 */
int	 jrec_is_number(const char *s, size_t len);

#endif /* JREC_H */
