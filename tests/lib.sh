# Shared helpers for the shell tests: counts checks, prints a TAP-like log.
: "${SLUBSIM:=$(dirname "$0")/../src/slubsim}"
: "${srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
# SLUBSIM_WRAPPER="valgrind ..." runs every slubsim of the tests under that command
if [ -n "${SLUBSIM_WRAPPER:-}" ] && [ -z "${SLUBSIM_REAL:-}" ]; then
	SLUBSIM_REAL=$SLUBSIM
	SLUBSIM=$srcdir/tests/wrap.sh
	export SLUBSIM_REAL SLUBSIM_WRAPPER
fi
pass=0
fail=0
skipped=0
ok() { pass=$((pass + 1)); }
skip() { skipped=$((skipped + 1)); echo "SKIP: $*"; }	# a check that could not run here
not_ok() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION COMMAND...: the command must succeed
	desc=$1; shift
	if "$@"; then ok; else not_ok "$desc"; fi
}
expect_exit() { # expect_exit CODE ARGS...: slubsim ARGS exits with CODE; output in $out
	code=$1; shift
	"$SLUBSIM" "$@" >"$out" 2>&1
	got=$?
	if [ "$got" -eq "$code" ]; then ok; else not_ok "slubsim $*: exit $got, expected $code"; cat "$out" >&2; fi
}
expect_output() { # expect_output PATTERN ARGS...: grep PATTERN in slubsim ARGS' output
	pat=$1; shift
	"$SLUBSIM" "$@" >"$out" 2>&1
	if grep -q -- "$pat" "$out"; then ok; else not_ok "slubsim $*: no '$pat' in output"; cat "$out" >&2; fi
}
oracle_dirs() { # oracle_dirs [FILE]: the oracle folders (tests/oracle/NAME or tests/oracle/ARCH-VERSION/NAME) that hold FILE
	for d in "$srcdir"/tests/oracle/*/ "$srcdir"/tests/oracle/*/*/; do
		[ -f "$d/meta.txt" ] && [ -f "$d/${1:-meta.txt}" ] && echo "${d%/}"
	done
}
oracle_probe_dirs() { # the oracle folders that hold a probe module's records
	oracle_dirs probe.txt
}
oracle_model() { # oracle_model DIR: $name, $kernel, $arch, $cpus and $cmdline of the kernel an oracle folder measured
	name=${1#"$srcdir"/tests/oracle/}
	name=$(echo "$name" | tr / -)
	# uname: "Linux (none) 6.1.0-56-amd64 #1 SMP ... Debian 6.1.192-2 (date) x86_64 GNU/Linux"; Debian's
	# release names the stable release ("6.12.117+deb12-amd64" does too, "6.1.0-56-amd64" does not)
	kernel=$(sed -n 's/^uname: .* Debian \([0-9]*\.[0-9]*\.[0-9]*\)[-+~].*/\1/p' "$1/meta.txt")
	[ -n "$kernel" ] || kernel=$(sed -n 's/^uname: [^ ]* [^ ]* \([0-9]*\.[0-9]*\(\.[0-9]*\)\{0,1\}\).*/\1/p' "$1/meta.txt")
	arch=$(sed -n 's/^uname: .* \([^ ]*\) GNU\/Linux$/\1/p' "$1/meta.txt")
	[ "$arch" = aarch64 ] && arch=arm64
	cmdline=$(sed -n 's/^cmdline: //p' "$1/meta.txt")
	cpus=$(sed -n 's/^cpu_present: 0-\([0-9]*\)$/\1/p' "$1/meta.txt")
	cpus=$(( ${cpus:-0} + 1 ))
}
oracle_test() { # oracle_test LABEL TRACE SUMMARY: `slubsim test` TRACE as oracle_model's kernel, one check
	if oracle_slubsim test "$2" >"$tmp/out" 2>&1; then
		ok
		echo "$name: $3"
	else
		not_ok "$name $1"
		head -40 "$tmp/out" >&2
	fi
}
oracle_slubsim() { # oracle_slubsim ARGS...: slubsim as the kernel oracle_model read
	"$SLUBSIM" --kernel="$kernel" --arch="$arch" --cpus="$cpus" --cmdline="$cmdline" "$@"
}
finish() { # a test that compared nothing fails; one that skipped checks reports SKIP (77)
	echo "$pass passed, $fail failed, $skipped skipped"
	if [ $((pass + fail)) -eq 0 ]; then
		echo "FAIL: no check ran" >&2
		return 1
	fi
	[ "$fail" -eq 0 ] || return 1
	[ "$skipped" -eq 0 ] || return 77
}
