#!/bin/sh
# The real TUI in a real terminal: tmux runs `slubsim tui` on the lessons,
# sends keys and reads the screen back. Skips (77) only without tmux.
. "$(dirname "$0")/lib.sh"
command -v tmux >/dev/null 2>&1 || { echo "tmux not installed: skipped"; exit 77; }

lessons=$srcdir/traces/lessons
screen=$(mktemp)
socks=
n=0
trap 'for s in $socks; do tmux -L $s kill-server 2>/dev/null; done; rm -f "$screen"' EXIT
export TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8

start() { # start COLS ROWS ARGS...: a fresh TUI on a tmux server of its own
	[ -n "${sock:-}" ] && tmux -L "$sock" kill-server 2>/dev/null
	n=$((n + 1))
	sock=slubsimtest$$-$n
	socks="$socks $sock"
	cols=$1 rows=$2; shift 2
	# the shell says when slubsim has exited, and how: a TUI killed with its
	# terminal would leave neither its screen nor (under valgrind) a clean log
	tmux -L $sock new-session -d -x "$cols" -y "$rows" "$SLUBSIM tui --no-color $*; echo slubsim exited \$?; sleep 30"
}
keys() { tmux -L $sock send-keys "$@"; }
capture() { tmux -L $sock capture-pane -p >"$screen" 2>/dev/null; }
# wait_for DESCRIPTION PATTERN: poll the screen until grep finds PATTERN (5 s at
# most, 30 s under a wrapper such as valgrind)
polls=100
[ -n "${SLUBSIM_WRAPPER:-}" ] && polls=600
wait_for() {
	desc=$1 pat=$2 i=0
	while [ $i -lt $polls ]; do
		capture
		if grep -q -- "$pat" "$screen"; then ok; return 0; fi
		sleep 0.05
		i=$((i + 1))
	done
	not_ok "$desc: no '$pat' on the screen:"
	cat "$screen" >&2
	return 1
}

# the first screen at 80x24: the first event and its outcome, no empty cache rows
start 80 24 "$lessons/02-alignment-rust.trace"
wait_for "opens at event 1" "event 1/17"
wait_for "the first event's outcome" "→ kmalloc-64 slot [0-9]*, [0-9]*-aligned; new slab, cpu 0"
wait_for "footer" "q quit  h help"
wait_for "the slab map of the first event" "kmalloc-64: 64 objects per slab"
capture
# a table row is "OBJS USED ACTIVE USE% ...": none with no objects at all
if grep -q '^ *0 *0 *0 *0% ' "$screen"; then not_ok "an empty cache on the first screen:"; cat "$screen" >&2; else ok; fi
grep -q "kmem_cache_node" "$screen" && ok || { not_ok "first screen: the booted caches missing"; cat "$screen" >&2; }
keys e
wait_for "e shows the empty caches" "^ *0 *0 *0 *0% "
keys e
keys Right Right
wait_for "step forward" "event 3/17"
wait_for "the verdict on its own line" "^→ kmalloc-96 slot [0-9]*, MISALIGNED for align=64 (32-aligned)"
wait_for "the raw line on its own" "^event 3, line 27: n1 = rust_alloc 96 align=64 wrapper=naive$"
keys Right Right
wait_for "expectations after the event" "✓ expectations after it: 6 passed"
keys Left
wait_for "step back" "event 4/17"
keys Home
wait_for "Home: the booted kernel" "event 0/17"
wait_for "label shown" "label: Power-of-two classes are naturally aligned"
keys NPage
wait_for "PgDn: 100 forward, clamped" "event 17/17"
keys g 1 2 Enter
wait_for "goto" "event 12/17"
keys g 9 9 9 Enter
wait_for "goto past the end says so" "the trace has 17 events: went to the end, event 17"
keys g x Enter
wait_for "goto checks its argument" "not an event number: 'x'"
keys End
wait_for "End" "event 17/17"
keys B e v e n t Space k m a l l o c c Enter
wait_for "B event with a typo is an error" "not a breakpoint: 'kmallocc' is no event"
keys B c a c h e Space k m a l l o c - 9 7 Enter
wait_for "B cache with a cache the kernel lacks is an error" "not a breakpoint: no cache 'kmalloc-97'"
keys Home B m i s a l i g n e d Enter
wait_for "breakpoint set" "breakpoint 1: misaligned"
keys r
wait_for "run stops at the breakpoint" "stopped at breakpoint 1: misaligned"
wait_for "...at the misaligned rust_alloc" "event 3/17"
keys Tab Tab Tab
wait_for "alignment pane" "> naive       6.1         96  kmalloc-96            32  MISALIGNED"
keys h
wait_for "help screen" "slubsim tui: step through a trace"
keys Down Down Down Down Down Down Down Down Down Down
wait_for "help scrolls to HISTORY" "HISTORY       USED after each of the cache's last operations"
wait_for "help: USE/ACTIVE follow slabinfo" "a cpu slab's objects all count as active"
keys x
wait_for "help closes" "event 3/17"
tmux -L $sock resize-window -x 100 -y 30 2>/dev/null || tmux -L $sock resize-pane -x 100 -y 30
wait_for "resized" "x86_64 2 CPUs debug off"
capture
[ "$(wc -l <"$screen")" -ge 29 ] && ok || not_ok "resize: the screen did not grow to 30 rows"
keys q
wait_for "q quits with status 0" "slubsim exited 0"

# the cache table never hides rows for good: sort, shrink, and the top rows come back
start 100 30 "$lessons/02-alignment-rust.trace"
wait_for "opens" "event 1/17"
keys e n
wait_for "sorted by name" "sorted by name"
keys End
wait_for "at the end" "event 17/17"
tmux -L $sock resize-window -x 80 -y 24 2>/dev/null || tmux -L $sock resize-pane -x 80 -y 24
wait_for "rows off screen are counted in the heading" "NAME .*↑[0-9]* ↓[0-9]* more"
# the first cache in name order, at the top after going up far enough
first=$("$SLUBSIM" caches --format=slabinfo | awk 'NR > 2 { print $1 }' | LC_ALL=C sort | head -n 1)
for i in $(seq 60); do keys Up; done
wait_for "up to the first row" "^ *[0-9]* *[0-9]* *[0-9]* *[0-9]*% .* $first\( \|\$\)"
wait_for "nothing above it" "NAME  *↓[0-9]* more"
keys q
wait_for "q quits after the resize" "slubsim exited 0"

# a trace with mistakes opens with them, by line
bad=$(mktemp)
printf 'config kernel=6.1\na = kmalloc 64\nb = kmallocc 32\nc = rust_alloc 96 align=48\nexpect a cache=kmalloc-32\nkfree a\nkfree zz\n' >"$bad"
start 80 24 "$bad"
wait_for "the mistakes counted in the status line" "4 mistakes in "
wait_for "the typo by its line" "$(basename "$bad"):3:5: unknown operation 'kmallocc'"
wait_for "the bad alignment by its line" "$(basename "$bad"):4:25: align must be a power of two, not 48"
wait_for "the failed expectation by its line" "$(basename "$bad"):5:.*expectation failed"
wait_for "the replay's error by its line" "^event 3 *$(basename "$bad"):7:7: unknown name 'zz'"
wait_for "failed expectations marked" "✗ expectations after it: 1 FAILED"
keys m Down Down Down Enter
wait_for "Enter goes to the selected mistake's event" "line 7 is at event 3"
wait_for "...and shows it" "event 3/3"
keys q
wait_for "q quits the trace with mistakes" "slubsim exited 0"
rm -f "$bad"

# / finds an object by the trace's own pointer: the newest object the real trace leaves live
real=$srcdir/traces/real/debian61-default.trace
set -- $("$SLUBSIM" run -q --events "$real" | awk -F'\t' '
	$4 ~ /^(kmem_cache_alloc|kmalloc)/ { live[$12] = $1 }
	$4 ~ /free/ { delete live[$12] }
	END { for (p in live) if (live[p] + 0 > best + 0) { best = live[p]; bp = p } print best, bp }')
if [ -n "${2:-}" ]; then
	start 120 30 "$real"
	wait_for "the real trace opens" "event 1/"
	# its first event frees an object from before the trace: the slab map shows the table's first cache
	wait_for "the first screen's slab map without a cache touched" "^kmem_cache[_a-z]*: [0-9]* objects per slab"
	first=$(awk '/^ *OBJS +USED/ { getline; print $9; exit }' "$screen")
	check "the slab map shows the table's first cache ($first)" grep -q "^$first: [0-9]* objects per slab" "$screen"
	keys End
	keys / "${2#0x}" Enter Tab Tab
	wait_for "/ by trace pointer: the object inspector" "ftrace ptr ${2#0x}"
	wait_for "...allocated by the event run --events names" "allocated by event $1,"
	keys q
	wait_for "q quits the real trace" "slubsim exited 0"
else
	not_ok "no live object in run --events of $real"
fi

# event k is run --events' event k: the total and a few events' lines, on a lesson and a real trace
same_events() { # same_events TRACE K...
	trace=$1; shift
	"$SLUBSIM" run -q -k --events "$trace" >"$screen.events" 2>/dev/null
	total=$(awk -F'\t' '!/^#/ { n = $1 } END { print n }' "$screen.events")
	for k in "$@"; do
		line=$(awk -F'\t' -v k="$k" '$1 == k { print $2 }' "$screen.events")
		start 120 30 --goto="$k" "$trace"
		wait_for "$(basename "$trace"): event $k of $total as run --events numbers it" \
			"event $k/$total .*" && wait_for "$(basename "$trace"): event $k is line $line" "^event $k, line $line: "
		keys q
		# the next start() kills this server: let slubsim finish first (valgrind checks its exit)
		wait_for "$(basename "$trace"): q quits at event $k" "slubsim exited 0"
	done
	rm -f "$screen.events"
}
same_events "$lessons/02-alignment-rust.trace" 1 9 17
same_events "$srcdir/traces/real/debian61-default.trace" 1 700 1852

# the fault pane on the slub_debug lesson, and an ASCII terminal
start 80 24 --ascii "$lessons/04-slub-debug.trace"
wait_for "debug lesson opens" "debug FZPU"
keys B f a u l t Enter r
wait_for "run to the fault" "stopped at breakpoint 1: fault"
keys Tab Tab Tab Tab
wait_for "fault pane" "Right Redzone overwritten"
wait_for "the expectations after the event, passed" "+ passed  line 24: expect fault \"Right Redzone overwritten\""
keys BTab BTab BTab
wait_for "slab map in ASCII" "# used  . free  c on the cpu freelist"
keys q
wait_for "q quits the debug lesson" "slubsim exited 0"

finish
