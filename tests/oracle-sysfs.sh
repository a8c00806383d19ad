#!/bin/sh
# Geometry against real Linux 6.1 and 6.12 kernels (x86_64, arm64): for every oracle configuration,
# run slubsim with the kernel's CPU count and command line and compare each
# kmalloc cache's layout attributes with the kernel's /sys/kernel/slab.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

attrs='object_size slab_size objs_per_slab order align min_partial cpu_partial red_zone poison store_user sanity_checks hwcache_align reclaim_account cache_dma aliases usersize'
for dir in $(oracle_dirs sysfs.tsv); do
	oracle_model "$dir"
	if ! oracle_slubsim caches --format=sysfs >"$tmp/sim.tsv"; then
		not_ok "$name: slubsim failed"
		continue
	fi
	# every kmalloc cache the kernel has (merged aliases excluded), plus the boot caches
	awk -F'\t' '$2 == "sysfs_dir" && $1 == $3 && ($1 ~ /kmalloc/ || $1 ~ /^kmem_cache/) { print $1 }' \
		"$dir/sysfs.tsv" | sort >"$tmp/caches"
	n=0
	while read -r cache; do
		for a in $attrs; do
			want=$(awk -F'\t' -v c="$cache" -v a="$a" '$1 == c && $2 == a { print $3 }' "$dir/sysfs.tsv")
			[ -n "$want" ] || continue
			# kmem_cache's size depends on struct layout, not on rules: compare the rest
			case "$cache/$a" in kmem_cache/object_size|kmem_cache/slab_size|kmem_cache/objs_per_slab|kmem_cache/order) continue ;; esac
			got=$(awk -F'\t' -v c="$cache" -v a="$a" '$1 == c && $2 == a { print $3 }' "$tmp/sim.tsv")
			n=$((n + 1))
			if [ "$got" = "$want" ]; then ok; else not_ok "$name: $cache $a: kernel $want, slubsim '${got}'"; fi
		done
	done <"$tmp/caches"
	# the kmalloc family (kmalloc_buckets included) and the boot caches, in /proc/slabinfo's order, with
	# the columns that follow from the rules: objsize, objperslab, pagesperslab
	family() { grep -E '^(dma-)?kmalloc|^kmem_cache' | awk '{ print $1, $4, $5, $6 }'; }
	family <"$dir/slabinfo.txt" >"$tmp/want-order"
	oracle_slubsim caches --format=slabinfo | sed 1,2d | family >"$tmp/got-order"
	if cmp -s "$tmp/want-order" "$tmp/got-order"; then ok; else not_ok "$name: /proc/slabinfo's kmalloc caches differ"; diff "$tmp/want-order" "$tmp/got-order" | head >&2; fi
	echo "$name: compared $n attributes"
	# a kernel has a dozen kmalloc caches at least, each with most of the attributes
	nc=$(wc -l <"$tmp/caches")
	check "$name: $nc caches in sysfs.tsv (10 at least)" [ "$nc" -ge 10 ]
	check "$name: $n attributes compared for $nc caches (10 each at least)" [ "$n" -ge $((10 * nc)) ]
done
finish
