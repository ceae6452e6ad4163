# The token: a refused AZURE_ACCESS_TOKEN (401) is replaced once through
# TOKEN_CMD and the batch sent; a JWT that is about to expire is replaced
# before sending; without TOKEN_CMD a 401 is reported with the API's text,
# exit 1, and the batch waits in the spool.  The token never appears in
# curl's arguments.
. "$TOP/tests/recipes/lib.sh"
start ingest srv
mkdir bin
real=$(command -v curl)
cat >bin/curl <<EOC
#!/bin/sh
printf '%s\n' "\$*" >>"$PWD/argv"
exec "$real" "\$@"
EOC
chmod +x bin/curl
PATH=$PWD/bin:$PATH
export PATH
alerts 5 >in.ndjson
echo tok-new-1 >srv/tokens
echo tok-new-1 >tokfile
send() {
	sh "$R/sentinel-send.sh" -e "http://127.0.0.1:$PORT" -r dcr-1 \
	    -s Custom-KvMatchAlerts -d spool "$@"
}
AZURE_ACCESS_TOKEN=tok-old TOKEN_CMD="cat $PWD/tokfile" send in.ndjson 2>err ||
    { cat err; fail "refresh failed"; }
grep -q 'HTTP 401: InvalidToken' err || { cat err; fail "no 401 report"; }
[ "$(jq -r .status srv/requests.ndjson | tr '\n' ' ')" = "401 204 " ] ||
    fail "requests: $(jq -r .status srv/requests.ndjson)"
# An expired JWT is replaced before the first request.
exp=$(($(date +%s) - 10))
jwt="eyJhbGciOiJub25lIn0.$(printf '{"exp":%d}' $exp | base64 | tr -d '=\n' | tr '/+' '_-').x"
: >srv/requests.ndjson
AZURE_ACCESS_TOKEN=$jwt TOKEN_CMD="cat $PWD/tokfile" send in.ndjson 2>err ||
    { cat err; fail "expired JWT"; }
[ "$(jq -r .status srv/requests.ndjson | tr '\n' ' ')" = "204 " ] ||
    fail "expired JWT: requests: $(jq -r .status srv/requests.ndjson)"
# No TOKEN_CMD: reported, exit 1, spooled.
if AZURE_ACCESS_TOKEN=tok-old send in.ndjson 2>err; then fail "401 exit 0"; fi
grep -q 'HTTP 401: InvalidToken: The provided token is invalid or expired.' err ||
    { cat err; fail "no API error text"; }
[ -n "$(ls spool | grep ndjson)" ] || fail "nothing spooled"
AZURE_ACCESS_TOKEN=tok-new-1 send </dev/null || fail "sending the spool"
received >got
{ cat in.ndjson in.ndjson in.ndjson; } >want
same want got "alerts lost or doubled"
grep -e tok-new -e tok-old -e "$jwt" argv && fail "a token in curl's arguments"
exit 0
