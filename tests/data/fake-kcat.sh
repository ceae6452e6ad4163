#!/bin/sh
# fake-kcat.sh: a stand-in for kcat(1) in the recipe tests
# (tests/e2e/recipe-kcat*), installed there as "kcat" on PATH.
#
# It writes its arguments, one a line, to $FAKE_KCAT_DIR/args.consumer or
# args.producer.  Like kcat it refuses -C together with -G ("Do not mix
# modes").
#   -G (a consumer group member): writes the file $FAKE_KCAT_RECORDS to
#	stdout, then creates $FAKE_KCAT_DIR/consumed.  With FAKE_KCAT_HOLD
#	set it then waits, as a real consumer waits for more records, until
#	SIGTERM, and exits 0; otherwise it exits 0 at once.
#   -P (a producer): copies stdin to $FAKE_KCAT_DIR/produced but for
#	empty lines, which kcat does not produce; with
#	FAKE_KCAT_FAIL=N it exits N at once instead, reading nothing.

mode=
for a in "$@"; do
	case $a in
	-C|-G|-P)
		if [ -n "$mode" ] && [ "$mode" != "$a" ]; then
			echo "% ERROR: Do not mix modes: $a seen when $mode" \
			    "already set" >&2
			exit 1
		fi
		mode=$a;;
	esac
done
case $mode in
-G)
	trap 'exit 0' TERM
	printf '%s\n' "$@" >"$FAKE_KCAT_DIR/args.consumer"
	cat "$FAKE_KCAT_RECORDS" || exit 1
	: >"$FAKE_KCAT_DIR/consumed"
	if [ -n "${FAKE_KCAT_HOLD:-}" ]; then
		while :; do
			sleep 1 &
			wait $!
		done
	fi
	exit 0;;
-P)
	printf '%s\n' "$@" >"$FAKE_KCAT_DIR/args.producer"
	if [ -n "${FAKE_KCAT_FAIL:-}" ]; then
		exit "$FAKE_KCAT_FAIL"
	fi
	# Like kcat, no message for an empty line.
	exec sed -u '/^$/d' >"$FAKE_KCAT_DIR/produced";;
*)
	echo "fake kcat: no mode (-G or -P) in: $*" >&2
	exit 1;;
esac
