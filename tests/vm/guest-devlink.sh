# Guest half of tests/vm/run-netdevsim.sh (sourced by the guest's /init in
# /out): drive netdevsim as the kernel's own selftest
# (tools/testing/selftests/drivers/net/netdevsim/devlink.sh) does, read the
# same things with fwbox's devlink layer (vm-probe) and with iproute2's
# devlink, and leave every output in /out for the host to compare.
# r NAME CMD...: NAME.out, NAME.err and NAME.rc in /out.
r() {
	n=$1; shift
	"$@" > "$n.out" 2> "$n.err"
	echo $? > "$n.rc"
}
H=netdevsim/netdevsim10
D=/sys/kernel/debug/netdevsim/netdevsim10
echo "10 1" > /sys/bus/netdevsim/new_device
say "netdevsim $( [ -d $D ] && echo ok || echo missing)"
r show0 devlink -j health show
r probe-rep0 vm-probe reporters $H
# No reporter holds a dump yet: fwbox must say so and must not make the
# kernel take one (DUMP_GET would).
r probe-dump-empty vm-probe dump $H empty none-empty.fmsg
r probe-dump-dummy0 vm-probe dump $H dummy none-dummy.fmsg
r show1 devlink -j health show
r diag-json devlink -j health diagnose $H reporter dummy
r probe-diag vm-probe diagnose $H dummy diag.fmsg
r diag-empty-json devlink -j health diagnose $H reporter empty
r probe-diag-empty vm-probe diagnose $H empty diag-empty.fmsg
# The health notifications of the report below, as fwbox's monitor
# receives them: the report (state error) and the recovery (healthy).
# Handshake: vm-probe prints "monitoring" once it has joined the group.
vm-probe monitor $H 2 > mon.out 2> mon.err &
mon=$!
until grep -q monitoring mon.out 2>/dev/null || ! kill -0 $mon 2>/dev/null; do :; done
# A 1 MiB binary in the dump: many fmsg binary items over many messages.
echo 1048576 > $D/health/binary_len
echo "fwbox vm break" > $D/health/break_health
wait $mon
echo $? > mon.rc
r show2 devlink -j health show
r probe-rep2 vm-probe reporters $H
r probe-dump vm-probe dump $H dummy dump.fmsg
r probe-dump-again vm-probe dump $H dummy dump-again.fmsg
r dump-json devlink -j health dump show $H reporter dummy
r show3 devlink -j health show
# Regions: one snapshot of netdevsim's "dummy" region.
echo 1 > $D/take_snapshot
r region-json devlink -j region show $H/dummy
r probe-regions vm-probe regions $H
snap=$(awk '$1 == "dummy" { print $3 }' probe-regions.out)
echo "${snap:-none}" > snapshot-id
r region-dump-json devlink -j region dump $H/dummy snapshot "${snap:-0}"
r probe-region vm-probe region-read $H dummy "${snap:-0}" region.bin
say "devlink checks ran"

# fwbox watch on the real kernel: it joins the notifications, and a report
# of the dummy reporter makes it capture the dump the kernel stored (the
# first report's; a stored dump is kept until cleared).  Handshake: the
# daemon's "ready" line.  Then the same by polling the reporters.
fwbox watch -j -d $H --spool /out/spool --exit-after 1 > watch.out 2> watch.err &
w=$!
until grep -q '"note":"ready"' watch.out 2>/dev/null || ! kill -0 $w 2>/dev/null; do :; done
echo "fwbox watch break" > $D/health/break_health
wait $w
echo $? > watch.rc
r dump-json2 devlink -j health dump show $H reporter dummy
fwbox watch -j --poll -d $H --spool /out/spool-poll --exit-after 1 > watchp.out 2> watchp.err &
w=$!
until grep -q '"note":"ready"' watchp.out 2>/dev/null || ! kill -0 $w 2>/dev/null; do :; done
echo "fwbox poll break" > $D/health/break_health
wait $w
echo $? > watchp.rc
r show4 devlink -j health show
say "watch checks ran"
