/*
 * fuzz_common.c: the helpers of fuzz.h.  This file is compiled without
 * the renaming of mmap, so it can call the real one for mappings that are
 * not of a file.
 */
#define _GNU_SOURCE		/* memfd_create */

#include <sys/mman.h>
#include <sys/types.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "tidx.h"
#include "tidx_build.h"

#define MAXMAPS	64

/* The heap copies handed out as mappings, to tell them in munmap. */
static struct {
	void	*p;
	size_t	 len;
} maps[MAXMAPS];

void *
fuzz_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	unsigned char *p;
	size_t	 got = 0;
	ssize_t	 n;
	int	 i;

	if (fd < 0 || (flags & MAP_ANONYMOUS) || (prot & PROT_WRITE))
		return mmap(addr, len, prot, flags, fd, off);
	if (len == 0) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	for (i = 0; i < MAXMAPS && maps[i].p != NULL; i++)
		;
	if (i == MAXMAPS || (p = malloc(len)) == NULL) {
		errno = ENOMEM;
		return MAP_FAILED;
	}
	while (got < len) {
		n = pread(fd, p + got, len - got, off + (off_t)got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			/* A real mapping reads zeros up to the page end. */
			memset(p + got, 0, len - got);
			break;
		}
		got += (size_t)n;
	}
	maps[i].p = p;
	maps[i].len = len;
	return p;
}

int
fuzz_munmap(void *p, size_t len)
{
	int	 i;

	for (i = 0; i < MAXMAPS; i++)
		if (maps[i].p == p && p != NULL) {
			if (maps[i].len != len)
				fuzz_fail(__FILE__, __LINE__,
				    "munmap length differs from mmap's");
			free(p);
			maps[i].p = NULL;
			return 0;
		}
	return munmap(p, len);
}

const char *
fuzz_file(const void *p, size_t len)
{
	static char	 path[64];
	static int	 fd = -1;
	const unsigned char *c = p;
	ssize_t		 n;

	if (fd == -1) {
		if ((fd = memfd_create("fuzz", 0)) == -1) {
			perror("memfd_create");
			abort();
		}
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) == -1) {
		perror("ftruncate");
		abort();
	}
	while (len > 0) {
		n = pwrite(fd, c, len, (off_t)(c - (const unsigned char *)p));
		if (n == -1) {
			perror("pwrite");
			abort();
		}
		c += n;
		len -= (size_t)n;
	}
	return path;
}

int
fuzz_utf8_valid(const unsigned char *s, size_t len)
{
	size_t	 i = 0, n, k;
	uint32_t cp;

	while (i < len) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
		} else
			return 0;
		if (len - i <= n)
			return 0;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		/* Overlong, surrogate, or past U+10FFFF. */
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) ||
		    (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += n + 1;
	}
	return 1;
}

void
fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "%s:%d: property broken: %s\n", file, line, what);
	abort();
}

struct tidx *
fuzz_index(struct tidx_builder *b, const struct tidx_params *p)
{
	char	 path[] = "/tmp/fuzz_index.XXXXXX";
	struct tidx *ix;
	int	 fd;

	if ((fd = mkstemp(path)) == -1)
		abort();
	close(fd);
	if (tidx_builder_write(b, path, p) != TIDX_OK ||
	    tidx_open(path, &ix) != TIDX_OK)
		abort();
	unlink(path);
	tidx_builder_free(b);
	return ix;
}
