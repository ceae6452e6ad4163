/*
 * dstage.c: the dedup stage of kv-match --dedup-only.  See dstage.h.
 */
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "dstage.h"
#include "jrec.h"
#include "ktime.h"
#include "scan.h"
#include "xalloc.h"

enum { F_ID, F_IP, F_TIME, NFIELDS };

static const struct jfield fields[NFIELDS] = {
	[F_ID] = { .path = { "IndicatorId" } },
	[F_IP] = { .path = { "ClientIP" } },
	[F_TIME] = { .path = { "KeyVaultEvents_TimeGenerated" } }
};

struct dstage {
	struct dedup	*d;
	struct jrec	*jr;
	const char	*why;
	int		 parse_only;
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

static const char *
skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	return p;
}

/* The field a key at the top names (scan_members). */
static int
field_of(const char *k, size_t n)
{
	switch (n) {
	case 8:
		return memcmp(k, "ClientIP", 8) == 0 ? F_IP : -1;
	case 11:
		return memcmp(k, "IndicatorId", 11) == 0 ? F_ID : -1;
	case 28:
		return memcmp(k, "KeyVaultEvents_TimeGenerated", 28) == 0 ?
		    F_TIME : -1;
	default:
		return -1;
	}
}

/*
 * The quick scan: 0 when the line is an object yajl reads, with the
 * three members at the top as strings without escapes (v filled as the
 * full parse would), else -1 (the full parse decides).
 */
static int
scan(const char *p, size_t n, struct sval v[NFIELDS])
{
	struct scan_hit h[NFIELDS];
	int	 f;

	if (scan_members(p, n, field_of, h, NFIELDS) == -1)
		return -1;
	for (f = 0; f < NFIELDS; f++) {
		if (h[f].p == NULL)
			return -1;
		v[f].s = h[f].p;
		v[f].len = h[f].len;
		v[f].found = 1;
	}
	return 0;
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
	if (!s->parse_only && scan(line, len, v) == 0)
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

void
dstage_parse_only(struct dstage *s, int on)
{
	s->parse_only = on;
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
