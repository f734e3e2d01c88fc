# hostile.sh - files and DNS answers that attack the signer and keytool's
# output (issue 8 items 9, 11 and 12); sourced by run.sh, in its $t, with
# its pass/fail/assert helpers.
#
# Every command that could block on a FIFO runs under timeout 5: the old
# code's hang is a failure, never a stuck suite.  Run as root, the milter
# cases use the unprivileged user nobody as UserID, the README's setup.
MILTER=${MILTER:-$top/build/dkimlens-milter}
TMO="timeout 5"
MTMO="timeout -s KILL 5"	# the milter blocks SIGTERM while it starts
hp=""			# the milter started here, if any
hm=""			# its directory (nobody must traverse it)
# stop_milter - SIGTERM, then SIGKILL after 5 s (a wedged reload may hold it)
stop_milter() {
	[ -n "$hp" ] || return 0
	kill "$hp" 2>/dev/null
	_i=0
	while kill -0 "$hp" 2>/dev/null && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	kill -KILL "$hp" 2>/dev/null
	wait "$hp" 2>/dev/null
	hp=""
}
hostile_cleanup() {
	stop_milter
	[ -n "${NSD_PID:-}" ] && nsd_stop "$t/nsd"
	[ -n "$hm" ] && rm -rf "$hm"
	rm -rf "$t"
}
trap hostile_cleanup EXIT

# --- item 12: no private key byte in any message ---------------------------
# A stray END line in the middle of a key: the rest of the key is "text
# after the END line", and must be named by line, never quoted.
{ sed -n '1,10p' r2048.p1.pem; echo '-----END RSA PRIVATE KEY-----'
    sed -n '11,$p' r2048.p1.pem; } > endinside.pem
out=$("$KEYTOOL" check endinside.pem 2>&1)
leak=0
for l in $(sed -n '2,$p' r2048.p1.pem | grep -v -- '-----' | cut -c 1-12); do
	printf '%s\n' "$out" | grep -qF -- "$l" && leak=1
done
assert "check, END line inside the key: trailing-junk named by line number" \
    eval 'printf "%s\n" "$out" | grep -q "^error trailing-junk: line 12: "'
assert "check, END line inside the key: no 12 key characters in any message" \
    [ "$leak" = 0 ]
show "$(printf '%s\n' "$out" | grep junk)"
out=$("$KEYTOOL" check --json endinside.pem 2>&1)
leak=0
for l in $(sed -n '2,$p' r2048.p1.pem | grep -v -- '-----' | cut -c 1-12); do
	printf '%s\n' "$out" | grep -qF -- "$l" && leak=1
done
assert "check --json, END line inside the key: no key characters" \
    [ "$leak" = 0 ]

# The upload string is the private key: only with --upload-string.
p1=$(cut -c 1-40 r2048.p1.b64line)
out=$("$KEYTOOL" check r2048.p1.pem $S 2>&1)
assert "check without --upload-string: valid, the key is not printed" \
    eval 'printf "%s\n" "$out" | head -n 1 | grep -q ": valid" &&
    ! printf "%s\n" "$out" | grep -qF -- "$p1" &&
    printf "%s\n" "$out" | grep -q "^upload string: not shown.*--upload-string"'
out=$("$KEYTOOL" check --json r2048.p1.pem $S 2>&1)
cat > upnull.py <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["upload"] is None, j
assert j.get("valid", True) is True, j
EOF
printf '%s\n' "$out" > up.json
assert "check --json without --upload-string: upload null, key not printed" \
    eval '! grep -qF -- "$p1" up.json && $PY upnull.py up.json'
mkdir gk
out=$("$KEYTOOL" genkey --selector g1 --domain example.com --out gk 2>&1)
gkey=$(sed -n 2p gk/g1.private | cut -c 1-40)
assert "genkey without --upload-string: key written, not printed" \
    eval '[ -s gk/g1.private ] && [ -n "$gkey" ] &&
    ! printf "%s\n" "$out" | grep -qF -- "$gkey" &&
    printf "%s\n" "$out" | grep -q "check gk/g1.private --upload-string"'
out=$("$KEYTOOL" genkey --selector g2 --domain example.com --out gk --json \
    2>&1)
gkey=$(sed -n 2p gk/g2.private | cut -c 1-40)
printf '%s\n' "$out" > up.json
assert "genkey --json without --upload-string: upload null" \
    eval '[ -n "$gkey" ] && ! grep -qF -- "$gkey" up.json &&
    $PY upnull.py up.json'

# --- item 9: a key file is a regular file, opened once, never a link --------
mkfifo fifo.pem
for c in "check fifo.pem" "record fifo.pem" "sign --key fifo.pem --domain example.com --selector s1 msg.eml" \
    "dns example.com --selector s1 --key fifo.pem --nameserver 127.0.0.1:9 --timeout 1"; do
	# shellcheck disable=SC2086
	$TMO "$KEYTOOL" $c >/dev/null 2>fifo.err
	rc=$?
	assert "${c%% *} on a FIFO key: prompt exit 2, says FIFO (rc $rc)" \
	    eval '[ $rc = 2 ] && grep -q "fifo.pem: is a FIFO (named pipe), not a regular file" fifo.err'
done
ln -s /dev/zero zero.pem
ln -s /dev/null null.pem
for f in zero.pem null.pem; do
	out=$($TMO "$KEYTOOL" check "$f" 2>&1)
	rc=$?
	assert "check $f (a symlink to a device): exit 2, 'is a symbolic link', no chmod of the device" \
	    eval '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "$f: is a symbolic link to /dev/" &&
	    ! printf "%s\n" "$out" | grep -q "chmod 600 /dev"'
done
out=$($TMO "$KEYTOOL" check /dev/zero 2>&1)
rc=$?
assert "check /dev/zero: exit 2, names a character device" \
    eval '[ $rc = 2 ] && printf "%s\n" "$out" | grep -q "is a character device"'
ln -s r2048.p1.pem link.pem
out=$("$KEYTOOL" check link.pem 2>&1)
rc=$?
assert "check of a key symlinked to a good key: refused (exit 2), says to name the file itself" \
    eval '[ $rc = 2 ] && printf "%s\n" "$out" |
    grep -q "link.pem: is a symbolic link to r2048.p1.pem.*at the file itself"'
out=$("$KEYTOOL" check keys 2>&1)
assert "check of a directory: exit 2, names a directory" \
    eval 'printf "%s\n" "$out" | grep -q "keys: is a directory"'
# A symlinked directory in a group-writable directory: the directory
# holding the link is checked, not only the link's target.
mkdir safe gw2 && chmod 775 gw2 && cp r2048.p1.pem safe/k.pem &&
    ln -s ../safe gw2/link
out=$("$KEYTOOL" check gw2/link/k.pem 2>&1)
assert "check through a symlink in a group-writable directory: file-permissions names it, chmod go-w" \
    eval 'printf "%s\n" "$out" | grep -q "^warning file-permissions: directory .*/gw2: mode 0775" &&
    printf "%s\n" "$out" | grep -q "fix: chmod go-w .*/gw2$"'
mkdir gw3 && chmod 777 gw3 && ln -s "$t/safe" gw3/abs
out=$("$KEYTOOL" check "$t/gw3/abs/k.pem" 2>&1)
assert "check through an absolute symlink in a world-writable directory: refused the same way" \
    eval 'printf "%s\n" "$out" | grep -q "^warning file-permissions: directory $t/gw3: mode 0777, owner root: writable by others"'
out=$("$KEYTOOL" check safe/k.pem 2>&1)
assert "check of the same key by its own path: no file-permissions warning" \
    eval '! printf "%s\n" "$out" | grep -q file-permissions'

# --- item 11: one ownership rule for keytool and the milter -----------------
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
	# The README's setup: a UserID-owned key, mode 600, in a UserID-owned
	# 700 directory, below directories only root can write.
	hm=$(mktemp -d /tmp/kt-milter.XXXXXX) && chmod 755 "$hm"
	install -d -o nobody -m 700 "$hm/keys"
	cp r2048.p1.pem "$hm/keys/s1.private"
	chown nobody "$hm/keys/s1.private"
	chmod 600 "$hm/keys/s1.private"
	cat > "$hm/dkimlens.conf" <<-EOF
	Socket		unix:$hm/milter.sock
	Mode		s
	Domain		example.com
	Selector	s1
	KeyFile		$hm/keys/s1.private
	UserID		nobody
	Syslog		no
	EOF
	chmod 644 "$hm/dkimlens.conf"
	out=$("$KEYTOOL" check "$hm/keys/s1.private" 2>&1)
	rc=$?
	assert "README key setup: keytool check (as root) is valid with no file-permissions advice" \
	    eval '[ $rc = 0 ] && ! printf "%s\n" "$out" | grep -q "file-permissions\\|chown"'
	show "$(printf '%s\n' "$out" | grep -A1 file-permissions)"
	out=$("$KEYTOOL" check --user nobody "$hm/keys/s1.private" 2>&1)
	rc=$?
	assert "README key setup: keytool check --user nobody agrees" \
	    eval '[ $rc = 0 ] && printf "%s\n" "$out" | grep -q ": valid" &&
	    ! printf "%s\n" "$out" | grep -q "file-permissions"'
	out=$($MTMO "$MILTER" -n -c "$hm/dkimlens.conf" 2>&1)
	rc=$?
	assert "README key setup: dkimlens-milter -n accepts it" [ $rc = 0 ]
	show "$out"
	# What the old advice led to: a root-owned key the reader cannot read.
	chown root "$hm/keys/s1.private"
	out=$("$KEYTOOL" check --user nobody "$hm/keys/s1.private" 2>&1)
	assert "check --user nobody of a root-owned key: nobody cannot read it; fix: chown nobody" \
	    eval 'printf "%s\n" "$out" | grep -q "owner root: nobody, the user that reads it, cannot read it" &&
	    printf "%s\n" "$out" | grep -q "fix: chown nobody $hm/keys/s1.private"'
	out=$($MTMO "$MILTER" -n -c "$hm/dkimlens.conf" 2>&1)
	rc=$?
	assert "dkimlens-milter -n refuses the root-owned key it cannot read" \
	    eval '[ $rc != 0 ] && [ $rc != 124 ] && [ $rc != 137 ] &&
	    printf "%s\n" "$out" | grep -q "s1.private: Permission denied"'
	chown nobody "$hm/keys/s1.private"
	# A key owned by a third user: both name the reader in the fix.
	chown daemon "$hm/keys/s1.private"
	out=$("$KEYTOOL" check --user nobody "$hm/keys/s1.private" 2>&1)
	assert "check --user nobody of a key owned by daemon: fix: chown nobody" \
	    eval 'printf "%s\n" "$out" | grep -q "owner daemon: owned by neither root nor nobody" &&
	    printf "%s\n" "$out" | grep -q "fix: chown nobody "'
	out=$($MTMO "$MILTER" -n -c "$hm/dkimlens.conf" 2>&1)
	rc=$?
	assert "dkimlens-milter -n of a key owned by daemon: refused, the key must be owned by nobody" \
	    eval '[ $rc != 0 ] && [ $rc != 124 ] && [ $rc != 137 ] && printf "%s\n" "$out" | grep -q "owned by nobody"'
	chown nobody "$hm/keys/s1.private"
	# A FIFO as KeyFile: -n says so promptly.
	mv "$hm/keys/s1.private" "$hm/keys/s1.good"
	mkfifo -m 600 "$hm/keys/s1.private" && chown nobody "$hm/keys/s1.private"
	out=$($MTMO "$MILTER" -n -c "$hm/dkimlens.conf" 2>&1)
	rc=$?
	assert "dkimlens-milter -n with a FIFO KeyFile: prompt error naming the FIFO (rc $rc)" \
	    eval '[ $rc != 0 ] && [ $rc != 124 ] && [ $rc != 137 ] &&
	    printf "%s\n" "$out" | grep -q "s1.private: is a FIFO"'
	# A SIGHUP while the key is a FIFO must not wedge later reloads.
	rm -f "$hm/keys/s1.private"
	cp -p "$hm/keys/s1.good" "$hm/keys/s1.private"
	"$MILTER" -f -c "$hm/dkimlens.conf" >"$hm/out" 2>"$hm/log" &
	hp=$!
	# wait_log N PATTERN - up to N seconds for PATTERN in the milter's log
	wait_log() {
		_i=0
		while [ $_i -lt $(($1 * 10)) ]; do
			[ "$(grep -c "$2" "$hm/log")" -ge "${3:-1}" ] && return 0
			sleep 0.1
			_i=$((_i + 1))
		done
		return 1
	}
	if [ -S "$hm/milter.sock" ] || { sleep 1; [ -S "$hm/milter.sock" ]; } ||
	    { sleep 2; [ -S "$hm/milter.sock" ]; }; then
		pass "milter with the README key setup starts (socket $hm/milter.sock)"
	else
		fail "milter with the README key setup starts"
		show "$(cat "$hm/log")"
	fi
	rm -f "$hm/keys/s1.private"
	mkfifo -m 600 "$hm/keys/s1.private" && chown nobody "$hm/keys/s1.private"
	kill -HUP "$hp"
	assert "SIGHUP with a FIFO key: the reload fails at once, naming the FIFO" \
	    wait_log 5 "reload failed.*s1.private: is a FIFO"
	rm -f "$hm/keys/s1.private"
	cp -p "$hm/keys/s1.good" "$hm/keys/s1.private"
	kill -HUP "$hp"
	assert "the next SIGHUP, with the key back, loads it (not wedged)" \
	    wait_log 5 "reloaded .*: 1 keys"
	show "$(cat "$hm/log")"
	stop_milter
else
	fail "the ownership and milter cases run as root with user nobody"
fi

# --- item 12: DNS-derived bytes escaped in every output ----------------------
. "$top/tests/lib/nsd.sh"
cat > hostile.zone <<'EOF'
$ORIGIN example.test.
$TTL 300
@ IN SOA ns1 hostmaster 1 3600 600 86400 300
@ IN NS ns1
ns1 IN A 127.0.0.1
s1._domainkey IN TXT "v=DKIM1; k=r\013\010ok    delegation   forged\127; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC"
s2._domainkey IN TXT "v=DKIM1; x\013\010ok    delegation   forged\127=1; p="
s3._domainkey IN TXT " v=DKIM1;\013\010ok    delegation   forged\127 p=MIIB"
EOF
esc='\x0d\x0aok    delegation'
cat > dnsjson.py <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
for f in j["findings"]:
    for k, v in f.items():
        assert not any(ord(c) < 32 or ord(c) == 127 for c in v), (k, v)
assert any("\\x0d\\x0aok" in f["evidence"] + f["fix"]
    for f in j["findings"]), j
EOF
if nsd_start_any "$t/nsd" 127.0.0.1 example.test=hostile.zone >nsd.out 2>&1
then
	for s in s1 s2 s3; do
		$TMO "$KEYTOOL" dns example.test --selector $s \
		    --nameserver "127.0.0.1:$NSD_PORT" --timeout 2 \
		    >dns.out 2>&1
		assert "dns $s: a TXT record's CR, LF and DEL reach the text report only as \\xNN" \
		    eval '! grep -q "$(printf "\r")" dns.out &&
		    ! grep -q "$(printf "\177")" dns.out &&
		    ! grep -q "^ok    delegation   forged" dns.out &&
		    grep -qF -- "$esc" dns.out'
		$TMO "$KEYTOOL" dns example.test --selector $s \
		    --nameserver "127.0.0.1:$NSD_PORT" --timeout 2 --json \
		    >dns.json 2>&1
		assert "dns $s --json: no raw control byte or DEL in any field" \
		    $PY dnsjson.py dns.json
	done
	nsd_stop "$t/nsd"
	NSD_PID=""
else
	fail "nsd serves the hostile zone"
	show "$(cat nsd.out)"
fi
