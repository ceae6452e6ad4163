# Interrupted fetches: a connection dropped mid-page (no retries left)
# leaves STORE and its position as they were, and the next run gets
# everything, nothing lost or doubled; 429 (Retry-After) and 503 are
# retried; a crash between the store's and the position's renames (the
# new store with the old position) is resumed without a repeat.
. "$TOP/tests/recipes/lib.sh"
start taxii srv
taxii_objects "$DATA/fmt-stix-lines.ndjson" 2026-02-01T00:00:01Z \
    2026-02-01T00:00:02Z >srv/objects.ndjson
echo '{"page_size": 2}' >srv/config.json
c=http://127.0.0.1:$PORT/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/
sh "$R/taxii-fetch.sh" -s store.ndjson "$c" || fail "first fetch"
cp store.ndjson store.before
cp store.ndjson.position pos.before
taxii_objects "$DATA/indicators-for-C2-with-COA.json" 2026-02-03T00:00:01Z \
    2026-02-03T00:00:02Z 2026-02-03T00:00:03Z 2026-02-03T00:00:04Z \
    2026-02-03T00:00:05Z >>srv/objects.ndjson
echo '{"path": "next=n2", "drop": true}' >srv/faults.ndjson
if TAXII_RETRIES=0 sh "$R/taxii-fetch.sh" -s store.ndjson "$c" 2>err; then
	fail "a dropped page succeeded"
fi
cat err
same store.before store.ndjson "the store changed after a failed fetch"
same pos.before store.ndjson.position "the position changed"
ls -A | grep '^\.taxii' && fail "temporary files left"
printf '%s\n' '{"status": 429, "retry_after": "1"}' '{"status": 503}' \
    '{"path": "next=n2", "status": 502}' >srv/faults.ndjson
TAXII_BACKOFF=0 sh "$R/taxii-fetch.sh" -s store.ndjson "$c" 2>err ||
    { cat err; fail "the retried fetch failed"; }
grep -c 'trying again' err | grep -qx 3 || { cat err; fail "not 3 retries"; }
[ -s srv/faults.ndjson ] && fail "faults left"
jq -c .object srv/objects.ndjson | sort >want
sort store.ndjson >got
same want got "objects lost or doubled after the resumed fetch"
# The new store with the old position: the next fetch asks again and
# the store is the same.
cp pos.before store.ndjson.position
sh "$R/taxii-fetch.sh" -s store.ndjson "$c" || fail "fetch after the crash"
sort store.ndjson >got
same want got "objects doubled after a crash between the renames"
jq -r .id store.ndjson | sort | uniq -d | grep . && fail "an id twice"
exit 0
