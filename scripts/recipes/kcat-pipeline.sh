#!/bin/sh
# kcat-pipeline.sh: run kv-match between two kcat processes, reading Key
# Vault log records from a Kafka or Event Hubs topic as one member of a
# consumer group, and producing the alerts to another topic:
#
#	kcat -G GROUP TOPIC | kv-match -i INDEX --state STATE | kcat -P -t ALERT_TOPIC
#
# but with each process started separately (through two FIFOs), so that
# the script knows every process id and can stop them in the order that
# loses nothing: on SIGTERM or SIGINT it stops the consumer only; kv-match
# then reads what is left in the pipe up to its end, writes those alerts,
# saves its state and exits; the producer sends what it was given and
# exits.  If any of the three ends by itself, the others are stopped the
# same way and the script exits 1, so that systemd (Restart=on-failure)
# starts the pipeline again.  SIGHUP and SIGUSR1 are passed to kv-match
# (reload the index; print the counters).
#
# Environment (kv-match.env.example shows a full set):
#	BROKERS		Bootstrap servers.  Event Hubs: NAMESPACE.servicebus.windows.net:9093
#	GROUP		Consumer group.  Every instance of the pipeline uses the
#			same group: the topic's partitions are shared among them.
#	TOPIC		The topic (event hub) holding the log records.
#	ALERT_TOPIC	The topic (event hub) the alerts go to.
#	PARTITION	Empty (the default): join GROUP, which shares TOPIC's
#			partitions among its members and moves them when one
#			comes or goes.  A number: read that partition alone
#			(kcat -C -p PARTITION -o stored), committing the
#			offsets under GROUP all the same.  The dedup stage
#			wants this, one instance per partition of the alert
#			topic, each with its own STATE: every alert of a key
#			then meets the same dedup table, whatever happens to
#			the group (a rebalance would hand a partition, and its
#			keys, to a process whose state has never seen them).
#	STAGE		single (the default): match and dedup in one kv-match, as
#			above; match: stage 1 of the two-stage topology (SPEC
#			8), kv-match --window 0s --key, alerts produced keyed
#			(kcat -P -K TAB) so that every alert of one key lands
#			in one partition of ALERT_TOPIC; dedup: stage 2,
#			TOPIC is that alert topic, read with its keys, and
#			kv-match --dedup-only (no INDEX) suppresses exactly.
#	INDEX		The index (default /var/lib/ti/ti.idx).
#	STATE		kv-match's state file (--state), or empty for none.  One
#			file per instance: two processes must not share one.
#	KCAT_CONFIG	A file of librdkafka properties (property=value lines)
#			given to both kcat with -F: the SASL settings live there,
#			not on the command line where ps(1) would show them.
#	KCAT_OPTS	More options for both kcat (split on white space).
#	KV_MATCH_OPTS	More options for kv-match (split on white space),
#			such as "--window 1h --max-keys 2000000".
#	KCAT, KV_MATCH, PERL  The programs (default: kcat, kv-match and
#			perl on PATH; perl relays the alerts to kcat -P).
#
# Event Hubs speaks the Kafka protocol on port 9093 with SASL_SSL; the
# user name is the literal string $ConnectionString and the password is
# the namespace's (or the event hub's) connection string.  In KCAT_CONFIG:
#
#	security.protocol=SASL_SSL
#	sasl.mechanisms=PLAIN
#	sasl.username=$ConnectionString
#	sasl.password=Endpoint=sb://NAMESPACE.servicebus.windows.net/;SharedAccessKeyName=NAME;SharedAccessKey=KEY
#
# (on a command line that is -X security.protocol=SASL_SSL
# -X sasl.mechanisms=PLAIN -X sasl.username='$ConnectionString'
# -X sasl.password='Endpoint=sb://...', with the single quotes that keep
# the shell from expanding $ConnectionString).  kcat.conf.example adds the
# timeouts Microsoft recommends for Event Hubs.
#
# Delivery: kcat commits the offsets of the records it has written into
# the pipe (with PARTITION, only because librdkafka's automatic offset
# store is turned off: kcat -C would otherwise commit, at a stop, every
# record of the batch it held).  A clean stop (SIGTERM) loses nothing;
# a crash or SIGKILL loses the records still in the pipes, and records
# read since the last commit are read again after a restart (--state
# keeps those from alerting twice).  Note that the consumer is started with -G alone: kcat refuses
# -C together with -G ("Do not mix modes").
#
# Exit status: 0 when stopped by SIGTERM or SIGINT and every part ended
# cleanly (kv-match 0, or 1 for bad records, which it has reported);
# 1 when a part ended by itself or failed (each is reported); 2 when the
# pipeline could not be set up.

set -u

# Until its parts run, a signal is kept, not fatal: SIGTERM or SIGINT stops
# the pipeline as soon as it has started, and SIGHUP or SIGUSR1 (nothing
# to reload or report yet) is dropped rather than ending the script.
early_stop=0
trap 'early_stop=1' TERM INT
trap : HUP USR1

prog=kcat-pipeline
KCAT=${KCAT:-kcat}
KV_MATCH=${KV_MATCH:-kv-match}
PERL=${PERL:-perl}
INDEX=${INDEX:-/var/lib/ti/ti.idx}
STATE=${STATE:-}
KCAT_CONFIG=${KCAT_CONFIG:-}
KCAT_OPTS=${KCAT_OPTS:-}
KV_MATCH_OPTS=${KV_MATCH_OPTS:-}

for v in BROKERS GROUP TOPIC ALERT_TOPIC; do
	eval "val=\${$v:-}"
	if [ -z "$val" ]; then
		echo "$prog: $v is not set" >&2
		exit 2
	fi
done

# How the consumer reads TOPIC: as a member of GROUP, or one partition.
PARTITION=${PARTITION:-}
case $PARTITION in
'')	consume="-G $GROUP";;
*[!0-9]*)
	echo "$prog: PARTITION: not a partition number: $PARTITION" >&2
	exit 2;;
*)	# kcat -C stores each record's offset itself once the record is
	# written out; librdkafka's own store, on by default, stores it
	# when the record is handed to kcat, which after SIGTERM drops the
	# rest of the batch it holds: every one of those would be committed
	# unread, lost.
	consume="-C -p $PARTITION -o stored -X group.id=$GROUP"
	consume="$consume -X enable.auto.offset.store=false";;
esac
case $GROUP in
*[[:space:]*?[]*)
	echo "$prog: GROUP: white space or a pattern character" >&2
	exit 2;;
esac

# -F before the other options, so that KCAT_OPTS can override the file.
kcat_conf=
if [ -n "$KCAT_CONFIG" ]; then
	case $KCAT_CONFIG in
	*[[:space:]*?[]*)
		echo "$prog: KCAT_CONFIG: white space or a pattern character" \
		    "in the path" >&2
		exit 2;;
	esac
	if [ ! -r "$KCAT_CONFIG" ]; then
		echo "$prog: $KCAT_CONFIG: cannot read" >&2
		exit 2
	fi
	kcat_conf="-F $KCAT_CONFIG"
fi

# The FIFOs live in systemd's RuntimeDirectory when there is one.
work=$(mktemp -d "${RUNTIME_DIRECTORY:-${TMPDIR:-/tmp}}/kcat-pipeline.XXXXXX") ||
    exit 2
trap 'rm -rf "$work"' EXIT
mkfifo "$work/records" "$work/alerts" || exit 2

# kv-match's arguments, quoted through the positional parameters.
tab=$(printf '\t')
cfmt='%s\n'
pkey=
case ${STAGE:-single} in
single)	set -- -i "$INDEX";;
match)	set -- -i "$INDEX" --window 0s --key
	pkey=$tab;;
dedup)	set -- --dedup-only
	cfmt='%k\t%s\n';;
*)	echo "$prog: STAGE: single, match or dedup: $STAGE" >&2
	exit 2;;
esac
if [ -n "$STATE" ]; then
	set -- "$@" --state "$STATE"
fi

# Unquoted on purpose: the *_OPTS variables are lists of words.
# shellcheck disable=SC2086
if [ -n "$PARTITION" ]; then
	set_topic="-t $TOPIC"
else
	set_topic=$TOPIC
fi
"$KCAT" $kcat_conf -b "$BROKERS" $consume $KCAT_OPTS -u -q -f "$cfmt" \
    $set_topic >"$work/records" &
cpid=$!
# shellcheck disable=SC2086
"$KV_MATCH" "$@" $KV_MATCH_OPTS <"$work/records" >"$work/alerts" &
mpid=$!
# kcat 1.7 reads its input in blocks (fread(3) of 1024 bytes in Debian's
# 1.7.1), each of which waits until it is full: the last alerts of a quiet
# spell would wait in kcat for the next ones.  The relay copies what
# kv-match writes, whole lines only, and when kv-match has nothing more
# to say for now, completes the block of 4096 bytes (a multiple of any
# such block size) with empty lines, which kcat skips: it produces no
# empty message.  A line cut short by kv-match's end (SIGKILL) is dropped,
# not produced.  Its pid is not needed: it ends when kv-match's output or
# kcat's input does.
# shellcheck disable=SC2016 # Perl's variables.
relay='$| = 1;
my ($pos, $b, $rest, $rin) = (0, "", "", "");
vec($rin, fileno(STDIN), 1) = 1;
while (sysread(STDIN, $b, 65536)) {
	$b = $rest . $b;
	my $n = rindex($b, "\n") + 1;
	$rest = substr($b, $n);
	next if $n == 0;
	print substr($b, 0, $n);
	$pos = ($pos + $n) % 4096;
	if ($pos && !select(my $r = $rin, undef, undef, 0)) {
		print "\n" x (4096 - $pos);
		$pos = 0;
	}
}
print STDERR "kcat-pipeline: an alert cut short at the end of kv-match, dropped\n"
    if length $rest;'
"$PERL" -e "$relay" <"$work/alerts" |
# shellcheck disable=SC2086
"$KCAT" $kcat_conf -P ${pkey:+-K "$pkey"} -b "$BROKERS" -t "$ALERT_TOPIC" \
    $KCAT_OPTS -q &
ppid=$!

# Stopping is stopping the consumer: the rest drains behind it.  termed_c
# and termed_m say which parts the script itself stopped.
stopping=0
termed_c=0
termed_m=0
# shellcheck disable=SC2317 # Called by the trap.
stop() {
	stopping=1
	termed_c=1
	kill -TERM "$cpid" 2>/dev/null
}
trap stop TERM INT
trap 'kill -HUP "$mpid" 2>/dev/null' HUP
trap 'kill -USR1 "$mpid" 2>/dev/null' USR1
[ "$early_stop" = 0 ] || stop

# Wait until one of the three is gone (a trapped signal ends a wait early,
# so the signals above are handled within a second).
while kill -0 "$cpid" 2>/dev/null && kill -0 "$mpid" 2>/dev/null &&
    kill -0 "$ppid" 2>/dev/null; do
	sleep 1 &
	wait $! 2>/dev/null
done
if ! kill -0 "$ppid" 2>/dev/null && kill -0 "$mpid" 2>/dev/null; then
	# Nothing takes alerts any more.  kv-match may even be waiting to
	# open its output FIFO, which no reader will open now.
	termed_m=1
	kill -TERM "$mpid" 2>/dev/null
fi
if kill -0 "$cpid" 2>/dev/null; then
	termed_c=1
	kill -TERM "$cpid" 2>/dev/null
fi

# reap PID: wait for PID through any signal that interrupts the wait, and
# leave its exit status in $st.  (Quietly: dash would print "Terminated"
# for a part the script stopped; the statuses are reported below.)
reap() {
	while :; do
		wait "$1" 2>/dev/null
		st=$?
		kill -0 "$1" 2>/dev/null || return 0
	done
}
reap "$cpid"
cst=$st
reap "$mpid"
mst=$st
reap "$ppid"
pst=$st

# A part the script stopped may end with 0 or die of the SIGTERM (143):
# both are what was asked for.  kv-match's 1 means bad records, which it
# has reported itself.
rc=0
if [ "$cst" -ne 0 ] && ! { [ "$termed_c" = 1 ] && [ "$cst" -eq 143 ]; }; then
	echo "$prog: consumer (kcat) exited with status $cst" >&2
	rc=1
fi
if [ "$mst" -gt 1 ] && ! { [ "$termed_m" = 1 ] && [ "$mst" -eq 143 ]; }; then
	echo "$prog: kv-match exited with status $mst" >&2
	rc=1
fi
if [ "$pst" -ne 0 ]; then
	echo "$prog: producer (kcat -P) exited with status $pst" >&2
	rc=1
fi
if [ "$stopping" = 0 ] && [ "$rc" = 0 ]; then
	echo "$prog: the pipeline ended by itself" >&2
	rc=1
fi
exit $rc
