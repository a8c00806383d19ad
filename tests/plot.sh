#!/bin/sh
# slubsim plot: a lesson and a real trace drawn as PNG and SVG.
. "$(dirname "$0")/lib.sh"
out=$(mktemp) || exit 99
dir=$(mktemp -d) || exit 99
trap 'rm -rf "$out" "$dir"' EXIT
lesson1=$srcdir/traces/lessons/01-size-classes.trace
real=$srcdir/traces/real/debian61-default.trace

u32() { # u32 FILE OFFSET: a big-endian 32-bit number
	od -An -tu1 -j"$2" -N4 "$1" | awk '{ print ((($1 * 256) + $2) * 256 + $3) * 256 + $4 }'
}
png_ok() { # png_ok FILE WIDTH HEIGHT: PNG signature, then IHDR with that size
	[ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = 89504e470d0a1a0a ] &&
	[ "$(od -An -c -j12 -N4 "$1" | tr -d ' \n')" = IHDR ] &&
	[ "$(u32 "$1" 16)" = "$2" ] && [ "$(u32 "$1" 20)" = "$3" ]
}
svg_ok() { # svg_ok FILE LISTING: an svg root element, and every plotted cache's name in the text
	grep -q '^<svg xmlns="http://www.w3.org/2000/svg"' "$1" || return 1
	if command -v python3 >/dev/null; then
		python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(r.tag != "{http://www.w3.org/2000/svg}svg")' "$1" || return 1
	else
		skip "$1: XML parse, python3 not installed"
	fi
	[ "$(grep -vc '^#' "$2")" -gt 0 ] || return 1
	for name in $(grep -v '^#' "$2" | cut -f1); do
		grep -q -- "$name" "$1" || return 1
	done
}

for trace in "$lesson1" "$real"; do
	base=$(basename "$trace" .trace)
	"$SLUBSIM" plot -o "$dir/$base.png" --width=640 --height=360 "$trace" >"$out" 2>&1
	check "$base: plot -o PNG exits 0" [ $? -eq 0 ]
	check "$base: PNG 640x360" png_ok "$dir/$base.png" 640 360
	"$SLUBSIM" plot --metric=both --top=5 -o "$dir/$base.svg" "$trace" >"$out" 2>&1
	check "$base: plot -o SVG exits 0" [ $? -eq 0 ]
	check "$base: SVG names its caches" svg_ok "$dir/$base.svg" "$out"
	check "$base: --top=5 plots 5 caches" [ "$(grep -vc '^#' "$out")" -eq 5 ]
done
check 'the default PNG is 1000x560' sh -c "'$SLUBSIM' plot -o '$dir/d.png' '$lesson1' >/dev/null"
check 'default size' png_ok "$dir/d.png" 1000 560
check 'both panels make it taller' sh -c "'$SLUBSIM' plot --metric=both -o '$dir/b.png' '$lesson1' >/dev/null"
check 'both: 1000x860' png_ok "$dir/b.png" 1000 860

# the busiest cache of the real trace: 48 objects of 776 bytes, in order-3 slabs by the end
"$SLUBSIM" plot --metric=pages -o "$dir/p.svg" "$real" >"$out" 2>&1
check 'traced-776-784 peaks at 48 objects and 16 pages' grep -qx 'traced-776-784	48	16' "$out"
# lesson 1 allocates one object in kmalloc-8 and keeps it
"$SLUBSIM" plot --top=20 -o "$dir/l.svg" "$lesson1" >"$out" 2>&1
check 'lesson 1: kmalloc-8 peaks at one object' grep -qx 'kmalloc-8	1	1' "$out"
check 'lesson 1: kmalloc-96 is drawn' grep -q 'kmalloc-96' "$dir/l.svg"

# caches whose object count never changes draw a flat line: left out unless --unchanged
"$SLUBSIM" plot --top=20 -o "$dir/l.svg" "$lesson1" >"$out" 2>&1
check 'kmem_cache left out' sh -c "! grep -q '^kmem_cache' '$out'"
check 'the listing has its header' grep -qx '# cache	peak_objects	peak_pages' "$out"
printf 'a = kmalloc 10\n' >"$dir/one.trace"
"$SLUBSIM" plot --top=20 -o "$dir/one.svg" "$dir/one.trace" >"$out" 2>&1
check 'a cache allocated at the first event and never again is plotted' grep -qx 'kmalloc-16	1	1' "$out"
"$SLUBSIM" plot --unchanged --top=20 -o "$dir/l.svg" "$lesson1" >"$out" 2>&1
check '--unchanged plots kmem_cache' grep -q '^kmem_cache	' "$out"
check '--unchanged plots kmem_cache_node' grep -q '^kmem_cache_node	' "$out"
# a real trace creates the caches it names as it goes: kmem_cache grows, but no event of the trace uses it
"$SLUBSIM" plot --top=20 -o "$dir/r.svg" "$real" >"$out" 2>&1
check 'real trace: kmem_cache left out' sh -c "! grep -q '^kmem_cache' '$out'"
check 'real trace: its named caches plotted' grep -q '^task_struct	' "$out"

expect_exit 2 plot "$lesson1"
expect_output 'where to?' plot "$lesson1"
expect_exit 2 plot -o "$dir/x.gif" "$lesson1"
expect_output "must end in .svg or .png" plot -o "$dir/x.gif" "$lesson1"
expect_exit 2 plot --top=0 -o "$dir/x.png" "$lesson1"
expect_output "--top needs a number from 1 to 20, not '0'" plot --top=0 -o "$dir/x.png" "$lesson1"
expect_exit 2 plot --metric=bytes -o "$dir/x.png" "$lesson1"
expect_exit 2 plot -o "$dir/no/such/dir/x.png" "$lesson1"
expect_exit 2 plot -o "$dir/x.png" "$srcdir/no-such.trace"
printf 'a = kmalloc 10\nkfree nope\n' >"$dir/bad.trace"
expect_exit 1 plot -o "$dir/bad.png" "$dir/bad.trace"
expect_output "unknown name 'nope'" plot -o "$dir/bad.png" "$dir/bad.trace"
expect_exit 0 plot --help
finish
