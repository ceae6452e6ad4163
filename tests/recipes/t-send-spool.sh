# Spooling across a restart: the API refuses (404, a wrong stream) and
# the script exits 1 with the API's error text, keeps reading its input
# to the end, and leaves every batch in the spool; the next run sends the
# spool first, then its own input: everything once, in order.  A batch
# whose answer was lost is the only one sent twice.  A single alert
# larger than the API takes (413 on its own) goes to the dead-letter file
# and does not block the others.
. "$TOP/tests/recipes/lib.sh"
start ingest srv
alerts 40 >all.ndjson
head -n 20 all.ndjson >a.ndjson
tail -n 20 all.ndjson >b.ndjson
echo '{"stream": "Custom-KvMatchAlerts", "max_bytes": 30000}' >srv/config.json
send() {
	AZURE_ACCESS_TOKEN=t SEND_MAX_BYTES=10000 sh "$R/sentinel-send.sh" \
	    -e "http://127.0.0.1:$PORT" -r dcr-1 -d spool "$@"
}
if send -s Custom-Wrong a.ndjson 2>err; then fail "a 404 exit 0"; fi
cat err
grep -q 'HTTP 404: NotFound: Data collection rule or stream not found.' err ||
    fail "no API error text"
[ -s srv/batches.ndjson ] && fail "something was accepted"
cat spool/*.ndjson >spooled
same a.ndjson spooled "the spool is not the input"
echo '{"lose_answer": true}' >srv/faults.ndjson
big=$(head -n 1 b.ndjson | jq -c '. + {Description: ("x" * 40000)}')
{ head -n 10 b.ndjson; printf '%s\n' "$big"; tail -n 10 b.ndjson; } >b2.ndjson
if SEND_BACKOFF=0 send -s Custom-KvMatchAlerts b2.ndjson 2>err; then
	fail "a dead letter exit 0"
fi
cat err
grep -q 'an alert refused on its own (HTTP 413: ContentLengthLimitExceeded' err ||
    fail "no dead-letter report"
printf '%s\n' "$big" >bigwant
same bigwant spool/dead-letter.ndjson "the dead letter"
received >got
first=$(head -n 1 srv/batches.ndjson | jq length)
{ head -n "$first" a.ndjson; cat a.ndjson b.ndjson; } >want
same want got "not the spool first, then the input, with one batch twice"
ls spool | grep -v dead-letter && fail "spool not empty"
exit 0
