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
ok() { pass=$((pass + 1)); }
not_ok() { fail=$((fail + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION COMMAND...: the command must succeed
	desc=$1; shift
	if "$@"; then ok; else not_ok "$desc"; fi
}
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
}
