#!/bin/sh
# The command line: help, version, usage errors and their exit codes.
. "$(dirname "$0")/lib.sh"
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT

expect_exit 0 --help
expect_output 'Usage: slubsim' --help
# --help names no address that does not exist (the project has no public bug tracker)
"$SLUBSIM" --help >"$out" 2>&1
check '--help names no web address' sh -c "! grep -q 'https\\?://' '$out'"
check '--help names no bug address' sh -c "! grep -qi 'report bugs' '$out'"
expect_exit 0 --version
expect_output '^slubsim [0-9]' --version
expect_exit 2
expect_exit 2 frobnicate
expect_output "unknown command 'frobnicate'" frobnicate
expect_exit 2 --bogus
expect_exit 2 caches --format=xml
expect_output "unknown format 'xml'" caches --format=xml
expect_exit 2 --arch=vax caches
expect_output "invalid architecture 'vax'" --arch=vax caches
expect_exit 2 --cpus=0 caches
expect_exit 2 --kernel=5.4 caches
expect_exit 2 --page-size=64K caches
expect_output 'not available on x86_64' --page-size=64K caches
expect_exit 2 --cmdline='slub_debug=FX' caches
expect_output "boot parameter 'slub_debug': unknown debug flag 'X'" --cmdline='slub_debug=FX' caches
expect_exit 2 caches extra
expect_exit 0 caches --help
expect_exit 0 --list-archs
expect_output '^arm64 ' --list-archs
# model options may follow the command, and take separate values
expect_output '^kmalloc-96 ' caches --cpus 4 --kernel 6.12
expect_output '	object_size	224' caches --format=sysfs --kernel=6.6 --cmdline 'slub_debug'
# slabinfo keeps the kernel's fixed layout
"$SLUBSIM" caches --format=slabinfo >"$out"
check 'slabinfo header' grep -q '^slabinfo - version: 2.1$' "$out"
check 'slabinfo kmalloc-96 line' grep -qx 'kmalloc-96             0      0     96   42    1 : tunables    0    0    0 : slabdata      0      0      0' "$out"
# a live stream (trace_pipe, a FIFO): events are replayed as lines come, and --until
# ends the run without waiting for the writer to finish
fifo=$(mktemp -u)
if mkfifo "$fifo"; then
	timeout 30 "$SLUBSIM" run --until=2 --summary "$fifo" >"$out" 2>&1 &
	pid=$!
	exec 3>"$fifo"
	printf 'x = kmalloc 64\ny = kmalloc 96\n' >&3
	if wait $pid; then ok; else not_ok "run --until=2 on a FIFO whose writer stays: exit $?"; cat "$out" >&2; fi
	exec 3>&-
	rm -f "$fifo"
	grep -q '^events: *2 (2 applied' "$out" && ok || { not_ok 'run --until=2 on a FIFO: not 2 events'; cat "$out" >&2; }
else
	skip "run --until=2 on a FIFO: mkfifo failed"
fi
# JSON parses
if command -v python3 >/dev/null; then
	"$SLUBSIM" caches --format=json | python3 -c 'import json,sys; d=json.load(sys.stdin); assert any(c["name"]=="kmalloc-96" for c in d)' && ok || not_ok 'caches --format=json is not valid JSON'
else
	skip "caches --format=json: python3 not installed"
fi
finish
