/*
 * state.h: the saved suppression table of kv-match --state (SPEC.md 6).
 *
 * kv-match keeps its dedup table (dedup.h) in a state file so that a
 * restarted kv-match does not alert again inside the window.  The file is
 * written whole, atomically (a temporary file in the same directory,
 * fsync, rename), and read whole at start.  A state file is untrusted
 * input: its lines, ids and keys are bounded, and a file that is damaged,
 * truncated or foreign in any way is refused as a whole, so that a table
 * is either restored completely or not at all.
 *
 * THE FORMAT, version 2.0
 *
 * A state file is text: lines, each one JSON object (RFC 8259) followed by
 * one newline (0x0A), with no other bytes before, between or after them.
 *
 *	line 1			the header
 *	lines 2 to n + 1	the n key lines, in no particular order
 *	line n + 2		the trailer, the last line of the file
 *
 * The writer puts the members in the order below, with no white space
 * between tokens, numbers as plain decimal integers, and strings with
 * only '"' and '\' escaped (as \" and \\).  Every time is an instant in
 * Kusto's form, UTC with seven fractional digits (ktime.h), and every
 * address is in canonical text (addr.h: a dotted quad for IPv4, RFC 5952
 * for IPv6).
 *
 * Header:
 *	MEMBER		VALUE
 *	"format"	"kv-match-state", exactly.  Anything else is a foreign
 *			file.
 *	"major"		2: the major version, an integer.
 *	"minor"		0: the minor version, an integer.
 *	"saved"		When the file was written (wall clock).
 *	"window_ticks"	The --window of the writer, in 100 ns ticks
 *			(36000000000 is one hour); at least 0.
 *	"max_delay_ticks" The --max-delay of the writer, in ticks; at least
 *			0.
 *	"writer"	The program that wrote it ("kv-match 0.1.0"); for
 *			people only, and optional.
 *
 * Key line, for a dedup key (an IndicatorId and an address):
 *	"IndicatorId"	The id as a JSON string, when it is valid UTF-8 and
 *			holds no control character (bytes 00-1F and 7F);
 *	"IndicatorIdHex" otherwise, instead: its bytes as pairs of lowercase
 *			hex digits ("ff00" is the two bytes FF 00).
 *			A key has exactly one of the two; the id is at most
 *			STATE_ID_MAX bytes.
 *	"Address"	The address.
 *	"Times"		An array of 1 to STATE_TIMES_PER_LINE event times of
 *			the key's alerts, ascending.  A key with more times
 *			takes several lines, each with some of them; a
 *			reader takes the union of a key's lines, and reads
 *			a lone string as an array of one.
 *
 * Trailer:
 *	"end"		true.  A line whose "end" is true is the trailer;
 *			every other line after the header is a key line.
 *	"keys"		n, the number of key lines.
 *	"crc32c"	The CRC-32C (crc32c.h) of every byte of the file
 *			before the trailer (the header and key lines with
 *			their newlines), as eight lowercase hex digits.
 *
 * An example, a table of one key with two alert times saved by a kv-match
 * with --window 1h and --max-delay 7d, its three lines wrapped here after
 * commas:
 *
 *	{"format":"kv-match-state","major":2,"minor":0,
 *	 "saved":"2026-03-05T10:00:07.0000000Z","window_ticks":36000000000,
 *	 "max_delay_ticks":6048000000000,"writer":"kv-match 0.1.0"}
 *	{"IndicatorId":"kv-ti-v4","Address":"203.0.113.10",
 *	 "Times":["2026-03-05T08:00:00.0000000Z",
 *	 "2026-03-05T10:00:00.0000000Z"]}
 *	{"end":true,"keys":1,"crc32c":"e667f97a"}
 *
 * (tests/check_state.c checks that this example is what state_save
 * writes.)  So "head -n -1 FILE | tail -n +2 | jq ." lists the keys.
 *
 * Major 1 (minor 0), the format before key lines held several times:
 * its header has no "max_delay_ticks", and its key lines have "Time",
 * the event time of the key's last alert, instead of "Times".  A reader
 * of major 2 reads a file of major 1 as the same table with one alert
 * time a key, and writes major 2 at its next save.
 *
 * Versions, as for the index (STYLE.md): a reader of major 2 reads every
 * minor of majors 1 and 2 and refuses every other major.  A later minor
 * may add members to any of the three kinds of line (a reader of an
 * earlier minor ignores them) but never changes the meaning of one,
 * removes one, or adds a kind of line; anything else is a new major.
 * The major is read from the header before anything else is checked, so
 * that a file of a later major is reported as such whatever its layout.
 * A file is always written in the writer's own version: members of a
 * later minor are not kept when a file is loaded and saved again.
 *
 * A reader accepts JSON white space between tokens and members in any
 * order, and refuses (STATE_DAMAGED, the table left as it was): an empty
 * file; a line longer than STATE_LINE_MAX bytes; a last line without its
 * newline; a line that is not a JSON object; a header without the
 * format, a major other than 1 or 2, or without minor, saved,
 * window_ticks, or (major 2) max_delay_ticks; a key line without an id,
 * with both ids, with an id over STATE_ID_MAX bytes, with an address that
 * does not parse, or (major 2) without Times, with an empty Times, more
 * than STATE_TIMES_PER_LINE of them or one that does not parse, or
 * (major 1) a Time that does not parse; no trailer; a trailer whose
 * count or checksum does not match; any byte after the trailer.
 */
#ifndef STATE_H
#define STATE_H

#include <stddef.h>
#include <stdint.h>

#include "dedup.h"

#define STATE_FORMAT	"kv-match-state"
#define STATE_MAJOR	2
#define STATE_MINOR	0
#define STATE_ID_MAX	4096	/* Longest IndicatorId kept, in bytes. */
#define STATE_LINE_MAX	16384	/* Longest line read, without newline. */
#define STATE_TIMES_PER_LINE 256 /* Most alert times on one key line. */

enum state_status {
	STATE_OK = 0,
	STATE_MISSING,		/* No file there: start empty. */
	STATE_DAMAGED,		/* Damaged, truncated or foreign. */
	STATE_IO		/* A system error: see errno. */
};

/* What state_load found. */
struct state_info {
	unsigned	 major, minor;	/* The file's version. */
	int64_t		 saved;		/* When it was written. */
	int64_t		 window;	/* The writer's window, ticks. */
	int64_t		 max_delay;	/* The writer's max_delay (0 in 1.x). */
	uint64_t	 keys;		/* Key lines in the file. */
	uint64_t	 restored;	/* Times handed to dedup_restore. */
	uint64_t	 dropped;	/* Past max_times: the oldest times. */
	uint64_t	 line;		/* STATE_DAMAGED: the bad line, from 1;
					   0 for the file as a whole. */
	const char	*reason;	/* STATE_DAMAGED: why, a static
					   string ("checksum mismatch"). */
};

/*
 * Write the keys of d to path, atomically: a temporary file in path's
 * directory (created with mode 0600), written, fsynced, and renamed over
 * path; the directory is then fsynced (a failure of that last step is
 * ignored: the file is in place).  window and max_delay (ticks) and saved
 * (an instant, usually ktime_now()) go into the header.  A key whose id is longer
 * than STATE_ID_MAX bytes is left out (it can then only alert again).
 * Returns STATE_OK, or STATE_IO with errno set, and then nothing is left
 * behind: path is as it was and the temporary file is removed.
 */
enum state_status state_save(const struct dedup *d, const char *path,
	    int64_t window, int64_t max_delay, int64_t saved);

/*
 * Read the state file at path (major 2, or major 1 converted) and
 * restore its keys' alert times into d with dedup_restore, whatever
 * window and max_delay they were saved with (d's own apply).  At most
 * max_times times are restored (0 is taken as 1): from a file holding
 * more, the newest are kept and the others counted in info->dropped.
 * The file is checked whole before the first time is restored, so on any
 * status but STATE_OK, d is left as it was; while it runs, the times
 * read (at most max_times) are held in memory besides the table, about
 * 60 bytes and the id each.  Returns:
 *	STATE_OK	the keys were restored;
 *	STATE_MISSING	there is no file at path (ENOENT): not an error,
 *			a first run starts empty;
 *	STATE_DAMAGED	the file is not a valid state file of major 1 or
 *			2 (info->line and info->reason say why);
 *	STATE_IO	it could not be read (errno: EISDIR for a directory,
 *			EINVAL for another file that is not a regular file).
 * info may be NULL; otherwise it is filled as far as the file was read.
 */
enum state_status state_load(struct dedup *d, const char *path,
	    size_t max_times, struct state_info *info);

/*
 * Move a damaged state file out of the way, so that it can be examined
 * and a fresh one written: rename path to "PATH.bad", or "PATH.bad.1",
 * "PATH.bad.2" and so on up to ".bad.999" when those exist (an existing
 * file is never replaced).  The new name is written to newpath (len
 * bytes).  Returns 0, or -1 with errno set (ENOENT: no file at path;
 * ENAMETOOLONG: newpath is too small; EEXIST: every name is taken) and
 * path left where it was.
 */
int	 state_set_aside(const char *path, char *newpath, size_t len);

/* A short text for a status ("damaged state file"); never NULL. */
const char *state_strerror(enum state_status st);

#endif /* STATE_H */
