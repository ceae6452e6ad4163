/*
 * fuzz_jrec.c: libFuzzer harness for reading members out of a JSON text
 * (jrec.c) and for utf8_sanitize().
 *
 * The input is parsed as one object (jrec_parse), as one text of records
 * (jrec_parse_records) and as a stream fed in pieces (jrec_stream_*),
 * with the container names of kvrec (envelopes, REST lists, the query
 * API's tables); fields whose path goes on also read JSON text in
 * strings.
 * Properties: nothing reads outside the input; in every record handed
 * over every string value is valid UTF-8 and NUL-terminated and every
 * number value is exactly one JSON number (jrec_is_number() agrees with
 * yajl); after JREC_SYNTAX there is a reason, and a stream's error
 * offset lies inside the input, and so does the offset past the last
 * record handed over;
 * utf8_sanitize() writes valid UTF-8 of at most three bytes per byte,
 * and leaves valid UTF-8 as it was.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jrec.h"
#include "utf8.h"

/* Paths of every depth, names that collide, and an empty name. */
static const struct jfield fields[] = {
	{ .path = { "CallerIPAddress" } },
	{ .path = { "a" } },
	{ .path = { "a", "b" } },
	{ .path = { "a", "b", "c" } },
	{ .path = { "a", "b", "c", "d" } },
	{ .path = { "properties", "clientInfo" } },
	{ .path = { "" } },
	{ .path = { "x", "" } },
	{ .path = { "TimeGenerated" } },
	{ .path = { "ResourceType" } },
	{ .path = { "labels" }, .flags = JF_LIST },
	{ .path = { "a", "list" }, .flags = JF_LIST }
};
#define NFIELDS	(sizeof(fields) / sizeof(fields[0]))

static struct jrec *jr;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static const char *const names[] = { "records", "value", "tables",
	    NULL };

	jr = jrec_new(fields, NFIELDS);
	jrec_set_containers(jr, names);
	return 0;
}

static void
check_sanitize(const uint8_t *data, size_t size)
{
	char	*out;
	size_t	 n;

	if ((out = malloc(3 * size + 1)) == NULL)
		abort();
	n = utf8_sanitize(out, (const char *)data, size);
	FUZZ_ASSERT(n <= 3 * size);
	FUZZ_ASSERT(n >= size);
	FUZZ_ASSERT(fuzz_utf8_valid((unsigned char *)out, n));
	if (fuzz_utf8_valid(data, size))
		FUZZ_ASSERT(n == size && memcmp(out, data, size) == 0);
	free(out);
}

/* The values of a record: strings and numbers as jrec.h promises. */
static int
check_values(void *arg, struct jrec *r)
{
	const struct jval *v;
	size_t		 i;

	(void)arg;
	for (i = 0; i < NFIELDS; i++) {
		v = jrec_get(r, i);
		switch (v->type) {
		case JV_STRING:
			FUZZ_ASSERT(v->s != NULL && v->s[v->len] == '\0');
			FUZZ_ASSERT(fuzz_utf8_valid((const unsigned char *)
			    v->s, v->len));
			break;
		case JV_NUMBER:
			FUZZ_ASSERT(v->s != NULL && v->s[v->len] == '\0');
			FUZZ_ASSERT(jrec_is_number(v->s, v->len));
			break;
		case JV_ABSENT:
		case JV_NULL:
		case JV_BOOL:
		case JV_COMPLEX:
			break;
		default:
			FUZZ_ASSERT(!"unknown value type");
		}
	}
	return 0;
}

static int
stop_after_two(void *arg, struct jrec *r)
{
	check_values(NULL, r);
	return ++*(int *)arg < 2 ? 0 : -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*text = (const char *)data;
	enum jrec_status st;
	size_t		 i, chunk;
	int		 n = 0;

	check_sanitize(data, size);

	/* One object. */
	st = jrec_parse(jr, text, size);
	FUZZ_ASSERT(st == JREC_OK || st == JREC_EMPTY || st == JREC_SYNTAX ||
	    st == JREC_NOTOBJECT);
	if (st == JREC_SYNTAX)
		FUZZ_ASSERT(jrec_error(jr)[0] != '\0');
	if (st == JREC_OK)
		check_values(NULL, jr);

	/* The records of one text (arrays, envelopes), stopping early. */
	st = jrec_parse_records(jr, text, size, stop_after_two, &n);
	FUZZ_ASSERT(st == JREC_OK || st == JREC_EMPTY || st == JREC_SYNTAX ||
	    st == JREC_NOTOBJECT);

	/* A stream of texts fed in pieces whose size the input gives. */
	chunk = size > 0 ? 1 + data[0] % 61 : 1;
	jrec_stream_begin(jr, check_values, NULL);
	st = JREC_OK;
	for (i = 0; i < size && st != JREC_SYNTAX; i += chunk)
		st = jrec_stream_feed(jr, text + i,
		    size - i < chunk ? size - i : chunk);
	FUZZ_ASSERT(jrec_stream_handled(jr) <= size);
	if (st == JREC_SYNTAX) {
		FUZZ_ASSERT(jrec_error_offset(jr) <= size);
		return 0;
	}
	/*
	 * An error found at the end (premature EOF) lies at the end of the
	 * stream (regress/fuzz_jrec/stream-end-*: it was once yajl's count
	 * for its own final buffer, 1).
	 */
	if (jrec_stream_end(jr) == JREC_SYNTAX)
		FUZZ_ASSERT(jrec_error_offset(jr) == size);
	return 0;
}
