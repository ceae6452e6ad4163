/*
 * dstage.c: the dedup stage of kv-match --dedup-only.  See dstage.h.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "dstage.h"
#include "jrec.h"
#include "ktime.h"
#include "xalloc.h"

#define SCAN_MAXDEPTH	64

enum { F_ID, F_IP, F_TIME, NFIELDS };

static const struct jfield fields[NFIELDS] = {
	[F_ID] = { .path = { "IndicatorId" } },
	[F_IP] = { .path = { "ClientIP" } },
	[F_TIME] = { .path = { "KeyVaultEvents_TimeGenerated" } }
};

static const char *const names[NFIELDS] = {
	"IndicatorId", "ClientIP", "KeyVaultEvents_TimeGenerated"
};

struct dstage {
	struct dedup	*d;
	struct jrec	*jr;
	const char	*why;
	struct dstage_counts c;
};

/* A string value found by the scan. */
struct sval {
	const char	*s;
	size_t		 len;
	int		 found;
};

struct dstage *
dstage_new(struct dedup *d)
{
	struct dstage *s = xcalloc(1, sizeof(*s));

	s->d = d;
	s->jr = jrec_new(fields, NFIELDS);
	return s;
}

void
dstage_free(struct dstage *s)
{
	if (s == NULL)
		return;
	jrec_free(s->jr);
	free(s);
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Return 1 when the n bytes at p hold a backslash or a control byte. */
static int
needs_parse(const char *p, size_t n)
{
	size_t	 i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c < 0x20 || c == '\\' || c == 0x7f)
			return 1;
	}
	return 0;
}

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/*
 * The quick scan of an object without backslashes or control bytes:
 * find the three members at the top level (the last of a repeated one)
 * and check the structure.  Returns 0 when the line is an object with
 * the three as strings, -1 when it cannot tell (the full parse decides).
 */
static int
scan(const char *p, size_t n, struct sval v[NFIELDS])
{
	const char *e = p + n, *q;
	char	 stack[SCAN_MAXDEPTH];
	int	 depth = 0, want_key = 0, f;

	memset(v, 0, NFIELDS * sizeof(*v));
	p = skip_ws(p, e);
	if (p == e || *p != '{')
		return -1;
	for (; p < e; p++) {
		switch (*p) {
		case '"':
			if ((q = memchr(p + 1, '"', (size_t)(e - p - 1))) ==
			    NULL)
				return -1;
			if (!(depth == 1 && want_key)) {
				p = q;
				break;
			}
			want_key = 0;
			for (f = 0; f < NFIELDS; f++)
				if ((size_t)(q - p - 1) == strlen(names[f]) &&
				    memcmp(p + 1, names[f], (size_t)(q - p -
				    1)) == 0)
					break;
			p = skip_ws(q + 1, e);
			if (p == e || *p != ':')
				return -1;
			p = skip_ws(p + 1, e);
			if (p == e)
				return -1;
			if (*p != '"') {
				if (f < NFIELDS)
					return -1;	/* Not a string. */
				p--;
				break;
			}
			if ((q = memchr(p + 1, '"', (size_t)(e - p - 1))) ==
			    NULL)
				return -1;
			if (f < NFIELDS) {
				v[f].s = p + 1;
				v[f].len = (size_t)(q - p - 1);
				v[f].found = 1;
			}
			p = q;
			break;
		case '{':
		case '[':
			if (depth == SCAN_MAXDEPTH)
				return -1;
			stack[depth++] = *p;
			want_key = depth == 1;
			break;
		case '}':
		case ']':
			if (depth == 0 || stack[depth - 1] != (*p == '}' ?
			    '{' : '['))
				return -1;
			if (--depth == 0) {
				if (skip_ws(p + 1, e) != e)
					return -1;
				for (f = 0; f < NFIELDS; f++)
					if (!v[f].found)
						return -1;
				return 0;
			}
			break;
		case ',':
			want_key = depth == 1;
			break;
		default:
			if (depth == 1 && want_key && !is_ws(*p))
				return -1;	/* A key that is no string. */
			break;
		}
	}
	return -1;
}

/* The full parse; 0 with v filled, or -1 with s->why set. */
static int
parse(struct dstage *s, const char *p, size_t n, struct sval v[NFIELDS])
{
	const struct jval *jv;
	int	 f;

	switch (jrec_parse(s->jr, p, n)) {
	case JREC_OK:
		break;
	case JREC_SYNTAX:
		s->why = jrec_error(s->jr);
		return -1;
	default:
		s->why = "not a JSON object";
		return -1;
	}
	for (f = 0; f < NFIELDS; f++) {
		jv = jrec_get(s->jr, (size_t)f);
		if (jv->type != JV_STRING) {
			s->why = f == F_ID ? "no IndicatorId string" :
			    f == F_IP ? "no ClientIP string" :
			    "no KeyVaultEvents_TimeGenerated string";
			return -1;
		}
		v[f].s = jv->s;
		v[f].len = jv->len;
		v[f].found = 1;
	}
	return 0;
}

enum dstage_result
dstage_line(struct dstage *s, const char *line, size_t len,
    const char **alert, size_t *alen)
{
	struct sval v[NFIELDS];
	struct addr a;
	int64_t	 t;
	const char *p = line, *e = line + len, *tab;

	s->why = NULL;
	p = skip_ws(p, e);
	if (p == e)
		return DSTAGE_BLANK;
	s->c.records++;
	if (*p != '{') {
		/* KEY<TAB>ALERT: a key never holds a TAB. */
		if ((tab = memchr(p, '\t', (size_t)(e - p))) == NULL) {
			s->why = "not an alert (no object, no key)";
			s->c.malformed++;
			return DSTAGE_MALFORMED;
		}
		line = tab + 1;
		len = (size_t)(e - line);
	}
	if (!needs_parse(line, len) && scan(line, len, v) == 0)
		s->c.scanned++;
	else if (parse(s, line, len, v) == -1) {
		s->c.malformed++;
		return DSTAGE_MALFORMED;
	}
	if (addr_parse(v[F_IP].s, v[F_IP].len, &a) == -1) {
		s->why = "ClientIP is not an address";
		s->c.malformed++;
		return DSTAGE_MALFORMED;
	}
	if (ktime_parse(v[F_TIME].s, v[F_TIME].len, &t) == -1) {
		s->why = "KeyVaultEvents_TimeGenerated is not a time";
		s->c.malformed++;
		return DSTAGE_MALFORMED;
	}
	if (!dedup_check(s->d, v[F_ID].s, v[F_ID].len, &a, t)) {
		s->c.suppressed++;
		return DSTAGE_SUPPRESSED;
	}
	s->c.kept++;
	*alert = line;
	*alen = len;
	return DSTAGE_KEPT;
}

const char *
dstage_error(const struct dstage *s)
{
	return s->why != NULL ? s->why : "no error";
}

void
dstage_get_counts(const struct dstage *s, struct dstage_counts *c)
{
	*c = s->c;
}
