#!/bin/sh
# Kernel versions as users name them, and the teaching story on both sides of
# the 6.2 (kmalloc red zone), 6.11 (alignment guarantee) and 6.13 (krealloc
# orig_size) boundaries.
. "$(dirname "$0")/lib.sh"
out=$(mktemp) || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$out" "$tmp"' EXIT
lesson=$srcdir/traces/lessons/09-kmalloc-redzone.trace

# a stable release on the command line and in a trace; a bare series is its newest known release
expect_output 'Linux 6.12.117, x86_64' --kernel=6.12.117 explain 8
expect_output 'Linux 6.12.118, x86_64' --kernel=6.12 explain 8
expect_output 'Linux 6.1.192, x86_64' explain 8
expect_output '6.12 = 6.12.118' --help
printf 'config kernel=6.12.117 cmdline="slub_debug=FZPU"\na = kmalloc 20\nwrite a 24 1\nkfree a\nexpect fault "kmalloc Redzone"\n' \
	>"$tmp/stable.trace"
expect_exit 0 test "$tmp/stable.trace"
printf 'config kernel=6.1.192 cmdline="slub_debug=FZPU"\na = kmalloc 20\nwrite a 24 1\nkfree a\nexpect nofault\n' \
	>"$tmp/61.trace"
expect_exit 0 test "$tmp/61.trace"
printf 'config kernel=6.12.x\n' >"$tmp/bad.trace"
expect_exit 1 run "$tmp/bad.trace"
check 'config kernel=6.12.x: file:line: message' grep -q "bad.trace:1:15: invalid kernel version '6.12.x'" "$out"
expect_exit 2 --kernel=6.12.70000 caches
expect_exit 2 --kernel=6.12. caches

# the kmalloc red zone lesson passes on its own kernel, and fails where the rules differ:
# 6.1 has no kmalloc red zone (the first report never comes), 6.13's krealloc() records the new size
expect_exit 0 test "$lesson"
expect_exit 0 --kernel=6.12.0 test "$lesson"
expect_exit 1 --kernel=6.1 test "$lesson"
check 'lesson 9 on 6.1: no kmalloc red zone' grep -q '09-kmalloc-redzone.trace:31:.*expected kmalloc Redzone overwritten, got none' "$out"
expect_exit 1 --kernel=6.13 test "$lesson"
check 'lesson 9 on 6.13: krealloc sets orig_size' grep -q '09-kmalloc-redzone.trace:57:.*expected none, got Redzone overwritten' "$out"
[ "$(grep -c 'expectation failed' "$out")" -eq 1 ] && ok || not_ok "lesson 9 on 6.13: more than the krealloc step failed"

# verify --wrapper=pad: 6.11's alignment guarantee makes every pad result aligned by promise on 6.12,
# with and without slub_debug; on 6.10 pad is aligned by layout luck only, and slub_debug's layout breaks it
pad_row() { sed -n 's/^pad  *\([0-9]*\)  *\([0-9]*\)  *\([0-9]*\) .*/\2 \3/p' "$out"; }
for cmdline in "" "slub_debug=FZPU" "slub_debug=Z" "slub_debug=U"; do
	expect_exit 0 --kernel=6.12 --cmdline="$cmdline" verify --wrapper=pad
	[ "$(pad_row)" = "0 0" ] && ok || not_ok "6.12 '$cmdline' pad: misaligned, layout-luck = '$(pad_row)', expected 0 0"
done
expect_exit 0 --kernel=6.10 verify --wrapper=pad
[ "$(pad_row | cut -d' ' -f2)" -gt 0 ] && ok || not_ok "6.10 pad: no layout-luck results"
expect_exit 1 --kernel=6.10 --cmdline=slub_debug=FZPU verify --wrapper=pad
[ "$(pad_row | cut -d' ' -f1)" -gt 0 ] && ok || not_ok "6.10 slub_debug=FZPU pad: nothing misaligned"
# debug caches allocate and free one object at a time under the node's list lock in every release:
# 6.1.0 has it (c7323a5ad078), 6.1.151's backports only moved the code. Without the debug flags the
# cpu slab and cpu partial lists change every count and order the trace expects.
single=$srcdir/tests/traces/debug-single-object.trace
for k in 6.1.0 6.1.150 6.1.151 6.1.192 6.12 6.19; do
	expect_exit 0 --kernel="$k" test "$single"
done
sed 's/ flags=[A-Z_|]*//' "$single" >"$tmp/nodebug.trace"
expect_exit 1 --kernel=6.1.150 test "$tmp/nodebug.trace"
check 'without slub_debug: a cpu slab' grep -q 'nodebug.trace:17:.*cpu_slabs: expected 0, got 1' "$out"
check 'without slub_debug: the first freed slab is not the first reused' \
	grep -q 'nodebug.trace:60:.*expectation failed' "$out"
finish
