#!/bin/sh
# Every real kmem trace under tests/oracle (Linux 6.1 and 6.12, x86_64 and arm64,
# with and without slub_debug) replays on the kernel that recorded it: every
# kmalloc's bytes_alloc as the kernel logged it, and SLUB reports nothing where
# the kernel's own log (dmesg.txt, the whole log after the workload) has none.
. "$(dirname "$0")/lib.sh"
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT
if ! command -v xz >/dev/null 2>&1; then
	echo "xz not found: skipping (apt-get install xz-utils)"
	exit 77
fi

n=0
for trace in "$srcdir"/tests/oracle/*/kmem.trace.xz "$srcdir"/tests/oracle/*/*/kmem.trace.xz; do
	[ -f "$trace" ] || continue
	dir=$(dirname "$trace")
	oracle_model "$dir"
	n=$((n + 1))
	xz -dc "$trace" | "$SLUBSIM" --kernel="$kernel" --arch="$arch" --cpus="$cpus" --cmdline="$cmdline" \
		run -k -q -s --check-bytes-alloc - >"$out" 2>&1
	agree=$(sed -n 's/^bytes_alloc agreement: //p' "$out")
	got=${agree%/*}
	want=${agree#*/}
	if [ -n "$agree" ] && [ "$want" -gt 1000 ] && [ "$got" -eq "$want" ]; then
		ok
	else
		not_ok "$name ($kernel $arch): bytes_alloc agreement '${agree:-none}'"; tail -3 "$out" >&2
	fi
	reports=$(sed -n 's/^SLUB reports: *//p' "$out")
	kernel_reports=$(grep -c 'BUG [^ ]* (\(Not tainted\|Tainted\)' "$dir/dmesg.txt")
	if [ "$kernel_reports" -eq 0 ] && [ "${reports:-x}" != 0 ]; then
		not_ok "$name ($kernel $arch, $cmdline): ${reports:-no} SLUB reports, the kernel's log has none"
	else
		ok
	fi
done
# the 6.1 and 6.12 boots of both architectures are all here
[ "$n" -ge 5 ] && ok || not_ok "only $n real traces under tests/oracle"

# The workload corrupts nothing (the slub_debug=FZPU boots found nothing), so other debug
# options must not report anything either: U and Z without P (init_on_alloc, Debian's default,
# zeroes every object), and init_on_free on kmalloc caches with U and Z
for trace in "$srcdir"/tests/oracle/*/default-smp2/kmem.trace.xz; do
	[ -f "$trace" ] || continue
	oracle_model "$(dirname "$trace")"
	for debug in slub_debug=FZU slub_debug=Z slub_debug=U "slub_debug=FZU init_on_free=1" "slub_debug=FZPU init_on_free=1"; do
		xz -dc "$trace" | "$SLUBSIM" --kernel="$kernel" --arch="$arch" --cpus="$cpus" --cmdline="$cmdline $debug" \
			run -k -q -s - >"$out" 2>&1
		reports=$(sed -n 's/^SLUB reports: *//p' "$out")
		[ "$reports" = 0 ] && ok || not_ok "$name ($kernel $arch) with $debug: ${reports:-no} SLUB reports"
	done
done
finish
