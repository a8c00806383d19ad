#!/bin/sh
# Linux 6.18's percpu sheaves for the kernel's own caches that ask for them
# (maple_node, vm_area_struct): a cache learnt from an ftrace trace gets them
# on 6.18, not on 6.17, and its first allocation refills a whole sheaf.
. "$(dirname "$0")/lib.sh"
out=$(mktemp) || exit 99
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$out" "$tmp"' EXIT

cat >"$tmp/maple.txt" <<'T'
# tracer: nop
#
        kworker-5       [000] .....     6.841850: kmem_cache_alloc: call_site=mas_alloc_nodes+0x19a/0x540 ptr=ffff8d82741fc900 bytes_req=256 bytes_alloc=256 gfp_flags=GFP_KERNEL node=-1 accounted=false name=maple_node
        kworker-5       [000] .....     6.841851: kmem_cache_alloc: call_site=mas_alloc_nodes+0x19a/0x540 ptr=ffff8d82741fca00 bytes_req=256 bytes_alloc=256 gfp_flags=GFP_KERNEL node=-1 accounted=false name=maple_node
        kworker-5       [000] .....     6.841852: kmem_cache_free: call_site=rcu_do_batch+0x19a/0x540 ptr=ffff8d82741fc900 name=maple_node
T
attr() { # attr CACHE ATTRIBUTE: its value in the last --sysfs output
	awk -F '\t' -v c="$1" -v a="$2" '$1 == c && $2 == a { print $3 }' "$out"
}
expect_exit 0 --kernel=6.18 --cpus=2 run --sysfs "$tmp/maple.txt"
check '6.18: maple_node asks for sheaves of 32' [ "$(attr maple_node sheaf_capacity)" = 32 ]
# the refill took 32 objects: two 16-object slabs, allocated for their slabs
check '6.18: the first allocation refilled a sheaf' [ "$(attr maple_node objects)" = 32 ]
check '6.18: from two slabs' [ "$(attr maple_node slabs)" = 2 ]
# JSON says how many of them wait in sheaves: 32 refilled, two taken, one freed back
expect_exit 0 --kernel=6.18 --cpus=2 run --json "$tmp/maple.txt"
check '6.18: 31 objects in sheaves' grep -q '"name": "maple_node".*"sheaf_objects": 31}' "$out"
expect_exit 0 --kernel=6.17 --cpus=2 run --sysfs "$tmp/maple.txt"
check '6.17: no sheaf_capacity attribute' [ -z "$(attr maple_node sheaf_capacity)" ]
check '6.17: one cpu slab' [ "$(attr maple_node slabs)" = 1 ]

# the same with vm_area_struct; another cache of the trace gets none
sed 's/maple_node/vm_area_struct/; s/mas_alloc_nodes/vm_area_alloc/' "$tmp/maple.txt" >"$tmp/vma.txt"
sed 's/maple_node/dentry/; s/mas_alloc_nodes/d_alloc/' "$tmp/maple.txt" >"$tmp/dentry.txt"
expect_exit 0 --kernel=6.18 --cpus=2 run --sysfs "$tmp/vma.txt"
check '6.18: vm_area_struct asks for sheaves of 32' [ "$(attr vm_area_struct sheaf_capacity)" = 32 ]
expect_exit 0 --kernel=6.18 --cpus=2 run --sysfs "$tmp/dentry.txt"
check '6.18: dentry has no sheaves' [ "$(attr dentry sheaf_capacity)" = 0 ]

echo "$pass passed, $fail failed, $skipped skipped"
[ "$fail" -eq 0 ]
