# tests/servers/netns.sh — source FIRST (before tests/lib.sh) in a test that
# starts servers: it runs the rest of the test again inside a private
# network namespace with only the loopback interface up (unshare -n, or
# unshare -rn where user namespaces are allowed), so that fixed ports
# cannot collide with anything and no packet can leave the machine.
# Where neither is permitted the test is skipped (exit 77) with the reason.
if [ -z "${CK_IN_NETNS:-}" ]; then
	for ck_unshare in "unshare -n" "unshare -rn"; do
		if $ck_unshare sh -c 'ip link set lo up' 2>/dev/null; then
			CK_IN_NETNS=1
			export CK_IN_NETNS
			# shellcheck disable=SC2086
			exec $ck_unshare sh -c 'ip link set lo up && exec /bin/sh "$0"' "$0"
		fi
	done
	echo "SKIP: cannot make a private network namespace here" \
		"($(unshare -n true 2>&1 | head -1); needs unshare and ip, as root or with user namespaces)"
	exit 77
fi
