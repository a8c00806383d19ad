#!/bin/sh
# make bench-compare: this build's replay time against another build's, on the
# same generated traces, native and ftrace. The machine's speed drifts, so the
# two binaries run in pairs in ABBA order (each pair: A then B, next pair B then
# A) and the report gives the best of each and the median of the pairs' ratios
# (B's time over A's: below 1, B is faster).
#   SLUBSIM=new BASELINE=old GEN=bench/gen_trace ROUNDS=8 sh bench/compare.sh
set -eu
SLUBSIM=${SLUBSIM:-src/slubsim}
BASELINE=${BASELINE:?BASELINE=path of the slubsim binary to compare with}
GEN=${GEN:-bench/gen_trace}
EVENTS=${EVENTS:-10000000}
LIVE=${LIVE:-20000}
ROUNDS=${ROUNDS:-8}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

now() { date +%s.%N; }
secs() { # secs BINARY TRACE: wall seconds of one replay
	a=$(now)
	"$1" run -q "$2" >/dev/null 2>"$dir/err" || { echo "replay failed ($1):"; head "$dir/err"; exit 1; }
	b=$(now)
	awk -v a="$a" -v b="$b" 'BEGIN { print b - a }'
}

echo "machine: $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A = $BASELINE"
echo "B = $SLUBSIM"
for fmt in native ftrace; do
	f=$dir/$fmt.trace
	"$GEN" "$fmt" "$EVENTS" "$LIVE" >"$f"
	: >"$dir/pairs"
	for r in $(seq "$ROUNDS"); do
		if [ $((r % 2)) -eq 1 ]; then
			ta=$(secs "$BASELINE" "$f"); tb=$(secs "$SLUBSIM" "$f")
		else
			tb=$(secs "$SLUBSIM" "$f"); ta=$(secs "$BASELINE" "$f")
		fi
		echo "$ta $tb" >>"$dir/pairs"
	done
	sort -k1,1n "$dir/pairs" | head -1 | cut -d' ' -f1 >"$dir/besta"
	sort -k2,2n "$dir/pairs" | head -1 | cut -d' ' -f2 >"$dir/bestb"
	awk '{ print $2 / $1 }' "$dir/pairs" | sort -n >"$dir/ratios"
	awk -v fmt="$fmt" -v n="$EVENTS" -v a="$(cat "$dir/besta")" -v b="$(cat "$dir/bestb")" -v rounds="$ROUNDS" '
		{ r[NR] = $1 }
		END {
			med = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
			printf "%-7s %d events, %d pairs: A best %.3f s = %.2f M events/s, B best %.3f s = %.2f M events/s; ", fmt, n, rounds, a, n / a / 1e6, b, n / b / 1e6
			printf "B/A median %.3f (range %.3f-%.3f), best %.3f\n", med, r[1], r[NR], b / a
		}' "$dir/ratios"
done
