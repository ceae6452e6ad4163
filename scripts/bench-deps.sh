#!/bin/sh
# bench-deps.sh: install the Debian packages that only the benchmark
# (scripts/bench.sh, make bench) needs, and only those that are missing:
# jq and grepcidr (the tools kv-match is compared with) and GNU time (peak
# memory).  The build's own packages are scripts/deps.sh's.  Run as root
# (or through sudo); it uses apt-get, as deps.sh does.
set -e

pkgs="jq grepcidr time"

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "bench-deps.sh: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2
