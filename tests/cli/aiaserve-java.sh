#!/bin/sh
# aiacheck's Java model against a real Java client: the JDK's own PKIX
# CertPathBuilder (tests/AiaFetch.java, compiled here) builds the chain of
# a leaf whose intermediate is missing, with
# -Dcom.sun.security.enableAIAcaIssuers=true, so it downloads the
# intermediate from the leaf's AIA URL, which aiaserve drops, delays or
# hangs.  The stall Java shows must be the one `aiacheck --as java-aia`
# predicts for the same leaf, within 20 %.  In a private network namespace.
. "$top_srcdir/tests/servers/servers.sh"
. "$top_srcdir/tests/lib.sh"
need jq openssl java
command -v javac >/dev/null 2>&1 || skip "javac is not installed (a JDK compiles tests/AiaFetch.java)"

CLASSES="$TMPD/classes"
mkdir "$CLASSES" "$TMPD/pki"
javac -d "$CLASSES" "$top_srcdir/tests/AiaFetch.java" >"$TMPD/javac.out" 2>&1 ||
	{ cat "$TMPD/javac.out"; echo "FAIL: javac tests/AiaFetch.java"; exit 1; }
cp "$FX/pki/root-ca.crt" "$FX/pki/int-ca.crt" "$TMPD/pki/"
ROOT="$FX/pki/root-ca.crt"

# leaf URL: a leaf of int-ca whose only caIssuers URL is URL (made here:
# aiaserve's dropping port is known only once it runs)
leaf() {
	printf 'basicConstraints=CA:FALSE\nauthorityInfoAccess=caIssuers;URI:%s\n' "$1" >"$TMPD/leaf.ext"
	openssl req -new -key "$FX/pki/server.key" -subj "/O=chainkit tests/CN=java.example.test" \
		-out "$TMPD/leaf.csr" 2>"$TMPD/openssl.err" &&
		openssl x509 -req -in "$TMPD/leaf.csr" -CA "$FX/pki/int-ca.crt" -CAkey "$FX/pki/int-ca.key" \
			-set_serial 4242 -days 3650 -extfile "$TMPD/leaf.ext" -out "$TMPD/leaf.crt" \
			2>>"$TMPD/openssl.err" ||
		{ cat "$TMPD/openssl.err"; echo "FAIL: cannot make the leaf"; exit 1; }
}

# check NAME COMMAND...: the command succeeds
check() {
	name=$1
	shift
	checks=$((checks + 1))
	if "$@" >"$TMPD/check.out" 2>&1; then
		echo "ok: $name"
	else
		rc=$?; cp "$TMPD/check.out" "$out"; : >"$err"
		fail "$name"
	fi
}

# within20 MEASURED PREDICTED: |measured - predicted| <= predicted / 5
within20() {
	d=$(($1 - $2))
	[ "$d" -ge 0 ] || d=$((-d))
	[ $((d * 5)) -le "$2" ]
}

# predict_and_measure NAME URL [JAVA-PROPERTY...]: the leaf of URL, checked
# by aiacheck --as java-aia (with the same properties, and --timeout
# $as_timeout) while Java, warmed up, builds its chain twice in one JVM;
# sets $predicted and $fetch_ok (the model's), $java1 and $java2
# (AiaFetch's lines for the two builds), $ms1, $ms2
predict_and_measure() {
	what=$1 url=$2
	shift 2
	props=""
	for p in "$@"; do props="$props --java-property $p"; done
	leaf "$url"
	# shellcheck disable=SC2086
	timeout 120 java --add-opens java.base/sun.security.provider.certpath=ALL-UNNAMED \
		-Dcom.sun.security.enableAIAcaIssuers=true -Dcom.sun.security.allowedAIALocations="$url" \
		$(for p in "$@"; do printf ' -D%s' "$p"; done) \
		-cp "$CLASSES" AiaFetch "$ROOT" "$TMPD/leaf.crt" 2 "$FX/pki/int-ca.crt" "$AIA_BASE/root-ca.crt" \
		>"$TMPD/java.out" 2>"$TMPD/java.err" &
	java_pid=$!
	# shellcheck disable=SC2086
	run aiacheck --json --as java-aia --no-system-trust --ca-file "$ROOT" --connect-timeout 1 \
		--timeout "${as_timeout:-10}" $props "$TMPD/leaf.crt"
	wait "$java_pid"
	java_rc=$?
	predicted=$(json '.runtimes[0].stall_ms | floor')
	fetch_ok=$(json '.runtimes[0].fetches[0].success')
	check "$what: the model fetches the leaf's URL" \
		test "$(json '.runtimes[0].fetches[0].address')" = "$url"
	check "$what: AiaFetch ran (exit status $java_rc)" test "$java_rc" = 0
	timeouts=$(sed -n 's/^timeouts //p' "$TMPD/java.out")
	java1=$(sed -n 2p "$TMPD/java.out")
	java2=$(sed -n 3p "$TMPD/java.out")
	ms1=$(printf '%s' "$java1" | cut -d' ' -f2)
	ms2=$(printf '%s' "$java2" | cut -d' ' -f2)
	echo "# $what: predicted ${predicted} ms, measured ${ms1:-?} ms (java: $java1)"
	if [ -z "$ms1" ] || [ -z "$ms2" ]; then
		cp "$TMPD/java.out" "$out"; cp "$TMPD/java.err" "$err"
		fail "$what: AiaFetch printed no timings"
		ms1=0 ms2=0
	fi
}

# the JDK's own caIssuers timeouts are the model's (URICertStore:
# com.sun.security.cert.timeout and .readtimeout, 15 s each by default)
run aiacheck --json --as java-aia --list --no-system-trust "$FX/pki/server.crt"
model_timeouts="$(json '.runtimes[0].model.connect_timeout_ms') $(json '.runtimes[0].model.read_timeout_ms')"

# --- dropped: the SYN is never answered; Java waits its connect timeout --
aia_start "$TMPD/pki" --fault /int-ca.crt=drop
DROP=$(aia_url /int-ca.crt)
predict_and_measure "drop" "$DROP"
case $timeouts in
unknown*) echo "# this JDK does not say its timeouts: $timeouts" ;;
*) check "the JDK's timeouts are the model's ($timeouts ms)" test "$timeouts" = "$model_timeouts" ;;
esac
check "drop: the model says the fetch fails" test "$fetch_ok" = false
check "drop: Java's build fails ($java1)" test "${java1%% *}" = failed
check "drop: measured $ms1 ms, predicted $predicted ms (within 20 %)" within20 "$ms1" "$predicted"
check "drop: the failure is remembered, the second build does not wait ($ms2 ms)" test "$ms2" -lt 1000
aia_stop

# --- delayed: the fetch succeeds late, and the chain is built -------------
aia_start "$TMPD/pki" --fault /int-ca.crt=delay=3
DELAY=$(aia_url /int-ca.crt)
predict_and_measure "delay=3" "$DELAY"
check "delay=3: the model says the fetch succeeds" test "$fetch_ok" = true
check "delay=3: Java builds leaf and intermediate ($java1)" test "$(printf '%s' "$java1" | cut -d' ' -f1,3)" = "built 2"
check "delay=3: measured $ms1 ms, predicted $predicted ms (within 20 %)" within20 "$ms1" "$predicted"
check "delay=3: the second build uses Java's copy ($ms2 ms)" test "$ms2" -lt 1000
aia_stop
check "delay=3: Java and aiacheck each asked once" \
	test "$(jq -s '[.[] | select(.path == "/int-ca.crt" and .status == 200 and .fault == "delay=3")] | length' "$AIA_LOG")" = 2

# --- hanging, with the timeouts shortened as a user would: Java waits its
# read timeout, and the model reads the properties as the JDK does --------
aia_start "$TMPD/pki" --fault /int-ca.crt=hang
HANG="$AIA_BASE/int-ca.crt"
as_timeout=1
predict_and_measure "hang" "$HANG" com.sun.security.cert.timeout=2 com.sun.security.cert.readtimeout=2500ms
check "hang: the model takes the properties" \
	test "$(json '.runtimes[0].model.connect_timeout_ms') $(json '.runtimes[0].model.read_timeout_ms')" = "2000 2500"
case $timeouts in
unknown*) ;;
*) check "hang: the JDK's timeouts are the ones the model read ($timeouts ms)" test "$timeouts" = "2000 2500" ;;
esac
check "hang: Java's build fails ($java1)" test "${java1%% *}" = failed
check "hang: measured $ms1 ms, predicted $predicted ms (within 20 %)" within20 "$ms1" "$predicted"
aia_stop
check "hang: Java asked (and got no answer)" \
	test "$(jq -s '[.[] | select(.path == "/int-ca.crt" and .status == null and .fault == "hang")] | length' "$AIA_LOG")" = 2

finish
