/*
 * scan.h: finding the caller address of a record without parsing it.
 *
 * kv-match looks up every record's caller address, but only about one in
 * a thousand is in the index.  scan_caller() walks the line's top-level
 * object as a tokenizer (strings, nesting, separators; no values are
 * decoded or validated) and finds the top-level member CallerIPAddress.
 * It answers only when the answer is certain for any line that is valid
 * JSON: the line is then either not a match candidate at all or has its
 * address text; everything else is SCAN_UNSURE and goes to the full parse.
 * A line that is not valid JSON can get any answer; the full parse that
 * follows a hit, or --validate, is what rejects it.
 */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>

enum scan_result {
	SCAN_FOUND,	/* *addr, *len: the member's string value, no escapes. */
	SCAN_NONE,	/* No such member, or its value is not a plain string. */
	SCAN_UNSURE	/* Escapes, duplicates or an unusual layout. */
};

enum scan_result scan_caller(const char *line, size_t len,
	    const char **addr, size_t *alen);

#endif /* SCAN_H */
