# ti-index-update.sh with taxii-fetch.sh as its feed (the FETCH_CMD that
# ti-index-update.service shows): the index holds the collection's
# addresses; a failing TAXII server keeps the index.
. "$TOP/tests/recipes/lib.sh"
start taxii srv
taxii_objects "$DATA/fmt-stix-lines.ndjson" 2026-02-01T00:00:01Z \
    2026-02-01T00:00:02Z 2026-02-01T00:00:03Z >srv/objects.ndjson
c=http://127.0.0.1:$PORT/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/
mkdir ti
export INDEX=$PWD/ti/ti.idx TI_INDEX TI_INDEX_OPTS="--now 2026-03-01T00:00:00Z"
export FETCH_CMD="sh $R/taxii-fetch.sh -s $PWD/ti/taxii.ndjson $c && cat $PWD/ti/taxii.ndjson"
sh "$R/ti-index-update.sh" || fail "update"
"$TI_INDEX" --lookup ti/ti.idx 203.0.113.10 >/dev/null || fail "not indexed"
cp ti/ti.idx before
echo '{"status": 404}' >srv/faults.ndjson
if sh "$R/ti-index-update.sh"; then fail "a failed fetch replaced the index"; fi
cmp -s before ti/ti.idx || fail "the index changed"
