# sentinel-send.sh against 429 (after Retry-After), 503 (backoff), a
# dropped answer-less connection and 413 (the batch split until it fits):
# every alert arrives exactly once, in order, and the spool is empty.
. "$TOP/tests/recipes/lib.sh"
start ingest srv
alerts 300 >in.ndjson
echo '{"max_bytes": 200000}' >srv/config.json
printf '%s\n' '{"status": 429, "retry_after": "1"}' '{"status": 503}' \
    '{"drop": true}' >srv/faults.ndjson
s=$(date +%s)
AZURE_ACCESS_TOKEN=t SEND_BACKOFF=0 sh "$R/sentinel-send.sh" \
    -e "http://127.0.0.1:$PORT/" -r dcr-00000000000000000000000000000000 \
    -s Custom-KvMatchAlerts -d spool in.ndjson 2>err || { cat err; fail "exit $?"; }
cat err
[ $(($(date +%s) - s)) -ge 1 ] || fail "Retry-After not honoured"
received >got
same in.ndjson got "alerts lost, doubled or out of order"
jq -r .status srv/requests.ndjson | sort | uniq -c | tr -s ' ' >codes
cat codes
grep -q ' 413$' codes || fail "no 413"
grep -q ' 1 429$' codes || fail "no 429"
grep -q ' 1 503$' codes || fail "no 503"
grep -q 'Retry-After\|trying again in 1s' err || fail "no retry report"
[ "$(ls spool)" = "" ] || fail "spool not empty: $(ls spool)"
awk '{ print length($0) }' srv/batches.ndjson | while read -r n; do
	[ "$n" -le 200000 ] || fail "a batch of $n bytes"
done
