#!/bin/sh
# aiacheck on loopback, inside a private network namespace (so that the
# fixed ports collide with nothing and no packet leaves the machine):
#  1. 200 URLs served by nginx: aiacheck's wall time beside a sequential
#     curl loop over the same URLs (one curl process per URL, as a script
#     would do it), as a ratio.  Median of 5 runs each.
#  2. one dropped URL (a listener whose accept queue is full) with
#     --connect-timeout 2: the run's wall time over 2 s.
set -eu
: "${top_builddir:?run through make bench}"
: "${top_srcdir:?run through make bench}"
if [ -z "${CK_NETNS:-}" ]; then
	opt=-n
	[ "$(id -u)" -eq 0 ] || opt=-rn
	if ! unshare $opt true 2>/dev/null; then
		echo "bench-aiacheck: SKIP: cannot create a network namespace (unshare $opt)"
		exit 0
	fi
	CK_NETNS=1 exec unshare $opt -- /bin/sh -c 'ip link set lo up && exec /bin/sh "$0"' "$0"
fi
for c in nginx curl; do
	command -v "$c" >/dev/null 2>&1 || [ -x "/usr/sbin/$c" ] ||
		{ echo "bench-aiacheck: SKIP: $c is not installed"; exit 0; }
done
unset http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY
N=${BENCH_URLS:-200}
RUNS=${BENCH_RUNS:-5}
A="$top_builddir/tools/aiacheck"
P="$top_builddir/tests/servers/netprobe"
T=$(mktemp -d "${TMPDIR:-/tmp}/ck-bench.XXXXXX")
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

mkdir -p "$T/www" "$T/ngx"
i=1
: >"$T/urls"
set --
while [ "$i" -le "$N" ]; do
	cp "$top_srcdir/fixtures/pki/int-ca.der" "$T/www/c$i.crt"
	echo "http://127.0.0.1:18080/c$i.crt" >>"$T/urls"
	set -- "$@" --url "http://127.0.0.1:18080/c$i.crt"
	i=$((i + 1))
done
cat >"$T/ngx/nginx.conf" <<NGX
daemon off; master_process off; worker_processes 1;
pid $T/ngx/nginx.pid; error_log $T/ngx/error.log warn;
events { worker_connections 1024; }
http { access_log off; client_body_temp_path $T/ngx/body;
       server { listen 127.0.0.1:18080; root $T/www; keepalive_requests 10000; } }
NGX
nginx -p "$T/ngx" -c "$T/ngx/nginx.conf" -e "$T/ngx/error.log" &
pids="$pids $!"
"$P" wait 127.0.0.1 18080 10

. "$top_srcdir/bench/lib.sh"
wall() { measure "$@" | cut -d' ' -f1; } # median wall time over $RUNS runs
cat >"$T/curl-loop.sh" <<'LOOP'
while read -r u; do curl -s -o /dev/null "$u"; done <"$1"
LOOP

a_t=$(wall "$A" --no-system-trust "$@")
"$A" --json --no-system-trust "$@" >"$T/out.json" || true
ok=$(grep -o '"result":"ok"' "$T/out.json" | wc -l)
c_t=$(wall /bin/sh "$T/curl-loop.sh" "$T/urls")

"$P" drop 127.0.0.1 18082 >"$T/drop.out" &
pids="$pids $!"
while ! grep -q ready "$T/drop.out" 2>/dev/null; do sleep 0.05; done
d_t=$(wall "$A" --no-system-trust --connect-timeout 2 --url http://127.0.0.1:18082/int-ca.crt)
"$A" --json --no-system-trust --connect-timeout 2 --url http://127.0.0.1:18082/int-ca.crt >"$T/drop.json" || true
dropped=$(grep -c '"result":"dropped"' "$T/drop.json" || true)

awk -v n="$N" -v ok="$ok" -v at="$a_t" -v ct="$c_t" -v dt="$d_t" -v dr="$dropped" 'BEGIN {
	printf "%d URLs on loopback (%d ok):\n", n, ok
	printf "  aiacheck (parallel 16):     %7.3f s\n", at
	printf "  sequential curl loop:       %7.3f s\n", ct
	printf "  ratio aiacheck/curl:        %7.3f\n", at / ct
	printf "one dropped URL (%s), --connect-timeout 2:\n", dr == 1 ? "dropped" : "NOT dropped"
	printf "  aiacheck wall time:         %7.3f s (%.2fx the connect timeout)\n", dt, dt / 2
}'
