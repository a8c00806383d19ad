#!/bin/sh
# make bench: replay speed and memory of slubsim on generated traces.
# Reports events per second, the time relative to `wc -l` over the same file,
# and peak memory per live object (from `slubsim run --summary`).
# The figures and the machine go in docs/PERFORMANCE.md.
set -eu
SLUBSIM=${SLUBSIM:-src/slubsim}
GEN=${GEN:-bench/gen_trace}
EVENTS=${EVENTS:-10000000}
LIVE=${LIVE:-20000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

now() { date +%s.%N; }

run_one() { # run_one FORMAT EVENTS
	fmt=$1 n=$2
	f="$dir/$fmt.trace"
	"$GEN" "$fmt" "$n" "$LIVE" >"$f"
	mb=$(wc -c <"$f" | awk '{ printf "%.0f", $1 / 1048576 }')
	t0=$(now); wc -l "$f" >/dev/null; t1=$(now)
	wc_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	t0=$(now)
	"$SLUBSIM" run -q --summary "$f" >"$dir/summary" 2>"$dir/err" || { echo "replay failed:"; head "$dir/err"; exit 1; }
	t1=$(now)
	rss=$(sed -n 's/^peak memory: *\([0-9]*\) KiB.*/\1/p' "$dir/summary")
	live=$(sed -n 's/^live objects: *\([0-9]*\).*/\1/p' "$dir/summary")
	awk -v fmt="$fmt" -v n="$n" -v mb="$mb" -v a="$t0" -v b="$t1" -v wc="$wc_s" -v rss="$rss" -v live="$live" 'BEGIN {
		s = b - a
		printf "%-7s %9d events %5d MB: %6.2f s = %5.2f M events/s, %4.1fx wc -l; peak %d KiB, %d live objects\n",
			fmt, n, mb, s, n / s / 1e6, s / wc, rss, live
	}'
}

echo "machine: $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
run_one native "$EVENTS"
if [ -n "${STEPBACK:-}" ]; then
	echo "TUI stepping back (checkpoints plus replay) on the same native trace:"
	"$STEPBACK" "$dir/native.trace" 200
fi
run_one ftrace "$EVENTS"
echo "memory follows live objects, not trace length (same live set, a tenth of the events):"
run_one native $((EVENTS / 10))
