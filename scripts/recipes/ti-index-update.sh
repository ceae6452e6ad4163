#!/bin/sh
# ti-index-update.sh: fetch a threat-intelligence feed and rebuild the
# index that kv-match maps, for systemd/ti-index-update.service.
#
# The feed is fetched into a temporary file beside the index and compiled
# by ti-index into another; only when both succeeded, and the new index
# holds at least MIN_INDICATORS indicators (so that an empty or cut feed
# cannot empty the index), is it renamed over the old one.  A running
# kv-match keeps the old index mapped and picks the new file up by its
# new inode (or at once on SIGHUP: see ti-index-update.service).
#
# Environment:
#	FETCH_CMD	A shell command that writes the feed to its stdout, in
#			any form ti-index reads (Sentinel rows, STIX, a list of
#			addresses).  For a TAXII 2.1 collection, taxii-fetch.sh
#			(beside this script) brings the store up to date and
#			the store is the feed:
#			  taxii-fetch.sh -u USER -p /etc/kv-match/taxii.pass -s /var/lib/ti/taxii.ndjson https://taxii.example/api1/collections/ID/ && cat /var/lib/ti/taxii.ndjson
#			(a failed fetch exits 1 and keeps the index; the store
#			keeps every object, so each run builds from all of
#			them).  Other feeds, for example
#			  curl -fsS --max-time 300 https://feed.example/ti.json
#			  az monitor log-analytics query -w WORKSPACE --analytics-query @ti.kql
#	FEED		Instead of FETCH_CMD: a file that is already there (for
#			ti-index-update.path, when another job fetches).
#	FEED_NAME	The feed's name, passed as ti-index --source: the
#			SourceSystem of its indicators and the start of its
#			list entries' IndicatorIds (default: the base name of
#			FEED, else "feed").  The feed is read from a temporary
#			file, whose name changes at every run: a fixed name
#			keeps the ids the same at every rebuild, so kv-match
#			does not alert anew on every indicator.
#	INDEX		The index (default /var/lib/ti/ti.idx).
#	MIN_INDICATORS	The fewest indicators a new index may hold (default 1).
#	TI_INDEX	The program (default ti-index on PATH).
#	TI_INDEX_OPTS	More ti-index options (split on white space), such as
#			"--lookback 14d".
#
# Exit status: 0 the index was replaced; 1 the fetch or the build failed,
# or the new index was refused, and the old index is untouched; 2 the
# script is not set up (no FETCH_CMD or FEED).

set -u

prog=ti-index-update
INDEX=${INDEX:-/var/lib/ti/ti.idx}
MIN_INDICATORS=${MIN_INDICATORS:-1}
TI_INDEX=${TI_INDEX:-ti-index}
TI_INDEX_OPTS=${TI_INDEX_OPTS:-}
FETCH_CMD=${FETCH_CMD:-}
FEED=${FEED:-}
if [ -n "$FEED" ]; then
	FEED_NAME=${FEED_NAME:-$(basename "$FEED")}
else
	FEED_NAME=${FEED_NAME:-feed}
fi

if [ -z "$FETCH_CMD" ] && [ -z "$FEED" ]; then
	echo "$prog: set FETCH_CMD (a command printing the feed) or FEED" >&2
	exit 2
fi

dir=$(dirname "$INDEX")
tmpfeed=
tmpidx=$(mktemp "$dir/.ti-index-update.XXXXXX") || exit 1
trap 'rm -f "$tmpidx" ${tmpfeed:+"$tmpfeed"}' EXIT
trap 'exit 1' HUP INT TERM

if [ -n "$FETCH_CMD" ]; then
	tmpfeed=$(mktemp "$dir/.ti-feed.XXXXXX") || exit 1
	if ! sh -c "$FETCH_CMD" >"$tmpfeed"; then
		echo "$prog: fetching the feed failed; $INDEX kept" >&2
		exit 1
	fi
	FEED=$tmpfeed
fi

# ti-index exits 1 when it skipped some bad rows (the index is written)
# and when no input gave a record (nothing is written).
# shellcheck disable=SC2086 # A list of words.
"$TI_INDEX" -q --source "$FEED_NAME" $TI_INDEX_OPTS -o "$tmpidx" "$FEED"
st=$?
if [ $st -gt 1 ]; then
	echo "$prog: ti-index failed (exit $st); $INDEX kept" >&2
	exit 1
fi
# An empty feed, or one of no known form, is written nowhere (exit 1).
if [ ! -s "$tmpidx" ]; then
	echo "$prog: ti-index wrote no index (no records); $INDEX kept" >&2
	exit 1
fi
n=$("$TI_INDEX" --info --verify "$tmpidx" |
    sed -n 's/.*"indicators":\([0-9][0-9]*\).*/\1/p')
if [ -z "$n" ]; then
	echo "$prog: the new index does not verify; $INDEX kept" >&2
	exit 1
fi
if [ "$n" -lt "$MIN_INDICATORS" ]; then
	echo "$prog: the new index holds $n indicators, fewer than" \
	    "$MIN_INDICATORS; $INDEX kept" >&2
	exit 1
fi
# ti-index renamed its own file over the mktemp one: the mode is 0666
# less the umask (UMask= in the unit), not mktemp's 0600.
mv -f "$tmpidx" "$INDEX" || exit 1
echo "$prog: $INDEX replaced: $n indicators"
