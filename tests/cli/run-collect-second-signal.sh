#!/bin/sh
# The second Ctrl-C (fwbox-collect(1) SIGNALS): a first SIGINT during the
# --trace-seconds wait only ends the wait; a second one during the steps
# that follow stops the run, and the partial bundle is published (exit 3);
# one more signal after that ends the program at once and publishes
# nothing.  What is at the final path is checked with tar and readelf -n,
# and no temporary file may be left in the output folder.
#
# The window is made, not guessed: stderr is a pipe this test owns.  Once
# the trace wait is under way (its progress line), the pipe is filled but
# for exactly the bytes of the note the first SIGINT writes, so after the
# note the collector's next progress line (the first step after the wait)
# cannot be written: the run is held inside "the following steps" until
# the pipe is drained.  The handshakes are the progress line, the pipe
# becoming full (the note written, FIONREAD) and the collector asleep
# writing to it (/proc/PID/wchan or /proc/PID/syscall); the third signal
# waits for the second to be handled (SigCgt in /proc/PID/status).
set -e
. "$top_srcdir/tests/cli/lib.sh"
command -v python3 >/dev/null || exit 77
command -v readelf >/dev/null || exit 77
scratch

for mode in second third; do
	dir="$SCRATCH/$mode"
	mkdir "$dir"
	python3 - "$FWBOX" "$dir" "$mode" <<'PY' || fail "$mode: driver failed"
import fcntl, os, signal, struct, subprocess, sys, termios, time

fwbox, d, mode = sys.argv[1:4]
NOTE = (b"\nfwbox collect: trace wait ended by Ctrl-C; collecting the rest "
        b"(Ctrl-C again to stop)\n")
r, w = os.pipe()
env = dict(os.environ, FWBOX_PROGRESS="lines")
p = subprocess.Popen([fwbox, "collect", "-d", "emu:cx6dx,owner=none", "--trace-control",
                      "--trace-seconds", "30", "-o", d + "/b.tar.zst", "--json"],
                     stdout=open(d + "/out.json", "wb"), stderr=w, env=env)
os.close(w)

def line():
    b = b""
    while not b.endswith(b"\n"):
        c = os.read(r, 1)
        if not c:
            sys.exit("collect ended before its trace wait: " + b.decode(errors="replace"))
        b += c
    return b

err = b""
while True:                      # handshake 1: the ring wait is under way
    l = line()
    err += l
    if l.startswith(b"trace wait of 30 s under way") and b"] trace.ring (" in err:
        break

def queued():
    return struct.unpack("i", fcntl.ioctl(r, termios.FIONREAD, b"\0\0\0\0"))[0]

# Fill the pipe but for the note's bytes at the end of its last page.  A
# Linux pipe is a ring of page-sized buffers and a small write is appended
# to the last one only if it fits there whole (else it needs a free
# buffer): with every buffer taken and exactly len(NOTE) bytes left in the
# last, the note fits and the next write of anything blocks.
cap = fcntl.fcntl(r, 1032)       # F_GETPIPE_SZ
page = os.sysconf("SC_PAGE_SIZE")
wfd = os.open("/proc/self/fd/%d" % r, os.O_WRONLY | os.O_NONBLOCK)
filler = 0
for n in [page] * (cap // page - 1) + [page - len(NOTE)]:
    k = os.write(wfd, b"." * n)
    assert k == n, (k, n)
    filler += k
os.close(wfd)
assert queued() == cap - len(NOTE), (queued(), cap)

def until(what, cond):
    while not cond():
        if p.poll() is not None:
            sys.exit("collect exited %d while waiting for %s" % (p.returncode, what))
        time.sleep(0.005)

def blocked_writing():
    # The kernel's word for a writer asleep on a full pipe; else the
    # system call under way: write (x86-64: 1, arm64 and others: 64) on fd 2.
    try:
        wchan = open("/proc/%d/wchan" % p.pid).read().strip()
    except OSError:
        wchan = ""
    if wchan in ("pipe_write", "anon_pipe_write"):
        return True
    try:
        sc = open("/proc/%d/syscall" % p.pid).read().split()
    except OSError as e:
        if wchan in ("", "0"):   # neither is visible here: say so, do not hang
            p.kill()
            sys.exit("cannot see what collect waits on (/proc/PID/wchan, syscall): %s" % e)
        return False
    return len(sc) > 1 and sc[0] in ("1", "64") and int(sc[1], 16) == 2

def catches_sigint():
    for l in open("/proc/%d/status" % p.pid):
        if l.startswith("SigCgt:"):
            return (int(l.split()[1], 16) >> (signal.SIGINT - 1)) & 1 == 1
    return False

p.send_signal(signal.SIGINT)     # first Ctrl-C: ends the wait
# Handshake 2: the note is written (the pipe is full again) and the run has
# gone past the wait: it is asleep writing its next progress line, that of
# the first step after the trace ring.
until("the note", lambda: queued() >= cap)
until("the next progress line", blocked_writing)
p.send_signal(signal.SIGINT)     # second: stops the run in the steps after the wait
if mode == "third":
    # One more, once the second has been handled (the handler then gives
    # SIGINT back to the default action): ends the program at once.
    until("the second SIGINT handled", lambda: not catches_sigint())
    p.send_signal(signal.SIGINT)
rest = b""
while True:                      # drain: the collector goes on
    c = os.read(r, 65536)
    if not c:
        break
    rest += c
rc = p.wait()
assert rest[:filler] == b"." * filler
rest = rest[filler:]
assert rest.startswith(NOTE), rest[:200]
open(d + "/stderr", "wb").write(err + rest)
open(d + "/rc", "w").write("%d\n" % rc)
PY
	rc=$(cat "$dir/rc")
	if [ "$mode" = third ]; then
		# Killed by the signal, nothing published, nothing left over.
		[ "$rc" -eq -2 ] || fail "third signal: exit $rc, expected death by SIGINT (-2)"
		[ ! -e "$dir/b.tar.zst" ] || fail "third signal: a bundle was published"
		left=$(ls -A "$dir" | grep -v '^\(out.json\|stderr\|rc\)$' || true)
		[ -z "$left" ] || fail "third signal: files left behind: $left"
		continue
	fi
	[ "$rc" -eq 3 ] || fail "second SIGINT: exit $rc, expected 3: $(cat "$dir/stderr")"
	left=$(ls -A "$dir" | grep -v '^\(b.tar.zst\|out.json\|stderr\|rc\)$' || true)
	[ -z "$left" ] || fail "second SIGINT: temporary files left: $left"
	# The bundle at the final path, with outside tools: index.elf first,
	# its notes readable, header and seal present.
	tar -tf "$dir/b.tar.zst" > "$dir/list"
	[ "$(head -n1 "$dir/list")" = index.elf ] || fail "second SIGINT: index.elf not first"
	grep -qx 'trace/ring.bin' "$dir/list" || fail "second SIGINT: the ring is not in the bundle"
	tar -xOf "$dir/b.tar.zst" index.elf > "$dir/index.elf"
	readelf -n -W "$dir/index.elf" > "$dir/notes" 2> "$dir/notes.err"
	[ ! -s "$dir/notes.err" ] || fail "readelf warns: $(cat "$dir/notes.err")"
	grep -q 'Unknown note type: (0x46570001)' "$dir/notes" || fail "readelf: no header note"
	grep -q 'Unknown note type: (0x465700ff)' "$dir/notes" || fail "readelf: no seal note"
	"$FWBOX" verify "$dir/b.tar.zst" >/dev/null || fail "second SIGINT: the partial bundle does not verify"
	python3 - "$dir/out.json" <<'PY' || fail "second SIGINT: outcomes"
import errno, os, sys
sys.path.insert(0, os.environ["top_srcdir"] + "/tests/cli")
import fwjson
d = fwjson.one(sys.argv[1])
k = fwjson.kinds(d)
# The first Ctrl-C only ended the wait: the ring is kept, as ok.
t = k["trace.ring"]
assert t["outcome"] == "ok" and t["reason"].startswith("trace wait ended by the user (SIGINT)"), t
# The second stopped the run in the step after the wait: it and every
# later step carry EINTR, the registers were not read.
arts = d["artifacts"]
i = [a["kind"] for a in arts].index("trace.ring")
assert all(a["errno"] != errno.EINTR for a in arts[:i + 1]), arts[:i + 1]
after = arts[i + 1:]
assert after and all(a["errno"] == errno.EINTR for a in after), after
# The step under way (the trace text, next after the ring) says why.
assert after[0]["kind"] == "trace.text" and after[0]["outcome"] in ("failed", "partial"), after[0]
assert after[0]["reason"].startswith("interrupted by a signal"), after[0]
assert k["reg.MGIR"]["outcome"] == "skipped", k["reg.MGIR"]
assert k["reg.MGIR"]["reason"].startswith("not run: interrupted by a signal"), k["reg.MGIR"]
assert k["host.info"]["outcome"] == "skipped", k["host.info"]
PY
	grep -q '^fwbox collect: trace wait ended by Ctrl-C' "$dir/stderr" || fail "no note for the first Ctrl-C"
done
exit 0
