#!/bin/sh
# explain against real Linux 6.1 and 6.12 kernels (x86_64, arm64): for every oracle configuration,
# compare `slubsim explain --format=tsv` with the probe module's SIZE, LARGE
# and RUST records (tests/oracle/*/probe.txt, ../shared/oracle/README.md):
#   SIZE   kmalloc(0..8200): cache (probe "page" = our page-order-N), ksize,
#          kmalloc_size_roundup(), and the measured pointer alignment is at
#          least our slot_align
#   LARGE  8192..8 MiB: cache or page order, ksize, roundup, NULL above
#          KMALLOC_MAX_SIZE, measured alignment (capped at 2^21) >= slot_align
#   RUST   old = npot, new = pad, naive = naive: the size passed to C, its
#          cache and ksize; misaligned objects measured iff our *_ok is 0; and
#          the smallest alignment of the 64 live objects equals our slot_align
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# awk prints one line per failed check and, last, "COUNT passed failed"
tally() { # tally FILE, under $label
	while IFS= read -r line; do
		case $line in
		COUNT\ *)
			set -- $line
			pass=$((pass + $2))
			fail=$((fail + $3))
			echo "$label: $2 agree, $3 differ" ;;
		*) echo "FAIL: $label: $line" >&2 ;;
		esac
	done <"$1"
}

# the shared awk prologue: our explain rows by "size@align", check() counting
awk_lib='
BEGIN { FS = "\t"; p = 0; f = 0 }
function check(cond, msg) { if (cond) p++; else { f++; print msg } }
function mincap(x) { return x > 2097152 ? 2097152 : x }
FNR == 1 && FILENAME ~ /\/sim-[a-z]+$/ { next }
FILENAME ~ /\/sim-[a-z]+$/ { row[$1 "@" $2] = $0; next }
END { print "COUNT " p " " f }
'

for dir in $(oracle_probe_dirs); do
	oracle_model "$dir"
	run() { oracle_slubsim "$@"; }

	# ---- SIZE: kmalloc(0..8200)
	label="$name SIZE"
	if ! run explain --format=tsv --roundup 0-8200 >"$tmp/sim-size"; then
		not_ok "$label: slubsim explain failed"
		continue
	fi
	awk "$awk_lib"'
	$1 == "SIZE" {
		split(row[$2 "@1"], s, "\t")
		want = $7 == "page" ? "^page-order-[0-9]+$" : "^" $7 "$"
		check(s[3] ~ want, "size " $2 ": kernel cache " $7 ", slubsim " s[3])
		check(s[4] == $3, "size " $2 ": kernel ksize " $3 ", slubsim " s[4])
		check(s[16] == $4, "size " $2 ": kernel kmalloc_size_roundup " $4 ", slubsim " s[16])
		check($6 % s[5] == 0, "size " $2 ": pointer aligned to " $6 ", below slubsim slot_align " s[5])
		if ($7 == "page") {
			order = substr(s[3], 12)
			check(s[4] == 4096 * 2 ^ order, "size " $2 ": " s[3] " but ksize " s[4])
		}
	}' "$tmp/sim-size" "$dir/probe.txt" >"$tmp/out"
	tally "$tmp/out"

	# ---- LARGE: 8192 .. 8 MiB, the slab order of a kmalloc cache from caches --format=sysfs
	label="$name LARGE"
	run caches --format=sysfs | awk -F'\t' '$2 == "order" { print "ORDER\t" $1 "\t" $3 }' >"$tmp/orders"
	# shellcheck disable=SC2046
	run explain --format=tsv --roundup $(awk -F'\t' '$1 == "LARGE" { print $2 }' "$dir/probe.txt") >"$tmp/sim-large"
	awk "$awk_lib"'
	$1 == "ORDER" { slab_order[$2] = $3; next }
	$1 == "LARGE" {
		split(row[$2 "@1"], s, "\t")
		check(s[16] == $5, "size " $2 ": kernel kmalloc_size_roundup " $5 ", slubsim " s[16])
		if ($9 == "NULL") {
			check(s[3] == "NULL" && s[4] == 0, "size " $2 ": kernel NULL, slubsim " s[3] " ksize " s[4])
			next
		}
		check(s[4] == $4, "size " $2 ": kernel ksize " $4 ", slubsim " s[4])
		check($7 % mincap(s[5]) == 0, "size " $2 ": pointer aligned to " $7 ", below slubsim slot_align " s[5])
		if ($9 == "page")
			check(s[3] == "page-order-" $8, "size " $2 ": kernel page order " $8 ", slubsim " s[3])
		else
			check(s[3] == $9 && slab_order[$9] == $8, "size " $2 ": kernel " $9 " (slab order " $8 "), slubsim " s[3] " (slab order " slab_order[s[3]] ")")
	}' "$tmp/sim-large" "$tmp/orders" "$dir/probe.txt" >"$tmp/out"
	tally "$tmp/out"

	# ---- RUST: each (size, align) and, at align 1, each size a wrapper passed to C
	label="$name RUST"
	# shellcheck disable=SC2046
	run explain --format=tsv $(awk -F'\t' '$1 == "RUST" { print $3 "@" $4; print $5 }' "$dir/probe.txt" | sort -u) \
		>"$tmp/sim-rust"
	awk "$awk_lib"'
	$1 == "RUST" {
		col = $2 == "naive" ? 7 : $2 == "old" ? 10 : $2 == "new" ? 13 : 0
		if (!col) { check(0, "unknown rule " $2); next }
		what = $2 " Layout(" $3 ", " $4 ")"
		split(row[$3 "@" $4], s, "\t")
		split(row[$5 "@1"], r, "\t")
		check(s[col] == $5, what ": kernel passed " $5 ", slubsim " s[col])
		check(s[col + 1] == $7, what ": kernel cache " $7 ", slubsim " s[col + 1])
		check(r[4] == $6, what ": kernel ksize " $6 ", slubsim " r[4])
		check(($9 > 0) == (s[col + 2] == 0), what ": " $9 " of " $8 " objects misaligned, slubsim ok=" s[col + 2])
		check($10 == mincap(r[5]), what ": smallest measured alignment " $10 ", slubsim slot_align " r[5])
	}' "$tmp/sim-rust" "$dir/probe.txt" >"$tmp/out"
	tally "$tmp/out"
done
finish
