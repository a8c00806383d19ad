#!/bin/sh
# make bench-compare: this build's replay time against another build's, on the
# same generated traces, native and ftrace. The machine's speed drifts, so the
# two binaries run in pairs in ABBA order (each pair: A then B, next pair B then
# A) and the report gives the best of each and the median of the pairs' ratios
# (B's time over A's: below 1, B is faster).
#   SLUBSIM=new BASELINE=old GEN=bench/gen_trace ROUNDS=8 sh bench/compare.sh
# With STEPBACK=new/bench/stepback BASELINE_STEPBACK=old/bench/stepback, the
# TUI's open and jump to the end too, in the same pairs (wall, CPU, peak memory).
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

[ -n "${STEPBACK:-}" ] && [ -n "${BASELINE_STEPBACK:-}" ] || exit 0
echo "the TUI's open and jump to the end (bench/stepback): A = $BASELINE_STEPBACK, B = $STEPBACK"
tui() { # tui STEPBACK TRACE: wall ms, CPU ms, peak MiB (one step back: old builds take no 0)
	"$1" "$2" 1 >"$dir/tui" 2>&1 || true
	w=$(sed -n 's/^open and jump to the end: \([0-9]*\) ms (CPU \([0-9]*\) ms).*/\1 \2/p' "$dir/tui")
	p=$(sed -n 's/.*peak RSS \([0-9]*\) MiB.*/\1/p' "$dir/tui")
	[ -n "$w" ] && [ -n "$p" ] || { echo "stepback failed ($1):"; head "$dir/tui"; exit 1; }
	echo "$w $p"
}
for fmt in native ftrace; do
	: >"$dir/tpairs"
	for r in $(seq "$ROUNDS"); do
		if [ $((r % 2)) -eq 1 ]; then
			ta=$(tui "$BASELINE_STEPBACK" "$dir/$fmt.trace"); tb=$(tui "$STEPBACK" "$dir/$fmt.trace")
		else
			tb=$(tui "$STEPBACK" "$dir/$fmt.trace"); ta=$(tui "$BASELINE_STEPBACK" "$dir/$fmt.trace")
		fi
		echo "$ta $tb $(cut -d' ' -f1 /proc/loadavg)" >>"$dir/tpairs"	# wall, CPU, peak of A, then of B, load
	done
	awk -v fmt="$fmt" '
		function med(a, n,   i, j, t) {
			for (i = 2; i <= n; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
			return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
		}
		{
			wa[NR] = $1; ca[NR] = $2; pa[NR] = $3; wb[NR] = $4; cb[NR] = $5; pb[NR] = $6; r[NR] = $4 / $1
			if (NR == 1 || $7 < lo) lo = $7
			if (NR == 1 || $7 > hi) hi = $7
		}
		END {
			printf "%-7s open + jump, %d pairs, load %.1f-%.1f: A median %.0f ms (CPU %.0f ms, peak %d MiB), ", fmt, NR, lo, hi, med(wa, NR), med(ca, NR), med(pa, NR)
			printf "B median %.0f ms (CPU %.0f ms, peak %d MiB); B/A wall median %.3f\n", med(wb, NR), med(cb, NR), med(pb, NR), med(r, NR)
		}' "$dir/tpairs"
done
