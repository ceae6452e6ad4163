#!/bin/sh
# bench.sh: the benchmark of SPEC.md section 7 (make bench).  Not part of
# make check: the figures depend on the machine and on its load.
#
# It builds the tools and two helpers (scripts/gendata.c, the data
# generator, and scripts/bench_lookup.c, which times the index API) into
# build/bench/, generates its data once into a cache outside the tree,
# times every command as the median of several runs, and prints one table:
# ti-index on 1e6 and 1e7 indicator rows; kv-match with the 1e6 index on a
# page-cached file of AzureDiagnostics Key Vault lines beside wc -l, cat
# and grepcidr -f (given all 1e6 addresses); jq doing the same lookup on a
# slice of the file, its rate set against kv-match's on the whole file
# (and against kv-match's on the slice, both times less the harness's
# own, which is a sizable part of kv-match's short run there); lookup
# cost, in a loop and in kv-match's stream; start-up;
# the two-stage topology (SPEC 8) on the same file: the dedup stage in
# alerts/s and the CPU of both stages against one kv-match; then a
# PASS/FAIL line per target.  The counts of matching lines are compared across the tools.  Side-by-side commands
# run in rounds (one run of each in turn), so that the ratios, the figures
# that count on a noisy machine, compare runs made under the same load.
#
# Environment (defaults in brackets):
#   BENCH_DIR       the data cache [${XDG_CACHE_HOME:-$HOME/.cache}/ti-kv-bench]
#   BENCH_RUNS      runs per median [5]
#   BENCH_RUNS_1E7  runs of ti-index on 1e7 rows [3, at most BENCH_RUNS]
#   BENCH_KV_MB     size of the Key Vault log file, MB [1024]
#   BENCH_SLICE_MB  the slice given to jq and grepcidr, MB [64]
#   BENCH_SEED      the generator's seed [42]
#   BENCH_FLOOD_MB  size of the flood file (every line from one of 20
#                   listed addresses, nearly all suppressed), MB [185]
#   BENCH_SKIP_1E7  1: leave out everything with 10,000,000 indicators [0]
#   BENCH_JQ_ALL    1: give jq all 1e6 indicator addresses rather than only
#                   those that occur in the slice (its best case) [0]
#   BENCH_INSTALL   0: do not run scripts/bench-deps.sh for missing tools [1]
# MB are 10^6 bytes; MiB (memory, index sizes) 2^20.

# Commands to time are strings that sh -c expands later, from the
# environment: single quotes are meant.
# shellcheck disable=SC2016

set -u
export LC_ALL=C
cd "$(dirname "$0")/.." || exit 2
top=$(pwd)

RUNS=${BENCH_RUNS:-5}
RUNS7=${BENCH_RUNS_1E7:-3}
[ "$RUNS7" -gt "$RUNS" ] && RUNS7=$RUNS
KV_MB=${BENCH_KV_MB:-1024}
SLICE_MB=${BENCH_SLICE_MB:-64}
SEED=${BENCH_SEED:-42}
FLOOD_MB=${BENCH_FLOOD_MB:-185}
SKIP7=${BENCH_SKIP_1E7:-0}
JQ_ALL=${BENCH_JQ_ALL:-0}
DIR=${BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ti-kv-bench}
HITRATE=0.001
N6=1000000
N7=10000000
STARTUP_RUNS=20

BLD=$top/build/bench
LIB=$top/build/std/libtikv.a
GEN=$BLD/gendata
BL=$BLD/bench_lookup
export KVM="$top/bin/kv-match"
TIX=$top/bin/ti-index

say() {
	echo "bench: $*" >&2
}

die() {
	echo "bench: $*" >&2
	exit 2
}

for v in "$RUNS" "$RUNS7" "$KV_MB" "$SLICE_MB" "$SEED" "$FLOOD_MB"; do
	case $v in
	''|*[!0-9]*) die "BENCH_RUNS, BENCH_RUNS_1E7, BENCH_KV_MB, \
BENCH_SLICE_MB, BENCH_SEED and BENCH_FLOOD_MB take whole numbers (got '$v')" ;;
	esac
done
if [ "$RUNS" -lt 1 ] || [ "$RUNS7" -lt 1 ] || [ "$KV_MB" -lt 1 ] ||
    [ "$SLICE_MB" -lt 1 ]; then
	die "runs and sizes must be at least 1"
fi
[ "$SLICE_MB" -gt "$KV_MB" ] && SLICE_MB=$KV_MB

case $(date +%N) in
''|*[!0-9]*) die "needs a date(1) that knows %N (GNU coreutils)" ;;
esac

T=$(mktemp -d "${TMPDIR:-/tmp}/ti-kv-bench.XXXXXX") || exit 2
trap 'rm -rf "$T"' EXIT
trap 'exit 130' INT TERM

# ---- Tools ---------------------------------------------------------------

have_gnu_time() {
	/usr/bin/time -f %M -o /dev/null true 2>/dev/null
}

tools_missing() {
	command -v jq >/dev/null 2>&1 || return 0
	command -v grepcidr >/dev/null 2>&1 || return 0
	have_gnu_time || return 0
	return 1
}

if tools_missing && [ "${BENCH_INSTALL:-1}" != 0 ]; then
	say "installing the missing benchmark tools (scripts/bench-deps.sh)"
	sh scripts/bench-deps.sh ||
	    say "scripts/bench-deps.sh failed; going on without them"
fi
HAVE_JQ=0; command -v jq >/dev/null 2>&1 && HAVE_JQ=1
HAVE_GC=0; command -v grepcidr >/dev/null 2>&1 && HAVE_GC=1
HAVE_TIME=0; have_gnu_time && HAVE_TIME=1

# ---- Build ---------------------------------------------------------------

say "building (make all, gendata, bench_lookup)"
make all >&2 || die "make all failed"
[ -f "$LIB" ] || die "$LIB missing after make all"
mkdir -p "$BLD" || exit 2
CC=${CC:-cc}
$CC -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o "$GEN" scripts/gendata.c ||
    die "cannot compile scripts/gendata.c"
# shellcheck disable=SC2046
$CC -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Isrc \
    $(pkg-config --cflags yajl 2>/dev/null) -o "$BL" scripts/bench_lookup.c \
    "$LIB" $(pkg-config --libs yajl 2>/dev/null || echo -lyajl) -lm ||
    die "cannot compile scripts/bench_lookup.c"
NOW=$("$GEN" now)
GV=$("$GEN" version)

# ---- Data ----------------------------------------------------------------

mkdir -p "$DIR" || die "cannot create $DIR"
say "data in $DIR"

# gen FILE ARGS...: run gendata ARGS into FILE unless FILE is there.
gen() {
	f=$1
	shift
	[ -s "$f" ] && return 0
	say "generating $(basename "$f") (once; kept for later runs)"
	if ! "$GEN" "$@" >"$f.tmp.$$"; then
		rm -f "$f.tmp.$$"
		die "gendata $* failed"
	fi
	mv "$f.tmp.$$" "$f" || exit 2
}

TI6=$DIR/ti-v$GV-s$SEED-n$N6.ndjson
TI7=$DIR/ti-v$GV-s$SEED-n$N7.ndjson
export KV="$DIR/kv-v$GV-s$SEED-n$N6-h$HITRATE-${KV_MB}MB.ndjson"
export SLICE="$DIR/kv-v$GV-s$SEED-n$N6-h$HITRATE-${KV_MB}MB.slice$SLICE_MB.ndjson"
export FLOOD="$DIR/flood-v$GV-s$SEED-n20-${FLOOD_MB}MB.ndjson"
export ADDRS6="$DIR/addrs-v$GV-s$SEED-n$N6.txt"
export IDX6="$DIR/ti-n$N6.idx"
export IDX7="$DIR/ti-n$N7.idx"

gen "$TI6" ti $N6 "$SEED"
[ "$SKIP7" = 1 ] || gen "$TI7" ti $N7 "$SEED"
gen "$KV" kv "$KV_MB" $N6 "$SEED" $HITRATE
gen "$ADDRS6" addrs $N6 "$SEED" $N6
gen "$FLOOD" flood "$FLOOD_MB" 20 "$SEED"
if [ ! -s "$SLICE" ]; then
	n=$(head -c $((SLICE_MB * 1000000)) "$KV" | wc -l)
	head -n "$n" "$KV" >"$SLICE.tmp.$$" || die "cannot write $SLICE"
	mv "$SLICE.tmp.$$" "$SLICE" || exit 2
fi

# ---- Measuring -----------------------------------------------------------

# timed NAME CMD: run CMD (sh -c) once; append its wall time in ns to
# $T/NAME.t, its peak RSS in KiB to $T/NAME.m, CPU seconds to $T/NAME.c.
timed() {
	if [ $HAVE_TIME = 1 ]; then
		t0=$(date +%s%N)
		/usr/bin/time -f '%M %U %S' -o "$T/rusage" sh -c "$2"
		st=$?
		t1=$(date +%s%N)
		tail -n 1 "$T/rusage" | {
			read -r kb u s
			echo "$kb" >>"$T/$1.m"
			echo "$u $s" | awk '{ print $1 + $2 }' >>"$T/$1.c"
		}
	else
		t0=$(date +%s%N)
		sh -c "$2"
		st=$?
		t1=$(date +%s%N)
	fi
	echo $((t1 - t0)) >>"$T/$1.t"
	[ $st -le 1 ] || say "warning: exit status $st from: $2"
}

# median FILE: the median of the numbers in FILE (empty: nothing).
median() {
	[ -s "$1" ] || return 0
	sort -n "$1" | awk '{ v[NR] = $1 }
	    END { if (NR % 2) print v[(NR + 1) / 2];
		  else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# calc EXPR: evaluate an awk expression, or print nothing when a variable
# it uses is empty (a part skipped).
calc() {
	awk "BEGIN { x = $1; printf \"%.6g\", x }" 2>/dev/null
}

# f3 X: X with about three significant figures (or "-" when empty).
f3() {
	[ -n "${1:-}" ] || { echo -; return; }
	awk -v x="$1" 'BEGIN {
	    a = x < 0 ? -x : x
	    if (a >= 100) printf "%.0f", x
	    else if (a >= 10) printf "%.1f", x
	    else if (a >= 1 || a == 0) printf "%.2f", x
	    else printf "%.3f", x }'
}

# rate BYTES NS: MB/s.
rate() {
	[ -n "${2:-}" ] && calc "$1 * 1000 / $2"
}

# less_noop NS: NS less the harness's own time (noop_ns), or nothing.
less_noop() {
	[ -n "${1:-}" ] && calc "$1 - ${noop_ns:-0}"
}

# ratio A B: A/B, or nothing when either is empty or B is 0.
ratio() {
	[ -n "${1:-}" ] && [ -n "${2:-}" ] && calc "$2 == 0 ? 0 : $1 / $2"
}

# ge A B: true when A >= B (both numbers).
ge() {
	awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 >= b + 0) }'
}

mib() {
	[ -n "${1:-}" ] && calc "$1 / 1048576"
}

bytes_of() {
	wc -c <"$1" | tr -d ' '
}

info_field() {
	"$TIX" --info "$1" | sed -n "s/.*\"$2\":\\([0-9]*\\).*/\\1/p"
}

# setv NAME VALUE: assign VALUE to the variable named NAME.
setv() {
	eval "$1=\$2"
}

# ti_bench TAG N FILE IDX RUNS: ti-index into IDX; sets ti_*_TAG.
ti_bench() {
	tag=$1 n=$2 file=$3 idx=$4 runs=$5
	cat "$file" >/dev/null
	export TIF="$file" TIO="$idx" TIX NOW
	i=1
	while [ $i -le "$runs" ]; do
		say "ti-index on $n rows, run $i of $runs"
		timed "ti$tag" '"$TIX" -q --now "$NOW" -o "$TIO" "$TIF"'
		i=$((i + 1))
	done
	[ -s "$idx" ] || die "ti-index did not write $idx"
	in_bytes=$(bytes_of "$file")
	size=$(bytes_of "$idx")
	strb=$(info_field "$idx" string_bytes)
	inds=$(info_field "$idx" indicators)
	[ "$inds" = "$n" ] ||
	    say "warning: $idx holds $inds indicators, not $n"
	ns=$(median "$T/ti$tag.t")
	cpu=$(median "$T/ti$tag.c")
	kb=$(median "$T/ti$tag.m")
	setv ti_in_"$tag" "$(calc "$in_bytes / 1e6")"
	setv ti_s_"$tag" "$(calc "$ns / 1e9")"
	setv ti_rate_"$tag" "$(rate "$in_bytes" "$ns")"
	setv ti_size_"$tag" "$(mib "$size")"
	setv ti_bpi_"$tag" "$(calc "$size / $inds")"
	setv ti_bpins_"$tag" "$(calc "($size - $strb) / $inds")"
	setv ti_strb_"$tag" "$(calc "$strb / $inds")"
	if [ -n "$kb" ]; then
		setv ti_cpurate_"$tag" "$(calc "$in_bytes / 1e6 / $cpu")"
		setv ti_rss_"$tag" "$(calc "$kb / 1024")"
		setv ti_rssx_"$tag" "$(calc "$kb * 1024 / $size")"
	fi
}

# warm_index IDX: the index in the page cache as kv-match would have it.
# Read through a mapping with huge page advice (ti-index --verify, as
# kv-match's own mapping), its pages come in 2 MiB folios, which map
# whole; read(2) (cat) fills the cache with small ones, and a lookup then
# costs a page walk more.  A page cache may have dropped part of the
# index since ti-index wrote it (some hosts page out what is cold), so
# it is dropped first (dd iflag=nocache), then read again.
warm_index() {
	dd if="$1" iflag=nocache count=0 status=none 2>/dev/null
	"$TIX" --verify "$1" >/dev/null ||
	    say "warning: ti-index --verify $1 failed"
}

# lookup_bench TAG IDX N: bench_lookup; sets lk_*_TAG.
lookup_bench() {
	say "lookups in the index of $3 indicators"
	warm_index "$2"
	out=$("$BL" "$2" "$3" "$SEED") ||
	    say "warning: bench_lookup $2 reported wrong results: $out"
	for k in open_us open_first_us open_first_cold_us hit_ns miss_ns \
	    hit_chain_ns miss_chain_ns hit_batch_ns miss_batch_ns distance; do
		v=$(echo "$out" | tr ' ' '\n' | sed -n "s/^$k=//p")
		setv "lk_${k}_$1" "$v"
	done
}

# ---- ti-index --------------------------------------------------------------

ti_bench 6 $N6 "$TI6" "$IDX6" "$RUNS"
if [ "$SKIP7" != 1 ]; then
	ti_bench 7 $N7 "$TI7" "$IDX7" "$RUNS7"
fi

# ---- kv-match on the whole file ------------------------------------------

kv_bytes=$(bytes_of "$KV")
kv_lines=$(wc -l <"$KV" | tr -d ' ')
say "kv-match once with --stats (not timed)"
"$KVM" -i "$IDX6" --stats <"$KV" >"$T/alerts" 2>"$T/stats" ||
    say "warning: kv-match exited with status $?"
stat_of() {
	sed -n "s/.*\"$1\":\\([0-9]*\\).*/\\1/p" "$T/stats"
}
kv_matched=$(stat_of matched)
kv_alerts=$(stat_of alerts)
kv_parsed=$(stat_of parsed)
kv_esc=$(grep -c '[\]' "$KV")

if [ $HAVE_GC = 1 ]; then
	gc_n=$(grepcidr -c -f "$ADDRS6" "$KV")
fi

# Lookups in the stream: kv-match on the same file with an index that
# holds nothing (each lookup then ends at once), against the 1e6 and 1e7
# indexes; the difference, round by round, over the lookups made.
export IDX0="$T/empty.idx"
printf '%s\n' '{"TimeGenerated":"2000-01-01T00:00:00Z","NetworkIP":"192.0.2.1","IndicatorId":"old"}' |
    "$TIX" -q --now "$NOW" -o "$IDX0" || die "ti-index could not write $IDX0"
kv_lookups=$(stat_of lookups)

cat "$KV" "$ADDRS6" >/dev/null
warm_index "$IDX6"
[ "$SKIP7" = 1 ] || warm_index "$IDX7"
i=1
while [ $i -le "$RUNS" ]; do
	say "kv-match, wc -l, cat, grepcidr on the ${KV_MB} MB file, round $i of $RUNS"
	timed kv '"$KVM" -i "$IDX6" <"$KV" >/dev/null'
	timed kv0 '"$KVM" -i "$IDX0" <"$KV" >/dev/null'
	[ "$SKIP7" = 1 ] || timed kv7 '"$KVM" -i "$IDX7" <"$KV" >/dev/null'
	timed kvmap 'KV_MATCH_MAP=1 "$KVM" -i "$IDX6" <"$KV" >/dev/null'
	timed wc 'wc -l <"$KV" >/dev/null'
	timed cat 'cat "$KV" >/dev/null'
	timed kvpipe 'cat "$KV" | "$KVM" -i "$IDX6" >/dev/null'
	timed wcpipe 'cat "$KV" | wc -l >/dev/null'
	if [ $HAVE_GC = 1 ]; then
		timed gc 'grepcidr -f "$ADDRS6" "$KV" >/dev/null'
		timed gcload 'grepcidr -f "$ADDRS6" /dev/null >/dev/null'
	fi
	i=$((i + 1))
done
kv_rate=$(rate "$kv_bytes" "$(median "$T/kv.t")")
# stream_ns A B: the median of A's time less B's, round by round, in ns
# per lookup of the file.
stream_ns() {
	[ -s "$T/$1.t" ] && [ -s "$T/$2.t" ] || return 0
	paste "$T/$1.t" "$T/$2.t" | awk '{ print $1 - $2 }' >"$T/$1-$2.d"
	calc "$(median "$T/$1-$2.d") / $kv_lookups"
}
stream6=$(stream_ns kv kv0)
stream7=$(stream_ns kv7 kv0)
kv_lps=$(calc "$kv_lines * 1e9 / $(median "$T/kv.t")")
kv_rss_kb=$(median "$T/kv.m")
kv_rss=$([ -n "$kv_rss_kb" ] && calc "$kv_rss_kb / 1024")
wc_rate=$(rate "$kv_bytes" "$(median "$T/wc.t")")
cat_rate=$(rate "$kv_bytes" "$(median "$T/cat.t")")
kvp_rate=$(rate "$kv_bytes" "$(median "$T/kvpipe.t")")
wcp_rate=$(rate "$kv_bytes" "$(median "$T/wcpipe.t")")
r_wc=$(ratio "$kv_rate" "$wc_rate")
kvmap_rate=$(rate "$kv_bytes" "$(median "$T/kvmap.t")")
r_map=$(ratio "$kvmap_rate" "$wc_rate")
r_cat=$(ratio "$kv_rate" "$cat_rate")
r_pipe=$(ratio "$kvp_rate" "$wcp_rate")
gc_rate=$(rate "$kv_bytes" "$(median "$T/gc.t")")
gc_load_s=$(calc "$(median "$T/gcload.t") / 1e9")
r_gc=$(ratio "$kv_rate" "$gc_rate")
idx6_mib=$(mib "$(bytes_of "$IDX6")")
# The dedup table: allow 256 bytes a key (an entry, its id, its slot) for
# every alert written, more than it ever holds at once.
dedup_mib=$(calc "${kv_alerts:-0} * 256 / 1048576")
rss_limit=$(calc "$idx6_mib + 32 + $dedup_mib")

# ---- The two-stage topology (SPEC 8) on the same file ---------------------
# Stage 1 (kv-match --window 0s --key) writes every match, keyed; stage 2
# (kv-match --dedup-only) reads those.  Its throughput is in keyed alerts
# a second; the CPU of both stages is set against the single kv-match's.

say "two stages: keyed alerts of the ${KV_MB} MB file (not timed)"
export KEYED="$T/keyed"
"$KVM" -i "$IDX6" --window 0s --key <"$KV" >"$KEYED" ||
    say "warning: kv-match --key exited with status $?"
keyed_n=$(wc -l <"$KEYED" | tr -d ' ')
i=1
while [ $i -le "$RUNS" ]; do
	say "two stages, round $i of $RUNS"
	timed st1 '"$KVM" -i "$IDX6" --window 0s --key <"$KV" >/dev/null'
	timed st2 '"$KVM" --dedup-only <"$KEYED" >/dev/null'
	i=$((i + 1))
done
st2_aps=$(calc "$keyed_n * 1e9 / $(median "$T/st2.t")")
st_cpu_x=
if [ $HAVE_TIME = 1 ]; then
	st_cpu_x=$(calc "($(median "$T/st1.c") + $(median "$T/st2.c")) / $(median "$T/kv.c")")
fi

# ---- A flood, and the dedup stage on its alerts ----------------------------
# 20 listed addresses hammering the vaults: every line matches, all but a
# few are suppressed (the quick suppression of match.c).  The dedup stage
# then reads every match of the flood, keyed (--window 0s --key): a
# stream of alerts nearly all suppressed.

flood_bytes=$(bytes_of "$FLOOD")
flood_lines=$(wc -l <"$FLOOD" | tr -d ' ')
"$KVM" -i "$IDX6" --stats <"$FLOOD" >/dev/null 2>"$T/fstats" ||
    say "warning: kv-match on the flood exited with status $?"
fl_alerts=$(sed -n 's/.*"alerts":\([0-9]*\).*/\1/p' "$T/fstats")
fl_supp=$(sed -n 's/.*"suppressed":\([0-9]*\).*/\1/p' "$T/fstats")
fl_parsed=$(sed -n 's/.*"parsed":\([0-9]*\).*/\1/p' "$T/fstats")
export FKEYED="$T/fkeyed"
"$KVM" -i "$IDX6" --window 0s --key <"$FLOOD" >"$FKEYED" ||
    say "warning: kv-match --key on the flood exited with status $?"
fkeyed_n=$(wc -l <"$FKEYED" | tr -d ' ')
fkeyed_bytes=$(bytes_of "$FKEYED")
cat "$FLOOD" "$FKEYED" >/dev/null
i=1
while [ $i -le "$RUNS" ]; do
	say "the flood, and the dedup stage on its alerts, round $i of $RUNS"
	timed fl '"$KVM" -i "$IDX6" <"$FLOOD" >/dev/null'
	timed flwc 'wc -l <"$FLOOD" >/dev/null'
	timed dd '"$KVM" --dedup-only <"$FKEYED" >/dev/null'
	timed ddwc 'wc -l <"$FKEYED" >/dev/null'
	i=$((i + 1))
done
fl_rate=$(rate "$flood_bytes" "$(median "$T/fl.t")")
flwc_rate=$(rate "$flood_bytes" "$(median "$T/flwc.t")")
r_fl=$(ratio "$fl_rate" "$flwc_rate")
dd_aps=$(calc "$fkeyed_n * 1e9 / $(median "$T/dd.t")")
dd_rate=$(rate "$fkeyed_bytes" "$(median "$T/dd.t")")
ddwc_rate=$(rate "$fkeyed_bytes" "$(median "$T/ddwc.t")")
r_dd=$(ratio "$dd_rate" "$ddwc_rate")

# ---- jq and grepcidr on the slice ----------------------------------------

slice_bytes=$(bytes_of "$SLICE")
slice_lines=$(wc -l <"$SLICE" | tr -d ' ')
slice_kv_n=$("$KVM" -i "$IDX6" --window 0s <"$SLICE" | wc -l | tr -d ' ')
jq_desc=
if [ $HAVE_JQ = 1 ]; then
	if [ "$JQ_ALL" = 1 ]; then
		export HITS="$DIR/hits-v$GV-s$SEED-n$N6.all.json"
		jq_desc="jq (given all $N6 addresses)"
		src=$ADDRS6
	else
		export HITS="$SLICE.hits.json"
		sort -u "$ADDRS6" >"$T/addrs.sorted"
		grep -o '"CallerIPAddress":"[^"]*"' "$SLICE" | cut -d'"' -f4 |
		    sort -u | comm -12 - "$T/addrs.sorted" >"$T/hitaddrs"
		src=$T/hitaddrs
		jq_desc="jq (given the $(wc -l <"$T/hitaddrs" | tr -d ' ') hit addresses only)"
	fi
	if [ ! -s "$HITS" ]; then
		jq -R -n '[inputs | {key: ., value: true}] | from_entries' \
		    "$src" >"$HITS.tmp.$$" || die "cannot write $HITS"
		mv "$HITS.tmp.$$" "$HITS" || exit 2
	fi
	export JQF='$h[0] as $H | select(.ResourceType == "VAULTS" and
	    (.CallerIPAddress as $a | $H | has($a)))'
	slice_jq_n=$(jq -c --slurpfile h "$HITS" "$JQF" "$SLICE" | wc -l |
	    tr -d ' ')
fi

cat "$SLICE" >/dev/null
i=1
while [ $i -le "$RUNS" ]; do
	say "kv-match, jq on the ${SLICE_MB} MB slice, round $i of $RUNS"
	timed skv '"$KVM" -i "$IDX6" <"$SLICE" >/dev/null'
	[ $HAVE_JQ = 1 ] &&
	    timed sjq 'jq -c --slurpfile h "$HITS" "$JQF" "$SLICE" >/dev/null'
	# The harness alone (date, time, sh): a few ms, which would weigh on
	# kv-match's short run on the slice but not on jq's; taken off both.
	timed noop ':'
	i=$((i + 1))
done
noop_ns=$(median "$T/noop.t")
skv_ns=$(less_noop "$(median "$T/skv.t")")
sjq_ns=$(less_noop "$(median "$T/sjq.t")")
skv_rate=$(rate "$slice_bytes" "$skv_ns")
sjq_rate=$(rate "$slice_bytes" "$sjq_ns")
# The ratio of speeds: kv-match's over the whole file (as for wc -l and
# grepcidr), jq's over the slice (jq's rate does not change with the
# length of its input; kv-match's short run on the slice is weighed down
# by fixed costs, the exec and the index's first touches, that a long run
# spreads).  The ratio on the slice alone is printed too.
r_jq=$(ratio "$kv_rate" "$sjq_rate")
r_jq_slice=$(ratio "$skv_rate" "$sjq_rate")

# ---- Lookups and start-up --------------------------------------------------

lookup_bench 6 "$IDX6" $N6
if [ "$SKIP7" != 1 ]; then
	lookup_bench 7 "$IDX7" $N7
	SIDX=$IDX7 stag=7 sdesc="1e7 index"
else
	SIDX=$IDX6 stag=6 sdesc="1e6 index; 1e7 skipped"
fi
say "start-up, $STARTUP_RUNS runs of kv-match and of /bin/true"
i=1
while [ $i -le $STARTUP_RUNS ]; do
	t0=$(date +%s%N)
	"$KVM" -i "$SIDX" </dev/null >/dev/null
	t1=$(date +%s%N)
	/bin/true </dev/null >/dev/null
	t2=$(date +%s%N)
	echo $((t1 - t0)) >>"$T/start.t"
	echo $((t2 - t1)) >>"$T/true.t"
	i=$((i + 1))
done
start_ms=$(calc "$(median "$T/start.t") / 1e6")
true_ms=$(calc "$(median "$T/true.t") / 1e6")
start_net_ms=$(calc "$start_ms > $true_ms ? $start_ms - $true_ms : 0")
open_us=
eval "open_us=\${lk_open_first_us_$stag:-}"

# ---- The table -------------------------------------------------------------

row() {
	printf '  %-46s %11s %11s  %s\n' "$1" "$2" "${3:-}" "${4:-}"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null |
    head -n 1)
mem=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' \
    /proc/meminfo 2>/dev/null)
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] &&
    rev="$rev (with uncommitted changes)"
avg_line=$(calc "$kv_bytes / $kv_lines")

# The table, without trailing blanks.
{
echo
echo "ti-index / kv-match benchmark (make bench), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) CPUs, ${cpu:-unknown CPU}, ${mem:-? GiB} memory, $(uname -sr); load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "tree: $rev; data: $DIR (gendata v$GV, seed $SEED)"
echo "median of $RUNS runs ($RUNS7 for ti-index on 1e7 rows); MB = 10^6 bytes, MiB = 2^20 bytes"
[ $HAVE_TIME = 1 ] || echo "peak RSS and CPU time skipped: GNU time not installed"
echo
printf '  %-46s %11s %11s\n' "ti-index (--now $NOW)" "1e6 rows" "1e7 rows"
row "input (MB)" "$(f3 "${ti_in_6:-}")" "$(f3 "${ti_in_7:-}")"
row "time (s)" "$(f3 "${ti_s_6:-}")" "$(f3 "${ti_s_7:-}")"
row "input rate, wall (MB/s)" "$(f3 "${ti_rate_6:-}")" "$(f3 "${ti_rate_7:-}")"
row "input rate, CPU time user+sys (MB/s)" "$(f3 "${ti_cpurate_6:-}")" "$(f3 "${ti_cpurate_7:-}")"
row "peak RSS (MiB)" "$(f3 "${ti_rss_6:-}")" "$(f3 "${ti_rss_7:-}")"
row "index size (MiB)" "$(f3 "${ti_size_6:-}")" "$(f3 "${ti_size_7:-}")"
row "peak RSS / index size" "$(f3 "${ti_rssx_6:-}")" "$(f3 "${ti_rssx_7:-}")"
row "index bytes per indicator" "$(f3 "${ti_bpi_6:-}")" "$(f3 "${ti_bpi_7:-}")"
row "  of which strings (distinct)" "$(f3 "${ti_strb_6:-}")" "$(f3 "${ti_strb_7:-}")"
row "  the rest (target <= 64)" "$(f3 "${ti_bpins_6:-}")" "$(f3 "${ti_bpins_7:-}")"
echo
echo "  kv-match, 1e6 index, $(f3 "$(calc "$kv_bytes / 1e6")") MB page-cached file on stdin"
echo "  ($kv_lines lines, $(f3 "$avg_line") B a line, $HITRATE hitting, $kv_esc with a backslash)"
row "kv-match < file (MB/s)" "$(f3 "$kv_rate")"
row "kv-match < file (lines/s)" "$(f3 "$kv_lps")"
row "kv-match peak RSS (MiB)" "$(f3 "$kv_rss")" "" "limit: index $(f3 "$idx6_mib") + 32 + dedup $(f3 "$dedup_mib")"
row "kv-match alerts, matched, parsed in full" "$kv_alerts" "" "matched $kv_matched, parsed $kv_parsed (--stats)"
row "wc -l < file (MB/s)" "$(f3 "$wc_rate")"
row "cat file > /dev/null (MB/s)" "$(f3 "$cat_rate")"
row "kv-match / wc -l" "$(f3 "$r_wc")x" "" "target >= 0.5"
row "kv-match < file, mapped (MB/s)" "$(f3 "$kvmap_rate")" "" "KV_MATCH_MAP=1; / wc -l: $(f3 "$r_map")x"
row "kv-match / cat" "$(f3 "$r_cat")x"
row "dedup stage, --dedup-only (alerts/s)" "$(f3 "$st2_aps")" "" "$keyed_n keyed alerts from --window 0s --key"
row "two stages / one kv-match, CPU user+sys" "$(f3 "$st_cpu_x")x" "" "same file"
row "cat file | kv-match (MB/s)" "$(f3 "$kvp_rate")"
row "cat file | wc -l (MB/s)" "$(f3 "$wcp_rate")"
row "pipe: kv-match / wc -l" "$(f3 "$r_pipe")x" "" "target >= 1"
if [ $HAVE_GC = 1 ]; then
	row "grepcidr -f file, all $N6 addresses (MB/s)" "$(f3 "$gc_rate")" "" "$gc_n lines match; kv-match matched $kv_matched"
	row "  its pattern load alone (s)" "$(f3 "$gc_load_s")" "" "grepcidr -f addresses /dev/null"
	row "kv-match / grepcidr" "$(f3 "$r_gc")x" "" "target >= 25"
	[ "$gc_n" = "$kv_matched" ] ||
	    echo "  WARNING: grepcidr matched $gc_n lines, kv-match $kv_matched"
else
	row "grepcidr" "-" "" "skipped: grepcidr not installed"
fi
echo
echo "  a flood: $(f3 "$(calc "$flood_bytes / 1e6")") MB, $flood_lines lines from 20 listed addresses, 2-22 ms apart"
row "kv-match < flood (MB/s)" "$(f3 "$fl_rate")" "" "alerts $fl_alerts, suppressed $fl_supp, parsed $fl_parsed"
row "wc -l < flood (MB/s)" "$(f3 "$flwc_rate")"
row "kv-match / wc -l, flood" "$(f3 "$r_fl")x"
row "dedup stage on its keyed alerts (alerts/s)" "$(f3 "$dd_aps")" "" "$fkeyed_n alerts, $(f3 "$(calc "$fkeyed_bytes / 1e6")") MB"
row "  (MB/s)" "$(f3 "$dd_rate")" "" "wc -l: $(f3 "$ddwc_rate") MB/s, ratio $(f3 "$r_dd")x"
echo
echo "  jq doing the same lookup on the first $(f3 "$(calc "$slice_bytes / 1e6")") MB ($slice_lines lines)"
row "kv-match < slice (MB/s)" "$(f3 "$skv_rate")" "" "$slice_kv_n lines match (--window 0s)"
row "  harness time taken off both (ms)" "$(f3 "$(calc "${noop_ns:-0} / 1e6")")" "" "date, time and sh -c alone"
if [ $HAVE_JQ = 1 ]; then
	row "$jq_desc (MB/s)" "$(f3 "$sjq_rate")" "" "$slice_jq_n lines selected"
	row "kv-match / jq" "$(f3 "$r_jq")x" "" "target >= 50; kv-match's rate on the whole file"
	row "  on the slice alone" "$(f3 "$r_jq_slice")x" "" "kv-match's rate on the slice"
else
	row "jq" "-" "" "skipped: jq not installed"
fi
if [ -n "${slice_jq_n:-}" ] && [ "$slice_jq_n" != "$slice_kv_n" ]; then
	echo "  WARNING: jq selected $slice_jq_n lines, kv-match matched $slice_kv_n"
fi
echo
printf '  %-46s %11s %11s\n' "lookup, ns per address (random, 1e6 each)" "1e6 index" "1e7 index"
row "hits, plain loop" "$(f3 "${lk_hit_ns_6:-}")" "$(f3 "${lk_hit_ns_7:-}")" "target < 100 at 1e7"
row "misses, plain loop" "$(f3 "${lk_miss_ns_6:-}")" "$(f3 "${lk_miss_ns_7:-}")"
row "hits, prefetch ${lk_distance_6:-?} ahead" "$(f3 "${lk_hit_batch_ns_6:-}")" "$(f3 "${lk_hit_batch_ns_7:-}")"
row "misses, prefetch ${lk_distance_6:-?} ahead" "$(f3 "${lk_miss_batch_ns_6:-}")" "$(f3 "${lk_miss_batch_ns_7:-}")"
row "hits, chained (each waits for the last)" "$(f3 "${lk_hit_chain_ns_6:-}")" "$(f3 "${lk_hit_chain_ns_7:-}")"
row "misses, chained" "$(f3 "${lk_miss_chain_ns_6:-}")" "$(f3 "${lk_miss_chain_ns_7:-}")"
row "in the stream (kv-match less an empty index)" "$(f3 "${stream6:-}")" "$(f3 "${stream7:-}")" "target < 50 at 1e7; $kv_lookups lookups"
row "tidx_open (us, median of 21)" "$(f3 "${lk_open_us_6:-}")" "$(f3 "${lk_open_us_7:-}")"
row "tidx_open + first lookup (us)" "$(f3 "${lk_open_first_us_6:-}")" "$(f3 "${lk_open_first_us_7:-}")"
row "  the first of those alone (us)" "$(f3 "${lk_open_first_cold_us_6:-}")" "$(f3 "${lk_open_first_cold_us_7:-}")"
echo
echo "  start-up ($sdesc)"
row "kv-match -i index </dev/null (ms)" "$(f3 "$start_ms")" "" "median of $STARTUP_RUNS, fork and exec included"
row "/bin/true the same way (ms)" "$(f3 "$true_ms")"
row "kv-match less /bin/true (ms)" "$(f3 "$start_net_ms")" "" "target < 5 (0: within the noise)"
echo

# ---- Targets ---------------------------------------------------------------

# verdict pass|fail|skip TEXT VALUE
verdict() {
	case $1 in
	pass) w=PASS ;;
	fail) w=FAIL ;;
	*) w=SKIP ;;
	esac
	if [ $w = SKIP ]; then
		printf '%s  %s\n' "$w" "$2"
	else
		printf '%s  %-58s %s\n' "$w" "$2" "$3"
	fi
}

# judge VALUE MIN|MAX LIMIT: pass, fail, or skip when VALUE is empty.
judge() {
	[ -n "${1:-}" ] || { echo skip; return; }
	if [ "$2" = min ]; then
		ge "$1" "$3" && echo pass || echo fail
	else
		ge "$3" "$1" && echo pass || echo fail
	fi
}

# both A B: pass when both pass, skip when either skips.
both() {
	case "$1 $2" in
	*skip*) echo skip ;;
	"pass pass") echo pass ;;
	*) echo fail ;;
	esac
}

echo "targets (SPEC 7)"
verdict "$(judge "$r_wc" min 0.5)" "kv-match >= 0.5x wc -l, page-cached file" "$(f3 "$r_wc")x"
verdict "$(judge "$r_pipe" min 1)" "cat file | kv-match >= cat file | wc -l" "$(f3 "$r_pipe")x"
verdict "$(judge "$r_wc" min 1)" "kv-match >= 1.0x wc -l (issue 16)" "$(f3 "$r_wc")x"
verdict "$(judge "$r_pipe" min 1.25)" "cat file | kv-match >= 1.25x cat file | wc -l (issue 16)" "$(f3 "$r_pipe")x"
verdict "$(judge "${r_jq:-}" min 50)" "kv-match >= 50x jq" "$(f3 "${r_jq:-}")x"
verdict "$(judge "$fl_rate" min 1000)" "kv-match >= 1 GB/s under a flood" "$(f3 "$fl_rate") MB/s"
verdict "$(judge "$dd_aps" min 1000000)" "kv-match --dedup-only >= 1e6 alerts/s" "$(f3 "$dd_aps")"
verdict "$(judge "${r_gc:-}" min 25)" "kv-match >= 25x grepcidr -f" "$(f3 "${r_gc:-}")x"
worst7=
[ -n "${lk_hit_ns_7:-}" ] &&
    worst7=$(calc "$lk_hit_ns_7 > $lk_miss_ns_7 ? $lk_hit_ns_7 : $lk_miss_ns_7")
verdict "$(judge "$worst7" max 100)" "lookup < 100 ns at 1e7 (worse of hits, misses)" "$(f3 "$worst7") ns"
verdict "$(judge "${stream7:-}" max 50)" "lookup < 50 ns at 1e7 in the stream (issue 16)" "$(f3 "${stream7:-}") ns"
if [ "$SKIP7" = 1 ]; then
	sv=skip
else
	sv=$(both "$(judge "$open_us" max 5000)" "$(judge "$start_net_ms" max 5)")
fi
verdict "$sv" "start-up < 5 ms at 1e7 (tidx_open; kv-match process)" "$(f3 "$(calc "${open_us:-0} / 1000")") ms; $(f3 "$start_net_ms") ms"
min_rate=${ti_rate_6:-}
[ -n "${ti_rate_7:-}" ] && min_rate=$(calc "$ti_rate_6 < $ti_rate_7 ? $ti_rate_6 : $ti_rate_7")
verdict "$(judge "$min_rate" min 100)" "ti-index >= 100 MB/s of input (slower of 1e6, 1e7)" "$(f3 "$min_rate") MB/s"
max_rssx=${ti_rssx_6:-}
[ -n "${ti_rssx_7:-}" ] && [ -n "$max_rssx" ] && max_rssx=$(calc "$ti_rssx_6 > $ti_rssx_7 ? $ti_rssx_6 : $ti_rssx_7")
verdict "$(judge "$max_rssx" max 4)" "ti-index peak RSS a small multiple (<= 4x) of the index" "$(f3 "$max_rssx")x"
verdict "$(judge "$min_rate" min 300)" "ti-index >= 300 MB/s of input (issue 16; slower of 1e6, 1e7)" "$(f3 "$min_rate") MB/s"
verdict "$(judge "$max_rssx" max 2)" "ti-index peak RSS <= 2x the index (issue 16)" "$(f3 "$max_rssx")x"
max_bpi=$ti_bpins_6
[ -n "${ti_bpins_7:-}" ] && max_bpi=$(calc "$ti_bpins_6 > $ti_bpins_7 ? $ti_bpins_6 : $ti_bpins_7")
verdict "$(judge "$max_bpi" max 64)" "index <= 64 B per indicator + its distinct strings" "$(f3 "$max_bpi") B"
verdict "$(judge "$kv_rss" max "$rss_limit")" "kv-match RSS <= index + 32 MiB + dedup table" "$(f3 "$kv_rss") <= $(f3 "$rss_limit") MiB"
} | sed 's/[[:space:]]*$//'
