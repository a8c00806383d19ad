#!/bin/sh
# The layers include only themselves and the layers below them:
#   sim/ <- src/trace/ <- src/replay/ <- src/api/ (and include/) <- src/ui/ <- tui/ <- src/cli/
# (README.md, Layout). tests/, bench/, fuzz/ and examples/ may include anything.
# No source file sits directly in src/, and src/ has no folder outside the list.
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

rank() { # rank PATH: the layer's place from the bottom, or nothing outside the layers
	case $1 in
	sim/*) echo 0 ;;
	src/trace/*) echo 1 ;;
	src/replay/*) echo 2 ;;
	src/api/*|include/*) echo 3 ;;
	src/ui/*) echo 4 ;;
	tui/*) echo 5 ;;
	src/cli/*) echo 6 ;;
	esac
}

# layering ROOT: print each include that goes up or cannot be placed; the
# number of includes checked goes to $tmp/count.
layering() {
	root=$1 n=0
	for f in $(cd "$root" && find sim src tui include -name '*.[ch]' 2>/dev/null | sort); do
		r=$(rank "$f")
		if [ -z "$r" ]; then
			echo "$f: not in a layer (sim/, src/trace/, src/replay/, src/api/, src/ui/, tui/, src/cli/)"
			continue
		fi
		# "X" and <X> that name a file of the tree
		for inc in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*["<]\([^">]*\)[">].*/\1/p' "$root/$f"); do
			if [ -f "$root/$(dirname "$f")/$inc" ]; then
				t=$(dirname "$f")/$inc
			elif [ -f "$root/$inc" ] && [ "${inc#*/}" != "$inc" ]; then
				t=$inc
			else
				continue	# a system header, or configure's autoconfig.h
			fi
			n=$((n + 1))
			tr=$(rank "$t")
			if [ -z "$tr" ] || [ "$tr" -gt "$r" ]; then
				echo "$f: includes $inc ($t), a layer above"
			fi
		done
	done
	echo "$n" >"$tmp/count"
}

layering "$srcdir" >"$tmp/up"
# the installed header stands alone: nothing of the tree
if grep -q '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$srcdir/include/slubsim/slubsim.h"; then
	echo "include/slubsim/slubsim.h: includes a header of the tree; it is installed alone" >>"$tmp/up"
fi
if [ -s "$tmp/up" ]; then not_ok "upward includes:"; cat "$tmp/up" >&2; else ok; fi
# the scan saw the tree: every layer includes something
check "includes checked: $(cat "$tmp/count")" test "$(cat "$tmp/count")" -gt 50

# every source of the layers is in Makefile.am, so that make dist ships it
missing=
for f in $(cd "$srcdir" && find sim src tui include -name '*.[ch]' | sort); do
	grep -q "[[:space:]]$f\([[:space:]]\|\$\)" "$srcdir/Makefile.am" || missing="$missing $f"
done
check "sources missing from Makefile.am:${missing:- none}" test -z "$missing"

# and it can fail: a tree with an upward include, a file straight in src/
fake=$tmp/fake
mkdir -p "$fake/sim" "$fake/src/ui" "$fake/src/replay" "$fake/tui"
echo '#include "src/ui/view.h"' >"$fake/sim/slub.c"
echo '#include "view.h"' >"$fake/src/ui/player.c"
: >"$fake/src/ui/view.h"
echo '#include "tui/tui.h"' >"$fake/src/replay/replay.c"
: >"$fake/tui/tui.h"
: >"$fake/src/main.c"
layering "$fake" >"$tmp/found"
check "sim/ including src/ui/ is found" grep -q '^sim/slub.c: includes src/ui/view.h' "$tmp/found"
check "src/replay/ including tui/ is found" grep -q '^src/replay/replay.c: includes tui/tui.h' "$tmp/found"
check "a file straight in src/ is found" grep -q '^src/main.c: not in a layer' "$tmp/found"
check "an include within a layer passes" sh -c "! grep -q '^src/ui/player.c' '$tmp/found'"
finish
