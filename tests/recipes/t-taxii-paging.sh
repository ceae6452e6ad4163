# taxii-fetch.sh follows "more"/"next" through pages the server caps at 2
# objects, asks with the TAXII 2.1 Accept header (the server answers 406
# otherwise), and stores every object once; a server that sends "more"
# without "next" is paged by added_after from X-TAXII-Date-Added-Last.
. "$TOP/tests/recipes/lib.sh"
start taxii srv
taxii_objects "$DATA/indicators-for-C2-with-COA.json" \
    2026-02-01T00:00:01.000Z 2026-02-01T00:00:02.000Z \
    2026-02-01T00:00:03.000Z 2026-02-01T00:00:04.000Z \
    2026-02-01T00:00:05.000Z 2026-02-01T00:00:06.000Z \
    2026-02-01T00:00:07.000Z >srv/objects.ndjson
[ "$(wc -l <srv/objects.ndjson)" -eq 7 ] || fail "fixture data"
echo '{"page_size": 2}' >srv/config.json
c=http://127.0.0.1:$PORT/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/
sh "$R/taxii-fetch.sh" -s store.ndjson "$c" || fail "fetch failed"
jq -c .object srv/objects.ndjson | sort >want
sort store.ndjson >got
same want got "the store is not the collection"
n=$(grep -c '/objects/' srv/requests.ndjson)
[ "$n" -eq 4 ] || fail "expected 4 page requests, saw $n"
grep -q 'objects/?next=n6' srv/requests.ndjson || fail "no next=n6"
grep -v '"accept": "application/taxii+json;version=2.1"' srv/requests.ndjson &&
    fail "a request without the TAXII 2.1 Accept header"
[ "$(jq -r .added_after store.ndjson.position)" = 2026-02-01T00:00:07.000Z ] ||
    fail "position: $(cat store.ndjson.position)"

# Paging by added_after.
echo '{"page_size": 3, "no_next": true}' >srv/config.json
: >srv/requests.ndjson
sh "$R/taxii-fetch.sh" -s store2.ndjson "$c" || fail "fetch by added_after failed"
sort store2.ndjson >got2
same want got2 "added_after paging lost or doubled objects"
grep -q 'added_after=2026-02-01T00%3A00%3A06.000Z' srv/requests.ndjson ||
    fail "no added_after page request"

# --discover lists the API roots' collections.
sh "$R/taxii-fetch.sh" --discover "http://127.0.0.1:$PORT/taxii2/" >disc ||
    fail "discover failed"
grep -q "^${c}	read	High Value Indicator Collection\$" disc ||
    { cat disc; fail "discover output"; }
