#!/bin/sh
# Malformed input (tests/malformed/*.trace): each file gives exactly the errors,
# event count and exit status of its .expected file, and nothing crashes.
# A 10 MB line is made here rather than kept in the repository.
. "$(dirname "$0")/lib.sh"
: "${TRACE_DUMP:=$(dirname "$0")/trace_dump}"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# run_dump DIR NAME: errors, then format/events/errors counters, then the exit status
run_dump() {
	(cd "$1" && "$TRACE_DUMP" "$2" >"$tmp/out" 2>"$tmp/err")
	rc=$?
	cat "$tmp/err"
	grep -E '^(format|events|errors) ' "$tmp/out"
	echo "exit $rc"
}

expect_dump() { # expect_dump DIR NAME EXPECTED-FILE
	run_dump "$1" "$2" >"$tmp/got"
	if cmp -s "$3" "$tmp/got"; then
		ok
	else
		not_ok "$2: output differs from $(basename "$3")"
		diff "$3" "$tmp/got" >&2
	fi
}

dir="$srcdir/tests/malformed"
for f in "$dir"/*.trace; do
	name=$(basename "$f" .trace)
	expect_dump "$dir" "$name.trace" "$dir/$name.expected"
done

# one 10 MB line in a native trace, and in an ftrace one; the lines after it still count
{ head -c 10485760 /dev/zero | tr '\0' x; printf '\nkfree a\nfrob\n'; } >"$tmp/long.trace"
cat >"$tmp/long.expected" <<'END'
long.trace:1:1: line too long (more than 65536 bytes)
long.trace:3:1: unknown operation 'frob'
format native
events 1
errors 2
exit 1
END
expect_dump "$tmp" long.trace "$tmp/long.expected"
{
	printf '# tracer: nop\n'
	head -c 10485760 /dev/zero | tr '\0' x
	printf '\n            init-1       [000] .....     6.849379: kfree: call_site=f+0x107/0x190 ptr=0\n'
} >"$tmp/long-ftrace.trace"
cat >"$tmp/long-ftrace.expected" <<'END'
long-ftrace.trace:2:1: line too long (more than 65536 bytes)
format ftrace
events 1
errors 1
exit 1
END
expect_dump "$tmp" long-ftrace.trace "$tmp/long-ftrace.expected"
finish
