/*
 * check_afile.c: unit tests of afile.c, the atomic replace, and of the two
 * writers that use it (the index and the --state file).  A hook in
 * afile.c sees every step: the tests check the steps and their order
 * (the directory is fsynced after the rename), inject a failure at each
 * step, and check modes and close-on-exec.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "afile.h"
#include "dedup.h"
#include "state.h"
#include "tidx_build.h"

#include "check.h"
#include "testlib.h"

#define MAXSTEPS	16

/* What the hook saw, and the step it makes fail (-1: none). */
struct trace {
	enum afile_step	 step[MAXSTEPS];
	char		 path[MAXSTEPS][PATH_MAX];
	int		 n;
	int		 fail;		/* A step, or -1. */
};

static struct trace	 tr;
static char		 dir[PATH_MAX / 2];

static int
hook(void *arg, enum afile_step s, const char *path)
{
	struct trace *t = arg;

	if (t->n < MAXSTEPS) {
		t->step[t->n] = s;
		snprintf(t->path[t->n], PATH_MAX, "%s", path);
		t->n++;
	}
	return (int)s == t->fail ? EIO : 0;
}

static void
setup(void)
{
	scratch_dir(dir, sizeof(dir), "check_afile");
	memset(&tr, 0, sizeof(tr));
	tr.fail = -1;
	afile_set_hook(hook, &tr);
}

static void
teardown(void)
{
	afile_set_hook(NULL, NULL);
	rmtree(dir);
}

/* Write "new", checking that the descriptor is close-on-exec. */
static int
fill_new(void *arg, int fd)
{
	int	 fl = fcntl(fd, F_GETFD);

	*(int *)arg = fl != -1 && (fl & FD_CLOEXEC);
	return afile_write_all(fd, "new", 3);
}

/* The first bytes of path, as a string. */
static void
contents(const char *path, char *buf, size_t size)
{
	FILE	*f = fopen(path, "r");
	size_t	 n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* The index of step s in the trace, or -1. */
static int
seen(enum afile_step s)
{
	int	 i;

	for (i = 0; i < tr.n; i++)
		if (tr.step[i] == s)
			return i;
	return -1;
}

/* The write-ahead order: after the rename, the directory is fsynced. */
START_TEST(test_steps)
{
	static const enum afile_step want[] = { AFILE_CREATE, AFILE_FILL,
	    AFILE_FSYNC, AFILE_CLOSE, AFILE_RENAME, AFILE_FSYNC_DIR };
	char	 path[PATH_MAX], buf[16], pre[PATH_MAX];
	struct stat st;
	mode_t	 old = umask(022);
	int	 i, cloexec = 0;

	snprintf(path, sizeof(path), "%s/target", dir);
	ck_assert_int_eq(afile_replace(path, ".tag", 0666, fill_new,
	    &cloexec), 0);
	umask(old);
	ck_assert_int_eq(tr.n, 6);
	for (i = 0; i < 6; i++)
		ck_assert_int_eq(tr.step[i], want[i]);
	snprintf(pre, sizeof(pre), "%s/.tag.", dir);
	ck_assert_int_eq(strncmp(tr.path[0], pre, strlen(pre)), 0);
	ck_assert_uint_eq(strlen(tr.path[0]), strlen(pre) + 6);
	ck_assert_str_eq(tr.path[4], path);
	ck_assert_str_eq(tr.path[5], dir);
	ck_assert_int_eq(cloexec, 1);
	contents(path, buf, sizeof(buf));
	ck_assert_str_eq(buf, "new");
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0644);
	ck_assert_int_eq(dir_entries(dir), 1);
}
END_TEST

/* A path without a directory: the directory fsynced is ".". */
START_TEST(test_relative)
{
	char	 cwd[PATH_MAX];
	int	 cloexec;

	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	ck_assert_int_eq(chdir(dir), 0);
	ck_assert_int_eq(afile_replace("here", ".tag", 0600, fill_new,
	    &cloexec), 0);
	ck_assert_int_eq(chdir(cwd), 0);
	ck_assert_int_ge(seen(AFILE_FSYNC_DIR), 0);
	ck_assert_str_eq(tr.path[seen(AFILE_FSYNC_DIR)], ".");
	ck_assert_int_eq(access("here", F_OK), -1);	/* It is in dir. */
}
END_TEST

/*
 * A failure at any step up to the rename leaves the target as it was
 * and no temporary file; a failure of the directory's fsync is not
 * reported, the file being in place.
 */
START_TEST(test_faults)
{
	char	 path[PATH_MAX], buf[16];
	int	 s, cloexec, rc;
	FILE	*f;

	snprintf(path, sizeof(path), "%s/target", dir);
	for (s = AFILE_CREATE; s <= AFILE_FSYNC_DIR; s++) {
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs("old", f);
		fclose(f);
		tr.n = 0;
		tr.fail = s;
		errno = 0;
		rc = afile_replace(path, ".tag", 0600, fill_new, &cloexec);
		contents(path, buf, sizeof(buf));
		if (s == AFILE_FSYNC_DIR) {
			ck_assert_int_eq(rc, 0);
			ck_assert_str_eq(buf, "new");
		} else {
			ck_assert_int_eq(rc, -1);
			ck_assert_int_eq(errno, EIO);
			ck_assert_str_eq(buf, "old");
			ck_assert_int_eq(seen(AFILE_FSYNC_DIR), -1);
		}
		ck_assert_int_eq(dir_entries(dir), 1);
	}
}
END_TEST

/*
 * The index writer goes through the helper, its file 0666 less the
 * umask (other users' kv-match read it).
 */
START_TEST(test_index_writer)
{
	struct tidx_builder *b = tidx_builder_new();
	struct tidx_params p = { 0, 0, 0 };
	char	 path[PATH_MAX];
	struct stat st;
	mode_t	 old = umask(0);

	snprintf(path, sizeof(path), "%s/ti.idx", dir);
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_OK);
	umask(old);
	tidx_builder_free(b);
	ck_assert_int_ge(seen(AFILE_RENAME), 0);
	ck_assert_int_gt(seen(AFILE_FSYNC_DIR), seen(AFILE_RENAME));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0666);
	/* A failed write leaves nothing behind. */
	b = tidx_builder_new();
	tr.fail = AFILE_FSYNC;
	errno = 0;
	snprintf(path, sizeof(path), "%s/other.idx", dir);
	ck_assert_int_eq(tidx_builder_write(b, path, &p), TIDX_ERR_IO);
	ck_assert_int_eq(errno, EIO);
	tidx_builder_free(b);
	ck_assert_int_eq(dir_entries(dir), 1);
}
END_TEST

/* The state writer goes through the helper, its file private (0600). */
START_TEST(test_state_writer)
{
	struct dedup *d = dedup_new(0, 0, 10);
	char	 path[PATH_MAX];
	struct stat st;
	mode_t	 old = umask(0);

	snprintf(path, sizeof(path), "%s/state", dir);
	ck_assert_int_eq(state_save(d, path, 0, 0, 0), STATE_OK);
	umask(old);
	ck_assert_int_gt(seen(AFILE_FSYNC_DIR), seen(AFILE_RENAME));
	ck_assert_int_ge(seen(AFILE_RENAME), 0);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_int_eq(st.st_mode & 0777, 0600);
	dedup_free(d);
}
END_TEST

Suite *
afile_suite(void)
{
	Suite	*s = suite_create("afile");
	TCase	*tc = tcase_create("Core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_steps);
	tcase_add_test(tc, test_relative);
	tcase_add_test(tc, test_faults);
	tcase_add_test(tc, test_index_writer);
	tcase_add_test(tc, test_state_writer);
	suite_add_tcase(s, tc);
	return s;
}
