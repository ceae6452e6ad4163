#!/bin/sh
# bench-deps.sh: install the Debian packages that only the benchmark
# (scripts/bench.sh, make bench) needs, and only those that are missing:
# jq and grepcidr (the tools kv-match is compared with) and GNU time (peak
# memory).  The build's own packages are scripts/deps.sh's, which does the
# installing here too.  Run as root (or through sudo); it uses apt-get.
DEPS_NAME=bench-deps.sh exec sh "$(dirname "$0")/deps.sh" jq grepcidr time
