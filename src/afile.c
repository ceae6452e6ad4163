/*
 * afile.c: a temporary file beside the target, fsync, rename, fsync of
 * the directory.  See afile.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "afile.h"
#include "xalloc.h"

#define CREATE_TRIES	100	/* Names tried before giving up. */

static int	(*hook_fn)(void *, enum afile_step, const char *);
static void	*hook_arg;

void
afile_set_hook(int (*hook)(void *, enum afile_step, const char *),
    void *arg)
{
	hook_fn = hook;
	hook_arg = arg;
}

/* Run the hook before step s on path: 0 to go on, or -1 with errno. */
static int
step(enum afile_step s, const char *path)
{
	int	 e;

	if (hook_fn == NULL || (e = hook_fn(hook_arg, s, path)) == 0)
		return 0;
	errno = e;
	return -1;
}

int
afile_write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n > (1 << 30) ? (1 << 30) : n);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Six letters or digits, new at each call and in each process. */
static void
suffix(char out[7], unsigned try)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789";
	static uint64_t	 calls;
	struct timespec	 ts;
	uint64_t	 x;
	int		 i;

	clock_gettime(CLOCK_REALTIME, &ts);
	x = (uint64_t)getpid() << 32 ^ (uint64_t)ts.tv_nsec ^
	    (uint64_t)ts.tv_sec << 20 ^ ++calls * 0x9E3779B97F4A7C15ULL ^ try;
	x = (x ^ x >> 31) * 0xBF58476D1CE4E5B9ULL;
	x ^= x >> 29;
	for (i = 0; i < 6; i++, x /= sizeof(set) - 1)
		out[i] = set[x % (sizeof(set) - 1)];
	out[6] = '\0';
}

/*
 * Create a new file "DIR/TAG.XXXXXX" beside path.  Returns its descriptor
 * and sets *tmpp (free it), or -1 with errno.
 */
static int
create_temp(const char *path, const char *tag, mode_t mode, char **tmpp)
{
	const char *slash = strrchr(path, '/');
	int	 dlen = slash == NULL ? 0 : (int)(slash - path) + 1;
	size_t	 size = (size_t)dlen + strlen(tag) + 8;
	char	*tmp = xmalloc(size), sfx[7];
	unsigned try;
	int	 fd = -1;

	for (try = 0; try < CREATE_TRIES; try++) {
		suffix(sfx, try);
		snprintf(tmp, size, "%.*s%s.%s", dlen, path, tag, sfx);
		if (step(AFILE_CREATE, tmp) == -1)
			break;
		fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
		if (fd != -1 || errno != EEXIST)
			break;
	}
	if (fd == -1) {
		int	 saved = errno;

		free(tmp);
		errno = saved;
		return -1;
	}
	*tmpp = tmp;
	return fd;
}

/* Make the rename in path's directory durable; failures are ignored. */
static void
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char	*dir;
	int	 dfd, saved = errno;

	if (slash == NULL)
		dir = xstrndup(".", 1);
	else
		dir = xstrndup(path, slash == path ? 1 :
		    (size_t)(slash - path));
	if (step(AFILE_FSYNC_DIR, dir) == 0 &&
	    (dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(dfd);
		close(dfd);
	}
	free(dir);
	errno = saved;
}

int
afile_replace(const char *path, const char *tag, mode_t mode,
    int (*fill)(void *, int), void *arg)
{
	char	*tmp;
	int	 fd, saved;

	if ((fd = create_temp(path, tag, mode, &tmp)) == -1)
		return -1;
	if (step(AFILE_FILL, tmp) == -1 || fill(arg, fd) == -1 ||
	    step(AFILE_FSYNC, tmp) == -1 || fsync(fd) == -1)
		goto fail;
	saved = step(AFILE_CLOSE, tmp);
	if (close(fd) == -1 || saved == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (step(AFILE_RENAME, path) == -1 || rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	sync_dir(path);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	errno = saved;
	return -1;
}
