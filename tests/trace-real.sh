#!/bin/sh
# Real Linux 6.1 ftrace output (traces/real/): every line parses, and the
# parser's count of each event kind matches grep's count of "EVENT: " lines.
. "$(dirname "$0")/lib.sh"
: "${TRACE_DUMP:=$(dirname "$0")/trace_dump}"
out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT

events='kmalloc kmalloc_node kfree kmem_cache_alloc kmem_cache_alloc_node kmem_cache_free mm_page_alloc mm_page_free mm_page_free_batched'
for trace in "$srcdir"/traces/real/*.trace; do
	name=$(basename "$trace")
	if ! "$TRACE_DUMP" "$trace" >"$out"; then
		not_ok "$name: trace_dump failed"
		continue
	fi
	check "$name: detected as ftrace" grep -qx 'format ftrace' "$out"
	check "$name: no errors" grep -qx 'errors 0' "$out"
	total=0
	for ev in $events; do
		want=$(grep -c ": $ev: " "$trace")
		got=$(sed -n "s/^kind ftrace $ev //p" "$out")
		total=$((total + want))
		if [ "${got:-0}" -eq "$want" ]; then ok; else not_ok "$name: $ev: parsed ${got:-0}, grep counts $want"; fi
	done
	[ "$total" -gt 1000 ] && ok || not_ok "$name: only $total kmem events"
	check "$name: events = kmem lines" grep -qx "events $total" "$out"
	headers=$(grep -c '^#' "$trace")
	check "$name: header lines ignored" grep -qx "ignored $headers" "$out"
	# every line is a header or an event
	lines=$(wc -l <"$trace")
	[ "$lines" -eq $((total + headers)) ] && ok || not_ok "$name: $lines lines, $total events + $headers headers"
done
finish
