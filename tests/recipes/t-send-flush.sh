# Alerts that trickle in are sent within a second of a pause: each of
# three alerts written 1.5 s apart (the first a second after the start)
# reaches the API less than a second after it was written, while the
# input stays open.
. "$TOP/tests/recipes/lib.sh"
start ingest srv
alerts 3 >in.ndjson
for i in 1 2 3; do
	[ $i = 1 ] && sleep 1
	sed -n "${i}p" in.ndjson
	date +%s.%N >>written
	sleep 1.5
done | AZURE_ACCESS_TOKEN=t sh "$R/sentinel-send.sh" \
    -e "http://127.0.0.1:$PORT" -r dcr-1 -s Custom-KvMatchAlerts -d spool ||
    fail "exit $?"
received >got
same in.ndjson got "alerts lost"
[ "$(wc -l <srv/batches.ndjson)" -eq 3 ] || fail "not three batches"
jq -r 'select(.status == 204) | .t' srv/requests.ndjson | paste written - |
    awk '{ d = $2 - $1; print "delay " d; if (d < 0 || d >= 1) bad = 1 }
	END { exit bad }' || fail "a batch was later than a second"
