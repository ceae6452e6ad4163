#!/bin/sh
# kv-match-omprog.sh: kv-match as an rsyslog omprog program.
#
# Usage: kv-match-omprog.sh ALERTS [kv-match option ...]
#
# omprog writes each message to the program's stdin, and with output=
# appends both the program's stdout and its stderr to one file (when
# confirmMessages is off).  Alerts and diagnostics must not mix, so this
# wrapper appends kv-match's alerts (stdout) to the file ALERTS, and
# leaves its stderr (bad-record reports, --stats counters) to omprog's
# output= file.  ALERTS is opened in append mode: rotate it with
# logrotate's copytruncate, or read it with imfile and let rsyslog ship
# the alerts on (see rsyslog-kv-match.conf).  The other arguments go to
# kv-match, which is KV_MATCH or kv-match on PATH.

if [ $# -lt 1 ]; then
	echo "usage: kv-match-omprog.sh alerts [kv-match option ...]" >&2
	exit 2
fi
alerts=$1
shift
exec "${KV_MATCH:-kv-match}" "$@" >>"$alerts"
