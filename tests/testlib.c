/*
 * testlib.c: helpers the unit test suites share (see testlib.h).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "addr.h"
#include "testlib.h"

uint64_t
rnd(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);

	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

char *
slurp_fd(int fd, size_t *lenp)
{
	struct stat	 sb;
	size_t		 cap = 4096, len = 0;
	char		*buf;
	ssize_t		 n;

	/* Room for the whole file at once, and a byte to see its end. */
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0)
		cap = (size_t)sb.st_size + 2;
	ck_assert_ptr_nonnull(buf = malloc(cap));
	for (;;) {
		if (len + 1 >= cap) {
			cap *= 2;
			ck_assert_ptr_nonnull(buf = realloc(buf, cap));
		}
		n = pread(fd, buf + len, cap - len - 1, (off_t)len);
		ck_assert_int_ge(n, 0);
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	if (lenp != NULL)
		*lenp = len;
	return buf;
}

void *
slurp(const char *path, size_t *lenp)
{
	char	*buf;
	int	 fd;

	ck_assert_msg((fd = open(path, O_RDONLY)) != -1, "%s", path);
	buf = slurp_fd(fd, lenp);
	close(fd);
	return buf;
}

void
spew(const char *path, const void *buf, size_t len)
{
	const unsigned char *p = buf;
	ssize_t	 n;
	int	 fd;

	ck_assert_msg((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) !=
	    -1, "%s", path);
	while (len > 0) {
		n = write(fd, p, len);
		ck_assert_int_gt(n, 0);
		p += n;
		len -= (size_t)n;
	}
	ck_assert_int_eq(close(fd), 0);
}

void
data_path(char *buf, size_t size, const char *name)
{
	const char *dir = getenv("TESTDATA");
	int	 n;

	n = snprintf(buf, size, "%s/%s", dir != NULL && *dir != '\0' ? dir :
	    "tests/data", name);
	ck_assert(n > 0 && (size_t)n < size);
}

void *
slurp_data(const char *name, size_t *lenp)
{
	char	 path[PATH_MAX];

	data_path(path, sizeof(path), name);
	return slurp(path, lenp);
}

/* $TMPDIR, or /tmp. */
static const char *
tmp_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && *dir != '\0' ? dir : "/tmp";
}

int
tmpfd(const void *data, size_t len)
{
	char	 path[PATH_MAX];
	int	 fd;

	snprintf(path, sizeof(path), "%s/check_unit.XXXXXX", tmp_dir());
	ck_assert_int_ne(fd = mkstemp(path), -1);
	unlink(path);
	if (data != NULL)
		ck_assert(write(fd, data, len) == (ssize_t)len);
	ck_assert(lseek(fd, 0, SEEK_SET) == 0);
	return fd;
}

void
scratch_dir(char *buf, size_t size, const char *name)
{
	int	 n;

	n = snprintf(buf, size, "%s/%s.XXXXXX", tmp_dir(), name);
	ck_assert(n > 0 && (size_t)n < size);
	ck_assert_ptr_nonnull(mkdtemp(buf));
}

void
rmtree(const char *dir)
{
	char		 path[PATH_MAX];
	struct dirent	*de;
	struct stat	 sb;
	DIR		*d;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (snprintf(path, sizeof(path), "%s/%s", dir,
			    de->d_name) >= (int)sizeof(path))
				continue;
			if (lstat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
				rmtree(path);
			else
				unlink(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

int
dir_entries(const char *dir)
{
	struct dirent	*de;
	DIR		*d = opendir(dir);
	int		 n = 0;

	ck_assert_msg(d != NULL, "%s", dir);
	while ((de = readdir(d)) != NULL)
		n += strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

uint16_t
le16(const unsigned char *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

uint32_t
le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint64_t
le64(const unsigned char *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

void
put16(unsigned char *p, uint16_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

void
put32(unsigned char *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

void
put64(unsigned char *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

struct tidx *
ix_finish(struct ingest *in, const char *dir, const char *name, int64_t now,
    int64_t lookback)
{
	struct tidx_builder *b = ingest_builder(in);
	struct tidx_params p;
	struct tidx *ix;
	char	 path[4096];

	p.build_time = p.now = now;
	p.lookback = lookback;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(ingest_finish(in, b), TIDX_OK);
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_OK);
	tidx_builder_free(b);
	ck_assert_int_eq(tidx_open(path, &ix), TIDX_OK);
	ck_assert_int_eq(tidx_verify(ix), TIDX_OK);
	return ix;
}

int
ix_find(struct tidx *ix, const char *addr, struct tidx_ind *ind)
{
	struct addr a;
	int64_t	 e;

	ck_assert_msg(addr_parse(addr, strlen(addr), &a) == 0,
	    "cannot parse %s", addr);
	if ((e = tidx_lookup(ix, &a)) < 0)
		return 0;
	ck_assert_int_eq(tidx_entry(ix, (uint64_t)e, ind), TIDX_OK);
	return 1;
}

void
str_is(const char *what, struct tidx_str s, const char *want)
{
	if (want == NULL) {
		ck_assert_msg(s.p == NULL, "%s: \"%.*s\", not null", what,
		    (int)s.len, s.p);
		return;
	}
	ck_assert_msg(s.p != NULL, "%s: null, not \"%s\"", what, want);
	ck_assert_msg(s.len == strlen(want) && memcmp(s.p, want, s.len) == 0,
	    "%s: \"%.*s\", not \"%s\"", what, (int)s.len, s.p, want);
}

void
text_is(const struct tidx_ind *ind, const char *addr, const char *want)
{
	struct addr a;
	char	 buf[ADDR_STRLEN];

	ck_assert_msg(addr_parse(addr, strlen(addr), &a) == 0,
	    "cannot parse %s", addr);
	str_is("address text", tidx_addr_text(ind, &a, buf), want);
}
