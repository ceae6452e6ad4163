#!/bin/sh
# recipes.sh: tests of the Sentinel recipes (scripts/recipes/taxii-fetch.sh,
# sentinel-send.sh, the templates in scripts/recipes/sentinel/) and of
# "make install", against loopback servers (tests/recipes/*_server.py).
#
# Each test is a script tests/recipes/t-NAME.sh, run by sh in a fresh
# scratch directory with TOP, DATA, TI_INDEX, KV_MATCH and PYTHON set; it
# sources tests/recipes/lib.sh and exits 0 when it passes.  Its output is
# shown when it fails.
#
# Usage: sh tests/recipes.sh [NAME ...]

top=$(cd "$(dirname "$0")/.." && pwd)
TOP=$top
DATA=$top/tests/data
TI_INDEX=${TI_INDEX:-$top/bin/ti-index}
KV_MATCH=${KV_MATCH:-$top/bin/kv-match}
PYTHON=${PYTHON:-python3}
export TOP DATA TI_INDEX KV_MATCH PYTHON

scratch=$(mktemp -d "${TMPDIR:-/tmp}/recipes.XXXXXX") || exit 2
trap 'rm -rf "$scratch"' EXIT INT TERM

if [ $# -gt 0 ]; then
	tests=
	for n in "$@"; do tests="$tests $top/tests/recipes/t-$n.sh"; done
else
	tests=$(ls "$top"/tests/recipes/t-*.sh)
fi

pass=0
fail=0
for t in $tests; do
	name=${t##*/t-}
	name=${name%.sh}
	mkdir "$scratch/$name"
	if (cd "$scratch/$name" && timeout 120 sh "$t") >"$scratch/$name.out" 2>&1; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $name"
		sed 's/^/    /' "$scratch/$name.out" | tail -40
	fi
done
echo "recipes: $pass passed, $fail failed"
[ $fail -eq 0 ]
