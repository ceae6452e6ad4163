#!/bin/sh
# demo.sh: the rule on bundled sample data.  Builds an index from five
# demonstration indicators (tests/data/demo-indicators.ndjson) as of
# 2025-01-07T21:00Z, looks two addresses up, and runs kv-match over the
# public Key Vault sample records (tests/data/keyvault-azurediagnostics.ndjson,
# each sent twice, to show the window suppressing the repeat).
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
bin=$top/bin
data=$top/tests/data
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kv-demo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

echo "== ti-index: build the index"
"$bin/ti-index" --now 2025-01-07T21:00:00Z -o "$tmp/ti.idx" \
    "$data/demo-indicators.ndjson"
echo
echo "== ti-index --lookup"
"$bin/ti-index" --lookup "$tmp/ti.idx" 203.0.113.7 198.51.100.23 || true
echo
echo "== kv-match: alerts (one per line)"
cat "$data/keyvault-azurediagnostics.ndjson" \
    "$data/keyvault-azurediagnostics.ndjson" |
    "$bin/kv-match" -i "$tmp/ti.idx" --stats
