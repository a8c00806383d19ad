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
oracle_probe_dirs() { # the oracle folders that hold a probe module's records
	for d in "$srcdir"/tests/oracle/*/; do
		[ -f "$d/probe.txt" ] && echo "$d"
	done
}
oracle_model() { # oracle_model DIR: set $name, $cmdline and $cpus from an oracle folder's meta.txt
	name=$(basename "$1")
	cmdline=$(sed -n 's/^cmdline: //p' "$1/meta.txt")
	cpus=$(sed -n 's/^cpu_present: 0-\([0-9]*\)$/\1/p' "$1/meta.txt")
	cpus=$(( ${cpus:-0} + 1 ))
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
