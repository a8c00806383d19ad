#!/bin/sh
# The kmalloc red zone against real Linux 6.12 kernels (x86_64, arm64; with and
# without slub_debug=FZPU): the probe module's KRZ records (the bytes of a fresh
# kmalloc/kzalloc object of 1..256 bytes, orig_size before and after ksize())
# and KRZREALLOC records (krealloc with and without __GFP_ZERO: moved or not,
# orig_size, the bytes grown and spare), replayed by tests/probe_debug on the
# oracle's model; every free must report nothing, as the kernel did.
. "$(dirname "$0")/lib.sh"
: "${PROBE_DEBUG:=$(dirname "$0")/probe_debug}"
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT

n=0
for dir in $(oracle_probe_dirs); do
	grep -q '^KRZ	' "$dir/probe.txt" || continue
	oracle_model "$dir"
	n=$((n + 1))
	if "$PROBE_DEBUG" "$kernel" "$arch" "$cpus" "$cmdline" <"$dir/probe.txt" >"$out" 2>&1; then
		ok
		echo "$name: $(tail -1 "$out")"
	else
		not_ok "$name ($kernel $arch, $cmdline):"
		head -20 "$out" >&2
	fi
done
[ "$n" -ge 3 ] && ok || not_ok "only $n oracle folders with KRZ records"
finish
