/*
 * ixreport.c: the JSON that ti-index prints about an index.  See
 * ixreport.h.
 */
#include <stdio.h>
#include <string.h>

#include "ixreport.h"
#include "ktime.h"

static void
str_member(struct jout *j, const char *key, struct tidx_str s)
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
ixreport_indicator(struct jout *j, const char *addr,
    const struct tidx_ind *ind)
{
	jout_map_open(j);
	jout_key(j, "address");
	jout_str(j, addr, strlen(addr));
	str_member(j, "IndicatorId", ind->id);
	str_member(j, "TI_ipEntity", ind->addr_text);
	jout_key(j, "TimeGenerated");
	jout_time(j, ind->time_generated);
	jout_key(j, "ExpirationDateTime");
	jout_time(j, ind->expiration);
	jout_key(j, "ConfidenceScore");
	if (ind->confidence == TIDX_CONF_NULL)
		jout_null(j);
	else
		jout_int(j, ind->confidence);
	str_member(j, "ThreatType", ind->threat_type);
	str_member(j, "Description", ind->description);
	str_member(j, "ActivityGroupNames", ind->activity_groups);
	str_member(j, "Url", ind->url);
	str_member(j, "Type", ind->type);
	str_member(j, "SourceSystem", ind->source);
	jout_map_close(j);
	jout_end(j);
}
