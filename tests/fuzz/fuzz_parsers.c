/*
 * fuzz_parsers.c: libFuzzer harness for the address and time parsers
 * (addr.c, ktime.c), each given the whole input.
 *
 * Properties: no parser reads outside its input; an address that parses
 * formats to text that parses to the same address, and that text is
 * canonical (formatting it again gives it back); an instant that parses
 * and lies in years 0001-9999 formats to text that parses to it; any
 * 64-bit tick count formats (clamped to those years) to text that parses
 * to the clamped value; a duration that parses is not negative.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "fuzz.h"
#include "ktime.h"

#define MIN_TICKS	(-62135596800LL * KTIME_TICKS_PER_SEC)
#define MAX_TICKS	(253402300800LL * KTIME_TICKS_PER_SEC - 1)

static void
check_addr(const char *s, size_t len)
{
	struct addr	 a, b;
	char		 text[ADDR_STRLEN + 8], again[ADDR_STRLEN + 8];
	size_t		 n;

	if (addr_parse(s, len, &a) == -1)
		return;
	memset(text, 'X', sizeof(text));
	addr_format(&a, text);
	n = strlen(text);
	FUZZ_ASSERT(n < ADDR_STRLEN);
	FUZZ_ASSERT(addr_parse(text, n, &b) == 0);
	FUZZ_ASSERT(addr_cmp(&a, &b) == 0);
	addr_format(&b, again);
	FUZZ_ASSERT(strcmp(text, again) == 0);
	FUZZ_ASSERT(addr_is_v4(&a) == (strchr(text, ':') == NULL));
	(void)addr_excluded(&a);
}

static void
check_ktime(const char *s, size_t len)
{
	char	 buf[KTIME_STRLEN + 8];
	int64_t	 t, u;

	if (ktime_parse(s, len, &t) == -1)
		return;
	memset(buf, 'X', sizeof(buf));
	ktime_format(t, buf);
	FUZZ_ASSERT(strlen(buf) == KTIME_STRLEN - 1);
	FUZZ_ASSERT(ktime_parse(buf, strlen(buf), &u) == 0);
	if (t >= MIN_TICKS && t <= MAX_TICKS)
		FUZZ_ASSERT(u == t);
	else
		FUZZ_ASSERT(u == (t < MIN_TICKS ? MIN_TICKS : MAX_TICKS));
}

static void
check_ticks(const uint8_t *data, size_t size)
{
	char	 buf[KTIME_STRLEN];
	int64_t	 t = 0, u, want;
	size_t	 i;

	for (i = 0; i < 8 && i < size; i++)
		t = (int64_t)((uint64_t)t << 8 | data[i]);
	ktime_format(t, buf);
	FUZZ_ASSERT(strlen(buf) == KTIME_STRLEN - 1);
	FUZZ_ASSERT(ktime_parse(buf, strlen(buf), &u) == 0);
	want = t < MIN_TICKS ? MIN_TICKS : t > MAX_TICKS ? MAX_TICKS : t;
	FUZZ_ASSERT(u == want);
}

static void
check_duration(const uint8_t *data, size_t size)
{
	char	*s;
	int64_t	 ticks;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	if (ktime_parse_duration(s, &ticks) == 0)
		FUZZ_ASSERT(ticks >= 0);
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_addr((const char *)data, size);
	check_ktime((const char *)data, size);
	check_ticks(data, size);
	check_duration(data, size);
	return 0;
}
