/*
 * gendata: the benchmark's data generator (scripts/bench.sh builds and runs
 * it; it is not installed).  It writes, deterministically from a seed:
 *
 *   gendata ti N SEED
 *	N legacy Sentinel ThreatIntelligenceIndicator rows (NDJSON), all
 *	Active, generated in the four days before GD_NOW_TEXT (pass it to
 *	ti-index --now), expiring 30 days later.  Strings other than the
 *	IndicatorId and the address repeat, as in real feeds.
 *   gendata kv MB N SEED HITRATE
 *	About MB * 10^6 bytes of AzureDiagnostics Key Vault rows (NDJSON,
 *	about 1 KB a line, the members real rows carry) from GD_NOW_TEXT on.
 *	A fraction HITRATE of lines has the address of a random indicator
 *	row below N as CallerIPAddress; the others have addresses that are
 *	never indicators.  About 2% of lines hold a backslash escape in
 *	ResultDescription, as real exports sometimes do.
 *   gendata flood MB N SEED
 *	The same rows under a flood: every line has the address of one of
 *	indicator rows 0 to N-1 (N is small: 20 listed addresses hammering
 *	the vaults), and lines are 2 to 22 ms apart (about 300,000 an hour),
 *	so nearly every line matches and all but a few are suppressed.
 *   gendata addrs N SEED COUNT
 *	COUNT addresses of random indicator rows below N, one a line; every
 *	address of rows 0 to N-1 once, in row order, when COUNT >= N.
 *   gendata now | version
 *	The instant to pass to ti-index --now; the data's version (part of
 *	the cache key of scripts/bench.sh: change it when the output
 *	changes).
 *
 * The address of row i is a function of i and the seed (gendata.h), so the
 * log lines can hit chosen rows and bench_lookup can look them up without
 * reading the data.  The generator is a splitmix64 stream; output goes
 * through one large buffer, so it runs at hundreds of MB/s.
 */
#include <err.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gendata.h"

#define GD_VERSION	"3"
#define TICKS		10000000LL	/* 100 ns ticks a second. */
#define DAY		(86400LL * TICKS)
#define OBUF_SIZE	(1 << 20)
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static char	 obuf[OBUF_SIZE];
static size_t	 olen;
static uint64_t	 written;	/* Bytes handed to stdout so far. */

static void
flush_out(void)
{
	if (olen > 0 && fwrite(obuf, 1, olen, stdout) != olen)
		err(1, "write");
	written += olen;
	olen = 0;
}

/* Make room for n more bytes (n is small: one field). */
static inline void
reserve(size_t n)
{
	if (olen + n > sizeof(obuf))
		flush_out();
}

static inline void
out_mem(const char *s, size_t n)
{
	if (n > sizeof(obuf) / 2) {
		flush_out();
		if (fwrite(s, 1, n, stdout) != n)
			err(1, "write");
		written += n;
		return;
	}
	reserve(n);
	memcpy(obuf + olen, s, n);
	olen += n;
}

static inline void
out_str(const char *s)
{
	out_mem(s, strlen(s));
}

static inline void
out_u64(uint64_t v)
{
	char	 tmp[24];
	size_t	 n = 0;

	do
		tmp[sizeof(tmp) - ++n] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	out_mem(tmp + sizeof(tmp) - n, n);
}

/* n hex digits of v, most significant first. */
static inline void
out_hex(uint64_t v, int n, int upper)
{
	const char *hex = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	int	 k;

	reserve((size_t)n);
	for (k = n - 1; k >= 0; k--)
		obuf[olen++] = hex[(v >> (4 * k)) & 0xf];
}

/* A GUID made of the 128 bits a and b. */
static void
out_guid(uint64_t a, uint64_t b, int upper)
{
	out_hex(a >> 32, 8, upper);
	out_mem("-", 1);
	out_hex(a >> 16, 4, upper);
	out_mem("-", 1);
	out_hex(0x4000 | (a & 0x0fff), 4, upper);
	out_mem("-", 1);
	out_hex(0x8000 | (b >> 48 & 0x3fff), 4, upper);
	out_mem("-", 1);
	out_hex(b, 12, upper);
}

static inline void
out_2(unsigned v)
{
	char	 t[2] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10) };

	out_mem(t, 2);
}

/* Ticks since 1970 as Kusto writes them: 2025-01-08T00:00:00.0000000Z. */
static void
out_time(int64_t t)
{
	int64_t	 days = t / DAY, rem = t % DAY, z, era, doe, yoe, y, doy, mp;
	unsigned d, m;

	/* H. Hinnant's civil_from_days; only years after 1970 occur. */
	z = days + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (m <= 2)
		y++;
	out_u64((uint64_t)y);
	out_mem("-", 1);
	out_2(m);
	out_mem("-", 1);
	out_2(d);
	out_mem("T", 1);
	out_2((unsigned)(rem / (3600 * TICKS)));
	out_mem(":", 1);
	out_2((unsigned)(rem / (60 * TICKS) % 60));
	out_mem(":", 1);
	out_2((unsigned)(rem / TICKS % 60));
	out_mem(".", 1);
	{
		char	 f[7];
		int64_t	 frac = rem % TICKS;
		int	 k;

		for (k = 6; k >= 0; k--, frac /= 10)
			f[k] = (char)('0' + frac % 10);
		out_mem(f, 7);
	}
	out_mem("Z", 1);
}

static void
out_addr(uint64_t seed, uint64_t i)
{
	char	 buf[GD_ADDRLEN];

	out_mem(buf, gd_addr(seed, i, buf));
}

/* Write an element of a string table chosen at random. */
#define PICK(r, table)	out_str((table)[gd_below((r), NELEM(table))])

/* ---- Indicator rows --------------------------------------------------- */

static const char *const descriptions[] = {
	"Command and control server observed in active campaigns",
	"Botnet command and control (Emotet tier 1)",
	"Botnet command and control (QakBot)",
	"Cobalt Strike team server",
	"Cobalt Strike beacon staging server",
	"Sliver C2 framework server",
	"Brute Ratel C4 command and control",
	"Metasploit handler observed scanning",
	"IcedID command and control",
	"AsyncRAT command and control",
	"Remcos RAT command and control",
	"njRAT command and control",
	"Agent Tesla exfiltration server",
	"RedLine Stealer panel",
	"Raccoon Stealer v2 command and control",
	"Vidar stealer command and control",
	"Lumma Stealer command and control",
	"SystemBC proxy tier",
	"Mirai botnet scanner",
	"Mozi botnet peer",
	"Gafgyt botnet command and control",
	"Tor exit node",
	"Anonymising VPN exit used in password spray",
	"Residential proxy used in password spray",
	"Password spray source against Azure AD",
	"Credential stuffing source",
	"Brute force source (SSH)",
	"Brute force source (RDP)",
	"Mass scanner (ports 22, 23, 445, 3389)",
	"Exploitation attempts against Exchange (ProxyShell)",
	"Exploitation attempts against Log4j (CVE-2021-44228)",
	"Exploitation attempts against Citrix ADC",
	"Exploitation attempts against Fortinet SSL VPN",
	"Exploitation attempts against Ivanti Connect Secure",
	"Phishing kit hosting (Microsoft 365 lure)",
	"Phishing landing page (adversary in the middle)",
	"Malware download server",
	"Ransomware affiliate infrastructure",
	"Ransomware data leak site mirror",
	"Cryptomining pool proxy",
	"DDoS reflector abuse source",
	"Spam relay",
	"Known bad: watchlist from partner feed",
	"Nation-state actor infrastructure (high confidence)",
	"Nation-state actor infrastructure (medium confidence)",
	"Suspicious hosting provider range member",
	"Bulletproof hosting",
	"Token theft infrastructure",
	"OAuth consent phishing infrastructure",
	"Compromised host relaying attacks"
};

static const char *const threat_types[] = {
	"Botnet", "C2", "MaliciousUrl", "Malware", "Phishing", "Proxy",
	"WatchList", "CryptoMining", "DDoS", "Darknet"
};

static const char *const activity_groups[] = {
	"NOBELIUM", "STRONTIUM", "HAFNIUM", "NICKEL", "PHOSPHORUS", "DEV-0537",
	"Storm-0558", "Midnight Blizzard", "Forest Blizzard", "Mint Sandstorm",
	"Octo Tempest", "Volt Typhoon"
};

static const char *const urls[] = {
	"http://update-check.example.net/gate.php",
	"http://cdn-static.example.org/jquery.min.js",
	"https://login-microsoftonline.example.com/common/oauth2",
	"https://secure-docs.example.net/view",
	"http://files.example.org/invoice.zip",
	"https://api.example.com/v1/telemetry",
	"http://dl.example.net/payload.bin",
	"https://portal-office.example.org/signin",
	"http://mail.example.com/owa/auth.owa",
	"https://cdn.example.net/assets/app.js"
};

static const char *const tlp_levels[] = { "white", "green", "amber" };

static void
gen_ti(uint64_t n, uint64_t seed)
{
	struct gd_rng	 r;
	uint64_t	 i, tenant_a, tenant_b;
	int64_t		 now = GD_NOW_SECS * TICKS, tg;

	gd_seed(&r, seed, 0x74656e616e74ULL);
	tenant_a = gd_next(&r);
	tenant_b = gd_next(&r);
	for (i = 0; i < n; i++) {
		gd_seed(&r, seed, 0x7469000000000000ULL + i);
		tg = now - 1 - (int64_t)gd_below(&r, 4 * DAY);
		out_str("{\"TenantId\":\"");
		out_guid(tenant_a, tenant_b, 0);
		out_str("\",\"TimeGenerated\":\"");
		out_time(tg);
		out_str("\",\"SourceSystem\":\"SecurityGraph\","
		    "\"Action\":\"alert\",\"IndicatorId\":\"");
		out_guid(gd_next(&r), gd_next(&r), 1);
		out_str("\",\"Active\":true,\"ExpirationDateTime\":\"");
		out_time(tg + 30 * DAY);
		out_str("\",\"ConfidenceScore\":");
		out_u64(gd_below(&r, 101));
		out_str(",\"ThreatType\":\"");
		PICK(&r, threat_types);
		out_str("\",\"Description\":\"");
		PICK(&r, descriptions);
		out_str("\",\"ActivityGroupNames\":\"");
		if (gd_below(&r, 10) < 3)
			PICK(&r, activity_groups);
		out_str("\",\"TrafficLightProtocolLevel\":\"");
		PICK(&r, tlp_levels);
		out_str("\",\"Url\":\"");
		if (gd_below(&r, 100) < 15)
			PICK(&r, urls);
		out_str("\",\"NetworkIP\":\"");
		out_addr(seed, i);
		out_str("\",\"Type\":\"ThreatIntelligenceIndicator\"}\n");
	}
}

/* ---- Key Vault log lines ---------------------------------------------- */

#define NVAULTS	24
#define NAPPS	40
#define NSUBS	3

enum target { T_SECRET, T_SECRETS, T_KEY, T_KEYOP, T_CERT, T_VAULT };

static const struct op {
	const char	*name;
	enum target	 target;
	const char	*action;	/* Path suffix of key operations. */
	unsigned	 weight;
} ops[] = {
	{ "SecretGet",		T_SECRET,	NULL,		420 },
	{ "VaultGet",		T_VAULT,	NULL,		90 },
	{ "SecretList",		T_SECRETS,	NULL,		60 },
	{ "SecretSet",		T_SECRET,	NULL,		15 },
	{ "KeyGet",		T_KEY,		NULL,		80 },
	{ "KeySign",		T_KEYOP,	"sign",		60 },
	{ "KeyVerify",		T_KEYOP,	"verify",	20 },
	{ "KeyUnwrap",		T_KEYOP,	"unwrapkey",	90 },
	{ "KeyWrap",		T_KEYOP,	"wrapkey",	30 },
	{ "KeyDecrypt",		T_KEYOP,	"decrypt",	25 },
	{ "KeyEncrypt",		T_KEYOP,	"encrypt",	15 },
	{ "CertificateGet",	T_CERT,		NULL,		40 },
	{ "CertificateList",	T_CERT,		NULL,		10 },
	{ "Authentication",	T_VAULT,	NULL,		35 }
};

static const char *const rg_names[] = {
	"prod-payments-rg", "prod-identity-rg", "prod-web-rg", "shared-rg",
	"dev-platform-rg", "test-data-rg", "analytics-rg", "ops-monitoring-rg"
};

static const char *const vault_stems[] = {
	"kv-payments", "kv-identity", "kv-web", "kv-shared", "kv-platform",
	"kv-data", "kv-analytics", "kv-ops"
};

static const char *const secret_names[] = {
	"db-connection-string", "storage-account-key", "api-key-stripe",
	"sql-admin-password", "redis-password", "servicebus-connection",
	"eventhub-connection", "cosmos-primary-key", "jwt-signing-secret",
	"smtp-password", "github-deploy-token", "acr-pull-password",
	"aad-client-secret", "tls-cert-password", "webhook-secret",
	"backup-encryption-key", "sendgrid-api-key", "twilio-auth-token",
	"datadog-api-key", "pagerduty-token"
};

static const char *const key_names[] = {
	"cmk-storage", "cmk-sql", "signing-key", "jwt-rs256", "sops-key",
	"disk-encryption-key", "backup-kek", "token-signing"
};

static const char *const cert_names[] = {
	"wildcard-contoso-com", "api-contoso-com", "client-auth", "sso-saml"
};

static const char *const client_infos[] = {
	"azsdk-net-Security.KeyVault.Secrets/4.5.0 (.NET 8.0.4; "
	    "Microsoft Windows 10.0.20348)",
	"azsdk-net-Security.KeyVault.Keys/4.6.0 (.NET 6.0.36; "
	    "Linux 5.15.0-1057-azure #65-Ubuntu SMP)",
	"azsdk-python-keyvault-secrets/4.7.0 Python/3.11.4 "
	    "(Linux-5.15.0-1057-azure-x86_64-with-glibc2.35)",
	"azsdk-java-azure-security-keyvault-secrets/4.6.2 "
	    "(17.0.9; Linux; 5.15.0-1052-azure)",
	"azsdk-js-keyvault-secrets/4.8.0 core-rest-pipeline/1.13.0 "
	    "Node/v20.11.1 OS/(x64-Linux-5.15.0-1057-azure)",
	"AzureCLI/2.61.0 (DEB) azsdk-python-azure-keyvault/7.3 Python/3.11.8 "
	    "(Linux-6.5.0-1022-azure-x86_64-with-glibc2.35)",
	"PowerShell/7.4.1 Az.KeyVault/5.2.0",
	"FxVersion/4.8.9181.0 OSName/Windows OSVersion/Microsoft.Windows.10."
	    "0.17763. Microsoft.Azure.KeyVault.KeyVaultClient",
	"Go/go1.21.6 (amd64-linux) azsdk-go-azsecrets/v1.1.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
	"azure-resource-manager/2.0",
	"kubernetes-sigs/secrets-store-csi-driver-provider-azure/v1.5.2"
};

static const char *const api_versions[] = { "7.4", "7.4", "7.3", "7.5" };

struct vault {
	char		 name[32];	/* Lower case, as in host names. */
	char		 upper[32];
	const char	*rg;
	uint64_t	 sub_a, sub_b;
};

/* Write s in upper case. */
static void
out_upper(const char *s)
{
	size_t	 n = strlen(s), k;

	reserve(n);
	for (k = 0; k < n; k++)
		obuf[olen++] = (char)(s[k] >= 'a' && s[k] <= 'z' ?
		    s[k] - 'a' + 'A' : s[k]);
}

static void
out_resource_id(const struct vault *v, int upper)
{
	if (upper) {
		out_str("/SUBSCRIPTIONS/");
		out_guid(v->sub_a, v->sub_b, 1);
		out_str("/RESOURCEGROUPS/");
		out_upper(v->rg);
		out_str("/PROVIDERS/MICROSOFT.KEYVAULT/VAULTS/");
		out_str(v->upper);
	} else {
		out_str("/subscriptions/");
		out_guid(v->sub_a, v->sub_b, 0);
		out_str("/resourcegroups/");
		out_str(v->rg);
		out_str("/providers/microsoft.keyvault/vaults/");
		out_str(v->name);
	}
}

/* The version part of an object identifier: stable per vault and name. */
static void
out_version(const struct vault *v, const char *name)
{
	uint64_t h = gd_mix(v->sub_a);
	const char *p;

	for (p = v->name; *p != '\0'; p++)
		h = gd_mix(h ^ (unsigned char)*p);
	for (p = name; *p != '\0'; p++)
		h = gd_mix(h ^ (unsigned char)*p);
	out_hex(h, 16, 0);
	out_hex(gd_mix(h), 16, 0);
}

/*
 * Lines with increasing times, step_min to step_min + step_span ticks
 * apart.
 */
static void
gen_kv(uint64_t bytes, uint64_t n, uint64_t seed, double hitrate,
    int64_t step_min, uint64_t step_span)
{
	struct vault	 vaults[NVAULTS];
	uint64_t	 subs[NSUBS][2], apps[NAPPS][2], oids[NAPPS][2];
	uint64_t	 tenant_a, tenant_b, hit_below, a, b;
	struct gd_rng	 r;
	int64_t		 t = GD_NOW_SECS * TICKS;
	unsigned	 wsum = 0, w, k;

	gd_seed(&r, seed, 0x74656e616e74ULL);
	tenant_a = gd_next(&r);
	tenant_b = gd_next(&r);
	gd_seed(&r, seed, 0x6b76ULL);
	for (k = 0; k < NSUBS; k++) {
		subs[k][0] = gd_next(&r);
		subs[k][1] = gd_next(&r);
	}
	for (k = 0; k < NVAULTS; k++) {
		struct vault *v = &vaults[k];
		size_t	 j;

		snprintf(v->name, sizeof(v->name), "%s-%02u",
		    vault_stems[k % NELEM(vault_stems)], k);
		for (j = 0; j <= strlen(v->name); j++)
			v->upper[j] = (char)(v->name[j] >= 'a' &&
			    v->name[j] <= 'z' ? v->name[j] - 'a' + 'A' :
			    v->name[j]);
		v->rg = rg_names[k % NELEM(rg_names)];
		v->sub_a = subs[k % NSUBS][0];
		v->sub_b = subs[k % NSUBS][1];
	}
	for (k = 0; k < NAPPS; k++) {
		apps[k][0] = gd_next(&r);
		apps[k][1] = gd_next(&r);
		oids[k][0] = gd_next(&r);
		oids[k][1] = gd_next(&r);
	}
	for (k = 0; k < NELEM(ops); k++)
		wsum += ops[k].weight;
	hit_below = hitrate >= 1.0 ? UINT64_MAX :
	    (uint64_t)(hitrate * 18446744073709551616.0);

	while (written + olen < bytes) {
		const struct vault *v = &vaults[gd_below(&r, NVAULTS)];
		const struct op *op;
		const char	*name = NULL;
		const char	*api = api_versions[gd_below(&r,
		    NELEM(api_versions))];
		unsigned	 app = (unsigned)gd_below(&r, NAPPS);
		unsigned	 outcome = (unsigned)gd_below(&r, 1000);
		int		 user = gd_below(&r, 5) == 0;
		uint64_t	 addr;

		w = (unsigned)gd_below(&r, wsum);
		for (op = ops; w >= op->weight; op++)
			w -= op->weight;
		switch (op->target) {
		case T_SECRET:
			name = secret_names[gd_below(&r, NELEM(secret_names))];
			break;
		case T_KEY:
		case T_KEYOP:
			name = key_names[gd_below(&r, NELEM(key_names))];
			break;
		case T_CERT:
			name = cert_names[gd_below(&r, NELEM(cert_names))];
			break;
		default:
			break;
		}
		t += step_min + (int64_t)gd_below(&r, step_span);
		if (gd_next(&r) < hit_below)
			addr = gd_below(&r, n);
		else
			addr = GD_ROWS_MAX +
			    gd_below(&r, GD_SPACE - GD_ROWS_MAX);

		out_str("{\"TenantId\":\"");
		out_guid(tenant_a, tenant_b, 0);
		out_str("\",\"TimeGenerated\":\"");
		out_time(t);
		out_str("\",\"ResourceId\":\"");
		out_resource_id(v, 1);
		out_str("\",\"Category\":\"AuditEvent\",\"ResourceGroup\":\"");
		out_upper(v->rg);
		out_str("\",\"SubscriptionId\":\"");
		out_guid(v->sub_a, v->sub_b, 0);
		out_str("\",\"ResourceProvider\":\"MICROSOFT.KEYVAULT\","
		    "\"Resource\":\"");
		out_str(v->upper);
		out_str("\",\"ResourceType\":\"VAULTS\",\"OperationName\":\"");
		out_str(op->name);
		out_str("\",\"ResultType\":\"");
		/* 2% forbidden (with escapes), 1% unauthorized, 1% missing. */
		if (outcome < 20)
			out_str("Forbidden");
		else if (outcome < 30)
			out_str("Unauthorized");
		else if (outcome < 40 && name != NULL)
			out_str("NotFound");
		else
			out_str("Success");
		out_str("\",\"CorrelationId\":\"");
		a = gd_next(&r);
		b = gd_next(&r);
		out_guid(a, b, 0);
		out_str("\",\"ResultDescription\":\"");
		if (outcome < 10) {
			/* System.Text.Json writes ' as \u0027. */
			out_str("The user, group or application \\u0027appid=");
			out_guid(apps[app][0], apps[app][1], 0);
			out_str(";oid=");
			out_guid(oids[app][0], oids[app][1], 0);
			out_str(";iss=https://sts.windows.net/");
			out_guid(tenant_a, tenant_b, 0);
			out_str("/\\u0027 does not have secrets get permission "
			    "on key vault \\u0027");
			out_str(v->name);
			out_str(";location=westeurope\\u0027. For help "
			    "resolving this issue, please see "
			    "https://go.microsoft.com/fwlink/?linkid=2125287");
		} else if (outcome < 20) {
			out_str("Caller is not authorized to perform action "
			    "on resource.\\r\\nIf role assignments were "
			    "recently changed, please wait several minutes "
			    "for role assignments to become effective.\\r\\n"
			    "Action: \\\"Microsoft.KeyVault/vaults/secrets/"
			    "getSecret/action\\\"");
		} else if (outcome < 30)
			out_str("Unauthorized: the access token is expired.");
		else if (outcome < 40 && name != NULL) {
			out_str("A secret or key with (name/id) ");
			out_str(name);
			out_str(" was not found in this key vault.");
		}
		out_str("\",\"requestUri_s\":\"https://");
		out_str(v->name);
		out_str(".vault.azure.net/");
		switch (op->target) {
		case T_SECRET:
			out_str("secrets/");
			out_str(name);
			out_str("/");
			break;
		case T_SECRETS:
			out_str("secrets");
			break;
		case T_KEY:
			out_str("keys/");
			out_str(name);
			out_str("/");
			break;
		case T_KEYOP:
			out_str("keys/");
			out_str(name);
			out_str("/");
			out_version(v, name);
			out_str("/");
			out_str(op->action);
			break;
		case T_CERT:
			out_str("certificates/");
			out_str(name);
			out_str("/");
			break;
		case T_VAULT:
			break;
		}
		out_str("?api-version=");
		out_str(api);
		out_str("\",\"DurationMs\":");
		out_u64(gd_below(&r, 16) == 0 ? 40 + gd_below(&r, 900) :
		    1 + gd_below(&r, 40));
		out_str(",\"CallerIPAddress\":\"");
		out_addr(seed, addr);
		out_str("\",\"OperationVersion\":\"");
		out_str(api);
		out_str("\",\"ResultSignature\":\"");
		if (outcome < 20)
			out_str("Forbidden");
		else if (outcome < 30)
			out_str("Unauthorized");
		else if (outcome < 40 && name != NULL)
			out_str("Not Found");
		else
			out_str("OK");
		out_str("\",\"id_s\":\"https://");
		out_str(v->name);
		out_str(".vault.azure.net/");
		if (name != NULL) {
			out_str(op->target == T_SECRET ? "secrets/" :
			    op->target == T_CERT ? "certificates/" : "keys/");
			out_str(name);
			out_str("/");
			out_version(v, name);
		}
		out_str("\",\"clientInfo_s\":\"");
		PICK(&r, client_infos);
		out_str("\",\"httpStatusCode_d\":");
		out_u64(outcome < 20 ? 403 : outcome < 30 ? 401 :
		    outcome < 40 && name != NULL ? 404 : 200);
		out_str(",\"identity_claim_appid_g\":\"");
		out_guid(apps[app][0], apps[app][1], 0);
		out_str("\",\"isAccessPolicyMatch_b\":");
		out_str(outcome < 20 ? "false" : "true");
		if (user) {
			out_str(",\"identity_claim_http_schemas_microsoft_com_"
			    "identity_claims_objectidentifier_g\":\"");
			out_guid(oids[app][0], oids[app][1], 0);
			out_str("\",\"identity_claim_upn_s\":\"user");
			out_u64(app);
			out_str("@contoso.com\",\"identity_claim_idtyp_s\":"
			    "\"user\"");
		} else {
			out_str(",\"identity_claim_oid_g\":\"");
			out_guid(oids[app][0], oids[app][1], 0);
			out_str("\",\"identity_claim_appidacr_s\":\"2\","
			    "\"identity_claim_idtyp_s\":\"app\"");
		}
		out_str(",\"tlsVersion_s\":\"");
		out_str(gd_below(&r, 10) == 0 ? "TLS1_3" : "TLS1_2");
		out_str("\",\"Type\":\"AzureDiagnostics\",\"_ResourceId\":\"");
		out_resource_id(v, 0);
		out_str("\"}\n");
	}
}

/* ---- Addresses --------------------------------------------------------- */

static void
gen_addrs(uint64_t n, uint64_t seed, uint64_t count)
{
	struct gd_rng	 r;
	uint64_t	 i;

	gd_seed(&r, seed, 0x6164647273ULL);
	for (i = 0; i < count && i < n; i++) {
		out_addr(seed, count >= n ? i : gd_below(&r, n));
		out_mem("\n", 1);
	}
}

/* ---- Main -------------------------------------------------------------- */

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: gendata ti N SEED\n"
	    "       gendata kv MB N SEED HITRATE\n"
	    "       gendata flood MB N SEED\n"
	    "       gendata addrs N SEED COUNT\n"
	    "       gendata now | version\n");
	exit(2);
}

static uint64_t
number(const char *s, uint64_t min, uint64_t max)
{
	char		*end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0 || v < min || v > max)
		errx(2, "not a whole number from %llu to %llu: %s",
		    (unsigned long long)min, (unsigned long long)max, s);
	return v;
}

int
main(int argc, char *argv[])
{
	double	 rate;
	char	*end;

	gd_v6_share_env();
	if (argc == 2 && strcmp(argv[1], "now") == 0)
		puts(GD_NOW_TEXT);
	else if (argc == 2 && strcmp(argv[1], "version") == 0)
		puts(GD_VERSION);
	else if (argc == 4 && strcmp(argv[1], "ti") == 0)
		gen_ti(number(argv[2], 1, GD_ROWS_MAX), number(argv[3], 0,
		    UINT64_MAX));
	else if (argc == 5 && strcmp(argv[1], "addrs") == 0)
		gen_addrs(number(argv[2], 1, GD_ROWS_MAX),
		    number(argv[3], 0, UINT64_MAX),
		    number(argv[4], 0, UINT64_MAX));
	else if (argc == 6 && strcmp(argv[1], "kv") == 0) {
		errno = 0;
		rate = strtod(argv[5], &end);
		if (end == argv[5] || *end != '\0' || errno != 0 ||
		    !(rate >= 0.0 && rate <= 1.0))
			errx(2, "HITRATE: not a number from 0 to 1: %s",
			    argv[5]);
		gen_kv(number(argv[2], 0, UINT64_MAX / 1000000) * 1000000,
		    number(argv[3], 1, GD_ROWS_MAX),
		    number(argv[4], 0, UINT64_MAX), rate,
		    100000, 800000);	/* 10 to 90 ms apart. */
	} else if (argc == 5 && strcmp(argv[1], "flood") == 0)
		gen_kv(number(argv[2], 0, UINT64_MAX / 1000000) * 1000000,
		    number(argv[3], 1, GD_ROWS_MAX),
		    number(argv[4], 0, UINT64_MAX), 1.0,
		    20000, 200000);	/* 2 to 22 ms apart. */
	else
		usage();
	flush_out();
	if (fflush(stdout) == EOF || ferror(stdout))
		err(1, "write");
	return 0;
}
