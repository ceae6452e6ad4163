/*
 * afile.h: replacing a file atomically (SPEC.md sections 4 and 6).
 *
 * afile_replace() writes a new file beside the target and renames it over
 * the target, so that a reader sees the old file or the new one, whole,
 * never a mix, and nothing rewrites a file another process has mapped.
 * The steps, in order: create a temporary file in the target's directory
 * (O_CREAT | O_EXCL | O_CLOEXEC, with the caller's mode less the umask),
 * fill it, fsync it, close it, rename it over the target, fsync the
 * directory so that the rename itself is durable.
 */
#ifndef AFILE_H
#define AFILE_H

#include <sys/types.h>

#include <stddef.h>

/* The steps of afile_replace(), as the test hook sees them. */
enum afile_step {
	AFILE_CREATE,		/* path: the temporary file. */
	AFILE_FILL,		/* path: the temporary file. */
	AFILE_FSYNC,		/* path: the temporary file. */
	AFILE_CLOSE,		/* path: the temporary file. */
	AFILE_RENAME,		/* path: the target. */
	AFILE_FSYNC_DIR		/* path: the target's directory. */
};

/*
 * Replace the file at path with the bytes fill(arg, fd) writes to fd
 * (fill returns 0, or -1 with errno set).  The temporary file is named
 * "DIR/TAG.XXXXXX" (TAG such as ".ti-index") and created with mode less
 * the umask, as open(2) would (0666 for a file other users read, 0600
 * for a private one).  Returns 0, or -1 with errno set, and then path is
 * as it was and the temporary file is removed.  A failure of the last
 * step, the directory's fsync, is not reported: the new file is in
 * place by then.
 */
int	 afile_replace(const char *path, const char *tag, mode_t mode,
	    int (*fill)(void *arg, int fd), void *arg);

/* Write the n bytes at p to fd, whatever the short writes.  0, or -1. */
int	 afile_write_all(int fd, const void *p, size_t n);

/*
 * For tests: call hook(arg, step, path) before each step of every
 * afile_replace() from now on; a nonzero return makes the step fail with
 * that errno value (the fault is injected instead of the system call).
 * NULL removes the hook.
 */
void	 afile_set_hook(int (*hook)(void *arg, enum afile_step step,
	    const char *path), void *arg);

#endif /* AFILE_H */
