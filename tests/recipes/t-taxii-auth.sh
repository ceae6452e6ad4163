# Basic authentication with the password from a file: a wrong password is
# reported with the server's TAXII error message and exit 1, a missing
# collection with its 404 message; the password never appears in curl's
# arguments (a curl on PATH records them).
. "$TOP/tests/recipes/lib.sh"
start taxii srv
taxii_objects "$DATA/fmt-stix-lines.ndjson" 2026-02-01T00:00:01Z \
    2026-02-01T00:00:02Z >srv/objects.ndjson
echo '{"user": "feed", "password": "s3cret \"pw\" x"}' >srv/config.json
c=http://127.0.0.1:$PORT/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/
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
echo wrong >pw.bad
if sh "$R/taxii-fetch.sh" -u feed -p pw.bad -s store.ndjson "$c" 2>err; then
	fail "a wrong password succeeded"
fi
grep -q "HTTP 401: Unauthorized: The user name or password is not valid." err ||
    { cat err; fail "no 401 message"; }
[ -e store.ndjson ] && fail "a store was written"
printf 's3cret "pw" x\n' >pw
sh "$R/taxii-fetch.sh" -u feed -p pw -s store.ndjson "$c" || fail "right password failed"
[ "$(wc -l <store.ndjson)" -eq 2 ] || fail "store"
if sh "$R/taxii-fetch.sh" -u feed -p pw -s s2 "${c%/*/}/nope/" 2>err; then
	fail "a missing collection succeeded"
fi
grep -q 'HTTP 404: Not Found: No collection at' err || { cat err; fail "no 404 message"; }
[ -s argv ] || fail "the curl wrapper was not used"
grep -e s3cret -e wrong argv && fail "the password is in curl's arguments"
exit 0
