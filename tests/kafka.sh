#!/bin/sh
# kafka.sh: the kcat recipe (scripts/recipes/kcat-pipeline.sh) on a real
# Kafka-protocol cluster (librdkafka's mock cluster, tests/kafka/
# mockcluster.c) with real kcat, on loopback.
#
#   single	STAGE=single reading a backlog on a 4-partition topic: one
#		alert per burst, although kcat hands over one partition
#		after another, as one kv-match on the whole stream.
#   two-stage	3 matchers (STAGE=match, one consumer group) and 2
#		deduplicators (STAGE=dedup, PARTITION=0 and 1, --state):
#		one alert per burst, as one kv-match on the whole stream.
#   stop	SIGTERM to every pipeline at once while records are still
#		being produced: all exit 0.
#   restart	the pipelines started again on the same group, partitions
#		and state files; the first records produced again and a
#		new burst a key: nothing lost (every record read, every
#		keyed alert read once by the dedup stage), the match stage
#		resumes from its committed offsets (it reads again what
#		it read since its last commit: the mock refuses the commit
#		of a member leaving a group that is already rebalancing),
#		and only the new bursts alert (--state).
#   backlog	a dedup stage stopped while kcat holds records it has not
#		yet written into the pipe (kv-match held back until then):
#		not one of them is committed unread; the stage started
#		again reads every keyed alert once in all.
#
# The data: 40 indicator addresses, bursts of 5 records 5 minutes apart
# (shorter than the 1h window), bursts 3 hours apart, produced with a
# unique key a record so that they spread over the partitions.  Every
# record matches, so the keyed alerts of the match stage are the records.
#
# Every wait is bounded, and all of them together by KAFKA_BUDGET seconds
# (200; the cluster itself lives at most 420 s); the cluster and every process the script starts are stopped on
# success and on failure.  The matchers' consumer group is watched
# through kcat's debug output (-d cgrp) until every member holds its share
# of the partitions: data produced before that would be read after a
# rebalance, or from the end of the topic.  The kv-match counters
# (SIGUSR1, --stats) say when every record has been read.
#
# Usage: sh tests/kafka.sh (MOCKCLUSTER, KV_MATCH, TI_INDEX override the
# programs; KAFKA_KEEP=1 keeps the work directory).  Prints "kafka: N
# passed, M failed"; skipped (exit 0) without kcat, jq or the mock
# cluster.

top=$(cd "$(dirname "$0")/.." && pwd)
MOCKCLUSTER=${MOCKCLUSTER:-$top/build/std/tests/mockcluster}
KV_MATCH=${KV_MATCH:-$top/bin/kv-match}
TI_INDEX=${TI_INDEX:-$top/bin/ti-index}
RECIPE=$top/scripts/recipes/kcat-pipeline.sh
export KV_MATCH

for c in kcat jq; do
	if ! command -v $c >/dev/null; then
		echo "kafka: skipped (no $c)"
		exit 0
	fi
done
if [ ! -x "$MOCKCLUSTER" ]; then
	echo "kafka: skipped (no $MOCKCLUSTER)"
	exit 0
fi

# Every background job is started by setsid, in its own process group,
# so that one kill stops a job and its children.

pass=0
fail=0
w=$(mktemp -d "${TMPDIR:-/tmp}/kafka.XXXXXX") || exit 2
pipes=		# pipelines still running: NAME=PID ...
jobs_=		# other jobs (consumers of the output topics, producers)
mcpid=

# bwait: tests/jobwait.sh.
. "$top/tests/jobwait.sh"

cleanup() {
	trap - EXIT INT TERM
	for np in $pipes; do kill -TERM "${np#*=}" 2>/dev/null; done
	for np in $pipes; do bwait "${np#*=}" 10; done
	for p in $jobs_; do kill -TERM -"$p" 2>/dev/null; done
	for p in $jobs_; do bwait "$p" 5; done
	if [ -n "$mcpid" ]; then
		exec 7>&-
		bwait "$mcpid" 5
	fi
	[ -n "${KAFKA_KEEP:-}" ] || rm -rf "$w"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

t0=$(date +%s)
ok() { pass=$((pass + 1)); echo "ok   $* ($(($(date +%s) - t0)) s)"; }
ko() { fail=$((fail + 1)); echo "FAIL $* ($(($(date +%s) - t0)) s)"; }

# until_ SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds
# (0) or SECONDS have passed (1); never past the deadline of the whole
# script, so that a failure makes the waits after it short.
deadline=$(($(date +%s) + ${KAFKA_BUDGET:-200}))
until_() {
	_ue=$(($(date +%s) + $1))
	[ $_ue -le $deadline ] || _ue=$deadline
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $_ue ] || return 1
		sleep 0.1
	done
}

# The cluster lives while fd 7 (its stdin) is open, at most 150 s.
mkfifo "$w/mc.in"
setsid "$MOCKCLUSTER" -t 420 logs1:4 alerts1:2 logs2:4 alerts2:2 out2:1 \
    alerts3:1 out3:1 \
    <"$w/mc.in" >"$w/bootstrap" 2>"$w/mc.err" &
mcpid=$!
exec 7>"$w/mc.in"
until_ 10 test -s "$w/bootstrap"
BROKERS=$(cat "$w/bootstrap")
[ -n "$BROKERS" ] || { echo "kafka: no mock cluster"; cat "$w/mc.err"; exit 2; }
export BROKERS

# gen FIRST_HOUR NBURSTS: KEY<TAB>RECORD lines, NBURSTS bursts of every
# address, 3 hours apart from FIRST_HOUR of 2026-03-05.
gen() {
	awk -v h0="$1" -v nb="$2" 'BEGIN {
		for (b = 0; b < nb; b++)
			for (r = 0; r < 5; r++)
				for (k = 1; k <= 40; k++) {
					h = h0 + 3 * b
					printf("k%d-b%d-r%d\t{\"TimeGenerated\":\"2026-03-%02dT%02d:%02d:00Z\",\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"198.51.100.%d\",\"CorrelationId\":\"k%d b%d r%d\"}\n",
					    k, h, r, 5 + int(h / 24), h % 24, 5 * r, k, k, h, r)
				}
	}'
}
i=1
while [ $i -le 40 ]; do echo "198.51.100.$i"; i=$((i + 1)); done >"$w/list"
"$TI_INDEX" -q --now 2026-03-02T00:00:00Z -o "$w/ti.idx" "$w/list" || exit 2
export INDEX=$w/ti.idx

# produce TOPIC < KEYED_RECORDS
produce() {
	timeout 20 kcat -P -b "$BROKERS" -t "$1" -K "$(printf '\t')" \
	    -X sticky.partitioning.linger.ms=0 -q
}
# tail_topic TOPIC: keep $w/TOPIC.tail filled with the topic's messages.
tail_topic() {
	setsid kcat -C -b "$BROKERS" -t "$1" -o beginning -u -q -f '%s\n' \
	    >"$w/$1.tail" 2>/dev/null &
	jobs_="$jobs_ $!"
}
# lines FILE: its number of lines.
lines() { wc -l <"$1" | tr -d ' '; }
# has TOPIC N: $w/TOPIC.tail holds at least N messages.
has() { [ "$(lines "$w/$1.tail")" -ge "$2" ]; }
# read_topic TOPIC: every message on TOPIC now.
read_topic() {
	timeout 20 kcat -C -b "$BROKERS" -t "$1" -o beginning -e -q -f '%s\n'
}
# bursts: on stdin alerts, on stdout their bursts ("kN bH"), sorted.
bursts() { jq -r .CorrelationId | cut -d' ' -f1,2 | sort; }

# The consumers: new groups and partitions without a committed offset
# read from the start; the mock rebalances a group within 2 s (its delay
# is the session timeout less 1 s); offsets are committed every 0.5 s.
CONSUMER_OPTS="-X auto.offset.reset=earliest -X session.timeout.ms=3000 -X heartbeat.interval.ms=300 -X auto.commit.interval.ms=500"

# start NAME STAGE GROUP TOPIC ALERT_TOPIC [STATE [PARTITION]]
start() {
	STAGE=$2 GROUP=$3 TOPIC=$4 ALERT_TOPIC=$5 STATE=${6:-} \
	    PARTITION=${7:-} KCAT_OPTS="$CONSUMER_OPTS -d cgrp" \
	    KV_MATCH_OPTS=--stats setsid sh "$RECIPE" 2>"$w/$1.err" &
	pipes="$pipes $1=$!"
}
# signal SIG NAME...: send SIG to the pipelines NAME...
signal() {
	_ss=$1
	shift
	for _sn; do
		for _sp in $pipes; do
			[ "${_sp%%=*}" = "$_sn" ] && kill "-$_ss" "${_sp#*=}"
		done
	done
}
# stop NAME...: SIGTERM to the pipelines, wait for them (20 s at most);
# their exit statuses, one character each, in $sts.
stop() {
	signal TERM "$@"
	sts=
	for n; do
		rest=
		for np in $pipes; do
			if [ "${np%%=*}" = "$n" ]; then
				bwait "${np#*=}" 20
				sts=$sts$st
			else
				rest="$rest $np"
			fi
		done
		pipes=$rest
	done
}
# records NAME...: the records the kv-match of the pipelines NAME... read,
# in all, by their last counters (--stats at exit, or SIGUSR1).
records() {
	sum=0
	for n; do
		r=$(sed -n 's/.*"records":\([0-9]*\).*/\1/p' "$w/$n.err" |
		    tail -n 1)
		sum=$((sum + ${r:-0}))
	done
	echo $sum
}
# read_all N NAME...: SIGUSR1 to the pipelines until their kv-match have
# read N records in all (or 20 s have passed).
read_all_() {
	want=$1
	shift
	signal USR1 "$@"
	sleep 0.2
	[ "$(records "$@")" -ge "$want" ]
}
read_all() { until_ 20 read_all_ "$@"; }
# settled PARTITIONS NAME...: the pipelines NAME... are the members of one
# group, each in the steady state with its share of PARTITIONS in all.
settled() {
	want=$1
	shift
	sum=0
	for n; do
		case $(grep CGRPJOINSTATE "$w/$n.err" | tail -n 1) in
		*'-> steady'*) ;;
		*) return 1;;
		esac
		k=$(sed -n 's/.*new assignment of \([0-9]*\) partition.*/\1/p' \
		    "$w/$n.err" | tail -n 1)
		[ -n "$k" ] || return 1
		sum=$((sum + k))
	done
	[ "$sum" -eq "$want" ]
}

# ---- single: a backlog on 4 partitions --------------------------------
gen 0 3 >"$w/data1"
cut -f2 "$w/data1" >"$w/plain1"
"$KV_MATCH" -i "$INDEX" "$w/plain1" | bursts >"$w/want1"
produce logs1 <"$w/data1"
tail_topic alerts1
start s1 single g1 logs1 alerts1
until_ 30 has alerts1 120
read_all 600 s1
stop s1
read_topic alerts1 | bursts >"$w/got1"
if [ "$sts" = 0 ] && [ "$(records s1)" = 600 ] &&
    [ "$(lines "$w/want1")" = 120 ] && cmp -s "$w/want1" "$w/got1"; then
	ok "single stage, backlog on 4 partitions: 120 alerts, one per burst"
else
	ko "single stage: exit '$sts', $(records s1) records read," \
	    "$(lines "$w/got1") alerts, want 120; diff want got:"
	diff "$w/want1" "$w/got1" | head -5
	tail -n 3 "$w/s1.err"
fi

# ---- two-stage: 3 matchers, 2 deduplicators ---------------------------
tail_topic alerts2
tail_topic out2
for n in 1 2 3; do start m${n}a match m2 logs2 alerts2; done
for n in 0 1; do start d${n}a dedup d2 alerts2 out2 "$w/state$n" $n; done
if ! until_ 20 settled 4 m1a m2a m3a; then
	ko "two stages: the matchers' group did not settle"
	grep -h 'new assignment\|CGRPJOINSTATE' "$w"/m?a.err | tail -n 6
fi
produce logs2 <"$w/data1"
until_ 30 has out2 120
read_all 600 m1a m2a m3a
read_all 600 d0a d1a
sleep 0.3	# Anything extra would be on out2 by now.
bursts <"$w/out2.tail" >"$w/got2"
if [ "$(records m1a m2a m3a)" = 600 ] && [ "$(records d0a d1a)" = 600 ] &&
    cmp -s "$w/want1" "$w/got2"; then
	ok "two stages: 600 keyed alerts, 120 alerts, one per burst, as one kv-match"
else
	ko "two stages: $(records m1a m2a m3a) records matched," \
	    "$(records d0a d1a) keyed alerts read, $(lines "$w/got2") alerts," \
	    "want 120; diff want got:"
	diff "$w/want1" "$w/got2" | head -5
fi

# ---- stop: SIGTERM while records are being produced ----------------------
# 400 more records (2 bursts a key) in 16 batches; every pipeline stopped
# once some of them have gone through.
gen 12 2 >"$w/data2"
i=0
while [ $i -lt 16 ]; do
	sed -n "$((i * 25 + 1)),$((i * 25 + 25))p" "$w/data2" >"$w/data2.$i"
	i=$((i + 1))
done
setsid sh -c 'for f; do
	timeout 20 kcat -P -b "$BROKERS" -t logs2 -K "$(printf "\t")" \
	    -X sticky.partitioning.linger.ms=0 -q <"$f"
done' sh $(i=0; while [ $i -lt 16 ]; do echo "$w/data2.$i"; i=$((i + 1)); done) &
prod=$!
jobs_="$jobs_ $prod"
until_ 20 has alerts2 601
stop m1a m2a m3a d0a d1a
bwait "$prod" 30
got=$(records m1a m2a m3a)
if [ "$sts" = 00000 ]; then
	ok "SIGTERM: every pipeline exits 0 ($((got - 600)) of 400 records read first)"
else
	ko "SIGTERM: exit statuses $sts (m1 m2 m3 d0 d1)"
	for n in m1a m2a m3a d0a d1a; do
		grep -v '^%7' "$w/$n.err" | tail -n 2
	done
fi

# ---- restart: committed offsets and --state ----------------------------
for n in 1 2 3; do start m${n}b match m2 logs2 alerts2; done
for n in 0 1; do start d${n}b dedup d2 alerts2 out2 "$w/state$n" $n; done
until_ 20 settled 4 m1b m2b m3b ||
    echo "kafka: restart: the matchers' group did not settle"
gen 9 1 >"$w/data3"
cat "$w/data1" "$w/data3" | produce logs2
until_ 30 has out2 240
# The match stage may read again records from before the stop, so the
# number it reads is not known; the records of data3 are the last on
# every partition and read once: when all 200 are keyed alerts, it has
# read everything.  Then the dedup stage has read every keyed alert when
# its counters reach the number on alerts2.
b9() { grep -o '"CorrelationId":"k[0-9]* b9 r[0-9]"' "$w/alerts2.tail" |
    sort -u | grep -c .; }
matched_all() { [ "$(b9)" -eq 200 ]; }
deduped_all() {
	signal USR1 m1b m2b m3b d0b d1b
	sleep 0.2
	_k=$(lines "$w/alerts2.tail")
	[ $(($(records m1a m2a m3a) + $(records m1b m2b m3b))) -eq "$_k" ] &&
	    [ $(($(records d0a d1a) + $(records d0b d1b))) -eq "$_k" ]
}
until_ 30 matched_all
until_ 20 deduped_all
stop m1b m2b m3b d0b d1b
cat "$w/data1" "$w/data2" "$w/data1" "$w/data3" | cut -f2 |
    "$KV_MATCH" -i "$INDEX" | bursts >"$w/want4"
read_topic out2 | bursts >"$w/got4"
m=$(($(records m1a m2a m3a) + $(records m1b m2b m3b)))
d=$(($(records d0a d1a) + $(records d0b d1b)))
k=$(read_topic alerts2 | grep -c .)
# A member's last commit may be refused when the group is already
# rebalancing because another member left (the mock refuses it, as a
# broker may): the match stage then reads again what it read since its
# previous commit (on a loaded machine that can be more than the 400
# records produced around the stop, so no upper bound is asserted).
# Nothing is lost: every record read became a keyed alert, each read once
# by the dedup stage (one partition each, no rebalance), and its --state
# keeps the records read again from alerting.
if [ "$sts" = 00000 ] && [ "$m" -ge 1800 ] &&
    [ "$k" = "$m" ] && [ "$d" = "$k" ] && [ "$(lines "$w/want4")" = 240 ] &&
    cmp -s "$w/want4" "$w/got4"; then
	ok "restart: 1800 records, $((m - 1800)) read again by the match stage, every keyed alert deduplicated once, 240 alerts, one per burst"
else
	ko "restart: exits $sts; records matched $m (at least 1800), keyed" \
	    "alerts $k, read by dedup $d (as many); $(lines "$w/got4")" \
	    "alerts, want 240; diff want got:"
	diff "$w/want4" "$w/got4" | head -5
fi

# ---- backlog: a dedup stage stopped with records in kcat's hands ---------
# kcat -C takes records from librdkafka in batches; stopped, it drops the
# rest of the batch it holds, which must then not be committed.  The
# first pipeline's kv-match is a wrapper that waits for $w/go before it
# starts, so that kcat fills the pipe (64 KiB) and blocks writing with
# the rest of the 600 keyed alerts in its hands; then SIGTERM, then go.
cut -f2 "$w/data1" | "$KV_MATCH" -i "$INDEX" --window 0s --key >"$w/keyed3"
produce alerts3 <"$w/keyed3"
printf '#!/bin/sh\nn=200\nwhile [ ! -e "%s" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done\nexec "%s" "$@"\n' \
    "$w/go" "$KV_MATCH" >"$w/slowkv"
chmod +x "$w/slowkv"
tail_topic out3
real_kv=$KV_MATCH
KV_MATCH=$w/slowkv
start d3a dedup d3 alerts3 out3 "$w/state3" 0
KV_MATCH=$real_kv
# The consumer of d3a: its bytes written so far.  (kcat rewrites its
# arguments: ps shows "group.id d3".)
d3_written() {
	_p=$(ps -eo pid=,args= | awk '/kcat .*group\.id.d3 .*alerts3/ &&
	    !/awk/ { print $1; exit }')
	[ -n "$_p" ] && awk '$1 == "wchar:" { print $2 }' "/proc/$_p/io"
}
filled() { [ "$(d3_written)" -ge 60000 ] 2>/dev/null; }
if until_ 20 filled; then
	signal TERM d3a
	sleep 0.5
	: >"$w/go"
	stop d3a
	sts3=$sts
	start d3b dedup d3 alerts3 out3 "$w/state3" 0
	# SIGUSR1 (read_all) before the script has set its traps would end
	# it; by the time kcat writes to the log, they are set.
	until_ 10 test -s "$w/d3b.err"
	until_ 20 read_all_ 600 d3a d3b
	stop d3b
	sts3=$sts3$sts
	bursts <"$w/out3.tail" >"$w/got3"
	if [ "$sts3" = 00 ] && [ "$(records d3a d3b)" = 600 ] &&
	    cmp -s "$w/want1" "$w/got3"; then
		ok "dedup stage stopped with a batch in kcat's hands: all 600 keyed alerts read ($(records d3a) before the stop), 120 alerts"
	else
		ko "dedup stage stopped with a batch in kcat's hands: exits" \
		    "'$sts3', keyed alerts read $(records d3a) + $(records d3b)," \
		    "want 600 in all; $(lines "$w/got3") alerts, want 120"
	fi
else
	ko "backlog: the dedup stage's kcat did not fill its pipe"
	: >"$w/go"
fi

echo "kafka: $(($(date +%s) - t0)) s"
echo "kafka: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
