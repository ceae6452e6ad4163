/*
 * kvrec.h: reading Key Vault log records in full.
 *
 * A record is parsed with yajl (through jrec), its shape told from its
 * members, and the result says whether it is a Key Vault event, its event
 * time and caller address, and the members an alert copies (SPEC.md 2.4)
 * under their AzureDiagnostics names:
 *
 *   shape              vault event when                  time, address
 *   AzureDiagnostics   ResourceType =~ "VAULTS"           TimeGenerated,
 *                                                         CallerIPAddress
 *   resource log       resourceId names                  time,
 *                      /PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/  callerIpAddress
 *   AZKVAuditLogs      Type == "AZKVAuditLogs", or       TimeGenerated,
 *                      _ResourceId names vaults          CallerIpAddress
 *
 * A record with ResourceType is AzureDiagnostics; else one with resourceId,
 * callerIpAddress or time is a resource log; else one with Type,
 * CallerIpAddress or _ResourceId is AZKVAuditLogs; anything else is not a
 * Key Vault event.  SubscriptionId is a resource log's from its
 * resourceId, and an AZKVAuditLogs row's from its _ResourceId when its
 * _SubscriptionId is missing, null or "".  The member mapping is in
 * kvrec.c and man/kv-match.1.
 *
 * Records may stand one per text, in a top-level array, in the array of
 * a top-level member "records" (Azure Monitor envelope) or "value"
 * (Azure REST list), or as rows of a Log Analytics query API answer
 * ("tables"), whose columns carry the table's own names (see
 * jrec_set_containers).  Dynamic columns written as JSON text in a
 * string (Identity) are read inside (see jrec.h).
 */
#ifndef KVREC_H
#define KVREC_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "jrec.h"

/* The log members an alert copies, in alert order. */
enum kv_member {
	KV_RESOURCEID, KV_SUBSCRIPTIONID, KV_OPERATIONNAME, KV_RESULTTYPE,
	KV_CORRELATIONID, KV_ID_S, KV_CLIENTINFO_S, KV_HTTPSTATUSCODE_D,
	KV_APPID_G, KV_OBJECTID_G, KV_NMEMBERS
};

enum kvrec_status {
	KVREC_EVENT,		/* A vault event with a time and an address. */
	KVREC_BLANK,		/* An empty line. */
	KVREC_MALFORMED,	/* Not JSON, or not an object. */
	KVREC_NOT_VAULT,	/* JSON object, but not a Key Vault event. */
	KVREC_NO_ADDRESS,	/* Vault event without a parsable address. */
	KVREC_NO_TIME		/* Vault event without a parsable time. */
};

struct kv_event {
	int64_t		 time;		/* TimeGenerated. */
	struct addr	 addr;		/* CallerIPAddress, parsed. */
	const char	*addr_text;	/* As written (decoded, valid UTF-8). */
	size_t		 addr_len;
	const struct jval *m[KV_NMEMBERS];	/* Borrowed, see below. */
};

struct kvrec;

struct kvrec *kvrec_new(void);		/* Free with kvrec_free. */
void	 kvrec_free(struct kvrec *kr);

/*
 * Parse len bytes at line as one JSON text holding records: an object, or
 * the records of a container (see above and jrec_parse_records).
 * fn(arg, status, ev) is called for each record in order with its status
 * (KVREC_EVENT, with ev valid during the call, or NOT_VAULT, NO_ADDRESS,
 * NO_TIME); it returns 0 to go on.  Returns KVREC_BLANK, KVREC_MALFORMED
 * (kvrec_error says why; a text that is not JSON is checked whole first,
 * so no record of it is handed over; when it is JSON but some records
 * were bad, the others were handed over and kvrec_bad_records() counts
 * the bad ones), or KVREC_EVENT when the text was read to its end.
 */
enum kvrec_status kvrec_parse_records(struct kvrec *kr, const char *line,
	    size_t len, int (*fn)(void *, enum kvrec_status,
	    const struct kv_event *), void *arg);
const char *kvrec_error(const struct kvrec *kr);

/*
 * The same over a whole JSON document fed in pieces (an array or an
 * envelope spread over many lines).  feed and end return 0, or -1 on a
 * syntax error (kvrec_error says why; kvrec_stream_error_offset where,
 * from the start of the document); the rest of the document is lost.
 */
void	 kvrec_stream_begin(struct kvrec *kr, int (*fn)(void *,
	    enum kvrec_status, const struct kv_event *), void *arg);
int	 kvrec_stream_feed(struct kvrec *kr, const char *buf, size_t len);
int	 kvrec_stream_end(struct kvrec *kr);
uint64_t kvrec_stream_error_offset(const struct kvrec *kr);

/*
 * In a stream parse, the offset from the start of the stream just past
 * the last record handed to the callback (0 before any); still valid
 * after a syntax error.
 */
uint64_t kvrec_stream_handled(const struct kvrec *kr);

/*
 * The records of the last kvrec_parse_records, or of the stream so far,
 * that could not be read (values that are not objects where records
 * stand, rows that do not fit their table's columns): not handed over.
 */
uint64_t kvrec_bad_records(const struct kvrec *kr);

/*
 * Without parsing: 1 when a line holds its records in a container (its
 * object's first member is "records", "value" or "tables" and opens an
 * array; see jrec_container_line), else 0.
 */
int	 kvrec_container_line(const struct kvrec *kr, const char *line,
	    size_t len);

/* The member names of the alert, indexed by enum kv_member. */
extern const char *const kvrec_member_names[KV_NMEMBERS];

#endif /* KVREC_H */
