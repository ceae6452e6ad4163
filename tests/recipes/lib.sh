# lib.sh: helpers for the recipe tests, sourced by each tests/recipes/t-*.sh
# (run by tests/recipes.sh in a scratch directory, with TOP, DATA,
# TI_INDEX, KV_MATCH and PYTHON set).

R=$TOP/scripts/recipes
servers=
trap 'for p in $servers; do kill "$p" 2>/dev/null; done' EXIT

# fail MESSAGE: the test fails.
fail() {
	echo "$*" >&2
	exit 1
}

# start KIND DIR: start KIND_server.py (taxii or ingest) with state in
# DIR; its port is in $PORT.
start() {
	mkdir -p "$2"
	rm -f "$2/port"
	"$PYTHON" "$TOP/tests/recipes/$1_server.py" --dir "$2" \
	    --timeout "${SERVER_TIMEOUT:-60}" &
	servers="$servers $!"
	i=0
	while ! [ -s "$2/port" ]; do
		i=$((i + 1))
		[ $i -le 100 ] || fail "the $1 server did not start"
		sleep 0.05
	done
	PORT=$(cat "$2/port")
}

# taxii_objects FILE DATE...: print FILE's STIX objects as a TAXII
# fixture collection, the Nth object added at the Nth DATE.
taxii_objects() {
	f=$1; shift
	jq -c '.objects[]? // .' "$f" | {
		for d in "$@"; do
			IFS= read -r o || break
			printf '{"date_added":"%s","object":%s}\n' "$d" "$o"
		done
	}
}

# same A B WHAT: files A and B are equal, else fail with a diff.
same() {
	diff -u "$1" "$2" >&2 || fail "$3"
}

# alerts N: N real kv-match alerts (tests/data's sample alert, each with
# its number as CorrelationId), one a line.
alerts() {
	"$TI_INDEX" -q --now 2026-03-02T00:00:00Z -o alerts.idx \
	    "$DATA/kv-indicators.ndjson" || fail "ti-index"
	"$KV_MATCH" -i alerts.idx "$DATA/kv-schema.ndjson" >alert.one ||
	    fail "kv-match"
	jq -c --argjson n "$1" '. as $a | range($n) |
	    $a + {CorrelationId: ("c" + tostring)}' alert.one
}

# received: every alert the ingest server in srv accepted, one a line.
received() {
	jq -c '.[]' srv/batches.ndjson 2>/dev/null
}
