#!/bin/sh
# kafka-sigkill.sh: what a SIGKILL of kv-match in mid-stream costs in the
# kcat recipe, measured on the mock cluster with real kcat.  Not part of
# make check (it prints figures; it fails only if the set-up fails).
#
# N records (unique CorrelationIds, every one a match) are produced to a
# 4-partition topic, 500 at a time, while one match-stage pipeline
# (kcat-pipeline.sh STAGE=match: kv-match --window 0s --key, so every
# record read gives exactly one keyed alert) reads them; once kv-match
# has read K bytes (/proc/PID/io), it gets SIGKILL.  The script stops the
# rest of its pipeline and exits 1, as under systemd; the pipeline is
# started again on the same group, reads
# on from the committed offsets, and is stopped cleanly at the end.  Then
# every record is looked for among the alerts:
#	lost		records with no alert (count and bytes)
#	repeated	records with more than one alert (count and bytes)
#
# Usage: sh tests/kafka-sigkill.sh [N [K]]   (defaults 30000 and 2000000;
# SIGKILL_BACKLOG=1 produces every record first)

top=$(cd "$(dirname "$0")/.." && pwd)
MOCKCLUSTER=${MOCKCLUSTER:-$top/build/std/tests/mockcluster}
KV_MATCH=${KV_MATCH:-$top/bin/kv-match}
TI_INDEX=${TI_INDEX:-$top/bin/ti-index}
RECIPE=$top/scripts/recipes/kcat-pipeline.sh
export KV_MATCH
n=${1:-30000}
k=${2:-2000000}

w=$(mktemp -d "${TMPDIR:-/tmp}/sigkill.XXXXXX") || exit 2
pids=
cleanup() {
	trap - EXIT INT TERM
	for p in $pids; do kill -TERM "$p" 2>/dev/null; done
	for p in $pids; do kill -KILL -"$p" 2>/dev/null; done
	exec 7>&-
	wait
	[ -n "${SIGKILL_KEEP:-}" ] || rm -rf "$w"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
until_() {
	_ue=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $_ue ] || return 1
		sleep 0.1
	done
}

mkfifo "$w/mc.in"
setsid "$MOCKCLUSTER" -t 300 logs:4 alerts:16 <"$w/mc.in" >"$w/bootstrap" &
pids="$pids $!"
exec 7>"$w/mc.in"
until_ 10 test -s "$w/bootstrap" || exit 2
BROKERS=$(cat "$w/bootstrap")
export BROKERS

i=1
while [ $i -le 250 ]; do echo "198.51.100.$i"; i=$((i + 1)); done >"$w/list"
"$TI_INDEX" -q --now 2026-03-02T00:00:00Z -o "$w/ti.idx" "$w/list" || exit 2
export INDEX=$w/ti.idx
awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
	printf("r%d\t{\"TimeGenerated\":\"2026-03-05T%02d:%02d:%02dZ\",\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"198.51.100.%d\",\"CorrelationId\":\"r%d\"}\n",
	    i, int(i / 3600) % 24, int(i / 60) % 60, i % 60, 1 + i % 250, i) }' >"$w/data"
# The records arrive while the pipeline runs, 500 at a time, as fast as
# one kcat -P after another sends them.
split -l 500 "$w/data" "$w/chunk."
setsid sh -c 'for f; do
	timeout 60 kcat -P -b "$BROKERS" -t logs -K "$(printf "\t")" \
	    -X sticky.partitioning.linger.ms=0 -q <"$f"
done' sh "$w"/chunk.* &
pids="$pids $!"
# SIGKILL_BACKLOG=1: every record is on the topic before the pipeline
# starts, so that kv-match is killed while catching up a backlog.
[ -z "${SIGKILL_BACKLOG:-}" ] || wait $!
setsid kcat -C -b "$BROKERS" -t alerts -o beginning -u -q -f '%s\n' \
    >"$w/alerts" 2>/dev/null &
pids="$pids $!"
has() { [ "$(grep -c . "$w/alerts")" -ge "$1" ]; }

start() {
	STAGE=match GROUP=g TOPIC=logs ALERT_TOPIC=alerts \
	    KCAT_OPTS="-X auto.offset.reset=earliest" \
	    setsid sh "$RECIPE" 2>>"$w/pipeline.err" &
	pp=$!
	pids="$pids $pp"
}

start
kv=
until_ 30 eval 'kv=$(ps -o pid= -o comm= --ppid "$pp" |
    awk '"'"'$2 == "kv-match" { print $1 }'"'"'); [ -n "$kv" ]' || exit 1
read_bytes() { awk '$1 == "rchar:" { print $2 }' "/proc/$kv/io" 2>/dev/null; }
while r=$(read_bytes) && [ "${r:-0}" -lt "$k" ]; do sleep 0.01; done
kill -KILL "$kv"
at=$(grep -c . "$w/alerts")
echo "sigkill: kv-match killed after reading ${r:-?} bytes, $at alerts on the topic then"
wait "$pp"
echo "sigkill: the pipeline exited $?"
start
until_ 120 has $((n - 4096)) || echo "sigkill: the restart did not catch up"
sleep 3
kill -TERM "$pp"
wait "$pp"
sleep 2

# Every record: how many alerts it has.
cut -f2 "$w/data" | jq -r .CorrelationId | sort >"$w/sent"
jq -r .CorrelationId <"$w/alerts" | sort | uniq -c |
    awk '{ print $2, $1 }' | sort >"$w/seen"
join -a 1 -e 0 -o 0,2.2 "$w/sent" "$w/seen" >"$w/counts"
# Bytes: each record's line as produced.
cut -f2 "$w/data" | awk '{ print length($0) + 1 }' >"$w/sizes"
cut -f2 "$w/data" | jq -r .CorrelationId | paste - "$w/sizes" |
    sort >"$w/bysize"
join "$w/counts" "$w/bysize" | awk -v n="$n" '
	$2 == 0 { lost++; lb += $3 }
	$2 > 1 { rep++; rb += ($2 - 1) * $3 }
	END { printf("sigkill: %d records; lost %d (%d bytes); repeated %d (%d bytes)\n",
	    n, lost, lb, rep, rb) }'
