#!/bin/sh
# krealloc and LIFO reuse against real Linux 6.1 and 6.12 kernels (x86_64, arm64): the probe module's
# KREALLOC sequences (moved or kept, cache, ksize of every step) and LIFO
# records (including slub_debug's partial-list order: 1 0 3 2 ... for 2-object
# slabs), turned into self-checking traces and run with the oracle's model.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

for dir in $(oracle_probe_dirs); do
	oracle_model "$dir"
	# KREALLOC seq step old_req new_req moved result ksize_old ksize_new cache_new content_ok
	awk -F'\t' '
	function cache(c, ks,   o) {
		if (c != "page")
			return c
		for (o = 0; 4096 * 2 ^ o < ks; o++)
			;
		return "page-order-" o
	}
	$1 == "KREALLOC" {
		cur = "s" $2 "_" $3; prev = "s" $2 "_" ($3 - 1)
		if ($3 == 0)
			print cur " = krealloc NULL " $5
		else
			print cur " = krealloc " prev " " $5
		print "expect " cur " cache=" cache($10, $9) " ksize=" $9
		if ($7 == "same") print "expect " cur " == " prev
		if ($7 == "moved") print "expect " cur " != " prev
		n++
	}
	END { if (!n) exit 1 }' "$dir/probe.txt" >"$tmp/$name-krealloc.trace" || { not_ok "$name: no KREALLOC records"; continue; }
	# LIFO size=N cache=C second_round_got_slot_of_first_round_index=I...
	case " $cmdline" in *" slub_debug"*|*" slab_debug"*) debug=1 ;; *) debug=0 ;; esac
	awk -F'\t' -v debug="$debug" '
	$1 == "LIFO" {
		split($2, sz, "="); split($4, got, "="); n = split(got[2], idx, " ")
		# -1: the kernel gave a slot from outside the first round (a slab of the busy
		# system was discarded, or it had a partial slab with room); that depends on
		# the state before the probe. A cpu slab still hands back the freed objects
		# last first; debug caches take slabs in node partial list order, which that
		# state decides, so their record says nothing about the rules then
		if (debug && got[2] ~ /-1/) next
		for (i = 0; i < n; i++) print "l" NR "_a" i " = kmalloc " sz[2]
		for (i = 0; i < n; i++) print "kfree l" NR "_a" i
		for (i = 0; i < n; i++) print "l" NR "_b" i " = kmalloc " sz[2]
		for (i = 0; i < n; i++) if (idx[i + 1] >= 0) { print "expect l" NR "_b" i " == l" NR "_a" idx[i + 1]; expects++ }
	}
	END { if (!expects) exit 1 }' "$dir/probe.txt" >"$tmp/$name-lifo.trace" ||
		{ not_ok "$name: no LIFO records to check"; continue; }
	for t in krealloc lifo; do
		if oracle_slubsim test "$tmp/$name-$t.trace" >"$tmp/out" 2>&1; then
			ok
			echo "$name: $(sed -n 's/^PASS [^:]*: //p' "$tmp/out") ($t)"
		else
			not_ok "$name $t"
			cat "$tmp/out" >&2
		fi
	done
done
finish
