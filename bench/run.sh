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
RUNS=${RUNS:-3}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

now() { date +%s.%N; }
# CPU seconds of the children that have ended (user + sys): the machine may be
# shared, and wall-clock time then counts the others' work too.
cpu_secs() { # cpu_secs FILE: from the output of `times` in this shell
	awk 'NR == 2 { split($1, u, /[ms]/); split($2, s, /[ms]/); print u[1] * 60 + u[2] + s[1] * 60 + s[2] }' "$1"
}

run_one() { # run_one FORMAT EVENTS
	fmt=$1 n=$2
	f="$dir/$fmt.trace"
	"$GEN" "$fmt" "$n" "$LIVE" >"$f"
	mb=$(wc -c <"$f" | awk '{ printf "%.0f", $1 / 1048576 }')
	t0=$(now); wc -l "$f" >/dev/null; t1=$(now)
	wc_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	# the best of RUNS replays: on a shared machine the others' work only ever adds time
	best=
	for run in $(seq "$RUNS"); do
		times >"$dir/times0"
		a=$(now)
		"$SLUBSIM" run -q --summary "$f" >"$dir/summary" 2>"$dir/err" || { echo "replay failed:"; head "$dir/err"; exit 1; }
		b=$(now)
		times >"$dir/times1"
		c=$(awk -v a="$(cpu_secs "$dir/times0")" -v b="$(cpu_secs "$dir/times1")" 'BEGIN { print b - a }')
		if [ -z "$best" ] || awk -v x="$b" -v y="$a" -v best="$best" 'BEGIN { exit !(x - y < best) }'; then
			best=$(awk -v a="$a" -v b="$b" 'BEGIN { print b - a }')
			t0=$a t1=$b cpu=$c
		fi
	done
	rss=$(sed -n 's/^peak memory: *\([0-9]*\) KiB.*/\1/p' "$dir/summary")
	live=$(sed -n 's/^live objects: *\([0-9]*\).*/\1/p' "$dir/summary")
	awk -v fmt="$fmt" -v n="$n" -v mb="$mb" -v a="$t0" -v b="$t1" -v wc="$wc_s" -v rss="$rss" -v live="$live" \
	    -v cpu="$cpu" 'BEGIN {
		s = b - a
		f = "%-7s %9d events %5d MB: best %6.2f s = %5.2f M events/s, %4.1fx wc -l; CPU %.2f s = %.2f M events/s; "
		f = f "peak %d KiB, %d live objects, %.2f KiB each\n"
		printf f, fmt, n, mb, s, n / s / 1e6, s / wc, cpu, (cpu > 0 ? n / cpu / 1e6 : 0), rss, live, (live ? rss / live : 0)
	}'
}

echo "machine: $(nproc) CPUs,$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load average $(cut -d' ' -f1-3 /proc/loadavg)"
run_one native "$EVENTS"
if [ -n "${STEPBACK:-}" ]; then
	echo "TUI stepping back (checkpoints plus replay) on the same native trace:"
	# it says OVER, and fails, when a target is missed: the figures are still wanted
	"$STEPBACK" "$dir/native.trace" 200 || true
fi
run_one ftrace "$EVENTS"
if [ -n "${STEPBACK:-}" ]; then
	echo "TUI stepping back (checkpoints plus replay) on the same ftrace trace:"
	"$STEPBACK" "$dir/ftrace.trace" 200 || true
fi
echo "memory follows live objects, not trace length (same live set, a tenth of the events):"
run_one native $((EVENTS / 10))
echo "and not the names a trace has used (a new name for every allocation):"
run_one fresh "$EVENTS"
