# A second fetch asks only for objects added after the position kept
# beside STORE; the newer version of an indicator replaces the older, and
# a revoking version reaches the index: ti-index built from STORE no
# longer holds the address.
. "$TOP/tests/recipes/lib.sh"
start taxii srv
taxii_objects "$DATA/fmt-stix-lines.ndjson" 2026-02-01T00:00:01Z \
    2026-02-01T00:00:02Z 2026-02-01T00:00:03Z 2026-02-01T00:00:04Z \
    2026-02-01T00:00:05Z 2026-02-01T00:00:06Z >srv/objects.ndjson
c=http://127.0.0.1:$PORT/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/
sh "$R/taxii-fetch.sh" -s store.ndjson "$c" || fail "first fetch"
now=--now=2026-03-01T00:00:00Z
"$TI_INDEX" -q $now -o ti.idx store.ndjson
"$TI_INDEX" --lookup ti.idx 203.0.113.10 >/dev/null ||
    fail "203.0.113.10 not indexed after the first fetch"
id=indicator--0a6e1f1c-4d6e-4a55-9d3e-5d2d1f0e0010
grep "\"$id\"" "$DATA/fmt-stix-lines.ndjson" |
    jq -c '{date_added: "2026-02-02T00:00:00Z",
	object: (. + {modified: "2026-02-25T00:00:00.000Z", revoked: true})}' \
    >>srv/objects.ndjson
# An older version of another id, added later, must not win.
grep '"indicator--0a6e1f1c-4d6e-4a55-9d3e-5d2d1f0e0011"' "$DATA/fmt-stix-lines.ndjson" |
    jq -c '{date_added: "2026-02-02T00:00:01Z",
	object: (. + {modified: "2026-01-01T00:00:00.000Z", name: "old"})}' \
    >>srv/objects.ndjson
sh "$R/taxii-fetch.sh" -s store.ndjson "$c" || fail "second fetch"
tail -n 1 srv/requests.ndjson | grep -q 'added_after=2026-02-01T00%3A00%3A06Z' ||
    fail "the second fetch did not ask added_after the last position"
[ "$(wc -l <store.ndjson)" -eq 6 ] || fail "store: $(wc -l <store.ndjson) lines"
[ "$(jq -r "select(.id == \"$id\") | .revoked" store.ndjson)" = true ] ||
    fail "the revoked version did not win"
jq -r 'select(.id == "indicator--0a6e1f1c-4d6e-4a55-9d3e-5d2d1f0e0011") | .name' \
    store.ndjson | grep -qx 'Dual-stack relay' || fail "an older version won"
"$TI_INDEX" -q $now -o ti.idx store.ndjson
if "$TI_INDEX" --lookup ti.idx 203.0.113.10 >out; then
	cat out
	fail "the revoked indicator is still in the index"
fi
"$TI_INDEX" --lookup ti.idx 203.0.113.11 >/dev/null || fail "203.0.113.11 lost"
