#!/bin/sh
# The man pages: groff finds nothing to warn about, and slubsim(1) documents every
# command and every option that 'slubsim --help' and 'slubsim COMMAND --help' print.
. "$(dirname "$0")/lib.sh"
page=$srcdir/man/slubsim.1
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

if command -v man >/dev/null 2>&1; then
	# every page: man exits 0 on warnings, they go to stderr
	for p in "$srcdir"/man/*.[1-8]; do
		if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l -Tutf8 "$p" >/dev/null 2>"$tmp/warnings" &&
		   [ ! -s "$tmp/warnings" ]; then
			ok
		else
			not_ok "man --warnings on $(basename "$p"):"; cat "$tmp/warnings" >&2
		fi
	done
else
	skip "man --warnings: man not found (apt-get install man-db)"
fi

# the page's text with roff's \- as plain '-'
sed 's/\\-/-/g' "$page" >"$tmp/page"
documented() { # documented OPTION: the page mentions it, as a whole word
	grep -q -e "$1\([^A-Za-z0-9-]\|\$\)" "$tmp/page"
}
# options in a help text: --word and -X at the start of a word
help_options() {
	grep -o -e '\(^\|[ ,[]\)--*[A-Za-z][A-Za-z0-9-]*' "$1" | sed 's/^[ ,[]*//' | sort -u
}

if ! "$SLUBSIM" --help >"$tmp/help"; then
	not_ok "slubsim --help failed"
	finish
	exit
fi
for opt in $(help_options "$tmp/help"); do
	if documented "$opt"; then ok; else not_ok "slubsim --help lists $opt; man/slubsim.1 does not"; fi
done
# the releases a bare --kernel stands for: the page names the ones --help computes
bare=$(tr '\n' ' ' <"$tmp/page" | grep -o '\.B 6\.[0-9]* is 6\.[0-9]*\.[0-9]*' | sed 's/^\.B //')
[ -n "$bare" ] && ok || not_ok "man/slubsim.1 names no release for a bare --kernel"
echo "$bare" | while read -r series is release; do
	[ -z "$series" ] && continue
	if grep -q "$series = $release\([^0-9]\|\$\)" "$tmp/help"; then
		echo ok
	else
		echo "FAIL: man/slubsim.1 says $series is $release; slubsim --help does not" >&2
	fi
done >"$tmp/bare"
while read -r r; do ok; done <"$tmp/bare"
[ "$(grep -c ok "$tmp/bare")" -eq "$(echo "$bare" | grep -c .)" ] || not_ok "bare --kernel releases differ"

# every command of --help: a section in the page, and a --help of its own with its options documented
commands=$(sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p' "$tmp/help")
[ -n "$commands" ] && ok || not_ok "no commands found in slubsim --help"
for cmd in $commands; do
	if grep -q "^\.SS $cmd\$" "$page"; then ok; else not_ok "command $cmd has no '.SS $cmd' in man/slubsim.1"; fi
	if "$SLUBSIM" "$cmd" --help >"$tmp/cmd-help" 2>&1 && grep -q "^Usage: slubsim .*$cmd" "$tmp/cmd-help"; then
		ok
	else
		not_ok "slubsim $cmd --help: no usage"; cat "$tmp/cmd-help" >&2
	fi
	for opt in $(help_options "$tmp/cmd-help"); do
		if documented "$opt"; then ok; else not_ok "slubsim $cmd --help lists $opt; man/slubsim.1 does not"; fi
	done
done
finish
