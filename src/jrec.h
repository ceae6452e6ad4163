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
 */
#ifndef JREC_H
#define JREC_H

#include <stddef.h>
#include <stdint.h>

#define JREC_MAXDEPTH	4	/* Longest path a field may name. */

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

enum jrec_status {
	JREC_OK = 0,
	JREC_EMPTY,		/* Only white space: not a record. */
	JREC_SYNTAX,		/* Not JSON. */
	JREC_NOTOBJECT		/* JSON, but not an object. */
};

struct jrec;

/*
 * Return a reader for the nfields fields, at most 64 (the table is
 * borrowed and must outlive the reader).  Free with jrec_free.
 */
struct jrec *jrec_new(const struct jfield *fields, size_t nfields);
void	 jrec_free(struct jrec *jr);

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
 * a top-level object has a member "records" or "objects" whose value is an
 * array, the objects of that array instead of the object itself (an Azure
 * Monitor envelope, a STIX bundle).  Values at the top or in a top-level
 * array that are not objects are counted (jrec_nonobjects); other values
 * in an envelope's array are passed over.  Returns JREC_EMPTY,
 * JREC_SYNTAX (records before the error were handed over), JREC_NOTOBJECT
 * (no record, only such values), or JREC_OK.
 */
enum jrec_status jrec_parse_records(struct jrec *jr, const char *text,
	    size_t len, int (*fn)(void *, struct jrec *), void *arg);
uint64_t jrec_nonobjects(const struct jrec *jr);

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

/* The value of field i (an index into the table). */
const struct jval *jrec_get(const struct jrec *jr, size_t i);

/*
 * Append the len bytes at s to buf as valid UTF-8, each invalid byte
 * replaced by U+FFFD (EF BF BD).  buf must have room for 3 * len bytes.
 * Returns the number of bytes written.
 */
size_t	 utf8_sanitize(char *buf, const char *s, size_t len);

/*
 * Look at the first bytes of an input (at least its first line, when it
 * has one): 1 when they start a JSON document spread over lines (a '['
 * first, or a '{' whose text does not end on the first line), 0 when they
 * start NDJSON, -1 when they are not JSON.  A UTF-8 BOM and white space
 * before them are passed over.
 */
int	 jrec_is_document(const char *buf, size_t len);

/* Return 1 when the len bytes at s are exactly one JSON number. */
int	 json_is_number(const char *s, size_t len);

#endif /* JREC_H */
