# hostile-setup.sh: sourced by the tests/e2e/hostile-* cases.
#
# Builds ti.idx from hostile-indicators.ndjson (203.0.113.10 and
# 2001:db8::10 are indicators) and defines:
#   rec ID [ADDR]  print a Key Vault record whose CorrelationId is ID and
#                  whose caller is ADDR (203.0.113.10 by default), with a
#                  newline; both go into printf's format, so \377 there
#                  is a byte and \\u0000 a JSON escape;
#   HEAD           the record's text up to its CorrelationId member;
#   kvm ARGS...    run kv-match on ti.idx with --window 0s (every match
#                  alerts), alerts to out.ndjson; print "exit N" and the
#                  CorrelationId of each alert, one a line.
"$TI_INDEX" -q --now 2026-03-02T00:00:00Z -o ti.idx \
    "$DATA/hostile-indicators.ndjson" || exit 99

HEAD='{"TimeGenerated":"2026-03-05T10:00:00Z","ResourceType":"VAULTS","CallerIPAddress":"203.0.113.10","OperationName":"SecretGet"'

rec() {
	printf "{\"TimeGenerated\":\"2026-03-05T10:00:00Z\",\"ResourceType\":\"VAULTS\",\"CallerIPAddress\":\"${2:-203.0.113.10}\",\"OperationName\":\"SecretGet\",\"CorrelationId\":\"$1\"}\n"
}

kvm() {
	"$KV_MATCH" -i ti.idx --window 0s "$@" >out.ndjson
	echo "exit $?"
	jq -c .CorrelationId out.ndjson
}

# invert FILE OUT: write OUT as FILE with every byte inverted (XOR 255).
invert() {
	inv_from=$(awk 'BEGIN { for (i = 0; i < 256; i++)
	    printf "\\%03o", i }')
	inv_to=$(awk 'BEGIN { for (i = 255; i >= 0; i--)
	    printf "\\%03o", i }')
	tr "$inv_from" "$inv_to" <"$1" >"$2"
}

# copybyte SRC DST N: copy byte N of SRC over byte N of DST.  With SRC the
# inverted file, this flips a byte of DST; with the original, it puts the
# byte back: one process each way.
copybyte() {
	dd if="$1" of="$2" bs=1 skip="$3" seek="$3" count=1 conv=notrunc \
	    2>/dev/null
}

# sanitized: true when a binary under test is built with AddressSanitizer,
# whose start-up costs about 15 ms: the loops over every byte then take a
# sample (documented in each case) so that the suite stays fast; their
# output lists each distinct outcome once either way.
sanitized() {
	grep -q __asan_init "$KV_MATCH" "$TI_INDEX"
}

# try NAME CMD...: run CMD (stdin /dev/null) and print one summary line:
# NAME, the exit status, whether stdout was empty, the number of lines on
# stderr and its first line without the "PROG: t.idx: " prefix.  A
# status over 128 (a signal) is printed as "SIGNAL".  (Its variables
# start with try_: sh has no local ones.)
try() {
	try_name=$1
	shift
	"$@" </dev/null >try.out 2>try.err
	try_st=$?
	[ $try_st -gt 128 ] && try_st="SIGNAL $try_st"
	if [ -s try.out ]; then try_out=output; else try_out=quiet; fi
	try_n=0
	try_first=
	while IFS= read -r try_line; do
		[ $try_n = 0 ] && try_first=${try_line#*: t.idx: }
		try_n=$((try_n + 1))
	done <try.err
	echo "$try_name: exit $try_st, $try_out, $try_n line: $try_first"
}
