#!/bin/sh
[ -z "${BASH_VERSION:-}" ] && exec bash "$0" "$@"
# run.sh - daemon suite: dkimlens-milter's process life, for real
#
#   sh tests/daemon/run.sh            (from the repository top, as root)
#
# Runs the real $MILTER (default build/dkimlens-milter) in a fresh mktemp
# -d directory, on loopback ports and unix sockets there, and talks the
# milter protocol to it with build/tests/daemon/mfhold, which holds
# messages at end of header until told to finish them.  Checks:
#   - the PidFile: a symbolic link, a second hard link or a FIFO at its
#     path is refused and the file it names is left alone; a second
#     instance is refused, naming the running pid;
#   - restarts: `kill -TERM; start` at once, with a unix socket (as
#     UserID nobody, in a directory nobody owns) and with an inet port:
#     the new instance starts, keeps its socket and PidFile when the old
#     one exits, and serves;
#   - SIGTERM: messages in progress finish (the milter stops accepting at
#     once), a message past the 10 s wait is cut, a second SIGTERM stops
#     at once, an idle milter exits within 1 s;
#   - daemonizing without -f: the parent exits 0 once the socket serves,
#     the PidFile names the daemon, which runs as UserID, UMask applies to
#     the socket; a failed start exits non-zero with the real cause;
#   - -n: the real cause when the port is taken, the socket or PidFile
#     directory is missing, the host does not resolve.
# Prints TAP; exits 1 when a test failed.  The directory is kept after a
# failure, or always with KEEP=1.  Takes about 25 s.
set -u

top=${DKIMLENS_TOP:-$(pwd)}
MILTER=${MILTER:-$top/build/dkimlens-milter}
MFHOLD=${MFHOLD:-$top/build/tests/daemon/mfhold}
PY=/usr/bin/python3

. "$top/tests/lib/tap.sh"
tap_poll_ms=50
pids=

# ---------------------------------------------------------------- helpers

gone() {
	! alive "$1"
}

# track PID - kill it at the end if still there
track() {
	pids="$pids $1"
}

cleanup() {
	local p
	for p in $pids; do
		alive "$p" && kill -9 "$p" 2>/dev/null
	done
	if [ -n "${T:-}" ]; then
		if [ "${KEEP:-}" = 1 ] || { [ "$failed" -ne 0 ] &&
		    [ "${KEEP:-}" != 0 ]; }; then
			echo "# kept $T"
		else
			rm -rf "$T"
		fi
	fi
}
trap cleanup EXIT

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# free_port - a TCP port free on 127.0.0.1
free_port() {
	$PY -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# mkconf FILE SOCKET [LINE...] - a verify-only configuration
mkconf() {
	local f=$1 s=$2
	shift 2
	{
		echo "Socket		$s"
		echo "Mode		v"
		echo "AuthservID	daemon.dkimlens.test"
		echo "Nameservers	127.0.0.1:9"
		echo "DNSTimeout	1"
		echo "Syslog		no"
		for l in "$@"; do echo "$l"; done
	} >"$f"
	chmod 644 "$f"
}

# start NAME CONF - dkimlens-milter -f in the background; $mpid
start() {
	"$MILTER" -f -c "$2" >"$T/$1.out" 2>"$T/$1.log" &
	mpid=$!
	track "$mpid"
}

# serves SOCKET - one whole message gets a final reply
serves() {
	"$MFHOLD" -w 0 "$1" 2>&1 | grep -q '^0 final '
}

# pidfile_is FILE PID
pidfile_is() {
	[ "$(cat "$1" 2>/dev/null)" = "$2" ]
}

# ---------------------------------------------------------------- setup

[ "$(id -u)" = 0 ] || bail "the daemon suite runs as root (PidFile, UserID)"
[ -x "$MILTER" ] || bail "milter binary $MILTER exists"
[ -x "$MFHOLD" ] || bail "mfhold binary $MFHOLD exists"
id nobody >/dev/null 2>&1 || bail "user nobody exists"
T=$(mktemp -d /tmp/dkimlens-daemon.XXXXXX) || bail "mktemp -d"
chmod 755 "$T"
echo "# dir $T"

# ---------------------------------------------------------------- PidFile

# The PidFile directory belongs to UserID, who links dkimlens.pid to a
# file of root's; the next start (as root) must not write through it.
mkdir "$T/pl"
chown nobody "$T/pl"
echo "root's precious file" >"$T/precious"
chmod 600 "$T/precious"
ln -s "$T/precious" "$T/pl/m.pid"
port=$(free_port)
mkconf "$T/pl.conf" "inet:$port@127.0.0.1" "PidFile	$T/pl/m.pid" \
    "UserID	nobody"
start pl "$T/pl.conf"
wait_for 5 gone "$mpid"
if alive "$mpid"; then
	kill -9 "$mpid"
	wait "$mpid" 2>/dev/null
	tap 1 "a PidFile that is a symlink to a root-owned file: start refused (it runs)"
else
	wait "$mpid"
	rc=$?
	check "a PidFile that is a symlink to a root-owned file: start refused" \
	    test "$rc" -ne 0
fi
check "... the file it points to is not truncated or written" \
    eval '[ "$(cat "$T/precious")" = "root'"'"'s precious file" ]'
check "... the refusal says the PidFile is a symbolic link" \
    grep -q "PidFile $T/pl/m.pid is a symbolic link" "$T/pl.log"
diag <"$T/pl.log"

rm -f "$T/pl/m.pid"
ln "$T/precious" "$T/pl/m.pid"
start pl2 "$T/pl.conf"
wait_for 5 gone "$mpid"
alive "$mpid" && kill -9 "$mpid"
wait "$mpid" 2>/dev/null
rc=$?
check "a PidFile hard-linked to a root-owned file: start refused, file intact" \
    eval '[ "$rc" -ne 0 ] && [ "$(cat "$T/precious")" = "root'"'"'s precious file" ] &&
    grep -q "has 2 links" "$T/pl2.log"'
rm -f "$T/pl/m.pid"
mkfifo "$T/pl/m.pid"
start pl3 "$T/pl.conf"
wait_for 5 gone "$mpid"
if alive "$mpid"; then
	kill -9 "$mpid"
	wait "$mpid" 2>/dev/null
	tap 1 "a FIFO as PidFile: start refused at once (it hung)"
else
	wait "$mpid"
	rc=$?
	check "a FIFO as PidFile: start refused at once, saying why" \
	    eval '[ "$rc" -ne 0 ] && grep -q "not a regular file" "$T/pl3.log"'
fi
rm -f "$T/pl/m.pid"

# A second instance with the same PidFile and Socket is refused and
# leaves the first one's socket and PidFile alone.
mkdir "$T/two"
mkconf "$T/two.conf" "unix:$T/two/m.sock" "PidFile	$T/two/m.pid"
start two-a "$T/two.conf"
a=$mpid
wait_for 5 eval 'pidfile_is "$T/two/m.pid" "$a" && [ -S "$T/two/m.sock" ]' ||
    diag <"$T/two-a.log"
start two-b "$T/two.conf"
b=$mpid
wait_for 8 gone "$b"
if alive "$b"; then
	tap 1 "a second instance with the same PidFile is refused (it runs)"
	kill "$b"
else
	wait "$b"
	rc=$?
	check "a second instance with the same PidFile is refused" \
	    test "$rc" -ne 0
fi
check "... naming the running instance's pid" \
    grep -q "locked by pid $a" "$T/two-b.log"
diag <"$T/two-b.log"
check "... the first keeps its PidFile and serves on its socket" \
    eval 'pidfile_is "$T/two/m.pid" "$a" && alive "$a" &&
    serves "unix:$T/two/m.sock"'
kill -TERM "$a"
wait_for 7 gone "$a"
wait "$a"
rc=$?
check "... SIGTERM: it exits with status 0, its socket and PidFile removed" \
    eval '[ "$rc" -eq 0 ] && [ ! -e "$T/two/m.sock" ] &&
    [ ! -e "$T/two/m.pid" ]'

# Right after a connection, when libmilter's listener has just begun a
# new 5 s poll: an idle milter must not wait for it to run out.
mkdir "$T/idle"
mkconf "$T/idle.conf" "unix:$T/idle/m.sock"
start idle "$T/idle.conf"
m=$mpid
wait_for 5 test -S "$T/idle/m.sock"
serves "unix:$T/idle/m.sock"
ms=$(now_ms)
kill -TERM "$m"
wait_for 7 gone "$m"
el=$(($(now_ms) - ms))
check "an idle milter exits within 1 s of SIGTERM (took ${el} ms)" \
    eval 'gone "$m" && [ "$el" -lt 1000 ]'

# ---------------------------------------------------------------- restarts

# Restart without systemd: kill -TERM $(cat PidFile) and start again at
# once, while the old instance still has a message to finish.  UserID
# nobody owns the socket and PidFile directory (the usual setup, and
# what made libmilter remove the socket at the old instance's end).
mkdir "$T/rs"
chown nobody "$T/rs"
mkconf "$T/rs.conf" "unix:$T/rs/m.sock" "PidFile	$T/rs/m.pid" \
    "UserID	nobody"
start rs-old "$T/rs.conf"
old=$mpid
wait_for 5 eval 'pidfile_is "$T/rs/m.pid" "$old" && [ -S "$T/rs/m.sock" ]' ||
    bail "the milter starts on unix:$T/rs/m.sock"
"$MFHOLD" -c 1 "unix:$T/rs/m.sock" >"$T/rs-hold.out" 2>&1 &
hold=$!
track "$hold"
wait_for 5 grep -q '^held 1' "$T/rs-hold.out"
kill -TERM "$(cat "$T/rs/m.pid")"
start rs-new "$T/rs.conf"
new=$mpid
wait_for 5 pidfile_is "$T/rs/m.pid" "$new"
check "restart at once (unix socket): the new instance starts while the old finishes" \
    eval 'alive "$new" && alive "$old" && pidfile_is "$T/rs/m.pid" "$new"'
diag <"$T/rs-new.log"
wait_for 5 serves "unix:$T/rs/m.sock"
check "... and serves at once" serves "unix:$T/rs/m.sock"
kill -USR1 "$hold"
wait "$hold"
check "... the old instance's message in progress finishes" \
    grep -q '^0 final ' "$T/rs-hold.out"
diag <"$T/rs-hold.out"
wait_for 5 gone "$old"
check "... the old instance then exits" gone "$old"
check "... the new instance's socket and PidFile survive the old one's exit" \
    eval '[ -S "$T/rs/m.sock" ] && pidfile_is "$T/rs/m.pid" "$new"'
check "... and a connection to the new instance works after the old exits" \
    serves "unix:$T/rs/m.sock"
ls -l "$T/rs" | diag
kill -TERM "$new"
wait_for 5 gone "$new"
check "... the new instance stops as UserID, removing its socket and PidFile" \
    eval 'gone "$new" && [ ! -e "$T/rs/m.sock" ] && [ ! -e "$T/rs/m.pid" ]'

# The same with an inet Socket: the port must be free for the new one.
port=$(free_port)
mkdir "$T/ri"
mkconf "$T/ri.conf" "inet:$port@127.0.0.1" "PidFile	$T/ri/m.pid"
start ri-old "$T/ri.conf"
old=$mpid
wait_for 5 listening "$port" || bail "the milter listens on port $port"
"$MFHOLD" -c 1 "inet:$port@127.0.0.1" >"$T/ri-hold.out" 2>&1 &
hold=$!
track "$hold"
wait_for 5 grep -q '^held 1' "$T/ri-hold.out"
kill -TERM "$old"
start ri-new "$T/ri.conf"
new=$mpid
wait_for 5 pidfile_is "$T/ri/m.pid" "$new"
# the PidFile is written when the lock is won, a moment before listening
wait_for 5 serves "inet:$port@127.0.0.1"
check "restart at once (inet): the new instance listens while the old finishes" \
    eval 'alive "$new" && alive "$old" && serves "inet:$port@127.0.0.1"'
diag <"$T/ri-new.log"
kill -USR1 "$hold"
wait "$hold"
check "... the old instance's message in progress finishes" \
    grep -q '^0 final ' "$T/ri-hold.out"
wait_for 5 gone "$old"
check "... after the old exits the new one serves, PidFile its own" \
    eval 'gone "$old" && serves "inet:$port@127.0.0.1" &&
    pidfile_is "$T/ri/m.pid" "$new"'
kill -TERM "$new"
wait_for 5 gone "$new"

# ---------------------------------------------------------------- SIGTERM

# Four messages at end of header when SIGTERM comes: the milter stops
# accepting, waits for them, then exits.
mkdir "$T/tm"
mkconf "$T/tm.conf" "unix:$T/tm/m.sock"
start tm "$T/tm.conf"
m=$mpid
wait_for 5 test -S "$T/tm/m.sock" || bail "the milter starts on $T/tm/m.sock"
"$MFHOLD" -c 4 "unix:$T/tm/m.sock" >"$T/tm-hold.out" 2>&1 &
hold=$!
track "$hold"
wait_for 5 grep -q '^held 4' "$T/tm-hold.out"
kill -TERM "$m"
sleep 1
check "SIGTERM with 4 messages at end of header: still running 1 s later" \
    alive "$m"
check "... accepting no new connection meanwhile" \
    eval '! serves "unix:$T/tm/m.sock"'
kill -USR1 "$hold"
wait "$hold"
rc=$?
check "... all 4 messages finish with a final reply" \
    eval '[ "$rc" -eq 0 ] && [ "$(grep -c "^[0-3] final \(accept\|continue\) edits [1-9]" "$T/tm-hold.out")" -eq 4 ]'
diag <"$T/tm-hold.out"
ms=$(now_ms)
wait_for 5 gone "$m"
el=$(($(now_ms) - ms))
check "... then the milter exits within 1 s (took ${el} ms)" \
    eval 'gone "$m" && [ "$el" -lt 1000 ]'
wait "$m"
rc=$?
check "... with status 0, logging the 4 verdicts and 'stopped'" \
    eval '[ "$rc" -eq 0 ] && [ "$(grep -c "HOLD[0-3]: verdict=" "$T/tm.log")" -eq 4 ] &&
    grep -q "stopped$" "$T/tm.log"'
diag <"$T/tm.log"

# A message that never finishes is cut after the documented 10 s.
start tm2 "$T/tm.conf"
m=$mpid
wait_for 5 test -S "$T/tm/m.sock" || bail "the milter starts again"
"$MFHOLD" -c 1 "unix:$T/tm/m.sock" >"$T/tm2-hold.out" 2>&1 &
hold=$!
track "$hold"
wait_for 5 grep -q '^held 1' "$T/tm2-hold.out"
ms=$(now_ms)
kill -TERM "$m"
wait_for 15 gone "$m"
el=$(($(now_ms) - ms))
check "a message held past the wait: the milter exits after 10 s (took ${el} ms)" \
    eval 'gone "$m" && [ "$el" -ge 9500 ] && [ "$el" -lt 12000 ]'
check "... and says a message was still in progress" \
    grep -q "stopped with 1 message still in progress" "$T/tm2.log"
kill -USR1 "$hold"
wait "$hold"

# A second SIGTERM does not wait.
start tm3 "$T/tm.conf"
m=$mpid
wait_for 5 test -S "$T/tm/m.sock" || bail "the milter starts again"
"$MFHOLD" -c 1 "unix:$T/tm/m.sock" >"$T/tm3-hold.out" 2>&1 &
hold=$!
track "$hold"
wait_for 5 grep -q '^held 1' "$T/tm3-hold.out"
kill -TERM "$m"
sleep 0.3
ms=$(now_ms)
kill -TERM "$m"
wait_for 5 gone "$m"
el=$(($(now_ms) - ms))
check "a second SIGTERM stops at once (took ${el} ms)" \
    eval 'gone "$m" && [ "$el" -lt 1000 ]'
kill -USR1 "$hold"
wait "$hold"

# ---------------------------------------------------------------- daemon

# Without -f: the parent returns 0 once the daemon serves; the PidFile
# names the daemon, which runs as UserID; UMask applies to the socket.
mkdir "$T/dm"
chown nobody "$T/dm"
mkconf "$T/dm.conf" "unix:$T/dm/m.sock" "PidFile	$T/dm/m.pid" \
    "UserID	nobody" "UMask	007"
"$MILTER" -c "$T/dm.conf" >"$T/dm.out" 2>"$T/dm.log"
rc=$?
dpid=$(cat "$T/dm/m.pid" 2>/dev/null)
[ -n "$dpid" ] && track "$dpid"
check "daemon: the parent exits 0" test "$rc" -eq 0
check "... and the socket serves as soon as it has" \
    serves "unix:$T/dm/m.sock"
check "... the PidFile names the running daemon" \
    eval '[ -n "$dpid" ] && alive "$dpid" &&
    ps -o args= -p "$dpid" | grep -q "dkimlens-milter -c $T/dm.conf"'
check "... which runs as UserID nobody (real, effective, saved)" \
    eval '[ "$(ps -o ruser=,euser=,suser= -p "$dpid" | tr -s " " | sed "s/^ //")" = "nobody nobody nobody" ]'
check "... detached: its parent is not this shell, it has no terminal" \
    eval '[ "$(ps -o ppid= -p "$dpid" | tr -d " ")" != "$$" ] &&
    [ "$(ps -o tty= -p "$dpid" | tr -d " ")" = "?" ]'
check "... UMask 007 gives the socket mode srwxrwx---, owned by nobody" \
    eval '[ "$(stat -c "%A %U" "$T/dm/m.sock")" = "srwxrwx--- nobody" ]'
kill -TERM "$dpid" 2>/dev/null
wait_for 5 gone "$dpid"
check "... SIGTERM: the daemon exits, removing socket and PidFile" \
    eval 'gone "$dpid" && [ ! -e "$T/dm/m.sock" ] && [ ! -e "$T/dm/m.pid" ]'

# A daemon start that fails: the parent exits non-zero with the cause.
port=$(free_port)
$PY -c 'import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(1)
print("ready", flush=True); time.sleep(30)' "$port" >"$T/busy.out" &
busy=$!
track "$busy"
wait_for 5 grep -q ready "$T/busy.out"
mkconf "$T/df.conf" "inet:$port@127.0.0.1"
"$MILTER" -c "$T/df.conf" >"$T/df.out" 2>"$T/df.log"
rc=$?
check "daemon: a start on a port in use exits non-zero" test "$rc" -ne 0
check "... with the real cause (Address already in use)" \
    grep -q "port $port of 127.0.0.1: Address already in use" "$T/df.log"
diag <"$T/df.log"

# ---------------------------------------------------------------- -n

"$MILTER" -n -c "$T/df.conf" >"$T/n1.out" 2>&1
rc=$?
check "-n: a Socket port in use fails, with the real cause and the holder" \
    eval '[ "$rc" -ne 0 ] && grep -q "Address already in use (python3, pid $busy)" "$T/n1.out"'
diag <"$T/n1.out"
kill "$busy" 2>/dev/null
wait "$busy" 2>/dev/null
mkconf "$T/n2.conf" "unix:$T/nodir/m.sock"
"$MILTER" -n -c "$T/n2.conf" >"$T/n2.out" 2>&1
rc=$?
check "-n: a unix Socket in a missing directory fails, naming it" \
    eval '[ "$rc" -ne 0 ] &&
    grep -q "directory $T/nodir: No such file or directory" "$T/n2.out"'
diag <"$T/n2.out"
mkconf "$T/n3.conf" "inet:$(free_port)@127.0.0.1" "PidFile	$T/nodir/m.pid"
"$MILTER" -n -c "$T/n3.conf" >"$T/n3.out" 2>&1
rc=$?
check "-n: a PidFile in a missing directory fails, naming it" \
    eval '[ "$rc" -ne 0 ] &&
    grep -q "PidFile $T/nodir/m.pid: directory $T/nodir" "$T/n3.out"'
mkconf "$T/n4.conf" "inet:$(free_port)@no-such-host.invalid"
"$MILTER" -n -c "$T/n4.conf" >"$T/n4.out" 2>&1
rc=$?
check "-n: a Socket host that does not resolve fails, naming it" \
    eval '[ "$rc" -ne 0 ] && grep -q "host .no-such-host.invalid." "$T/n4.out"'
diag <"$T/n4.out"
mkdir "$T/ln"
echo junk >"$T/ln/target"
ln -s "$T/ln/target" "$T/ln/m.pid"
mkconf "$T/n5.conf" "inet:$(free_port)@127.0.0.1" "PidFile	$T/ln/m.pid"
"$MILTER" -n -c "$T/n5.conf" >"$T/n5.out" 2>&1
rc=$?
check "-n: a PidFile that is a symbolic link fails" \
    eval '[ "$rc" -ne 0 ] && grep -q "symbolic link" "$T/n5.out"'
# Checking the running instance's own configuration is fine.
mkdir "$T/nr"
port=$(free_port)
mkconf "$T/nr.conf" "inet:$port@127.0.0.1" "PidFile	$T/nr/m.pid"
start nr "$T/nr.conf"
m=$mpid
wait_for 5 listening "$port"
"$MILTER" -n -c "$T/nr.conf" >"$T/n6.out" 2>&1
rc=$?
check "-n on the running instance's configuration: ok, naming its pid" \
    eval '[ "$rc" -eq 0 ] && grep -q "ok: .*running as pid $m" "$T/n6.out"'
diag <"$T/n6.out"
# systemd's ExecReload runs -n on the running instance, without PidFile.
mkconf "$T/n7.conf" "inet:$port@127.0.0.1"
"$MILTER" -n -c "$T/n7.conf" >"$T/n7.out" 2>&1
rc=$?
check "-n without PidFile, its port held by the running milter: ok, naming its pid" \
    eval '[ "$rc" -eq 0 ] && grep -q "ok: .*running as pid $m" "$T/n7.out"'
diag <"$T/n7.out"
kill -TERM "$m"
wait_for 5 gone "$m"

echo "1..$n"
[ "$failed" -eq 0 ]
