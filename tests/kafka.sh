#!/bin/sh
# kafka.sh: the kcat recipes on a real Kafka-protocol cluster (librdkafka's
# mock cluster, tests/kafka/mockcluster.c) with real kcat, on loopback.
#
#   single	scripts/recipes/kcat-pipeline.sh (STAGE=single) reading a
#		backlog on a 4-partition topic: one alert per burst,
#		although kcat hands over one partition after another.
#   two-stage	3 matchers (STAGE=match) and 2 deduplicators (STAGE=dedup,
#		--state): one alert per burst, as one kv-match on the whole
#		stream writes (data produced after the groups settled).
#   stop	SIGTERM to every pipeline: all exit 0, nothing lost or
#		repeated.
#   restart	the pipelines started again on the same groups and state
#		files, the same records produced again and a new burst a
#		key: only the new bursts alert.
#
# The data: 40 indicator addresses, 3 bursts each of 5 records 5 minutes
# apart (shorter than the 1h window), bursts 3 hours apart.
# Usage: MOCKCLUSTER=build/std/tests/mockcluster sh tests/kafka.sh
# Prints "kafka: N passed, M failed"; skipped (exit 0) without kcat.

top=$(cd "$(dirname "$0")/.." && pwd)
MOCKCLUSTER=${MOCKCLUSTER:-$top/build/std/tests/mockcluster}
KV_MATCH=${KV_MATCH:-$top/bin/kv-match}
TI_INDEX=${TI_INDEX:-$top/bin/ti-index}
RECIPE=$top/scripts/recipes/kcat-pipeline.sh
export KV_MATCH

if ! command -v kcat >/dev/null || [ ! -x "$MOCKCLUSTER" ]; then
	echo "kafka: skipped (no kcat or no $MOCKCLUSTER)"
	exit 0
fi

pass=0
fail=0
w=$(mktemp -d "${TMPDIR:-/tmp}/kafka.XXXXXX") || exit 2
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	exec 7>&- 2>/dev/null
	wait 2>/dev/null
	rm -rf "$w"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; }

# The cluster lives while fd 7 (its stdin) is open, at most 120 s.
mkfifo "$w/mc.in"
"$MOCKCLUSTER" -t 120 logs1:4 alerts1:2 logs2:4 alerts2:2 out2:1 \
    <"$w/mc.in" >"$w/bootstrap" 2>"$w/mc.err" &
pids="$pids $!"
exec 7>"$w/mc.in"
i=0
while [ ! -s "$w/bootstrap" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
BROKERS=$(cat "$w/bootstrap")
[ -n "$BROKERS" ] || { echo "kafka: no mock cluster"; cat "$w/mc.err"; exit 2; }
export BROKERS
KC="-X sticky.partitioning.linger.ms=0"

# gen FIRST_HOUR NBURSTS: the records, bursts of every key.
gen() {
	awk -v h0="$1" -v nb="$2" 'BEGIN {
		for (b = 0; b < nb; b++)
			for (r = 0; r < 5; r++)
				for (k = 1; k <= 40; k++)
					printf("{\"TimeGenerated\":\"2026-03-%02dT%02d:%02d:00Z\",\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"198.51.100.%d\",\"CorrelationId\":\"k%d b%d r%d\"}\n",
					    5 + int((h0 + 3 * b) / 24), (h0 + 3 * b) % 24, 5 * r, k, k, h0 + 3 * b, r)
	}'
}
i=1
while [ $i -le 40 ]; do echo "198.51.100.$i"; i=$((i + 1)); done >"$w/list"
"$TI_INDEX" -q --now 2026-03-02T00:00:00Z -o "$w/ti.idx" "$w/list" || exit 2
export INDEX=$w/ti.idx
gen 0 3 >"$w/data1"

# count TOPIC: the messages on it now.
count() {
	kcat -C -b "$BROKERS" -t "$1" -e -q -f '%s\n' 2>/dev/null | grep -c .
}
# wait_for TOPIC N SECONDS: until TOPIC holds N messages.
wait_for() {
	i=0
	while [ "$(count "$1")" -lt "$2" ] && [ $i -lt "$3" ]; do
		sleep 1
		i=$((i + 1))
	done
}
# bursts TOPIC: "alerts bursts" (distinct key-burst pairs).
bursts() {
	kcat -C -b "$BROKERS" -t "$1" -e -q -f '%s\n' 2>/dev/null |
	    jq -r '.CorrelationId' | awk '{ n++; b[$1 " " $2] = 1 }
	    END { m = 0; for (x in b) m++; print n + 0, m }'
}
# start NAME STAGE GROUP TOPIC ALERT_TOPIC [STATE]
start() {
	STAGE=$2 GROUP=$3 TOPIC=$4 ALERT_TOPIC=$5 STATE=${6:-} \
	    KCAT_OPTS="-X auto.offset.reset=earliest" \
	    sh "$RECIPE" 2>"$w/$1.err" &
	eval "pid_$1=$!"
	pids="$pids $!"
}
# stop NAME: SIGTERM; its exit status in $st.
stop() {
	eval "p=\$pid_$1"
	kill -TERM "$p"
	wait "$p"
	st=$?
}

# ---- single: a backlog on 4 partitions --------------------------------
kcat -P -b "$BROKERS" -t logs1 $KC <"$w/data1" 2>/dev/null
start s1 single g1 logs1 alerts1
wait_for alerts1 120 20
sleep 1
stop s1
got=$(bursts alerts1)
if [ "$got" = "120 120" ] && [ "$st" = 0 ]; then
	ok "single stage, backlog on 4 partitions: 120 alerts, one per burst"
else
	ko "single stage: got '$got' (alerts bursts), exit $st"
	cat "$w/s1.err"
fi

# ---- two-stage: 3 matchers, 2 deduplicators ---------------------------
for n in 1 2 3; do start m$n match m2 logs2 alerts2; done
for n in 1 2; do start d$n dedup d2 alerts2 out2 "$w/state$n"; done
sleep 8		# Let both groups settle their assignment.
kcat -P -b "$BROKERS" -t logs2 $KC <"$w/data1" 2>/dev/null
wait_for out2 120 30
sleep 2
got=$(bursts out2)
"$KV_MATCH" -i "$INDEX" "$w/data1" | jq -r .CorrelationId | sort >"$w/one"
kcat -C -b "$BROKERS" -t out2 -e -q -f '%s\n' 2>/dev/null |
    jq -r .CorrelationId | sort >"$w/two"
if [ "$got" = "120 120" ] && cmp -s "$w/one" "$w/two"; then
	ok "two stages: 120 alerts, one per burst, as one kv-match"
else
	ko "two stages: got '$got' (alerts bursts); diff one two:"
	diff "$w/one" "$w/two" | head -5
fi
echo "kafka: keyed alerts on alerts2: $(count alerts2) (every match)"

# ---- stop: SIGTERM loses and repeats nothing ---------------------------
sts=
for n in m1 m2 m3 d1 d2; do stop $n; sts="$sts$st"; done
got=$(bursts out2)
if [ "$sts" = 00000 ] && [ "$got" = "120 120" ]; then
	ok "SIGTERM: every stage exits 0, 120 alerts, none repeated"
else
	ko "SIGTERM: exits $sts, got '$got'"
fi

# ---- restart: committed offsets and --state ----------------------------
for n in 1 2 3; do start m$n match m2 logs2 alerts2; done
for n in 1 2; do start d$n dedup d2 alerts2 out2 "$w/state$n"; done
sleep 8
{ cat "$w/data1"; gen 9 1; } | kcat -P -b "$BROKERS" -t logs2 $KC 2>/dev/null
wait_for out2 160 30
sleep 2
got=$(bursts out2)
for n in m1 m2 m3 d1 d2; do stop $n; done
if [ "$got" = "160 160" ]; then
	ok "restart: records seen again give no alert, 40 new bursts 40"
else
	ko "restart: got '$got' (alerts bursts), want 160 160"
fi

echo "kafka: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
