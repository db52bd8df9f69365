#!/bin/sh
# A signal that ends a tool while it writes an output leaves no
# temporary file: pem2pfx makes its temporary file before the key
# derivation, which takes seconds at 3,000,000 iterations; the test
# waits for that file, sends a real SIGTERM, SIGINT or SIGHUP, and
# checks that the tool died of it and that the directory is empty.  An
# ignored signal (nohup) stays ignored.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/conv.sh"

O="$TMPD/o"
printf 'chainkit-pw\n' >"$TMPD/pw"
pid=
stop_tool() { [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null; pid=; }
add_cleanup stop_tool

# start pem2pfx in the background (a background job of a script ignores
# SIGINT: env puts every signal back to its default), then wait up to 60
# s for its temporary file
start() {
	rm -rf "$O"
	mkdir "$O"
	# shellcheck disable=SC2086
	env --default-signal "$@" ${CK_WRAPPER:-} "$BIN/pem2pfx" --password test \
		--out-password-file "$TMPD/pw" --iterations 3000000 -o "$O/out.pfx" \
		"$FX/p12/modern.pfx" >"$out" 2>"$err" </dev/null &
	pid=$!
	i=0
	while [ $i -lt 600 ] && ! ls -A "$O" | grep -q '^\.out\.pfx\.'; do
		sleep 0.1
		i=$((i + 1))
	done
	checks=$((checks + 1))
	if ls -A "$O" | grep -q '^\.out\.pfx\.'; then
		echo "ok: the temporary file is there while the PFX is made"
	else
		rc=none
		fail "no temporary file appeared in $O"
	fi
}

for sig in TERM INT HUP; do
	start
	kill -$sig "$pid"
	wait "$pid"
	rc=$?
	pid=
	expect "SIG$sig ends pem2pfx by the signal" $((128 + $(kill -l $sig)))
	check "SIG$sig: no temporary file left" "$(dir_count "$O")" 0
done

# nohup's SIGHUP: ignored before the program starts, so it stays ignored
# and the PFX is written whole
start --ignore-signal=HUP
kill -HUP "$pid"
wait "$pid"
rc=$?
pid=
expect "an ignored SIGHUP stays ignored" 0
check "an ignored SIGHUP: the PFX, no temporary file" "$(ls -A "$O")" out.pfx
finish
