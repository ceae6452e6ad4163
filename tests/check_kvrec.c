/*
 * check_kvrec.c: unit tests of the kvrec module (src/kvrec.h), the full
 * parse of Key Vault log records, and of the alert module (src/alert.h),
 * the alert object of SPEC.md 2.4.  "Core" checks kvrec_parse_records()
 * of one object on AzureDiagnostics rows: KVREC_EVENT with its time,
 * parsed address, address text as written and the members an alert copies; the vault
 * filter (ResourceType equal to VAULTS ignoring case, nothing else);
 * KVREC_NO_TIME, KVREC_NO_ADDRESS, KVREC_MALFORMED with a reason and
 * KVREC_BLANK, and the order in which they are decided.  "Shapes" checks
 * the other two shapes of SPEC.md 5: raw resource logs (a vault event when
 * resourceId names /PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/ ignoring case;
 * time, callerIpAddress, properties.*, identity.claim.*, SubscriptionId
 * taken from the resourceId) and AZKVAuditLogs rows (Type AZKVAuditLogs
 * or _ResourceId naming vaults; CallerIpAddress, Identity.claim.*), the
 * order in which a record's shape is told, and that each shape reads only
 * its own member names.  "Records" checks kvrec_parse_records(): one
 * object, {"records":[...]} envelopes (records in order, each with its
 * status and members, empty envelopes, values that are not objects passed
 * over), top-level arrays (an element that is not an object is an error
 * with a reason), records handed over before a syntax error, every prefix
 * of an envelope, and a callback that stops the parse.  "Limits" parses
 * from heap copies of exactly the line's length and checks that pointers
 * of one parse do not leak into the next.  "Alert" builds a small index in
 * a temporary directory (a checked fixture), writes alerts through a jout
 * to a temporary file and compares the exact line: the 22 members of the
 * rule's projection in order, then AlertName, RuleId, Severity, Tactics,
 * Techniques, Entities and SourceSystem; Kusto times with seven digits; ConfidenceScore
 * and httpStatusCode_d as numbers or null; Type from the indicator;
 * missing members null; every member of a resource log record and of an
 * AZKVAuditLogs row under its AzureDiagnostics name; alerts written from
 * the records of an envelope; and valid UTF-8 JSON whatever the input
 * held.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_tree.h>

#include "check.h"
#include "testlib.h"
#include "alert.h"
#include "jout.h"
#include "ktime.h"
#include "kvrec.h"
#include "tidx.h"
#include "tidx_build.h"

/* A vault record's time and type, for lines that must be events. */
#define TG	"\"TimeGenerated\":\"2026-11-20T12:00:05.130679Z\""
#define RT	"\"ResourceType\":\"VAULTS\""
#define VT	RT "," TG
#define TG_TEXT	"2026-11-20T12:00:05.1306790Z"

#define RID	"/SUBSCRIPTIONS/S1/RESOURCEGROUPS/RG/PROVIDERS/" \
		"MICROSOFT.KEYVAULT/VAULTS/KV1"
#define OID	"identity_claim_http_schemas_microsoft_com_identity_claims_" \
		"objectidentifier_g"

/* An ordinary record with every member an alert copies. */
#define FULL_MEMBERS \
	"\"ResourceId\":\"" RID "\",\"SubscriptionId\":\"s1\"," \
	"\"OperationName\":\"SecretGet\",\"ResultType\":\"Success\"," \
	"\"CorrelationId\":\"c-1\",\"id_s\":\"id-1\"," \
	"\"clientInfo_s\":\"curl/8.0\",\"httpStatusCode_d\":200," \
	"\"identity_claim_appid_g\":\"app-1\",\"" OID "\":\"obj-1\""
#define FULL	"{" TG "," RT ",\"CallerIPAddress\":\"203.0.113.7\"," \
		FULL_MEMBERS "}"

static struct kvrec *kr;
static char	*pcopy;		/* The line of the last parse_n(). */

static void
kr_setup(void)
{
	kr = kvrec_new();
}

static void
kr_teardown(void)
{
	kvrec_free(kr);
	kr = NULL;
	free(pcopy);
	pcopy = NULL;
}

/* The one record of a line, as kvrec_parse_records() hands it over. */
struct one {
	int		 n;
	enum kvrec_status st;
	struct kv_event	*ev;
};

static int
take_one(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	struct one *o = arg;

	o->n++;
	o->st = st;
	if (st == KVREC_EVENT)
		*o->ev = *ev;
	return 0;
}

/*
 * Parse the len bytes at s, one object, from a heap copy of exactly that
 * size: the status of its record (or KVREC_BLANK, KVREC_MALFORMED), with
 * *ev filled on KVREC_EVENT.  The copy is kept until the next call, since
 * the event borrows from the parse, not from the line, but a test may
 * look at both.
 */
static enum kvrec_status
parse_n(const char *s, size_t len, struct kv_event *ev)
{
	struct one	 o = { 0, KVREC_BLANK, ev };
	enum kvrec_status st;

	free(pcopy);
	pcopy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(pcopy);
	memcpy(pcopy, s, len);
	st = kvrec_parse_records(kr, pcopy, len, take_one, &o);
	if (st != KVREC_EVENT)
		return st;
	ck_assert_int_eq(o.n, 1);
	return o.st;
}

static enum kvrec_status
parse(const char *s, struct kv_event *ev)
{
	return parse_n(s, strlen(s), ev);
}

static void
assert_status(const char *line, enum kvrec_status want)
{
	struct kv_event ev;
	enum kvrec_status st = parse(line, &ev);

	ck_assert_msg(st == want, "%s: status %d, want %d", line, (int)st,
	    (int)want);
}

static void
assert_statuses(const char *const *lines, size_t n, enum kvrec_status want)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		assert_status(lines[i], want);
}

static int64_t
kt(const char *s)
{
	int64_t	 t;

	ck_assert_msg(ktime_parse(s, strlen(s), &t) == 0, "%s", s);
	return t;
}

static struct addr
ip(const char *s)
{
	struct addr a;

	ck_assert_msg(addr_parse(s, strlen(s), &a) == 0, "%s", s);
	return a;
}

static void
assert_jstr(const struct jval *v, const char *want)
{
	ck_assert_int_eq(v->type, JV_STRING);
	ck_assert_uint_eq(v->len, strlen(want));
	ck_assert(memcmp(v->s, want, v->len) == 0);
}

START_TEST(event_full)
{
	struct kv_event ev;
	struct addr want = ip("203.0.113.7");
	const struct jval *v;

	ck_assert_int_eq(parse(FULL, &ev), KVREC_EVENT);
	ck_assert_int_eq(ev.time, kt("2026-11-20T12:00:05.130679Z"));
	ck_assert_int_eq(addr_cmp(&ev.addr, &want), 0);
	ck_assert_uint_eq(ev.addr_len, 11);
	ck_assert(memcmp(ev.addr_text, "203.0.113.7", 11) == 0);
	assert_jstr(ev.m[KV_RESOURCEID], RID);
	assert_jstr(ev.m[KV_SUBSCRIPTIONID], "s1");
	assert_jstr(ev.m[KV_OPERATIONNAME], "SecretGet");
	assert_jstr(ev.m[KV_RESULTTYPE], "Success");
	assert_jstr(ev.m[KV_CORRELATIONID], "c-1");
	assert_jstr(ev.m[KV_ID_S], "id-1");
	assert_jstr(ev.m[KV_CLIENTINFO_S], "curl/8.0");
	assert_jstr(ev.m[KV_APPID_G], "app-1");
	assert_jstr(ev.m[KV_OBJECTID_G], "obj-1");
	v = ev.m[KV_HTTPSTATUSCODE_D];
	ck_assert_int_eq(v->type, JV_NUMBER);
	ck_assert_uint_eq(v->len, 3);
	ck_assert(memcmp(v->s, "200", 3) == 0);
}
END_TEST

START_TEST(member_names)
{
	static const char *const want[KV_NMEMBERS] = {
		"ResourceId", "SubscriptionId", "OperationName", "ResultType",
		"CorrelationId", "id_s", "clientInfo_s", "httpStatusCode_d",
		"identity_claim_appid_g", OID,
	};
	int	 i;

	for (i = 0; i < KV_NMEMBERS; i++)
		ck_assert_str_eq(kvrec_member_names[i], want[i]);
}
END_TEST

START_TEST(event_address_verbatim)
{
	struct kv_event ev;
	struct addr want = ip("2001:db8::1");

	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":\"2001:DB8::1\"}",
	    &ev), KVREC_EVENT);
	ck_assert_int_eq(addr_cmp(&ev.addr, &want), 0);
	ck_assert_uint_eq(ev.addr_len, 11);
	ck_assert(memcmp(ev.addr_text, "2001:DB8::1", 11) == 0);

	want = ip("192.0.2.1");
	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":"
	    "\"::FFFF:192.0.2.1\"}", &ev), KVREC_EVENT);
	ck_assert_int_eq(addr_cmp(&ev.addr, &want), 0);
	ck_assert_uint_eq(ev.addr_len, 16);
	ck_assert(memcmp(ev.addr_text, "::FFFF:192.0.2.1", 16) == 0);

	/* Escapes are decoded: the text is the value, not its spelling. */
	want = ip("1.2.3.4");
	ck_assert_int_eq(parse("{" VT ",\"Caller\\u0049PAddress\":"
	    "\"1.2.3.\\u0034\"}", &ev), KVREC_EVENT);
	ck_assert_int_eq(addr_cmp(&ev.addr, &want), 0);
	ck_assert_uint_eq(ev.addr_len, 7);
	ck_assert(memcmp(ev.addr_text, "1.2.3.4", 7) == 0);
}
END_TEST

START_TEST(event_member_types)
{
	struct kv_event ev;

	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":\"1.2.3.4\","
	    "\"ResourceId\":null,\"ResultType\":0,\"id_s\":true,"
	    "\"clientInfo_s\":{\"a\":\"b\"},\"CorrelationId\":[1],"
	    "\"httpStatusCode_d\":\"200\"}", &ev), KVREC_EVENT);
	ck_assert_int_eq(ev.m[KV_RESOURCEID]->type, JV_NULL);
	ck_assert_int_eq(ev.m[KV_RESULTTYPE]->type, JV_NUMBER);
	ck_assert_int_eq(ev.m[KV_ID_S]->type, JV_BOOL);
	ck_assert_int_eq(ev.m[KV_ID_S]->b, 1);
	ck_assert_int_eq(ev.m[KV_CLIENTINFO_S]->type, JV_COMPLEX);
	ck_assert_int_eq(ev.m[KV_CORRELATIONID]->type, JV_COMPLEX);
	assert_jstr(ev.m[KV_HTTPSTATUSCODE_D], "200");
	ck_assert_int_eq(ev.m[KV_SUBSCRIPTIONID]->type, JV_ABSENT);
	ck_assert_int_eq(ev.m[KV_OBJECTID_G]->type, JV_ABSENT);
	/* Members of nested objects are not the record's. */
	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":\"1.2.3.4\","
	    "\"properties\":{\"ResourceId\":\"x\",\"id_s\":\"y\"}}", &ev),
	    KVREC_EVENT);
	ck_assert_int_eq(ev.m[KV_RESOURCEID]->type, JV_ABSENT);
	ck_assert_int_eq(ev.m[KV_ID_S]->type, JV_ABSENT);
}
END_TEST

/* A member given twice: the last one counts, as in jq. */
START_TEST(event_duplicates_last)
{
	struct kv_event ev;
	struct addr want = ip("5.6.7.8");

	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":\"1.2.3.4\","
	    "\"CallerIPAddress\":\"5.6.7.8\"}", &ev), KVREC_EVENT);
	ck_assert_int_eq(addr_cmp(&ev.addr, &want), 0);
	ck_assert(memcmp(ev.addr_text, "5.6.7.8", 7) == 0);
	assert_status("{" VT ",\"CallerIPAddress\":\"1.2.3.4\","
	    "\"CallerIPAddress\":null}", KVREC_NO_ADDRESS);
	assert_status("{\"ResourceType\":\"x\"," VT ",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", KVREC_EVENT);
	assert_status("{" VT ",\"ResourceType\":\"x\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", KVREC_NOT_VAULT);
}
END_TEST

START_TEST(vault_filter)
{
	static const char *const vault[] = {
		"{\"ResourceType\":\"VAULTS\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"vaults\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"Vaults\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"vAuLtS\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"VAUL\\u0054S\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
	};
	static const char *const not_vault[] = {
		"{\"ResourceType\":\"VAULT\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"VAULTSX\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"XVAULTS\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"VAULTS \"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"VAULTS\\u0000\"," TG
		    ",\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"ResourceType\":\"VAULT\\u0000\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":\"SERVERS/DATABASES\"," TG
		    ",\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"ResourceType\":\"MICROSOFT.KEYVAULT/VAULTS\"," TG
		    ",\"CallerIPAddress\":\"1.2.3.4\"}",
		"{" TG ",\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"ResourceType\":null," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":1," TG ",\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"ResourceType\":true," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":[\"VAULTS\"]," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"ResourceType\":{\"a\":\"VAULTS\"}," TG
		    ",\"CallerIPAddress\":\"1.2.3.4\"}",
		"{\"resourceType\":\"VAULTS\"," TG ",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{\"properties\":{\"ResourceType\":\"VAULTS\"}," TG
		    ",\"CallerIPAddress\":\"1.2.3.4\"}",
		/* Not a vault: decided before time and address. */
		"{\"ResourceType\":\"VAULT\"}",
		"{}",
	};

	assert_statuses(vault, sizeof(vault) / sizeof(vault[0]), KVREC_EVENT);
	assert_statuses(not_vault, sizeof(not_vault) / sizeof(not_vault[0]),
	    KVREC_NOT_VAULT);
}
END_TEST

START_TEST(no_time)
{
	static const char *const lines[] = {
		"{" RT ",\"CallerIPAddress\":\"1.2.3.4\"}",
		"{" RT ",\"TimeGenerated\":\"\",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{" RT ",\"TimeGenerated\":\"yesterday\",\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{" RT ",\"TimeGenerated\":\"2026-02-30T00:00:00Z\","
		    "\"CallerIPAddress\":\"1.2.3.4\"}",
		"{" RT ",\"TimeGenerated\":\"2026-11-20T25:00:00Z\","
		    "\"CallerIPAddress\":\"1.2.3.4\"}",
		"{" RT ",\"TimeGenerated\":1795176000,\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{" RT ",\"TimeGenerated\":null,\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{" RT ",\"TimeGenerated\":{},\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{" RT ",\"properties\":{\"TimeGenerated\":"
		    "\"2026-11-20T12:00:05Z\"},\"CallerIPAddress\":"
		    "\"1.2.3.4\"}",
		"{" RT ",\"TimeGenerated\":\" 2026-11-20T12:00:05Z\","
		    "\"CallerIPAddress\":\"1.2.3.4\"}",
		/* No time and no address: the time is decided first. */
		"{" RT "}",
		"{" RT ",\"CallerIPAddress\":\"bad\"}",
	};

	assert_statuses(lines, sizeof(lines) / sizeof(lines[0]),
	    KVREC_NO_TIME);
}
END_TEST

START_TEST(event_times)
{
	struct kv_event ev;

	ck_assert_int_eq(parse("{" RT ",\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"1.2.3.4\"}", &ev), KVREC_EVENT);
	ck_assert_int_eq(ev.time, kt("2026-11-20T00:00:00Z"));
	ck_assert_int_eq(parse("{" RT ",\"TimeGenerated\":"
	    "\"2026-11-20T13:00:05.123456789+01:00\",\"CallerIPAddress\":"
	    "\"1.2.3.4\"}", &ev), KVREC_EVENT);
	ck_assert_int_eq(ev.time, kt("2026-11-20T12:00:05.1234567Z"));
}
END_TEST

START_TEST(no_address)
{
	static const char *const lines[] = {
		"{" VT "}",
		"{" VT ",\"CallerIPAddress\":\"\"}",
		"{" VT ",\"CallerIPAddress\":null}",
		"{" VT ",\"CallerIPAddress\":16909060}",
		"{" VT ",\"CallerIPAddress\":[\"1.2.3.4\"]}",
		"{" VT ",\"CallerIPAddress\":{\"a\":\"1.2.3.4\"}}",
		"{" VT ",\"CallerIPAddress\":\"1.2.3.4:443\"}",
		"{" VT ",\"CallerIPAddress\":\" 1.2.3.4\"}",
		"{" VT ",\"CallerIPAddress\":\"010.1.1.1\"}",
		"{" VT ",\"CallerIPAddress\":\"fe80::1%eth0\"}",
		"{" VT ",\"CallerIPAddress\":\"[2001:db8::1]\"}",
		"{" VT ",\"CallerIPAddress\":\"1.2.3.4/32\"}",
		"{" VT ",\"CallerIPAddress\":\"1.2.3.4\\u0000\"}",
		"{" VT ",\"CallerIPAddress\":\"1.2.3.4\xff\"}",
		"{" VT ",\"CallerIPAddress\":\"localhost\"}",
		"{" VT ",\"callerIpAddress\":\"1.2.3.4\"}",
		"{" VT ",\"CallerIpAddress\":\"1.2.3.4\"}",
		"{" VT ",\"p\":{\"CallerIPAddress\":\"1.2.3.4\"}}",
		"{" VT ",\"p\":[{\"CallerIPAddress\":\"1.2.3.4\"}]}",
	};

	assert_statuses(lines, sizeof(lines) / sizeof(lines[0]),
	    KVREC_NO_ADDRESS);
}
END_TEST

START_TEST(malformed)
{
	static const char *const lines[] = {
		"{",
		"}",
		"not json",
		"[1,2]",
		"\"string\"",
		"42",
		"null",
		"true",
		"{\"a\":1}}",
		"{\"a\":1} {\"b\":2}",
		"{" VT ",\"CallerIPAddress\":\"1.2.3.4\"} {}",
		"{'a':1}",
		"{a:1}",
		"{\"a\":1,}",
		"{\"a\":tru}",
		"{\"a\":01}",
		"{\"a\":\"\x01\"}",
		"{\"a\":\"\\q\"}",
		"{\"a\":\"\\u12\"}",
		"{\"a\":1 \"b\":2}",
		"{\"a\":1}/*c*/",
		"\xef\xbb\xbf{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}",
		"{" VT ",\"CallerIPAddress\":\"1.2.3.4\"",
		"{" VT ",\"CallerIPAddress\":\"1.2.3.4}",
	};
	struct kv_event ev;
	size_t	 i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ck_assert_msg(parse(lines[i], &ev) == KVREC_MALFORMED, "%s",
		    lines[i]);
		ck_assert_msg(strlen(kvrec_error(kr)) > 0, "%s: no reason",
		    lines[i]);
	}
	/* An embedded NUL. */
	ck_assert_int_eq(parse_n("{\"a\":1}\0", 8, &ev), KVREC_MALFORMED);
	ck_assert_int_eq(parse_n("{\"a\":\"\0\"}", 9, &ev), KVREC_MALFORMED);
	/* The reason says which kind. */
	ck_assert_int_eq(parse("[1]", &ev), KVREC_MALFORMED);
	ck_assert_ptr_nonnull(strstr(kvrec_error(kr), "not a JSON object"));
	ck_assert_int_eq(parse("{\"a\":", &ev), KVREC_MALFORMED);
	ck_assert_ptr_nonnull(strstr(kvrec_error(kr), "malformed JSON"));
}
END_TEST

START_TEST(blank)
{
	static const char *const lines[] = {
		"", " ", "\t", "\r", "\r\n", "  \t \n ",
	};

	assert_statuses(lines, sizeof(lines) / sizeof(lines[0]), KVREC_BLANK);
	/* Not blank: this is parsed (and rejected). */
	assert_status(" x ", KVREC_MALFORMED);
}
END_TEST

/* White space and CRLF residue around a record are not content. */
START_TEST(framing)
{
	assert_status("  {" VT ",\"CallerIPAddress\":\"1.2.3.4\"}  ",
	    KVREC_EVENT);
	assert_status("{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}\r",
	    KVREC_EVENT);
	assert_status("\t{ " VT " , \"CallerIPAddress\" : \"1.2.3.4\" }\r\n",
	    KVREC_EVENT);
	assert_status("{" VT ",\"CallerIPAddress\":\f\"1.2.3.4\"}",
	    KVREC_EVENT);
}
END_TEST

/*
 * The three shapes (SPEC.md 5).  Raw resource logs: a vault event when
 * resourceId names /PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/, ignoring case;
 * time and callerIpAddress.  AZKVAuditLogs: Type exactly "AZKVAuditLogs"
 * or _ResourceId naming vaults; TimeGenerated and CallerIpAddress.
 */
#define RLT	"\"time\":\"2026-11-20T12:00:05.130679Z\""
#define RLV	RLT ",\"resourceId\":\"" RID "\""
#define AZT	"\"Type\":\"AZKVAuditLogs\"," TG
#define OIDURL	"http://schemas.microsoft.com/identity/claims/objectidentifier"

/* A resource log record with every member an alert copies. */
#define RL_FULL	"{" RLT ",\"resourceId\":\"" RID "\",\"operationName\":" \
		"\"VaultGet\",\"operationVersion\":\"2015-06-01\"," \
		"\"category\":\"AuditEvent\",\"resultType\":\"Success\"," \
		"\"resultSignature\":\"OK\",\"correlationId\":\"c-9\"," \
		"\"callerIpAddress\":\"203.0.113.7\",\"identity\":{\"claim\":" \
		"{\"" OIDURL "\":\"obj-9\",\"appid\":\"app-9\"}}," \
		"\"properties\":{\"clientInfo\":" \
		"\"azure-resource-manager/2.0\"," \
		"\"requestUri\":\"https://x/\",\"id\":" \
		"\"https://kv1.vault.azure.net/\",\"httpStatusCode\":200}}"

/* An AZKVAuditLogs row with every member an alert copies. */
#define AZ_FULL	"{" TG ",\"Type\":\"AZKVAuditLogs\",\"_ResourceId\":\"" RID \
		"\",\"_SubscriptionId\":\"sub-8\",\"OperationName\":" \
		"\"SecretGet\",\"ResultType\":\"Success\",\"CorrelationId\":" \
		"\"c-8\",\"Id\":\"https://kv1.vault.azure.net/secrets/s\"," \
		"\"ClientInfo\":\"curl/8.1\",\"HttpStatusCode\":403," \
		"\"CallerIpAddress\":\"198.51.100.23\",\"Identity\":" \
		"{\"claim\":" \
		"{\"appid\":\"app-8\",\"" OIDURL "\":\"obj-8\"}}}"

START_TEST(rl_vault_filter)
{
	static const char *const vault[] = {
		"{" RLV ",\"callerIpAddress\":\"1.2.3.4\"}",
		"{\"callerIpAddress\":\"1.2.3.4\"," RLV "}",
		"{" RLT ",\"resourceId\":\"/subscriptions/s/resourcegroups/g/"
		    "providers/microsoft.keyvault/vaults/kv\","
		    "\"callerIpAddress\":\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":\"/Subscriptions/s/ResourceGroups/g/"
		    "Providers/Microsoft.KeyVault/Vaults/kv\","
		    "\"callerIpAddress\":\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":\"\\/SUBSCRIPTIONS\\/S\\/PROVIDERS\\/"
		    "MICROSOFT.KEYVAULT\\/VAULTS\\/KV\",\"callerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":\"" RID "/SECRETS/X\","
		    "\"callerIpAddress\":\"1.2.3.4\"}",
		/* Anywhere in the id. */
		"{" RLT ",\"resourceId\":\"x/PROVIDERS/MICROSOFT.KEYVAULT/"
		    "VAULTS/\",\"callerIpAddress\":\"1.2.3.4\"}",
	};
	static const char *const not_vault[] = {
		"{" RLT ",\"resourceId\":\"/SUBSCRIPTIONS/S/PROVIDERS/"
		    "MICROSOFT.KEYVAULT/VAULTS\",\"callerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":\"/SUBSCRIPTIONS/S/PROVIDERS/"
		    "MICROSOFT.KEYVAULT/MANAGEDHSMS/H\",\"callerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":\"/SUBSCRIPTIONS/S/PROVIDERS/"
		    "MICROSOFT.SQL/SERVERS/X\",\"callerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":\"/SUBSCRIPTIONS/S/PROVIDERS/"
		    "MICROSOFT.KEYVAULTS/VAULTS/X\",\"callerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":\"PROVIDERS/MICROSOFT.KEYVAULT/"
		    "VAULTS/X\",\"callerIpAddress\":\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":\"/PROVIDERS/MICROSOFT.KEYVAULT /"
		    "VAULTS/X\",\"callerIpAddress\":\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":\"\",\"callerIpAddress\":\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":null,\"callerIpAddress\":\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":7,\"callerIpAddress\":\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":[\"" RID "\"],\"callerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" RLT ",\"resourceId\":{\"a\":\"" RID "\"},"
		    "\"callerIpAddress\":\"1.2.3.4\"}",
		/* No resourceId: time or callerIpAddress make the shape. */
		"{" RLT ",\"callerIpAddress\":\"1.2.3.4\"}",
		"{\"callerIpAddress\":\"1.2.3.4\"}",
		"{" RLT "}",
		"{" RLT ",\"ResourceId\":\"" RID "\",\"callerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" RLT ",\"resourceID\":\"" RID "\",\"callerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" RLT ",\"properties\":{\"resourceId\":\"" RID "\"},"
		    "\"callerIpAddress\":\"1.2.3.4\"}",
		/* Not a vault: decided before time and address. */
		"{\"resourceId\":\"x\"}",
	};

	assert_statuses(vault, sizeof(vault) / sizeof(vault[0]), KVREC_EVENT);
	assert_statuses(not_vault, sizeof(not_vault) / sizeof(not_vault[0]),
	    KVREC_NOT_VAULT);
	/* Time and address of the shape's own names. */
	assert_status("{\"resourceId\":\"" RID "\",\"callerIpAddress\":"
	    "\"1.2.3.4\"}", KVREC_NO_TIME);
	assert_status("{\"resourceId\":\"" RID "\"," TG ",\"callerIpAddress\":"
	    "\"1.2.3.4\"}", KVREC_NO_TIME);
	assert_status("{" RLV ",\"time\":\"garbage\",\"callerIpAddress\":"
	    "\"1.2.3.4\"}", KVREC_NO_TIME);
	assert_status("{" RLV "}", KVREC_NO_ADDRESS);
	assert_status("{" RLV ",\"callerIpAddress\":\"bad\"}",
	    KVREC_NO_ADDRESS);
	assert_status("{" RLV ",\"CallerIPAddress\":\"1.2.3.4\"}",
	    KVREC_NO_ADDRESS);
	assert_status("{" RLV ",\"CallerIpAddress\":\"1.2.3.4\"}",
	    KVREC_NO_ADDRESS);
	assert_status("{" RLV ",\"properties\":{\"callerIpAddress\":"
	    "\"1.2.3.4\"}}", KVREC_NO_ADDRESS);
}
END_TEST

START_TEST(az_vault_filter)
{
	static const char *const vault[] = {
		"{" AZT ",\"CallerIpAddress\":\"1.2.3.4\"}",
		"{\"CallerIpAddress\":\"1.2.3.4\"," AZT "}",
		"{" TG ",\"_ResourceId\":\"/subscriptions/s/resourcegroups/g/"
		    "providers/microsoft.keyvault/vaults/kv\","
		    "\"CallerIpAddress\":\"1.2.3.4\"}",
		"{" TG ",\"Type\":\"Other\",\"_ResourceId\":\"" RID "\","
		    "\"CallerIpAddress\":\"1.2.3.4\"}",
		"{" AZT ",\"_ResourceId\":\"/SUBSCRIPTIONS/S/PROVIDERS/"
		    "MICROSOFT.SQL/SERVERS/X\",\"CallerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" TG ",\"Type\":\"AZKVAudit\\u004cogs\","
		    "\"CallerIpAddress\":\"1.2.3.4\"}",
	};
	static const char *const not_vault[] = {
		"{" TG ",\"Type\":\"azkvauditlogs\",\"CallerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" TG ",\"Type\":\"AZKVAuditLogs \",\"CallerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" TG ",\"Type\":\"AZKVAuditLog\",\"CallerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" TG ",\"Type\":\"AzureDiagnostics\",\"CallerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" TG ",\"Type\":null,\"CallerIpAddress\":\"1.2.3.4\"}",
		"{" TG ",\"Type\":[\"AZKVAuditLogs\"],\"CallerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" TG ",\"Type\":\"Other\",\"_ResourceId\":\"/SUBSCRIPTIONS/S/"
		    "PROVIDERS/MICROSOFT.SQL/SERVERS/X\",\"CallerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{" TG ",\"_ResourceId\":null,\"CallerIpAddress\":\"1.2.3.4\"}",
		"{" TG ",\"CallerIpAddress\":\"1.2.3.4\"}",
		"{\"CallerIpAddress\":\"1.2.3.4\"}",
		"{\"type\":\"AZKVAuditLogs\"," TG ",\"CallerIpAddress\":"
		    "\"1.2.3.4\"}",
		"{\"Type\":\"x\"}",
	};

	assert_statuses(vault, sizeof(vault) / sizeof(vault[0]), KVREC_EVENT);
	assert_statuses(not_vault, sizeof(not_vault) / sizeof(not_vault[0]),
	    KVREC_NOT_VAULT);
	assert_status("{\"Type\":\"AZKVAuditLogs\",\"CallerIpAddress\":"
	    "\"1.2.3.4\"}", KVREC_NO_TIME);
	assert_status("{\"Type\":\"AZKVAuditLogs\",\"TimeGenerated\":\"x\","
	    "\"CallerIpAddress\":\"1.2.3.4\"}", KVREC_NO_TIME);
	assert_status("{" AZT "}", KVREC_NO_ADDRESS);
	assert_status("{" AZT ",\"CallerIPAddress\":\"1.2.3.4\"}",
	    KVREC_NO_ADDRESS);
	assert_status("{" AZT ",\"CallerIpAddress\":null}", KVREC_NO_ADDRESS);
}
END_TEST

/*
 * A record with ResourceType is AzureDiagnostics, whatever else it has;
 * else one with resourceId, callerIpAddress or time is a resource log;
 * else one with Type, CallerIpAddress or _ResourceId is AZKVAuditLogs.
 * A member counts as there whatever its value.
 */
START_TEST(shape_order)
{
	struct kv_event ev;

	/* AzureDiagnostics before a resource log. */
	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":\"1.2.3.4\","
	    RLV ",\"callerIpAddress\":\"5.6.7.8\"," AZT ","
	    "\"CallerIpAddress\":\"9.9.9.9\"}", &ev), KVREC_EVENT);
	ck_assert(ev.addr_len == 7 && memcmp(ev.addr_text, "1.2.3.4", 7) == 0);
	ck_assert_int_eq(ev.m[KV_RESOURCEID]->type, JV_ABSENT);
	ck_assert_int_eq(ev.m[KV_SUBSCRIPTIONID]->type, JV_ABSENT);
	assert_status("{\"ResourceType\":\"SERVERS\"," RLV ","
	    "\"callerIpAddress\":\"5.6.7.8\"}", KVREC_NOT_VAULT);
	assert_status("{\"ResourceType\":null," RLV ",\"callerIpAddress\":"
	    "\"5.6.7.8\"}", KVREC_NOT_VAULT);
	assert_status("{\"ResourceType\":\"VAULTS\"," RLV ","
	    "\"callerIpAddress\":\"5.6.7.8\"}", KVREC_NO_TIME);
	assert_status("{" VT "," RLV ",\"callerIpAddress\":\"5.6.7.8\"}",
	    KVREC_NO_ADDRESS);
	/* A resource log before AZKVAuditLogs. */
	ck_assert_int_eq(parse("{" AZT ",\"CallerIpAddress\":\"9.9.9.9\","
	    RLV ",\"callerIpAddress\":\"5.6.7.8\"}", &ev), KVREC_EVENT);
	ck_assert(ev.addr_len == 7 && memcmp(ev.addr_text, "5.6.7.8", 7) == 0);
	assert_status("{" AZT ",\"CallerIpAddress\":\"9.9.9.9\","
	    "\"callerIpAddress\":\"5.6.7.8\"}", KVREC_NOT_VAULT);
	assert_status("{" AZT ",\"CallerIpAddress\":\"9.9.9.9\","
	    "\"time\":null}", KVREC_NOT_VAULT);
	assert_status("{" AZT ",\"CallerIpAddress\":\"9.9.9.9\","
	    "\"resourceId\":null}", KVREC_NOT_VAULT);
	/* AzureDiagnostics names without ResourceType: no shape. */
	assert_status("{" TG ",\"ResourceId\":\"" RID "\",\"CallerIPAddress\":"
	    "\"1.2.3.4\",\"SubscriptionId\":\"s\"}", KVREC_NOT_VAULT);
	/* Shape members inside a member are not the record's. */
	assert_status("{\"p\":{" AZT ",\"CallerIpAddress\":\"1.2.3.4\"}}",
	    KVREC_NOT_VAULT);
}
END_TEST

/*
 * An empty key ("") one level below a field is not the end of the
 * field's path (jrec once took it for that, through memcmp(NULL, "", 0),
 * and read the value of "" inside a member's object as the member's own
 * value):
 * {"CallerIPAddress":{"":"1.2.3.4"}} is an event with address 1.2.3.4
 * (as {"CallerIPAddress":{"a":"1.2.3.4"}} is not), {"TimeGenerated":
 * {"":"..."}} a time, {"ResourceType":{"":"VAULTS"}} a vault, and
 * {"operationName":{"":"x"}} gives OperationName "x" instead of an
 * object (null in the alert).  The fast path does not list such an
 * address, so kv-match's alerts depend on whether it ran.
 */
START_TEST(empty_key_below_field)
{
	static const struct {
		const char		*line;
		enum kvrec_status	 want;
	} t[] = {
		{ "{" VT ",\"CallerIPAddress\":{\"\":\"1.2.3.4\"}}",
		    KVREC_NO_ADDRESS },
		{ "{" RLV ",\"callerIpAddress\":{\"\":\"1.2.3.4\"}}",
		    KVREC_NO_ADDRESS },
		{ "{" AZT ",\"CallerIpAddress\":{\"\":\"1.2.3.4\"}}",
		    KVREC_NO_ADDRESS },
		{ "{" RT ",\"TimeGenerated\":{\"\":\"2026-11-20T12:00:05Z\"},"
		    "\"CallerIPAddress\":\"1.2.3.4\"}", KVREC_NO_TIME },
		{ "{\"ResourceType\":{\"\":\"VAULTS\"}," TG ","
		    "\"CallerIPAddress\":\"1.2.3.4\"}", KVREC_NOT_VAULT },
	};
	struct kv_event ev;
	enum kvrec_status st;
	size_t	 i;

	/* The same with a non-empty key, for comparison. */
	assert_status("{" VT ",\"CallerIPAddress\":{\"a\":\"1.2.3.4\"}}",
	    KVREC_NO_ADDRESS);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		st = parse(t[i].line, &ev);
		ck_assert_msg(st == t[i].want, "jrec reads "
		    "{\"\":...} below a field as its value: %s: status %d, "
		    "want %d", t[i].line, (int)st, (int)t[i].want);
	}
	ck_assert_int_eq(parse("{" RLV ",\"callerIpAddress\":\"1.2.3.4\","
	    "\"operationName\":{\"\":\"x\"}}", &ev), KVREC_EVENT);
	ck_assert_msg(ev.m[KV_OPERATIONNAME]->type == JV_COMPLEX, ""
	    "jrec.c key_at(): OperationName of {\"\":\"x\"} has type %d, "
	    "want JV_COMPLEX", (int)ev.m[KV_OPERATIONNAME]->type);
}
END_TEST

/* The value of a member as it was in the event, for the checks below. */
static void
assert_member(const struct kv_event *ev, enum kv_member m, const char *want)
{
	const struct jval *v = ev->m[m];

	ck_assert_msg(v->type == JV_STRING || v->type == JV_NUMBER,
	    "%s: type %d", kvrec_member_names[m], (int)v->type);
	ck_assert_msg(v->len == strlen(want) && memcmp(v->s, want, v->len) ==
	    0, "%s is \"%.*s\", want \"%s\"", kvrec_member_names[m], (int)v->len,
	    v->s, want);
}

static void
assert_absent(const struct kv_event *ev, enum kv_member m)
{
	ck_assert_msg(ev->m[m]->type == JV_ABSENT, "%s: type %d, want absent",
	    kvrec_member_names[m], (int)ev->m[m]->type);
}

START_TEST(rl_members)
{
	struct kv_event ev;
	struct addr want = ip("203.0.113.7");

	ck_assert_int_eq(parse(RL_FULL, &ev), KVREC_EVENT);
	ck_assert_int_eq(ev.time, kt("2026-11-20T12:00:05.130679Z"));
	ck_assert_int_eq(addr_cmp(&ev.addr, &want), 0);
	ck_assert(ev.addr_len == 11 && memcmp(ev.addr_text, "203.0.113.7",
	    11) == 0);
	assert_member(&ev, KV_RESOURCEID, RID);
	assert_member(&ev, KV_SUBSCRIPTIONID, "S1");
	assert_member(&ev, KV_OPERATIONNAME, "VaultGet");
	assert_member(&ev, KV_RESULTTYPE, "Success");
	assert_member(&ev, KV_CORRELATIONID, "c-9");
	assert_member(&ev, KV_ID_S, "https://kv1.vault.azure.net/");
	assert_member(&ev, KV_CLIENTINFO_S, "azure-resource-manager/2.0");
	assert_member(&ev, KV_HTTPSTATUSCODE_D, "200");
	ck_assert_int_eq(ev.m[KV_HTTPSTATUSCODE_D]->type, JV_NUMBER);
	assert_member(&ev, KV_APPID_G, "app-9");
	assert_member(&ev, KV_OBJECTID_G, "obj-9");
}
END_TEST

/*
 * Only the shape's own names count: AzureDiagnostics or AZKVAuditLogs
 * names in a resource log are not read, and members it lacks are absent.
 */
START_TEST(rl_members_own_names)
{
	struct kv_event ev;
	int	 i;

	ck_assert_int_eq(parse("{" RLV ",\"callerIpAddress\":\"1.2.3.4\","
	    "\"ResourceId\":\"w\",\"SubscriptionId\":\"w\","
	    "\"OperationName\":\"w\",\"ResultType\":\"w\",\"CorrelationId\":"
	    "\"w\",\"id_s\":\"w\",\"clientInfo_s\":\"w\",\"httpStatusCode_d\":"
	    "500,\"identity_claim_appid_g\":\"w\",\"" OID "\":\"w\","
	    "\"_SubscriptionId\":\"w\",\"Id\":\"w\",\"ClientInfo\":\"w\","
	    "\"HttpStatusCode\":500,\"Identity\":{\"claim\":{\"appid\":\"w\"}},"
	    "\"clientInfo\":\"w\",\"id\":\"w\",\"httpStatusCode\":500,"
	    "\"appid\":\"w\",\"claim\":{\"appid\":\"w\"},\"properties\":"
	    "{\"properties\":{\"id\":\"w\"}},\"identity\":{\"appid\":\"w\"}}",
	    &ev), KVREC_EVENT);
	assert_member(&ev, KV_RESOURCEID, RID);
	assert_member(&ev, KV_SUBSCRIPTIONID, "S1");
	for (i = KV_OPERATIONNAME; i < KV_NMEMBERS; i++)
		assert_absent(&ev, (enum kv_member)i);
}
END_TEST

/* SubscriptionId: the <id> of a resourceId "/SUBSCRIPTIONS/<id>/...". */
START_TEST(rl_subscription)
{
	static const struct {
		const char	*rid;
		const char	*want;	/* NULL: absent. */
	} t[] = {
		{ RID, "S1" },
		{ "/subscriptions/aaaa0a0a-bb1b/resourcegroups/g/providers/"
		    "microsoft.keyvault/vaults/kv", "aaaa0a0a-bb1b" },
		{ "/Subscriptions/Mixed-Case/PROVIDERS/MICROSOFT.KEYVAULT/"
		    "VAULTS/KV", "Mixed-Case" },
		{ "\\/SUBSCRIPTIONS\\/esc\\/PROVIDERS\\/MICROSOFT.KEYVAULT\\/"
		    "VAULTS\\/KV", "esc" },
		{ "/SUBSCRIPTIONS//PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV",
		    NULL },
		{ "x/SUBSCRIPTIONS/S2/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV",
		    NULL },
		{ " /SUBSCRIPTIONS/S2/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV",
		    NULL },
		{ "/SUBSCRIPTION/S2/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV",
		    NULL },
		{ "/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/KV", NULL },
	};
	char	 line[512];
	struct kv_event ev;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(line, sizeof(line), "{" RLT ",\"resourceId\":\"%s\","
		    "\"callerIpAddress\":\"1.2.3.4\",\"SubscriptionId\":\"w\","
		    "\"subscriptionId\":\"w\"}", t[i].rid);
		ck_assert_msg(parse(line, &ev) == KVREC_EVENT, "%s", line);
		if (t[i].want == NULL)
			ck_assert_msg(ev.m[KV_SUBSCRIPTIONID]->type ==
			    JV_ABSENT, "%s", line);
		else
			assert_member(&ev, KV_SUBSCRIPTIONID, t[i].want);
	}
}
END_TEST

START_TEST(az_members)
{
	struct kv_event ev;
	struct addr want = ip("198.51.100.23");
	int	 i;

	ck_assert_int_eq(parse(AZ_FULL, &ev), KVREC_EVENT);
	ck_assert_int_eq(ev.time, kt("2026-11-20T12:00:05.130679Z"));
	ck_assert_int_eq(addr_cmp(&ev.addr, &want), 0);
	ck_assert(ev.addr_len == 13 && memcmp(ev.addr_text, "198.51.100.23",
	    13) == 0);
	assert_member(&ev, KV_RESOURCEID, RID);
	assert_member(&ev, KV_SUBSCRIPTIONID, "sub-8");
	assert_member(&ev, KV_OPERATIONNAME, "SecretGet");
	assert_member(&ev, KV_RESULTTYPE, "Success");
	assert_member(&ev, KV_CORRELATIONID, "c-8");
	assert_member(&ev, KV_ID_S, "https://kv1.vault.azure.net/secrets/s");
	assert_member(&ev, KV_CLIENTINFO_S, "curl/8.1");
	assert_member(&ev, KV_HTTPSTATUSCODE_D, "403");
	ck_assert_int_eq(ev.m[KV_HTTPSTATUSCODE_D]->type, JV_NUMBER);
	assert_member(&ev, KV_APPID_G, "app-8");
	assert_member(&ev, KV_OBJECTID_G, "obj-8");

	/* Other shapes' names are not read. */
	ck_assert_int_eq(parse("{" AZT ",\"CallerIpAddress\":\"1.2.3.4\","
	    "\"ResourceId\":\"w\",\"SubscriptionId\":\"w\",\"id_s\":\"w\","
	    "\"clientInfo_s\":\"w\",\"httpStatusCode_d\":500,"
	    "\"identity_claim_appid_g\":\"w\",\"" OID "\":\"w\","
	    "\"properties\":{\"id\":\"w\","
	    "\"clientInfo\":\"w\",\"httpStatusCode\":500},\"identity\":"
	    "{\"claim\":{\"appid\":\"w\",\"" OIDURL "\":\"w\"}},"
	    "\"operationName\":\"w\",\"resultType\":\"w\",\"correlationId\":"
	    "\"w\"}", &ev), KVREC_EVENT);
	for (i = 0; i < KV_NMEMBERS; i++)
		assert_absent(&ev, (enum kv_member)i);
}
END_TEST

/* AzureDiagnostics rows read only their own names too. */
START_TEST(ad_members_own_names)
{
	struct kv_event ev;
	int	 i;

	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":\"1.2.3.4\","
	    "\"resourceId\":\"" RID "\",\"_ResourceId\":\"" RID "\","
	    "\"_SubscriptionId\":\"w\",\"operationName\":\"w\",\"Id\":\"w\","
	    "\"ClientInfo\":\"w\",\"HttpStatusCode\":500,\"properties\":"
	    "{\"id\":\"w\",\"clientInfo\":\"w\",\"httpStatusCode\":500},"
	    "\"identity\":{\"claim\":{\"appid\":\"w\",\"" OIDURL "\":\"w\"}},"
	    "\"Identity\":{\"claim\":{\"appid\":\"w\",\"" OIDURL "\":\"w\"}}}",
	    &ev), KVREC_EVENT);
	for (i = 0; i < KV_NMEMBERS; i++)
		assert_absent(&ev, (enum kv_member)i);
	/* And nothing is derived from an AzureDiagnostics ResourceId. */
	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":\"1.2.3.4\","
	    "\"ResourceId\":\"" RID "\"}", &ev), KVREC_EVENT);
	assert_member(&ev, KV_RESOURCEID, RID);
	assert_absent(&ev, KV_SUBSCRIPTIONID);
}
END_TEST

/* What a kvrec_parse_records() callback saw of each record. */
#define MAXREC	16

struct seen_rec {
	enum kvrec_status st;
	int64_t		 time;
	char		 addr[64];
	enum jval_type	 type[KV_NMEMBERS];
	char		 val[KV_NMEMBERS][160];
};

struct seen {
	size_t		 n, calls;
	size_t		 stop_after;	/* Return -1 after this many calls. */
	struct seen_rec	 r[MAXREC];
};

static int
collect(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	struct seen *sn = arg;
	struct seen_rec *r;
	const struct jval *v;
	int	 i;

	sn->calls++;
	if (sn->n < MAXREC) {
		r = &sn->r[sn->n++];
		memset(r, 0, sizeof(*r));
		r->st = st;
		if (st == KVREC_EVENT) {
			r->time = ev->time;
			snprintf(r->addr, sizeof(r->addr), "%.*s",
			    (int)ev->addr_len, ev->addr_text);
			for (i = 0; i < KV_NMEMBERS; i++) {
				v = ev->m[i];
				r->type[i] = v->type;
				if (v->type == JV_STRING ||
				    v->type == JV_NUMBER)
					snprintf(r->val[i], sizeof(r->val[i]),
					    "%.*s", (int)v->len, v->s);
			}
		}
	}
	return sn->stop_after > 0 && sn->calls >= sn->stop_after ? -1 : 0;
}

/* kvrec_parse_records() on a heap copy of exactly len bytes. */
static enum kvrec_status
records_n(const char *s, size_t len, struct seen *sn)
{
	size_t	 stop = sn->stop_after;

	memset(sn, 0, sizeof(*sn));
	sn->stop_after = stop;
	free(pcopy);
	pcopy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(pcopy);
	memcpy(pcopy, s, len);
	return kvrec_parse_records(kr, pcopy, len, collect, sn);
}

static enum kvrec_status
records(const char *s, struct seen *sn)
{
	return records_n(s, strlen(s), sn);
}

static void
assert_seen(const struct seen *sn, size_t i, enum kvrec_status st,
    const char *addr)
{
	ck_assert_msg(i < sn->n, "record %zu not handed over (%zu were)", i,
	    sn->n);
	ck_assert_msg(sn->r[i].st == st, "record %zu: status %d, want %d", i,
	    (int)sn->r[i].st, (int)st);
	if (addr != NULL)
		ck_assert_msg(strcmp(sn->r[i].addr, addr) == 0, "record %zu: "
		    "address %s, want %s", i, sn->r[i].addr, addr);
}

/* One object: one record. */
START_TEST(records_one_object)
{
	struct seen sn = { 0 };

	ck_assert_int_eq(records(FULL, &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 1);
	assert_seen(&sn, 0, KVREC_EVENT, "203.0.113.7");
	ck_assert_int_eq(sn.r[0].time, kt("2026-11-20T12:00:05.130679Z"));
	ck_assert_str_eq(sn.r[0].val[KV_CLIENTINFO_S], "curl/8.0");
	ck_assert_int_eq(records("{" RT "}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 1);
	assert_seen(&sn, 0, KVREC_NO_TIME, NULL);
	ck_assert_int_eq(records("{}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 1);
	assert_seen(&sn, 0, KVREC_NOT_VAULT, NULL);
	ck_assert_int_eq(records("\t" RL_FULL "\r\n", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 1);
	assert_seen(&sn, 0, KVREC_EVENT, "203.0.113.7");
}
END_TEST

/* An envelope: its records in order, each with its own status. */
START_TEST(records_envelope)
{
	struct seen sn = { 0 };

	ck_assert_int_eq(records("{\"records\":[" RL_FULL ","
	    "{" RLT ",\"resourceId\":\"/SUBSCRIPTIONS/S/PROVIDERS/"
	    "MICROSOFT.SQL/SERVERS/X\",\"callerIpAddress\":\"1.1.1.1\"},"
	    "{\"resourceId\":\"" RID "\",\"callerIpAddress\":\"1.1.1.2\"},"
	    "{" RLV ",\"callerIpAddress\":\"\"}," AZ_FULL ","
	    "{" VT ",\"CallerIPAddress\":\"2001:DB8::1\"},{},"
	    "{" RLV ",\"callerIpAddress\":\"192.0.2.1\"}]}", &sn),
	    KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 8);
	assert_seen(&sn, 0, KVREC_EVENT, "203.0.113.7");
	assert_seen(&sn, 1, KVREC_NOT_VAULT, NULL);
	assert_seen(&sn, 2, KVREC_NO_TIME, NULL);
	assert_seen(&sn, 3, KVREC_NO_ADDRESS, NULL);
	assert_seen(&sn, 4, KVREC_EVENT, "198.51.100.23");
	assert_seen(&sn, 5, KVREC_EVENT, "2001:DB8::1");
	assert_seen(&sn, 6, KVREC_NOT_VAULT, NULL);
	assert_seen(&sn, 7, KVREC_EVENT, "192.0.2.1");
	/* Each record's members, read during its call. */
	ck_assert_str_eq(sn.r[0].val[KV_SUBSCRIPTIONID], "S1");
	ck_assert_str_eq(sn.r[0].val[KV_CLIENTINFO_S],
	    "azure-resource-manager/2.0");
	ck_assert_str_eq(sn.r[4].val[KV_SUBSCRIPTIONID], "sub-8");
	ck_assert_str_eq(sn.r[4].val[KV_CLIENTINFO_S], "curl/8.1");
	ck_assert_str_eq(sn.r[4].val[KV_HTTPSTATUSCODE_D], "403");
	ck_assert_int_eq(sn.r[5].type[KV_SUBSCRIPTIONID], JV_ABSENT);
	ck_assert_int_eq(sn.r[5].type[KV_CLIENTINFO_S], JV_ABSENT);
	/* The last record has none of the first one's members. */
	ck_assert_str_eq(sn.r[7].val[KV_RESOURCEID], RID);
	ck_assert_str_eq(sn.r[7].val[KV_SUBSCRIPTIONID], "S1");
	ck_assert_int_eq(sn.r[7].type[KV_OPERATIONNAME], JV_ABSENT);
	ck_assert_int_eq(sn.r[7].type[KV_CLIENTINFO_S], JV_ABSENT);
	ck_assert_int_eq(sn.r[7].type[KV_HTTPSTATUSCODE_D], JV_ABSENT);
	ck_assert_int_eq(sn.r[7].type[KV_APPID_G], JV_ABSENT);
	ck_assert_int_eq(sn.r[7].type[KV_OBJECTID_G], JV_ABSENT);

	/* The sample of SPEC.md 5, as diagnostic settings send it. */
	ck_assert_int_eq(records("{\"records\":[{\"time\":"
	    "\"2016-01-05T01:32:01.2691226Z\",\"resourceId\":\"/SUBSCRIPTIONS/"
	    "AAAA0A0A-BB1B-CC2C-DD3D-EEEEEE4E4E4E/RESOURCEGROUPS/CONTOSOGROUP/"
	    "PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/CONTOSOKEYVAULT\","
	    "\"operationName\":\"VaultGet\",\"resultType\":\"Success\","
	    "\"correlationId\":\"\",\"callerIpAddress\":\"104.40.82.76\","
	    "\"identity\":{\"claim\":{\"" OIDURL "\":\"d9da5048\",\"appid\":"
	    "\"00001111\"}},\"properties\":{\"clientInfo\":"
	    "\"azure-resource-manager/2.0\",\"id\":\"https://c.vault.azure.net/"
	    "\",\"httpStatusCode\":200}}]}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 1);
	assert_seen(&sn, 0, KVREC_EVENT, "104.40.82.76");
	ck_assert_int_eq(sn.r[0].time, kt("2016-01-05T01:32:01.2691226Z"));
	ck_assert_str_eq(sn.r[0].val[KV_SUBSCRIPTIONID],
	    "AAAA0A0A-BB1B-CC2C-DD3D-EEEEEE4E4E4E");
	ck_assert_str_eq(sn.r[0].val[KV_CORRELATIONID], "");
	ck_assert_str_eq(sn.r[0].val[KV_APPID_G], "00001111");
	ck_assert_str_eq(sn.r[0].val[KV_OBJECTID_G], "d9da5048");
}
END_TEST

START_TEST(records_empty_envelope)
{
	struct seen sn = { 0 };

	ck_assert_int_eq(records("{\"records\":[]}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 0);
	ck_assert_int_eq(records(" { \"records\" : [ ] } \r", &sn),
	    KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 0);
	ck_assert_int_eq(records("{\"records\":[{}]}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 1);
	assert_seen(&sn, 0, KVREC_NOT_VAULT, NULL);
}
END_TEST

/* Values in an envelope's array that are not objects are passed over. */
START_TEST(records_envelope_nonobjects)
{
	struct seen sn = { 0 };

	ck_assert_int_eq(records("{\"records\":[1,\"x\",null,true,[],"
	    "{" RLV ",\"callerIpAddress\":\"1.2.3.4\"},[{" RLV ","
	    "\"callerIpAddress\":\"9.9.9.9\"}],{\"a\":[]},-2.5e1,{" AZT ","
	    "\"CallerIpAddress\":\"5.6.7.8\"},\"\"]}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 3);
	assert_seen(&sn, 0, KVREC_EVENT, "1.2.3.4");
	assert_seen(&sn, 1, KVREC_NOT_VAULT, NULL);
	assert_seen(&sn, 2, KVREC_EVENT, "5.6.7.8");
	ck_assert_int_eq(records("{\"records\":[1,2,3]}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 0);
	/* The members of the envelope beside the array are no record. */
	ck_assert_int_eq(records("{" VT ",\"CallerIPAddress\":\"9.9.9.9\","
	    "\"records\":[{" RLV ",\"callerIpAddress\":\"1.2.3.4\"}],"
	    "\"x\":{" AZT ",\"CallerIpAddress\":\"9.9.9.8\"}}", &sn),
	    KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 1);
	assert_seen(&sn, 0, KVREC_EVENT, "1.2.3.4");
	/*
	 * An envelope in an envelope's array holds records, not one; a
	 * level deeper, a "records" member is just a member.
	 */
	ck_assert_int_eq(records("{\"records\":[{" RLV ",\"records\":[{" RLV
	    ",\"callerIpAddress\":\"9.9.9.9\"}],\"callerIpAddress\":"
	    "\"1.2.3.4\"}]}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 1);
	assert_seen(&sn, 0, KVREC_EVENT, "9.9.9.9");
	ck_assert_int_eq(records("{\"records\":[{\"records\":[{" RLV
	    ",\"records\":[{" RLV ",\"callerIpAddress\":\"9.9.9.9\"}],"
	    "\"callerIpAddress\":\"1.2.3.4\"}]}]}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 1);
	assert_seen(&sn, 0, KVREC_EVENT, "1.2.3.4");
	/* A "records" member that is not an array: an ordinary record. */
	ck_assert_int_eq(records("{\"records\":{\"a\":1}," VT
	    ",\"CallerIPAddress\":\"1.2.3.4\"}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 1);
	assert_seen(&sn, 0, KVREC_EVENT, "1.2.3.4");
}
END_TEST

/* A top-level array of records, and what is not one. */
START_TEST(records_top_array)
{
	struct seen sn = { 0 };

	ck_assert_int_eq(records("[" RL_FULL ",{}," AZ_FULL "]", &sn),
	    KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 3);
	assert_seen(&sn, 0, KVREC_EVENT, "203.0.113.7");
	assert_seen(&sn, 1, KVREC_NOT_VAULT, NULL);
	assert_seen(&sn, 2, KVREC_EVENT, "198.51.100.23");
	ck_assert_str_eq(sn.r[2].val[KV_SUBSCRIPTIONID], "sub-8");
	ck_assert_int_eq(records("[]", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 0);
	/* A non-object element: the records are handed over, but error. */
	ck_assert_int_eq(records("[" RL_FULL ",7,{" AZT ",\"CallerIpAddress\""
	    ":\"5.6.7.8\"}]", &sn), KVREC_MALFORMED);
	ck_assert_uint_eq(sn.calls, 2);
	assert_seen(&sn, 0, KVREC_EVENT, "203.0.113.7");
	assert_seen(&sn, 1, KVREC_EVENT, "5.6.7.8");
	ck_assert_ptr_nonnull(strstr(kvrec_error(kr), "not a JSON object"));
	ck_assert_int_eq(records("[{},\"a\",null]", &sn), KVREC_MALFORMED);
	ck_assert_uint_eq(sn.calls, 1);
	ck_assert_ptr_nonnull(strstr(kvrec_error(kr), "not a JSON object"));
	ck_assert_ptr_nonnull(strstr(kvrec_error(kr), "2"));
	ck_assert_int_eq(records("[[" RL_FULL "]]", &sn), KVREC_MALFORMED);
	ck_assert_uint_eq(sn.calls, 0);
	ck_assert_ptr_nonnull(strstr(kvrec_error(kr), "not a JSON object"));
	/* Only values that are not objects. */
	ck_assert_int_eq(records("[1,2]", &sn), KVREC_MALFORMED);
	ck_assert_uint_eq(sn.calls, 0);
	ck_assert_ptr_nonnull(strstr(kvrec_error(kr), "not a JSON object"));
	ck_assert_int_eq(records("42", &sn), KVREC_MALFORMED);
	ck_assert_ptr_nonnull(strstr(kvrec_error(kr), "not a JSON object"));
	ck_assert_int_eq(records("\"" RID "\"", &sn), KVREC_MALFORMED);
	ck_assert_uint_eq(sn.calls, 0);
}
END_TEST

/*
 * A syntax error after two records: the line is a unit, checked whole
 * first, so neither record is handed over (no alert from part of a bad
 * line).
 */
START_TEST(records_syntax_error)
{
	static const char *const lines[] = {
		"{\"records\":[" RL_FULL "," AZ_FULL ",x]}",
		"{\"records\":[" RL_FULL "," AZ_FULL ",{\"a\":tru}]}",
		"{\"records\":[" RL_FULL "," AZ_FULL ",{\"a\":",
		"{\"records\":[" RL_FULL "," AZ_FULL ",]}",
		"{\"records\":[" RL_FULL "," AZ_FULL "}",
		"{\"records\":[" RL_FULL "," AZ_FULL "]}}",
		"{\"records\":[" RL_FULL "," AZ_FULL "]} {}",
		"[" RL_FULL "," AZ_FULL ",{\"a\":\"\\q\"}]",
		"[" RL_FULL "," AZ_FULL,
	};
	struct seen sn = { 0 };
	size_t	 i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ck_assert_msg(records(lines[i], &sn) == KVREC_MALFORMED,
		    "line %zu", i);
		ck_assert_msg(sn.calls == 0, "line %zu: %zu records", i,
		    sn.calls);
		ck_assert_msg(strstr(kvrec_error(kr), "malformed JSON") !=
		    NULL, "line %zu: %s", i, kvrec_error(kr));
	}
	/* Two objects one after the other: the error alone. */
	ck_assert_int_eq(records(FULL " " RL_FULL, &sn), KVREC_MALFORMED);
	ck_assert_uint_eq(sn.calls, 0);
}
END_TEST

START_TEST(records_blank)
{
	static const char *const lines[] = {
		"", " ", "\t", "\r", "\r\n", "  \t \n ",
	};
	struct seen sn = { 0 };
	size_t	 i;

	for (i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		ck_assert_int_eq(records(lines[i], &sn), KVREC_BLANK);
		ck_assert_uint_eq(sn.calls, 0);
	}
	ck_assert_int_eq(records(" x ", &sn), KVREC_MALFORMED);
	ck_assert_uint_eq(sn.calls, 0);
	ck_assert_uint_gt(strlen(kvrec_error(kr)), 0);
}
END_TEST

/* The callback can stop the parse; the next parse starts afresh. */
START_TEST(records_stop)
{
	struct seen sn = { 0 };
	struct kv_event ev;

	sn.stop_after = 1;
	(void)records("{\"records\":[" RL_FULL "," AZ_FULL "," FULL "]}", &sn);
	ck_assert_uint_eq(sn.calls, 1);
	assert_seen(&sn, 0, KVREC_EVENT, "203.0.113.7");
	sn.stop_after = 2;
	(void)records("[" RL_FULL "," AZ_FULL "," FULL "]", &sn);
	ck_assert_uint_eq(sn.calls, 2);
	sn.stop_after = 0;
	ck_assert_int_eq(records("{\"records\":[" AZ_FULL "," FULL "]}", &sn),
	    KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 2);
	assert_seen(&sn, 0, KVREC_EVENT, "198.51.100.23");
	assert_seen(&sn, 1, KVREC_EVENT, "203.0.113.7");
	ck_assert_int_eq(parse(RL_FULL, &ev), KVREC_EVENT);
	ck_assert(memcmp(ev.addr_text, "203.0.113.7", 11) == 0);
}
END_TEST

/*
 * Every prefix of an envelope, from heap copies of exactly that size:
 * the records handed over are those whose object the prefix holds whole,
 * with the statuses of the full parse, and the prefix is malformed.
 */
START_TEST(records_prefixes)
{
	static const char *const recs[] = {
		RL_FULL, "{\"a\":[1,{\"b\":\"}]\"}]}", AZ_FULL,
		"{" VT ",\"CallerIPAddress\":\"2001:db8::1\"}",
		"{" RLV ",\"callerIpAddress\":\"1.2.3.\\u0034\"}",
	};
	static const char *const addrs[] = {
		"203.0.113.7", NULL, "198.51.100.23", "2001:db8::1", "1.2.3.4",
	};
	char	 line[4096];
	size_t	 nrec = sizeof(recs) / sizeof(recs[0]), len = 0, n, i, whole;
	struct seen sn = { 0 };
	enum kvrec_status st;

	len += (size_t)snprintf(line + len, sizeof(line) - len,
	    "{\"records\":[");
	for (i = 0; i < nrec; i++) {
		len += (size_t)snprintf(line + len, sizeof(line) - len,
		    "%s%s", i > 0 ? " , " : "", recs[i]);
	}
	len += (size_t)snprintf(line + len, sizeof(line) - len, "]}");
	ck_assert_uint_lt(len, sizeof(line) - 1);
	for (n = 0; n <= len; n++) {
		st = records_n(line, n, &sn);
		/* Only the whole line hands records over. */
		whole = n == len ? nrec : 0;
		ck_assert_msg(sn.calls == whole, "prefix %zu: %zu records, "
		    "want %zu", n, sn.calls, whole);
		for (i = 0; i < whole; i++)
			assert_seen(&sn, i, addrs[i] ? KVREC_EVENT :
			    KVREC_NOT_VAULT, addrs[i]);
		ck_assert_msg(st == (n == 0 ? KVREC_BLANK : n < len ?
		    KVREC_MALFORMED : KVREC_EVENT), "prefix %zu: status %d",
		    n, (int)st);
	}
}
END_TEST

/* Only len bytes count, and the parse never reads past them. */
START_TEST(length_respected)
{
	static const char line[] = "{" VT ",\"CallerIPAddress\":\"1.2.3.4\"}"
	    "GARBAGE";
	struct kv_event ev;
	size_t	 n = sizeof(line) - 1 - 7, k;

	ck_assert_int_eq(parse_n(line, n, &ev), KVREC_EVENT);
	ck_assert_int_eq(parse_n(line, n + 1, &ev), KVREC_MALFORMED);
	/* Every prefix: never an event, never a crash. */
	for (k = 0; k < n; k++)
		ck_assert_msg(parse_n(line, k, &ev) != KVREC_EVENT,
		    "prefix %zu", k);
}
END_TEST

/* The values of one parse do not survive into the next. */
START_TEST(parses_independent)
{
	struct kv_event ev;
	struct addr want = ip("5.6.7.8");

	ck_assert_int_eq(parse(FULL, &ev), KVREC_EVENT);
	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":\"5.6.7.8\"}",
	    &ev), KVREC_EVENT);
	ck_assert_int_eq(addr_cmp(&ev.addr, &want), 0);
	ck_assert(memcmp(ev.addr_text, "5.6.7.8", 7) == 0);
	ck_assert_int_eq(ev.m[KV_RESOURCEID]->type, JV_ABSENT);
	ck_assert_int_eq(ev.m[KV_CLIENTINFO_S]->type, JV_ABSENT);
	ck_assert_int_eq(ev.m[KV_HTTPSTATUSCODE_D]->type, JV_ABSENT);
	/* After a malformed line, the next one is read afresh. */
	ck_assert_int_eq(parse("{\"CallerIPAddress\":\"1.2.3.4\",", &ev),
	    KVREC_MALFORMED);
	ck_assert_int_eq(parse("{" VT "}", &ev), KVREC_NO_ADDRESS);
	ck_assert_int_eq(parse("{" TG ",\"CallerIPAddress\":\"1.2.3.4\"}",
	    &ev), KVREC_NOT_VAULT);
}
END_TEST

/* A long value and many members. */
START_TEST(long_record)
{
	size_t	 n = 1 << 20, i;
	char	*line = malloc(n + 256), *p;
	struct kv_event ev;

	ck_assert_ptr_nonnull(line);
	p = line;
	p += sprintf(p, "{" VT ",\"clientInfo_s\":\"");
	for (i = 0; i < n; i++)
		*p++ = "ab\xc3\xa9"[i % 4];
	p += sprintf(p, "\",\"CallerIPAddress\":\"1.2.3.4\"}");
	ck_assert_int_eq(parse_n(line, (size_t)(p - line), &ev), KVREC_EVENT);
	ck_assert_int_eq(ev.m[KV_CLIENTINFO_S]->type, JV_STRING);
	ck_assert_uint_eq(ev.m[KV_CLIENTINFO_S]->len, n);
	free(line);
}
END_TEST

/* Alerts: a small index, built and opened for each test. */

static char	 ixdir[PATH_MAX / 2];
static char	 ixpath[PATH_MAX];
static struct tidx *ix;

/* The reference of string literal x in the builder b. */
#define S(x)	tidx_builder_string(b, (x), sizeof(x) - 1)
#define SNULL	TIDX_STRNULL

static void
ix_setup(void)
{
	struct tidx_builder *b = tidx_builder_new();
	struct tidx_params params = { 0, 0, 0 };
	struct tidx_rec_ref r;
	struct addr a;
	int64_t	 rec;

	scratch_dir(ixdir, sizeof(ixdir), "check_kvrec");
	snprintf(ixpath, sizeof(ixpath), "%s/ti.idx", ixdir);
	params.build_time = params.now = kt("2026-11-20T00:00:00Z");
	params.lookback = 14 * 86400 * KTIME_TICKS_PER_SEC;

	/* Every member, Type null. */
	memset(&r, 0, sizeof(r));
	r.time_generated = kt("2026-11-19T08:00:00Z");
	r.expiration = kt("2026-12-01T00:00:00Z");
	r.confidence = 80;
	r.id = S("ind-1");
	r.threat_type = S("C2");
	r.description = S("Bad host");
	r.activity_groups = S("APT-X");
	r.url = S("http://bad.example/");
	r.type = SNULL;
	r.source = S("feed-a");
	rec = tidx_builder_record(b, &r);
	ck_assert_int_ge(rec, 0);
	a = ip("203.0.113.7");
	ck_assert_int_eq(tidx_builder_addr(b, &a, S("203.0.113.7"),
	    (uint64_t)rec), TIDX_OK);

	/* Members null, no expiry, a Type. */
	memset(&r, 0, sizeof(r));
	r.time_generated = kt("2026-11-18T00:00:00Z");
	r.expiration = INT64_MAX;
	r.confidence = TIDX_CONF_NULL;
	r.id = S("ind-2");
	r.threat_type = r.description = r.activity_groups = r.url = SNULL;
	r.type = S("ThreatIntelIndicators");
	r.source = SNULL;
	rec = tidx_builder_record(b, &r);
	ck_assert_int_ge(rec, 0);
	a = ip("2001:db8::1");
	ck_assert_int_eq(tidx_builder_addr(b, &a, S("2001:0DB8::1"),
	    (uint64_t)rec), TIDX_OK);

	/* Invalid UTF-8 and characters JSON must escape. */
	memset(&r, 0, sizeof(r));
	r.time_generated = kt("2026-11-18T00:00:00Z");
	r.expiration = kt("2027-01-01T00:00:00.0000001Z");
	r.confidence = 0;
	r.id = S("ind-\xff" "3");
	r.threat_type = S("tab\there \"quoted\" back\\slash");
	r.description = S("caf\xc3\xa9 caf\xc3 \xed\xa0\x80 \xf4\x90\x80\x80");
	r.activity_groups = S("\x01\x1f");
	r.url = S("");
	r.type = S("t");
	r.source = S("t");
	rec = tidx_builder_record(b, &r);
	ck_assert_int_ge(rec, 0);
	a = ip("198.51.100.23");
	ck_assert_int_eq(tidx_builder_addr(b, &a, S("198.51.100.23"),
	    (uint64_t)rec), TIDX_OK);

	ck_assert_int_eq(tidx_builder_write(b, ixpath, &params), TIDX_OK);
	tidx_builder_free(b);
	ck_assert_int_eq(tidx_open(ixpath, &ix), TIDX_OK);
	kr = kvrec_new();
}

static void
ix_teardown(void)
{
	kr_teardown();
	tidx_close(ix);
	ix = NULL;
	unlink(ixpath);
	rmdir(ixdir);
}

static struct tidx_ind
ind_of(const char *addrtext)
{
	struct tidx_ind ind;
	struct addr a = ip(addrtext);
	int64_t	 e = tidx_lookup(ix, &a);

	ck_assert_msg(e >= 0, "%s not in the index", addrtext);
	ck_assert_int_eq(tidx_entry(ix, (uint64_t)e, &ind), TIDX_OK);
	return ind;
}

/*
 * The alert for the record line (which must be a vault event) and the
 * indicator of address indaddr: the output, newline included (free it).
 */
static char *
alert_for(const char *line, const char *indaddr)
{
	struct kv_event ev;
	struct tidx_ind ind = ind_of(indaddr);
	FILE	*f = tmpfile();
	struct jout *j;
	char	*out;

	ck_assert_ptr_nonnull(f);
	ck_assert_msg(parse(line, &ev) == KVREC_EVENT, "%s: not an event",
	    line);
	j = jout_new(fileno(f));
	alert_write(j, &ev, &ind);
	ck_assert_int_eq(jout_flush(j), 0);
	ck_assert_int_eq(jout_error(j), 0);
	jout_free(j);
	out = slurp_fd(fileno(f), NULL);
	fclose(f);
	return out;
}

/* Strict UTF-8 (RFC 3629): no overlongs, surrogates or beyond U+10FFFF. */
static int
utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t	 i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if (p[i] >= 0xc2 && p[i] <= 0xdf) {
			n = 1;
			cp = p[i] & 0x1f;
		} else if (p[i] >= 0xe0 && p[i] <= 0xef) {
			n = 2;
			cp = p[i] & 0x0f;
		} else if (p[i] >= 0xf0 && p[i] <= 0xf4) {
			n = 3;
			cp = p[i] & 0x07;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += n + 1;
	}
	return 1;
}

START_TEST(utf8_validator)
{
	/* The validator itself, so that the checks below mean something. */
	ck_assert_int_eq(utf8_valid("a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	    10), 1);
	ck_assert_int_eq(utf8_valid("\xff", 1), 0);
	ck_assert_int_eq(utf8_valid("\xc3", 1), 0);
	ck_assert_int_eq(utf8_valid("\xc0\xaf", 2), 0);
	ck_assert_int_eq(utf8_valid("\xe0\x80\xaf", 3), 0);
	ck_assert_int_eq(utf8_valid("\xed\xa0\x80", 3), 0);
	ck_assert_int_eq(utf8_valid("\xf4\x90\x80\x80", 4), 0);
	ck_assert_int_eq(utf8_valid("\xef\xbf\xbd", 3), 1);
}
END_TEST

/* Parse an alert line with yajl: it must be one JSON object. */
static yajl_val
tree(const char *out)
{
	char	 err[256];
	yajl_val v;

	ck_assert_msg(strlen(out) > 0 && out[strlen(out) - 1] == '\n',
	    "no newline");
	v = yajl_tree_parse(out, err, sizeof(err));
	ck_assert_msg(v != NULL, "%s: %s", out, err);
	ck_assert(YAJL_IS_OBJECT(v));
	return v;
}

static yajl_val
member(yajl_val obj, const char *key)
{
	size_t	 i;

	for (i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], key) == 0)
			return obj->u.object.values[i];
	ck_abort_msg("no member %s", key);
	return NULL;
}

static const char *const alert_keys[] = {
	"KeyVaultEvents_TimeGenerated", "Description", "ActivityGroupNames",
	"IndicatorId", "ThreatType", "Url", "ExpirationDateTime",
	"ConfidenceScore", "TI_ipEntity", "ClientIP", "ResourceId",
	"SubscriptionId", "OperationName", "ResultType", "CorrelationId",
	"id_s", "clientInfo_s", "httpStatusCode_d", "identity_claim_appid_g",
	OID, "Type", "timestamp",
	"AlertName", "RuleId", "Severity", "Tactics", "Techniques", "Entities",
	"SourceSystem",
};

/*
 * Compare two long lines, reporting the first difference with some
 * context (Check cannot carry two whole alerts in one message).
 */
static void
assert_same(const char *got, const char *want)
{
	size_t	 i = 0;

	while (got[i] != '\0' && got[i] == want[i])
		i++;
	ck_assert_msg(got[i] == want[i], "differ at byte %zu: got \"%.60s\", "
	    "want \"%.60s\"", i, got + (i > 20 ? i - 20 : 0),
	    want + (i > 20 ? i - 20 : 0));
}

START_TEST(alert_exact)
{
	char	*out = alert_for(FULL, "203.0.113.7");

	assert_same(out, "{"
	    "\"KeyVaultEvents_TimeGenerated\":\"" TG_TEXT "\","
	    "\"Description\":\"Bad host\","
	    "\"ActivityGroupNames\":\"APT-X\","
	    "\"IndicatorId\":\"ind-1\","
	    "\"ThreatType\":\"C2\","
	    "\"Url\":\"http://bad.example/\","
	    "\"ExpirationDateTime\":\"2026-12-01T00:00:00.0000000Z\","
	    "\"ConfidenceScore\":80,"
	    "\"TI_ipEntity\":\"203.0.113.7\","
	    "\"ClientIP\":\"203.0.113.7\","
	    "\"ResourceId\":\"" RID "\","
	    "\"SubscriptionId\":\"s1\","
	    "\"OperationName\":\"SecretGet\","
	    "\"ResultType\":\"Success\","
	    "\"CorrelationId\":\"c-1\","
	    "\"id_s\":\"id-1\","
	    "\"clientInfo_s\":\"curl/8.0\","
	    "\"httpStatusCode_d\":200,"
	    "\"identity_claim_appid_g\":\"app-1\","
	    "\"" OID "\":\"obj-1\","
	    "\"Type\":\"ThreatIntelligenceIndicator\","
	    "\"timestamp\":\"" TG_TEXT "\","
	    "\"AlertName\":\"TI map IP entity to Azure Key Vault logs\","
	    "\"RuleId\":\"57c7e832-64eb-411f-8928-4133f01f4a25\","
	    "\"Severity\":\"Medium\","
	    "\"Tactics\":[\"CommandAndControl\"],"
	    "\"Techniques\":[\"T1071\"],"
	    "\"Entities\":[{\"Type\":\"ip\",\"Address\":\"203.0.113.7\"},"
	    "{\"Type\":\"azure-resource\",\"ResourceId\":\"" RID "\"}],"
	    "\"SourceSystem\":\"feed-a\"}\n");
	free(out);
}
END_TEST

START_TEST(alert_member_order)
{
	char	*out = alert_for(FULL, "203.0.113.7");
	yajl_val v = tree(out), e;
	size_t	 i, n = sizeof(alert_keys) / sizeof(alert_keys[0]);

	ck_assert_uint_eq(n, 29);
	ck_assert_uint_eq(v->u.object.len, n);
	for (i = 0; i < n; i++)
		ck_assert_str_eq(v->u.object.keys[i], alert_keys[i]);
	e = member(v, "Entities");
	ck_assert(YAJL_IS_ARRAY(e));
	ck_assert_uint_eq(e->u.array.len, 2);
	ck_assert_str_eq(YAJL_GET_STRING(member(e->u.array.values[0],
	    "Type")), "ip");
	ck_assert_str_eq(YAJL_GET_STRING(member(e->u.array.values[0],
	    "Address")), "203.0.113.7");
	ck_assert_str_eq(YAJL_GET_STRING(member(e->u.array.values[1],
	    "Type")), "azure-resource");
	ck_assert_str_eq(YAJL_GET_STRING(member(e->u.array.values[1],
	    "ResourceId")), RID);
	yajl_tree_free(v);
	free(out);
}
END_TEST

/* The text of member key in an alert line (its first occurrence). */
static char *
raw_member(const char *out, const char *key)
{
	char	 pat[160];
	const char *p, *q;
	int	 depth = 0, instr = 0;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(out, pat);
	ck_assert_msg(p != NULL, "no %s in %s", key, out);
	p += strlen(pat);
	for (q = p; *q != '\0'; q++) {
		if (instr) {
			if (*q == '\\')
				q++;
			else if (*q == '"')
				instr = 0;
			continue;
		}
		if (*q == '"')
			instr = 1;
		else if (*q == '{' || *q == '[')
			depth++;
		else if (*q == '}' || *q == ']') {
			if (depth-- == 0)
				break;
		} else if (*q == ',' && depth == 0)
			break;
	}
	return strndup(p, (size_t)(q - p));
}

static void
assert_raw(const char *out, const char *key, const char *want)
{
	char	*got = raw_member(out, key);

	ck_assert_msg(strcmp(got, want) == 0, "%s is %s, want %s", key, got,
	    want);
	free(got);
}

START_TEST(alert_indicator_nulls)
{
	char	*out = alert_for("{" VT ",\"CallerIPAddress\":\"2001:DB8::1\","
	    FULL_MEMBERS "}", "2001:db8::1");
	yajl_val v = tree(out);

	assert_raw(out, "Description", "null");
	assert_raw(out, "ActivityGroupNames", "null");
	assert_raw(out, "ThreatType", "null");
	assert_raw(out, "Url", "null");
	assert_raw(out, "IndicatorId", "\"ind-2\"");
	/* No expiry is no ExpirationDateTime. */
	assert_raw(out, "ExpirationDateTime", "null");
	assert_raw(out, "SourceSystem", "null");
	assert_raw(out, "ConfidenceScore", "null");
	assert_raw(out, "Type", "\"ThreatIntelIndicators\"");
	/* Addresses as each source wrote them. */
	assert_raw(out, "TI_ipEntity", "\"2001:0DB8::1\"");
	assert_raw(out, "ClientIP", "\"2001:DB8::1\"");
	assert_raw(out, "Address", "\"2001:DB8::1\"");
	ck_assert_uint_eq(v->u.object.len, 29);
	yajl_tree_free(v);
	free(out);
}
END_TEST

START_TEST(alert_confidence_zero)
{
	char	*out = alert_for("{" VT ",\"CallerIPAddress\":"
	    "\"198.51.100.23\"}", "198.51.100.23");

	assert_raw(out, "ConfidenceScore", "0");
	assert_raw(out, "ExpirationDateTime",
	    "\"2027-01-01T00:00:00.0000001Z\"");
	assert_raw(out, "Url", "\"\"");
	assert_raw(out, "Type", "\"t\"");
	free(out);
}
END_TEST

START_TEST(alert_log_nulls)
{
	char	*out = alert_for("{" VT ",\"CallerIPAddress\":\"203.0.113.7\"}",
	    "203.0.113.7");
	yajl_val v = tree(out);
	size_t	 i;

	for (i = 10; i < 20; i++)
		ck_assert_msg(YAJL_IS_NULL(member(v, alert_keys[i])), "%s",
		    alert_keys[i]);
	ck_assert(YAJL_IS_NULL(member(member(v, "Entities")->u.array.values[1],
	    "ResourceId")));
	assert_raw(out, "Entities", "[{\"Type\":\"ip\",\"Address\":"
	    "\"203.0.113.7\"},{\"Type\":\"azure-resource\",\"ResourceId\":"
	    "null}]");
	/* The indicator's members are still there. */
	assert_raw(out, "IndicatorId", "\"ind-1\"");
	yajl_tree_free(v);
	free(out);
}
END_TEST

/* Log members keep their JSON type; objects and arrays become null. */
START_TEST(alert_log_types)
{
	char	*out = alert_for("{" VT ",\"CallerIPAddress\":\"203.0.113.7\","
	    "\"ResultType\":0,\"id_s\":true,\"SubscriptionId\":false,"
	    "\"clientInfo_s\":{\"a\":1},\"CorrelationId\":[1,2],"
	    "\"OperationName\":-1.5e3,\"ResourceId\":null}", "203.0.113.7");

	assert_raw(out, "ResultType", "0");
	assert_raw(out, "id_s", "true");
	assert_raw(out, "SubscriptionId", "false");
	assert_raw(out, "clientInfo_s", "null");
	assert_raw(out, "CorrelationId", "null");
	assert_raw(out, "OperationName", "-1.5e3");
	assert_raw(out, "ResourceId", "null");
	free(out);
}
END_TEST

START_TEST(alert_times)
{
	char	*out = alert_for("{" RT ",\"TimeGenerated\":"
	    "\"2026-11-20T13:00:05.123456789+01:00\",\"CallerIPAddress\":"
	    "\"203.0.113.7\"}", "203.0.113.7");

	assert_raw(out, "KeyVaultEvents_TimeGenerated",
	    "\"2026-11-20T12:00:05.1234567Z\"");
	assert_raw(out, "timestamp", "\"2026-11-20T12:00:05.1234567Z\"");
	free(out);
	out = alert_for("{" RT ",\"TimeGenerated\":\"2026-11-20\","
	    "\"CallerIPAddress\":\"203.0.113.7\"}", "203.0.113.7");
	assert_raw(out, "KeyVaultEvents_TimeGenerated",
	    "\"2026-11-20T00:00:00.0000000Z\"");
	free(out);
}
END_TEST

/*
 * httpStatusCode_d: an integral value (a number, or a string holding one)
 * is an integer, another number is written as it is, anything else null.
 */
START_TEST(alert_status_code)
{
	static const struct {
		const char	*in;	/* The member's JSON text, or NULL. */
		const char	*want;
	} t[] = {
		{ "200", "200" },
		{ "200.0", "200" },
		{ "\"200\"", "200" },
		{ NULL, "null" },
		{ "\"abc\"", "null" },
		{ "null", "null" },
		{ "2e2", "200" },
		{ "2.0E+2", "200" },
		{ "\"200.0\"", "200" },
		{ "0", "0" },
		{ "-1", "-1" },
		{ "404.5", "404.5" },
		{ "\"\"", "null" },
		{ "true", "null" },
		{ "false", "null" },
		{ "{\"a\":200}", "null" },
		{ "[200]", "null" },
		{ "\" 200\"", "null" },
		{ "\"200 \"", "null" },
		{ "\"200x\"", "null" },
		{ "\"inf\"", "null" },
		{ "\"nan\"", "null" },
		/* Numbers too large for an integer: as written. */
		{ "1e999", "1e999" },
		{ "\"1e999\"", "1e999" },
		{ "12345678901234567890", "12345678901234567890" },
		{ "-0", "0" },
	};
	char	 line[256], *out;
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (t[i].in != NULL)
			snprintf(line, sizeof(line), "{" VT ",\"CallerIPAddress"
			    "\":\"203.0.113.7\",\"httpStatusCode_d\":%s}",
			    t[i].in);
		else
			snprintf(line, sizeof(line), "{" VT ",\"CallerIPAddress"
			    "\":\"203.0.113.7\"}");
		out = alert_for(line, "203.0.113.7");
		assert_raw(out, "httpStatusCode_d", t[i].want);
		yajl_tree_free(tree(out));
		free(out);
	}
}
END_TEST

/*
 * Strings that strtod() reads but that do not hold a JSON number: hex
 * ("0x1F"), hex floats ("0x1p3") and leading white space.  Read with
 * strtod() they would give 31, 200 and 8; alert.c's contract says that
 * anything but a JSON number is null, so they are null, as " 200" is.
 */
START_TEST(alert_status_code_strtod)
{
	static const char *const in[] = {
		"\"0x1F\"", "\"0XC8\"", "\"0x1p3\"", "\"\\t200\"",
		"\"\\n200\"", "\"\\r200\"",
	};
	char	 line[256], *out;
	size_t	 i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		snprintf(line, sizeof(line), "{" VT ",\"CallerIPAddress\":"
		    "\"203.0.113.7\",\"httpStatusCode_d\":%s}", in[i]);
		out = alert_for(line, "203.0.113.7");
		assert_raw(out, "httpStatusCode_d", "null");
		free(out);
	}
}
END_TEST

START_TEST(alert_invalid_utf8)
{
	char	*out = alert_for("{" VT ",\"CallerIPAddress\":\"203.0.113.7\","
	    "\"clientInfo_s\":\"ab\xff\xc3(\",\"ResourceId\":\"r\xe9sum\xe9\","
	    "\"id_s\":\"\\u00e9\\u0001\\\"\\\\/\","
	    "\"OperationName\":\"\xed\xa0\x80\xf4\x90\x80\x80\xc0\xaf\"}",
	    "203.0.113.7");
	yajl_val v = tree(out);

	ck_assert_msg(utf8_valid(out, strlen(out)), "%s", out);
	assert_raw(out, "clientInfo_s", "\"ab\xef\xbf\xbd\xef\xbf\xbd(\"");
	assert_raw(out, "ResourceId", "\"r\xef\xbf\xbdsum\xef\xbf\xbd\"");
	/* The azure-resource entity carries the same text. */
	ck_assert_str_eq(YAJL_GET_STRING(member(member(v,
	    "Entities")->u.array.values[1], "ResourceId")),
	    "r\xef\xbf\xbdsum\xef\xbf\xbd");
	ck_assert_str_eq(YAJL_GET_STRING(member(v, "id_s")),
	    "\xc3\xa9\x01\"\\/");
	ck_assert_str_eq(YAJL_GET_STRING(member(v, "OperationName")),
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	yajl_tree_free(v);
	free(out);
}
END_TEST

/* Indicator strings are made valid UTF-8 and escaped too. */
START_TEST(alert_indicator_bytes)
{
	char	*out = alert_for("{" VT ",\"CallerIPAddress\":"
	    "\"198.51.100.23\"}", "198.51.100.23");
	yajl_val v = tree(out);

	ck_assert_msg(utf8_valid(out, strlen(out)), "%s", out);
	ck_assert_str_eq(YAJL_GET_STRING(member(v, "IndicatorId")),
	    "ind-\xef\xbf\xbd" "3");
	ck_assert_str_eq(YAJL_GET_STRING(member(v, "ThreatType")),
	    "tab\there \"quoted\" back\\slash");
	ck_assert_str_eq(YAJL_GET_STRING(member(v, "Description")),
	    "caf\xc3\xa9 caf\xef\xbf\xbd \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd "
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(YAJL_GET_STRING(member(v, "ActivityGroupNames")),
	    "\x01\x1f");
	/* Control characters are escaped, never raw. */
	ck_assert_ptr_null(strchr(out, '\x01'));
	ck_assert_ptr_null(strchr(out, '\t'));
	yajl_tree_free(v);
	free(out);
}
END_TEST

/* A resource log record: every member, from its own names. */
START_TEST(alert_resource_log)
{
	char	*out = alert_for(RL_FULL, "203.0.113.7");

	assert_same(out, "{"
	    "\"KeyVaultEvents_TimeGenerated\":\"" TG_TEXT "\","
	    "\"Description\":\"Bad host\","
	    "\"ActivityGroupNames\":\"APT-X\","
	    "\"IndicatorId\":\"ind-1\","
	    "\"ThreatType\":\"C2\","
	    "\"Url\":\"http://bad.example/\","
	    "\"ExpirationDateTime\":\"2026-12-01T00:00:00.0000000Z\","
	    "\"ConfidenceScore\":80,"
	    "\"TI_ipEntity\":\"203.0.113.7\","
	    "\"ClientIP\":\"203.0.113.7\","
	    "\"ResourceId\":\"" RID "\","
	    "\"SubscriptionId\":\"S1\","
	    "\"OperationName\":\"VaultGet\","
	    "\"ResultType\":\"Success\","
	    "\"CorrelationId\":\"c-9\","
	    "\"id_s\":\"https://kv1.vault.azure.net/\","
	    "\"clientInfo_s\":\"azure-resource-manager/2.0\","
	    "\"httpStatusCode_d\":200,"
	    "\"identity_claim_appid_g\":\"app-9\","
	    "\"" OID "\":\"obj-9\","
	    "\"Type\":\"ThreatIntelligenceIndicator\","
	    "\"timestamp\":\"" TG_TEXT "\","
	    "\"AlertName\":\"TI map IP entity to Azure Key Vault logs\","
	    "\"RuleId\":\"57c7e832-64eb-411f-8928-4133f01f4a25\","
	    "\"Severity\":\"Medium\","
	    "\"Tactics\":[\"CommandAndControl\"],"
	    "\"Techniques\":[\"T1071\"],"
	    "\"Entities\":[{\"Type\":\"ip\",\"Address\":\"203.0.113.7\"},"
	    "{\"Type\":\"azure-resource\",\"ResourceId\":\"" RID "\"}],"
	    "\"SourceSystem\":\"feed-a\"}\n");
	yajl_tree_free(tree(out));
	free(out);
}
END_TEST

/* A resource log record without most members: null, none borrowed. */
START_TEST(alert_resource_log_nulls)
{
	char	*out = alert_for("{" RLT ",\"resourceId\":\"/subscriptions/"
	    "s-2/resourcegroups/g/providers/microsoft.keyvault/vaults/kv\","
	    "\"callerIpAddress\":\"203.0.113.7\",\"properties\":"
	    "{\"httpStatusCode\":\"404\"}}", "203.0.113.7");
	yajl_val v = tree(out);
	size_t	 i;

	assert_raw(out, "SubscriptionId", "\"s-2\"");
	assert_raw(out, "httpStatusCode_d", "404");
	for (i = 12; i < 20; i++)
		if (strcmp(alert_keys[i], "httpStatusCode_d") != 0)
			ck_assert_msg(YAJL_IS_NULL(member(v, alert_keys[i])),
			    "%s", alert_keys[i]);
	ck_assert_uint_eq(v->u.object.len, 29);
	yajl_tree_free(v);
	free(out);
}
END_TEST

START_TEST(alert_azkv)
{
	char	*out = alert_for(AZ_FULL, "198.51.100.23");
	yajl_val v = tree(out);

	assert_raw(out, "KeyVaultEvents_TimeGenerated", "\"" TG_TEXT "\"");
	assert_raw(out, "ClientIP", "\"198.51.100.23\"");
	assert_raw(out, "ResourceId", "\"" RID "\"");
	assert_raw(out, "SubscriptionId", "\"sub-8\"");
	assert_raw(out, "OperationName", "\"SecretGet\"");
	assert_raw(out, "ResultType", "\"Success\"");
	assert_raw(out, "CorrelationId", "\"c-8\"");
	assert_raw(out, "id_s", "\"https://kv1.vault.azure.net/secrets/s\"");
	assert_raw(out, "clientInfo_s", "\"curl/8.1\"");
	assert_raw(out, "httpStatusCode_d", "403");
	assert_raw(out, "identity_claim_appid_g", "\"app-8\"");
	assert_raw(out, OID, "\"obj-8\"");
	assert_raw(out, "timestamp", "\"" TG_TEXT "\"");
	ck_assert_str_eq(YAJL_GET_STRING(member(member(v,
	    "Entities")->u.array.values[1], "ResourceId")), RID);
	ck_assert_uint_eq(v->u.object.len, 29);
	yajl_tree_free(v);
	free(out);
}
END_TEST

/* Alerts written from kvrec_parse_records()'s callback, one a record. */
static int
alert_cb(void *arg, enum kvrec_status st, const struct kv_event *ev)
{
	struct jout *j = arg;
	struct tidx_ind ind;
	char	 a[64];

	if (st != KVREC_EVENT)
		return 0;
	snprintf(a, sizeof(a), "%.*s", (int)ev->addr_len, ev->addr_text);
	ind = ind_of(a);
	alert_write(j, ev, &ind);
	return 0;
}

START_TEST(alert_envelope)
{
	static const char line[] = "{\"records\":[" RL_FULL ",{}," AZ_FULL
	    "]}";
	FILE	*f = tmpfile();
	struct jout *j;
	char	*out, *nl;
	yajl_val v;

	ck_assert_ptr_nonnull(f);
	j = jout_new(fileno(f));
	ck_assert_int_eq(kvrec_parse_records(kr, line, sizeof(line) - 1,
	    alert_cb, j), KVREC_EVENT);
	ck_assert_int_eq(jout_flush(j), 0);
	jout_free(j);
	out = slurp_fd(fileno(f), NULL);
	fclose(f);
	nl = strchr(out, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_ptr_eq(strchr(nl + 1, '\n'), out + strlen(out) - 1);
	*nl = '\0';
	assert_raw(out, "ClientIP", "\"203.0.113.7\"");
	assert_raw(out, "IndicatorId", "\"ind-1\"");
	assert_raw(out, "SubscriptionId", "\"S1\"");
	assert_raw(out, "clientInfo_s", "\"azure-resource-manager/2.0\"");
	assert_raw(out, OID, "\"obj-9\"");
	*nl = '\n';
	v = tree(nl + 1);
	ck_assert_str_eq(YAJL_GET_STRING(member(v, "ClientIP")),
	    "198.51.100.23");
	ck_assert_str_eq(YAJL_GET_STRING(member(v, "SubscriptionId")),
	    "sub-8");
	ck_assert_str_eq(YAJL_GET_STRING(member(v, "clientInfo_s")),
	    "curl/8.1");
	ck_assert_str_eq(YAJL_GET_STRING(member(v, OID)), "obj-8");
	ck_assert(YAJL_IS_INTEGER(member(v, "httpStatusCode_d")));
	ck_assert_int_eq(YAJL_GET_INTEGER(member(v, "httpStatusCode_d")), 403);
	yajl_tree_free(v);
	free(out);
}
END_TEST

/* Two alerts: two lines, in order, each a whole object. */
START_TEST(alert_two_lines)
{
	struct kv_event ev;
	struct tidx_ind i1 = ind_of("203.0.113.7"), i2 = ind_of("2001:db8::1");
	FILE	*f = tmpfile();
	struct jout *j;
	char	*out, *nl;

	ck_assert_ptr_nonnull(f);
	j = jout_new(fileno(f));
	ck_assert_int_eq(parse(FULL, &ev), KVREC_EVENT);
	alert_write(j, &ev, &i1);
	ck_assert_int_eq(parse("{" VT ",\"CallerIPAddress\":\"2001:DB8::1\"}",
	    &ev), KVREC_EVENT);
	alert_write(j, &ev, &i2);
	ck_assert_int_eq(jout_flush(j), 0);
	jout_free(j);
	out = slurp_fd(fileno(f), NULL);
	fclose(f);
	nl = strchr(out, '\n');
	ck_assert_ptr_nonnull(nl);
	ck_assert_ptr_nonnull(strstr(out, "\"IndicatorId\":\"ind-1\""));
	ck_assert(strstr(out, "\"IndicatorId\":\"ind-1\"") < nl);
	ck_assert(strstr(out, "\"IndicatorId\":\"ind-2\"") > nl);
	ck_assert_ptr_eq(strchr(nl + 1, '\n'), out + strlen(out) - 1);
	ck_assert(strncmp(nl + 1, "{\"KeyVaultEvents_TimeGenerated\":", 32)
	    == 0);
	free(out);
}
END_TEST

/* ---------------------------------------------------------------------
 * REST shapes: Azure REST lists ({"value":[...]}) and the Log Analytics
 * query API's answer, on one line and as a stream fed in pieces of every
 * size from 1 to 31 bytes, with dynamic columns as JSON text.
 */

/*
 * kvrec_stream_* over text in pieces of n bytes, into sn; also checks
 * that kvrec_stream_handled is the position of the last record.  Returns
 * the status of the end (0, or -1 on a syntax error).
 */
static int
stream_n(const char *text, size_t len, size_t n, struct seen *sn)
{
	size_t	 i;
	int	 rc = 0;

	memset(sn, 0, sizeof(*sn));
	kvrec_stream_begin(kr, collect, sn);
	ck_assert_uint_eq(kvrec_stream_handled(kr), 0);
	for (i = 0; i < len && rc == 0; i += n)
		rc = kvrec_stream_feed(kr, text + i, len - i < n ? len - i : n);
	if (rc == 0)
		rc = kvrec_stream_end(kr);
	return rc;
}

/* Two reads of the same records are the same. */
static void
assert_same_seen(const struct seen *a, const struct seen *b, size_t n)
{
	size_t	 i;
	int	 m;

	ck_assert_uint_eq(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		ck_assert_int_eq(a->r[i].st, b->r[i].st);
		ck_assert_int_eq(a->r[i].time, b->r[i].time);
		ck_assert_str_eq(a->r[i].addr, b->r[i].addr);
		for (m = 0; m < KV_NMEMBERS; m++) {
			ck_assert_msg(a->r[i].type[m] == b->r[i].type[m],
			    "pieces of %zu: record %zu member %d", n, i, m);
			ck_assert_str_eq(a->r[i].val[m], b->r[i].val[m]);
		}
	}
}

/* The line, then the stream in every piece size: the same records. */
static void
records_everyway(const char *text, struct seen *sn, enum kvrec_status want)
{
	struct seen	 st;
	size_t		 n, len = strlen(text);

	ck_assert_int_eq(records(text, sn), want);
	for (n = 1; n <= 31; n++) {
		ck_assert_int_eq(stream_n(text, len, n, &st), 0);
		assert_same_seen(sn, &st, n);
		if (want != KVREC_MALFORMED)
			ck_assert_uint_eq(kvrec_bad_records(kr), 0);
	}
}

#define AZQ_COLS "{\"name\":\"TimeGenerated\",\"type\":\"datetime\"}," \
	"{\"name\":\"Type\",\"type\":\"string\"}," \
	"{\"name\":\"CallerIpAddress\",\"type\":\"string\"}," \
	"{\"name\":\"Identity\",\"type\":\"dynamic\"}," \
	"{\"name\":\"_ResourceId\",\"type\":\"string\"}," \
	"{\"name\":\"_SubscriptionId\",\"type\":\"string\"}"
#define AZQ_RID	"/subscriptions/s9/resourcegroups/rg/providers/" \
	"microsoft.keyvault/vaults/kv9"
#define AZQ_ID	"\"{\\\"claim\\\":{\\\"appid\\\":\\\"app-q\\\",\\\"" OIDURL \
	"\\\":\\\"oid-q\\\"}}\""

START_TEST(rest_value_list)
{
	struct seen sn;

	records_everyway("{\"value\":[" AZ_FULL "," FULL ",{}],"
	    "\"nextLink\":null}", &sn, KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 3);
	assert_seen(&sn, 0, KVREC_EVENT, "198.51.100.23");
	assert_seen(&sn, 1, KVREC_EVENT, "203.0.113.7");
	assert_seen(&sn, 2, KVREC_NOT_VAULT, NULL);
	ck_assert_str_eq(sn.r[1].val[KV_CLIENTINFO_S], "curl/8.0");
	records_everyway("{\"value\":[]}", &sn, KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 0);
	/* "objects" is not a Key Vault container: one (not vault) record. */
	records_everyway("{\"objects\":[" FULL "]}", &sn, KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 1);
	assert_seen(&sn, 0, KVREC_NOT_VAULT, NULL);
}
END_TEST

/* AZKVAuditLogs rows as the query API answers, Identity as JSON text. */
START_TEST(query_api_azkv)
{
	struct seen sn;

	records_everyway("{\"tables\":[{\"name\":\"PrimaryResult\","
	    "\"columns\":[" AZQ_COLS "],\"rows\":["
	    "[\"2026-11-20T12:00:05Z\",\"AZKVAuditLogs\",\"203.0.113.7\","
	    AZQ_ID ",\"" AZQ_RID "\",\"s9-own\"],"
	    "[\"2026-11-20T12:00:06Z\",\"AZKVAuditLogs\",\"203.0.113.8\","
	    "\"{\\\"claim\\\":\",\"" AZQ_RID "\",\"\"],"
	    "[\"2026-11-20T12:00:07Z\",\"AZKVAuditLogs\",\"203.0.113.9\","
	    "null,\"" AZQ_RID "\",null],"
	    "[\"2026-11-20T12:00:08Z\",\"AZKVAuditLogs\",null,null,null,null],"
	    "[null,\"AZKVAuditLogs\",\"203.0.113.9\",null,null,null]"
	    "]}]}", &sn, KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 5);
	assert_seen(&sn, 0, KVREC_EVENT, "203.0.113.7");
	ck_assert_int_eq(sn.r[0].time, kt("2026-11-20T12:00:05Z"));
	ck_assert_str_eq(sn.r[0].val[KV_RESOURCEID], AZQ_RID);
	ck_assert_str_eq(sn.r[0].val[KV_SUBSCRIPTIONID], "s9-own");
	ck_assert_str_eq(sn.r[0].val[KV_APPID_G], "app-q");
	ck_assert_str_eq(sn.r[0].val[KV_OBJECTID_G], "oid-q");
	/* Identity not JSON text; "" and null subscriptions: _ResourceId's. */
	assert_seen(&sn, 1, KVREC_EVENT, "203.0.113.8");
	ck_assert_int_eq(sn.r[1].type[KV_APPID_G], JV_ABSENT);
	ck_assert_str_eq(sn.r[1].val[KV_SUBSCRIPTIONID], "s9");
	assert_seen(&sn, 2, KVREC_EVENT, "203.0.113.9");
	ck_assert_str_eq(sn.r[2].val[KV_SUBSCRIPTIONID], "s9");
	assert_seen(&sn, 3, KVREC_NO_ADDRESS, NULL);
	assert_seen(&sn, 4, KVREC_NO_TIME, NULL);
}
END_TEST

/* SPEC 5: AZKVAuditLogs takes SubscriptionId from _ResourceId. */
START_TEST(az_subscription_from_resourceid)
{
	static const char *const rows[] = {
		"{" TG ",\"Type\":\"AZKVAuditLogs\",\"CallerIpAddress\":"
		    "\"192.0.2.1\",\"_ResourceId\":\"/SUBSCRIPTIONS/AbC-1/R\"}",
		"{" TG ",\"CallerIpAddress\":\"192.0.2.1\",\"_SubscriptionId\":"
		    "null,\"_ResourceId\":\"/subscriptions/AbC-1/providers/"
		    "Microsoft.KeyVault/vaults/v\"}",
		"{" TG ",\"Type\":\"AZKVAuditLogs\",\"CallerIpAddress\":"
		    "\"192.0.2.1\",\"_SubscriptionId\":\"\",\"_ResourceId\":"
		    "\"/Subscriptions/AbC-1\"}",
	};
	struct kv_event ev;
	size_t	 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ck_assert_int_eq(parse(rows[i], &ev), KVREC_EVENT);
		assert_member(&ev, KV_SUBSCRIPTIONID, "AbC-1");
	}
	/* Its own _SubscriptionId wins; no resource id, no subscription. */
	ck_assert_int_eq(parse("{" TG ",\"Type\":\"AZKVAuditLogs\","
	    "\"CallerIpAddress\":\"192.0.2.1\",\"_SubscriptionId\":\"own\","
	    "\"_ResourceId\":\"/SUBSCRIPTIONS/other/x\"}", &ev), KVREC_EVENT);
	assert_member(&ev, KV_SUBSCRIPTIONID, "own");
	ck_assert_int_eq(parse("{" TG ",\"Type\":\"AZKVAuditLogs\","
	    "\"CallerIpAddress\":\"192.0.2.1\"}", &ev), KVREC_EVENT);
	assert_absent(&ev, KV_SUBSCRIPTIONID);
	ck_assert_int_eq(parse("{" TG ",\"Type\":\"AZKVAuditLogs\","
	    "\"CallerIpAddress\":\"192.0.2.1\",\"_ResourceId\":"
	    "\"/resourceGroups/x\"}", &ev), KVREC_EVENT);
	assert_absent(&ev, KV_SUBSCRIPTIONID);
}
END_TEST

/* Bad rows: the good rows are handed over, the line is malformed. */
START_TEST(query_api_bad_rows)
{
	struct seen sn, st;
	static const char text[] = "{\"tables\":[{\"columns\":[" AZQ_COLS
	    "],\"rows\":[[\"2026-11-20T12:00:05Z\",\"AZKVAuditLogs\","
	    "\"203.0.113.7\",null,null,null],[1,2],"
	    "[\"2026-11-20T12:00:05Z\",\"AZKVAuditLogs\",\"203.0.113.8\","
	    "null,null,null,7]]}]}";
	size_t	 n;

	ck_assert_int_eq(records(text, &sn), KVREC_MALFORMED);
	ck_assert_uint_eq(sn.n, 1);
	assert_seen(&sn, 0, KVREC_EVENT, "203.0.113.7");
	ck_assert_uint_eq(kvrec_bad_records(kr), 2);
	ck_assert_str_eq(kvrec_error(kr), "2 records are bad, the first: "
	    "row 2 of table 1: 2 cells for 6 columns");
	for (n = 1; n <= 31; n++) {
		ck_assert_int_eq(stream_n(text, sizeof(text) - 1, n, &st), 0);
		assert_same_seen(&sn, &st, n);
		ck_assert_uint_eq(kvrec_bad_records(kr), 2);
	}
	/* Rows before the columns: not guessed. */
	ck_assert_int_eq(records("{\"tables\":[{\"rows\":[[\"x\"]],"
	    "\"columns\":[{\"name\":\"TimeGenerated\"}]}]}", &sn),
	    KVREC_MALFORMED);
	ck_assert_uint_eq(sn.calls, 0);
	ck_assert_str_eq(kvrec_error(kr), "row 1 of table 1: comes before "
	    "the table's columns");
	/* Empty answers are no records and no error. */
	ck_assert_int_eq(records("{\"tables\":[]}", &sn), KVREC_EVENT);
	ck_assert_uint_eq(sn.calls, 0);
	ck_assert_uint_eq(kvrec_bad_records(kr), 0);
}
END_TEST

/* The stream's handled offset: past the last record, after an error. */
START_TEST(stream_handled)
{
	static const char text[] = "{\"value\":[" AZ_FULL ",\n" FULL ",\n{x";
	struct seen sn;

	ck_assert_int_eq(stream_n(text, sizeof(text) - 1, 7, &sn), -1);
	ck_assert_uint_eq(sn.n, 2);
	ck_assert_uint_eq(kvrec_stream_handled(kr),
	    sizeof(text) - 1 - strlen(",\n{x"));
	ck_assert_uint_ge(kvrec_stream_error_offset(kr), sizeof(text) - 2);
}
END_TEST

/*
 * The Key Vault rows of tests/data/kv-query-api.json: AZKVAuditLogs rows
 * and AzureDiagnostics rows, as the query API answers, pretty-printed.
 */
START_TEST(query_api_file)
{
	struct seen sn;
	char	*text = slurp_data("kv-query-api.json", NULL);

	records_everyway(text, &sn, KVREC_EVENT);
	ck_assert_uint_eq(sn.n, 6);
	assert_seen(&sn, 0, KVREC_EVENT, "203.0.113.10");
	ck_assert_int_eq(sn.r[0].time, kt("2026-03-05T10:00:00.1234567Z"));
	ck_assert_str_eq(sn.r[0].val[KV_SUBSCRIPTIONID],
	    "11111111-2222-3333-4444-555555555555");
	ck_assert_str_eq(sn.r[0].val[KV_OPERATIONNAME], "SecretGet");
	ck_assert_str_eq(sn.r[0].val[KV_RESULTTYPE], "Success");
	ck_assert_str_eq(sn.r[0].val[KV_CORRELATIONID], "qa-1");
	ck_assert_str_eq(sn.r[0].val[KV_ID_S],
	    "https://kv1.vault.azure.net/secrets/db-password");
	ck_assert_str_eq(sn.r[0].val[KV_CLIENTINFO_S], "AzureCLI/2.60.0");
	ck_assert_int_eq(sn.r[0].type[KV_HTTPSTATUSCODE_D], JV_NUMBER);
	ck_assert_str_eq(sn.r[0].val[KV_HTTPSTATUSCODE_D], "200");
	ck_assert_str_eq(sn.r[0].val[KV_APPID_G], "app-qa-1");
	ck_assert_str_eq(sn.r[0].val[KV_OBJECTID_G], "oid-qa-1");
	assert_seen(&sn, 1, KVREC_EVENT, "198.51.100.7");
	ck_assert_str_eq(sn.r[1].val[KV_SUBSCRIPTIONID],
	    "66666666-7777-8888-9999-000000000000");
	assert_seen(&sn, 2, KVREC_EVENT, "198.51.100.99");
	assert_seen(&sn, 3, KVREC_EVENT, "192.0.2.1");
	ck_assert_int_eq(sn.r[3].type[KV_APPID_G], JV_ABSENT);
	ck_assert_str_eq(sn.r[3].val[KV_SUBSCRIPTIONID],
	    "66666666-7777-8888-9999-000000000000");
	assert_seen(&sn, 4, KVREC_EVENT, "192.0.2.2");
	ck_assert_int_eq(sn.r[4].time, kt("2026-03-05T11:00:00.5Z"));
	ck_assert_str_eq(sn.r[4].val[KV_RESOURCEID], "/SUBSCRIPTIONS/"
	    "11111111-2222-3333-4444-555555555555/RESOURCEGROUPS/RG/PROVIDERS/"
	    "MICROSOFT.KEYVAULT/VAULTS/KV1");
	ck_assert_str_eq(sn.r[4].val[KV_SUBSCRIPTIONID],
	    "11111111-2222-3333-4444-555555555555");
	ck_assert_str_eq(sn.r[4].val[KV_ID_S],
	    "https://kv1.vault.azure.net/secrets/api-key");
	ck_assert_str_eq(sn.r[4].val[KV_HTTPSTATUSCODE_D], "200");
	ck_assert_str_eq(sn.r[4].val[KV_APPID_G], "app-qd-1");
	ck_assert_str_eq(sn.r[4].val[KV_OBJECTID_G], "oid-qd-1");
	assert_seen(&sn, 5, KVREC_NOT_VAULT, NULL);
	free(text);
}
END_TEST

Suite *
kvrec_suite(void)
{
	Suite	*s = suite_create("kvrec");
	TCase	*tc;

	tc = tcase_create("Core");
	tcase_add_checked_fixture(tc, kr_setup, kr_teardown);
	tcase_add_test(tc, event_full);
	tcase_add_test(tc, member_names);
	tcase_add_test(tc, event_address_verbatim);
	tcase_add_test(tc, event_member_types);
	tcase_add_test(tc, event_duplicates_last);
	tcase_add_test(tc, vault_filter);
	tcase_add_test(tc, no_time);
	tcase_add_test(tc, event_times);
	tcase_add_test(tc, no_address);
	tcase_add_test(tc, malformed);
	tcase_add_test(tc, blank);
	tcase_add_test(tc, framing);
	suite_add_tcase(s, tc);

	tc = tcase_create("Shapes");
	tcase_add_checked_fixture(tc, kr_setup, kr_teardown);
	tcase_add_test(tc, rl_vault_filter);
	tcase_add_test(tc, az_vault_filter);
	tcase_add_test(tc, shape_order);
	tcase_add_test(tc, rl_members);
	tcase_add_test(tc, rl_members_own_names);
	tcase_add_test(tc, rl_subscription);
	tcase_add_test(tc, az_members);
	tcase_add_test(tc, ad_members_own_names);
	tcase_add_test(tc, empty_key_below_field);
	suite_add_tcase(s, tc);

	tc = tcase_create("Records");
	tcase_add_checked_fixture(tc, kr_setup, kr_teardown);
	tcase_add_test(tc, records_one_object);
	tcase_add_test(tc, records_envelope);
	tcase_add_test(tc, records_empty_envelope);
	tcase_add_test(tc, records_envelope_nonobjects);
	tcase_add_test(tc, records_top_array);
	tcase_add_test(tc, records_syntax_error);
	tcase_add_test(tc, records_blank);
	tcase_add_test(tc, records_stop);
	tcase_add_test(tc, records_prefixes);
	suite_add_tcase(s, tc);

	tc = tcase_create("REST shapes");
	tcase_add_checked_fixture(tc, kr_setup, kr_teardown);
	tcase_add_test(tc, rest_value_list);
	tcase_add_test(tc, query_api_azkv);
	tcase_add_test(tc, az_subscription_from_resourceid);
	tcase_add_test(tc, query_api_bad_rows);
	tcase_add_test(tc, stream_handled);
	tcase_add_test(tc, query_api_file);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	tcase_add_checked_fixture(tc, kr_setup, kr_teardown);
	tcase_add_test(tc, length_respected);
	tcase_add_test(tc, parses_independent);
	tcase_add_test(tc, long_record);
	suite_add_tcase(s, tc);

	tc = tcase_create("Alert");
	tcase_add_checked_fixture(tc, ix_setup, ix_teardown);
	tcase_add_test(tc, utf8_validator);
	tcase_add_test(tc, alert_exact);
	tcase_add_test(tc, alert_member_order);
	tcase_add_test(tc, alert_indicator_nulls);
	tcase_add_test(tc, alert_confidence_zero);
	tcase_add_test(tc, alert_log_nulls);
	tcase_add_test(tc, alert_log_types);
	tcase_add_test(tc, alert_times);
	tcase_add_test(tc, alert_status_code);
	tcase_add_test(tc, alert_status_code_strtod);
	tcase_add_test(tc, alert_invalid_utf8);
	tcase_add_test(tc, alert_indicator_bytes);
	tcase_add_test(tc, alert_two_lines);
	tcase_add_test(tc, alert_resource_log);
	tcase_add_test(tc, alert_resource_log_nulls);
	tcase_add_test(tc, alert_azkv);
	tcase_add_test(tc, alert_envelope);
	suite_add_tcase(s, tc);
	return s;
}
