/*
 * alert.h: writing one alert, the rule's projection (SPEC.md 2.4).
 *
 * The members, in order: KeyVaultEvents_TimeGenerated, Description,
 * ActivityGroupNames, IndicatorId, ThreatType, Url, ExpirationDateTime,
 * ConfidenceScore, TI_ipEntity, ClientIP, ResourceId, SubscriptionId,
 * OperationName, ResultType, CorrelationId, id_s, clientInfo_s,
 * httpStatusCode_d, identity_claim_appid_g,
 * identity_claim_http_schemas_microsoft_com_identity_claims_objectidentifier_g,
 * Type, timestamp; then AlertName, RuleId, Severity, Tactics, Techniques,
 * Entities and SourceSystem (the indicator's feed).  Indicator members come from the index, the others from
 * the log record; a member missing from its source is null.
 */
#ifndef ALERT_H
#define ALERT_H

#include "jout.h"
#include "kvrec.h"
#include "tidx.h"

#define ALERT_NAME	"TI map IP entity to Azure Key Vault logs"
#define ALERT_RULE_ID	"57c7e832-64eb-411f-8928-4133f01f4a25"
#define ALERT_SEVERITY	"Medium"
#define ALERT_TACTIC	"CommandAndControl"
#define ALERT_TECHNIQUE	"T1071"

/* Generate the alert for event ev and indicator ind into j, with its
 * newline. */
void	 alert_write(struct jout *j, const struct kv_event *ev,
	    const struct tidx_ind *ind);

/*
 * Write the partition key of the alert for ev and ind (akey.h) and a
 * TAB into j, for kv-match --key; the alert itself follows.
 */
void	 alert_write_key(struct jout *j, const struct kv_event *ev,
	    const struct tidx_ind *ind);

#endif /* ALERT_H */
