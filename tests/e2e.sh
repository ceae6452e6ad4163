#!/bin/sh
# e2e.sh: end-to-end golden tests of ti-index and kv-match.
#
# Each case is a directory tests/e2e/NAME holding:
#   cmd     a shell script, run by sh in a fresh scratch directory, with
#           TI_INDEX, KV_MATCH (the binaries under test), DATA (tests/data)
#           and CASE (the case directory) set; it may use the helper
#           functions below;
#   stdin   (optional) the command's standard input, else /dev/null;
#   stdout, stderr, status   what the command must print and exit with.
# A case holding a file named "resplit" is run again with kv-match's reads
# cut to every size from 1 to 31 bytes (KV_MATCH_READ_SIZE; E2E_RESPLIT
# lists other sizes, as make check SANITIZE=1 does), and with
# regular files mapped (KV_MATCH_MAP=1) with reads of 7 bytes and of the
# default size, and must give the same stdout and status each time.
#
# Usage: sh tests/e2e.sh [NAME ...]; TI_INDEX and KV_MATCH may be set to
# other binaries; E2E_JOBS cases run at a time (2 by default).  Set E2E_UPDATE=1 to rewrite the expected files instead
# (then read the diff before committing it).

top=$(cd "$(dirname "$0")/.." && pwd)
TI_INDEX=${TI_INDEX:-$top/bin/ti-index}
KV_MATCH=${KV_MATCH:-$top/bin/kv-match}
DATA=$top/tests/data
RESPLIT=${E2E_RESPLIT:-$(i=1; while [ $i -le 31 ]; do echo $i; i=$((i + 1)); done)}
export TI_INDEX KV_MATCH DATA RESPLIT

pass=0
fail=0

# run CASE OUTDIR [READSIZE [MAP]]: run one case, leaving stdout, stderr
# and status in OUTDIR.
run() {
	dir=$1 out=$2
	work=$out/work
	rm -rf "$work"
	mkdir -p "$work"
	if [ -f "$dir/stdin" ]; then in=$dir/stdin; else in=/dev/null; fi
	(cd "$work" && CASE=$dir KV_MATCH_READ_SIZE=${3:-} \
	    KV_MATCH_MAP=${4:-} sh "$dir/cmd" <"$in" >"$out/stdout" \
	    2>"$out/stderr")
	echo $? >"$out/status"
}

# check DIR: run the case DIR (again with every read size when it asks),
# compare, and leave in $scratch/NAME/report what to print about it and
# in $scratch/NAME/result "pass" or "fail".
check() {
	dir=$1
	name=$(basename "$dir")
	out=$scratch/$name
	mkdir -p "$out"
	run "$dir" "$out"
	if [ -n "${E2E_UPDATE:-}" ]; then
		cp "$out/stdout" "$out/stderr" "$out/status" "$dir/"
	fi
	ok=1
	: >"$out/report"
	for f in stdout stderr status; do
		if ! diff -u "$dir/$f" "$out/$f" >"$out/$f.diff" 2>&1; then
			ok=0
			echo "FAIL $name: $f differs"
			sed 's/^/    /' "$out/$f.diff" | head -40
		fi
	done >>"$out/report"
	if [ $ok = 1 ] && [ -f "$dir/resplit" ]; then
		for n in $RESPLIT mapped7 mapped; do
			case $n in
			mapped7) run "$dir" "$out" 7 1; how="mapped, reads of 7" ;;
			mapped) run "$dir" "$out" "" 1; how="mapped" ;;
			*) run "$dir" "$out" $n; how="reads of $n bytes" ;;
			esac
			if ! cmp -s "$dir/stdout" "$out/stdout" ||
			    ! cmp -s "$dir/status" "$out/status"; then
				ok=0
				echo "FAIL $name: differs with $how"
				diff -u "$dir/stdout" "$out/stdout" | head -20
				break
			fi
		done >>"$out/report"
	fi
	if [ $ok = 1 ]; then echo pass; else echo fail; fi >"$out/result"
}

# Run by xargs below: sh e2e.sh --check SCRATCH DIR...
if [ "${1:-}" = --check ]; then
	scratch=$2
	shift 2
	for dir; do check "$dir"; done
	exit 0
fi

scratch=$(mktemp -d "${TMPDIR:-/tmp}/e2e.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT INT TERM

if [ $# -gt 0 ]; then
	cases=
	for n in "$@"; do cases="$cases $top/tests/e2e/$n"; done
else
	cases=$(ls -d "$top"/tests/e2e/*/ | sed 's,/$,,')
fi

# E2E_JOBS cases at a time (2 by default; each case has its own scratch
# and work directory); the reports are printed in the order of the cases.
jobs=${E2E_JOBS:-2}
if [ "$jobs" -gt 1 ]; then
	for dir in $cases; do echo "$dir"; done |
	    xargs -P "$jobs" -n 1 sh "$top/tests/e2e.sh" --check "$scratch"
else
	for dir in $cases; do check "$dir"; done
fi
for dir in $cases; do
	name=$(basename "$dir")
	cat "$scratch/$name/report" 2>/dev/null
	if [ "$(cat "$scratch/$name/result" 2>/dev/null)" = pass ]; then
		pass=$((pass + 1))
	else
		[ -f "$scratch/$name/result" ] || echo "FAIL $name: not run"
		fail=$((fail + 1))
	fi
done
echo "e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
