#!/bin/sh
# mtlsprobe --starttls smtp, imap and pop3 against Dovecot on loopback
# (IMAP, POP3 and its SMTP submission service, with its own configuration
# in a temporary directory): each agrees and the handshake runs, with a
# client certificate request (ssl_verify_client_cert); a Dovecot with
# ssl = no refuses each in its protocol's words.
. "$top_srcdir/tests/servers/netns.sh"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/servers/tls.sh"
need jq ss
command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] ||
	skip "dovecot is not installed (Debian: dovecot-imapd dovecot-pop3d dovecot-submissiond)"
PATH=$PATH:/usr/sbin
for s in imap pop3 submission; do
	[ -x "/usr/lib/dovecot/$s-login" ] || skip "dovecot's $s service is not installed"
done
[ "$(id -u)" -eq 0 ] || skip "dovecot's master process runs as root here (its login processes as nobody)"

PKI="$FX/pki"
COMMON="--json --no-system-trust --ca-file $PKI/root-ca.crt"
cat "$PKI/server.crt" "$PKI/int-ca.crt" >"$TMPD/server-chain.pem"
chmod 0711 "$TMPD"

# dovecot_on NAME SSL IMAP POP3 SUBMISSION: an instance with its own
# directories, listening on 127.0.0.1 only
dovecot_on() {
	d="$TMPD/dovecot-$1"
	mkdir -p "$d"
	cat >"$d/dovecot.conf" <<CONF
base_dir = $d/run
state_dir = $d/state
log_path = $d/dovecot.log
protocols = imap pop3 submission
listen = 127.0.0.1
hostname = server.example.test
submission_relay_host = 127.0.0.1
ssl = $2
ssl_cert = <$TMPD/server-chain.pem
ssl_key = <$PKI/server.key
ssl_ca = <$PKI/root-ca.crt
ssl_verify_client_cert = yes
default_internal_user = nobody
default_internal_group = nogroup
default_login_user = nobody
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$d/home
}
service anvil {
  chroot =
}
service imap-login {
  inet_listener imap {
    port = $3
  }
  inet_listener imaps {
    port = 0
  }
  chroot =
}
service pop3-login {
  inet_listener pop3 {
    port = $4
  }
  inet_listener pop3s {
    port = 0
  }
  chroot =
}
service submission-login {
  inet_listener submission {
    port = $5
  }
  chroot =
}
CONF
	[ "$2" = yes ] || sed -i '/^ssl_/d' "$d/dovecot.conf"
	dovecot -F -c "$d/dovecot.conf" </dev/null >"$TMPD/server-$3.log" 2>&1 &
	server_pids="$server_pids $!"
	wait_listen "$3" $!
	wait_listen "$4" $!
	wait_listen "$5" $!
}
dovecot_on tls yes 4501 4502 4503
dovecot_on plain no 4504 4505 4506

# protocol | port | the server's last line (regex)
while IFS='|' read -r proto port reply; do
	[ -n "$proto" ] || continue
	run mtlsprobe $COMMON --starttls "$proto" "127.0.0.1:$port"
	expect "$proto" 0
	expect_json "$proto: the dialogue" '.starttls.protocol' "$proto"
	expect_json "$proto: the server agreed" ".starttls.reply | test(\"$reply\")" true
	expect_json "$proto: then TLS" '.handshake.complete' true
	expect_json "$proto: the server's chain" '.server.chains[0].valid' true
	expect_json "$proto: a client certificate request" '.certificate_requests | length' 1
done <<'TABLE'
smtp|4503|^220 2.0.0 
imap|4501|^A1 OK 
pop3|4502|^\\+OK 
TABLE

run mtlsprobe $COMMON --starttls imap --pfx "$FX/p12/modern.pfx" \
	--password-file "$FX/p12/modern.pfx.pass" --send chain 127.0.0.1:4501
expect "imap with a client certificate" 0
expect_json "imap: our certificate sent" '.certificate_requests[0].sent | length >= 1' true
run mtlsprobe --no-system-trust --ca-file "$PKI/root-ca.crt" --starttls pop3 127.0.0.1:4502
expect "pop3, text" 0 '^  STARTTLS .* pop3: \+OK '

# ssl = no: each refuses in its own words
while IFS='|' read -r proto port reply; do
	[ -n "$proto" ] || continue
	run mtlsprobe $COMMON --starttls "$proto" "127.0.0.1:$port"
	expect "$proto refused" 1
	expect_json "$proto refused: result" '.outcome.result + " " + .outcome.phase' "starttls-failed starttls"
	expect_json "$proto refused: the answer" ".starttls.reply | test(\"$reply\")" true
	expect_json "$proto refused: in words" '.outcome.cause | test("would not start TLS")' true
	expect_json "$proto refused: no handshake" '.timings.handshake_us' null
done <<'TABLE'
smtp|4506|^5[0-9][0-9] 
imap|4504|^A1 (NO|BAD) 
pop3|4505|^-ERR 
TABLE

# the protocol spoken to the wrong server: IMAP's greeting is not SMTP's
run mtlsprobe $COMMON --timeout 3 --starttls smtp 127.0.0.1:4501
expect "smtp to an IMAP server" 1
expect_json "smtp to IMAP: not the protocol" '.outcome.error | test("greeting")' true
expect_json "smtp to IMAP: the cause" '.outcome.cause | test("is not smtp")' true
# default ports
for p in smtp:25 imap:143 pop3:110; do
	run mtlsprobe $COMMON --starttls "${p%:*}" 127.0.0.1
	expect_json "${p%:*}: port ${p#*:} by default" '.target.port' "${p#*:}"
done
finish
