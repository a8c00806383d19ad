#!/bin/sh
# kmem_buckets (CONFIG_SLAB_BUCKETS, 6.11+) against real Linux 6.12 kernels: the
# probe module made one set with kmem_buckets_create() (BUCKETIDX: which cache
# each kmalloc index points at; BUCKET: each bucket cache's layout) and
# allocated some sizes from it with kmem_buckets_alloc() (BUCKETALLOC: the
# cache, or "page", and ksize). The same set, made and used by a trace, must
# get the kernel's caches and sizes.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

boots=0
for dir in $(oracle_probe_dirs); do
	grep -q '^BUCKET	' "$dir/probe.txt" || continue
	boots=$((boots + 1))
	oracle_model "$dir"
	# BUCKET name k=v...; BUCKETALLOC size cache ptr&4095 align ksize
	awk -F'\t' '
	BEGIN { usersize = useroffset = 0 }
	$1 == "BUCKET" {
		delete v
		for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		set = $2; sub(/-[^-]*$/, "", set)
		if (v["usersize"] + 0 > usersize) usersize = v["usersize"] + 0
		if (v["useroffset"] + 0 > useroffset) useroffset = v["useroffset"] + 0
		expect[++n] = sprintf("expect cache %s object_size=%s slab_size=%s align=%s order=%s objs_per_slab=%s min_partial=%s cpu_partial=%s usersize=%s", \
			$2, v["object_size"], v["size"], v["align"], v["order"], v["objects"], v["min_partial"], v["cpu_partial"], v["usersize"])
	}
	# index 1 and 2 are the 96 and 192 byte classes, index i >= 3 the 2^i one
	$1 == "BUCKETIDX" {
		size = $2 == 1 ? 96 : $2 == 2 ? 192 : 2 ^ $2
		alloc[++m] = "p" m " = kmem_buckets_alloc b " size "\nexpect p" m " cache=" $3 "\nkfree p" m
	}
	$1 == "BUCKETALLOC" {
		cache = $3
		if (cache == "page") { for (o = 0; 4096 * 2 ^ o < $6; o++) ; cache = "page-order-" o }
		alloc[++m] = "p" m " = kmem_buckets_alloc b " $2 "\nexpect p" m " cache=" cache " ksize=" $6 "\nkfree p" m
	}
	END {
		if (!n || !m) exit 1
		# the usercopy window the probe asked for: each cache shows it cut to its size
		print "b = kmem_buckets_create " set " useroffset=" useroffset " usersize=" usersize
		for (i = 1; i <= n; i++) print expect[i]
		for (i = 1; i <= m; i++) print alloc[i]
		print n " bucket caches, " m " allocations" > "/dev/stderr"
	}' "$dir/probe.txt" >"$tmp/$name.trace" 2>"$tmp/count" ||
		{ not_ok "$name: no BUCKET and BUCKETALLOC records"; continue; }
	oracle_test kmem_buckets "$tmp/$name.trace" "$(cat "$tmp/count"), every one as the kernel's"
done
[ "$boots" -gt 0 ] && ok || not_ok "no oracle boot has BUCKET records"
finish
