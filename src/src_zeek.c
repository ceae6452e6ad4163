/*
 * src_zeek.c: Zeek Intel framework files (SPEC.md 5), as Zeek's input
 * framework reads them: tab-separated text whose "#fields" header line
 * names the columns,
 *
 *   #fields	indicator	indicator_type	meta.source	meta.desc	meta.url
 *   203.0.113.5	Intel::ADDR	feodo	C2 server	https://example.org/
 *   198.51.100.0/24	Intel::SUBNET	feodo	scanners	-
 *
 * Only Intel::ADDR (an address) and Intel::SUBNET (a prefix) rows name
 * addresses; rows of the other types (URL, DOMAIN, EMAIL, FILE_HASH, ...)
 * are counted as naming no address, whatever their indicator looks like,
 * as Zeek matches them only against values of their own type.
 * meta.source names the row's feed (SourceSystem, and the FEED of its
 * IndicatorId "FEED:prefix"); meta.desc is the Description, meta.url the
 * Url; "-" (unset), "(empty)" and empty values are null, Zeek's default
 * markers.  Other lines starting with '#' ("#separator \x09", "#path",
 * "#types", ...) are headers or comments; a "#separator" line sets the
 * column separator of the lines after it, a "#fields" line (again) the
 * columns.  The reader claims an input at a "#separator" or "#fields"
 * line.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "source.h"
#include "tidx.h"

enum { R_IND, R_TYPE, R_SOURCE, R_DESC, R_URL, NROLES };

static const char *const roles[NROLES] = {
	"indicator", "indicator_type", "meta.source", "meta.desc", "meta.url"
};

#define F_FIELDS	1	/* A #fields line with indicator and type. */
#define F_NOTINTEL	2	/* A #fields line without them. */
#define F_SEP		4	/* st->sep was set by #separator. */

#define PREFIX_IS(s, len, lit) ((len) >= sizeof(lit) - 1 && \
	memcmp((s), (lit), sizeof(lit) - 1) == 0)

/* The separator of st: the one "#separator" set, else a tab. */
static char
sep_of(const struct source_state *st)
{
	return (st->flags & F_SEP) ? st->sep : '\t';
}

/* The line without a UTF-8 byte-order mark and a trailing CR. */
static size_t
chomp(const char **line, size_t len)
{
	if (len >= 3 && memcmp(*line, "\xef\xbb\xbf", 3) == 0) {
		*line += 3;
		len -= 3;
	}
	while (len > 0 && ((*line)[len - 1] == '\r' ||
	    (*line)[len - 1] == '\n'))
		len--;
	return len;
}

/*
 * A "#separator X" line (len bytes): X is one byte, or "\xHH".  0 and
 * *sep, 1 when the line is not a #separator line, -1 when its value is
 * not a separator.
 */
static int
separator_line(const char *s, size_t len, char *sep)
{
	static const char hex[] = "0123456789abcdef";
	const char *h, *l;
	size_t	 n;

	if (!PREFIX_IS(s, len, "#separator") || len == 10 ||
	    (s[10] != ' ' && s[10] != '\t'))
		return 1;
	s += 11;
	n = len - 11;
	if (n == 1) {
		*sep = *s;
		return 0;
	}
	if (n == 4 && s[0] == '\\' && s[1] == 'x' &&
	    (h = strchr(hex, tolower((unsigned char)s[2]))) != NULL &&
	    (l = strchr(hex, tolower((unsigned char)s[3]))) != NULL &&
	    *h != '\0' && *l != '\0') {
		*sep = (char)((h - hex) << 4 | (l - hex));
		return *sep == '\0' || *sep == '\n' ? -1 : 0;
	}
	return -1;
}

/*
 * A "#fields" line (len bytes, separator sep): map the roles to columns
 * in st.  1 when the line is not a #fields line, else 0 (st->flags say
 * whether it names indicator and indicator_type).
 */
static int
fields_line(struct source_state *st, const char *s, size_t len, char sep)
{
	const char *p, *e = s + len, *f;
	int	 i, r;

	if (!PREFIX_IS(s, len, "#fields") || len == 7 || s[7] != sep)
		return 1;
	for (r = 0; r < NROLES; r++)
		st->col[r] = -1;
	st->flags &= ~(F_FIELDS | F_NOTINTEL);
	for (i = 0, p = s + 8; ; i++) {
		for (f = p; f < e && *f != sep; f++)
			;
		for (r = 0; r < NROLES && i <= INT16_MAX; r++)
			if (st->col[r] == -1 && (size_t)(f - p) ==
			    strlen(roles[r]) && memcmp(p, roles[r],
			    (size_t)(f - p)) == 0)
				st->col[r] = (int16_t)i;
		if (f == e)
			break;
		p = f + 1;
	}
	st->ncols = i + 1;
	st->flags |= st->col[R_IND] >= 0 && st->col[R_TYPE] >= 0 ? F_FIELDS :
	    F_NOTINTEL;
	return 0;
}

static enum source_claim
claim(struct source_state *st, const char *line, size_t len, int forced,
    char *why, size_t whylen)
{
	char	 sep;

	len = chomp(&line, len);
	if (separator_line(line, len, &sep) == 0) {
		st->sep = sep;
		st->flags |= F_SEP;
		return SOURCE_HEADER;
	}
	if (fields_line(st, line, len, sep_of(st)) == 0)
		/* Not an Intel #fields line: read as a line, to say so. */
		return (st->flags & F_FIELDS) ? SOURCE_HEADER : SOURCE_RECORD;
	if (!forced)
		return SOURCE_NO;
	/* Forced: headers and comments are the reader's; a row is not. */
	if (len > 0 && line[0] == '#')
		return SOURCE_RECORD;
	snprintf(why, whylen, "not a Zeek Intel file: no #fields line "
	    "before the first row");
	return SOURCE_NO;
}

/* Zeek's null markers, and an empty value. */
static int
unset(const char *s, size_t len)
{
	return len == 0 || (len == 1 && *s == '-') ||
	    (len == 7 && memcmp(s, "(empty)", 7) == 0);
}

static uint32_t
intern_or_null(struct ingest *in, const char *s, size_t len)
{
	return unset(s, len) ? TIDX_STRNULL : ingest_intern(in, s, len);
}

/* A header or comment line of the input. */
static int
header(struct ingest *in, struct source_state *st, const char *line,
    size_t len)
{
	struct ingest_stats *cnt = ingest_counts(in);
	char	 sep;
	int	 rc;

	if ((rc = separator_line(line, len, &sep)) == 0) {
		st->sep = sep;
		st->flags |= F_SEP;
	} else if (rc == -1) {
		ingest_begin_record(in);
		cnt->unknown++;
		return ingest_reject(in, "#separator is not one byte or "
		    "\\xHH", line, len);
	} else if (fields_line(st, line, len, sep_of(st)) == 0 &&
	    (st->flags & F_NOTINTEL)) {
		ingest_begin_record(in);
		cnt->unknown++;
		return ingest_reject(in, "not a Zeek Intel file: #fields "
		    "names no indicator and indicator_type", line, len);
	}
	cnt->blank++;
	return 0;
}

/*
 * Split a row (len bytes at line) at st's separator: the value of each
 * role's column in v[] and vl[] (NULL when the row has no such column).
 * Returns the number of columns.
 */
static int
split(const struct source_state *st, const char *line, size_t len,
    const char **v, size_t *vl)
{
	const char *p, *f, *e = line + len;
	char	 sep = sep_of(st);
	int	 k, nf;

	for (k = 0; k < NROLES; k++) {
		v[k] = NULL;
		vl[k] = 0;
	}
	for (nf = 0, p = line; ; nf++) {
		for (f = p; f < e && *f != sep; f++)
			;
		for (k = 0; k < NROLES; k++)
			if (st->col[k] == nf) {
				v[k] = p;
				vl[k] = (size_t)(f - p);
			}
		if (f == e)
			break;
		p = f + 1;
	}
	return nf + 1;
}

static int
take(struct ingest *in, struct source_state *st, const char *line,
    size_t len)
{
	struct ingest_stats *cnt = ingest_counts(in);
	const char *v[NROLES], *p;
	size_t	 vl[NROLES];
	struct source_rec r;
	uint32_t feed;
	char	 msg[80];
	int	 i, nf, rc;

	len = chomp(&line, len);
	if (len > 0 && line[0] == '#')
		return header(in, st, line, len);
	for (p = line; p < line + len && isspace((unsigned char)*p); p++)
		;
	if (p == line + len) {
		cnt->blank++;
		return 0;
	}
	ingest_begin_record(in);
	if (st->flags & F_NOTINTEL) {		/* Reported at its #fields. */
		cnt->unknown++;
		return 0;
	}
	if (!(st->flags & F_FIELDS)) {
		cnt->unknown++;
		return ingest_reject(in, "Zeek Intel row before any #fields "
		    "line", line, len);
	}
	if ((nf = split(st, line, len, v, vl)) < st->ncols) {
		cnt->unknown++;
		snprintf(msg, sizeof(msg), "%d columns, #fields names %d", nf,
		    st->ncols);
		return ingest_reject(in, msg, line, len);
	}
	if (unset(v[R_TYPE], vl[R_TYPE]) || !PREFIX_IS(v[R_TYPE], vl[R_TYPE],
	    "Intel::") || vl[R_TYPE] == 7) {
		cnt->unknown++;
		return ingest_reject(in, "indicator_type is not Intel::TYPE",
		    v[R_TYPE], vl[R_TYPE]);
	}
	cnt->known++;
	i = vl[R_TYPE] == 11 && memcmp(v[R_TYPE], "Intel::ADDR", 11) == 0 ?
	    1 : vl[R_TYPE] == 13 && memcmp(v[R_TYPE], "Intel::SUBNET", 13) ==
	    0 ? 2 : 0;
	if (i == 0 || unset(v[R_IND], vl[R_IND])) {
		cnt->no_address++;
		return 0;
	}
	if ((memchr(v[R_IND], '/', vl[R_IND]) != NULL) != (i == 2)) {
		cnt->bad_address++;
		return ingest_reject(in, i == 1 ? "Intel::ADDR indicator is "
		    "a prefix" : "Intel::SUBNET indicator is not a prefix",
		    v[R_IND], vl[R_IND]);
	}
	if ((rc = ingest_sole_addr(in, v[R_IND], vl[R_IND])) != 1)
		return rc;
	feed = v[R_SOURCE] != NULL ? intern_or_null(in, v[R_SOURCE],
	    vl[R_SOURCE]) : TIDX_STRNULL;
	source_feed_entry(in, &r, feed);	/* The row's meta.source. */
	r.meta[1] = v[R_DESC] != NULL ? intern_or_null(in, v[R_DESC],
	    vl[R_DESC]) : TIDX_STRNULL;
	r.meta[3] = v[R_URL] != NULL ? intern_or_null(in, v[R_URL],
	    vl[R_URL]) : TIDX_STRNULL;
	return ingest_add(in, &r);
}

const struct source_text source_zeek = { "zeek", claim, take };
