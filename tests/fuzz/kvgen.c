/*
 * kvgen.c: generate inputs for measuring kv-match's memory over a long
 * stream (not a test; see the Makefile's kvgen target).
 *
 *   kvgen ti N          N indicator rows, addresses 1.0.0.0 upwards.
 *   kvgen log BYTES N   about BYTES of Key Vault records: one in 16 has
 *                       one of the N indicator addresses as its caller
 *                       (in turn, so every address comes back), one in
 *                       1000 is malformed, and after every 2 GiB comes a
 *                       line of 20 MiB (over the default --max-line).
 *                       Event times advance 1 ms a record.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void
v4(uint32_t i, char *buf)
{
	uint32_t a = 0x01000000u + i;	/* 1.0.0.0 onwards. */

	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255);
}

static void
gen_ti(uint64_t n)
{
	char	 a[16];
	uint64_t i;

	for (i = 0; i < n; i++) {
		v4((uint32_t)i, a);
		printf("{\"TimeGenerated\":\"2026-03-01T00:00:00Z\","
		    "\"IndicatorId\":\"gen-%llu\",\"Active\":true,"
		    "\"ExpirationDateTime\":\"2027-01-01T00:00:00Z\","
		    "\"NetworkIP\":\"%s\",\"ThreatType\":\"C2\"}\n",
		    (unsigned long long)i, a);
	}
}

static void
gen_log(uint64_t bytes, uint64_t n)
{
	static char	 pad[20 * 1024 * 1024];
	char		 a[16];
	uint64_t	 out = 0, rec = 0, hit = 0, next_long = 1ULL << 31;
	long long	 ms;
	int		 len;

	memset(pad, 'x', sizeof(pad));
	while (out < bytes) {
		ms = (long long)rec;
		if (rec % 16 == 0)
			v4((uint32_t)(hit++ % n), a);
		else
			snprintf(a, sizeof(a), "198.18.%u.%u",
			    (unsigned)(rec >> 8) & 255, (unsigned)rec & 255);
		len = printf("{\"TimeGenerated\":\"2026-03-%02lld"
		    "T%02lld:%02lld:%02lld.%03lldZ\",\"ResourceId\":\"/SUB"
		    "SCRIPTIONS/0/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.KEYVAULT"
		    "/VAULTS/KV\",\"ResourceType\":\"VAULTS\",\"OperationName\":"
		    "\"SecretGet\",\"ResultType\":\"Success\",\"CorrelationId\":"
		    "\"%llu\",\"CallerIPAddress\":\"%s\",\"httpStatusCode_d\":"
		    "200}%s\n",
		    5 + ms / 86400000 % 20, ms / 3600000 % 24,
		    ms / 60000 % 60, ms / 1000 % 60, ms % 1000,
		    (unsigned long long)rec, a, rec % 1000 == 999 ? "}" : "");
		out += (uint64_t)len;
		rec++;
		if (out >= next_long) {
			fwrite(pad, 1, sizeof(pad), stdout);
			putchar('\n');
			out += sizeof(pad) + 1;
			next_long += 1ULL << 31;
		}
	}
}

int
main(int argc, char *argv[])
{
	if (argc == 3 && strcmp(argv[1], "ti") == 0)
		gen_ti(strtoull(argv[2], NULL, 10));
	else if (argc == 4 && strcmp(argv[1], "log") == 0)
		gen_log(strtoull(argv[2], NULL, 10),
		    strtoull(argv[3], NULL, 10));
	else {
		fprintf(stderr, "usage: kvgen ti N | kvgen log BYTES N\n");
		return 2;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
