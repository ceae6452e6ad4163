/*
 * kvrec.c: Key Vault records (AzureDiagnostics rows) read in full.
 * See kvrec.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ktime.h"
#include "kvrec.h"
#include "xalloc.h"

enum {
	F_RESOURCETYPE = KV_NMEMBERS, F_TIMEGENERATED, F_CALLERIPADDRESS,
	NFIELDS
};

const char *const kv_member_names[KV_NMEMBERS] = {
	"ResourceId", "SubscriptionId", "OperationName", "ResultType",
	"CorrelationId", "id_s", "clientInfo_s", "httpStatusCode_d",
	"identity_claim_appid_g",
	"identity_claim_http_schemas_microsoft_com_identity_claims_"
	    "objectidentifier_g"
};

static struct jfield fields[NFIELDS];
static int fields_ready;

struct kvrec {
	struct jrec	*jr;
	char		 err[160];
};

struct kvrec *
kvrec_new(void)
{
	struct kvrec *kr = xcalloc(1, sizeof(*kr));
	int	 i;

	if (!fields_ready) {
		for (i = 0; i < KV_NMEMBERS; i++)
			fields[i].path[0] = kv_member_names[i];
		fields[F_RESOURCETYPE].path[0] = "ResourceType";
		fields[F_TIMEGENERATED].path[0] = "TimeGenerated";
		fields[F_CALLERIPADDRESS].path[0] = "CallerIPAddress";
		fields_ready = 1;
	}
	kr->jr = jrec_new(fields, NFIELDS);
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

enum kvrec_status
kvrec_parse(struct kvrec *kr, const char *line, size_t len,
    struct kv_event *ev)
{
	const struct jval *v;
	int	 i;

	switch (jrec_parse(kr->jr, line, len)) {
	case JREC_EMPTY:
		return KVREC_BLANK;
	case JREC_SYNTAX:
		snprintf(kr->err, sizeof(kr->err), "malformed JSON: %s",
		    jrec_error(kr->jr));
		return KVREC_MALFORMED;
	case JREC_NOTOBJECT:
		snprintf(kr->err, sizeof(kr->err), "not a JSON object");
		return KVREC_MALFORMED;
	case JREC_OK:
		break;
	}
	v = jrec_get(kr->jr, F_RESOURCETYPE);
	if (v->type != JV_STRING || v->len != 6 ||
	    strncasecmp(v->s, "VAULTS", 6) != 0)
		return KVREC_NOT_VAULT;
	v = jrec_get(kr->jr, F_TIMEGENERATED);
	if (v->type != JV_STRING || ktime_parse(v->s, v->len, &ev->time) == -1)
		return KVREC_NO_TIME;
	v = jrec_get(kr->jr, F_CALLERIPADDRESS);
	if (v->type != JV_STRING || addr_parse(v->s, v->len, &ev->addr) == -1)
		return KVREC_NO_ADDRESS;
	ev->addr_text = v->s;
	ev->addr_len = v->len;
	for (i = 0; i < KV_NMEMBERS; i++)
		ev->m[i] = jrec_get(kr->jr, (size_t)i);
	return KVREC_EVENT;
}
