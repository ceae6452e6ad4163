/*
 * scan.c: the fast path of kv-match.  See scan.h for what it promises.
 *
 * Why the answers are certain for valid JSON: a key is a string token at
 * depth 1, found by tracking string boundaries from the first byte, so a
 * member name inside a string value or a nested object is never taken
 * for a key.  A key spelled with escapes ("Caller\u0049PAddress") would
 * match without being seen, so any escape in a key makes the answer
 * unsure; so does an escape in the address value (the full parse decodes
 * it) and a second CallerIPAddress member (the full parse takes the
 * last).  Escapes inside other values are skipped over exactly.
 */
#include <string.h>

#include "scan.h"

#define KEY	"CallerIPAddress"
#define KEYLEN	(sizeof(KEY) - 1)

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Skip the string whose opening quote is at p[-1]; return a pointer past
 * its closing quote, or NULL when the line ends first.  *esc is set when
 * the string holds an escape.
 */
static const char *
skip_string(const char *p, const char *end, int *esc)
{
	*esc = 0;
	for (;;) {
		while (p < end && *p != '"' && *p != '\\')
			p++;
		if (p >= end)
			return NULL;
		if (*p == '"')
			return p + 1;
		*esc = 1;
		if (end - p < 2)
			return NULL;
		p += 2;		/* The backslash and the escaped byte. */
	}
}

enum scan_result
scan_caller(const char *line, size_t len, const char **addr, size_t *alen)
{
	const char *p = line, *end = line + len, *k, *v = NULL;
	size_t	 vlen = 0;
	int	 depth, esc, found = 0, is_caller;

	while (p < end && is_ws(*p))
		p++;
	while (end > p && is_ws(end[-1]))
		end--;
	if (p >= end || *p != '{' || end[-1] != '}')
		return SCAN_UNSURE;
	p++;
	for (;;) {
		/* At depth 1, before a key (or the closing brace). */
		while (p < end && is_ws(*p))
			p++;
		if (p >= end)
			return SCAN_UNSURE;
		if (*p == '}')
			break;
		if (*p != '"')
			return SCAN_UNSURE;
		k = ++p;
		if ((p = skip_string(p, end, &esc)) == NULL || esc)
			return SCAN_UNSURE;
		is_caller = (size_t)(p - 1 - k) == KEYLEN &&
		    memcmp(k, KEY, KEYLEN) == 0;
		while (p < end && is_ws(*p))
			p++;
		if (p >= end || *p != ':')
			return SCAN_UNSURE;
		p++;
		while (p < end && is_ws(*p))
			p++;
		if (p >= end)
			return SCAN_UNSURE;
		/* The value. */
		if (*p == '"') {
			const char *s = ++p;

			if ((p = skip_string(p, end, &esc)) == NULL)
				return SCAN_UNSURE;
			if (is_caller) {
				if (found || esc)
					return SCAN_UNSURE;
				found = 1;
				v = s;
				vlen = (size_t)(p - 1 - s);
			}
		} else if (*p == '{' || *p == '[') {
			if (is_caller)
				return SCAN_UNSURE;
			depth = 0;
			do {
				if (*p == '"') {
					if ((p = skip_string(p + 1, end, &esc))
					    == NULL)
						return SCAN_UNSURE;
					continue;
				}
				if (*p == '{' || *p == '[')
					depth++;
				else if (*p == '}' || *p == ']')
					depth--;
				p++;
			} while (depth > 0 && p < end);
			if (depth != 0)
				return SCAN_UNSURE;
		} else {
			/* A number, true, false or null: up to a separator. */
			if (is_caller) {
				if (found)
					return SCAN_UNSURE;
				found = 2;	/* Present, not a string. */
			}
			while (p < end && *p != ',' && *p != '}' && !is_ws(*p))
				p++;
		}
		while (p < end && is_ws(*p))
			p++;
		if (p >= end)
			return SCAN_UNSURE;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == '}')
			break;
		return SCAN_UNSURE;
	}
	if (p + 1 != end)
		return SCAN_UNSURE;	/* Something after the object. */
	if (found == 1) {
		*addr = v;
		*alen = vlen;
		return SCAN_FOUND;
	}
	return SCAN_NONE;
}
