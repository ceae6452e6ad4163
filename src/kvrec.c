/*
 * kvrec.c: Key Vault records read in full, in the three shapes they reach
 * users (SPEC.md 5): AzureDiagnostics rows, raw Azure Monitor resource
 * logs (one per line or many in a {"records":[...]} envelope) and
 * AZKVAuditLogs rows, each also in an Azure REST list ({"value":[...]})
 * or as rows of a Log Analytics query API answer.  See kvrec.h.
 *
 * One jrec reads the members of all three shapes; each record's shape is
 * told from the members it has, then its values are mapped to the
 * AzureDiagnostics names an alert uses.  Dynamic columns written as JSON
 * text (Identity) are read by jrec.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ktime.h"
#include "kvrec.h"
#include "xalloc.h"

#define OID	"http://schemas.microsoft.com/identity/claims/objectidentifier"
#define VAULTS	"/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/"

/* Members read, of every shape. */
enum {
	/* AzureDiagnostics. */
	AD_RESOURCETYPE, AD_TIME, AD_CALLER, AD_RESOURCEID, AD_SUBSCRIPTION,
	AD_OPERATION, AD_RESULTTYPE, AD_CORRELATION, AD_ID, AD_CLIENTINFO,
	AD_STATUS, AD_APPID, AD_OID,
	/* Raw resource logs. */
	RL_TIME, RL_CALLER, RL_RESOURCEID, RL_OPERATION, RL_RESULTTYPE,
	RL_CORRELATION, RL_ID, RL_CLIENTINFO, RL_STATUS, RL_APPID, RL_OID,
	/* AZKVAuditLogs. */
	AZ_TYPE, AZ_CALLER, AZ_RESOURCEID, AZ_SUBSCRIPTION, AZ_ID,
	AZ_CLIENTINFO, AZ_STATUS, AZ_APPID, AZ_OID,
	NFIELDS
};

static const struct jfield fields[NFIELDS] = {
	{ .path = { "ResourceType" } }, { .path = { "TimeGenerated" } },
	{ .path = { "CallerIPAddress" } }, { .path = { "ResourceId" } },
	{ .path = { "SubscriptionId" } }, { .path = { "OperationName" } },
	{ .path = { "ResultType" } }, { .path = { "CorrelationId" } }, { .path = { "id_s" } },
	{ .path = { "clientInfo_s" } }, { .path = { "httpStatusCode_d" } },
	{ .path = { "identity_claim_appid_g" } },
	{ .path = { "identity_claim_http_schemas_microsoft_com_identity_claims_"
	    "objectidentifier_g" } },
	{ .path = { "time" } }, { .path = { "callerIpAddress" } }, { .path = { "resourceId" } },
	{ .path = { "operationName" } }, { .path = { "resultType" } },
	{ .path = { "correlationId" } }, { .path = { "properties", "id" } },
	{ .path = { "properties", "clientInfo" } },
	{ .path = { "properties", "httpStatusCode" } },
	{ .path = { "identity", "claim", "appid" } },
	{ .path = { "identity", "claim", OID } },
	{ .path = { "Type" } }, { .path = { "CallerIpAddress" } }, { .path = { "_ResourceId" } },
	{ .path = { "_SubscriptionId" } }, { .path = { "Id" } }, { .path = { "ClientInfo" } },
	{ .path = { "HttpStatusCode" } }, { .path = { "Identity", "claim", "appid" } },
	{ .path = { "Identity", "claim", OID } }
};

/* Per shape: the field of each alert member, then time and caller. */
static const int map_ad[KV_NMEMBERS + 2] = {
	AD_RESOURCEID, AD_SUBSCRIPTION, AD_OPERATION, AD_RESULTTYPE,
	AD_CORRELATION, AD_ID, AD_CLIENTINFO, AD_STATUS, AD_APPID, AD_OID,
	AD_TIME, AD_CALLER
};
static const int map_rl[KV_NMEMBERS + 2] = {
	RL_RESOURCEID, -1, RL_OPERATION, RL_RESULTTYPE, RL_CORRELATION,
	RL_ID, RL_CLIENTINFO, RL_STATUS, RL_APPID, RL_OID, RL_TIME, RL_CALLER
};
static const int map_az[KV_NMEMBERS + 2] = {
	AZ_RESOURCEID, AZ_SUBSCRIPTION, AD_OPERATION, AD_RESULTTYPE,
	AD_CORRELATION, AZ_ID, AZ_CLIENTINFO, AZ_STATUS, AZ_APPID, AZ_OID,
	AD_TIME, AZ_CALLER
};

const char *const kvrec_member_names[KV_NMEMBERS] = {
	"ResourceId", "SubscriptionId", "OperationName", "ResultType",
	"CorrelationId", "id_s", "clientInfo_s", "httpStatusCode_d",
	"identity_claim_appid_g",
	("identity_claim_http_schemas_microsoft_com_identity_claims_"
	    "objectidentifier_g")
};

/* The members whose array holds records (see jrec_set_containers). */
static const char *const containers[] = { "records", "value", "tables",
    NULL };

static const struct jval absent;

struct kvrec {
	struct jrec	*jr;
	struct jval	 sub;		/* A subscription id from a resource id. */
	struct kv_event	 ev;
	int		(*fn)(void *, enum kvrec_status, const struct kv_event *);
	void		*arg;
	char		 err[160];
};

struct kvrec *
kvrec_new(void)
{
	struct kvrec *kr = xcalloc(1, sizeof(*kr));

	kr->jr = jrec_new(fields, NFIELDS);
	jrec_set_containers(kr->jr, containers);
	return kr;
}

void
kvrec_free(struct kvrec *kr)
{
	if (kr == NULL)
		return;
	jrec_free(kr->jr);
	free(kr);
}

const char *
kvrec_error(const struct kvrec *kr)
{
	return kr->err;
}

static const struct jval *
get(const struct kvrec *kr, int f)
{
	return f < 0 ? &absent : jrec_get(kr->jr, (size_t)f);
}

static int
present(const struct kvrec *kr, int f)
{
	return get(kr, f)->type != JV_ABSENT;
}

/* Missing, null or "". */
static int
is_empty(const struct jval *v)
{
	return v->type == JV_ABSENT || v->type == JV_NULL ||
	    (v->type == JV_STRING && v->len == 0);
}

/* 1 when the string value v contains needle, ignoring case. */
static int
contains_ci(const struct jval *v, const char *needle)
{
	size_t	 n = strlen(needle), i;

	if (v->type != JV_STRING || v->len < n)
		return 0;
	for (i = 0; i + n <= v->len; i++)
		if (strncasecmp(v->s + i, needle, n) == 0)
			return 1;
	return 0;
}

/*
 * The subscription id in a resource id "/SUBSCRIPTIONS/<id>/...", as a
 * string value pointing into it, or absent.
 */
static void
subscription_of(const struct jval *rid, struct jval *out)
{
	static const char pre[] = "/SUBSCRIPTIONS/";
	const char *end;

	*out = absent;
	if (rid->type != JV_STRING || rid->len <= sizeof(pre) - 1 ||
	    strncasecmp(rid->s, pre, sizeof(pre) - 1) != 0)
		return;
	out->s = rid->s + sizeof(pre) - 1;
	end = memchr(out->s, '/', rid->len - (sizeof(pre) - 1));
	out->len = end ? (size_t)(end - out->s) :
	    rid->len - (sizeof(pre) - 1);
	out->type = out->len ? JV_STRING : JV_ABSENT;
}

/* Decide the current record of the jrec, filling kr->ev. */
static enum kvrec_status
classify(struct kvrec *kr)
{
	const struct jval *v;
	const int *map;
	int	 i;

	if (present(kr, AD_RESOURCETYPE)) {
		v = get(kr, AD_RESOURCETYPE);
		if (v->type != JV_STRING || v->len != 6 ||
		    strncasecmp(v->s, "VAULTS", 6) != 0)
			return KVREC_NOT_VAULT;
		map = map_ad;
	} else if (present(kr, RL_RESOURCEID) || present(kr, RL_CALLER) ||
	    present(kr, RL_TIME)) {
		if (!contains_ci(get(kr, RL_RESOURCEID), VAULTS))
			return KVREC_NOT_VAULT;
		map = map_rl;
	} else if (present(kr, AZ_CALLER) || present(kr, AZ_RESOURCEID) ||
	    present(kr, AZ_TYPE)) {
		v = get(kr, AZ_TYPE);
		if (!(v->type == JV_STRING && v->len == 13 &&
		    memcmp(v->s, "AZKVAuditLogs", 13) == 0) &&
		    !contains_ci(get(kr, AZ_RESOURCEID), VAULTS))
			return KVREC_NOT_VAULT;
		map = map_az;
	} else
		return KVREC_NOT_VAULT;

	v = get(kr, map[KV_NMEMBERS]);
	if (v->type != JV_STRING ||
	    ktime_parse(v->s, v->len, &kr->ev.time) == -1)
		return KVREC_NO_TIME;
	v = get(kr, map[KV_NMEMBERS + 1]);
	if (v->type != JV_STRING ||
	    addr_parse(v->s, v->len, &kr->ev.addr) == -1)
		return KVREC_NO_ADDRESS;
	kr->ev.addr_text = v->s;
	kr->ev.addr_len = v->len;
	for (i = 0; i < KV_NMEMBERS; i++)
		kr->ev.m[i] = get(kr, map[i]);
	if (map == map_rl) {
		subscription_of(get(kr, RL_RESOURCEID), &kr->sub);
		kr->ev.m[KV_SUBSCRIPTIONID] = &kr->sub;
	} else if (map == map_az && is_empty(get(kr, AZ_SUBSCRIPTION))) {
		subscription_of(get(kr, AZ_RESOURCEID), &kr->sub);
		kr->ev.m[KV_SUBSCRIPTIONID] = &kr->sub;
	}
	return KVREC_EVENT;
}

static void
syntax_error(struct kvrec *kr)
{
	snprintf(kr->err, sizeof(kr->err), "malformed JSON: %s",
	    jrec_error(kr->jr));
}

/*
 * The error for the bad records of the last parse (jrec_nonobjects);
 * none: no record was handed over.
 */
static void
bad_records(struct kvrec *kr, int none)
{
	static const char nonobj[] = "not a JSON object";
	uint64_t n = jrec_nonobjects(kr->jr);
	const char *why = jrec_bad_reason(kr->jr);

	if (strcmp(why, nonobj) == 0 && none)
		snprintf(kr->err, sizeof(kr->err), "%s", nonobj);
	else if (strcmp(why, nonobj) == 0)
		snprintf(kr->err, sizeof(kr->err), "%llu %s %s",
		    (unsigned long long)n, n == 1 ? "record is" :
		    "records are", nonobj);
	else if (n == 1)
		snprintf(kr->err, sizeof(kr->err), "%s", why);
	else
		snprintf(kr->err, sizeof(kr->err), "%llu records are bad, "
		    "the first: %s", (unsigned long long)n, why);
}

uint64_t
kvrec_bad_records(const struct kvrec *kr)
{
	return jrec_nonobjects(kr->jr);
}

static int
each(void *arg, struct jrec *jr)
{
	struct kvrec *kr = arg;
	enum kvrec_status st;

	(void)jr;
	st = classify(kr);
	return kr->fn(kr->arg, st, &kr->ev);
}

enum kvrec_status
kvrec_parse_records(struct kvrec *kr, const char *line, size_t len,
    int (*fn)(void *, enum kvrec_status, const struct kv_event *),
    void *arg)
{
	kr->fn = fn;
	kr->arg = arg;
	/* A line is a unit: no alert from part of a bad one. */
	switch (jrec_check(kr->jr, line, len)) {
	case JREC_EMPTY:
		return KVREC_BLANK;
	case JREC_SYNTAX:
		syntax_error(kr);
		return KVREC_MALFORMED;
	default:
		break;
	}
	switch (jrec_parse_records(kr->jr, line, len, each, kr)) {
	case JREC_EMPTY:
		return KVREC_BLANK;
	case JREC_SYNTAX:
		syntax_error(kr);
		return KVREC_MALFORMED;
	case JREC_NOTOBJECT:
		bad_records(kr, 1);
		return KVREC_MALFORMED;
	case JREC_OK:
		break;
	}
	if (jrec_nonobjects(kr->jr) > 0) {
		bad_records(kr, 0);
		return KVREC_MALFORMED;
	}
	return KVREC_EVENT;
}

void
kvrec_stream_begin(struct kvrec *kr,
    int (*fn)(void *, enum kvrec_status, const struct kv_event *),
    void *arg)
{
	kr->fn = fn;
	kr->arg = arg;
	jrec_stream_begin(kr->jr, each, kr);
}

int
kvrec_stream_feed(struct kvrec *kr, const char *buf, size_t len)
{
	if (jrec_stream_feed(kr->jr, buf, len) == JREC_OK)
		return 0;
	syntax_error(kr);
	return -1;
}

int
kvrec_stream_end(struct kvrec *kr)
{
	if (jrec_stream_end(kr->jr) != JREC_OK) {
		syntax_error(kr);
		return -1;
	}
	return 0;
}

uint64_t
kvrec_stream_error_offset(const struct kvrec *kr)
{
	return jrec_error_offset(kr->jr);
}

uint64_t
kvrec_stream_handled(const struct kvrec *kr)
{
	return jrec_stream_handled(kr->jr);
}

int
kvrec_container_line(const struct kvrec *kr, const char *line, size_t len)
{
	return jrec_container_line(kr->jr, line, len);
}
