/*
 * ixreport.c: the JSON that ti-index prints about an index.  See
 * ixreport.h.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "addr.h"
#include "ixreport.h"
#include "ktime.h"

void
ixreport_confidence(struct jout *j, int32_t confidence)
{
	jout_key(j, "ConfidenceScore");
	if (confidence == TIDX_CONF_NULL)
		jout_null(j);
	else
		jout_int(j, confidence);
}

void
ixreport_str(struct jout *j, const char *key, struct tidx_str s)
{
	jout_key(j, key);
	jout_str(j, s.p, s.len);
}

static void
int_member(struct jout *j, const char *key, long long v)
{
	jout_key(j, key);
	jout_int(j, v);
}

void
ixreport_info(struct jout *j, const char *path, const struct tidx_info *in,
    int verified)
{
	char	 v[32];
	size_t	 i;
	const struct { const char *key; uint64_t v; } counts[] = {
		{ "indicators", in->n_records },
		{ "addresses", in->n_entries },
		{ "ipv4", in->n_v4 }, { "ipv6", in->n_v6 },
		{ "ipv4_prefixes", in->n_cidr4 },
		{ "ipv6_prefixes", in->n_cidr6 },
		{ "ipv4_ranges", in->ranges4 }, { "ipv6_ranges", in->ranges6 },
		{ "metadata_tuples", in->n_meta }, { "strings", in->n_strings },
		{ "string_bytes", in->strings_size },
		{ "ipv4_slots", in->slots4 }, { "ipv6_slots", in->slots6 },
		{ "ipv4_max_probe", in->probe4 },
		{ "ipv6_max_probe", in->probe6 },
		{ "filter_bytes", in->filter_words * TIDX_FILTER_WORD },
	};

	jout_map_open(j);
	jout_key(j, "file");
	jout_str(j, path, strlen(path));
	snprintf(v, sizeof(v), "%u.%u", in->major, in->minor);
	jout_key(j, "format_version");
	jout_str(j, v, strlen(v));
	int_member(j, "file_size", (long long)in->file_size);
	jout_key(j, "build_time");
	jout_time(j, in->build_time);
	jout_key(j, "now");
	jout_time(j, in->now);
	int_member(j, "lookback_seconds",
	    (long long)(in->lookback / KTIME_TICKS_PER_SEC));
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
		int_member(j, counts[i].key, (long long)counts[i].v);
	jout_key(j, "verified");
	jout_bool(j, verified);
	jout_map_close(j);
	jout_end(j);
}

void
ixreport_indicator(struct jout *j, const char *text, const struct addr *a,
    const struct tidx_ind *ind)
{
	char	 buf[ADDR_STRLEN];

	jout_map_open(j);
	jout_key(j, "address");
	jout_str(j, text, strlen(text));
	ixreport_str(j, "IndicatorId", ind->id);
	ixreport_str(j, "TI_ipEntity", tidx_addr_text(ind, a, buf));
	jout_key(j, "TimeGenerated");
	jout_time(j, ind->time_generated);
	jout_key(j, "ExpirationDateTime");
	jout_time(j, ind->expiration);
	ixreport_confidence(j, ind->confidence);
	ixreport_str(j, "ThreatType", ind->threat_type);
	ixreport_str(j, "Description", ind->description);
	ixreport_str(j, "ActivityGroupNames", ind->activity_groups);
	ixreport_str(j, "Url", ind->url);
	ixreport_str(j, "Type", ind->type);
	ixreport_str(j, "SourceSystem", ind->source);
	jout_map_close(j);
	jout_end(j);
}

/* ---- The commands ---------------------------------------------------- */

/* Flush and check stdout; exit 2 when anything written was lost. */
static void
finish_stdout(struct jout *j)
{
	if (jout_flush(j) == -1) {
		errno = jout_error(j);
		err(2, "write error");
	}
	jout_free(j);
}

static struct tidx *
open_index(const char *path)
{
	struct tidx	*ix;
	enum tidx_status st;

	if ((st = tidx_open(path, &ix)) != TIDX_OK) {
		if (st == TIDX_ERR_IO)
			err(2, "%s", path);
		errx(2, "%s: %s", path, tidx_strerror(st));
	}
	return ix;
}

/* --info and --verify. */
int
ixreport_info_cmd(const char *path, int info, int verify)
{
	struct tidx	*ix = open_index(path);
	struct tidx_info in;
	enum tidx_status st;
	struct jout	*j;

	if (verify && (st = tidx_verify(ix)) != TIDX_OK) {
		tidx_close(ix);
		errx(2, "%s: %s", path, tidx_strerror(st));
	}
	if (info) {
		tidx_get_info(ix, &in);
		j = jout_new(STDOUT_FILENO);
		ixreport_info(j, path, &in, verify);
		finish_stdout(j);
	}
	tidx_close(ix);
	return 0;
}

int
ixreport_lookup_cmd(const char *path, int argc, char **argv)
{
	struct tidx	*ix = open_index(path);
	struct jout	*j = jout_new(STDOUT_FILENO);
	struct tidx_ind	 ind;
	struct addr	 a;
	enum tidx_status st;
	int64_t		 e;
	int		 i, found = 0, bad = 0;

	for (i = 0; i < argc; i++) {
		if (addr_parse(argv[i], strlen(argv[i]), &a) == -1) {
			warnx("%s: not an IP address", argv[i]);
			bad = 1;
			continue;
		}
		if ((e = tidx_lookup(ix, &a)) < 0)
			continue;
		if ((st = tidx_entry(ix, (uint64_t)e, &ind)) != TIDX_OK)
			errx(2, "%s: %s", path, tidx_strerror(st));
		found++;
		ixreport_indicator(j, argv[i], &a, &ind);
	}
	finish_stdout(j);
	tidx_close(ix);
	if (bad && found == 0)
		return 2;
	return found ? 0 : 1;
}

