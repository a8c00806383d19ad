#!/bin/sh
# Malformed model options and boot parameters: every one is a usage error
# (exit 2) with a one-line-ish message that starts with "slubsim:" and names the
# option or boot parameter, never a signal, a hang or raw control bytes.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# timeout(1) turns a hang into exit 124; valgrind (SLUBSIM_WRAPPER) is slow
to=
command -v timeout >/dev/null 2>&1 && to="timeout 60"

run() { # run ARGS...: slubsim's exit status in $rc, stderr in $tmp/err
	$to "$SLUBSIM" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
}
show() { printf '%s' "$1" | head -c 80 | od -An -c | tr -s ' ' | head -2; }

# verdict WHAT PATTERN: the last run was rejected (exit 2) with a message whose
# first line matches PATTERN
verdict() {
	why=
	if [ "$rc" -ge 124 ]; then why="killed or hung (exit $rc)"
	elif [ "$rc" -ne 2 ]; then why="exit $rc, expected 2"
	elif ! head -n 1 "$tmp/err" | grep -q -e "$2"; then why="message does not match '$2'"
	fi
	check_message
	if [ -z "$why" ]; then ok; else not_ok "$1: $why"; head -c 600 "$tmp/err" >&2; fi
}
# expect_bad NAME VALUE [split]: --NAME=VALUE (or "--NAME VALUE") is rejected, naming --NAME
expect_bad() {
	if [ "${3:-}" = split ]; then run caches "--$1" "$2"; else run "--$1=$2" caches; fi
	verdict "--$1=$(show "$2")" "^slubsim: .*--$1"
}
# expect_bad_param PARAM CMDLINE: --cmdline=CMDLINE is rejected, naming boot parameter PARAM
expect_bad_param() {
	run "--cmdline=$2" caches
	verdict "--cmdline=$(show "$2")" "^slubsim: .*boot parameter '$1"
}
# expect_good ARGS...: accepted (exit 0), however odd
expect_good() {
	run "$@" caches --format=sysfs
	if [ "$rc" -eq 0 ] && [ -s "$tmp/out" ]; then ok; else not_ok "slubsim $(show "$*") caches: exit $rc, expected 0"; head -c 600 "$tmp/err" >&2; fi
}
# the message quotes what the user gave, escaped and cut short
check_message() {
	[ -n "$why" ] && return
	if [ "$(wc -c <"$tmp/err")" -gt 1200 ]; then why="message of $(wc -c <"$tmp/err") bytes"
	elif tr -d '\n' <"$tmp/err" | LC_ALL=C grep -q '[[:cntrl:]]'; then why="raw control bytes in the message"
	fi
}

long9=$(head -c 100000 /dev/zero | tr '\0' 9)
longA=$(head -c 100000 /dev/zero | tr '\0' A)
binary=$(printf 'x\001\002\033[31m\177\377\376')
huge=99999999999999999999999999999999

for name in kernel arch cpus page-size mem seed; do
	for val in "" " " "-1" "-0" "+4" "abc" "0x" "0x0x10" "1.5e3" "4KK" "$huge" "18446744073709551616" \
		"$long9" "$longA" "$binary" "6.1 " " 6.1" "$(printf '6.1\nx')"; do
		expect_bad "$name" "$val"
	done
	expect_bad "$name" "-1" split
	expect_bad "$name" "$binary" split
done
# out of range or malformed for one option
for val in 5.4 6.0 6.20 7.0 6 6. 6.1. 6.1.x v v6 vv6.1 6..1 6.256 256.1 4294967302.1 6.1.2.3 6,1; do expect_bad kernel "$val"; done
for val in vax X86_64 x86-64 "x86_64 " arm64,x86_64; do expect_bad arch "$val"; done
for val in 0 8193 4294967297 0x0 0x2001 2K; do expect_bad cpus "$val"; done
for val in 8K 2K 1 4095 4097 32K 128K 0x1000x 1G 16 64 4k4k; do expect_bad page-size "$val"; done
for val in 0 1K 1023K 16E 17000000T 0xK 1M1 1MB 256m.; do expect_bad mem "$val"; done
# past what 32-bit page frame numbers reach at the page size: caught when the options meet
run --mem=16T caches
verdict "--mem=16T with 4K pages" "^slubsim: memory size of 16384G and more: at most 16383G with 4K pages"
for val in 1K 0x 0xg 1- 18446744073709551616 0x10000000000000000; do expect_bad seed "$val"; done
for val in FOO=y SLUB_DEBUG_ON SLUB_DEBUG_ON= SLUB_DEBUG_ON=1 SLUB_DEBUG_ON=yes SLUB_DEBUG_ON=m =y CONFIG_=y \
	CONFIG_CONFIG_NUMA=y NUMA=y,FOO=n "NUMA =y" ",,=,," "$longA=y" "NUMA=y,$longA" "$binary=y" "$huge"; do
	expect_bad kconfig "$val"
done
# page sizes the arch does not have are caught when the options meet
run --page-size=64K --arch=x86_64 caches
[ "$rc" -eq 2 ] && grep -q '^slubsim: .*64K.*x86_64' "$tmp/err" && ok || not_ok "--page-size=64K on x86_64: exit $rc"
# a missing value
for name in kernel arch cpus cmdline kconfig page-size mem seed; do
	run caches "--$name"
	if [ "$rc" -eq 2 ] && grep -q "^slubsim: .*'--$name' requires an argument" "$tmp/err"; then ok; else not_ok "--$name without a value: exit $rc"; cat "$tmp/err" >&2; fi
done
# the unknown Kconfig option's message lists every known one, to the last
run --kconfig=FOO=y caches
grep -q 'SLAB_FREELIST_RANDOM.*NUMA' "$tmp/err" && ok || not_ok "--kconfig=FOO=y does not list the known options"

# boot parameters
for p in slub_min_order slub_max_order slub_min_objects; do
	for val in "" -1 abc 0x 1K "$huge" 18446744073709551616 4294967296 "$long9" "$binary" 1.0; do
		expect_bad_param "$p" "$p=$val"
	done
	expect_bad_param "$p" "$p"
done
expect_bad_param slub_min_order "slub_min_order=11"		# above MAX_ORDER 10 on 4K pages
expect_bad_param slub_min_objects "slub_min_objects=32768"
longQ=$(head -c 100000 /dev/zero | tr '\0' Q)
for val in X FZX "FZ;Q" "-Q" "$binary" "FZ,kmalloc-64;Q" "$longQ"; do expect_bad_param slub_debug "slub_debug=$val"; done
for p in init_on_alloc init_on_free; do
	for val in "" maybe 2 -1 o ox "$binary" "$longA"; do expect_bad_param "$p" "$p=$val"; done
	expect_bad_param "$p" "$p"
done
# kernel/dma/swiotlb.c: [SLABS][,AREAS][,force|noforce] and nothing else
for val in nofrce 1,2,3 "force,1" "$binary"; do expect_bad_param swiotlb "swiotlb=$val"; done
# quotes: an unterminated one is an error naming the word, as typed, it is in
expect_bad_param '"' '"'
expect_bad_param 'slub_debug="FZ' 'slub_debug="FZ'
expect_bad_param 'slub_debug=FZ,"kmalloc-64' 'quiet slub_debug=FZ,"kmalloc-64'
expect_bad_param '"slub_debug=P' '"slub_debug=P'
expect_bad_param 'slub_debug="AAAA' "slub_debug=\"$longA"
# 6.9 and later also know the slab_* spellings
for val in slab_min_order=x slab_max_order= slab_min_objects=-1 slab_debug=Q; do
	run --kernel=6.9 "--cmdline=$val" caches
	[ "$rc" -eq 2 ] && grep -q "^slubsim: boot parameter '${val%%=*}'" "$tmp/err" && ok || not_ok "6.9 $val: exit $rc"
done

# odd but valid: accepted, and boots
expect_good --cmdline=
expect_good --kconfig=
expect_good --kconfig=,,
expect_good "--cmdline=$longA"				# a parameter of no concern to slab
expect_good "--cmdline=$(printf 'slub_debug=FZ\t\r\n slab_nomerge')"
expect_good "--cmdline=slub_debug=$(head -c 50000 /dev/zero | tr '\0' F)"
expect_good "--cmdline=slub_debug=FZ -- slub_debug=Q $binary"	# after --: for init, not the kernel
expect_good "--cmdline=slab_min_order=x slab_debug=Q"	# 6.1 has no slab_* spellings: not slab parameters
expect_good "--cmdline=slub_max_order=4294967295"		# clamped to MAX_ORDER, as the kernel does
expect_good "--cmdline=slub_debug=F$(printf '\t')Z init_on_alloc=of"	# a blank ends a word; "of" is off
expect_good "--cmdline=slub_min_order=10 slub_min_objects=32767 slub_debug=FZPUTA"
expect_good "--cmdline=swiotlb=65536,4,noforce swiotlb swiotlb=force swiotlb=,"
expect_good --cpus=8192 --mem=4G --seed=18446744073709551615
# any size the page frame numbers reach: frames are allocated as they are used
expect_good --mem=1T
expect_good --arch=arm64 --page-size=64K --mem=16T
expect_good --mem=1M --cpus=1 --seed=0x0
expect_good --kernel=v6.19.999 --arch=arm64 --page-size=0x10000
expect_good --kconfig=config_numa=n,CONFIG_SLUB_DEBUG_ON=y
finish
