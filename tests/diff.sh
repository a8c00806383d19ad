#!/bin/sh
# slubsim diff: one trace under two configurations, side by side.
. "$(dirname "$0")/lib.sh"
out=$(mktemp) || exit 99
tsv=$(mktemp) || exit 99
bad=$(mktemp) || exit 99
trap 'rm -f "$out" "$tsv" "$bad"' EXIT
lesson1=$srcdir/traces/lessons/01-size-classes.trace
lesson4=$srcdir/traces/lessons/04-slub-debug.trace
real=$srcdir/traces/real/debian61-default.trace

field() { # field CACHE COLUMN: one cell of the TSV in $tsv
	awk -F'\t' -v c="$1" -v k="$2" '$1 == c { print $k }' "$tsv"
}

# arm64 on 6.1 has no kmalloc-96 (KMALLOC_MIN_SIZE 128): the 65-byte object moves to kmalloc-128
expect_exit 0 diff --a='--arch=x86_64' --b='--arch=arm64' --format=tsv "$lesson1"
grep -v '^slubsim: diff: --b: .* expectations' "$out" >"$tsv"
check 'kmalloc-96 holds one object on x86_64' [ "$(field kmalloc-96 2)" = 1 ]
check 'kmalloc-96 is absent on arm64' [ "$(field kmalloc-96 3)" = - ]
check 'kmalloc-128 gains the small objects on arm64' test "$(field kmalloc-128 2)" = 1 -a "$(field kmalloc-128 3)" = 4
check 'TSV header' grep -qx '# cache	objects_a	objects_b	slabs_a	slabs_b	memory_a	memory_b	memory_diff	waste_a	waste_b	waste_diff' "$tsv"
check 'TSV has 11 columns on every line' awk -F'\t' 'NF != 11 { exit 1 }' "$tsv"
check 'memory_diff = memory_b - memory_a where both sides have the cache' \
	awk -F'\t' '!/^#/ && $6 != "-" && $7 != "-" && $7 - $6 != $8 + 0 { exit 1 }' "$tsv"
check 'rows sorted by the largest memory difference' \
	awk -F'\t' '!/^#/ && $1 != "total" { d = $8 < 0 ? -$8 : $8; if (NR > 2 && d > last) exit 1; last = d }' "$tsv"
check 'a total row last' sh -c "tail -n 1 '$tsv' | grep -q '^total	'"
check 'the expectations arm64 breaks are noted, not errors' grep -q '^slubsim: diff: --b: 7 expectations of the trace do not hold here$' "$out"

# slub_debug=FZPU: red zones, poison and tracking make every slot bigger (kmalloc-64: 256 bytes)
many=$(mktemp) || exit 99
awk 'BEGIN { for (i = 0; i < 2000; i++) print "o" i " = kmalloc 64" }' >"$many"
"$SLUBSIM" diff --a='--cmdline=' --b='--cmdline=slub_debug=FZPU' --format=tsv "$many" >"$tsv" 2>"$out"
check 'FZPU replay exits 0' [ $? -eq 0 ]
check 'FZPU kmalloc-64: 32 slabs become 125' test "$(field kmalloc-64 4)" = 32 -a "$(field kmalloc-64 5)" = 125
rm -f "$many"
check 'FZPU takes more memory in total' [ "$(field total 8)" -gt 0 ]
check 'FZPU total memory is memory_b' [ "$(field total 7)" -gt "$(field total 6)" ]

# quoted words stay one word: slub_max_order=0 shrinks kmalloc-256's order-2 slabs to order 0
"$SLUBSIM" diff --b="--cmdline='slub_debug=FZPU slub_max_order=0'" --format=tsv "$lesson4" >"$tsv" 2>"$out"
check 'quoted --cmdline with a blank' test "$(field kmalloc-256 6)" = 16384 -a "$(field kmalloc-256 7)" = 4096

# formats
expect_output '^CACHE  *OBJS_A  *OBJS_B' diff --b=--arch=arm64 "$lesson1"
if command -v python3 >/dev/null; then
	"$SLUBSIM" diff --b=--arch=arm64 --format=json "$lesson1" 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
rows = {r["name"]: r for r in d["caches"]}
assert rows["kmalloc-96"]["b"] is None and rows["kmalloc-96"]["a"]["objects"] == 1
assert d["total"]["memory_diff"] == d["total"]["b"]["memory"] - d["total"]["a"]["memory"]
' && ok || not_ok 'diff --format=json'
else
	skip "diff --format=json: python3 not installed"
fi

# exit codes and messages
printf 'kfree nope\n' >"$bad"
expect_exit 1 diff --b=--arch=arm64 "$bad"
expect_output "^slubsim: diff: --b: .*:1:7: unknown name 'nope'" diff --b=--arch=arm64 "$bad"
expect_exit 2 diff --a='--arch=vax' "$lesson1"
expect_output "^slubsim: diff: --a: --arch: invalid architecture 'vax'" diff --a='--arch=vax' "$lesson1"
expect_exit 2 diff --b='--arch=arm64 "--cpus=2' "$lesson1"
expect_output "^slubsim: diff: --b: unterminated \" quote in '--arch=arm64 \"--cpus=2'" diff --b='--arch=arm64 "--cpus=2' "$lesson1"
expect_output "^slubsim: diff: --a: 'caches' is not a model option" diff --a='--cpus=4 caches' "$lesson1"
expect_output "^slubsim: diff: --a: option '--arch' requires an argument" diff --a='--arch' "$lesson1"
expect_exit 2 diff --a='--page-size=64K' "$lesson1"
expect_output 'page size 64K is not available on x86_64' diff --a='--page-size=64K' "$lesson1"
expect_exit 2 diff --format=xml "$lesson1"
expect_exit 2 diff - <"$lesson1"
expect_exit 2 diff "$srcdir/no-such.trace"
expect_exit 0 diff --help
finish
