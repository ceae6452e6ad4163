/*
 * kvrec.h: reading a Key Vault log record in full.
 *
 * kvrec_parse() parses one line with yajl (through jrec) and says whether
 * it is a Key Vault event (SPEC.md 2.2: ResourceType equal to "VAULTS"
 * ignoring case), its event time (TimeGenerated) and caller address
 * (CallerIPAddress), and keeps the members an alert copies (SPEC.md 2.4)
 * under their AzureDiagnostics names.
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
 * Parse len bytes at line.  On KVREC_EVENT, *ev is filled; its pointers
 * are borrowed until the next call.  On KVREC_MALFORMED, kvrec_error()
 * says why.
 */
enum kvrec_status kvrec_parse(struct kvrec *kr, const char *line,
	    size_t len, struct kv_event *ev);
const char *kvrec_error(const struct kvrec *kr);

/* The member names of the alert, indexed by enum kv_member. */
extern const char *const kv_member_names[KV_NMEMBERS];

#endif /* KVREC_H */
