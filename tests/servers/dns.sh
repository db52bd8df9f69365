# tests/servers/dns.sh — a name server that never answers, for the tests
# that name lookups are bounded.  Source after tests/servers/netns.sh (it
# binds 127.0.0.1:53, so it needs the private network namespace) and
# tests/lib.sh.
#
# silent_dns_on   starts it (once) and sets CK_WRAPPER so that the tools
#                 run in a private mount namespace whose /etc/resolv.conf
#                 names only it, with a 30 s resolver timeout; returns 1,
#                 with the reason in $silent_dns_why, where no mount
#                 namespace can be made
# silent_dns_off  restores CK_WRAPPER
silent_dns_pid=""
silent_dns_why=""

silent_dns_stop() {
	[ -n "$silent_dns_pid" ] && kill "$silent_dns_pid" 2>/dev/null
	silent_dns_pid=""
}
add_cleanup silent_dns_stop

silent_dns_on() {
	if [ ! -e /etc/resolv.conf ]; then
		silent_dns_why="there is no /etc/resolv.conf to replace"
		return 1
	fi
	if ! unshare -m true 2>/dev/null; then
		silent_dns_why="no mount namespace here: $(unshare -m true 2>&1 | head -1)"
		return 1
	fi
	if [ -z "$silent_dns_pid" ]; then
		# a UDP socket that nobody reads: queries go unanswered, no ICMP
		python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
time.sleep(3600)' &
		silent_dns_pid=$!
		i=0
		until ss -Huln 'sport = :53' | grep -q .; do
			i=$((i + 1))
			if [ $i -gt 150 ] || ! kill -0 "$silent_dns_pid" 2>/dev/null; then
				echo "could not start the silent name server on 127.0.0.1:53"
				exit 99
			fi
			sleep 0.1
		done
		printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' >"$TMPD/resolv.conf"
		cat >"$TMPD/with-silent-dns" <<WRAPPER
#!/bin/sh
exec unshare -m sh -c 'mount --bind "\$0" /etc/resolv.conf && exec "\$@"' "$TMPD/resolv.conf" "\$@"
WRAPPER
		chmod +x "$TMPD/with-silent-dns"
	fi
	silent_dns_saved=${CK_WRAPPER:-}
	CK_WRAPPER="$TMPD/with-silent-dns $silent_dns_saved"
}

silent_dns_off() {
	CK_WRAPPER=$silent_dns_saved
}
