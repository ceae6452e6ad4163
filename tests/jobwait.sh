# jobwait.sh: sourced by the recipe suites that run real daemons
# (tests/kafka.sh, tests/rsyslog.sh).
#
# bwait PID SECONDS: wait for the job PID, SIGKILL its process group (it
# was started by setsid) after SECONDS; its exit status in $st.  The job
# is polled: a timer process killed when the job ends would miss a signal
# that came before it had replaced this shell's TERM trap, and sleep its
# full time.  (dash's kill takes a process group as -PGID, not after
# "--".)
bwait() {
	_bw=$(($2 * 10))
	while kill -0 "$1" 2>/dev/null; do
		if [ $_bw -le 0 ]; then
			kill -KILL -"$1" 2>/dev/null
			break
		fi
		_bw=$((_bw - 1))
		sleep 0.1
	done
	wait "$1"
	st=$?
}
