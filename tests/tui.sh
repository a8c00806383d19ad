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

start 80 24 "$lessons/02-alignment-rust.trace"
wait_for "opens at event 0" "event 0/41"
wait_for "footer" "q quit  h help"
keys Right Right
wait_for "step forward" "event 2/41"
wait_for "outcome in words" "p = kmalloc 64 → kmalloc-64, cpu 0 new slab"
wait_for "slab map follows the event" "kmalloc-64: 64 objects per slab"
keys Left
wait_for "step back" "event 1/41"
wait_for "label shown" "label: Power-of-two classes are naturally aligned"
keys NPage
wait_for "PgDn: 100 forward, clamped" "event 41/41"
keys Home
wait_for "Home" "event 0/41"
keys g 1 2 Enter
wait_for "goto" "event 12/41"
keys End
wait_for "End" "event 41/41"
keys Home B m i s a l i g n e d Enter
wait_for "breakpoint set" "breakpoint 1: misaligned"
keys r
wait_for "run stops at the breakpoint" "stopped at breakpoint 1: misaligned"
wait_for "...at the misaligned rust_alloc" "event 8/41"
keys Tab Tab Tab
wait_for "alignment pane" "> naive       6.1         96  kmalloc-96            32  MISALIGNED"
keys n
wait_for "sort letter" "sorted by name"
capture
# the rows shown (scrolled to the selected cache) are in name order
sed -n '5,10p' "$screen" | awk '{ print $8 }' >"$screen.names"
if LC_ALL=C sort -c "$screen.names" 2>/dev/null; then ok; else not_ok "sort by name:"; cat "$screen" >&2; fi
rm -f "$screen.names"
keys h
wait_for "help screen" "Sorting (slabtop's letters)"
keys x
wait_for "help closes" "event 8/41"
tmux -L $sock resize-window -x 100 -y 30 2>/dev/null || tmux -L $sock resize-pane -x 100 -y 30
wait_for "resized" "x86_64 2 CPUs debug off"
capture
[ "$(wc -l <"$screen")" -ge 29 ] && ok || not_ok "resize: the screen did not grow to 30 rows"
keys q
wait_for "q quits with status 0" "slubsim exited 0"

# the fault pane on the slub_debug lesson, and an ASCII terminal
start 80 24 --ascii "$lessons/04-slub-debug.trace"
wait_for "debug lesson opens" "debug FZPU"
keys B f a u l t Enter r
wait_for "run to the fault" "stopped at breakpoint 1: fault"
keys BTab
wait_for "fault pane" "Right Redzone overwritten"
keys Tab Tab
wait_for "slab map in ASCII" "# used  . free  c on the cpu freelist"
keys q
wait_for "q quits the debug lesson" "slubsim exited 0"

finish
