#!/bin/sh
# taxii-fetch.sh: pull a TAXII 2.1 collection into STORE, an NDJSON file
# of STIX objects that ti-index reads (SPEC.md 10).
#
#	taxii-fetch.sh [-u USER -p PASSWORD-FILE] -s STORE COLLECTION-URL
#	taxii-fetch.sh [-u USER -p PASSWORD-FILE] --discover SERVER-URL
#
# A fetch asks for COLLECTION-URL's objects/ resource (TAXII 2.1, section
# 5.4) with "Accept: application/taxii+json;version=2.1" and follows the
# envelope's "more" and "next" members from page to page (when a server
# says "more" without "next", the next page is asked with added_after set
# to the page's X-TAXII-Date-Added-Last).  The last X-TAXII-Date-Added-Last
# seen is kept beside STORE, in STORE.position (JSON, with the collection
# URL), and the next run asks only for what was added after it.
#
# New objects are merged into STORE: per STIX id the version with the
# latest "modified" (else "created") wins, the newer one on a tie, and
# revoked objects are kept, so that ti-index drops their addresses.  The
# merged store and then the position are written to temporary files and
# renamed into place only after the whole fetch succeeded: an interrupted
# or failed fetch leaves the old STORE and the old position, and the next
# run asks again for everything after the old position.  A crash between
# the two renames leaves the new STORE with the old position; the next
# run then fetches some objects again, and the merge, which keeps one
# version per id, makes that harmless: nothing is lost or stored twice.
#
# --discover prints, for the server's discovery resource and each of its
# API roots, one line per collection: its objects URL prefix (what to give
# as COLLECTION-URL), whether it can be read, and its title.
#
# HTTP basic authentication: USER, and the password from the first line of
# PASSWORD-FILE.  Neither the password nor the URL's credentials ever
# appear on a command line: curl takes its settings on stdin (--config -).
# 401, 403 and 404 are reported with the server's TAXII error message
# (title and description).  429 and 5xx answers and failed connections
# are tried again, up to TAXII_RETRIES times (default 5), after the
# answer's Retry-After (in seconds) or else TAXII_BACKOFF seconds
# (default 2) doubled at each attempt.
#
# Environment: TAXII_RETRIES, TAXII_BACKOFF as above; TAXII_LIMIT, the
# page size to ask for (the server may cap it; default the server's);
# TAXII_TIMEOUT, seconds per request (default 300); CURL, JQ (the
# programs, default curl and jq).
#
# Exit status: 0 STORE is up to date; 1 the fetch failed and STORE and its
# position are as they were; 2 usage error.
#
# As the feed of ti-index-update.sh (ti-index-update.service):
#	FETCH_CMD=taxii-fetch.sh -u feeduser -p /etc/kv-match/taxii.pass -s /var/lib/ti/taxii.ndjson https://taxii.example/api1/collections/ID/ && cat /var/lib/ti/taxii.ndjson

set -u

prog=taxii-fetch
CURL=${CURL:-curl}
JQ=${JQ:-jq}
TAXII_RETRIES=${TAXII_RETRIES:-5}
TAXII_BACKOFF=${TAXII_BACKOFF:-2}
TAXII_LIMIT=${TAXII_LIMIT:-}
TAXII_TIMEOUT=${TAXII_TIMEOUT:-300}
MEDIA='application/taxii+json;version=2.1'

usage() {
	echo "usage: $prog [-u USER -p PASSWORD-FILE] -s STORE COLLECTION-URL" >&2
	echo "       $prog [-u USER -p PASSWORD-FILE] --discover SERVER-URL" >&2
	exit 2
}

user='' pwfile='' store='' discover=''
while [ $# -gt 0 ]; do
	case $1 in
	-u) [ $# -ge 2 ] || usage; user=$2; shift 2 ;;
	-p) [ $# -ge 2 ] || usage; pwfile=$2; shift 2 ;;
	-s) [ $# -ge 2 ] || usage; store=$2; shift 2 ;;
	--discover) discover=1; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ $# -eq 1 ] || usage
url=$1
if [ -z "$discover" ] && [ -z "$store" ]; then usage; fi
if [ -n "$user" ] && [ -z "$pwfile" ]; then pair=no
elif [ -z "$user" ] && [ -n "$pwfile" ]; then pair=no
else pair=yes
fi
if [ $pair = no ]; then
	echo "$prog: -u and -p go together" >&2
	usage
fi
case $TAXII_RETRIES$TAXII_BACKOFF in *[!0-9]*)
	echo "$prog: TAXII_RETRIES and TAXII_BACKOFF are whole numbers" >&2
	exit 2 ;;
esac

# cfgquote STRING: STRING as a double-quoted curl config value.
cfgquote() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

password=
if [ -n "$pwfile" ]; then
	if ! [ -r "$pwfile" ]; then
		echo "$prog: $pwfile: cannot read the password file" >&2
		exit 2
	fi
	password=$(sed -n '1{s/\r$//;p;}' "$pwfile")
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/taxii-fetch.XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

# get URL: GET URL into $work/body and its headers into $work/head,
# retrying as above; the status code is in $code.  Returns 0 on 2xx,
# else reports and returns 1.
get() {
	attempt=0
	while :; do
		: >"$work/head"
		: >"$work/body"
		{
			printf 'url = %s\n' "$(cfgquote "$1")"
			printf 'header = %s\n' "$(cfgquote "Accept: $MEDIA")"
			if [ -n "$user" ]; then
				printf 'user = %s\n' "$(cfgquote "$user:$password")"
			fi
			printf 'max-time = %s\n' "$TAXII_TIMEOUT"
		} | "$CURL" -sS --config - -o "$work/body" -D "$work/head" \
		    -w '%{http_code}' >"$work/code" 2>"$work/curlerr"
		cst=$?
		code=$(cat "$work/code")
		case $cst:$code in
		0:2??) return 0 ;;
		0:429|0:5??) why="HTTP $code" ;;
		0:*)
			report "$1" "$code"
			return 1 ;;
		*) why="$(head -n 1 "$work/curlerr")" ;;
		esac
		attempt=$((attempt + 1))
		if [ "$attempt" -gt "$TAXII_RETRIES" ]; then
			echo "$prog: $1: $why; giving up after $TAXII_RETRIES" \
			    "retries" >&2
			[ "$cst" = 0 ] && report "$1" "$code"
			return 1
		fi
		wait_s=$(sed -n 's/^[Rr][Ee][Tt][Rr][Yy]-[Aa][Ff][Tt][Ee][Rr]:[ 	]*\([0-9][0-9]*\).*/\1/p' \
		    "$work/head" | tail -n 1)
		if [ -z "$wait_s" ] || [ "$cst" != 0 ]; then
			wait_s=$((TAXII_BACKOFF << (attempt - 1)))
		fi
		echo "$prog: $1: $why; trying again in ${wait_s}s" >&2
		sleep "$wait_s"
	done
}

# report URL CODE: say why the server refused, with its TAXII error
# message (title, description) when the body is one.
report() {
	msg=$("$JQ" -r 'select(type == "object") |
	    [.title, .description] | map(select(. != null and . != "")) |
	    join(": ")' "$work/body" 2>/dev/null)
	[ -n "$msg" ] || msg=$(head -c 300 "$work/body" | tr '\n' ' ')
	echo "$prog: $1: HTTP $2${msg:+: $msg}" >&2
}

# header NAME: the value of the response header NAME, or nothing.
header() {
	tr -d '\r' <"$work/head" | awk -v n="$1" '
	    BEGIN { n = tolower(n) ":" }
	    /^HTTP\// { v = "" }
	    tolower(substr($0, 1, length(n))) == n {
		v = substr($0, length(n) + 1); sub(/^[ \t]*/, "", v)
	    }
	    END { print v }'
}

# urlenc STRING: STRING percent-encoded for a query parameter.
urlenc() {
	printf '%s' "$1" | "$JQ" -sRr @uri
}

# slash URL: URL with one trailing slash.
slash() {
	case $1 in */) printf '%s' "$1" ;; *) printf '%s/' "$1" ;; esac
}

if [ -n "$discover" ]; then
	base=$(slash "$url")
	get "$base" || exit 1
	origin=$(printf '%s' "$base" | sed 's|^\([a-zA-Z]*://[^/]*\).*|\1|')
	roots=$("$JQ" -r '.api_roots // [] | .[]' "$work/body") || {
		echo "$prog: $base: not a TAXII discovery resource" >&2
		exit 1
	}
	"$JQ" -r '"# " + (.title // "") + (if .default then
	    " (default API root " + .default + ")" else "" end)' "$work/body"
	st=0
	for r in $roots; do
		case $r in /*) r=$origin$r ;; http*) ;; *) r=$base$r ;; esac
		r=$(slash "$r")
		get "${r}collections/" || { st=1; continue; }
		"$JQ" -r --arg r "$r" '.collections // [] | .[] |
		    [$r + "collections/" + .id + "/",
		     (if .can_read then "read" else "no-read" end),
		     (.title // "")] | join("\t")' "$work/body" || st=1
	done
	exit $st
fi

coll=$(slash "$url")
posfile=$store.position
after=
if [ -s "$posfile" ]; then
	after=$("$JQ" -r --arg c "$coll" \
	    'if .collection == $c then .added_after // "" else "" end' \
	    "$posfile") || {
		echo "$prog: $posfile: not a position file" >&2
		exit 1
	}
fi

# Fetch every page into $work/new.ndjson.
: >"$work/new.ndjson"
last=$after
next=
pages=0
objects=0
while :; do
	q=
	[ -n "$TAXII_LIMIT" ] && q="$q&limit=$TAXII_LIMIT"
	if [ -n "$next" ]; then
		q="$q&next=$(urlenc "$next")"
	fi
	[ -n "$after" ] && q="$q&added_after=$(urlenc "$after")"
	get "${coll}objects/${q:+?${q#&}}" || exit 1
	if ! "$JQ" -c 'if type != "object" then error("not a TAXII envelope")
	    else (.objects // [])[] end' "$work/body" >"$work/page" 2>"$work/jqerr"; then
		echo "$prog: ${coll}objects/: the answer is not a TAXII" \
		    "envelope" >&2
		exit 1
	fi
	cat "$work/page" >>"$work/new.ndjson"
	pages=$((pages + 1))
	objects=$((objects + $(wc -l <"$work/page")))
	dl=$(header X-TAXII-Date-Added-Last)
	[ -n "$dl" ] && last=$dl
	more=$("$JQ" -r '.more // false' "$work/body")
	[ "$more" = true ] || break
	nn=$("$JQ" -r '.next // ""' "$work/body")
	if [ -n "$nn" ]; then
		next=$nn
	elif [ -n "$dl" ] && [ "$dl" != "$after" ]; then
		next=
		after=$dl
	else
		echo "$prog: ${coll}objects/: \"more\" without \"next\" or" \
		    "a new X-TAXII-Date-Added-Last" >&2
		exit 1
	fi
done

# Merge: one line per id, the latest modified (normalized to nine
# fractional digits, so that "12Z" sorts after "11.5Z"), the later line
# on a tie; store lines come before the new ones.
tab=$(printf '\t')
{
	[ -f "$store" ] && cat "$store"
	cat "$work/new.ndjson"
} | "$JQ" -r 'select(type == "object" and (.id | type) == "string") |
    def ts: (. // "") | tostring |
	(capture("^(?<s>[^.Z]*)(\\.(?<f>[0-9]*))?Z?$") // {s: ., f: ""}) |
	.s + "." + ((.f // "") + "000000000")[0:9];
    [.id, ((.modified // .created) | ts), tojson] | join("\t")' |
    awk -v OFS="$tab" '{ print NR, $0 }' |
    LC_ALL=C sort -t "$tab" -k2,2 -k3,3 -k1,1n |
    awk -F "$tab" '
	NR > 1 && $2 != id { print line }
	{ id = $2; line = $4 }
	END { if (NR > 0) print line }' >"$work/merged" || {
	echo "$prog: merging into $store failed; $store kept" >&2
	exit 1
}
bad=$(cat "$store" "$work/new.ndjson" 2>/dev/null |
    "$JQ" -c 'select(type != "object" or (.id | type) != "string")' | wc -l)
[ "$bad" -gt 0 ] && echo "$prog: $bad objects without an id skipped" >&2

dir=$(dirname "$store")
tmps=$(mktemp "$dir/.taxii-store.XXXXXX") || exit 1
tmpp=$(mktemp "$dir/.taxii-position.XXXXXX") || { rm -f "$tmps"; exit 1; }
trap 'rm -rf "$work" "$tmps" "$tmpp"' EXIT
"$JQ" -nc --arg c "$coll" --arg a "$last" \
    '{collection: $c, added_after: $a}' >"$tmpp" &&
    cp "$work/merged" "$tmps" && chmod 644 "$tmps" "$tmpp" &&
    mv -f "$tmps" "$store" && mv -f "$tmpp" "$posfile" || {
	echo "$prog: writing $store failed; $store kept" >&2
	exit 1
}
n=$(wc -l <"$store")
echo "$prog: $store: $objects objects in $pages pages merged; $n objects" >&2
exit 0
