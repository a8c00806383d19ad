#!/bin/sh
# Every self-checking trace in traces/ and tests/traces/ passes `slubsim test`;
# replay errors, exit codes and the real-trace bytes_alloc agreement.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# --- every trace with expectations
for f in "$srcdir"/traces/lessons/*.trace "$srcdir"/tests/traces/*.trace; do
	grep -q '^[[:space:]]*expect' "$f" || continue
	if "$SLUBSIM" test "$f" >"$tmp/out" 2>&1; then ok; else not_ok "slubsim test $f"; cat "$tmp/out" >&2; fi
done
"$SLUBSIM" test "$srcdir"/traces/lessons/*.trace >"$tmp/out" 2>&1
n=$(ls "$srcdir"/traces/lessons/*.trace | wc -l)
check 'test prints N passed, M failed last' [ "$(tail -n 1 "$tmp/out")" = "$n passed, 0 failed" ]

# --- a failing expectation: the trace line, expected and actual value, exit 1
cat >"$tmp/fail.trace" <<'T'
a = kmalloc 100
expect a cache=kmalloc-96
T
"$SLUBSIM" test "$tmp/fail.trace" >"$tmp/out" 2>&1
check 'failing test exits 1' [ $? -eq 1 ]
check 'failing test quotes the line' grep -q 'fail.trace:2: expect a cache=kmalloc-96' "$tmp/out"
check 'failing test says expected and got' grep -q 'expected kmalloc-96, got kmalloc-128' "$tmp/out"
check 'failing test count' grep -qx '0 passed, 1 failed' "$tmp/out"

# --- an expect line is one expectation, however many keys it checks
printf 'a = kmalloc 100\nexpect a cache=kmalloc-128 ksize=128 align>=32\nexpect a cache=kmalloc-96 ksize=96 align>=32\n' >"$tmp/keys.trace"
"$SLUBSIM" run -k --summary "$tmp/keys.trace" >"$tmp/out" 2>&1
check 'three keys, one expectation' grep -q 'expectations:   1 passed, 1 failed' "$tmp/out"
check 'each failing key is said' [ "$(grep -c 'expectation failed' "$tmp/out")" -eq 2 ]
"$SLUBSIM" test "$tmp/keys.trace" >"$tmp/out" 2>&1
check 'test counts expect lines' grep -q 'FAIL .*keys.trace: 1 of 2 expectations failed' "$tmp/out"
# --- a trace that checks nothing has not passed
printf 'a = kmalloc 100\nkfree a\n' >"$tmp/none.trace"
"$SLUBSIM" test "$tmp/none.trace" >"$tmp/out" 2>&1
check 'no expectations exits 1' [ $? -eq 1 ]
check 'no expectations is said' grep -q 'FAIL .*none.trace: no expectations' "$tmp/out"
check 'no expectations is no pass' grep -qx '0 passed, 1 failed' "$tmp/out"

# --- replay errors: file:line:column, stop unless --keep-going
printf 'a = kmalloc 10\nkfree nope\nb = kmalloc 20\nexpect b cache=kmalloc-32\n' >"$tmp/err.trace"
"$SLUBSIM" run "$tmp/err.trace" >"$tmp/out" 2>&1
check 'unknown name exits 1' [ $? -eq 1 ]
check 'unknown name message' grep -q "err.trace:2:7: unknown name 'nope'" "$tmp/out"
"$SLUBSIM" run --keep-going --summary "$tmp/err.trace" >"$tmp/out" 2>&1
check 'keep-going runs the rest' grep -q 'expectations:   1 passed, 0 failed' "$tmp/out"
check 'keep-going counts errors' grep -Eq '^errors: +1$' "$tmp/out"
"$SLUBSIM" run --summary "$tmp/err.trace" >"$tmp/out" 2>&1
check 'the summary says the replay stopped at the error' grep -q '^stopped early:  at line 2, the first error' "$tmp/out"
check 'the summary counts the lines replayed, not those read ahead' grep -qx 'lines:          2 replayed' "$tmp/out"
"$SLUBSIM" run --summary --until=1 "$tmp/err.trace" >"$tmp/out" 2>&1
check 'the summary says --until stopped the replay' grep -qx 'stopped early:  after 1 events (--until), at line 1' "$tmp/out"
check 'keep-going does not stop' sh -c "! '$SLUBSIM' run -k --summary '$tmp/err.trace' 2>/dev/null | grep -q stopped"
printf 'a = kmalloc 10\na = kmalloc 20\n' >"$tmp/live.trace"
"$SLUBSIM" run "$tmp/live.trace" >"$tmp/out" 2>&1
check 'rebinding a live name is an error' grep -q "live.trace:2:1: 'a' still holds a live object" "$tmp/out"
# kmem_buckets: a set is a handle, and 6.10 has no such API
run_error() { # run_error DESCRIPTION TRACE-TEXT MESSAGE
	printf '%b' "$2" >"$tmp/e.trace"
	"$SLUBSIM" run "$tmp/e.trace" >"$tmp/out" 2>&1
	check "$1" grep -q "e.trace:$3" "$tmp/out"
}
run_error 'a bucket set is no object' 'config kernel=6.12\nb = kmem_buckets_create x\nkfree b\n' \
	"3:7: 'b' is a set of kmalloc buckets, not an object"
run_error 'a cache is no bucket set' 'config kernel=6.12\nm = kmem_cache_create m 64\np = kmem_buckets_alloc m 8\n' \
	"3:24: 'm' is a cache, not a set of kmalloc buckets"
run_error 'kmem_buckets_create before 6.11' 'config kernel=6.10\nb = kmem_buckets_create x\n' \
	"2:25: kmem_buckets_create: the kmem_buckets API came with Linux 6.11"
printf 'cpu 5\na = kmalloc 10\n' >"$tmp/cpu.trace"
"$SLUBSIM" run "$tmp/cpu.trace" >"$tmp/out" 2>&1
check 'a CPU the model lacks is an error' grep -q 'CPU 5 does not exist: the model has 2 CPUs' "$tmp/out"
"$SLUBSIM" --cpus=8 run "$tmp/cpu.trace" >"$tmp/out" 2>&1
check '--cpus on the command line makes it exist' [ $? -eq 0 ]
printf 'a = kmalloc 10\nconfig cpus=4\n' >"$tmp/cfg.trace"
"$SLUBSIM" run "$tmp/cfg.trace" >"$tmp/out" 2>&1
check 'config after an event is an error' grep -q 'cfg.trace:2:' "$tmp/out"
"$SLUBSIM" run "$tmp/does-not-exist.trace" >"$tmp/out" 2>&1
check 'unreadable trace exits 2' [ $? -eq 2 ]
"$SLUBSIM" run --until=x "$tmp/err.trace" >"$tmp/out" 2>&1
check 'bad --until exits 2' [ $? -eq 2 ]

# --- the same trace from standard input, stopping early
printf 'a = kmalloc 10\nb = kmalloc 20\nc = kmalloc 30\n' | "$SLUBSIM" run --events --until=2 - >"$tmp/out" 2>&1
check 'stdin and --until' [ "$(grep -c '	kmalloc	' "$tmp/out")" -eq 2 ]
check '--events columns' grep -q '^1	1	0	kmalloc	a	0x[0-9a-f]*	kmalloc-16	16	new slab	-	-	-	-$' "$tmp/out"

# --- command-line options override the trace's config lines
printf 'config arch=arm64 kernel=6.1\na = kmalloc 8\nexpect a cache=kmalloc-128\n' >"$tmp/arch.trace"
"$SLUBSIM" test "$tmp/arch.trace" >/dev/null 2>&1
check 'config arch=arm64 applies' [ $? -eq 0 ]
"$SLUBSIM" --arch=x86_64 test "$tmp/arch.trace" >/dev/null 2>&1
check '--arch overrides config arch' [ $? -eq 1 ]

# --- real Linux 6.1 traces: bytes_alloc agrees everywhere
"$SLUBSIM" run -q --check-bytes-alloc "$srcdir/traces/real/debian61-default.trace" >"$tmp/out" 2>&1
check 'default trace replays' [ $? -eq 0 ]
check 'default bytes_alloc 100%' sh -c "tail -n 1 '$tmp/out' | grep -Eq '^bytes_alloc agreement: ([0-9]+)/\\1$'"
"$SLUBSIM" --cmdline=slub_debug=FZPU run -q --check-bytes-alloc "$srcdir/traces/real/debian61-fzpu.trace" >"$tmp/out" 2>&1
check 'FZPU trace replays' [ $? -eq 0 ]
check 'FZPU bytes_alloc 100%' sh -c "tail -n 1 '$tmp/out' | grep -Eq '^bytes_alloc agreement: ([0-9]+)/\\1$'"
"$SLUBSIM" run -q --check-bytes-alloc "$srcdir/traces/real/debian61-fzpu.trace" >"$tmp/out" 2>&1
check 'a wrong model disagrees and exits 1' [ $? -eq 1 ]
"$SLUBSIM" run -q --summary "$srcdir/traces/real/debian61-default.trace" >"$tmp/out" 2>&1
check 'frees of objects from before the trace are counted' grep -Eq 'before the trace: [1-9]' "$tmp/out"
check 'no errors in the real trace' grep -Eq '^errors: +0$' "$tmp/out"
# --mem takes what the page frame numbers reach; host memory follows the pages used, not the size
"$SLUBSIM" --mem=1T run --summary "$srcdir/traces/lessons/02-alignment-rust.trace" >"$tmp/out" 2>&1
kib=$(sed -n 's/^peak memory: *\([0-9]*\) KiB.*/\1/p' "$tmp/out")
[ -n "$kib" ] && [ "$kib" -lt 200000 ] && ok || not_ok "--mem=1T: peak memory '${kib:-?}' KiB"
finish
