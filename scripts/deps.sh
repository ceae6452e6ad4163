#!/bin/sh
# deps.sh: install the Debian packages the build and the tests need, but
# only those that are missing (so it is quick and quiet when all are there).
# Run as root (or through sudo); it uses apt-get.  With arguments, those
# packages instead (scripts/bench-deps.sh passes the benchmark's).
set -e

pkgs="gcc clang make pkg-config libyajl-dev check mandoc jq curl python3 librdkafka-dev kcat rsyslog"
[ $# -eq 0 ] || pkgs="$*"

missing=
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "${DEPS_NAME:-deps.sh}: installing:$missing" >&2
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >&2
