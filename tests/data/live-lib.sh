# live-lib.sh: helpers for the tests/e2e/live-* cases, which drive a
# running kv-match through two FIFOs (SPEC.md 6, issue 7).  A case's cmd
# sources it with ". "$DATA/live-lib.sh"" in its scratch directory.
#
# Indexes are built from live-ti-a.ndjson (index A: live-a-only at
# 203.0.113.1, live-both at 203.0.113.3) and live-ti-b.ndjson (index B:
# live-b-only at 203.0.113.2, live-both at 203.0.113.3, described as
# "as index B has it").  Records come from live-records.ndjson, named by
# their CorrelationId; "mark" is at 203.0.113.3, in both indexes.
#
# Nothing may hang: every blocking read has a timeout, and kv-match's
# input FIFO is opened read-write by the script (so that opening it never
# blocks, even when kv-match is gone), which means kv-match sees the end
# of its input only when fd 3 is closed by the script and by every child
# that inherited it: background children must be started with 3>&-.

REC=$DATA/live-records.ndjson

# build a|b PATH: index A or B to PATH (ti-index writes a temporary file
# and renames it over PATH: a new inode).
build() {
	"$TI_INDEX" -q --now 2026-03-02T00:00:00Z -o "$2" \
	    "$DATA/live-ti-$1.ndjson" || exit 99
}

# start ARGS...: run kv-match ARGS with the FIFO "in" as its standard
# input, its stdout on fd 4 (the FIFO "out"), its stderr in the file
# "err"; its process id is $pid; fd 3 writes to its input.  (The FIFO is
# opened for kv-match by the shell, before kv-match starts: when kv-match
# opened it itself, later, a script quick to send its records and close
# fd 3 would leave it waiting in open(2) for a writer that never comes,
# and the records lost with the pipe.)  $WRAP, when set, is a command
# to run kv-match with, such as "nice -n 19".
WRAP=
start() {
	rm -f in out
	mkfifo in out || exit 99
	$WRAP "$KV_MATCH" "$@" <in >out 2>err &
	pid=$!
	exec 3<>in
	exec 4<out
}

# send ID...: write the records with these CorrelationIds to kv-match;
# $sent counts the lines sent.
sent=0
send() {
	for id; do
		grep -F "\"CorrelationId\":\"$id\"" "$REC" >&3 ||
		    echo "send: no record $id"
		sent=$((sent + 1))
	done
}

# alert: read the next alert (waiting at most 5 s) and print its
# CorrelationId, IndicatorId and Description; status 1 when none came.
# (sh's read takes one byte at a time from a pipe: nothing after the
# line is consumed.)
alert() {
	_l=$(timeout 5 sh -c 'IFS= read -r l <&4 && printf "%s\n" "$l"' 3>&-)
	if [ -z "$_l" ]; then
		echo "no alert within 5 s"
		return 1
	fi
	printf '%s\n' "$_l" |
	    jq -r '"\(.CorrelationId): \(.IndicatorId), \(.Description)"'
}

# probe ID...: send the records, then "mark", and print every alert up
# to mark's: what the records gave, then which index answered mark.
probe() {
	send "$@" mark
	while _a=$(alert); do
		echo "$_a"
		case $_a in mark:*) return 0 ;; esac
	done
	echo "$_a"
	return 1
}

# waitfor SECONDS CMD...: run CMD every 0.1 s until it succeeds, for at
# most SECONDS; status 1 when it never did.
waitfor() {
	_n=$(($1 * 10))
	shift
	while ! "$@"; do
		_n=$((_n - 1))
		[ $_n -gt 0 ] || return 1
		sleep 0.1
	done
}

# running: kv-match has not exited yet (kill -0 alone would not tell a
# process that has exited but was not waited for yet).
running() {
	case $(ps -o stat= -p $pid 2>/dev/null) in
	"" | Z*) return 1 ;;
	esac
	return 0
}

# finish: end kv-match's input, print the alerts still to come (as
# alert does), and "exit N" with its exit status.  A kv-match still
# running 5 s later is reported and killed.
finish() {
	exec 3>&-
	timeout 5 cat <&4 >rest
	if [ $? = 124 ]; then
		echo "kv-match still running 5 s after its input ended"
		kill -KILL $pid
	fi
	exec 4<&-
	if [ -s rest ]; then
		jq -r '"\(.CorrelationId): \(.IndicatorId), \(.Description)"' rest
	fi
	wait $pid
	echo "exit $?"
}

# stats: the last counters kv-match printed on stderr (--stats, SIGUSR1).
stats() {
	grep '^{"lines":.*}$' err | tail -n 1
}

# usr1: send SIGUSR1 and print the counters it makes kv-match print.
usr1() {
	_want=$(($(grep -c '^{"lines":.*}$' err) + 1))
	kill -USR1 $pid
	waitfor 5 _has_stats || echo "no counters 5 s after SIGUSR1"
	stats
}
_has_stats() {
	[ "$(grep -c '^{"lines":.*}$' err)" -ge $_want ]
}

# others: kv-match's stderr without the counters.
others() {
	grep -v '^{"lines":' err || true
}
