# postfix.sh - a private Postfix instance on loopback for the script suites
#
# Sourced by tests/e2e/run.sh, tests/deb/run.sh and tests/bench/postfix.sh.
# The instance has its own config_directory; it relays everything to an
# smtp-sink on 127.0.0.1, looks nothing up in DNS, and logs to a file.
# The caller appends its milter settings to main.cf and writes its own
# smtpd lines at the top of master.cf, before pf_services.

# pf_main ETC QUEUE DATA HOST SINKPORT - write ETC/main.cf: the queue and
# data directories, myhostname HOST, relayhost [127.0.0.1]:SINKPORT, the
# log in DATA/../maillog (its prefixes allowed below DATA/../..)
pf_main() {
	local pfdir
	pfdir=$(dirname "$3")
	cat >"$1/main.cf" <<PFEOF
compatibility_level = 3.6
queue_directory = $2
data_directory = $3
mail_owner = postfix
setgid_group = postdrop
myhostname = $4
mydomain = ${4#*.}
myorigin = \$myhostname
mydestination =
local_recipient_maps =
alias_maps =
alias_database =
relay_domains =
relayhost = [127.0.0.1]:$5
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtp_dns_support_level = disabled
smtpd_peername_lookup = no
smtp_tls_security_level = none
smtpd_tls_security_level = none
maillog_file = $pfdir/maillog
maillog_file_prefixes = $(dirname "$pfdir")
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
in_flow_delay = 0
biff = no
smtputf8_enable = no
milter_default_action = tempfail
milter_protocol = 6
PFEOF
}

# pf_services - the master.cf services other than smtpd (no chroot)
pf_services() {
	cat <<'PFEOF'
pickup    unix  n - n 60 1 pickup
cleanup   unix  n - n - 0 cleanup
qmgr      unix  n - n 300 1 qmgr
rewrite   unix  - - n - - trivial-rewrite
bounce    unix  - - n - 0 bounce
defer     unix  - - n - 0 bounce
trace     unix  - - n - 0 bounce
verify    unix  - - n - 1 verify
flush     unix  n - n 1000? 0 flush
proxymap  unix  - - n - - proxymap
smtp      unix  - - n - - smtp
relay     unix  - - n - - smtp
showq     unix  n - n - - showq
error     unix  - - n - - error
retry     unix  - - n - - error
discard   unix  - - n - - discard
anvil     unix  - - n - 1 anvil
scache    unix  - - n - 1 scache
postlog   unix-dgram n - n - 1 postlogd
PFEOF
}
