#!/bin/sh
# units.sh: run the unit test binary in JOBS parallel shares (check_unit
# PART JOBS), print each share's report in turn, and fail when any share
# failed.  Usage: sh tests/units.sh CHECK_UNIT [JOBS]
unit=$1 jobs=${2:-2}
out=$(mktemp -d "${TMPDIR:-/tmp}/units.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT INT TERM
i=0
while [ $i -lt "$jobs" ]; do
	{ "$unit" $i "$jobs" >"$out/$i" 2>&1; echo $? >"$out/$i.rc"; } &
	i=$((i + 1))
done
wait
rc=0
i=0
while [ $i -lt "$jobs" ]; do
	cat "$out/$i"
	[ "$(cat "$out/$i.rc")" = 0 ] || rc=1
	i=$((i + 1))
done
exit $rc
