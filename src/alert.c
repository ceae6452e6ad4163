/*
 * alert.c: the alert object of SPEC.md 2.4.  See alert.h.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "akey.h"
#include "alert.h"
#include "ixreport.h"
#include "ktime.h"
#include "xalloc.h"

/* A log member, keeping its JSON type; objects and arrays become null. */
static void
member(struct jout *j, const char *key, const struct jval *v)
{
	jout_key(j, key);
	switch (v->type) {
	case JV_STRING:
		jout_str(j, v->s, v->len);
		break;
	case JV_NUMBER:
		jout_number(j, v->s, v->len);
		break;
	case JV_BOOL:
		jout_bool(j, v->b);
		break;
	default:
		jout_null(j);
		break;
	}
}

/*
 * httpStatusCode_d as a JSON number: a number, or a string holding exactly
 * a JSON number (exports write every cell as text).  An integral value
 * that fits (200, 200.0, "2e2") is written as an integer; another is
 * written as its text; anything else is null.
 */
static void
status_code(struct jout *j, const struct jval *v)
{
	char	 buf[64];
	double	 d;

	jout_key(j, "httpStatusCode_d");
	if ((v->type != JV_NUMBER && v->type != JV_STRING) ||
	    !jrec_is_number(v->s, v->len)) {
		jout_null(j);
		return;
	}
	if (v->len < sizeof(buf)) {
		memcpy(buf, v->s, v->len);
		buf[v->len] = '\0';
		d = strtod(buf, NULL);
		if (isfinite(d) && d == floor(d) && fabs(d) < 9e15) {
			jout_int(j, (long long)d);
			return;
		}
	}
	jout_number(j, v->s, v->len);
}

void
alert_write(struct jout *j, const struct kv_event *ev,
    const struct tidx_ind *ind)
{
	char	 text[ADDR_STRLEN];
	int	 i;

	jout_map_open(j);
	jout_key(j, "KeyVaultEvents_TimeGenerated");
	jout_time(j, ev->time);
	ixreport_str(j, "Description", ind->description);
	ixreport_str(j, "ActivityGroupNames", ind->activity_groups);
	ixreport_str(j, "IndicatorId", ind->id);
	ixreport_str(j, "ThreatType", ind->threat_type);
	ixreport_str(j, "Url", ind->url);
	jout_key(j, "ExpirationDateTime");
	jout_time(j, ind->expiration);
	ixreport_confidence(j, ind->confidence);
	ixreport_str(j, "TI_ipEntity", tidx_addr_text(ind, &ev->addr, text));
	jout_key(j, "ClientIP");
	jout_str(j, ev->addr_text, ev->addr_len);
	for (i = 0; i < KV_NMEMBERS; i++) {
		if (i == KV_HTTPSTATUSCODE_D)
			status_code(j, ev->m[i]);
		else
			member(j, kvrec_member_names[i], ev->m[i]);
	}
	if (ind->type.p != NULL)
		ixreport_str(j, "Type", ind->type);
	else {
		jout_key(j, "Type");
		jout_str(j, "ThreatIntelligenceIndicator", 27);
	}
	jout_key(j, "timestamp");
	jout_time(j, ev->time);

	jout_key(j, "AlertName");
	jout_str(j, ALERT_NAME, strlen(ALERT_NAME));
	jout_key(j, "RuleId");
	jout_str(j, ALERT_RULE_ID, strlen(ALERT_RULE_ID));
	jout_key(j, "Severity");
	jout_str(j, ALERT_SEVERITY, strlen(ALERT_SEVERITY));
	jout_key(j, "Tactics");
	jout_array_open(j);
	jout_str(j, ALERT_TACTIC, strlen(ALERT_TACTIC));
	jout_array_close(j);
	jout_key(j, "Techniques");
	jout_array_open(j);
	jout_str(j, ALERT_TECHNIQUE, strlen(ALERT_TECHNIQUE));
	jout_array_close(j);
	jout_key(j, "Entities");
	jout_array_open(j);
	jout_map_open(j);
	jout_key(j, "Type");
	jout_str(j, "ip", 2);
	jout_key(j, "Address");
	jout_str(j, ev->addr_text, ev->addr_len);
	jout_map_close(j);
	jout_map_open(j);
	jout_key(j, "Type");
	jout_str(j, "azure-resource", 14);
	member(j, "ResourceId", ev->m[KV_RESOURCEID]);
	jout_map_close(j);
	jout_array_close(j);
	ixreport_str(j, "SourceSystem", ind->source);
	jout_map_close(j);
	jout_end(j);
}

void
alert_write_key(struct jout *j, const struct kv_event *ev,
    const struct tidx_ind *ind)
{
	char	 small[AKEY_SIZE(256)], *buf = small;
	size_t	 n;

	if (AKEY_SIZE(ind->id.len) > sizeof(small))
		buf = xmalloc(AKEY_SIZE(ind->id.len));
	n = akey_format(buf, &ev->addr, ind->id.p ? ind->id.p : "",
	    ind->id.len);
	buf[n++] = '\t';
	jout_raw(j, buf, n);
	if (buf != small)
		free(buf);
}
