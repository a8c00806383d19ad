#!/bin/sh
# lib/slub_kunit.c as traces (tests/kunit/): every case passes on the kernel
# version of its directory, and fails when its error count is off by one.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT
out=$tmp/out

# the cases each version's suite has (KUNIT_CASE lines of lib/slub_kunit.c)
cases_6_1="clobber_zone next_pointer first_word clobber_50th_byte clobber_redzone_free"
cases_6_6="$cases_6_1 kmalloc_redzone_access"
cases_6_12="$cases_6_6 kfree_rcu leak_destroy"
cases_6_13="$cases_6_12 krealloc_redzone_zeroing"
cases_6_15="$cases_6_13 kfree_rcu_wq_destroy"

for v in 6.1 6.6 6.12 6.13 6.15; do
	dir=$srcdir/tests/kunit/$v
	eval "cases=\$cases_$(echo "$v" | tr . _)"
	n=0
	for c in $cases; do
		n=$((n + 1))
		f=$dir/$c.trace
		check "$v/$c exists" [ -f "$f" ]
		[ -f "$f" ] || continue
		check "$v/$c runs on $v" grep -qx "config kernel=$v" "$f"
		expect_exit 0 test "$f"
		# one error more or less than the kernel counts, at any of its counts, must fail the trace
		counts=$(grep -c '^expect errors=' "$f")
		check "$v/$c checks a count" [ "$counts" -gt 0 ]
		k=1
		while [ "$k" -le "$counts" ]; do
			for delta in 1 -1; do
				awk -v d=$delta -v k=$k '/^expect errors=/ && ++seen == k { split($2, a, "=");
					n = a[2] + d; if (n < 0) n = a[2]; print "expect errors=" n; next } { print }' \
					"$f" >"$tmp/off.trace"
				cmp -s "$f" "$tmp/off.trace" || expect_exit 1 test "$tmp/off.trace"
			done
			k=$((k + 1))
		done
	done
	check "tests/kunit/$v has only the suite's cases" [ "$(ls "$dir"/*.trace | wc -l)" -eq "$n" ]
done

# 6.1's suite passes on every 6.1 release: the debug caches' single-object paths are in 6.1.0 already
# (6.1.151 only moved their code, docs/KERNEL-VERSIONS.md)
for k in 6.1.0 6.1.150 6.1.151; do
	expect_exit 0 --kernel=$k test "$srcdir"/tests/kunit/6.1/*.trace
done

# --- what the replayer refuses, with the trace's line and column
printf 'm = kmem_cache_create plain 64\nvalidate m\n' >"$tmp/plain.trace"
expect_output "plain.trace:2:10: validate: plain has no debug flags; the kernel refuses the write (EINVAL)" \
	run "$tmp/plain.trace"
printf 'restore\n' >"$tmp/restore.trace"
expect_output "restore.trace:1:1: restore: nothing was saved" run "$tmp/restore.trace"
printf 'm = kmem_cache_create k 32 flags=SLAB_KMALLOC\np = kmalloc_trace m 33\n' >"$tmp/big.trace"
expect_output "big.trace:2:5: kmalloc_trace: 33 bytes do not fit k's 32-byte objects" run "$tmp/big.trace"
printf 'a = kmalloc 20000\nwrite a freeptr 1 ~\n' >"$tmp/large.trace"
expect_output "large.trace:2:1: freeptr: 'a' is not a slab object" run "$tmp/large.trace"
printf 'a = kmalloc 64\nsave a 0 65\n' >"$tmp/save.trace"
expect_output "save.trace:2:1: save: at most 64 bytes" run "$tmp/save.trace"
# a failed expect bytes names the first byte that differs
printf 'a = kzalloc 64\nwrite a 10 1 7\nexpect a bytes 0 64 0\n' >"$tmp/bytes.trace"
expect_output "expected 0x00, got 0x07 at offset 10" test "$tmp/bytes.trace"
# kfree_rcu: the name is free at once, the object only at the barrier
printf 'config kernel=6.12\na = kmalloc 64\nkfree_rcu a\nb = kmalloc 64\nexpect b != a\nkfree b\nrcu_barrier\nc = kmalloc 64\nexpect c == a\n' \
	>"$tmp/rcu.trace"
expect_exit 0 test "$tmp/rcu.trace"

# run --summary adds up the errors of the whole trace: 3 + 2 + 0
expect_output '^KUnit errors:   5$' run --summary "$srcdir/tests/kunit/6.1/next_pointer.trace"

# run --validate: the model's debug bytes after real slub_debug workloads are what
# validate_slab_cache() expects, and a write after free that nothing else saw is found
if command -v xz >/dev/null 2>&1; then
	for dir in "$srcdir"/tests/oracle/fzpu-smp2 "$srcdir"/tests/oracle/x86_64-6.12/fzpu-smp2; do
		oracle_model "$dir"
		xz -dc "$dir/kmem.trace.xz" | "$SLUBSIM" --kernel="$kernel" --arch="$arch" --cpus="$cpus" \
			--cmdline="$cmdline" run -k -q --validate - >"$out" 2>&1
		check "$kernel: validate after the real FZPU trace" grep -Eq '^validate: [1-9][0-9]* caches, 0 errors$' "$out"
	done
else
	skip "xz not found: the real traces are not validated"
fi
printf 'config cmdline="slub_debug=P,kmalloc-64"\na = kmalloc 64\nkfree a\nwrite a 8 1 0\n' >"$tmp/uaf.trace"
expect_exit 1 run -q --validate "$tmp/uaf.trace"
check 'run --validate finds the write after free' grep -qx 'validate: 1 caches, 2 errors' "$out"

# the same operations where the behaviour a case depends on is absent, and
# the cases' objects without their damage (no error may come from elsewhere)
for f in "$srcdir"/tests/kunit/boundaries/*.trace "$srcdir"/tests/kunit/controls/*.trace; do
	expect_exit 0 test "$f"
done
finish
