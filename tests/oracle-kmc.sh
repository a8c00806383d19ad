#!/bin/sh
# kmem_cache_create() against real Linux 6.1 and 6.12 kernels (x86_64, arm64): the probe module's KMC
# records (38 sizes x aligns 0, 8, 16, 64, 256 x mergeable, unmergeable,
# SLAB_HWCACHE_ALIGN, SLAB_ACCOUNT, SLAB_TYPESAFE_BY_RCU and ctor variants).
# Every cache the kernel created anew must get the kernel's object_size,
# slab_size, align, order, objs_per_slab, min_partial and cpu_partial. The
# probe destroyed each cache before the next, and so does the trace. Records
# merged into a cache the booted kernel already had (vmap_area, maple_node, ...)
# are skipped: which caches a kernel creates at boot is not a slab rule.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

for dir in $(oracle_probe_dirs); do
	oracle_model "$dir"
	# KMC variant size align result new CACHE name k=v...
	awk -F'\t' '
	$1 == "KMC" && $6 == 1 {
		flags = ""; ctor = ""
		if ($2 == "merge_hwc") flags = " flags=SLAB_HWCACHE_ALIGN"
		else if ($2 == "merge_account") flags = " flags=SLAB_ACCOUNT"
		else if ($2 == "nomerge") flags = " flags=SLAB_NOLEAKTRACE"
		else if ($2 == "nomerge_hwc") flags = " flags=SLAB_NOLEAKTRACE|SLAB_HWCACHE_ALIGN"
		else if ($2 == "rcu") flags = " flags=SLAB_TYPESAFE_BY_RCU"
		else if ($2 == "ctor") ctor = " ctor"
		else if ($2 != "merge" && $2 != "nomerge") { print "unknown variant " $2 > "/dev/stderr"; exit 1 }
		for (i = 8; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		print "c = kmem_cache_create " $5 " " $3 " align=" $4 flags ctor
		printf "expect cache %s object_size=%s slab_size=%s align=%s order=%s objs_per_slab=%s min_partial=%s cpu_partial=%s\n", \
			$5, v["object_size"], v["size"], v["align"], v["order"], v["objects"], v["min_partial"], v["cpu_partial"]
		print "kmem_cache_destroy c"
		n++
	}
	END { if (!n) exit 1; print n > "/dev/stderr" }' "$dir/probe.txt" >"$tmp/$name-kmc.trace" 2>"$tmp/count" ||
		{ not_ok "$name: no new caches among the KMC records"; cat "$tmp/count" >&2; continue; }
	oracle_test "kmem_cache_create geometry" "$tmp/$name-kmc.trace" \
		"$(cat "$tmp/count") caches created anew, every geometry as the kernel's"
done
finish
