#!/bin/sh
# NIST PKITS: the 249 cases of fixtures/pkits/cases.tsv, each through
# chainview with the case's policy inputs and CRLs, hard-fail revocation and
# the validation time BoringSSL uses (2011-04-15T00:00:00Z).  A case passes
# when .valid of the target's chain is the expected verdict and, for a path
# that should and does validate, .policies.user_constrained is the expected
# user-constrained-policy-set.  Prints one line per disagreement, then
# "N passed, M failed" and the wall time; fails when fewer than $PKITS_MIN
# (245) pass.  Known disagreements are listed, with their reasons, in
# fixtures/pkits/README; the list only annotates the report.
#
# PKITS_ORACLE=openssl runs the same cases through `openssl verify` instead
# (by hand, not in make check): it checks the table and gives the baseline,
# and fails unless OpenSSL disagrees on exactly the cases the README lists.
# PKITS_OPENSSL_OPTS: more `openssl verify` options (e.g. "-extended_crl
# -use_deltas"); then the README's list only annotates.
# PKITS_JOBS (2): cases run at once.
. "$top_srcdir/tests/lib.sh"

PK="$FX/pkits"
AT=2011-04-15T00:00:00Z
AT_EPOCH=1302825600
ANY_POLICY=2.5.29.32.0
TAB=$(printf '\t')
NL='
'
LC_ALL=C
export LC_ALL

# pem LABEL DER...: the DER files as PEM blocks, on stdout
pem() {
	label=$1
	shift
	for f in "$@"; do
		echo "-----BEGIN $label-----"
		base64 -w 64 "$f"
		echo "-----END $label-----"
	done
}

# sorted_set LIST: a comma-separated list sorted, "-" for the empty one
sorted_set() {
	case $1 in
	- | "") echo - ;;
	*,*) printf '%s\n' "$1" | tr , '\n' | sort -u | paste -sd, - ;;
	*) echo "$1" ;;
	esac
}

# chainview_case: run chainview on the case; sets got_valid (true|false|
# none), got_policies (sorted set, "-" if empty, or "absent") and got_why
chainview_case() {
	# shellcheck disable=SC2086 # lists of paths, split on purpose
	pem CERTIFICATE "$target" $intermediates >"$TMPD/bundle.pem"
	set -- --json --profile rfc5280 --no-system-trust --ca-file "$anchor" \
		--at "$AT" --revocation crl --require-revocation
	for c in $crl_files; do set -- "$@" --crl-file "$c"; done
	# {anyPolicy}, the default, is left to chainview
	if [ "$policy_oids" != "$ANY_POLICY" ]; then
		for p in $policy_oids; do set -- "$@" --policy "$p"; done
	fi
	[ "$explicit" = 1 ] && set -- "$@" --explicit-policy
	[ "$inhibit_map" = 1 ] && set -- "$@" --inhibit-policy-mapping
	[ "$inhibit_any" = 1 ] && set -- "$@" --inhibit-any-policy
	run chainview "$@" "$TMPD/bundle.pem"
	got_valid=none got_policies=absent got_why=
	if [ "$rc" != 0 ] && [ "$rc" != 1 ]; then
		got_why="chainview exit $rc: $(head -1 "$err")"
		return
	fi
	# the target's chain: a certificate that is not on its path (the CRL
	# signer of 4.4.19) is a leaf of its own
	read -r ee _ <<-END
	$(sha256sum <"$target")
	END
	if ! fields=$(jq -r --arg ee "$ee" '
		. as $d
		| ([(.chains // [])[]
		    | select((.path | length) > 0
		             and $d.certificates[.path[0]].sha256 == $ee)][0]
		   // .chain) as $c
		| [ (if $c == null or $c.valid == null then "none" else ($c.valid | tostring) end),
		    ($c.policies.user_constrained // null
		     | if . == null then "absent" elif length == 0 then "-"
		       else sort | unique | join(",") end),
		    ([$d.findings[]? | select(.severity == "error") | .code][0] // "-") ]
		| @tsv' "$out" 2>"$TMPD/jq.err"); then
		got_why="chainview output is not the expected JSON: $(head -1 "$TMPD/jq.err")"
		return
	fi
	IFS=$TAB read -r got_valid got_policies got_why <<-END
	$fields
	END
	[ "$got_why" = - ] && got_why="no error finding"
	got_why="first error: $got_why"
}

# openssl_case: the same through openssl verify.  The initial-policy-set is
# always given: without -policy, OpenSSL's is empty, not {anyPolicy}, and a
# path that requires an explicit policy fails.  -policy_print shows the
# authority-constrained set, and the user-constrained one only when the
# initial-policy-set is not {anyPolicy} (with it, the two are the same).
openssl_case() {
	pem CERTIFICATE "$anchor" >"$TMPD/anchor.pem"
	pem CERTIFICATE "$target" >"$TMPD/target.pem"
	set -- -no-CApath -no-CAstore -CAfile "$TMPD/anchor.pem" \
		-crl_check_all -policy_check -policy_print -attime "$AT_EPOCH"
	if [ -n "$intermediates" ]; then
		# shellcheck disable=SC2086
		pem CERTIFICATE $intermediates >"$TMPD/untrusted.pem"
		set -- "$@" -untrusted "$TMPD/untrusted.pem"
	fi
	for c in $crl_files; do set -- "$@" -CRLfile "$c"; done
	for p in $policy_oids; do set -- "$@" -policy "$p"; done
	[ "$explicit" = 1 ] && set -- "$@" -explicit_policy
	[ "$inhibit_map" = 1 ] && set -- "$@" -inhibit_map
	[ "$inhibit_any" = 1 ] && set -- "$@" -inhibit_any
	# shellcheck disable=SC2086
	timeout "${CK_TEST_TIMEOUT:-120}" openssl verify ${PKITS_OPENSSL_OPTS:-} "$@" "$TMPD/target.pem" \
		>"$out" 2>"$err" </dev/null
	rc=$?
	got_valid=none got_policies=absent got_why=
	case $rc in
	0) got_valid=true ;;
	2) got_valid=false ;;
	*) got_why="openssl exit $rc: $(head -1 "$err")"; return ;;
	esac
	section="User Policies:"
	[ "$policy_oids" = "$ANY_POLICY" ] && section="Authority Policies:"
	got_policies=$(awk -v s="$section" '
		/^[A-Z]/ { on = (index($0, s) == 1) }
		on && $1 == "Policy:" {
			sub(/^ *Policy: /, "")
			print ($0 == "X509v3 Any Policy" ? "2.5.29.32.0" : $0)
		}' "$err" | sort -u | paste -sd, -)
	[ -n "$got_policies" ] || got_policies=-
	got_why=$(grep -m1 '^error [0-9]* at [0-9]* depth' "$err")
	[ -n "$got_why" ] || got_why="no error"
}

# one_case ROW: ROW is "index<TAB>a line of cases.tsv"; writes
# "number<TAB>name<TAB>verdict" to $PKITS_RESULTS/index, verdict "ok" or
# what disagreed
one_case() {
	IFS=$TAB read -r idx number name expect certs crls initial explicit \
		inhibit_map inhibit_any user <<-END
	$1
	END
	anchor='' intermediates='' target='' crl_files='' policy_oids=''
	IFS=,
	for c in $certs; do
		f="$PK/certs/$c.crt"
		if [ -z "$anchor" ]; then
			anchor=$f
		else
			# intermediates target-side first; the last one is the target
			[ -n "$target" ] && intermediates="$target $intermediates"
			target=$f
		fi
	done
	if [ "$crls" != - ]; then
		for c in $crls; do crl_files="$crl_files $PK/crls/$c.crl"; done
	fi
	for p in $initial; do policy_oids="$policy_oids${policy_oids:+ }$p"; done
	IFS=" $TAB$NL"
	"${PKITS_ORACLE:-chainview}_case"

	want_valid=false
	[ "$expect" = valid ] && want_valid=true
	verdict=ok
	if [ "$got_valid" != "$want_valid" ]; then
		case $got_valid in
		true) got=valid ;;
		false) got=invalid ;;
		*) got="no verdict" ;;
		esac
		verdict="expected $expect, got $got ($got_why)"
	elif [ "$want_valid" = true ]; then
		want_policies=$(sorted_set "$user")
		if [ "$got_policies" = absent ]; then
			verdict="expected valid with user-constrained {$want_policies}, got valid without .policies.user_constrained"
		elif [ "$got_policies" != "$want_policies" ]; then
			verdict="expected valid with user-constrained {$want_policies}, got valid with {$got_policies}"
		fi
	fi
	printf '%s\t%s\t%s\n' "$number" "$name" "$verdict" >"$PKITS_RESULTS/$idx"
}

if [ "${1:-}" = --case ]; then
	one_case "$2"
	exit 0
fi

oracle=${PKITS_ORACLE:-chainview}
case $oracle in
chainview) need jq ;;
openssl) need openssl ;;
*) echo "PKITS_ORACLE takes openssl, not '$oracle'"; exit 1 ;;
esac

# README's "| oracle | number | name | reason |" rows for this oracle
awk -F'|' -v o="$oracle" '
	function trim(s) { gsub(/^[ \t`]+|[ \t`]+$/, "", s); return s }
	trim($2) == o && NF >= 6 { print trim($4) "\t" trim($5) }' \
	"$PK/README" >"$TMPD/known"

PKITS_RESULTS="$TMPD/results"
export PKITS_RESULTS PKITS_ORACLE
mkdir "$PKITS_RESULTS"
start=$(date +%s%N)
awk '!/^#/ { printf "%03d\t%s\n", ++n, $0 }' "$PK/cases.tsv" |
	xargs -d '\n' -n 1 -P "${PKITS_JOBS:-2}" sh "$0" --case
end=$(date +%s%N)

total=$(grep -vc '^#' "$PK/cases.tsv")
passed=0 failed=0 unlisted=0
cat "$PKITS_RESULTS"/* >"$TMPD/all"
while IFS=$TAB read -r number name verdict; do
	if [ "$verdict" = ok ]; then
		passed=$((passed + 1))
		if grep -q "^$name$TAB" "$TMPD/known"; then
			echo "$number $name: passes, but README lists it as a disagreement"
			unlisted=$((unlisted + 1))
		fi
		continue
	fi
	failed=$((failed + 1))
	reason=$(awk -F'\t' -v n="$name" '$1 == n { print $2 }' "$TMPD/known")
	if [ -n "$reason" ]; then
		note="known: $reason"
	else
		note="not listed in fixtures/pkits/README"
		unlisted=$((unlisted + 1))
	fi
	echo "$number $name: $verdict [$note]"
done <"$TMPD/all"
ran=$((passed + failed))
[ "$ran" -eq "$total" ] || echo "$((total - ran)) of $total cases gave no result"

echo "$passed passed, $failed failed"
awk -v ns=$((end - start)) -v o="$oracle" -v n="$total" -v j="${PKITS_JOBS:-2}" \
	'BEGIN { printf "wall time %.1f s (%s, %d cases, %d jobs)\n", ns / 1e9, o, n, j }'

if [ "$oracle" = openssl ] && [ -n "${PKITS_OPENSSL_OPTS:-}" ]; then
	min=${PKITS_MIN:-0}	# README's list is for plain openssl verify
elif [ "$oracle" = openssl ]; then
	min=${PKITS_MIN:-$((total - $(wc -l <"$TMPD/known")))}
	if [ "$unlisted" -ne 0 ]; then
		echo "FAIL: OpenSSL's disagreements are not the ones README lists"
		exit 1
	fi
else
	min=${PKITS_MIN:-245}
fi
[ "$ran" -eq "$total" ] && [ "$passed" -ge "$min" ] && exit 0
echo "FAIL: $passed of $total cases agree, at least $min must"
exit 1
