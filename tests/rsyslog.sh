#!/bin/sh
# rsyslog.sh: the rsyslog recipe (scripts/recipes/rsyslog-kv-match.conf
# and kv-match-omprog.sh) in Debian's rsyslogd, run in the foreground
# with the recipe's configuration pointed at a temporary directory: imfile
# reads the NDJSON files, omprog feeds kv-match (--state), and the
# alerts go to their file.
#
#   stream	records appended to the watched file give their alerts
#		while rsyslogd runs (none held back).
#   shutdown	records appended just before SIGTERM: after rsyslogd has
#		exited and been started again on the same work directory,
#		the alerts file holds exactly the alerts of every record,
#		as kv-match writes them on the whole stream: none lost at
#		the shutdown, none repeated after the restart.
#
# Only the recipe's first part runs: its second (imfile on the alerts
# file, omfwd to a SIEM) is cut off, since the tests talk to no other
# host.  The configuration gets the work directory ($WorkDirectory, for
# imfile's positions and the disk part of omprog's queue); rsyslogd loads
# no module but imfile and omprog (no imuxsock, no imklog).
#
# Usage: sh tests/rsyslog.sh (RSYSLOG_KEEP=1 keeps the work directory).
# Prints "rsyslog: N passed, M failed";
# skipped (exit 0) without rsyslogd.

top=$(cd "$(dirname "$0")/.." && pwd)
KV_MATCH=${KV_MATCH:-$top/bin/kv-match}
TI_INDEX=${TI_INDEX:-$top/bin/ti-index}
RSYSLOGD=${RSYSLOGD:-$(command -v rsyslogd || echo /usr/sbin/rsyslogd)}
export KV_MATCH

if [ ! -x "$RSYSLOGD" ]; then
	echo "rsyslog: skipped (no rsyslogd)"
	exit 0
fi

pass=0
fail=0
w=$(mktemp -d "${TMPDIR:-/tmp}/rsyslog.XXXXXX") || exit 2
rpid=
cleanup() {
	trap - EXIT INT TERM
	if [ -n "$rpid" ]; then
		kill -TERM "$rpid" 2>/dev/null
		bwait "$rpid" 10
	fi
	[ -n "${RSYSLOG_KEEP:-}" ] || rm -rf "$w"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

ok() { pass=$((pass + 1)); echo "ok   $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

# bwait: tests/jobwait.sh.
. "$top/tests/jobwait.sh"

# until_ SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds
# (0) or SECONDS have passed (1).
until_() {
	_ue=$(($(date +%s) + $1))
	shift
	while ! "$@"; do
		[ "$(date +%s)" -lt $_ue ] || return 1
		sleep 0.1
	done
}
# has N: the alerts file holds at least N alerts.
has() {
	_hn=$(grep -c . "$w/out/alerts.ndjson" 2>/dev/null)
	[ "${_hn:-0}" -ge "$1" ]
}

# The recipe, up to its second action, with its paths in $w.
mkdir "$w/in" "$w/out" "$w/work"
{
	echo "\$WorkDirectory $w/work"
	sed -e '/^# The second action/,$d' \
	    -e "s|/var/log/azure/keyvault/|$w/in/|" \
	    -e "s|/usr/local/libexec/kv-match/|$top/scripts/recipes/|" \
	    -e "s|/var/log/kv-match/|$w/out/|g" \
	    -e "s|/var/lib/ti/ti.idx|$w/ti.idx|" \
	    -e "s|/var/lib/kv-match/rsyslog.state|$w/state|" \
	    "$top/scripts/recipes/rsyslog-kv-match.conf"
} >"$w/rsyslog.conf"
if grep -q '/var/\|/usr/local' "$w/rsyslog.conf"; then
	ko "the recipe names paths the test does not move:"
	grep '/var/\|/usr/local' "$w/rsyslog.conf"
	exit 1
fi

# 30 addresses of the index, one record each: 30 alerts.
i=1
while [ $i -le 30 ]; do echo "198.51.100.$i"; i=$((i + 1)); done >"$w/list"
"$TI_INDEX" -q --now 2026-03-02T00:00:00Z -o "$w/ti.idx" "$w/list" || exit 2
# rec FIRST LAST: the records of addresses FIRST to LAST.
rec() {
	awk -v a="$1" -v b="$2" 'BEGIN { for (k = a; k <= b; k++)
		printf("{\"TimeGenerated\":\"2026-03-05T10:%02d:00Z\",\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"198.51.100.%d\",\"CorrelationId\":\"r%d\"}\n", k, k, k) }'
}
rec 1 30 >"$w/all"
"$KV_MATCH" -i "$w/ti.idx" "$w/all" | sort >"$w/want"

start() {
	setsid "$RSYSLOGD" -n -f "$w/rsyslog.conf" -i "$w/rsyslogd.pid" \
	    >>"$w/rsyslogd.out" 2>&1 &
	rpid=$!
}
stop() {
	kill -TERM "$rpid"
	bwait "$rpid" 20
	rpid=
}

# ---- stream --------------------------------------------------------------
"$RSYSLOGD" -N1 -f "$w/rsyslog.conf" >"$w/check.out" 2>&1 ||
    { ko "rsyslogd -N1 refuses the configuration:"; cat "$w/check.out"; }
: >"$w/in/kv.ndjson"
start
sleep 1		# imfile watches the file from its current end.
rec 1 10 >>"$w/in/kv.ndjson"
if until_ 20 has 10; then
	ok "stream: 10 records appended, 10 alerts while rsyslogd runs"
else
	ko "stream: $(grep -c . "$w/out/alerts.ndjson" 2>/dev/null) alerts of 10"
	cat "$w/rsyslogd.out" "$w/out/kv-match.log" 2>/dev/null | tail -n 5
fi

# ---- shutdown ------------------------------------------------------------
rec 11 30 >>"$w/in/kv.ndjson"
stop
s1=$st
n1=$(grep -c . "$w/out/alerts.ndjson")
start
until_ 20 has 30
sleep 1		# Anything repeated would be there by now.
stop
sort "$w/out/alerts.ndjson" >"$w/got"
if [ "$s1" = 0 ] && [ "$st" = 0 ] && [ "$(grep -c . "$w/want")" = 30 ] &&
    cmp -s "$w/want" "$w/got"; then
	ok "shutdown: 30 alerts, $n1 of them before the restart, none lost or repeated"
else
	ko "shutdown: rsyslogd exits $s1 $st; $(grep -c . "$w/got") alerts," \
	    "want 30; diff want got:"
	diff "$w/want" "$w/got" | cut -c1-100 | head -n 5
	cat "$w/rsyslogd.out" "$w/out/kv-match.log" 2>/dev/null | tail -n 5
fi

echo "rsyslog: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
