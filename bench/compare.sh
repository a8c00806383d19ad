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
# CPU seconds of the children that have ended (user + sys), from the output of `times`
cpu_secs() {
	awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}
secs() { # secs BINARY TRACE: wall seconds and CPU seconds of one replay
	times >"$dir/times0"
	a=$(now)
	"$1" run -q "$2" >/dev/null 2>"$dir/err" || { echo "replay failed ($1):"; head "$dir/err"; exit 1; }
	b=$(now)
	times >"$dir/times1"
	awk -v a="$a" -v b="$b" -v ca="$(cpu_secs "$dir/times0")" -v cb="$(cpu_secs "$dir/times1")" \
		'BEGIN { print b - a, cb - ca }'
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
		echo "$ta $tb" >>"$dir/pairs"	# wall A, CPU A, wall B, CPU B
	done
	sort -k1,1n "$dir/pairs" | head -1 | cut -d' ' -f1 >"$dir/besta"
	sort -k3,3n "$dir/pairs" | head -1 | cut -d' ' -f3 >"$dir/bestb"
	awk '{ print $3 / $1 }' "$dir/pairs" | sort -n >"$dir/ratios"
	awk '{ print $4 / $2 }' "$dir/pairs" | sort -n >"$dir/cpu-ratios"
	median() { awk '{ r[NR] = $1 } END { print NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2 }' "$1"; }
	awk -v fmt="$fmt" -v n="$EVENTS" -v a="$(cat "$dir/besta")" -v b="$(cat "$dir/bestb")" -v rounds="$ROUNDS" \
	    -v med="$(median "$dir/ratios")" -v cmed="$(median "$dir/cpu-ratios")" '
		{ r[NR] = $1 }
		END {
			printf "%-7s %d events, %d pairs: A best %.3f s = %.2f M events/s, B best %.3f s = %.2f M events/s; ", fmt, n, rounds, a, n / a / 1e6, b, n / b / 1e6
			printf "B/A median %.3f (range %.3f-%.3f), best %.3f; CPU time B/A median %.3f\n", med, r[1], r[NR], b / a, cmed
		}' "$dir/ratios"
done
