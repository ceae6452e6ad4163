/*
 * utf8.c: UTF-8 checking for the JSON readers and writers.
 */
#include <stdint.h>
#include <string.h>

#include "utf8.h"

size_t
utf8_sanitize(char *out, const char *in, size_t len)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t	 i = 0, o = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t	 n;
		uint64_t w;

		/* Eight bytes of ASCII at a time, the common case. */
		if (len - i >= 8) {
			memcpy(&w, s + i, 8);
			if ((w & 0x8080808080808080ULL) == 0) {
				memcpy(out + o, &w, 8);
				o += 8;
				i += 8;
				continue;
			}
		}
		if (c < 0x80) {
			out[o++] = (char)c;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c >= 0xe0 && c <= 0xef)
			n = 2;
		else if (c >= 0xf0 && c <= 0xf4)
			n = 3;
		else
			goto bad;
		if (len - i <= n)
			goto bad;
		{
			size_t	 k;
			unsigned c1 = s[i + 1];

			for (k = 1; k <= n; k++)
				if ((s[i + k] & 0xc0) != 0x80)
					goto bad;
			/* Overlong forms, surrogates, beyond U+10FFFF. */
			if ((c == 0xe0 && c1 < 0xa0) ||
			    (c == 0xed && c1 > 0x9f) ||
			    (c == 0xf0 && c1 < 0x90) ||
			    (c == 0xf4 && c1 > 0x8f))
				goto bad;
		}
		memcpy(out + o, s + i, n + 1);
		o += n + 1;
		i += n + 1;
		continue;
bad:
		out[o++] = (char)0xef;
		out[o++] = (char)0xbf;
		out[o++] = (char)0xbd;
		i++;
	}
	return o;
}
