# make install with DESTDIR and PREFIX: the recipes and the Sentinel
# templates go to PREFIX/libexec/kv-match, the units to
# PREFIX/lib/systemd/system with their paths rewritten to PREFIX; make
# uninstall removes them all.
. "$TOP/tests/recipes/lib.sh"
d=$PWD/dest
make -s -C "$TOP" install DESTDIR="$d" PREFIX=/opt/kvm >out 2>&1 ||
    { cat out; fail "make install"; }
lx=$d/opt/kvm/libexec/kv-match
for f in "$TOP"/scripts/recipes/*.sh; do
	[ -x "$lx/${f##*/}" ] || fail "${f##*/} not installed executable"
done
for f in dcr.json table.json analytic-rule.yaml; do
	[ -f "$lx/sentinel/$f" ] || fail "sentinel/$f not installed"
done
for f in "$TOP"/scripts/recipes/systemd/*; do
	u=$d/opt/kvm/lib/systemd/system/${f##*/}
	[ -f "$u" ] || fail "${f##*/} not installed"
	grep -q /usr/local/ "$u" && fail "${f##*/}: /usr/local left"
done
grep -q '^ExecStart=/opt/kvm/libexec/kv-match/ti-index-update.sh$' \
    "$d/opt/kvm/lib/systemd/system/ti-index-update.service" ||
    fail "ExecStart not rewritten"
[ -x "$d/opt/kvm/bin/kv-match" ] || fail "kv-match not installed"
make -s -C "$TOP" uninstall DESTDIR="$d" PREFIX=/opt/kvm >out 2>&1 ||
    { cat out; fail "make uninstall"; }
left=$(find "$d" -type f)
[ -z "$left" ] || fail "left after uninstall: $left"
