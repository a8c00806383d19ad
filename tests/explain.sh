#!/bin/sh
# explain and verify on the command line: the TSV/JSON contract of
# ../shared/spec/interface.md, SPEC errors, and the teaching cases.
. "$(dirname "$0")/lib.sh"
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT

expect_line() { # expect_line LINE ARGS...: LINE must appear exactly
	line=$1; shift
	"$SLUBSIM" "$@" >"$out" 2>&1
	if grep -qxF -- "$line" "$out"; then ok; else not_ok "slubsim $*: no line '$line'"; cat "$out" >&2; fi
}
tab=$(printf '\t')
row() { # row FIELDS...: the fields joined by tabs
	r=$1; shift
	for f in "$@"; do r="$r$tab$f"; done
	printf '%s\n' "$r"
}

# the fixed TSV header and rows worked by hand (kmalloc.md §6-7)
expect_line "$(row size align cache ksize slot_align guaranteed_align naive_size naive_cache naive_ok npot_size npot_cache npot_ok pad_size pad_cache pad_ok)" \
	explain --format=tsv 1
expect_line "$(row 96 64 kmalloc-96 96 32 8 96 kmalloc-96 0 128 kmalloc-128 1 128 kmalloc-128 1)" explain --format=tsv 96@64
expect_line "$(row 96 64 kmalloc-96 96 32 32 96 kmalloc-96 0 128 kmalloc-128 1 128 kmalloc-128 1)" --kernel=6.12 explain --format=tsv 96@64
expect_line "$(row 8 16 kmalloc-8 8 8 8 8 kmalloc-8 0 16 kmalloc-16 1 16 kmalloc-16 1)" explain --format=tsv 8@16
expect_line "$(row 0 1 ZERO_SIZE_PTR 0 16 0 0 ZERO_SIZE_PTR 1 0 ZERO_SIZE_PTR 1 0 ZERO_SIZE_PTR 1)" explain --format=tsv 0
expect_line "$(row 8193 1 page-order-2 16384 16384 16384 8193 page-order-2 1 8193 page-order-2 1 8193 page-order-2 1)" \
	explain --format=tsv 8193
expect_line "$(row 4194305 1 NULL 0 0 0 4194305 NULL 1 4194305 NULL 1 4194305 NULL 1)" explain --format=tsv 4194305
# hex sizes, ranges, several SPECs, one header
"$SLUBSIM" explain --format=tsv 0x60@0x40 1-3@2 >"$out"
check 'explain: 0x60@0x40 is 96@64' grep -q "^96${tab}64${tab}kmalloc-96" "$out"
check 'explain: one header and four rows' test "$(wc -l <"$out")" -eq 5
# --roundup adds one last column and nothing else
"$SLUBSIM" explain --format=tsv --roundup 100 >"$out"
check 'explain --roundup: last column' grep -q "^100${tab}.*${tab}128\$" "$out"
check 'explain --roundup: 16 columns' test "$(awk -F'\t' 'NR == 2 { print NF }' "$out")" -eq 16
# JSON: the same keys, numbers and booleans
if command -v python3 >/dev/null; then
	"$SLUBSIM" explain --format=json 96@64 0 >"$out"
	python3 - "$out" <<-'EOF' && ok || not_ok 'explain --format=json'
	import json, sys
	d = json.load(open(sys.argv[1]))
	keys = "size align cache ksize slot_align guaranteed_align naive_size naive_cache naive_ok npot_size npot_cache npot_ok pad_size pad_cache pad_ok".split()
	assert [list(r) for r in d] == [keys, keys], d
	assert d[0]["naive_ok"] is False and d[0]["pad_ok"] is True and d[0]["slot_align"] == 32, d[0]
	assert d[1]["cache"] == "ZERO_SIZE_PTR", d[1]
	EOF
else
	skip "explain --format=json: python3 not installed"
fi
# the text teaches: size class, ksize rule, slot alignment, guarantee, wrappers
"$SLUBSIM" explain 96@64 >"$out"
check 'explain text: size index' grep -q 'kmalloc_size_index\[(96 - 1) / 8 = 11\] = 1 -> kmalloc-96' "$out"
check 'explain text: naive misaligned' grep -q 'naive .*MISALIGNED for align 64' "$out"
check 'explain text: npot rule' grep -q 'align 64 > ARCH_SLAB_MINALIGN 8 so next_power_of_two -> 128' "$out"
# each wrapper row names the kernel function it models
check 'explain text: npot is krealloc_aligned()' grep -q '^  npot .* krealloc_aligned(): pad_to_align' "$out"
check 'explain text: pad is krealloc_aligned()' grep -q '^  pad .* krealloc_aligned(): pad_to_align' "$out"
check 'explain text: naive is KernelAllocator::alloc()' grep -q '^  naive .* KernelAllocator::alloc(): krealloc(NULL' "$out"
check 'explain text: allocator is the Allocator trait' grep -q '^  allocator .* <Kmalloc as Allocator>::realloc(): aligned_size()' "$out"
check 'explain text: node-align is krealloc_node_align()' grep -q '^  node-align .* <Kmalloc as Allocator>::realloc(): Kmalloc::aligned_layout() -> 128, krealloc_node_align()' "$out"
"$SLUBSIM" --cmdline=slub_debug=FZPU explain 96 >"$out"
check 'explain text: debug slot' grep -q 's->size 200 -> 8; objects start red_left_pad 8' "$out"
# bad SPECs and options: exit 2
for spec in 96@3 96@0 x 10-5 -5 96@ 1-2-3 '' 0x; do
	expect_exit 2 explain "$spec"
done
expect_exit 2 explain
expect_exit 2 explain --format=xml 1
expect_exit 2 explain 0x7fffffffffffffff@4096	# Rust's LayoutError
"$SLUBSIM" explain 96@3 >"$out" 2>&1
check 'explain: error message' grep -q "^slubsim: explain: bad SPEC '96@3'" "$out"
expect_exit 0 explain --help

# verify: pad has nothing to fix on 6.12; 6.1.44's default (naive) does, and
# 6.1.45 got npot from stable (so the default 6.1, 6.1.192, ships npot)
expect_exit 0 --kernel=6.12 verify --wrapper=pad
expect_exit 1 --kernel=6.1.44 verify
expect_exit 1 verify --wrapper=naive
expect_exit 0 --kernel=6.1.45 verify
expect_exit 0 verify
expect_exit 0 verify --wrapper=npot
# before 6.11 a debug layout gives kmalloc-96 slots of 120 bytes after an 8-byte left red zone:
# 8-aligned objects, so pad's Layout(65, 16) -> kmalloc(80) -> kmalloc-96 is misaligned
expect_exit 1 --kernel=6.1 --cmdline=slub_debug=Z verify --wrapper=pad
check 'verify: slub_debug=Z counterexample' grep -q 'Layout(65, 16): kmalloc(80) -> kmalloc-96, 8-aligned' "$out"
expect_exit 0 --kernel=6.12 --cmdline=slub_debug=Z verify --wrapper=pad
# in-place realloc keeps a 32-aligned kmalloc-96 object for Layout(64, 64) until 6.18
expect_exit 1 --kernel=6.12 verify --wrapper=pad --realloc
check 'verify --realloc: kmalloc-96 kept' grep -q 'an object of kmalloc-96 (ksize 96, 32-aligned) reallocated to Layout(64, 64)' "$out"
expect_exit 0 --kernel=6.18 verify --realloc
# arm64 6.5+: kmalloc-8 with the swiotlb bounce buffer; swiotlb=noforce aliases the small classes to kmalloc-64
expect_output '-> kmalloc-8$' --kernel=6.12 --arch=arm64 explain 8
expect_output 'swiotlb=noforce: no bounce buffer' --kernel=6.12 --arch=arm64 --cmdline=swiotlb=noforce explain 8
check 'arm64 noforce: kmalloc-64' grep -q -- '-> kmalloc-64$' "$out"
expect_exit 2 verify --wrapper=bogus
expect_exit 2 verify --examples=9
expect_exit 2 verify extra
expect_exit 0 verify --help
finish
