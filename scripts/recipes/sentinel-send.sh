#!/bin/sh
# sentinel-send.sh: post kv-match's alerts (NDJSON) to Microsoft Sentinel
# through the Azure Monitor Logs Ingestion API (SPEC.md 10).
#
#	sentinel-send.sh -e DCE-URL -r DCR-ID -s STREAM [-d SPOOL] [-D DEAD] [FILE ...]
#
# Each batch is one
#	POST {DCE}/dataCollectionRules/{DCR}/streams/{STREAM}?api-version=2023-01-01
# with "Authorization: Bearer TOKEN" and a JSON array body of at most
# SEND_MAX_BYTES (default 1000000, under the API's 1 MB).  Alerts are sent
# in input order (FILE ..., default stdin; "-" is stdin).  While they flow
# they are batched; when the input pauses the batch is sent within half a
# second (or after SEND_MAX_WAIT seconds, default 5, when they never
# pause), so that the script can sit behind kv-match in a live pipeline.
#
# Every batch is first written to the spool directory SPOOL (default
# $SENTINEL_SPOOL, else /var/lib/kv-match/sentinel-spool) and removed only
# when the API accepted it (2xx).  Batches left there by an earlier run
# are sent first, in order.  Delivery is at least once: a batch is sent
# twice only when the API's answer was lost (or the script was killed
# between the answer and the removal).
#
# Answers:
#   2xx		sent.
#   429		tried again after the answer's Retry-After (seconds).
#   5xx, no answer	tried again after SEND_BACKOFF seconds (default 2),
#		doubled each time up to SEND_BACKOFF_MAX (default 300).  These
#		two are retried SEND_RETRIES times (default 0: for ever).
#   401		the token is fetched again with TOKEN_CMD, once; then retried.
#   413		the batch is split in two halves, each sent on its own; an
#		alert refused on its own is appended to the dead-letter file
#		DEAD (default SPOOL/dead-letter.ndjson) and reported, so it
#		cannot block what follows.  A line that is not a JSON object
#		goes there too.
#   other 4xx	reported with the API's error text; nothing more is sent,
#		the unsent batches stay in SPOOL for the next run, and the
#		script exits 1 when its input ends.
# Sending never holds up the reading: while a batch is retried, or after
# a refusal, the input is still read and spooled to disk, so kv-match
# upstream never blocks or sees its output closed because of the API.
#
# The token: AZURE_ACCESS_TOKEN, or what TOKEN_CMD (a shell command)
# prints, whenever the token is missing, expires within 5 minutes (the
# JWT's "exp"), or is refused with 401.  For example, with the Azure CLI
# signed in:
#	TOKEN_CMD='az account get-access-token --resource https://monitor.azure.com --query accessToken -o tsv'
# or on an Azure VM with a managed identity (the instance metadata service):
#	TOKEN_CMD='curl -sS -H Metadata:true "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://monitor.azure.com" | jq -r .access_token'
# The token never appears on a command line: curl reads its settings,
# the Authorization header included, from stdin (--config -).
#
# Environment: as above, and SEND_TIMEOUT (seconds per request, default
# 60), CURL, JQ (the programs).
#
# Exit status: 0 every alert was sent; 1 some alerts were dead-lettered,
# or the API refused a batch or could not be reached (unsent batches wait
# in SPOOL); 2 usage error or unreadable input.

set -u
LC_ALL=C
export LC_ALL

prog=sentinel-send
CURL=${CURL:-curl}
JQ=${JQ:-jq}
SEND_MAX_BYTES=${SEND_MAX_BYTES:-1000000}
SEND_MAX_WAIT=${SEND_MAX_WAIT:-5}
SEND_RETRIES=${SEND_RETRIES:-0}
SEND_BACKOFF=${SEND_BACKOFF:-2}
SEND_BACKOFF_MAX=${SEND_BACKOFF_MAX:-300}
SEND_TIMEOUT=${SEND_TIMEOUT:-60}
TOKEN_CMD=${TOKEN_CMD:-}
TICK=0.2

usage() {
	echo "usage: $prog -e DCE-URL -r DCR-ID -s STREAM [-d SPOOL] [-D DEAD] [FILE ...]" >&2
	exit 2
}

dce='' dcr='' stream='' dead=''
spool=${SENTINEL_SPOOL:-/var/lib/kv-match/sentinel-spool}
while [ $# -gt 0 ]; do
	case $1 in
	-e) [ $# -ge 2 ] || usage; dce=$2; shift 2 ;;
	-r) [ $# -ge 2 ] || usage; dcr=$2; shift 2 ;;
	-s) [ $# -ge 2 ] || usage; stream=$2; shift 2 ;;
	-d) [ $# -ge 2 ] || usage; spool=$2; shift 2 ;;
	-D) [ $# -ge 2 ] || usage; dead=$2; shift 2 ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-) break ;;
	-*) echo "$prog: unknown option $1" >&2; usage ;;
	*) break ;;
	esac
done
[ -n "$dce" ] && [ -n "$dcr" ] && [ -n "$stream" ] || usage
case $SEND_MAX_BYTES$SEND_MAX_WAIT$SEND_RETRIES$SEND_BACKOFF$SEND_BACKOFF_MAX in
*[!0-9]*) echo "$prog: the SEND_ settings are whole numbers" >&2; exit 2 ;;
esac
for f in "$@"; do
	if [ "$f" != - ] && ! [ -r "$f" ]; then
		echo "$prog: $f: cannot read" >&2
		exit 2
	fi
done
mkdir -p "$spool" || exit 2
[ -n "$dead" ] || dead=$spool/dead-letter.ndjson
endpoint="${dce%/}/dataCollectionRules/$dcr/streams/$stream?api-version=2023-01-01"
SPOOL_DIR=$spool
export SPOOL_DIR

# cfgquote STRING: STRING as a double-quoted curl config value.
cfgquote() {
	printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

# ---- The spool ------------------------------------------------------------

# Batches are SPOOL/NNNNNNNNNNNN.ndjson, numbered in input order; the
# halves of a split batch are N.1.ndjson and N.2.ndjson, which sort
# between N and N+1.  The batch being filled is SPOOL/.cur.

# next_ready: the first batch to send, or nothing (LC_ALL=C: globs sort
# bytewise).
next_ready() {
	for f in "$spool"/[0-9]*.ndjson; do
		[ -f "$f" ] && echo "${f##*/}"
		return
	done
}

# recover: finish what a killed run left: a split whose halves were both
# made replaces its batch; a lone second half is made again; a batch
# being filled becomes the last batch (less a cut last line).
recover() {
	for f in $( (cd "$spool" && ls) | grep '^[0-9][0-9.]*\.ndjson$'); do
		b=$spool/${f%.ndjson}
		[ -f "$b.ndjson" ] || continue
		if [ -f "$b.1.ndjson" ]; then
			rm -f "$b.ndjson"
		elif [ -f "$b.2.ndjson" ]; then
			rm -f "$b.2.ndjson"
		fi
	done
	if [ -s "$spool/.cur" ]; then
		if [ "$(tail -c 1 "$spool/.cur" | od -An -c | tr -d ' ')" != '\n' ]; then
			echo "$prog: $spool/.cur: a cut last line dropped" >&2
			sed '$d' "$spool/.cur" >"$spool/.cur.tmp" &&
			    mv -f "$spool/.cur.tmp" "$spool/.cur"
		fi
		[ -s "$spool/.cur" ] &&
		    mv -f "$spool/.cur" "$spool/$(printf '%012d' $(($(lastseq) + 1))).ndjson"
	fi
	rm -f "$spool/.cur"
}

# lastseq: the highest batch number in the spool, or 0.
lastseq() {
	n=$( (cd "$spool" && ls) | sed -n 's/^0*\([0-9][0-9]*\)\..*ndjson$/\1/p' |
	    LC_ALL=C sort -n | tail -n 1)
	echo "${n:-0}"
}

# ---- The token --------------------------------------------------------------

token=${AZURE_ACCESS_TOKEN:-}
tokexp=

# refresh: take a new token from TOKEN_CMD.
refresh() {
	if [ -z "$TOKEN_CMD" ]; then
		echo "$prog: no TOKEN_CMD to get a new token with" >&2
		return 1
	fi
	t=$(sh -c "$TOKEN_CMD") || {
		echo "$prog: TOKEN_CMD failed" >&2
		return 1
	}
	t=$(printf '%s' "$t" | tr -d ' \r\n')
	[ -n "$t" ] || { echo "$prog: TOKEN_CMD printed no token" >&2; return 1; }
	token=$t
	tokexp=
}

# expiring: true when the token is a JWT whose "exp" is less than five
# minutes away.
expiring() {
	case $token in *.*.*) ;; *) return 1 ;; esac
	[ -n "$tokexp" ] || tokexp=$(printf '%s' "$token" | cut -d. -f2 | tr '_-' '/+' |
	    awk '{ while (length($0) % 4) $0 = $0 "="; print }' |
	    base64 -d 2>/dev/null | "$JQ" -r '.exp // "none"' 2>/dev/null)
	case $tokexp in ''|*[!0-9]*) return 1 ;; esac
	[ "$tokexp" -lt $(($(date +%s) + 300)) ]
}

# ---- Sending ----------------------------------------------------------------

# post FILE: POST FILE's lines as one JSON array; the status code in
# $code ("000" when no answer came), the answer in $work/resp.
post() {
	{ printf '['; paste -s -d , "$1"; printf ']'; } >"$work/body"
	case $token in
	*[!A-Za-z0-9._~+/=-]*) hdr=$(cfgquote "Authorization: Bearer $token") ;;
	*) hdr="\"Authorization: Bearer $token\"" ;;
	esac
	{
		printf 'url = %s\n' "$qendpoint"
		printf 'request = "POST"\n'
		printf 'header = %s\n' "$hdr"
		printf 'header = "Content-Type: application/json"\n'
		printf 'data-binary = %s\n' "$qbody"
		printf 'max-time = %s\n' "$SEND_TIMEOUT"
	} | "$CURL" -sS --config - -o "$work/resp" -D "$work/head" \
	    -w '%{http_code}' >"$work/code" 2>"$work/curlerr"
	code=
	read -r code <"$work/code"
	[ -n "$code" ] || code=000
}

# apierror: the API's error text from $work/resp.
apierror() {
	m=$("$JQ" -r '.error | select(. != null) |
	    [.code, .message] | map(select(. != null)) | join(": ")' \
	    "$work/resp" 2>/dev/null)
	[ -n "$m" ] || m=$(head -c 300 "$work/resp" | tr '\n' ' ')
	printf '%s' "$m"
}

# deadletter FILE WHY: move FILE's lines to the dead-letter file.
deadletter() {
	cat "$1" >>"$dead" || return 1
	rm -f "$1"
	echo "$prog: an alert refused on its own ($2) is in $dead" >&2
	deadn=$((deadn + 1))
}

# split_batch FILE: replace FILE by its two halves.
split_batch() {
	b=${1%.ndjson}
	n=$(wc -l <"$1")
	h=$((n / 2))
	sed -n "$((h + 1)),\$p" "$1" >"$b.2.tmp" &&
	    sed -n "1,${h}p" "$1" >"$b.1.tmp" &&
	    mv -f "$b.2.tmp" "$b.2.ndjson" && mv -f "$b.1.tmp" "$b.1.ndjson" &&
	    rm -f "$1"
}

# send FILE: send one spooled batch until it is accepted (removed), split
# or dead-lettered; return 1 when the API refused it for good.
send() {
	f=$1
	if ! "$JQ" -e -s 'all(.[]; type == "object")' "$f" >/dev/null 2>&1; then
		# Take out the lines that are not JSON objects.
		: >"$work/good"
		while IFS= read -r l; do
			if printf '%s\n' "$l" | "$JQ" -e 'type == "object"' \
			    >/dev/null 2>&1; then
				printf '%s\n' "$l" >>"$work/good"
			else
				printf '%s\n' "$l" >"$work/bad"
				deadletter "$work/bad" "not a JSON object"
			fi
		done <"$f"
		if [ -s "$work/good" ]; then cp "$work/good" "$f"; else rm -f "$f"; return 0; fi
	fi
	tries=0
	refreshed=0
	while :; do
		if [ -z "$token" ] || expiring; then
			refresh || { [ -n "$token" ] || return 1; }
		fi
		post "$f"
		case $code in
		2??)
			rm -f "$f"
			return 0 ;;
		401)
			if [ $refreshed = 0 ] && [ -n "$TOKEN_CMD" ]; then
				echo "$prog: HTTP 401: $(apierror); getting a new token" >&2
				refreshed=1
				refresh || return 1
				continue
			fi
			echo "$prog: $endpoint: HTTP 401: $(apierror)" >&2
			return 1 ;;
		413)
			if [ "$(wc -l <"$f")" -le 1 ]; then
				deadletter "$f" "HTTP 413: $(apierror)"
				return 0
			fi
			split_batch "$f" || return 1
			return 0 ;;
		429|5??|000)
			tries=$((tries + 1))
			if [ "$code" = 000 ]; then
				why=$(head -n 1 "$work/curlerr")
			else
				why="HTTP $code: $(apierror)"
			fi
			if [ "$SEND_RETRIES" -gt 0 ] && [ $tries -gt "$SEND_RETRIES" ]; then
				echo "$prog: $endpoint: $why; giving up after" \
				    "$SEND_RETRIES retries" >&2
				return 1
			fi
			w=
			[ "$code" = 429 ] && w=$(tr -d '\r' <"$work/head" |
			    sed -n 's/^[Rr]etry-[Aa]fter:[ 	]*\([0-9][0-9]*\)$/\1/p' |
			    tail -n 1)
			if [ -z "$w" ]; then
				w=$SEND_BACKOFF
				i=1
				while [ $i -lt $tries ] && [ "$w" -lt "$SEND_BACKOFF_MAX" ]; do
					w=$((w * 2)); i=$((i + 1))
				done
				[ "$w" -gt "$SEND_BACKOFF_MAX" ] && w=$SEND_BACKOFF_MAX
			fi
			echo "$prog: $why; trying again in ${w}s" >&2
			sleep "$w" ;;
		*)
			echo "$prog: $endpoint: HTTP $code: $(apierror)" >&2
			return 1 ;;
		esac
	done
}

# send_ready: send every spooled batch, in order; 1 when one was refused.
send_ready() {
	while f=$(next_ready); [ -n "$f" ]; do
		send "$spool/$f" || return 1
	done
	return 0
}

# ---- Reading ----------------------------------------------------------------

# The input and a ticker share one pipe.  So that their writes never
# interleave, each input line goes as records of at most 1000 bytes ("D"
# and a piece, then "E"), each written at once (under PIPE_BUF); the
# ticker writes "T" every TICK seconds; "X STATUS" ends the input.  The
# batcher appends complete lines to SPOOL/.cur and turns it into the next
# numbered batch when it would pass SEND_MAX_BYTES, when a tick finds
# that no line came since the last one, or after SEND_MAX_WAIT seconds;
# it then writes "B" for the sender, and at the end "X STATUS".
# mawk fills its whole input buffer before it acts on a line unless told
# -W interactive; other awks read pipes as lines come.
AWKI=
if awk -W version 2>&1 | grep -q mawk; then AWKI='-W interactive'; fi

read_input() {
	(while sleep $TICK; do echo T || exit 0; done) &
	tp=$!
	# shellcheck disable=SC2086 # Empty or one option.
	LC_ALL=C awk $AWKI '{
		sub(/\r$/, "")
		s = $0
		while (length(s) > 1000) {
			print "D" substr(s, 1, 1000); fflush()
			s = substr(s, 1001)
		}
		print "D" s; print "E"; fflush()
	}' "$@"
	st=$?
	echo "X $st"
	kill $tp 2>/dev/null
}

batch() {
	# shellcheck disable=SC2086
	LC_ALL=C awk $AWKI -v seq="$(lastseq)" -v max="$SEND_MAX_BYTES" \
	    -v maxage="$((SEND_MAX_WAIT * 5))" '
	function flush() {
		close(cur)
		seq++
		name = sprintf("%012d.ndjson", seq)
		if (system("mv -f \"$SPOOL_DIR/.cur\" \"$SPOOL_DIR/" name "\"") != 0)
			exit 1
		print "B"; fflush()
		n = 0; size = 1; age = 0
	}
	BEGIN { cur = ENVIRON["SPOOL_DIR"] "/.cur"; n = 0; size = 1; age = 0 }
	/^D/ { buf = buf substr($0, 2); next }
	/^E/ {
		line = buf; buf = ""
		if (line ~ /^[ \t]*$/) next
		l = length(line) + 1
		if (n > 0 && size + l > max) flush()
		print line > cur; fflush(cur)
		n++; size += l; got = 1
		next
	}
	/^T/ {
		if (n > 0 && (!got || ++age >= maxage)) flush()
		got = 0
		next
	}
	/^X/ { if (n > 0) flush(); print; exit }'
}

work=$(mktemp -d "${TMPDIR:-/tmp}/sentinel-send.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

qendpoint=$(cfgquote "$endpoint")
qbody=$(cfgquote "@$work/body")
recover
read_input "$@" | batch | {
	deadn=0 failed=0 inst=
	send_ready || failed=1
	while IFS= read -r msg; do
		case $msg in
		X*) inst=${msg#X }; break ;;
		esac
		[ $failed = 0 ] && { send_ready || failed=1; }
	done
	[ $failed = 0 ] && { send_ready || failed=1; }
	if [ $failed = 1 ]; then
		echo "$prog: unsent alerts wait in $spool for the next run" >&2
	fi
	if [ -z "$inst" ]; then
		echo "$prog: reading the input failed" >&2
		exit 2
	fi
	[ "$inst" = 0 ] || exit 2
	[ $failed = 0 ] && [ $deadn = 0 ] || exit 1
	exit 0
}
